/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "events.h"
#include "nls.h"
#include "store.h"
#include "tasks/journal.h"
#include "vigil/error.h"

struct vg_journal {
	struct vg_store *store;
};

static const struct vg_migration migrations[] = {
	{ 1, "CREATE TABLE tasks_journal (id TEXT PRIMARY KEY, source TEXT NOT NULL, kind TEXT NOT NULL,"
	     " request TEXT NOT NULL, state INTEGER NOT NULL, result TEXT,"
	     " created_ms INTEGER NOT NULL, started_ms INTEGER, ended_ms INTEGER,"
	     " reported INTEGER NOT NULL DEFAULT 0, seq INTEGER NOT NULL DEFAULT 0);"
	     "CREATE INDEX tasks_journal_unreported ON tasks_journal(reported, state, seq);" },
	/* Local tasks say who asked for them. */
	{ 2, "ALTER TABLE tasks_journal ADD COLUMN uid INTEGER NOT NULL DEFAULT 0;" },
	/* Server request ids and task ids in two namespaces: request "3" is not task 3. */
	{ 3, "CREATE TABLE tasks_journal_v3 (ns INTEGER NOT NULL, id TEXT NOT NULL, source TEXT NOT NULL,"
	     " kind TEXT NOT NULL, request TEXT NOT NULL, state INTEGER NOT NULL, result TEXT,"
	     " created_ms INTEGER NOT NULL, started_ms INTEGER, ended_ms INTEGER,"
	     " reported INTEGER NOT NULL DEFAULT 0, seq INTEGER NOT NULL DEFAULT 0, uid INTEGER NOT NULL DEFAULT 0,"
	     " PRIMARY KEY (ns, id));"
	     "INSERT INTO tasks_journal_v3 SELECT CASE source WHEN 'server' THEN 1 ELSE 0 END, id, source, kind,"
	     " request, state, result, created_ms, started_ms, ended_ms, reported, seq, uid FROM tasks_journal;"
	     "DROP TABLE tasks_journal;"
	     "ALTER TABLE tasks_journal_v3 RENAME TO tasks_journal;"
	     "CREATE INDEX tasks_journal_unreported ON tasks_journal(reported, state, seq);"
	     "CREATE INDEX tasks_journal_seq ON tasks_journal(ns, seq);" },
};

static const char *const state_names[] = {
	[VG_TASK_QUEUED] = "queued",       [VG_TASK_RUNNING] = "running",     [VG_TASK_SUCCEEDED] = "succeeded",
	[VG_TASK_FAILED] = "failed",       [VG_TASK_REFUSED] = "refused",     [VG_TASK_CANCELLED] = "cancelled",
	[VG_TASK_TIMED_OUT] = "timed_out", [VG_TASK_INTERRUPTED] = "interrupted",
};

const char *vg_task_state_name(enum vg_task_state state)
{
	return (unsigned)state < sizeof(state_names) / sizeof(state_names[0]) ? state_names[state] : "unknown";
}

bool vg_task_state_final(enum vg_task_state state)
{
	return state >= VG_TASK_SUCCEEDED;
}

static int exec_sql(struct vg_journal *j, const char *sql, struct vg_error *err)
{
	char *msg = NULL;

	if (sqlite3_exec(vg_store_db(j->store), sql, NULL, NULL, &msg) != SQLITE_OK) {
		sqlite3_free(msg);
		return vg_store_error(j->store, N_("updating the task journal"), err);
	}
	return 0;
}

int vg_journal_open(struct vg_journal **out, struct vg_store *store, unsigned *interrupted, struct vg_error *err)
{
	struct vg_journal *j;
	int r;

	if ((r = vg_store_migrate(store, "tasks_journal", migrations, sizeof(migrations) / sizeof(migrations[0]),
				  err)) < 0)
		return r;
	j = calloc(1, sizeof(*j));
	if (!j)
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	j->store = store;
	/* Whatever was running when the agent stopped did not finish: say so, never run it twice. */
	if ((r = exec_sql(j, "UPDATE tasks_journal SET state = 7, reported = 0, ended_ms = CAST(strftime('%s','now') AS INTEGER) * 1000,"
			     " result = '{\"status\":500,\"status_text\":\"interrupted: the agent stopped while the task ran\"}'"
			     " WHERE state IN (0, 1)", err)) < 0) {
		free(j);
		return r;
	}
	if (interrupted)
		*interrupted = (unsigned)sqlite3_changes(vg_store_db(store));
	*out = j;
	return 0;
}

