/* SPDX-License-Identifier: GPL-3.0-or-later */
/* OpenIOC documents parsed in the parser sandbox (check.c): ioc.check, the scans, the live indicators. */
#ifndef VIGIL_SCAN_CHECK_H
#define VIGIL_SCAN_CHECK_H

#include <jansson.h>
#include <stddef.h>

#include "sandbox.h"
#include "vigil/ioc.h"

/* Has the parser sandbox parse one document and returns its entry of ioc.check's answer (new
 * reference): the report (scan/report.h) with loaded true, or {file, loaded: false, error,
 * error_json}.  Runs on a worker thread (it waits for the sandbox). */
json_t *vg_scan_check_sandboxed(struct vg_sandbox *sb, const struct vg_sandbox_limits *limits, const char *file,
				const char *content, size_t len);

/* Has the parser sandbox parse one document and rebuilds it from the tree it answers, checked
 * (vg_ioc_load_tree): *ioc owns it.  The agent never parses the XML itself.  regex: where its
 * `matches` tests go (NULL: compiled and evaluated by the agent).  Errors: the document's own
 * (not XML, over a limit...), the sandbox's (it died, it timed out), -EPROTO for an answer or a
 * tree that is refused.  Runs on a worker thread. */
int vg_scan_load_sandboxed(struct vg_sandbox *sb, const struct vg_sandbox_limits *limits, const char *file,
			   const char *content, size_t len, const struct vg_ioc_regex *regex, struct vg_ioc **ioc,
			   struct vg_error *err);

/* `matches` tests in the parser sandbox (a vg_ioc_regex_fn; data: a struct vg_scan_regex that
 * outlives the documents): the pattern and a batch of values go there, one character a value
 * comes back (match, no match, limit), anything else is an error and the values are unknown.
 * Blocks on the sandbox: the scan's thread only. */
struct vg_scan_regex {
	struct vg_sandbox *sandbox;
	struct vg_sandbox_limits limits;
};

/* The round trip of a regex.match request (header: its JSON, without the values) with the values
 * as its payload; the answer checked as above.  Returns 0, -EINVAL when the worker says the
 * pattern does not compile, or another negative code (the worker out of memory, dead, lying...;
 * then out is not filled). */
int vg_sandbox_regex_call(struct vg_sandbox *sb, const struct vg_sandbox_limits *limits, json_t *header,
			  const char *const *values, const size_t *lens, size_t n, enum vg_ioc_truth *out);

int vg_scan_regex_sandboxed(void *data, const char *pattern, size_t plen, bool preserve_case, uint32_t match_limit,
			    uint32_t depth_limit, const char *const *values, const size_t *lens, size_t n,
			    enum vg_ioc_truth *out);

#endif
