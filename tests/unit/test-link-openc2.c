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
	run(f, "[{\"request_id\": \"d1\", \"command\": {\"action\": \"allow\", \"target\": {\"device\": {\"hostname\": \"h\"}}}}]");
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

static const char *text_of(struct fixture *f, const char *id, char *buf, size_t size)
{
	json_t *t = vg_journal_get(f->link.journal, VG_JOURNAL_REQUESTS, id);

	snprintf(buf, size, "%s", json_string_value(json_object_get(json_object_get(t, "result"), "status_text")) ?: "");
	json_decref(t);
	return buf;
}

/* The Language Specification and the Endpoint Response profile: no extended action, the
 * containment type is mandatory, permitted_addresses is the profile's map (the older list
 * still accepted), response_requested is one of its four values. */
static void test_profile_rules(void **state)
{
	struct fixture *f = *state;
	char buf[200];

	run(f, "[{\"request_id\": \"p1\", \"command\": {\"action\": \"contain\", \"target\": {\"device\": {\"hostname\": \"h\"}}}},"
	       " {\"request_id\": \"p2\", \"command\": {\"action\": \"contain\", \"target\": {\"device\": {\"hostname\": \"h\"}},"
	       "   \"args\": {\"er\": {\"device_containment\": \"disable_nic\"}}}},"
	       " {\"request_id\": \"p3\", \"command\": {\"action\": \"contain\", \"target\": {\"device\": {\"hostname\": \"h\"}},"
	       "   \"args\": {\"er\": {\"device_containment\": \"network_isolation\", \"permitted_addresses\": {\"ipv4_net\": \"10.0.0.1\"}}}}},"
	       " {\"request_id\": \"p4\", \"command\": {\"action\": \"contain\", \"target\": {\"device\": {\"hostname\": \"h\"}},"
	       "   \"args\": {\"er\": {\"device_containment\": \"network_isolation\", \"permitted_addresses\": {\"domain_name\": [\"example.org\"]}}}}},"
	       " {\"request_id\": \"p5\", \"command\": {\"action\": \"contain\", \"target\": {\"device\": {\"hostname\": \"h\"}},"
	       "   \"args\": {\"er\": {\"device_containment\": \"network_isolation\", \"permitted_addresses\": {\"ipv4_net\": [\"10.0.0.1\"], \"mac_addr\": []}}}}},"
	       " {\"request_id\": \"p6\", \"command\": {\"action\": \"x-vigil:frobnicate\", \"target\": {\"file\": {\"path\": \"/\"}}}},"
	       " {\"request_id\": \"p7\", \"command\": {\"action\": \"query\", \"target\": {\"features\": []}, \"args\": {\"response_requested\": \"later\"}}},"
	       " {\"request_id\": \"p8\", \"command\": {\"action\": \"query\", \"target\": {\"features\": []}, \"args\": 3}}]");
	assert_int_equal(status_of(f, "p1"), 400);
	assert_string_equal(text_of(f, "p1", buf, sizeof(buf)), "Containment type argument not populated");
	assert_int_equal(status_of(f, "p2"), 501);
	assert_int_equal(status_of(f, "p3"), 400);
	assert_int_equal(status_of(f, "p4"), 501);
	assert_int_equal(status_of(f, "p5"), 400);
	assert_int_equal(status_of(f, "p6"), 400);
	assert_int_equal(status_of(f, "p7"), 400);
	assert_int_equal(status_of(f, "p8"), 400);
	assert_int_equal(f->link.nacks_due, 0);
}

/* query features lists standard actions only: get-file is copy file. */
static void test_features_pairs(void **state)
{
	json_t *features = vg_openc2_features(), *pairs = json_object_get(features, "pairs"), *targets;
	const char *action;

	(void)state;
	json_object_foreach(pairs, action, targets)
		assert_null(strchr(action, ':'));
	assert_string_equal(json_string_value(json_array_get(json_object_get(pairs, "copy"), 0)), "file");
	json_decref(features);
}

/* ack: the command is answered 102 (queued for the link) and its result is kept, not sent;
 * none: nothing is queued; an unknown value is refused. */
static void test_response_requested(void **state)
{
	struct fixture *f = *state;

	run(f, "[{\"request_id\": \"a1\", \"command\": {\"action\": \"query\", \"target\": {\"features\": [\"versions\"]},"
	       "   \"args\": {\"response_requested\": \"ack\"}}},"
	       " {\"request_id\": \"a2\", \"command\": {\"action\": \"query\", \"target\": {\"features\": []},"
	       "   \"args\": {\"response_requested\": \"none\"}}},"
	       " {\"request_id\": \"a3\", \"command\": {\"action\": \"query\", \"target\": {\"features\": []},"
	       "   \"args\": {\"response_requested\": \"status\"}}}]");
	assert_int_equal(status_of(f, "a1"), 200);
	assert_int_equal(status_of(f, "a2"), 200);
	assert_int_equal(f->link.nacks_due, 1);
	assert_string_equal(f->link.acks_due[0], "a1");
}

/* hello lists the server's commands not final and those that ended since a time, each once
 * (not the local task that carries one out). */
static void test_hello_states(void **state)
{
	struct fixture *f = *state;
	struct vg_error err = { 0 };
	json_t *list, *req = json_object();
	int64_t id;

	assert_int_equal(vg_journal_add(f->link.journal, VG_JOURNAL_REQUESTS, "r-running", "server", "start file", req, &err), 0);
	assert_int_equal(vg_journal_set_state(f->link.journal, VG_JOURNAL_REQUESTS, "r-running", VG_TASK_RUNNING, NULL, &err), 0);
	assert_int_equal(vg_journal_add(f->link.journal, VG_JOURNAL_REQUESTS, "r-done", "server", "delete file", req, &err), 0);
	assert_int_equal(vg_journal_set_state(f->link.journal, VG_JOURNAL_REQUESTS, "r-done", VG_TASK_SUCCEEDED, req, &err), 0);
	assert_int_equal(vg_journal_add_numbered(f->link.journal, "server-task", "run", req, 0, &id, &err), 0);
	list = vg_journal_states(f->link.journal, 0, 256);
	assert_int_equal(json_array_size(list), 2);
	json_decref(list);
	/* Told at a later time: only the running one is left. */
	list = vg_journal_states(f->link.journal, INT64_MAX, 256);
	assert_int_equal(json_array_size(list), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "request_id")), "r-running");
	json_decref(list);
	json_decref(req);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_query_features, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_supported, setup, teardown),
		cmocka_unit_test_setup_teardown(test_never_twice, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bounded_count, setup, teardown),
		cmocka_unit_test_setup_teardown(test_profile_rules, setup, teardown),
		cmocka_unit_test(test_features_pairs),
		cmocka_unit_test_setup_teardown(test_response_requested, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hello_states, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
