/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: the tree of a document as the parser sandbox answers it, read by the agent
 * (vg_ioc_load_tree), then an evaluation over one object of each document with the `matches`
 * tests handed out in batches as the agent hands them to the sandbox (here run in-process). */
#include "config.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "vigil/error.h"
#include "vigil/ioc.h"
#include "ioc-fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct vg_ioc_regex elsewhere = { vg_ioc_regex_local, NULL };
	json_t *tree = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	struct vg_ioc *ioc = NULL;
	struct vg_error err;
	struct vg_ioc_limits lim;

	vg_ioc_limits_init(&lim);
	/* Keep one run short: a catastrophic pattern stops at this limit. */
	lim.regex_match_limit = 100000;
	/* Both ways: the patterns compiled here, and handed out. */
	for (int k = 0; tree && k < 2; k++) {
		if (vg_ioc_load_tree(tree, "fuzz.ioc", &lim, k ? &elsewhere : NULL, &ioc, &err) < 0)
			break;
		fuzz_ioc_evaluate(ioc);
		vg_ioc_free(ioc);
		ioc = NULL;
	}
	json_decref(tree);
	return 0;
}
