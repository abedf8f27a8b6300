/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ioc.check in the parser sandbox (check.c). */
#ifndef VIGIL_SCAN_CHECK_H
#define VIGIL_SCAN_CHECK_H

#include <jansson.h>
#include <stddef.h>

#include "sandbox.h"

/* Has the parser sandbox parse one document and returns its entry of ioc.check's answer (new
 * reference): the report (scan/report.h) with loaded true, or {file, loaded: false, error,
 * error_json}.  Runs on a worker thread (it waits for the sandbox). */
json_t *vg_scan_check_sandboxed(struct vg_sandbox *sb, const struct vg_sandbox_limits *limits, const char *file,
				const char *content, size_t len);

#endif
