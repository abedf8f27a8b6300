/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The parser sandbox: a worker process (vigil-worker) that parses what comes from outside in
 * the agent's place, as an unprivileged user with no capabilities, PR_SET_NO_NEW_PRIVS, a
 * seccomp allow-list and rlimits (doc/security.md).  The agent talks to it over a socketpair,
 * one request at a time, in length-bounded frames: a JSON header and an optional payload each
 * way (agent/worker/frame.h).  A worker that dies is restarted, with a backoff when it keeps
 * dying; a request it was answering gets an error, never a hang.
 *
 * vg_sandbox_call() blocks until the answer comes (at most the CPU time allowed plus a margin):
 * call it from a worker thread (vg_workers_submit), never from the loop.
 */
#ifndef VIGIL_SANDBOX_H
#define VIGIL_SANDBOX_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "vigil/error.h"

struct vg_sandbox;

/* What the worker may use: memory beyond its program (MiB) and CPU time per request (s). */
struct vg_sandbox_limits {
	unsigned memory_mib;
	unsigned cpu_seconds;
	unsigned margin_ms;     /* wall time allowed beyond twice the CPU time; 0: 10 s */
};

/* Prepares the sandbox for the worker program at path (NULL: the installed one, or the build
 * tree's when the agent runs from there); the worker starts at the first call.  The program
 * must belong to root and be writable by no one else.  Errors: -ENOMEM. */
int vg_sandbox_new(const char *path, struct vg_sandbox **out, struct vg_error *err);
/* Kills the worker, so that a call under way ends at once (with an error); then free. */
void vg_sandbox_shutdown(struct vg_sandbox *sb);
void vg_sandbox_free(struct vg_sandbox *sb);

/* Sends a request (header: a JSON object with "op"; payload: bytes, may be NULL) and waits for
 * the answer, a JSON object (*reply, new reference).  Errors: -EPIPE when the worker died
 * meanwhile (err names how), -ETIMEDOUT when it did not answer in time (it is then killed),
 * -EAGAIN when it cannot be started now (it keeps dying: backoff), -EPROTO for an answer that
 * breaks the framing, or the errno of starting it. */
int vg_sandbox_call(struct vg_sandbox *sb, const struct vg_sandbox_limits *limits, json_t *header,
		    const void *payload, size_t len, json_t **reply, struct vg_error *err);

/* From now on a call while the worker keeps dying fails at once with -EAGAIN instead of
 * waiting for the backoff (up to 8 s): for a caller that must not be held, the detection. */
void vg_sandbox_set_impatient(struct vg_sandbox *sb);

/* Its section of the status: pid (0 when not running), uid, starts, deaths, last death. */
json_t *vg_sandbox_status(struct vg_sandbox *sb);

#endif
