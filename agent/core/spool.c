/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "json-compact.h"
#include "log.h"
#include "nls.h"
#include "spool.h"
#include "store.h"
#include "vigil/error.h"

struct vg_spool {
	struct vg_store *store;
	sqlite3_stmt *insert;
	sqlite3_stmt *add_counter;
	/* The stored size and the row counts live in spool_counters, updated in the same
	 * transaction as the rows: they stay right across restarts and connections, and reading
	 * them costs one lookup however large the spool is. */
	uint64_t bytes;
	struct vg_json_buf text;   /* the event being stored, reused */
};

static const struct vg_migration migrations[] = {
	{ 1, "CREATE TABLE spool_events (seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	     " time_ms INTEGER NOT NULL, class_uid INTEGER NOT NULL, size INTEGER NOT NULL,"
	     " acked INTEGER NOT NULL DEFAULT 0, event TEXT NOT NULL);"
	     "CREATE INDEX spool_events_pending ON spool_events(acked, seq);"
	     "CREATE INDEX spool_events_time ON spool_events(time_ms);"
	     "CREATE TABLE spool_counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);"
	     "INSERT INTO spool_counters VALUES ('dropped', 0);" },
	{ 2, "INSERT INTO spool_counters SELECT 'bytes', COALESCE(SUM(size), 0) FROM spool_events;" },
	{ 3, "INSERT INTO spool_counters SELECT 'events', COUNT(*) FROM spool_events;"
	     "INSERT INTO spool_counters SELECT 'pending', COUNT(*) FROM spool_events WHERE acked = 0;" },
	{ 4, "CREATE TABLE spool_readers (name TEXT PRIMARY KEY, seq INTEGER NOT NULL, lost INTEGER NOT NULL,"
	     " counted INTEGER NOT NULL);" },
};

#define BYTES_SQL "SELECT value FROM spool_counters WHERE name = 'bytes'"
/* The newest event that every reader has acknowledged (every event when there is no reader). */
/* The last sequence number ever given (AUTOINCREMENT keeps it even when the table is empty). */
#define LAST_SEQ_SQL "COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'spool_events'), 0)"
#define READERS_DONE_SQL "(SELECT COALESCE(MIN(seq), 9223372036854775807) FROM spool_readers)"

static int query_u64(struct vg_spool *spool, const char *sql, uint64_t *out)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(vg_store_db(spool->store), sql, -1, &st, NULL) != SQLITE_OK)
		return -EIO;
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? (uint64_t)sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -EIO;
}