int vg_journal_view(struct vg_journal **out, struct vg_store *store, struct vg_error *err)
{
	struct vg_journal *j = calloc(1, sizeof(*j));

	if (!j)
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	j->store = store;
	*out = j;
	return 0;
}

void vg_journal_close(struct vg_journal *j)
{
	free(j);
}

static int prepare(struct vg_journal *j, const char *sql, sqlite3_stmt **st, struct vg_error *err)
{
	if (sqlite3_prepare_v2(vg_store_db(j->store), sql, -1, st, NULL) != SQLITE_OK)
		return vg_store_error(j->store, N_("reading the task journal"), err);
	return 0;
}

int vg_journal_add(struct vg_journal *j, enum vg_journal_ns ns, const char *id, const char *source,
		   const char *kind, const json_t *request, struct vg_error *err)
{
	sqlite3_stmt *st;
	char *text;
	int rc, r;

	if (!id[0] || strlen(id) > VG_TASK_ID_MAX)
		return vg_error_set(err, -EINVAL, N_("invalid task id"));
	text = json_dumps(request, JSON_COMPACT);
	if (!text)
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	if ((r = prepare(j, "INSERT INTO tasks_journal(ns, id, source, kind, request, state, created_ms, seq)"
			    " VALUES (?6, ?1, ?2, ?3, ?4, 0, ?5, (SELECT COALESCE(MAX(seq), 0) + 1 FROM tasks_journal))",
			 &st, err)) < 0) {
		free(text);
		return r;
	}
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, source, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, text, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 5, vg_time_ms());
	sqlite3_bind_int(st, 6, (int)ns);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	free(text);
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return vg_error_set(err, -EEXIST, N_("task %s already exists"), id);
	if (rc != SQLITE_DONE)
		return vg_store_error(j->store, N_("updating the task journal"), err);
	return 0;
}

int vg_journal_add_numbered(struct vg_journal *j, const char *source, const char *kind, const json_t *request,
			    unsigned uid, int64_t *id, struct vg_error *err)
{
	sqlite3_stmt *st;
	char *text;
	int rc, r;

	text = json_dumps(request, JSON_COMPACT);
	if (!text)
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	/* The id is the row's sequence number: it grows across restarts, so an id is never reused.
	 * Tasks have a namespace of their own: a server's request id is never in the way. */
	if ((r = prepare(j, "INSERT INTO tasks_journal(ns, id, source, kind, request, state, created_ms, seq, uid)"
			    " VALUES (0, CAST((SELECT COALESCE(MAX(seq), 0) + 1 FROM tasks_journal) AS TEXT), ?1, ?2, ?3, 0, ?4,"
			    " (SELECT COALESCE(MAX(seq), 0) + 1 FROM tasks_journal), ?5)",
			 &st, err)) < 0) {
		free(text);
		return r;
	}
	sqlite3_bind_text(st, 1, source, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, text, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, vg_time_ms());
	sqlite3_bind_int64(st, 5, (sqlite3_int64)uid);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	free(text);
	if (rc != SQLITE_DONE)
		return vg_store_error(j->store, N_("updating the task journal"), err);
	if ((r = prepare(j, "SELECT seq FROM tasks_journal WHERE rowid = last_insert_rowid()", &st, err)) < 0)
		return r;
	rc = sqlite3_step(st);
	*id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return vg_store_error(j->store, N_("reading the task journal"), err);
	return 0;
}

