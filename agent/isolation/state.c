/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the database remembers of isolation: on or off, why, since and until when, and the
 * exceptions with their ids.  Kept so that the agent, a restart or the boot re-applies it. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "isolation.h"
#include "nls.h"
#include "store.h"
#include "vigil/error.h"

static const struct vg_migration migrations[] = {
	{ 1, "CREATE TABLE isolation_state ("
	     " id INTEGER PRIMARY KEY CHECK (id = 1),"
	     " isolated INTEGER NOT NULL DEFAULT 0,"
	     " reason TEXT NOT NULL DEFAULT '',"
	     " since INTEGER NOT NULL DEFAULT 0,"
	     " until INTEGER NOT NULL DEFAULT 0,"
	     " who INTEGER NOT NULL DEFAULT -1,"
	     " servers TEXT NOT NULL DEFAULT '');"
	     "INSERT INTO isolation_state (id) VALUES (1);"
	     "CREATE TABLE isolation_exceptions ("
	     " id INTEGER PRIMARY KEY AUTOINCREMENT,"
	     " direction TEXT NOT NULL, protocol TEXT NOT NULL,"
	     " remote TEXT NOT NULL DEFAULT '', local_port TEXT NOT NULL DEFAULT '',"
	     " remote_port TEXT NOT NULL DEFAULT '', comment TEXT NOT NULL DEFAULT '',"
	     " created INTEGER NOT NULL);" },
};

int vg_iso_store_migrate(struct vg_store *store, struct vg_error *err)
{
	return vg_store_migrate(store, "isolation", migrations, sizeof(migrations) / sizeof(migrations[0]), err);
}

static void copy_text(char *dst, size_t size, sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	snprintf(dst, size, "%s", t ? (const char *)t : "");
}

int vg_iso_state_load(struct vg_store *store, struct vg_iso_state *s, struct vg_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	memset(s, 0, sizeof(*s));
	s->who = -1;
	if (sqlite3_prepare_v2(vg_store_db(store),
			       "SELECT isolated, reason, since, until, who, servers FROM isolation_state WHERE id = 1",
			       -1, &st, NULL) != SQLITE_OK)
		return vg_store_error(store, N_("keeping the isolation state"), err);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		s->on = sqlite3_column_int(st, 0) != 0;
		copy_text(s->reason, sizeof(s->reason), st, 1);
		s->since = sqlite3_column_int64(st, 2);
		s->until = sqlite3_column_int64(st, 3);
		s->who = sqlite3_column_int64(st, 4);
		copy_text(s->servers, sizeof(s->servers), st, 5);
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = 0;
	} else {
		rc = vg_store_error(store, N_("keeping the isolation state"), err);
	}
	sqlite3_finalize(st);
	return rc;
}

int vg_iso_state_save(struct vg_store *store, const struct vg_iso_state *s, struct vg_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = 0;

	if (sqlite3_prepare_v2(vg_store_db(store),
			       "INSERT OR REPLACE INTO isolation_state (id, isolated, reason, since, until, who, servers)"
			       " VALUES (1, ?, ?, ?, ?, ?, ?)",
			       -1, &st, NULL) != SQLITE_OK)
		return vg_store_error(store, N_("keeping the isolation state"), err);
	sqlite3_bind_int(st, 1, s->on);
	sqlite3_bind_text(st, 2, s->reason, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, s->since);
	sqlite3_bind_int64(st, 4, s->until);
	sqlite3_bind_int64(st, 5, s->who);
	sqlite3_bind_text(st, 6, s->servers, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = vg_store_error(store, N_("keeping the isolation state"), err);
	sqlite3_finalize(st);
	return rc;
}

int vg_iso_exceptions_load(struct vg_store *store, size_t offset, size_t limit, struct vg_iso_exception **out,
			   size_t *n, struct vg_error *err)
{
	sqlite3_stmt *st = NULL;
	struct vg_iso_exception *list = NULL;
	size_t count = 0, cap = 0;
	int rc = 0, step;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(vg_store_db(store),
			       "SELECT id, direction, protocol, remote, local_port, remote_port, comment, created"
			       " FROM isolation_exceptions ORDER BY id LIMIT ? OFFSET ?",
			       -1, &st, NULL) != SQLITE_OK)
		return vg_store_error(store, N_("keeping the isolation exceptions"), err);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)limit);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)offset);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		char f[6][VG_ISO_MAX_COMMENT];
		struct vg_iso_exception *ex;

		if (count == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			void *p = realloc(list, ncap * sizeof(*list));

			if (!p) {
				rc = vg_error_set(err, -ENOMEM, N_("out of memory"));
				goto out;
			}
			list = p;
			cap = ncap;
		}
		for (int c = 0; c < 6; c++)
			copy_text(f[c], sizeof(f[c]), st, c + 1);
		ex = &list[count];
		/* Stored rows were checked when added; one that no longer parses is skipped, not fatal,
		 * so that a bad row never keeps the whole isolation from applying. */
		if (vg_iso_exception_parse(ex, f[0], f[1], f[2], f[3], f[4], f[5], NULL) < 0)
			continue;
		ex->id = sqlite3_column_int64(st, 0);
		ex->created = sqlite3_column_int64(st, 7);
		count++;
	}
	if (step != SQLITE_DONE)
		rc = vg_store_error(store, N_("keeping the isolation exceptions"), err);
