/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The task journal: add, states, duplicates refused, unreported results, interrupted at reopen. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "store.h"
#include "tasks/journal.h"
#include "vigil/error.h"

static char dir[64];
static char db[128];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/vigil-journal.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(db, sizeof(db), "%s/db", dir);
	return 0;
}

static int teardown(void **state)
{
	char path[160];

	(void)state;
	for (const char *s = ""; s; s = strcmp(s, "") == 0 ? "-wal" : strcmp(s, "-wal") == 0 ? "-shm" : NULL) {
		snprintf(path, sizeof(path), "%s%s", db, s);
		unlink(path);
	}
	rmdir(dir);
	return 0;
}

static void test_lifecycle(void **state)
{
	struct vg_error err = { 0 };
	struct vg_store *store;
	struct vg_journal *j;
	unsigned interrupted = 99;
	json_t *req = json_pack("{s:s}", "action", "query"), *t, *list;

	(void)state;
	assert_int_equal(vg_store_open(&store, db, &err), 0);
	assert_int_equal(vg_journal_open(&j, store, &interrupted, &err), 0);
	assert_int_equal(interrupted, 0);
	assert_int_equal(vg_journal_add(j, VG_JOURNAL_REQUESTS, "r1", "server", "query features", req, &err), 0);
	assert_int_equal(vg_journal_add(j, VG_JOURNAL_REQUESTS, "r1", "server", "query features", req, &err), -EEXIST);
	assert_int_equal(vg_journal_add(j, VG_JOURNAL_REQUESTS, "r2", "server", "stop process", req, &err), 0);
	assert_int_equal(vg_journal_set_state(j, VG_JOURNAL_REQUESTS, "r2", VG_TASK_RUNNING, NULL, &err), 0);
	assert_int_equal(vg_journal_set_state(j, VG_JOURNAL_REQUESTS, "r1", VG_TASK_SUCCEEDED, req, &err), 0);
	t = vg_journal_get(j, VG_JOURNAL_REQUESTS, "r1");
	assert_string_equal(json_string_value(json_object_get(t, "state")), "succeeded");
	json_decref(t);
	list = vg_journal_unreported(j, 10);
	assert_int_equal(json_array_size(list), 1);
	json_decref(list);
	assert_int_equal(vg_journal_set_reported(j, "r1", true, &err), 0);
	list = vg_journal_unreported(j, 10);
	assert_int_equal(json_array_size(list), 0);
	json_decref(list);
	vg_journal_close(j);
	/* The agent "died" with r2 running: reopening marks it interrupted, to be reported. */
	assert_int_equal(vg_journal_open(&j, store, &interrupted, &err), 0);
	assert_int_equal(interrupted, 1);
	t = vg_journal_get(j, VG_JOURNAL_REQUESTS, "r2");
	assert_string_equal(json_string_value(json_object_get(t, "state")), "interrupted");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(t, "result"), "status")), 500);
	json_decref(t);
	list = vg_journal_unreported(j, 10);
	assert_int_equal(json_array_size(list), 1);
	json_decref(list);
	vg_journal_close(j);
	vg_store_close(store);
	json_decref(req);
}

/* A server's request ids and the agent's task ids never meet: request "N" while task N exists is
 * a new request, and a task numbered like an existing request is recorded all the same. */
