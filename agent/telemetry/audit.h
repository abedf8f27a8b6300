/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The audit collector: process starts (execve), exits (exit_group) and network
 * connections (connect, accept, bind) from the kernel audit subsystem.
 *
 * Coexistence: when another process owns the audit unicast socket (auditd), the collector
 * reads the multicast group read-only and adds its own rules (key "vigil") beside the
 * owner's, putting them back when a reload removed them; otherwise it owns the unicast
 * socket, sets a backlog that never stalls the host, and restores what it changed at exit.
 * It never takes the socket from another owner and never touches a rule that is not its own.
 */
#ifndef VIGIL_TELEMETRY_AUDIT_H
#define VIGIL_TELEMETRY_AUDIT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "telemetry/stage.h"

struct vg_error;
struct vg_telemetry;
struct vg_tel_audit;

#define VG_AUDIT_KEY "vigil"
#define VG_AUDIT_READ_KEY VG_TEL_READ_KEY  /* the detection's read watches (stage.h) */

int vg_tel_audit_start(struct vg_tel_audit **out, struct vg_telemetry *tel, bool process, bool network,
		       struct vg_error *err);
/* Removes exactly our rules, gives back the socket and what was changed, and frees. */
void vg_tel_audit_stop(struct vg_tel_audit *a);

/* Turns the process and network rules on or off (loop thread). */
void vg_tel_audit_configure(struct vg_tel_audit *a, bool process, bool network);
/* Every second on the loop thread: the kernel's counters, and our rules put back if gone. */
void vg_tel_audit_tick(struct vg_tel_audit *a);
/* Watches the directories in paths (comma-separated) for file changes, the file collector's
 * fallback; NULL removes the watches.  -ENOENT when no directory could be watched. */
int vg_tel_audit_set_watches(struct vg_tel_audit *a, const char *paths);
/* The detection's audit rules: one rule for the syscalls its auditd rules name, and a read
 * watch (key VG_AUDIT_READ_KEY) on each file (loop thread; empty lists remove them). */
void vg_tel_audit_set_detect(struct vg_tel_audit *a, const char *const *syscalls, size_t nsys,
			     const char *const *files, size_t nfiles);
uint64_t vg_tel_audit_kernel_lost(struct vg_tel_audit *a);
json_t *vg_tel_audit_status(struct vg_tel_audit *a);

#endif
