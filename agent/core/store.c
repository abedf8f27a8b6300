/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "nls.h"
#include "store.h"
#include "vigil/error.h"

struct vg_store {
	sqlite3 *db;
	char *path;
};

int vg_store_error(struct vg_store *store, const char *what, struct vg_error *err)
{
	return vg_error_set(err, -EIO, N_("database error while %s: %s"), what,
			    store && store->db ? sqlite3_errmsg(store->db) : "?");
}

static int exec(struct vg_store *store, const char *sql, const char *what, struct vg_error *err)
{
	if (sqlite3_exec(store->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return vg_store_error(store, what, err);
	return 0;
}

/* Opens a connection with flags; the caller sets it up. */
static int open_db(struct vg_store **out, const char *path, int flags, struct vg_error *err)
{
	struct vg_store *store;
	int r;

	store = calloc(1, sizeof(*store));
	if (!store || !(store->path = strdup(path))) {
		free(store);
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	}
	if (sqlite3_open_v2(path, &store->db, flags | SQLITE_OPEN_NOFOLLOW, NULL) != SQLITE_OK) {
		r = vg_error_set(err, -EIO, N_("cannot open the database %s: %s"), path,
				 store->db ? sqlite3_errmsg(store->db) : "?");
		vg_store_close(store);
		return r;
	}
	sqlite3_extended_result_codes(store->db, 1);
	sqlite3_busy_timeout(store->db, 5000);
	*out = store;
	return 0;
}

int vg_store_open(struct vg_store **out, const char *path, struct vg_error *err)
{
	struct vg_store *store;
	int r;

	if ((r = open_db(&store, path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, err)) < 0)
		return r;
	/* WAL keeps readers and the writer apart; FULL makes every commit durable at once,
	 * so a setting acknowledged to a client survives a crash or a power cut. */
	if ((r = exec(store, "PRAGMA journal_mode=WAL", N_("opening"), err)) < 0 ||
	    (r = exec(store, "PRAGMA synchronous=FULL", N_("opening"), err)) < 0 ||
	    (r = exec(store, "PRAGMA foreign_keys=ON", N_("opening"), err)) < 0 ||
	    (r = exec(store, "CREATE TABLE IF NOT EXISTS schema_versions ("
			     " module TEXT PRIMARY KEY, version INTEGER NOT NULL)",
		      N_("opening"), err)) < 0) {
		vg_store_close(store);
		return r;
	}
	*out = store;
	return 0;
}

int vg_store_open_reader(struct vg_store **out, const char *path, struct vg_error *err)
{
	/* One thread uses it, then closes it: no mutex. */
	return open_db(out, path, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, err);
}

void vg_store_close(struct vg_store *store)
{
	if (!store)
		return;
	if (store->db)
		sqlite3_close_v2(store->db);
	free(store->path);
	free(store);
}

sqlite3 *vg_store_db(struct vg_store *store)
{
	return store->db;
}

const char *vg_store_path(const struct vg_store *store)
{
	return store->path;
}

int vg_store_schema_version(struct vg_store *store, const char *module)
{
	sqlite3_stmt *st = NULL;
	int version = 0;

	if (sqlite3_prepare_v2(store->db, "SELECT version FROM schema_versions WHERE module = ?1",
			       -1, &st, NULL) != SQLITE_OK)
		return -EIO;
	sqlite3_bind_text(st, 1, module, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return version;
}

int vg_store_begin(struct vg_store *store, struct vg_error *err)
{
	return exec(store, "BEGIN IMMEDIATE", N_("starting a transaction"), err);
}

int vg_store_commit(struct vg_store *store, struct vg_error *err)
{
	int r = exec(store, "COMMIT", N_("committing"), err);

	if (r < 0)
		vg_store_rollback(store);
	return r;
}

void vg_store_rollback(struct vg_store *store)
{
	if (!sqlite3_get_autocommit(store->db))
		sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
}

int vg_store_migrate(struct vg_store *store, const char *module,
		     const struct vg_migration *steps, size_t nsteps, struct vg_error *err)
{
	sqlite3_stmt *st = NULL;
	int current, latest = nsteps ? steps[nsteps - 1].version : 0;
	char have[16], want[16];
	int r;

	current = vg_store_schema_version(store, module);
	if (current < 0)
		return vg_store_error(store, N_("reading the schema version"), err);
	if (current > latest) {
		snprintf(have, sizeof(have), "%d", current);
		snprintf(want, sizeof(want), "%d", latest);
		return vg_error_set(err, -EPROTO,
			N_("the database has %s schema version %s, newer than this agent knows (%s): refusing to downgrade"),
			module, have, want);
	}
	for (size_t i = 0; i < nsteps; i++) {
		if (steps[i].version <= current)
			continue;
		if ((r = vg_store_begin(store, err)) < 0)
			return r;
		if ((r = exec(store, steps[i].sql, N_("migrating the schema"), err)) < 0)
			goto fail;
		if (sqlite3_prepare_v2(store->db,
				       "INSERT INTO schema_versions(module, version) VALUES (?1, ?2)"
				       " ON CONFLICT(module) DO UPDATE SET version = excluded.version",
				       -1, &st, NULL) != SQLITE_OK) {
			r = vg_store_error(store, N_("migrating the schema"), err);
			goto fail;
		}
		sqlite3_bind_text(st, 1, module, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, steps[i].version);
		if (sqlite3_step(st) != SQLITE_DONE) {
			r = vg_store_error(store, N_("migrating the schema"), err);
			goto fail;
		}
		sqlite3_finalize(st);
		st = NULL;
		if ((r = vg_store_commit(store, err)) < 0)
			return r;
		vg_info("database: %s schema now at version %d", module, steps[i].version);
	}
	return 0;
fail:
	sqlite3_finalize(st);
	vg_store_rollback(store);
	return r;
}