int vg_spool_open(struct vg_spool **out, struct vg_store *store, struct vg_error *err)
{
	struct vg_spool *spool;
	int r;

	if ((r = vg_store_migrate(store, "spool", migrations, sizeof(migrations) / sizeof(migrations[0]), err)) < 0)
		return r;
	spool = calloc(1, sizeof(*spool));
	if (!spool)
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	spool->store = store;
	if (sqlite3_prepare_v3(vg_store_db(store),
			       "INSERT INTO spool_events(time_ms, class_uid, size, event) VALUES (?1, ?2, ?3, ?4)",
			       -1, SQLITE_PREPARE_PERSISTENT, &spool->insert, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v3(vg_store_db(store), "UPDATE spool_counters SET value = MAX(0, value + ?1) WHERE name = ?2",
			       -1, SQLITE_PREPARE_PERSISTENT, &spool->add_counter, NULL) != SQLITE_OK ||
	    query_u64(spool, BYTES_SQL, &spool->bytes) < 0) {
		r = vg_store_error(store, N_("opening the spool"), err);
		vg_spool_close(spool);
		return r;
	}
	*out = spool;
	return 0;
}

void vg_spool_close(struct vg_spool *spool)
{
	if (!spool)
		return;
	sqlite3_finalize(spool->insert);
	sqlite3_finalize(spool->add_counter);
	vg_json_buf_free(&spool->text);
	free(spool);
}

/* Adds delta to the counter name ("bytes", "events", "pending"), inside the caller's transaction. */
static int add_counter(struct vg_spool *spool, const char *name, int64_t delta)
{
	int rc;

	if (delta == 0)
		return 0;
	sqlite3_reset(spool->add_counter);
	sqlite3_bind_int64(spool->add_counter, 1, delta);
	sqlite3_bind_text(spool->add_counter, 2, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(spool->add_counter);
	sqlite3_reset(spool->add_counter);
	return rc == SQLITE_DONE ? 0 : -EIO;
}

int vg_spool_append(struct vg_spool *spool, json_t *const *events, size_t n, struct vg_error *err)
{
	uint64_t added = 0, stored = 0;
	int r;

	if (n == 0)
		return 0;
	if ((r = vg_store_begin(spool->store, err)) < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		json_t *t = json_object_get(events[i], "time");
		size_t len;

		if (vg_json_compact(&spool->text, events[i]) < 0)
			continue;
		len = spool->text.len;
		sqlite3_reset(spool->insert);
		sqlite3_bind_int64(spool->insert, 1, json_is_integer(t) ? json_integer_value(t) : vg_time_ms());
		sqlite3_bind_int64(spool->insert, 2, json_integer_value(json_object_get(events[i], "class_uid")));
		sqlite3_bind_int64(spool->insert, 3, (sqlite3_int64)len);
		/* The text stays as it is until the step below has stored it. */
		sqlite3_bind_text(spool->insert, 4, spool->text.data, (int)len, SQLITE_STATIC);
		if (sqlite3_step(spool->insert) != SQLITE_DONE) {
			r = vg_store_error(spool->store, N_("storing events"), err);
			sqlite3_reset(spool->insert);
			vg_store_rollback(spool->store);
			return r;
		}
		added += len;
		stored++;
	}
	sqlite3_reset(spool->insert);
	if (add_counter(spool, "bytes", (int64_t)added) < 0 || add_counter(spool, "events", (int64_t)stored) < 0 ||
	    add_counter(spool, "pending", (int64_t)stored) < 0) {
		r = vg_store_error(spool->store, N_("storing events"), err);
		vg_store_rollback(spool->store);
		return r;
	}
	return vg_store_commit(spool->store, err);
}

void vg_spool_batch_free(struct vg_spool_batch *batch)
{
	for (size_t i = 0; i < batch->n; i++)
		free(batch->texts[i]);
	free(batch->texts);
	free(batch->seqs);
	memset(batch, 0, sizeof(*batch));
}

/* Runs sql (binding ?1 to after_seq, ?2 to max_events; it selects seq and event) into batch. */
static int read_events(struct vg_spool *spool, const char *sql, uint64_t after_seq, size_t max_events,
		       size_t max_bytes, struct vg_spool_batch *batch, struct vg_error *err)
{
	sqlite3_stmt *st;
	int rc;

	memset(batch, 0, sizeof(*batch));
	if (max_events == 0)
		return 0;
	batch->seqs = calloc(max_events, sizeof(*batch->seqs));
	batch->texts = calloc(max_events, sizeof(*batch->texts));
	if (!batch->seqs || !batch->texts) {
		vg_spool_batch_free(batch);
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	}
	if (sqlite3_prepare_v2(vg_store_db(spool->store), sql, -1, &st, NULL) != SQLITE_OK) {
		vg_spool_batch_free(batch);
		return vg_store_error(spool->store, N_("reading events"), err);
	}
	sqlite3_bind_int64(st, 1, (sqlite3_int64)after_seq);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max_events);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		size_t len = (size_t)sqlite3_column_bytes(st, 1);

		if (batch->n > 0 && batch->bytes + len > max_bytes)
			break;
		batch->texts[batch->n] = strndup((const char *)sqlite3_column_text(st, 1), len);
		if (!batch->texts[batch->n])
			break;
		batch->seqs[batch->n] = (uint64_t)sqlite3_column_int64(st, 0);
		batch->bytes += len;
		batch->n++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		vg_spool_batch_free(batch);
		return vg_store_error(spool->store, N_("reading events"), err);
	}
	return 0;
}

int vg_spool_read_pending(struct vg_spool *spool, uint64_t after_seq, size_t max_events, size_t max_bytes,
			  struct vg_spool_batch *batch, struct vg_error *err)
{
	return read_events(spool, "SELECT seq, event FROM spool_events WHERE acked = 0 AND seq > ?1 ORDER BY seq LIMIT ?2",
			   after_seq, max_events, max_bytes, batch, err);
}

