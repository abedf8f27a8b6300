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
	assert_int_equal(vg_journal_add(j, "r1", "server", "query features", req, &err), 0);
	assert_int_equal(vg_journal_add(j, "r1", "server", "query features", req, &err), -EEXIST);
	assert_int_equal(vg_journal_add(j, "r2", "server", "stop process", req, &err), 0);
	assert_int_equal(vg_journal_set_state(j, "r2", VG_TASK_RUNNING, NULL, &err), 0);
	assert_int_equal(vg_journal_set_state(j, "r1", VG_TASK_SUCCEEDED, req, &err), 0);
	t = vg_journal_get(j, "r1");
	assert_string_equal(json_string_value(json_object_get(t, "state")), "succeeded");
	json_decref(t);
	list = vg_journal_unreported(j, "server", 10);
	assert_int_equal(json_array_size(list), 1);
	json_decref(list);
	assert_int_equal(vg_journal_set_reported(j, "r1", true, &err), 0);
	list = vg_journal_unreported(j, "server", 10);
	assert_int_equal(json_array_size(list), 0);
	json_decref(list);
	vg_journal_close(j);
	/* The agent "died" with r2 running: reopening marks it interrupted, to be reported. */
	assert_int_equal(vg_journal_open(&j, store, &interrupted, &err), 0);
	assert_int_equal(interrupted, 1);
	t = vg_journal_get(j, "r2");
	assert_string_equal(json_string_value(json_object_get(t, "state")), "interrupted");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(t, "result"), "status")), 500);
	json_decref(t);
	list = vg_journal_unreported(j, "server", 10);
	assert_int_equal(json_array_size(list), 1);
	json_decref(list);
	vg_journal_close(j);
	vg_store_close(store);
	json_decref(req);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lifecycle, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