int vg_journal_set_state(struct vg_journal *j, enum vg_journal_ns ns, const char *id, enum vg_task_state state,
			 const json_t *result, struct vg_error *err)
{
	sqlite3_stmt *st;
	char *text = NULL;
	int rc, r;

	if (result && !(text = json_dumps(result, JSON_COMPACT)))
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	if ((r = prepare(j, vg_task_state_final(state)
			    ? "UPDATE tasks_journal SET state = ?2, result = ?3, ended_ms = ?4, reported = 0 WHERE ns = ?5 AND id = ?1"
			    : "UPDATE tasks_journal SET state = ?2, started_ms = ?4 WHERE ns = ?5 AND id = ?1", &st, err)) < 0) {
		free(text);
		return r;
	}
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, (int)state);
	if (text)
		sqlite3_bind_text(st, 3, text, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, 3);
	sqlite3_bind_int64(st, 4, vg_time_ms());
	sqlite3_bind_int(st, 5, (int)ns);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	free(text);
	if (rc != SQLITE_DONE)
		return vg_store_error(j->store, N_("updating the task journal"), err);
	if (sqlite3_changes(vg_store_db(j->store)) == 0)
		return vg_error_set(err, -ENOENT, N_("no task %s"), id);
	return 0;
}

#define COLUMNS "id, source, kind, state, request, result, created_ms, started_ms, ended_ms, reported, uid"

static json_t *parse_column(sqlite3_stmt *st, int col)
{
	const char *text = (const char *)sqlite3_column_text(st, col);
	json_t *v = text ? json_loads(text, 0, NULL) : NULL;

	return v ? v : json_null();
}

static json_t *row(sqlite3_stmt *st)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:I, s:I, s:I, s:b, s:I}",
			 "id", (const char *)sqlite3_column_text(st, 0),
			 "source", (const char *)sqlite3_column_text(st, 1),
			 "kind", (const char *)sqlite3_column_text(st, 2),
			 "state", vg_task_state_name((enum vg_task_state)sqlite3_column_int(st, 3)),
			 "request", parse_column(st, 4), "result", parse_column(st, 5),
			 "created", (json_int_t)sqlite3_column_int64(st, 6),
			 "started", (json_int_t)sqlite3_column_int64(st, 7),
			 "ended", (json_int_t)sqlite3_column_int64(st, 8),
			 "reported", sqlite3_column_int(st, 9) != 0,
			 "uid", (json_int_t)sqlite3_column_int64(st, 10));
}

json_t *vg_journal_get(struct vg_journal *j, enum vg_journal_ns ns, const char *id)
{
	sqlite3_stmt *st;
	json_t *out = NULL;

	if (prepare(j, "SELECT " COLUMNS " FROM tasks_journal WHERE ns = ?2 AND id = ?1", &st, NULL) < 0)
		return NULL;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, (int)ns);
	if (sqlite3_step(st) == SQLITE_ROW)
		out = row(st);
	sqlite3_finalize(st);
	return out;
}

static json_t *select_list(struct vg_journal *j, const char *sql, enum vg_journal_ns ns, unsigned limit)
{
	sqlite3_stmt *st;
	json_t *list = json_array();

	if (!list || prepare(j, sql, &st, NULL) < 0)
		return list;
	sqlite3_bind_int(st, 1, (int)limit);
	sqlite3_bind_int(st, 2, (int)ns);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(list, row(st));
	sqlite3_finalize(st);
	return list;
}

json_t *vg_journal_unreported(struct vg_journal *j, unsigned limit)
{
	return select_list(j, "SELECT " COLUMNS " FROM tasks_journal WHERE reported = 0 AND state >= 2"
			      " AND ns = ?2 ORDER BY seq LIMIT ?1", VG_JOURNAL_REQUESTS, limit);
}

