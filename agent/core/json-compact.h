/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Compact JSON text of a value, the same text as json_dumps(value, JSON_COMPACT) (keys in their
 * order, UTF-8 kept, the same escapes and number forms), written into a buffer the caller keeps
 * from one value to the next: the spool stores thousands of events a second, and a buffer
 * allocated and grown for each one costs more than writing the text.
 */
#ifndef VIGIL_JSON_COMPACT_H
#define VIGIL_JSON_COMPACT_H

#include <jansson.h>
#include <stddef.h>

struct vg_json_buf {
	char *data;     /* NUL-terminated after vg_json_compact */
	size_t len, size;
};

/* Replaces buf's text with value's.  Returns 0, -ENOMEM, or -EINVAL for a value that has no
 * JSON text (nesting deeper than 64). */
int vg_json_compact(struct vg_json_buf *buf, const json_t *value);
void vg_json_buf_free(struct vg_json_buf *buf);

#endif
