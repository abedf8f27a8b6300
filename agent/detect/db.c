/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The detection's tables, on a connection of its own used from workers only (a mutex keeps
 * one statement at a time): the recent detections (the findings, newest kept up to
 * detection.keep), the rules an administrator disabled, and the armed OpenIOC documents.
 * Prepared statements only.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "ctl-server.h"
#include "detect/detect.h"
#include "nls.h"
#include "store.h"
#include "vigil/error.h"

struct vg_det_db {
	struct vg_store *store;
	pthread_mutex_t lock;
};

static const struct vg_migration migrations[] = {
	{ 1, "CREATE TABLE detections (seq INTEGER PRIMARY KEY AUTOINCREMENT, uid TEXT NOT NULL UNIQUE,"
	     " time_ms INTEGER NOT NULL, event_ms INTEGER NOT NULL, stored_ms INTEGER NOT NULL,"
	     " rule TEXT NOT NULL, title TEXT NOT NULL, severity_id INTEGER NOT NULL, action TEXT NOT NULL,"
	     " finding TEXT NOT NULL);"
	     "CREATE INDEX detections_rule ON detections(rule);"
	     "CREATE TABLE detection_disabled (rule TEXT PRIMARY KEY, uid INTEGER NOT NULL, time_ms INTEGER NOT NULL);"
	     "CREATE TABLE detection_watches (id TEXT PRIMARY KEY, file TEXT NOT NULL, document TEXT NOT NULL,"
	     " source TEXT NOT NULL, uid INTEGER NOT NULL, armed_ms INTEGER NOT NULL);" },
};

int vg_det_db_open(struct vg_det_db **out, const char *path, struct vg_error *err)
{
	struct vg_det_db *db = calloc(1, sizeof(*db));
	int r;

	if (!db)
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	if ((r = vg_store_open(&db->store, path, err)) < 0 ||
	    (r = vg_store_migrate(db->store, "detection", migrations, sizeof(migrations) / sizeof(migrations[0]),
				  err)) < 0) {
		vg_store_close(db->store);
		free(db);
		return r;
	}
	pthread_mutex_init(&db->lock, NULL);
	*out = db;
	return 0;
}

void vg_det_db_close(struct vg_det_db *db)
{
	if (!db)
		return;
	vg_store_close(db->store);
	pthread_mutex_destroy(&db->lock);
	free(db);
}

static int prepare(struct vg_det_db *db, const char *sql, sqlite3_stmt **st, struct vg_error *err)
{
	if (sqlite3_prepare_v2(vg_store_db(db->store), sql, -1, st, NULL) != SQLITE_OK)
		return vg_store_error(db->store, N_("reading the detections"), err);
	return 0;
}

/* Runs a statement that returns no row; the lock is held by the caller. */
static int step_done(struct vg_det_db *db, sqlite3_stmt *st, struct vg_error *err)
{
	int rc = sqlite3_step(st);

	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return vg_store_error(db->store, N_("updating the detections"), err);
	return 0;
}

/* Every row of a prepared statement as a JSON array of row(st); the lock is held by the caller
 * and the statement finalized.  NULL with err filled when the query fails. */
static json_t *rows(struct vg_det_db *db, sqlite3_stmt *st, json_t *(*row)(sqlite3_stmt *st), struct vg_error *err)
{
	json_t *a = json_array();
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(a, row(st));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		vg_store_error(db->store, N_("reading the detections"), err);
		json_decref(a);
		return NULL;
	}
	return a;
}

static const char *str_at(const json_t *o, const char *a, const char *b)
{
	const char *s = json_string_value(json_object_get(b ? json_object_get(o, a) : o, b ? b : a));

	return s ? s : "";
}

int vg_det_db_store(struct vg_det_db *db, const json_t *finding, int64_t stored_ms, unsigned keep,
		    struct vg_error *err)
{
	const json_t *fi = json_object_get(finding, "finding_info");
	char *text = json_dumps(finding, JSON_COMPACT);
	sqlite3_stmt *st = NULL;
	int r;