/* Marks first..last acknowledged, inside the caller's transaction. */
static int ack_range(struct vg_spool *spool, uint64_t first, uint64_t last)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(vg_store_db(spool->store),
			       "UPDATE spool_events SET acked = 1 WHERE seq BETWEEN ?1 AND ?2 AND acked = 0",
			       -1, &st, NULL) != SQLITE_OK)
		return -EIO;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)first);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)last);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -EIO;
	return add_counter(spool, "pending", -(int64_t)sqlite3_changes(vg_store_db(spool->store)));
}

/* Acknowledges the runs of consecutive numbers in seqs (ascending), or first..last when seqs
 * is NULL, in one transaction. */
static int ack(struct vg_spool *spool, const uint64_t *seqs, size_t n, uint64_t first, uint64_t last,
	       struct vg_error *err)
{
	int r;

	if ((r = vg_store_begin(spool->store, err)) < 0)
		return r;
	for (size_t i = 0; i < n;) {
		size_t j = i;

		while (seqs && j + 1 < n && seqs[j + 1] == seqs[j] + 1)
			j++;
		if (ack_range(spool, seqs ? seqs[i] : first, seqs ? seqs[j] : last) < 0) {
			r = vg_store_error(spool->store, N_("acknowledging events"), err);
			vg_store_rollback(spool->store);
			return r;
		}
		i = j + 1;
	}
	return vg_store_commit(spool->store, err);
}

int vg_spool_ack(struct vg_spool *spool, uint64_t first, uint64_t last, struct vg_error *err)
{
	return ack(spool, NULL, 1, first, last, err);
}

int vg_spool_ack_seqs(struct vg_spool *spool, const uint64_t *seqs, size_t n, struct vg_error *err)
{
	return ack(spool, seqs, n, 0, 0, err);
}

/* Deletes the events of where (?1 and ?2 bound to param and param2), keeping the counters;
 * adds the unacknowledged ones to *dropped. */
static int delete_where(struct vg_spool *spool, const char *where, sqlite3_int64 param, sqlite3_int64 param2,
			uint64_t *dropped)
{
	char sql[512];
	sqlite3_stmt *st;
	uint64_t lost = 0, freed = 0, deleted = 0;
	int rc;

	snprintf(sql, sizeof(sql),
		 "DELETE FROM spool_events WHERE %s RETURNING size, acked", where);
	if (sqlite3_prepare_v2(vg_store_db(spool->store), sql, -1, &st, NULL) != SQLITE_OK)
		return -EIO;
	sqlite3_bind_int64(st, 1, param);
	if (sqlite3_bind_parameter_count(st) >= 2)
		sqlite3_bind_int64(st, 2, param2);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		freed += (uint64_t)sqlite3_column_int64(st, 0);
		lost += sqlite3_column_int(st, 1) == 0;
		deleted++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE || add_counter(spool, "bytes", -(int64_t)freed) < 0 ||
	    add_counter(spool, "events", -(int64_t)deleted) < 0 || add_counter(spool, "pending", -(int64_t)lost) < 0)
		return -EIO;
	spool->bytes -= freed < spool->bytes ? freed : spool->bytes;
	*dropped += lost;
	return 0;
}

/* The seq up to which the events of cond, oldest first, weigh at least excess bytes (all of
 * them when they weigh less); 0 when there are none.  Reads the oldest rows only, as many as it
 * takes: the trim runs every ten seconds on spools of millions of events. */
static int cut_for_excess(struct vg_spool *spool, const char *cond, uint64_t excess, sqlite3_int64 *cut)
{
	char sql[512];
	sqlite3_stmt *st;
	uint64_t sum = 0;
	int rc = SQLITE_DONE;

	*cut = 0;
	snprintf(sql, sizeof(sql), "SELECT seq, size FROM spool_events WHERE %s ORDER BY seq", cond);
	if (sqlite3_prepare_v2(vg_store_db(spool->store), sql, -1, &st, NULL) != SQLITE_OK)
		return -EIO;
	while (sum < excess && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		*cut = sqlite3_column_int64(st, 0);
		sum += (uint64_t)sqlite3_column_int64(st, 1);
	}
	if (sum < excess && rc != SQLITE_DONE) {
		sqlite3_finalize(st);
		return -EIO;
	}
	sqlite3_finalize(st);
	return 0;
}

