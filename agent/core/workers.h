/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A small pool of worker threads for long work (IOC scans, hashing, uploads, process
 * runs) so that the event loop never waits on disk or network.  A job's work function
 * runs on a worker; its done function runs afterwards on the loop's thread.
 */
#ifndef VIGIL_WORKERS_H
#define VIGIL_WORKERS_H

#include <stdatomic.h>
#include <stdbool.h>

struct vg_loop;
struct vg_workers;
struct vg_job;

typedef void (*vg_job_fn)(struct vg_job *job, void *data);

/* Starts n threads (1..16) reporting to loop.  Freed with vg_workers_free, which cancels
 * queued jobs (their done functions still run, with vg_job_cancelled true) and joins. */
int vg_workers_new(struct vg_workers **out, struct vg_loop *loop, unsigned n);
void vg_workers_free(struct vg_workers *pool);

/* Queues work; done (may be NULL) runs on the loop thread after it.  Returns the job, owned
 * by the pool until done has run, or NULL when out of memory. */
struct vg_job *vg_workers_submit(struct vg_workers *pool, vg_job_fn work, vg_job_fn done, void *data);

/* On the loop thread, outside the loop (start and stop): waits until every queued job has run,
 * then runs their done functions.  Jobs that done functions submit are not waited for. */
void vg_workers_drain(struct vg_workers *pool);

/* Asks a job to stop; long work functions check vg_job_cancelled between steps. */
void vg_job_cancel(struct vg_job *job);
bool vg_job_cancelled(const struct vg_job *job);

/* Jobs queued or running. */
unsigned vg_workers_pending(const struct vg_workers *pool);

#endif
