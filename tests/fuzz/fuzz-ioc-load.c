/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: the OpenIOC loader, then an evaluation over one object of each document
 * (conditions, ranges, regexes with their limits). */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "vigil/error.h"
#include "vigil/ioc.h"
#include "ioc-fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_ioc *ioc = NULL;
	struct vg_error err;
	struct vg_ioc_limits lim;

	vg_ioc_limits_init(&lim);
	/* Keep one run short: a catastrophic pattern stops at this limit. */
	lim.regex_match_limit = 100000;
	if (vg_ioc_load_memory((const char *)data, size, "fuzz.ioc", &lim, &ioc, &err) < 0)
		return 0;
	fuzz_ioc_evaluate(ioc);
	vg_ioc_free(ioc);
	return 0;
}