static void test_namespaces(void **state)
{
	struct vg_error err = { 0 };
	struct vg_store *store;
	struct vg_journal *j;
	json_t *req = json_pack("{s:s}", "path", "/x"), *t;
	int64_t id, next;
	char text[32];

	(void)state;
	assert_int_equal(vg_store_open(&store, db, &err), 0);
	assert_int_equal(vg_journal_open(&j, store, NULL, &err), 0);
	assert_int_equal(vg_journal_add_numbered(j, "local", "get-file", req, 0, &id, &err), 0);
	snprintf(text, sizeof(text), "%lld", (long long)id);
	/* The server sends a request whose id is that task's number: it is a request of its own. */
	assert_int_equal(vg_journal_add(j, VG_JOURNAL_REQUESTS, text, "server", "delete file", req, &err), 0);
	t = vg_journal_get(j, VG_JOURNAL_TASKS, text);
	assert_string_equal(json_string_value(json_object_get(t, "kind")), "get-file");
	json_decref(t);
	t = vg_journal_get(j, VG_JOURNAL_REQUESTS, text);
	assert_string_equal(json_string_value(json_object_get(t, "kind")), "delete file");
	json_decref(t);
	/* And a request whose id is the next task's number (the request takes sequence number
	 * id + 2, the task id + 3) does not stop that task. */
	snprintf(text, sizeof(text), "%lld", (long long)id + 3);
	assert_int_equal(vg_journal_add(j, VG_JOURNAL_REQUESTS, text, "server", "delete file", req, &err), 0);
	assert_int_equal(vg_journal_add_numbered(j, "local", "get-file", req, 0, &next, &err), 0);
	assert_int_equal(next, id + 3);
	assert_int_equal(vg_journal_set_state(j, VG_JOURNAL_TASKS, text, VG_TASK_SUCCEEDED, req, &err), 0);
	t = vg_journal_get(j, VG_JOURNAL_REQUESTS, text);
	assert_string_equal(json_string_value(json_object_get(t, "state")), "queued");
	json_decref(t);
	/* Only requests are reported to the server. */
	t = vg_journal_unreported(j, 10);
	assert_int_equal(json_array_size(t), 0);
	json_decref(t);
	t = vg_journal_list(j, VG_JOURNAL_TASKS, 10, false);
	assert_int_equal(json_array_size(t), 2);
	json_decref(t);
	vg_journal_close(j);
	vg_store_close(store);
	json_decref(req);
}

/* A journal of the previous schema (one namespace) is moved over: server rows become requests. */
static void test_migration(void **state)
{
	struct vg_error err = { 0 };
	struct vg_store *store;
	struct vg_journal *j;
	json_t *t;

	(void)state;
	assert_int_equal(vg_store_open(&store, db, &err), 0);
	assert_int_equal(sqlite3_exec(vg_store_db(store),
				      "CREATE TABLE tasks_journal (id TEXT PRIMARY KEY, source TEXT NOT NULL, kind TEXT NOT NULL,"
				      " request TEXT NOT NULL, state INTEGER NOT NULL, result TEXT, created_ms INTEGER NOT NULL,"
				      " started_ms INTEGER, ended_ms INTEGER, reported INTEGER NOT NULL DEFAULT 0,"
				      " seq INTEGER NOT NULL DEFAULT 0, uid INTEGER NOT NULL DEFAULT 0);"
				      "INSERT INTO schema_versions VALUES ('tasks_journal', 2);"
				      "INSERT INTO tasks_journal VALUES ('5', 'local', 'get-file', '{}', 2, NULL, 1, 1, 1, 0, 5, 0);"
				      "INSERT INTO tasks_journal VALUES ('r9', 'server', 'delete file', '{}', 2, '{}', 1, 1, 1, 0, 6, 0);",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(vg_journal_open(&j, store, NULL, &err), 0);
	assert_int_equal(vg_store_schema_version(store, "tasks_journal"), 3);
	t = vg_journal_get(j, VG_JOURNAL_TASKS, "5");
	assert_non_null(t);
	json_decref(t);
	assert_null(vg_journal_get(j, VG_JOURNAL_TASKS, "r9"));
	t = vg_journal_unreported(j, 10);
	assert_int_equal(json_array_size(t), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(t, 0), "id")), "r9");
	json_decref(t);
	vg_journal_close(j);
	vg_store_close(store);
}

