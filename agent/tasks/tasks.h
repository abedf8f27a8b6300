/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Response tasks, as the rest of the agent sees them (the OpenC2 intake, the IOC actions).
 * The executors themselves are in tasks/executors.h.
 */
#ifndef VIGIL_TASKS_H
#define VIGIL_TASKS_H

#include <jansson.h>
#include <stdint.h>
#include <sys/types.h>

struct vg_agent;
struct vg_error;

/* Queues a task on the loop thread.  kind is "get-file", "delete-file", "run", "terminate",
 * "quarantine-restore" or "quarantine-purge" (or the control command naming it); source names
 * who asked ("local", "server"); request holds the executor's arguments (borrowed, copied).
 * Returns 0 with *id, or a negative code with err filled when the task could not be queued. */
int vg_tasks_submit(struct vg_agent *agent, const char *kind, const char *source, uid_t uid, const json_t *request,
		    int64_t *id, struct vg_error *err);

/* The same for an IOC action: pidfd (>= 0) holds the process a terminate must act on, taken
 * when it matched; the task owns it from now on, even when it cannot be queued. */
int vg_tasks_submit_held(struct vg_agent *agent, const char *kind, const char *source, uid_t uid,
			 const json_t *request, int pidfd, int64_t *id, struct vg_error *err);

/* Queues a task asked for by the server's OpenC2 command request_id (already in the task journal,
 * state running): when the task ends, its OpenC2 response ({status, status_text, results:
 * {"x-vigil": {task_id, task_kind, state, result}}}) is written to that journal entry, which the
 * link reports.  The task itself has source "server". */
int vg_tasks_submit_openc2(struct vg_agent *agent, const char *kind, const json_t *request, const char *request_id,
			   int64_t *id, struct vg_error *err);

/* Writes the OpenC2 response {status, status_text, results} to the journal entry of the server's
 * request_id (final state from status), which the link reports.  For the subsystems that answer
 * a server's command when their work ends (IOC scans). */
int vg_tasks_answer_openc2(struct vg_agent *agent, const char *request_id, int status, const char *text,
			   const json_t *results);

#endif
