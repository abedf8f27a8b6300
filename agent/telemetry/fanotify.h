/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The file collector: fanotify with directory file handles and names (FAN_REPORT_DFID_NAME)
 * on whole filesystems, for creations, writes (close after writing), deletions and renames.
 * Only paths under the configured prefixes are reported; the agent's own files never are.
 */
#ifndef VIGIL_TELEMETRY_FANOTIFY_H
#define VIGIL_TELEMETRY_FANOTIFY_H

#include <jansson.h>
#include <stdint.h>

struct vg_error;
struct vg_telemetry;
struct vg_tel_fanotify;

/* paths: comma-separated directory prefixes (the setting telemetry.file_paths). */
int vg_tel_fanotify_start(struct vg_tel_fanotify **out, struct vg_telemetry *tel, const char *paths,
			  struct vg_error *err);
void vg_tel_fanotify_stop(struct vg_tel_fanotify *f);
json_t *vg_tel_fanotify_status(struct vg_tel_fanotify *f);
uint64_t vg_tel_fanotify_overflows(struct vg_tel_fanotify *f);

#endif
