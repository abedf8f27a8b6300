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

/* The word of a state ("queued", "running", "succeeded", ..., "timed_out", "interrupted"). */
const char *vg_task_state_name(enum vg_task_state state);
bool vg_task_state_final(enum vg_task_state state);

/* Opens the journal over store (migrating its tables) and marks running tasks interrupted;
 * *interrupted receives how many (may be NULL). */
int vg_journal_open(struct vg_journal **out, struct vg_store *store, unsigned *interrupted, struct vg_error *err);
/* A journal over a read-only connection (vg_store_open_reader), for reading on a worker the
 * rows whose results may be large; no migration, no change. */
int vg_journal_view(struct vg_journal **out, struct vg_store *store, struct vg_error *err);
void vg_journal_close(struct vg_journal *j);

/* Records a new task in state queued.  -EEXIST when the id is already known. */
int vg_journal_add(struct vg_journal *j, const char *id, const char *source, const char *kind,
		   const json_t *request, struct vg_error *err);

/* Records a new local task in state queued, numbered by the journal: *id grows across restarts. */
int vg_journal_add_numbered(struct vg_journal *j, const char *source, const char *kind, const json_t *request,
			    unsigned uid, int64_t *id, struct vg_error *err);

/* Moves a task to state; a final state stores result (borrowed, may be NULL) and the end time,
 * and marks the result as not yet reported. */
int vg_journal_set_state(struct vg_journal *j, const char *id, enum vg_task_state state, const json_t *result,
			 struct vg_error *err);

/* One task as {id, source, kind, state, request, result, created, started, ended, reported, uid}
 * (times in ms since the epoch), a new reference; NULL when unknown. */
json_t *vg_journal_get(struct vg_journal *j, const char *id);

/* Tasks of source in a final state whose result was not reported yet, oldest first (at most
 * limit), as an array of vg_journal_get objects. */
json_t *vg_journal_unreported(struct vg_journal *j, const char *source, unsigned limit);
int vg_journal_set_reported(struct vg_journal *j, const char *id, bool reported, struct vg_error *err);
/* Whether vg_journal_unreported would find a task of source (one indexed lookup; no result read). */
bool vg_journal_has_unreported(struct vg_journal *j, const char *source);

/* The newest tasks first, at most limit, as [{request_id, kind, state}]: their requests and
 * results are not read. */
json_t *vg_journal_states(struct vg_journal *j, unsigned limit);

/* The newest tasks first, at most limit; with active_only, only tasks not in a final state. */
json_t *vg_journal_list(struct vg_journal *j, unsigned limit, bool active_only);

#endif
