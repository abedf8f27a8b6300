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

struct vg_agent;
struct vg_error;
struct vg_watch;
struct vg_tq;
struct vg_tel_audit;
struct vg_tel_ebpf;
struct vg_tel_fanotify;
struct vg_tel_exclusions;
struct vg_hash_cache;

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
	char audit_error[256];
	/* The sensor in force, the setting it was chosen by, and why (shown in status). */
	enum vg_tel_sensor sensor;
	char sensor_setting[16];
	char sensor_reason[512];
	char ebpf_error[256];
	bool ebpf_failed;             /* tried with this setting and failed: not again until it changes */
	uint64_t audit_retry_ms;      /* when a failed audit start may be tried again */
	/* The file collector's settings in force, to notice changes. */
	bool files_on;
	char file_paths[4096];
	char file_backend[16];
	bool files_watching;        /* audit directory watches stand in for fanotify */
	char files_error[256];
};

enum vg_tel_type vg_tel_type_of(const json_t *event);
const char *vg_tel_type_name(enum vg_tel_type t);

/* Hands a collected event (reference taken) to enrichment; thread-safe, never blocks. */
bool vg_tel_submit(struct vg_telemetry *tel, json_t *event);
/* The same for n events at once (references taken). */
void vg_tel_submit_many(struct vg_telemetry *tel, json_t **events, size_t n);

/* The agent commands (commands.c). */
extern const struct vg_agent_command vg_telemetry_commands[];

#endif
