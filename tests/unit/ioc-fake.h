/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Test helpers: OpenIOC documents written inline and objects with fixed values. */
#ifndef VIGIL_TEST_IOC_FAKE_H
#define VIGIL_TEST_IOC_FAKE_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ioc/terms.h"
#include "vigil/error.h"
#include "vigil/ioc.h"

#define FAKE_MAXV 4

struct fake {
	struct vg_ioc_object obj;
	const char *v[F_FIELD_COUNT][FAKE_MAXV];
	int nv[F_FIELD_COUNT];
	unsigned char unknown[F_FIELD_COUNT];
	int gets[F_FIELD_COUNT];
};

static int fake_get(const struct vg_ioc_object *obj, unsigned field, vg_ioc_emit_fn emit, void *sink)
{
	struct fake *f = (struct fake *)obj;
	f->gets[field]++;
	if (f->unknown[field])
		return -EIO;
	for (int i = 0; i < f->nv[field]; i++)
		if (emit(sink, f->v[field][i], strlen(f->v[field][i])))
			break;
	return 0;
}

static inline void fake_init(struct fake *f, enum vg_ioc_doc doc, const char *label)
{
	memset(f, 0, sizeof(*f));
	f->obj.doc = doc;
	f->obj.get = fake_get;
	f->obj.label_key[0] = "path";
	f->obj.label[0] = label;
}

static inline void fake_set(struct fake *f, unsigned field, const char *v)
{
	if (f->nv[field] < FAKE_MAXV)
		f->v[field][f->nv[field]++] = v;
}

/* Wraps IndicatorItems in an OpenIOC 1.1 document whose top Indicator has operator op. */
static inline char *doc11(const char *op, const char *body)
{
	static const char head[] =
		"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
		"<OpenIOC xmlns=\"http://openioc.org/schemas/OpenIOC_1.1\" id=\"test-ioc\" "
		"last-modified=\"2024-01-01T00:00:00\" published-date=\"2024-01-01T00:00:00\">"
		"<metadata><short_description>test</short_description><authored_date>2024-01-01T00:00:00"
		"</authored_date></metadata><criteria><Indicator id=\"top\" operator=\"%s\">%s</Indicator>"
		"</criteria><parameters/></OpenIOC>\n";
	size_t n = sizeof(head) + strlen(op) + strlen(body);
	char *s = malloc(n);
	snprintf(s, n, head, op, body);
	return s;
}

/* One 1.1 IndicatorItem. */
static inline char *item11(char *buf, size_t size, const char *cond, const char *negate, const char *pc,
			   const char *search, const char *type, const char *content)
{
	const char *slash = strchr(search, '/');
	snprintf(buf, size,
		 "<IndicatorItem id=\"i-%s\" condition=\"%s\" negate=\"%s\" preserve-case=\"%s\">"
		 "<Context document=\"%.*s\" search=\"%s\" type=\"mir\"/>"
		 "<Content type=\"%s\">%s</Content></IndicatorItem>",
		 search, cond, negate, pc, (int)(slash - search), search, search, type, content);
	return buf;
}

#endif
