/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The spool: every stored event, in SQLite (WAL), in arrival order.  Producers append
 * in batches (one transaction per batch).  The uploader reads the oldest events not yet
 * acknowledged and acknowledges them once the server has stored them; local views read
 * any stored event.  Bounded by size and age: acknowledged events go first, and when
 * unacknowledged events must go, they are counted as dropped.
 *
 * In the agent one thread uses a spool: the spool thread (spooler.h), on its own connection.
 */
#ifndef VIGIL_SPOOL_H
#define VIGIL_SPOOL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct vg_error;
struct vg_store;
struct vg_spool;

struct vg_spool_stats {
	uint64_t events;          /* rows stored */
	uint64_t pending;         /* rows not yet acknowledged by a server */
	uint64_t bytes;           /* size of the stored event texts */
	int64_t oldest_ms;        /* time of the oldest stored event, 0 when empty */
	int64_t oldest_pending_ms;  /* time of the first event not acknowledged (in arrival order) */
	uint64_t dropped;         /* unacknowledged events removed by the caps, since the spool was made */
	uint64_t last_seq;
};

/* One batch for the uploader: the events' stored JSON texts and their sequence numbers. */
struct vg_spool_batch {
	size_t n;
	uint64_t *seqs;
	char **texts;
	size_t bytes;
};

int vg_spool_open(struct vg_spool **out, struct vg_store *store, struct vg_error *err);
void vg_spool_close(struct vg_spool *spool);

/* Stores n events (JSON objects with "time" and "class_uid") in one transaction. */
int vg_spool_append(struct vg_spool *spool, json_t *const *events, size_t n, struct vg_error *err);

/* Reads the oldest unacknowledged events with a sequence number above after_seq, at most
 * max_events and about max_bytes (at least one event).  Free with vg_spool_batch_free. */
int vg_spool_read_pending(struct vg_spool *spool, uint64_t after_seq, size_t max_events, size_t max_bytes,
			  struct vg_spool_batch *batch, struct vg_error *err);
void vg_spool_batch_free(struct vg_spool_batch *batch);

/* Marks the events with first <= seq <= last as acknowledged by the server. */
int vg_spool_ack(struct vg_spool *spool, uint64_t first, uint64_t last, struct vg_error *err);
/* Marks the n events seqs (in ascending order) as acknowledged, in one transaction. */
int vg_spool_ack_seqs(struct vg_spool *spool, const uint64_t *seqs, size_t n, struct vg_error *err);

/* Applies the caps: at most max_bytes of event text, nothing older than max_age_s (0: no limit).
 * *dropped receives the number of unacknowledged events removed now. */
int vg_spool_enforce(struct vg_spool *spool, uint64_t max_bytes, uint64_t max_age_s, uint64_t *dropped,
		     struct vg_error *err);

int vg_spool_stats(struct vg_spool *spool, struct vg_spool_stats *stats, struct vg_error *err);

/*
 * Readers: consumers other than the server link (the exports) that read every stored event in
 * order, each from its own acknowledged position, kept in the spool's database.  The size cap
 * removes first what the link and every reader have acknowledged; an event removed before a
 * reader got to it is counted as lost for that reader (sequence numbers have no holes, so a
 * gap is a loss).
 */
struct vg_spool_reader_pos {
	uint64_t seq;              /* the last event this reader acknowledged */
	uint64_t lost;             /* events removed before it read them, since it was made */
	uint64_t counted;          /* gaps up to here are in lost: a reader that reads again from
				    * an older position (a failed delivery) counts them once */
};

/* Loads the position of reader name (at most 32 characters); a reader seen for the first time
 * starts at the newest stored event (it gets what is stored from now on). */
int vg_spool_reader_open(struct vg_spool *spool, const char *name, struct vg_spool_reader_pos *pos,
			 struct vg_error *err);
/* Reads the events after pos->seq, at most max_events and about max_bytes (at least one); adds
 * the events removed in between and not counted yet to pos->lost (in memory:
 * vg_spool_reader_ack stores it). */
int vg_spool_reader_read(struct vg_spool *spool, struct vg_spool_reader_pos *pos, size_t max_events,
			 size_t max_bytes, struct vg_spool_batch *batch, struct vg_error *err);
/* Stores pos as the reader's acknowledged position. */
int vg_spool_reader_ack(struct vg_spool *spool, const char *name, const struct vg_spool_reader_pos *pos,
			struct vg_error *err);
/* Forgets a reader (an export turned off): it no longer holds events back. */
int vg_spool_reader_forget(struct vg_spool *spool, const char *name, struct vg_error *err);

/* The table that local views query on a read-only connection of their own (prepared statements):
 * spool_events(seq, time_ms, class_uid, size, acked, event). */

#endif
