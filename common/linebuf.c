/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "linebuf.h"

void vg_linebuf_init(struct vg_linebuf *lb, size_t max)
{
	memset(lb, 0, sizeof(*lb));
	lb->max = max;
}

void vg_linebuf_fini(struct vg_linebuf *lb)
{
	free(lb->data);
	memset(lb, 0, sizeof(*lb));
}

/* Drops the lines already handed out so that the buffer never grows past max + a read. */
static void compact(struct vg_linebuf *lb)
{
	if (!lb->start)
		return;
	memmove(lb->data, lb->data + lb->start, lb->len - lb->start);
	lb->len -= lb->start;
	lb->start = 0;
}

char *vg_linebuf_space(struct vg_linebuf *lb, size_t *room)
{
	size_t want;

	compact(lb);
	/* Never hold more than max + 1 bytes: enough to know a line is too long. */
	want = lb->max + 1;
	if (lb->len >= want) {
		*room = 0;
		return NULL;
	}
	if (lb->cap < want) {
		size_t cap = lb->cap ? lb->cap : 4096;
		char *p;

		while (cap < lb->len + 4096 && cap < want)
			cap *= 2;
		if (cap > want)
			cap = want;
		if (cap > lb->cap) {
			p = realloc(lb->data, cap);
			if (!p) {
				*room = 0;
				return NULL;
			}
			lb->data = p;
			lb->cap = cap;
		}
	}
	*room = lb->cap - lb->len;
	return lb->data + lb->len;
}

void vg_linebuf_commit(struct vg_linebuf *lb, size_t n)
{
	lb->len += n;
}

int vg_linebuf_feed(struct vg_linebuf *lb, const char *data, size_t n)
{
	while (n) {
		size_t room;
		char *p = vg_linebuf_space(lb, &room);

		if (!p)
			return lb->len > lb->max ? -EMSGSIZE : -ENOMEM;
		if (room > n)
			room = n;
		memcpy(p, data, room);
		vg_linebuf_commit(lb, room);
		data += room;
		n -= room;
		/* Let the caller take whole lines before the buffer is judged too long. */
		if (n && lb->len - lb->start > lb->max && !memchr(lb->data + lb->start, '\n', lb->len - lb->start))
			return -EMSGSIZE;
	}
	return 0;
}

int vg_linebuf_next(struct vg_linebuf *lb, char **line, size_t *len)
{
	char *begin = lb->data + lb->start;
	size_t held = lb->len - lb->start;
	char *nl = held ? memchr(begin, '\n', held) : NULL;
	size_t n;

	if (!nl) {
		if (held > lb->max - 1)
			return -EMSGSIZE;
		return 0;
	}
	n = (size_t)(nl - begin);
	if (n + 1 > lb->max)
		return -EMSGSIZE;
	*nl = '\0';
	lb->start += n + 1;
	if (memchr(begin, '\0', n))
		return -EPROTO;
	if (n && begin[n - 1] == '\r')
		begin[--n] = '\0';
	*line = begin;
	*len = n;
	return 1;
}
