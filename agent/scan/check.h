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
 * (vg_ioc_load_tree): *ioc owns it.  The agent never parses the XML itself.  Errors: the
 * document's own (not XML, over a limit...), the sandbox's (it died, it timed out), -EPROTO for
 * an answer or a tree that is refused.  Runs on a worker thread. */
int vg_scan_load_sandboxed(struct vg_sandbox *sb, const struct vg_sandbox_limits *limits, const char *file,
			   const char *content, size_t len, struct vg_ioc **ioc, struct vg_error *err);

#endif
