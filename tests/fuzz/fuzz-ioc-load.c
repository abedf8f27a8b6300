/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: the OpenIOC loader, then an evaluation over one object of each document
 * (conditions, ranges, regexes with their limits). */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "vigil/error.h"
#include "vigil/ioc.h"

static int get(const struct vg_ioc_object *obj, unsigned field, vg_ioc_emit_fn emit, void *sink)
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_ioc *ioc = NULL;
	struct vg_ioc_eval *ev = NULL;
	struct vg_error err;
	struct vg_ioc_limits lim;

	vg_ioc_limits_init(&lim);
	/* Keep one run short: a catastrophic pattern stops at this limit. */
	lim.regex_match_limit = 100000;
	if (vg_ioc_load_memory((const char *)data, size, "fuzz.ioc", &lim, &ioc, &err) < 0)
		return 0;
	if (vg_ioc_eval_new(ioc, &ev) == 0) {
		for (int d = 0; d < VG_IOC_DOC_COUNT; d++) {
			struct vg_ioc_object obj = { .doc = (enum vg_ioc_doc)d, .get = get, .label_key = { "k", NULL },
						     .label = { "v", NULL } };
			vg_ioc_eval_object(ev, &obj);
		}
		vg_ioc_eval_finish(ev, (1u << VG_IOC_DOC_COUNT) - 1);
		vg_ioc_eval_free(ev);
	}
	vg_ioc_free(ioc);
	return 0;
}
