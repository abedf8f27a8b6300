/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "json-weight.h"

/* What jansson allocates beside the bytes of the strings, malloc's headers included, measured on
 * the agent's events (heap in use over 10,000 copies): an object's hashtable and its first
 * buckets, a member's pair and key copy, a string's struct and a number's. */
#define OBJECT_OVERHEAD 320
#define MEMBER_OVERHEAD 64
#define ARRAY_OVERHEAD 96
#define CELL_OVERHEAD 8
#define STRING_OVERHEAD 48
#define SCALAR_OVERHEAD 32
#define MAX_DEPTH 64

static size_t weigh(const json_t *v, int depth)
{
	size_t w;

	if (depth > MAX_DEPTH)
		return SCALAR_OVERHEAD;
	switch (json_typeof(v)) {
	case JSON_STRING:
		return STRING_OVERHEAD + json_string_length(v) + 1;
	case JSON_OBJECT: {
		const char *key;
		json_t *member;

		w = OBJECT_OVERHEAD;
		/* json_object_foreach wants a non-const object; it does not change it. */
		json_object_foreach((json_t *)v, key, member)
			w += MEMBER_OVERHEAD + strlen(key) + weigh(member, depth + 1);
		return w;
	}
	case JSON_ARRAY:
		w = ARRAY_OVERHEAD;
		for (size_t i = 0; i < json_array_size(v); i++)
			w += CELL_OVERHEAD + weigh(json_array_get(v, i), depth + 1);
		return w;
	default:
		return SCALAR_OVERHEAD;
	}
}

size_t vg_json_weight(const json_t *value)
{
	return value ? weigh(value, 0) : 0;
}
