/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Turns audit records into OCSF events: records are grouped per event serial (auparse),
 * and each complete syscall event of ours becomes a Process Activity or Network Activity
 * event handed to enrichment.  Runs on the audit reader thread only.
 */
#ifndef VIGIL_TELEMETRY_AUDIT_PARSE_H
#define VIGIL_TELEMETRY_AUDIT_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vg_telemetry;
struct vg_audit_parser;

struct vg_audit_parser_stats {
	uint64_t records, events, overruns;
};

int vg_audit_parser_new(struct vg_audit_parser **out, struct vg_telemetry *tel);
void vg_audit_parser_free(struct vg_audit_parser *p);

/* One netlink record: its type and text ("audit(SECS.MS:SERIAL): fields..."). */
void vg_audit_parser_record(struct vg_audit_parser *p, int type, const char *text, size_t len);
/* Hands the events made so far to enrichment.  The parser keeps them until then (or until it
 * holds a batch): one lock and one wakeup of enrichment per batch, not per event.  The reader
 * calls it whenever it has read everything queued. */
void vg_audit_parser_hand_over(struct vg_audit_parser *p);
/* Completes events whose end record never came (and hands them over): a record the kernel sent
 * alone, without EOE, once the records of a system call would have come (milliseconds). */
void vg_audit_parser_age(struct vg_audit_parser *p);
/* How many milliseconds until vg_audit_parser_age has an event to end (0: now), or -1 when
 * none is waiting: the reader's poll timeout. */
int vg_audit_parser_open_wait(const struct vg_audit_parser *p);
/* Completes every event under way and hands them over. */
void vg_audit_parser_flush(struct vg_audit_parser *p);
/* The socket overflowed: records were lost before we could read them. */
void vg_audit_parser_overrun(struct vg_audit_parser *p);
/* Directory watches are on: PATH records become file events. */
void vg_audit_parser_set_watching(struct vg_audit_parser *p, bool on);
/* Whether process and network syscalls make events (else they are audited for the detection's
 * rules only, and reach it as records). */
void vg_audit_parser_set_emit(struct vg_audit_parser *p, bool process, bool network);
void vg_audit_parser_stats(struct vg_audit_parser *p, struct vg_audit_parser_stats *st);

#endif
