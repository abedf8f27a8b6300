/* SPDX-License-Identifier: GPL-3.0-or-later */
/* JSON forms of OpenIOC documents and scan results (report.c). */
#ifndef VIGIL_SCAN_REPORT_H
#define VIGIL_SCAN_REPORT_H

#include <jansson.h>
#include <stdlib.h>

#include "vigil/error.h"
#include "vigil/ioc.h"

/* What `ioc check` shows of one document (new reference). */
json_t *vg_scan_report_check(const struct vg_ioc *ioc, const char *file);
/* One document's result in a scan: file, id, version, result, matches, warnings. */
json_t *vg_scan_report_eval(const struct vg_ioc *ioc, const char *file, const struct vg_ioc_eval *ev,
			   enum vg_ioc_truth t);
/* A document that could not be used (refused, duplicate id). */
json_t *vg_scan_report_failed(const char *file, const char *id, const char *why);
json_t *vg_scan_report_stats(const struct vg_ioc_scan_stats *st);

#endif