/* The caps remove ended tasks and reported requests, oldest first; never what must stay. */
static void test_enforce(void **state)
{
	struct vg_error err = { 0 };
	struct vg_journal_usage usage = { 0 };
	struct vg_store *store;
	struct vg_journal *j;
	json_t *req = json_pack("{s:s}", "action", "query"), *big = json_pack("{s:s}", "stdout", ""), *row;
	char *text = malloc(100001);
	int64_t ids[4];
	char last[32];

	(void)state;
	memset(text, 'x', 100000);
	text[100000] = '\0';
	json_object_set_new(big, "stdout", json_string(text));
	assert_int_equal(vg_store_open(&store, db, &err), 0);
	assert_int_equal(vg_journal_open(&j, store, NULL, &err), 0);
	/* Oldest first: an unreported request, a reported one, an ended task, a running task, then
	 * two ended tasks; each ended one carries 100 kB. */
	assert_int_equal(vg_journal_add(j, VG_JOURNAL_REQUESTS, "unreported", "server", "start", req, &err), 0);
	assert_int_equal(vg_journal_set_state(j, VG_JOURNAL_REQUESTS, "unreported", VG_TASK_SUCCEEDED, big, &err), 0);
	assert_int_equal(vg_journal_add(j, VG_JOURNAL_REQUESTS, "reported", "server", "start", req, &err), 0);
	assert_int_equal(vg_journal_set_state(j, VG_JOURNAL_REQUESTS, "reported", VG_TASK_SUCCEEDED, big, &err), 0);
	assert_int_equal(vg_journal_set_reported(j, "reported", true, &err), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(vg_journal_add_numbered(j, "local", "run", req, 0, &ids[i], &err), 0);
	for (int i = 0; i < 4; i++) {
		char id[32];

		snprintf(id, sizeof(id), "%lld", (long long)ids[i]);
		assert_int_equal(vg_journal_set_state(j, VG_JOURNAL_TASKS, id, i == 1 ? VG_TASK_RUNNING : VG_TASK_SUCCEEDED,
						      i == 1 ? NULL : big, &err), 0);
	}
	/* No cap reached: nothing goes. */
	assert_int_equal(vg_journal_enforce(j, 1 << 20, 86400, &usage, &err), 0);
	assert_int_equal(usage.removed, 0);
	assert_int_equal(usage.rows, 6);
	assert_true(usage.bytes > 500000);
	/* 150 kB: only the newest ended task fits; the reported request and the first task go,
	 * the unreported request and the running task stay. */
	assert_int_equal(vg_journal_enforce(j, 150000, 0, &usage, &err), 0);
	assert_int_equal(usage.removed, 3);
	assert_int_equal(usage.rows, 3);
	assert_non_null((row = vg_journal_get(j, VG_JOURNAL_REQUESTS, "unreported")));
	json_decref(row);
	assert_null(vg_journal_get(j, VG_JOURNAL_REQUESTS, "reported"));
	/* Age: all ended ten days ago; what goes is the ended task that is not the newest row (which
	 * numbers the next task); the unreported request and the running task stay. */
	assert_int_equal(vg_journal_add_numbered(j, "local", "run", req, 0, &ids[0], &err), 0);
	snprintf(last, sizeof(last), "%lld", (long long)ids[0]);
	assert_int_equal(vg_journal_set_state(j, VG_JOURNAL_TASKS, last, VG_TASK_SUCCEEDED, NULL, &err), 0);
	assert_int_equal(sqlite3_exec(vg_store_db(store), "UPDATE tasks_journal SET ended_ms = ended_ms - 86400000 * 10",
				      NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(vg_journal_enforce(j, 0, 86400, &usage, &err), 0);
	assert_int_equal(usage.removed, 4);
	assert_int_equal(usage.rows, 3);
	assert_non_null((row = vg_journal_get(j, VG_JOURNAL_TASKS, last)));
	json_decref(row);
	assert_int_equal(vg_journal_add_numbered(j, "local", "run", req, 0, &ids[1], &err), 0);
	assert_true(ids[1] > ids[0]);
	vg_journal_close(j);
	vg_store_close(store);
	json_decref(req);
	json_decref(big);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lifecycle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_namespaces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migration, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enforce, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
