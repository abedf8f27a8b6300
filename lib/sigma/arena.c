/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A bump allocator: a rule's (or a YAML file's) many small pieces, freed at once. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sigma/sigma-int.h"

#define CHUNK_MIN 4096

struct sg_chunk {
	struct sg_chunk *next;
	size_t size, used;
	max_align_t data[];
};

void *sg_alloc(struct sg_arena *a, size_t size)
{
	struct sg_chunk *c = a->head;
	size_t align = _Alignof(max_align_t);

	size = (size + align - 1) & ~(align - 1);
	if (size == 0)
		size = align;
	if (!c || c->size - c->used < size) {
		size_t want = size > CHUNK_MIN ? size : CHUNK_MIN;

		if (a->head && a->head->size * 2 > want && a->head->size < (1u << 20))
			want = a->head->size * 2;
		c = malloc(sizeof(*c) + want);
		if (!c)
			return NULL;
		c->size = want;
		c->used = 0;
		c->next = a->head;
		a->head = c;
	}
	void *p = (char *)c->data + c->used;
	c->used += size;
	a->bytes += size;
	return p;
}

void *sg_zalloc(struct sg_arena *a, size_t size)
{
	void *p = sg_alloc(a, size);

	if (p)
		memset(p, 0, size);
	return p;
}

char *sg_strndup(struct sg_arena *a, const char *s, size_t len)
{
	char *p = sg_alloc(a, len + 1);

	if (!p)
		return NULL;
	if (len)
		memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *sg_strdup(struct sg_arena *a, const char *s)
{
	return sg_strndup(a, s, strlen(s));
}

void sg_arena_free(struct sg_arena *a)
{
	struct sg_chunk *c = a->head;

	while (c) {
		struct sg_chunk *next = c->next;

		free(c);
		c = next;
	}
	a->head = NULL;
	a->bytes = 0;
}
