/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Newline framing with a bound: bytes go in as they arrive, whole lines come out.
 * A line longer than the maximum is an error, detected before it is buffered whole.
 */
#ifndef VIGIL_LINEBUF_H
#define VIGIL_LINEBUF_H

#include <stddef.h>

struct vg_linebuf {
	char *data;
	size_t len;      /* bytes held */
	size_t start;    /* bytes already handed out, discarded on the next feed */
	size_t cap;
	size_t max;      /* the longest line accepted, newline included */
};

void vg_linebuf_init(struct vg_linebuf *lb, size_t max);
void vg_linebuf_fini(struct vg_linebuf *lb);

/* Space to read into: returns a pointer and sets *room (at least 1 byte, bounded by max),
 * or NULL with -ENOMEM.  Call vg_linebuf_commit with what was read. */
char *vg_linebuf_space(struct vg_linebuf *lb, size_t *room);
void vg_linebuf_commit(struct vg_linebuf *lb, size_t n);

/* Appends n bytes (for tests and for callers that already hold the data); -EMSGSIZE or -ENOMEM. */
int vg_linebuf_feed(struct vg_linebuf *lb, const char *data, size_t n);

/* Takes the next whole line: returns 1 and points *line at it (NUL-terminated in place, the
 * newline removed; valid until the next call), 0 when no whole line is held, -EMSGSIZE when
 * the bytes held exceed the maximum without a newline, -EPROTO when a line holds a NUL byte. */
int vg_linebuf_next(struct vg_linebuf *lb, char **line, size_t *len);

#endif
