/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The task journal: every task, from the server or typed locally, is written here before
 * it runs and ends in exactly one final state with its result.  A task that was running
 * when the agent died is marked interrupted when the journal is opened, never run again.
 */
#ifndef VIGIL_TASKS_JOURNAL_H
#define VIGIL_TASKS_JOURNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct vg_error;
struct vg_store;
struct vg_journal;

enum vg_task_state {
	VG_TASK_QUEUED,
	VG_TASK_RUNNING,
	VG_TASK_SUCCEEDED,
	VG_TASK_FAILED,
	VG_TASK_REFUSED,
	VG_TASK_CANCELLED,
	VG_TASK_TIMED_OUT,
	VG_TASK_INTERRUPTED,
};

#define VG_TASK_ID_MAX 128

/* Two namespaces of ids, never mixed: a server's request ids (its OpenC2 request_id, any text
 * the server chose) and the agent's task ids (numbers the journal gives).  Request "3" and task
 * 3 are two rows. */
enum vg_journal_ns {
	VG_JOURNAL_TASKS = 0,
	VG_JOURNAL_REQUESTS = 1,
};

/* The word of a state ("queued", "running", "succeeded", ..., "timed_out", "interrupted"). */
const char *vg_task_state_name(enum vg_task_state state);
bool vg_task_state_final(enum vg_task_state state);

/* Opens the journal over store (migrating its tables) and marks running tasks interrupted;
 * *interrupted receives how many (may be NULL). */
int vg_journal_open(struct vg_journal **out, struct vg_store *store, unsigned *interrupted, struct vg_error *err);
/* A journal over a connection of a worker's own: read-only (vg_store_open_reader) to read the
 * rows whose results may be large, or the worker's writer for vg_journal_enforce; no migration. */
int vg_journal_view(struct vg_journal **out, struct vg_store *store, struct vg_error *err);
void vg_journal_close(struct vg_journal *j);

/* Records a new entry of ns in state queued.  -EEXIST when the id is already known there. */
int vg_journal_add(struct vg_journal *j, enum vg_journal_ns ns, const char *id, const char *source,
		   const char *kind, const json_t *request, struct vg_error *err);

/* Records a new task (VG_JOURNAL_TASKS) in state queued, numbered by the journal: *id grows
 * across restarts. */
int vg_journal_add_numbered(struct vg_journal *j, const char *source, const char *kind, const json_t *request,
			    unsigned uid, int64_t *id, struct vg_error *err);

/* Moves a task to state; a final state stores result (borrowed, may be NULL) and the end time,
 * and marks the result as not yet reported. */
int vg_journal_set_state(struct vg_journal *j, enum vg_journal_ns ns, const char *id, enum vg_task_state state,
			 const json_t *result, struct vg_error *err);

/* One task as {id, source, kind, state, request, result, created, started, ended, reported, uid}
 * (times in ms since the epoch), a new reference; NULL when unknown. */
json_t *vg_journal_get(struct vg_journal *j, enum vg_journal_ns ns, const char *id);

/* The server's requests in a final state whose response was not reported yet, oldest first (at
 * most limit), as an array of vg_journal_get objects. */
json_t *vg_journal_unreported(struct vg_journal *j, unsigned limit);
/* Marks the response to the server's request id as reported (or to report again). */
int vg_journal_set_reported(struct vg_journal *j, const char *id, bool reported, struct vg_error *err);
/* Whether vg_journal_unreported would find a request (one indexed lookup; no result read). */
bool vg_journal_has_unreported(struct vg_journal *j);

/* The server's commands not in a final state and those that ended at or after ended_since_ms,
 * newest first, at most limit, as [{request_id, kind, state}]: their requests and results are
 * not read.  (The tasks that carry them out, numbered locally, are not listed again.) */
json_t *vg_journal_states(struct vg_journal *j, int64_t ended_since_ms, unsigned limit);

/* The newest entries of ns first, at most limit; with active_only, only those not in a final
 * state. */
json_t *vg_journal_list(struct vg_journal *j, enum vg_journal_ns ns, unsigned limit, bool active_only);

/* The journal's size: rows, bytes of their requests and results, rows removed so far. */
struct vg_journal_usage {
	uint64_t rows, bytes, removed;
};

/* Applies the caps (0: none): no task or request that ended more than max_age_s ago, at most
 * max_bytes of requests and results, oldest first.  What must stay stays: an entry not ended
 * yet, a request whose response the server has not had, and the newest row (it numbers the next
 * task).  Adds to usage->removed and sets its rows and bytes.  Reads every row: on a worker. */
int vg_journal_enforce(struct vg_journal *j, uint64_t max_bytes, uint64_t max_age_s, struct vg_journal_usage *usage,
		       struct vg_error *err);

#endif
