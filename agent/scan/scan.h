/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The agent's IOC scan service: scans as tasks, their results, the server's "scan device". */
#ifndef VIGIL_SCAN_SERVICE_H
#define VIGIL_SCAN_SERVICE_H

#include <jansson.h>

struct vg_agent;
struct vg_error;

/* An IOC scan for the server's OpenC2 "scan device" request_id (already in the task
 * journal, running) over the OpenIOC document (text), with the scan options of `ioc.scan` in
 * options (may be NULL).  When it ends, its result is the OpenC2 response to request_id. */
int vg_ioc_scan_openc2(struct vg_agent *agent, const char *request_id, const char *document, const json_t *options,
		       struct vg_error *err);

#endif
