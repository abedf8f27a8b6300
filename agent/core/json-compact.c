/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json-compact.h"

#define MAX_DEPTH 64

static int reserve(struct vg_json_buf *b, size_t more)
{
	size_t need = b->len + more + 1, size = b->size ? b->size : 1024;
	char *p;

	if (need <= b->size)
		return 0;
	while (size < need)
		size *= 2;
	if (!(p = realloc(b->data, size)))
		return -ENOMEM;
	b->data = p;
	b->size = size;
	return 0;
}

static int put(struct vg_json_buf *b, const char *s, size_t n)
{
	if (reserve(b, n) < 0)
		return -ENOMEM;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	return 0;
}

/* A string with jansson's escapes: quote, backslash, the short forms of \b \f \n \r \t, other
 * control characters as \u00XX; everything else (UTF-8 included) as it is. */
static int put_string(struct vg_json_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t run = 0;

	if (reserve(b, n + 2) < 0)
		return -ENOMEM;
	b->data[b->len++] = '"';
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[6];
		size_t elen = 2;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		if (put(b, s + run, i - run) < 0)
			return -ENOMEM;
		run = i + 1;
		esc[0] = '\\';
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			elen = 6;
		}
		if (put(b, esc, elen) < 0)
			return -ENOMEM;
	}
	if (put(b, s + run, n - run) < 0)
		return -ENOMEM;
	return put(b, "\"", 1);
}

static int put_integer(struct vg_json_buf *b, json_int_t v)
{
	char digits[24], *p = digits + sizeof(digits);
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	return put(b, p, (size_t)(digits + sizeof(digits) - p));
}

/* Reals as jansson writes them: %.17g, with ".0" when that looks like an integer. */
static int put_real(struct vg_json_buf *b, double v)
{
	char text[40];
	int n = snprintf(text, sizeof(text), "%.17g", v);

	if (n < 0 || (size_t)n >= sizeof(text) - 2)
		return -EINVAL;
	if (!strpbrk(text, ".eE")) {
		memcpy(text + n, ".0", 3);
		n += 2;
	}
	return put(b, text, (size_t)n);
}

static int put_value(struct vg_json_buf *b, const json_t *v, int depth)
{
	const char *key;
	json_t *item;
	size_t i;
	int r;

	if (depth > MAX_DEPTH)
		return -EINVAL;
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		bool first = true;

		if (put(b, "{", 1) < 0)
			return -ENOMEM;
		json_object_foreach((json_t *)v, key, item) {
			if ((!first && put(b, ",", 1) < 0) || put_string(b, key, strlen(key)) < 0 || put(b, ":", 1) < 0)
				return -ENOMEM;
			if ((r = put_value(b, item, depth + 1)) < 0)
				return r;
			first = false;
		}
		return put(b, "}", 1);
	}
	case JSON_ARRAY:
		if (put(b, "[", 1) < 0)
			return -ENOMEM;
		json_array_foreach(v, i, item) {
			if (i && put(b, ",", 1) < 0)
				return -ENOMEM;
			if ((r = put_value(b, item, depth + 1)) < 0)
				return r;
		}
		return put(b, "]", 1);
	case JSON_STRING:
		return put_string(b, json_string_value(v), json_string_length(v));
	case JSON_INTEGER:
		return put_integer(b, json_integer_value(v));
	case JSON_REAL:
		return put_real(b, json_real_value(v));
	case JSON_TRUE:
		return put(b, "true", 4);
	case JSON_FALSE:
		return put(b, "false", 5);
	default:
		return put(b, "null", 4);
	}
}

int vg_json_compact(struct vg_json_buf *buf, const json_t *value)
{
	int r;

	buf->len = 0;
	if (!value)
		return -EINVAL;
	if ((r = put_value(buf, value, 0)) < 0)
		return r;
	buf->data[buf->len] = '\0';
	return 0;
}

void vg_json_buf_free(struct vg_json_buf *buf)
{
	free(buf->data);
	memset(buf, 0, sizeof(*buf));
}
