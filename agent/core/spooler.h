/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The spool thread: the one thread that uses the spool (spool.h), on a database connection
 * of its own that no other thread touches.  The loop hands it events to store, in batches
 * (one transaction per batch, every flush interval or every batch-size events, whichever
 * comes first), applies the size and age caps every few seconds, and runs the uploader's
 * reads and acknowledgements as calls: work on the spool thread, then a done function on the
 * loop.  Calls run one at a time, in the order they were made, so an acknowledgement made
 * before a read is in the database when the read runs.
 *
 * Every function here is for the loop thread.
 */
#ifndef VIGIL_SPOOLER_H
#define VIGIL_SPOOLER_H

#include <jansson.h>
#include <stdint.h>

#include "spool.h"

struct vg_error;
struct vg_loop;
struct vg_spooler;

#define VG_SPOOLER_BATCH 1024          /* events per transaction */
#define VG_SPOOLER_FLUSH_MS 1000       /* longest an event waits in memory */

struct vg_spooler_stats {
	uint64_t stored;               /* events committed since the start */
	uint64_t queue_dropped;        /* refused because the queue in memory was full */
	uint64_t spool_dropped;        /* unacknowledged events removed by the caps since the start */
	uint64_t errors;               /* failed transactions (their events are lost, counted here too) */
	uint64_t lost_on_error;
	size_t queued;                 /* in memory, not committed yet */
	size_t queued_bytes;           /* their weight (json-weight.h) */
	int64_t last_commit_ms;
	struct vg_spool_stats spool;   /* the spool as the spool thread last saw it */
};

/* Opens the spool's connection to the database at db_path (migrating the spool's tables) on a
 * new thread, and waits until it is open.  Free with vg_spooler_free. */
int vg_spooler_new(struct vg_spooler **out, struct vg_loop *loop, const char *db_path, struct vg_error *err);
/* Outside the loop (at stop): stores what is queued, runs the calls already made (their done
 * functions too), applies the caps once more and closes the connection. */
void vg_spooler_free(struct vg_spooler *sp);

/* Queues ev for storage (its reference is taken); never blocks.  A full queue drops it, counted. */
void vg_spooler_push(struct vg_spooler *sp, json_t *ev);
/* The same for an event that must not wait for the flush interval (a detection, a response to
 * one): what is queued goes to the spool thread now, or as soon as the flush under way ends. */
void vg_spooler_push_urgent(struct vg_spooler *sp, json_t *ev);

/* The caps: at most max_bytes of events (0: none), none older than max_age_s (0: no limit), at
 * most queue_max events in memory, weighing at most max_queue_bytes (json-weight.h; 0: no
 * bound but the count). */
void vg_spooler_set_caps(struct vg_spooler *sp, uint64_t max_bytes, uint64_t max_age_s, size_t queue_max,
			 size_t max_queue_bytes);

/* Runs work(spool, data) on the spool thread, then done(data) (may be NULL) on the loop thread.
 * Returns 0, or -ENOMEM (then neither runs). */
typedef void (*vg_spooler_work_fn)(struct vg_spool *spool, void *data);
typedef void (*vg_spooler_done_fn)(void *data);
int vg_spooler_call(struct vg_spooler *sp, vg_spooler_work_fn work, vg_spooler_done_fn done, void *data);

/* The counters, and the last view of the spool (refreshed after each transaction). */
void vg_spooler_stats(const struct vg_spooler *sp, struct vg_spooler_stats *stats);

#endif
