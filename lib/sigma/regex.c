/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A Sigma regular expression compiled and matched in one call, as the matcher would: what the
 * agent's parser sandbox runs for the rules whose regular expressions vigild does not compile
 * (vg_sigma_set_regex).  Compiled anew each time: the sandbox keeps no state between requests.
 */
#include "config.h"

#include <errno.h>

#include "sigma/sigma-int.h"

#define ALLOWED_FLAGS (PCRE2_CASELESS | PCRE2_MULTILINE | PCRE2_DOTALL)

int vg_sigma_regex_local(void *data, const char *pattern, size_t plen, uint32_t flags, uint32_t match_limit,
			 uint32_t depth_limit, const char *value, size_t len)
{
	pcre2_compile_context *cctx = NULL;
	pcre2_match_context *mctx = NULL;
	pcre2_match_data *md = NULL;
	pcre2_code *re = NULL;
	PCRE2_SIZE off;
	int code, r;

	(void)data;
	if (flags & ~(uint32_t)ALLOWED_FLAGS)
		return -EINVAL;
	if (!(cctx = pcre2_compile_context_create(NULL)))
		return -ENOMEM;
	/* The compile context of a set (set.c): same nesting limit, same options. */
	pcre2_set_parens_nest_limit(cctx, 64);
	re = pcre2_compile((PCRE2_SPTR)pattern, plen, PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | flags, &code, &off, cctx);
	if (!re) {
		r = code == PCRE2_ERROR_NOMEMORY ? -ENOMEM : -EINVAL;
		goto out;
	}
	if (!value) {
		r = 0;
		goto out;
	}
	md = pcre2_match_data_create(1, NULL);
	mctx = pcre2_match_context_create(NULL);
	if (!md || !mctx) {
		r = -ENOMEM;
		goto out;
	}
	/* Interpreted (the sandbox may make no memory executable), where the matcher runs PCRE2's
	 * JIT, which ignores the depth limit: raised to the match limit, so that a group repeated
	 * over a long value matches as it does there, the heap limit bounding memory as the JIT
	 * stack does. */
	pcre2_set_match_limit(mctx, match_limit);
	pcre2_set_depth_limit(mctx, depth_limit > match_limit ? depth_limit : match_limit);
	pcre2_set_heap_limit(mctx, 16384);   /* KiB, as the matcher */
	code = pcre2_match(re, (PCRE2_SPTR)value, len, 0, 0, md, mctx);
	r = code >= 0 ? 1 : code == PCRE2_ERROR_NOMATCH ? 0 : -ERANGE;
out:
	pcre2_match_data_free(md);
	pcre2_match_context_free(mctx);
	pcre2_code_free(re);
	pcre2_compile_context_free(cctx);
	return r;
}