/* The seq of the oldest event stored at or after ms (the newest seq + 1 when none is): events
 * are stored about in the order of their times, so the ones older than ms are before it. */
static int first_since(struct vg_spool *spool, sqlite3_int64 ms, sqlite3_int64 *seq)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(vg_store_db(spool->store),
			       "SELECT COALESCE((SELECT seq FROM spool_events WHERE time_ms >= ?1 ORDER BY seq LIMIT 1),"
			       " (SELECT COALESCE(MAX(seq), 0) + 1 FROM spool_events))",
			       -1, &st, NULL) != SQLITE_OK)
		return -EIO;
	sqlite3_bind_int64(st, 1, ms);
	rc = sqlite3_step(st);
	*seq = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -EIO;
}

int vg_spool_enforce(struct vg_spool *spool, uint64_t max_bytes, uint64_t max_age_s, uint64_t *dropped,
		     struct vg_error *err)
{
	static const char *const over_size[2] = {
		/* Acknowledged (and read by every reader) first, then any. */
		"acked = 1 AND seq <= " READERS_DONE_SQL,
		"1",
	};
	sqlite3_stmt *st;
	int r;

	*dropped = 0;
	if ((r = vg_store_begin(spool->store, err)) < 0)
		return r;
	/* Another connection may have appended since: start from the committed size. */
	if (query_u64(spool, BYTES_SQL, &spool->bytes) < 0)
		goto fail;
	/* Too old: scanned from the oldest up to the first event young enough (an older one stored
	 * after it waits for the next round), not the whole table. */
	if (max_age_s) {
		sqlite3_int64 limit = vg_time_ms() - (sqlite3_int64)max_age_s * 1000, young;

		if (first_since(spool, limit, &young) < 0 ||
		    delete_where(spool, "seq < ?1 AND time_ms < ?2", young, limit, dropped) < 0)
			goto fail;
	}
	/* Over the size cap: acknowledged events first, oldest first, then the rest; exactly as
	 * many as free the excess, not whole slices, which would drop more. */
	for (int pass = 0; max_bytes && spool->bytes > max_bytes && pass < 2; pass++) {
		char cond[256];
		sqlite3_int64 cut;

		if (cut_for_excess(spool, over_size[pass], spool->bytes - max_bytes, &cut) < 0)
			goto fail;
		snprintf(cond, sizeof(cond), "%s AND seq <= ?1", over_size[pass]);
		if (cut && delete_where(spool, cond, cut, 0, dropped) < 0)
			goto fail;
	}
	if (*dropped) {
		if (sqlite3_prepare_v2(vg_store_db(spool->store),
				       "UPDATE spool_counters SET value = value + ?1 WHERE name = 'dropped'", -1, &st,
				       NULL) != SQLITE_OK)
			goto fail;
		sqlite3_bind_int64(st, 1, (sqlite3_int64)*dropped);
		r = sqlite3_step(st);
		sqlite3_finalize(st);
		if (r != SQLITE_DONE)
			goto fail;
	}
	return vg_store_commit(spool->store, err);
fail:
	r = vg_store_error(spool->store, N_("trimming the spool"), err);
	vg_store_rollback(spool->store);
	/* The in-memory size may be off after a rollback: read it again. */
	query_u64(spool, BYTES_SQL, &spool->bytes);
	*dropped = 0;
	return r;
}

int vg_spool_stats(struct vg_spool *spool, struct vg_spool_stats *stats, struct vg_error *err)
{
	uint64_t oldest = 0, oldest_pending = 0;

	/* Counters and indexed lookups only: as quick with millions of events as with ten. */
	memset(stats, 0, sizeof(*stats));
	if (query_u64(spool, "SELECT value FROM spool_counters WHERE name = 'events'", &stats->events) < 0 ||
	    query_u64(spool, "SELECT value FROM spool_counters WHERE name = 'pending'", &stats->pending) < 0 ||
	    query_u64(spool, "SELECT COALESCE(MIN(time_ms), 0) FROM spool_events", &oldest) < 0 ||
	    query_u64(spool, "SELECT time_ms FROM spool_events WHERE acked = 0 ORDER BY seq LIMIT 1", &oldest_pending) < 0 ||
	    query_u64(spool, "SELECT value FROM spool_counters WHERE name = 'dropped'", &stats->dropped) < 0 ||
	    query_u64(spool, "SELECT COALESCE(MAX(seq), 0) FROM spool_events", &stats->last_seq) < 0 ||
	    query_u64(spool, BYTES_SQL, &stats->bytes) < 0)
		return vg_store_error(spool->store, N_("reading spool statistics"), err);
	stats->oldest_ms = (int64_t)oldest;
	stats->oldest_pending_ms = (int64_t)oldest_pending;
	return 0;
}

