/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The raw audit records that the detection's auditd rules read (see stage.h and doc/sigma.md):
 * which record types the audit reader keeps besides its own, and the records of an audit
 * event as unmapped.audit — one object per record, every field under its name as auditd logs
 * it, strings decoded, an EXECVE argument split by the kernel joined back, and the
 * interpretations of auditd's enriched format in upper case (SYSCALL, ARCH, UID, AUID, SADDR...).
 *
 * The wants are set on the loop thread and read on the audit reader thread.
 */
#ifndef VIGIL_TELEMETRY_AUDIT_RECORDS_H
#define VIGIL_TELEMETRY_AUDIT_RECORDS_H

#include <auparse.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct vg_tel_audit_wants;
struct vg_audit_records;

int vg_audit_records_new(struct vg_audit_records **out);
void vg_audit_records_free(struct vg_audit_records *r);

/* Replaces the wants (NULL: none).  Returns 0 or -ENOMEM (the old wants stay). */
int vg_audit_records_set(struct vg_audit_records *r, const struct vg_tel_audit_wants *w);
/* Whether anything is wanted. */
bool vg_audit_records_active(const struct vg_audit_records *r);
/* Whether records of this type must reach the parser. */
bool vg_audit_records_feeds(const struct vg_audit_records *r, int type);

/* For the audit event under au (its records not read yet, or read and rewound): with out (the
 * OCSF event made of it) attaches the records and returns out; without, returns an
 * evaluation-only event when a record is wanted, else NULL.  time_ms and serial are the
 * event's. */
json_t *vg_audit_records_event(struct vg_audit_records *r, auparse_state_t *au, json_t *out, int64_t time_ms,
			       unsigned long serial);

#endif
