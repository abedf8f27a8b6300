/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the OpenIOC fuzz targets do with a document that loaded: evaluate it over one object of
 * each document, with values for every condition and type, some fields unreadable. */
#ifndef VIGIL_FUZZ_IOC_H
#define VIGIL_FUZZ_IOC_H

#include <string.h>

#include "vigil/ioc.h"

static int fuzz_ioc_get(const struct vg_ioc_object *obj, unsigned field, vg_ioc_emit_fn emit, void *sink)
{
	static const char *const values[] = { "evil.exe", "/tmp/x/evil.exe", "1500", "2020-06-01T12:00:00Z",
					      "d41d8cd98f00b204e9800998ecf8427e", "10.0.0.1", "true", "" };
	(void)obj;
	if (field % 11 == 10)
		return -5;   /* some fields cannot be read: unknown */
	for (size_t i = field % 3; i < sizeof(values) / sizeof(values[0]); i += 3)
		if (emit(sink, values[i], strlen(values[i])))
			break;
	return 0;
}

static inline void fuzz_ioc_evaluate(const struct vg_ioc *ioc)
{
	struct vg_ioc_eval *ev = NULL;

	if (vg_ioc_eval_new(ioc, &ev) < 0)
		return;
	for (int d = 0; d < VG_IOC_DOC_COUNT; d++) {
		struct vg_ioc_object obj = { .doc = (enum vg_ioc_doc)d, .get = fuzz_ioc_get, .label_key = { "k", NULL },
					     .label = { "v", NULL } };
		vg_ioc_eval_object(ev, &obj);
	}
	vg_ioc_eval_finish(ev, (1u << VG_IOC_DOC_COUNT) - 1);
	vg_ioc_eval_free(ev);
}

#endif