bool vg_journal_has_unreported(struct vg_journal *j)
{
	sqlite3_stmt *st;
	bool found;

	if (prepare(j, "SELECT 1 FROM tasks_journal WHERE reported = 0 AND state >= 2 AND ns = 1 LIMIT 1", &st, NULL) < 0)
		return false;
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

json_t *vg_journal_states(struct vg_journal *j, int64_t ended_since_ms, unsigned limit)
{
	sqlite3_stmt *st;
	json_t *list = json_array();

	if (!list || prepare(j, "SELECT id, kind, state FROM tasks_journal WHERE ns = 1"
			     " AND (state < 2 OR ended_ms >= ?2) ORDER BY seq DESC LIMIT ?1", &st, NULL) < 0)
		return list;
	sqlite3_bind_int(st, 1, (int)limit);
	sqlite3_bind_int64(st, 2, ended_since_ms);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(list, json_pack("{s:s, s:s, s:s}", "request_id", (const char *)sqlite3_column_text(st, 0),
						      "kind", (const char *)sqlite3_column_text(st, 1), "state",
						      vg_task_state_name((enum vg_task_state)sqlite3_column_int(st, 2))));
	sqlite3_finalize(st);
	return list;
}

int vg_journal_set_reported(struct vg_journal *j, const char *id, bool reported, struct vg_error *err)
{
	sqlite3_stmt *st;
	int rc, r;

	if ((r = prepare(j, "UPDATE tasks_journal SET reported = ?2 WHERE ns = 1 AND id = ?1", &st, err)) < 0)
		return r;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, reported);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : vg_store_error(j->store, N_("updating the task journal"), err);
}

json_t *vg_journal_list(struct vg_journal *j, enum vg_journal_ns ns, unsigned limit, bool active_only)
{
	return select_list(j, active_only ? "SELECT " COLUMNS " FROM tasks_journal WHERE ns = ?2 AND state < 2"
					    " ORDER BY seq DESC LIMIT ?1"
					  : "SELECT " COLUMNS " FROM tasks_journal WHERE ns = ?2 ORDER BY seq DESC LIMIT ?1",
			   ns, limit);
}

/* What may go: a task or request in a final state whose response, for a request, reached the
 * server; never the newest row, whose seq numbers the next task (ids never come back). */
#define REMOVABLE "state >= 2 AND (ns = 0 OR reported = 1) AND seq < (SELECT MAX(seq) FROM tasks_journal)"
#define ROW_BYTES "(length(CAST(request AS BLOB)) + COALESCE(length(CAST(result AS BLOB)), 0))"

static int delete_bound(struct vg_journal *j, const char *sql, int64_t bound, uint64_t *removed, struct vg_error *err)
{
	sqlite3_stmt *st;
	int rc, r;

	if ((r = prepare(j, sql, &st, err)) < 0)
		return r;
	sqlite3_bind_int64(st, 1, bound);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return vg_store_error(j->store, N_("trimming the task journal"), err);
	*removed += (uint64_t)sqlite3_changes(vg_store_db(j->store));
	return 0;
}

int vg_journal_enforce(struct vg_journal *j, uint64_t max_bytes, uint64_t max_age_s, struct vg_journal_usage *usage,
		       struct vg_error *err)
{
	sqlite3_stmt *st;
	int r;

	if ((r = vg_store_begin(j->store, err)) < 0)
		return r;
	if (max_age_s &&
	    (r = delete_bound(j, "DELETE FROM tasks_journal WHERE ended_ms < ?1 AND " REMOVABLE,
			      vg_time_ms() - (int64_t)max_age_s * 1000, &usage->removed, err)) < 0)
		goto fail;
	/* Newest first, the rows past max_bytes (counting those that must stay) go. */
	if (max_bytes &&
	    (r = delete_bound(j, "DELETE FROM tasks_journal WHERE rowid IN (SELECT rowid FROM (SELECT rowid, SUM(" ROW_BYTES
				 ") OVER (ORDER BY seq DESC ROWS UNBOUNDED PRECEDING) AS total FROM tasks_journal)"
				 " WHERE total > ?1) AND " REMOVABLE,
			      (int64_t)max_bytes, &usage->removed, err)) < 0)
		goto fail;
	if ((r = vg_store_commit(j->store, err)) < 0)
		return r;
	if ((r = prepare(j, "SELECT COUNT(*), COALESCE(SUM(" ROW_BYTES "), 0) FROM tasks_journal", &st, err)) < 0)
		return r;
	if (sqlite3_step(st) == SQLITE_ROW) {
		usage->rows = (uint64_t)sqlite3_column_int64(st, 0);
		usage->bytes = (uint64_t)sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	return 0;
fail:
	vg_store_rollback(j->store);
	return r;
}
