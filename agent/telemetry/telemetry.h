/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The telemetry subsystem's private state, shared by its files.
 *
 * Events flow one way:
 *   collectors (audit reader thread, fanotify) --in--> enrichment thread (hashes, /proc,
 *   exclusions) --out--> loop thread (vg_event_emit) --> spool thread (core/spooler.h, SQLite).
 * Every queue is bounded; what does not fit is dropped and counted, never waited for.
 */
#ifndef VIGIL_TELEMETRY_H
#define VIGIL_TELEMETRY_H

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "agent.h"
#include "telemetry/stage.h"
#include "vigil/error.h"

struct vg_agent;
struct vg_error;
struct vg_watch;
struct vg_tq;
struct vg_tel_audit;
struct vg_tel_ebpf;
struct vg_tel_fanotify;
struct vg_tel_exclusions;
struct vg_hash_cache;
struct vg_audit_records;

/* The sensor of processes and network that runs (the setting telemetry.sensor chooses). */
enum vg_tel_sensor { VG_TEL_SENSOR_NONE, VG_TEL_SENSOR_EBPF, VG_TEL_SENSOR_AUDIT };

/* Event types, as counted and filtered. */
enum vg_tel_type { VG_TEL_PROCESS, VG_TEL_NETWORK, VG_TEL_FILE, VG_TEL_OTHER, VG_TEL_NTYPES };

struct vg_telemetry {
	struct vg_agent *agent;
	pid_t self;
	struct vg_tq *in;               /* collectors -> enrichment */
	struct vg_tq *out;              /* enrichment -> loop */
	int out_fd;                     /* eventfd signalling out */
	struct vg_watch *out_watch;
	struct vg_watch *tick;
	pthread_t enrich_thread;
	bool enrich_started;
	atomic_bool stopping;
	struct vg_tel_audit *audit;
	struct vg_tel_ebpf *ebpf;
	struct vg_tel_fanotify *fan;
	struct vg_tel_exclusions *excl;
	struct vg_hash_cache *hashes;
	atomic_uint_fast64_t hash_max_bytes;
	atomic_uint_fast64_t excluded;
	uint64_t emitted[VG_TEL_NTYPES];
	/* Per-type counts a minute ago, for rates. */
	uint64_t rate_base[VG_TEL_NTYPES];
	uint64_t rate_base_ms;
	double rate[VG_TEL_NTYPES];
	/* Drops already reported as data-dropped events. */
	uint64_t reported_queue_drops, reported_spool_drops, reported_lost, reported_fan_overflows;
	uint64_t reported_ebpf_lost;
	struct vg_error audit_error;  /* why audit is unavailable; code 0: it is not */
	/* The sensor in force, the setting it was chosen by, and why (shown in status, with its
	 * message id so that the front ends say it in their user's language). */
	enum vg_tel_sensor sensor;
	char sensor_setting[16];
	struct vg_error sensor_reason;
	struct vg_error ebpf_error;   /* why eBPF is unavailable; code 0: it is not */
	bool ebpf_failed;             /* tried with this setting and failed: not again until it changes */
	uint64_t audit_retry_ms;      /* when a failed audit start may be tried again */
	/* The file collector's settings in force, to notice changes. */
	bool files_on;
	char file_paths[4096];
	char file_backend[16];
	bool files_watching;        /* audit directory watches stand in for fanotify */
	struct vg_error files_error;  /* why fanotify is unavailable; code 0: it is not */
	/* The detection's stage and the audit records its rules want (stage.c, stage.h). */
	pthread_mutex_t stage_lock;     /* held by the enrichment thread while it runs the stage */
	struct vg_tel_stage stage;
	bool has_stage;
	struct vg_audit_records *records;
	char **detect_syscalls, **detect_reads;
	size_t ndetect_syscalls, ndetect_reads;
};

enum vg_tel_type vg_tel_type_of(const json_t *event);
const char *vg_tel_type_name(enum vg_tel_type t);

/* Hands a collected event (reference taken) to enrichment; thread-safe, never blocks. */
bool vg_tel_submit(struct vg_telemetry *tel, json_t *event);
/* The same for n events at once (references taken). */
void vg_tel_submit_many(struct vg_telemetry *tel, json_t **events, size_t n);

/* The detection's stage (stage.c): runs it on an event (false: keep it out of the spool), or
 * lets it count time; and hands the audit collector what the rules want. */
bool vg_tel_stage_run(struct vg_telemetry *tel, json_t *event);
void vg_tel_stage_idle(struct vg_telemetry *tel);
void vg_tel_detect_audit_apply(struct vg_telemetry *tel);
/* Starts or stops the audit collector as the sources and the detection need it (subsystem.c). */
void vg_tel_apply_audit(struct vg_telemetry *tel);

/* The agent commands (commands.c). */
extern const struct vg_agent_command vg_telemetry_commands[];

#endif
