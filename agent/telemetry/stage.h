/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What the telemetry offers the detection subsystem (stage.c):
 *
 *  - a stage on the enrichment thread that sees every event after the exclusions and before
 *    the spool, so that evaluation never runs on the loop thread and needs no queue of its own;
 *  - the audit records that the loaded auditd rules look at: the record types, syscalls and
 *    keys they name, and files whose reads are audited.  While these are wanted the audit
 *    collector runs (even when no telemetry source needs it), the records of every audit
 *    event are attached to its OCSF event as unmapped.audit, and an audit event that makes no
 *    OCSF event but holds a wanted record becomes an evaluation-only event (VG_TEL_DETECT_ONLY)
 *    which the stage sees and the spool never stores.
 */
#ifndef VIGIL_TELEMETRY_STAGE_H
#define VIGIL_TELEMETRY_STAGE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct vg_agent;

/* The member that marks an evaluation-only event (true). */
#define VG_TEL_DETECT_ONLY "_vg_detect_only"
/* The audit key of the read watches: a rule that names it asks for them. */
#define VG_TEL_READ_KEY "vigil-read"

struct vg_tel_stage {
	/* One event (borrowed); returns false to keep it out of the spool. */
	bool (*event)(void *data, json_t *event);
	/* Called on the enrichment thread at least every half second. */
	void (*idle)(void *data);
	void *data;
};

/* Installs the stage (copied), or removes it with NULL.  Loop thread; when it returns, the
 * enrichment thread no longer runs the previous stage.  -EAGAIN without telemetry. */
int vg_tel_set_stage(struct vg_agent *agent, const struct vg_tel_stage *stage);

/* The audit records wanted (strings copied).  Loop thread; NULL or all empty: none. */
struct vg_tel_audit_wants {
	bool any_type;                 /* every record of every audit event */
	const char *const *types;      /* record type names: "EXECVE", "PATH", "SERVICE_STOP"... */
	size_t ntypes;
	const char *const *syscalls;   /* syscall names: audited for the detection */
	size_t nsyscalls;
	const char *const *keys;       /* audit keys of rules made by someone else */
	size_t nkeys;
	const char *const *read_files; /* files whose reads are audited (key "vigil-read") */
	size_t nread_files;
};

int vg_tel_set_audit_wants(struct vg_agent *agent, const struct vg_tel_audit_wants *wants);

/* Whether the audit collector runs, and why not (for the detection's status). */
bool vg_tel_audit_running(struct vg_agent *agent, const char **why);

#endif
