/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The agent's SQLite database: one file in the state directory, WAL mode.
 * Each module owns its tables and migrates them by its own schema version,
 * so modules evolve independently.  Prepared statements only.
 *
 * A connection belongs to one thread, which alone uses it (doc/architecture.md, "Threads
 * and SQLite connections"): the loop's, the spool thread's, and short-lived readers that a
 * worker opens for one job and closes at its end.
 */
#ifndef VIGIL_STORE_H
#define VIGIL_STORE_H

#include <sqlite3.h>
#include <stddef.h>

struct vg_error;
struct vg_store;

struct vg_migration {
	int version;        /* 1, 2, 3 ... in order */
	const char *sql;    /* statements that bring the module from version-1 to version */
};

/* Opens (creating if needed) the database at path.  The caller frees with vg_store_close. */
int vg_store_open(struct vg_store **out, const char *path, struct vg_error *err);
/* Opens the database at path read-only, for one job on one thread (a view of a large table
 * read on a worker); no migration.  Close with vg_store_close on the same thread. */
int vg_store_open_reader(struct vg_store **out, const char *path, struct vg_error *err);
void vg_store_close(struct vg_store *store);
sqlite3 *vg_store_db(struct vg_store *store);
const char *vg_store_path(const struct vg_store *store);

/* Brings the tables of module up to the last migration, each step in its own transaction.
 * A database newer than this program (a downgrade) is refused. */
int vg_store_migrate(struct vg_store *store, const char *module,
		     const struct vg_migration *steps, size_t nsteps, struct vg_error *err);

/* The schema version of module (0 when it has none). */
int vg_store_schema_version(struct vg_store *store, const char *module);

int vg_store_begin(struct vg_store *store, struct vg_error *err);
int vg_store_commit(struct vg_store *store, struct vg_error *err);
void vg_store_rollback(struct vg_store *store);

/* Fills err from the database's last error, with what was being done. */
int vg_store_error(struct vg_store *store, const char *what, struct vg_error *err);

#endif
