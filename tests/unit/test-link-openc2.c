/* SPDX-License-Identifier: GPL-3.0-or-later */
/* OpenC2 commands from a (possibly hostile) server: journaled, validated, answered, never run twice. */
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

#include "link/link.h"
#include "store.h"
#include "tasks/journal.h"

struct fixture {
	char dir[64], db[128];
	struct vg_store *store;
	struct vg_link link;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct vg_error err = { 0 };

	snprintf(f->dir, sizeof(f->dir), "/tmp/vigil-openc2.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->db, sizeof(f->db), "%s/db", f->dir);
	if (vg_store_open(&f->store, f->db, &err) < 0 || vg_journal_open(&f->link.journal, f->store, NULL, &err) < 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char path[160];

	vg_journal_close(f->link.journal);
	vg_store_close(f->store);
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s%s", f->db, i == 0 ? "" : i == 1 ? "-wal" : "-shm");
		unlink(path);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

static void run(struct fixture *f, const char *json)
{
	json_t *cmds = json_loads(json, 0, NULL);

	assert_non_null(cmds);
	vg_link_handle_commands(&f->link, cmds);
	json_decref(cmds);
}

static int status_of(struct fixture *f, const char *id)
{
	json_t *t = vg_journal_get(f->link.journal, VG_JOURNAL_REQUESTS, id);
	int status;

	if (!t)
		return -1;
	status = (int)json_integer_value(json_object_get(json_object_get(t, "result"), "status"));
	json_decref(t);
	return status;
}

static void test_query_features(void **state)
{
	struct fixture *f = *state;
	json_t *t, *pairs;

	run(f, "[{\"request_id\": \"q1\", \"command\": {\"action\": \"query\", \"target\": {\"features\": []}}}]");
	assert_int_equal(status_of(f, "q1"), 200);
	t = vg_journal_get(f->link.journal, VG_JOURNAL_REQUESTS, "q1");
	assert_string_equal(json_string_value(json_object_get(t, "state")), "succeeded");
	assert_string_equal(json_string_value(json_object_get(t, "kind")), "query features");
	pairs = json_object_get(json_object_get(json_object_get(t, "result"), "results"), "pairs");
	assert_non_null(json_object_get(pairs, "query"));
	json_decref(t);
}

static void test_malformed(void **state)
{
	struct fixture *f = *state;

	run(f, "[{\"command\": {\"action\": \"query\", \"target\": {\"features\": []}}},"
	       " {\"request_id\": \"bad id\", \"command\": {}},"
	       " {\"request_id\": 7, \"command\": {}},"
	       " 42, \"text\", null,"
	       " {\"request_id\": \"m1\", \"command\": \"query features\"},"
	       " {\"request_id\": \"m2\", \"command\": {\"action\": \"query\", \"target\": {\"a\": 1, \"b\": 2}}},"
	       " {\"request_id\": \"m3\", \"command\": {\"action\": \"frobnicate\", \"target\": {\"x\": {}}}},"
	       " {\"request_id\": \"m4\", \"command\": {\"action\": 5, \"target\": {\"features\": []}}},"
	       " {\"request_id\": \"m5\", \"command\": {\"action\": \"query\", \"target\": []}}]");
	assert_int_equal(status_of(f, "bad id"), -1);
	assert_int_equal(status_of(f, "m1"), 400);
	assert_int_equal(status_of(f, "m2"), 400);
	assert_int_equal(status_of(f, "m3"), 400);
	assert_int_equal(status_of(f, "m4"), 400);
	assert_int_equal(status_of(f, "m5"), 400);
	assert_int_equal(f->link.commands_received, 5);
}

static void test_not_supported(void **state)
{
	struct fixture *f = *state;
	json_t *t;

	run(f, "[{\"request_id\": \"c1\", \"command\": {\"action\": \"deny\", \"target\": {\"ipv4_net\": \"192.0.2.0/24\"}}}]");
	assert_int_equal(status_of(f, "c1"), 501);
	t = vg_journal_get(f->link.journal, VG_JOURNAL_REQUESTS, "c1");
	assert_string_equal(json_string_value(json_object_get(t, "state")), "refused");
	json_decref(t);
}

static void test_never_twice(void **state)
{
	struct fixture *f = *state;
	struct vg_error err = { 0 };
	json_t *list;

	run(f, "[{\"request_id\": \"d1\", \"command\": {\"action\": \"query\", \"target\": {\"features\": []}}}]");
	assert_int_equal(vg_journal_set_reported(f->link.journal, "d1", true, &err), 0);
	/* The same id again, with another command: not run, its stored response is reported again. */
	run(f, "[{\"request_id\": \"d1\", \"command\": {\"action\": \"contain\", \"target\": {\"device\": {}}}}]");
	assert_int_equal(status_of(f, "d1"), 200);
	list = vg_journal_unreported(f->link.journal, 10);
	assert_int_equal(json_array_size(list), 1);
	json_decref(list);
}

static void test_bounded_count(void **state)
{
	struct fixture *f = *state;
	json_t *cmds = json_array(), *list;

	for (int i = 0; i < 200; i++) {
		char id[32];

		snprintf(id, sizeof(id), "n%d", i);
		json_array_append_new(cmds, json_pack("{s:s, s:{s:s, s:{s:[]}}}", "request_id", id, "command", "action",
						      "query", "target", "features"));
	}
	vg_link_handle_commands(&f->link, cmds);
	json_decref(cmds);
	list = vg_journal_list(f->link.journal, VG_JOURNAL_REQUESTS, 1000, false);
	assert_int_equal(json_array_size(list), VG_LINK_MAX_COMMANDS);
	json_decref(list);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_query_features, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_supported, setup, teardown),
		cmocka_unit_test_setup_teardown(test_never_twice, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bounded_count, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
