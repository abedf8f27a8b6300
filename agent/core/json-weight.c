/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "json-weight.h"

/* jansson's allocation for a value (its struct, a hashtable slot or array cell, malloc's own
 * header), rounded up. */
#define VALUE_OVERHEAD 64
#define MAX_DEPTH 64

static size_t weigh(const json_t *v, int depth)
{
	size_t w = VALUE_OVERHEAD;

	if (depth > MAX_DEPTH)
		return w;
	switch (json_typeof(v)) {
	case JSON_STRING:
		return w + json_string_length(v);
	case JSON_OBJECT: {
		const char *key;
		json_t *member;

		/* json_object_foreach wants a non-const object; it does not change it. */
		json_object_foreach((json_t *)v, key, member)
			w += strlen(key) + weigh(member, depth + 1);
		return w;
	}
	case JSON_ARRAY:
		for (size_t i = 0; i < json_array_size(v); i++)
			w += sizeof(json_t *) + weigh(json_array_get(v, i), depth + 1);
		return w;
	default:
		return w;
	}
}

size_t vg_json_weight(const json_t *value)
{
	return value ? weigh(value, 0) : 0;
}
