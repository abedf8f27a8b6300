/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The spool writer: events handed over by the loop thread are batched in memory and
 * stored by a thread of its own, one transaction per batch, every flush interval or
 * every batch-size events, whichever comes first.  The writer has its own database
 * connection so that a slow commit never stalls the loop.  It also applies the caps.
 */
#ifndef VIGIL_TELEMETRY_WRITER_H
#define VIGIL_TELEMETRY_WRITER_H

#include <jansson.h>
#include <stdint.h>

struct vg_error;
struct vg_tel_writer;

struct vg_tel_writer_config {
	const char *db_path;
	size_t queue_max;        /* events held in memory before drops */
	size_t batch_max;        /* events per transaction */
	unsigned flush_ms;       /* longest an event waits in memory */
	uint64_t max_bytes;      /* spool cap (0: none) */
	uint64_t max_age_s;      /* spool cap (0: none) */
};

struct vg_tel_writer_stats {
	uint64_t stored;         /* events committed by this writer */
	uint64_t queue_dropped;  /* refused because the queue was full */
	uint64_t spool_dropped;  /* unacknowledged events removed by the caps */
	uint64_t errors;         /* failed transactions (their events are lost, counted here too) */
	uint64_t lost_on_error;
	size_t queued;
	int64_t last_commit_ms;
};

int vg_tel_writer_new(struct vg_tel_writer **out, const struct vg_tel_writer_config *cfg, struct vg_error *err);
/* Stores what is queued, stops the thread and frees. */
void vg_tel_writer_free(struct vg_tel_writer *w);

/* Queues ev (reference taken); never blocks. */
void vg_tel_writer_push(struct vg_tel_writer *w, json_t *ev);
/* The same, and the batch under way is stored now rather than at the end of its interval. */
void vg_tel_writer_push_urgent(struct vg_tel_writer *w, json_t *ev);

void vg_tel_writer_set_caps(struct vg_tel_writer *w, uint64_t max_bytes, uint64_t max_age_s, size_t queue_max);
void vg_tel_writer_stats(struct vg_tel_writer *w, struct vg_tel_writer_stats *st);

#endif
