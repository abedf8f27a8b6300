/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Test helper: a document through its plain tree (vg_ioc_tree) and back (vg_ioc_load_tree), as
 * the parser sandbox hands it to the agent, in text form in between. */
#ifndef VIGIL_TEST_IOC_TREE_H
#define VIGIL_TEST_IOC_TREE_H

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "vigil/error.h"
#include "vigil/ioc.h"

/* The document rebuilt from its tree, or NULL (why on stdout as a TAP comment); *same says
 * whether the rebuilt document gives the very same tree again.  regex: where its `matches`
 * tests go (NULL: compiled here). */
static inline struct vg_ioc *ioc_through_tree(const struct vg_ioc *ioc, const char *name,
					      const struct vg_ioc_regex *regex, bool *same)
{
	json_t *tree = vg_ioc_tree(ioc), *back = NULL, *again = NULL;
	char *text = tree ? json_dumps(tree, JSON_COMPACT) : NULL;
	struct vg_ioc *out = NULL;
	struct vg_error err;

	vg_error_clear(&err);
	*same = false;
	if (text && (back = json_loads(text, JSON_REJECT_DUPLICATES, NULL)) &&
	    vg_ioc_load_tree(back, name, NULL, regex, &out, &err) < 0)
		printf("# %s: the tree does not load back: %s\n", name, err.message);
	if (out && (again = vg_ioc_tree(out)))
		*same = json_equal(tree, again);
	json_decref(tree);
	json_decref(back);
	json_decref(again);
	free(text);
	return out;
}

#endif