	if (!text)
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	pthread_mutex_lock(&db->lock);
	if ((r = prepare(db, "INSERT OR IGNORE INTO detections(uid, time_ms, event_ms, stored_ms, rule, title,"
			     " severity_id, action, finding) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", &st, err)) < 0)
		goto out;
	sqlite3_bind_text(st, 1, str_at(fi, "uid", NULL), -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, json_integer_value(json_object_get(finding, "time")));
	sqlite3_bind_int64(st, 3, json_integer_value(json_object_get(finding, "start_time")));
	sqlite3_bind_int64(st, 4, stored_ms);
	sqlite3_bind_text(st, 5, str_at(fi, "analytic", "uid"), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, str_at(fi, "title", NULL), -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 7, json_integer_value(json_object_get(finding, "severity_id")));
	sqlite3_bind_text(st, 8, str_at(json_object_get(finding, "unmapped"), "detection", "action"), -1,
			  SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 9, text, -1, SQLITE_TRANSIENT);
	if ((r = step_done(db, st, err)) < 0)
		goto out;
	/* The newest detection.keep stay; the spool holds every finding until the server has it. */
	if ((r = prepare(db, "DELETE FROM detections WHERE seq <= (SELECT max(seq) FROM detections) - ?1", &st, err)) < 0)
		goto out;
	sqlite3_bind_int64(st, 1, keep);
	r = step_done(db, st, err);
out:
	pthread_mutex_unlock(&db->lock);
	free(text);
	return r;
}

/* A detection's times go out as every time of the control protocol: RFC 3339 text and _ms. */
static json_t *summary_row(sqlite3_stmt *st)
{
	json_int_t event_ms = sqlite3_column_int64(st, 2), stored_ms = sqlite3_column_int64(st, 3);
	json_t *o = json_pack("{s:s, s:I, s:s, s:s, s:i, s:s}", "uid", (const char *)sqlite3_column_text(st, 0),
			      "latency_ms", event_ms > 0 ? stored_ms - event_ms : (json_int_t)0, "rule",
			      (const char *)sqlite3_column_text(st, 4), "title", (const char *)sqlite3_column_text(st, 5),
			      "severity_id", sqlite3_column_int(st, 6), "action", (const char *)sqlite3_column_text(st, 7));

	if (!o)
		return NULL;
	vg_ctl_set_time(o, "time", sqlite3_column_int64(st, 1));
	vg_ctl_set_time(o, "event_time", event_ms);
	vg_ctl_set_time(o, "stored", stored_ms);
	return o;
}

json_t *vg_det_db_list(struct vg_det_db *db, unsigned limit, int64_t since_ms, const char *rule, struct vg_error *err)
{
	sqlite3_stmt *st = NULL;
	json_t *a = NULL;

	pthread_mutex_lock(&db->lock);
	if (prepare(db, "SELECT uid, time_ms, event_ms, stored_ms, rule, title, severity_id, action FROM detections"
			" WHERE time_ms >= ?1 AND (?2 IS NULL OR rule = ?2) ORDER BY seq DESC LIMIT ?3", &st, err) == 0) {
		sqlite3_bind_int64(st, 1, since_ms);
		if (rule)
			sqlite3_bind_text(st, 2, rule, -1, SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(st, 2);
		sqlite3_bind_int64(st, 3, limit);
		a = rows(db, st, summary_row, err);
	}
	pthread_mutex_unlock(&db->lock);
	return a;
}

json_t *vg_det_db_get(struct vg_det_db *db, const char *uid, struct vg_error *err)
{
	sqlite3_stmt *st = NULL;
	json_t *o = NULL;
	int rc;

	pthread_mutex_lock(&db->lock);
	/* A prefix of at least 8 characters names a detection, as long as it names one only. */
	if (prepare(db, "SELECT uid, time_ms, event_ms, stored_ms, rule, title, severity_id, action, finding"
			" FROM detections WHERE uid = ?1 OR (length(?1) >= 8 AND substr(uid, 1, length(?1)) = ?1)"
			" ORDER BY seq DESC LIMIT 2", &st, err) < 0)
		goto out;
	sqlite3_bind_text(st, 1, uid, -1, SQLITE_TRANSIENT);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *text = (const char *)sqlite3_column_text(st, 8);

		o = summary_row(st);
		json_object_set_new(o, "finding", text ? json_loads(text, 0, NULL) : json_null());
		if (sqlite3_step(st) == SQLITE_ROW) {
			json_decref(o);
			o = NULL;
			vg_error_set(err, -EINVAL, N_("%s names more than one detection: give more of its id"), uid);
		}
	} else if (rc == SQLITE_DONE) {
		vg_error_set(err, -ENOENT, N_("no detection %s"), uid);
	} else {
		vg_store_error(db->store, N_("reading the detections"), err);
	}
	sqlite3_finalize(st);
out:
	pthread_mutex_unlock(&db->lock);
	return o;
}