int vg_spool_reader_open(struct vg_spool *spool, const char *name, struct vg_spool_reader_pos *pos,
			 struct vg_error *err)
{
	sqlite3_stmt *st;
	int rc;

	memset(pos, 0, sizeof(*pos));
	if (strlen(name) > 32)
		return vg_error_set(err, -EINVAL, N_("the reader name \"%s\" is too long"), name);
	if (sqlite3_prepare_v2(vg_store_db(spool->store),
			       "INSERT INTO spool_readers(name, seq, lost, counted) SELECT ?1, " LAST_SEQ_SQL ", 0, "
			       LAST_SEQ_SQL " WHERE true ON CONFLICT(name) DO NOTHING",
			       -1, &st, NULL) != SQLITE_OK)
		return vg_store_error(spool->store, N_("opening a spool reader"), err);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE ||
	    sqlite3_prepare_v2(vg_store_db(spool->store), "SELECT seq, lost, counted FROM spool_readers WHERE name = ?1", -1,
			       &st, NULL) != SQLITE_OK)
		return vg_store_error(spool->store, N_("opening a spool reader"), err);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		pos->seq = (uint64_t)sqlite3_column_int64(st, 0);
		pos->lost = (uint64_t)sqlite3_column_int64(st, 1);
		pos->counted = (uint64_t)sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : vg_store_error(spool->store, N_("opening a spool reader"), err);
}

int vg_spool_reader_read(struct vg_spool *spool, struct vg_spool_reader_pos *pos, size_t max_events,
			 size_t max_bytes, struct vg_spool_batch *batch, struct vg_error *err)
{
	uint64_t first = 0;
	int r;

	if ((r = read_events(spool, "SELECT seq, event FROM spool_events WHERE seq > ?1 ORDER BY seq LIMIT ?2",
			     pos->seq, max_events, max_bytes, batch, err)) < 0)
		return r;
	if (batch->n > 0)
		first = batch->seqs[0];
	else if (query_u64(spool, "SELECT " LAST_SEQ_SQL " + 1", &first) < 0)
		return vg_store_error(spool->store, N_("reading events"), err);
	if (first > pos->seq + 1) {
		uint64_t from = pos->counted > pos->seq ? pos->counted : pos->seq;

		if (first - 1 > from) {
			pos->lost += first - 1 - from;
			pos->counted = first - 1;
		}
		if (batch->n == 0)
			pos->seq = first - 1;
	}
	return 0;
}

/* Runs sql (one statement binding ?1 to name, ?2 ?3 ?4 to the numbers) on the reader table. */
static int reader_exec(struct vg_spool *spool, const char *sql, const char *name, uint64_t a, uint64_t b,
		       uint64_t c, struct vg_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(vg_store_db(spool->store), sql, -1, &st, NULL) != SQLITE_OK)
		return vg_store_error(spool->store, N_("storing a spool reader position"), err);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)a);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)b);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)c);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : vg_store_error(spool->store, N_("storing a spool reader position"), err);
}

int vg_spool_reader_ack(struct vg_spool *spool, const char *name, const struct vg_spool_reader_pos *pos,
			struct vg_error *err)
{
	return reader_exec(spool, "INSERT INTO spool_readers(name, seq, lost, counted) VALUES (?1, ?2, ?3, ?4)"
			   " ON CONFLICT(name) DO UPDATE SET seq = excluded.seq, lost = excluded.lost,"
			   " counted = excluded.counted", name, pos->seq, pos->lost, pos->counted, err);
}

int vg_spool_reader_forget(struct vg_spool *spool, const char *name, struct vg_error *err)
{
	return reader_exec(spool, "DELETE FROM spool_readers WHERE name = ?1 AND ?2 = ?3 AND ?3 = ?4", name, 0, 0, 0, err);
}