out:
	sqlite3_finalize(st);
	if (rc < 0) {
		free(list);
		return rc;
	}
	*out = list;
	*n = count;
	return 0;
}

int vg_iso_exceptions_count(struct vg_store *store, size_t *n, struct vg_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = 0;

	*n = 0;
	if (sqlite3_prepare_v2(vg_store_db(store), "SELECT count(*) FROM isolation_exceptions", -1, &st, NULL) !=
	    SQLITE_OK)
		return vg_store_error(store, N_("keeping the isolation exceptions"), err);
	if (sqlite3_step(st) == SQLITE_ROW)
		*n = (size_t)sqlite3_column_int64(st, 0);
	else
		rc = vg_store_error(store, N_("keeping the isolation exceptions"), err);
	sqlite3_finalize(st);
	return rc;
}

int vg_iso_exception_rules_load(struct vg_store *store, size_t max, long long **ids, struct vg_iso_rule **rules,
				size_t *n, struct vg_error *err)
{
	sqlite3_stmt *st = NULL;
	long long *idv = NULL;
	struct vg_iso_rule *rv = NULL;
	size_t count = 0, cap = 0;
	int rc = 0, step;

	*ids = NULL;
	*rules = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(vg_store_db(store),
			       "SELECT id, direction, protocol, remote, local_port, remote_port"
			       " FROM isolation_exceptions ORDER BY id LIMIT ?",
			       -1, &st, NULL) != SQLITE_OK)
		return vg_store_error(store, N_("keeping the isolation exceptions"), err);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)max);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		char f[5][64];
		struct vg_iso_exception ex;

		if (count == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			long long *pi = realloc(idv, ncap * sizeof(*idv));
			struct vg_iso_rule *pr = pi ? realloc(rv, ncap * sizeof(*rv)) : NULL;

			if (pi)
				idv = pi;
			if (!pr) {
				rc = vg_error_set(err, -ENOMEM, N_("out of memory"));
				goto out;
			}
			rv = pr;
			cap = ncap;
		}
		for (int c = 0; c < 5; c++)
			copy_text(f[c], sizeof(f[c]), st, c + 1);
		/* As in vg_iso_exceptions_load: a row that no longer parses is skipped. */
		if (vg_iso_exception_parse(&ex, f[0], f[1], f[2], f[3], f[4], NULL, NULL) < 0)
			continue;
		idv[count] = sqlite3_column_int64(st, 0);
		rv[count++] = ex.rule;
	}
	if (step != SQLITE_DONE)
		rc = vg_store_error(store, N_("keeping the isolation exceptions"), err);
out:
	sqlite3_finalize(st);
	if (rc < 0) {
		free(idv);
		free(rv);
		return rc;
	}
	*ids = idv;
	*rules = rv;
	*n = count;
	return 0;
}

int vg_iso_exception_insert(struct vg_store *store, struct vg_iso_exception *ex, size_t max, struct vg_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = 0;

	if (!ex->created)
		ex->created = time(NULL);
	if (sqlite3_prepare_v2(vg_store_db(store),
			       "INSERT INTO isolation_exceptions (direction, protocol, remote, local_port, remote_port,"
			       " comment, created) SELECT ?, ?, ?, ?, ?, ?, ?"
			       " WHERE (SELECT count(*) FROM isolation_exceptions) < ?",
			       -1, &st, NULL) != SQLITE_OK)
		return vg_store_error(store, N_("keeping the isolation exceptions"), err);
	sqlite3_bind_text(st, 1, ex->direction, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, ex->protocol, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, ex->remote, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, ex->local_port, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, ex->remote_port, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, ex->comment, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 7, ex->created);
	sqlite3_bind_int64(st, 8, (sqlite3_int64)max);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = vg_store_error(store, N_("keeping the isolation exceptions"), err);
	} else if (sqlite3_changes(vg_store_db(store)) == 0) {
		char text[32];

		snprintf(text, sizeof(text), "%zu", max);
		rc = vg_error_set(err, -E2BIG, N_("there are already %s exceptions, the most allowed"), text);
	} else {
		ex->id = sqlite3_last_insert_rowid(vg_store_db(store));
	}
	sqlite3_finalize(st);
	return rc;
}

int vg_iso_exception_delete(struct vg_store *store, long long id, struct vg_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = 0;

	if (sqlite3_prepare_v2(vg_store_db(store), "DELETE FROM isolation_exceptions WHERE id = ?", -1, &st,
			       NULL) != SQLITE_OK)
		return vg_store_error(store, N_("keeping the isolation exceptions"), err);
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = vg_store_error(store, N_("keeping the isolation exceptions"), err);
	} else if (sqlite3_changes(vg_store_db(store)) == 0) {
		char text[32];

		snprintf(text, sizeof(text), "%lld", id);
		rc = vg_error_set(err, -ENOENT, N_("there is no isolation exception %s"), text);
	}
	sqlite3_finalize(st);
	return rc;
}