int64_t vg_det_db_count(struct vg_det_db *db)
{
	sqlite3_stmt *st = NULL;
	int64_t n = 0;

	pthread_mutex_lock(&db->lock);
	if (prepare(db, "SELECT count(*) FROM detections", &st, NULL) == 0 && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	pthread_mutex_unlock(&db->lock);
	return n;
}

static json_t *rule_row(sqlite3_stmt *st)
{
	return json_string((const char *)sqlite3_column_text(st, 0));
}

json_t *vg_det_db_disabled(struct vg_det_db *db, struct vg_error *err)
{
	sqlite3_stmt *st = NULL;
	json_t *a = NULL;

	pthread_mutex_lock(&db->lock);
	if (prepare(db, "SELECT rule FROM detection_disabled ORDER BY rule", &st, err) == 0)
		a = rows(db, st, rule_row, err);
	pthread_mutex_unlock(&db->lock);
	return a;
}

int vg_det_db_set_disabled(struct vg_det_db *db, const char *rule, bool disabled, uid_t uid, struct vg_error *err)
{
	sqlite3_stmt *st = NULL;
	int r;

	pthread_mutex_lock(&db->lock);
	r = prepare(db, disabled ? "INSERT OR REPLACE INTO detection_disabled(rule, uid, time_ms) VALUES (?1, ?2, ?3)"
				 : "DELETE FROM detection_disabled WHERE rule = ?1", &st, err);
	if (r == 0) {
		sqlite3_bind_text(st, 1, rule, -1, SQLITE_TRANSIENT);
		if (disabled) {
			sqlite3_bind_int64(st, 2, (sqlite3_int64)uid);
			sqlite3_bind_int64(st, 3, vg_time_ms());
		}
		r = step_done(db, st, err);
	}
	pthread_mutex_unlock(&db->lock);
	return r;
}

static json_t *watch_row(sqlite3_stmt *st)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:I, s:I}", "id", (const char *)sqlite3_column_text(st, 0), "file",
			 (const char *)sqlite3_column_text(st, 1), "document", (const char *)sqlite3_column_text(st, 2),
			 "source", (const char *)sqlite3_column_text(st, 3), "uid", (json_int_t)sqlite3_column_int64(st, 4),
			 "armed", (json_int_t)sqlite3_column_int64(st, 5));
}

json_t *vg_det_db_watches(struct vg_det_db *db, struct vg_error *err)
{
	sqlite3_stmt *st = NULL;
	json_t *a = NULL;

	pthread_mutex_lock(&db->lock);
	if (prepare(db, "SELECT id, file, document, source, uid, armed_ms FROM detection_watches ORDER BY armed_ms", &st,
		    err) == 0)
		a = rows(db, st, watch_row, err);
	pthread_mutex_unlock(&db->lock);
	return a;
}

int vg_det_db_add_watch(struct vg_det_db *db, const char *id, const char *file, const char *document,
			const char *source, uid_t uid, struct vg_error *err)
{
	sqlite3_stmt *st = NULL;
	int r;

	pthread_mutex_lock(&db->lock);
	if ((r = prepare(db, "INSERT OR REPLACE INTO detection_watches(id, file, document, source, uid, armed_ms)"
			     " VALUES (?1, ?2, ?3, ?4, ?5, ?6)", &st, err)) == 0) {
		sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, file, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, document, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 4, source, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 5, (sqlite3_int64)uid);
		sqlite3_bind_int64(st, 6, vg_time_ms());
		r = step_done(db, st, err);
	}
	pthread_mutex_unlock(&db->lock);
	return r;
}

int vg_det_db_remove_watch(struct vg_det_db *db, const char *id, struct vg_error *err)
{
	sqlite3_stmt *st = NULL;
	int r;

	pthread_mutex_lock(&db->lock);
	if ((r = prepare(db, "DELETE FROM detection_watches WHERE id = ?1", &st, err)) == 0) {
		sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
		r = step_done(db, st, err);
		if (r == 0 && sqlite3_changes(vg_store_db(db->store)) == 0)
			r = vg_error_set(err, -ENOENT, N_("no armed OpenIOC document %s"), id);
	}
	pthread_mutex_unlock(&db->lock);
	return r;
}
