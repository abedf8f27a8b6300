/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Correlation rules: event_count, value_count, temporal and temporal_ordered with group-by,
 * timespan and conditions; windows that slide or close; chains of correlations and aliases;
 * bounded memory (groups and events evicted and counted).  Time is what the test says.
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sigma-test.h"

#define S 1000   /* one second in ms */

/* A base rule: a process whose command line contains word, with a name. */
#define BASE(name, word) "title: " name "\nname: " name "\nid: id-" name "\nlogsource:\n    product: linux\n" \
	"    category: process_creation\ndetection:\n    sel:\n        CommandLine|contains: '" word "'\n    condition: sel\n---\n"
#define CORR(name, body) "title: " name "\nid: " name "\nlevel: high\ncorrelation:\n" body

struct run {
	struct vg_sigma_set *set;
	struct vg_sigma_matcher *m;
	uint64_t id;
};

static void start(struct run *r, const char *yaml, const struct vg_sigma_limits *lim)
{
	r->set = sigma_set_lim(yaml, lim);
	assert_non_null(r->set);
	if (vg_sigma_set_reject_count(r->set))
		fail_msg("refused: %s", vg_sigma_set_reject(r->set, 0)->error.message);
	assert_int_equal(vg_sigma_matcher_new(r->set, &r->m), 0);
	r->id = 0;
}

static void stop(struct run *r)
{
	vg_sigma_matcher_free(r->m);
	vg_sigma_set_free(r->set);
}

/* Feeds a process start (user, command line) at t; returns how many matches of rule title. */
static int feed(struct run *r, const char *user, const char *cmd, int64_t t, const char *title)
{
	char ev[512];
	json_t *j;
	int n, hits = 0;

	snprintf(ev, sizeof(ev), "{\"class_uid\":1007,\"activity_id\":1,\"process\":{\"cmd_line\":\"%s\","
		 "\"user\":{\"name\":\"%s\"},\"file\":{\"path\":\"/usr/bin/x\"}}}", cmd, user);
	j = json_loads(ev, 0, NULL);
	assert_non_null(j);
	n = vg_sigma_matcher_eval_ocsf(r->m, j, ++r->id, t);
	json_decref(j);
	assert_true(n >= 0);
	for (int i = 0; i < n; i++)
		hits += strcmp(vg_sigma_rule_info(vg_sigma_matcher_match(r->m, (size_t)i)->rule)->title, title) == 0;
	return hits;
}

static const struct vg_sigma_match *find_match(const struct run *r, const char *title)
{
	for (size_t i = 0; i < vg_sigma_matcher_count(r->m); i++) {
		const struct vg_sigma_match *m = vg_sigma_matcher_match(r->m, i);

		if (strcmp(vg_sigma_rule_info(m->rule)->title, title) == 0)
			return m;
	}
	return NULL;
}

static void event_count(void **state)
{
	struct run r;
	const struct vg_sigma_match *m;

	(void)state;
	start(&r, BASE("fail", "su ") CORR("many", "    type: event_count\n    rules: [fail]\n    group-by: [User]\n"
						   "    timespan: 1m\n    condition:\n        gte: 3\n"), NULL);
	assert_int_equal(feed(&r, "alice", "su root", 0, "many"), 0);
	assert_int_equal(feed(&r, "bob", "su root", 5 * S, "many"), 0);
	assert_int_equal(feed(&r, "alice", "su root", 10 * S, "many"), 0);
	/* The base rule is only counted (no generate): it reports nothing of its own. */
	assert_int_equal(feed(&r, "alice", "su root", 20 * S, "fail"), 0);
	assert_int_equal(vg_sigma_matcher_count(r.m), 1);
	m = find_match(&r, "many");
	assert_non_null(m);
	assert_string_equal(m->group, "User=alice");
	assert_int_equal(m->count, 3);
	assert_int_equal(m->first_ms, 0);
	assert_int_equal(m->last_ms, 20 * S);
	assert_int_equal(m->nevent_ids, 3);
	assert_int_equal(m->event_ids[0], 1);
	assert_int_equal(m->event_ids[1], 3);
	assert_int_equal(m->event_ids[2], 4);
	assert_int_equal(m->event_id, 4);
	assert_int_equal(vg_sigma_rule_info(m->rule)->level, VG_SIGMA_LEVEL_HIGH);
	/* The group started over. */
	assert_int_equal(feed(&r, "alice", "su root", 21 * S, "many"), 0);
	/* A sliding window: events older than the timespan no longer count. */
	assert_int_equal(feed(&r, "bob", "su root", 70 * S, "many"), 0);
	assert_int_equal(feed(&r, "bob", "su root", 80 * S, "many"), 0);
	assert_int_equal(feed(&r, "bob", "su root", 90 * S, "many"), 1);
	/* Other events do not count. */
	assert_int_equal(feed(&r, "alice", "ls", 22 * S, "many"), 0);
	assert_int_equal(feed(&r, "alice", "su x", 100 * S, "many"), 0);
	stop(&r);
}

static void generate(void **state)
{
	struct run r;

	(void)state;
	start(&r, BASE("fail", "su ") CORR("many", "    type: event_count\n    rules: [fail]\n    group-by: [User]\n"
						   "    timespan: 1m\n    generate: true\n    condition:\n        gte: 2\n"), NULL);
	assert_true(vg_sigma_rule_info(vg_sigma_set_find(r.set, "fail"))->reported);
	assert_int_equal(feed(&r, "alice", "su root", 0, "fail"), 1);
	assert_int_equal(feed(&r, "alice", "su root", S, "fail"), 1);
	assert_int_equal(vg_sigma_matcher_count(r.m), 2);
	stop(&r);
}

/* A disabled correlation counts nothing; the rules it alone counted are not evaluated. */
static void disabled(void **state)
{
	const char *yaml = BASE("fail", "su ") CORR("many", "    type: event_count\n    rules: [fail]\n"
						   "    timespan: 1m\n    condition:\n        gte: 1\n");
	struct vg_sigma_set *set;
	struct vg_sigma_matcher *m;
	struct vg_sigma_stats st;
	struct vg_error err;
	json_t *ev = sigma_json(PROC("'cmd_line':'su root'"));

	(void)state;
	assert_int_equal(vg_sigma_set_new(NULL, &set), 0);
	assert_int_equal(vg_sigma_set_disable(set, "many"), 0);
	assert_int_equal(vg_sigma_set_add_memory(set, yaml, strlen(yaml), "c.yml", &err), 2);
	assert_int_equal(vg_sigma_set_compile(set, &err), 0);
	assert_false(vg_sigma_rule_info(vg_sigma_set_find(set, "many"))->reported);
	assert_false(vg_sigma_rule_info(vg_sigma_set_find(set, "fail"))->reported);
	assert_int_equal(vg_sigma_set_sources(set), 0);
	assert_int_equal(vg_sigma_matcher_new(set, &m), 0);
	assert_int_equal(vg_sigma_matcher_eval_ocsf(m, ev, 1, 0), 0);
	vg_sigma_matcher_stats(m, &st);
	assert_int_equal(st.candidates, 0);
	assert_int_equal(st.corr_groups, 0);
	json_decref(ev);
	vg_sigma_matcher_free(m);
	vg_sigma_set_free(set);
}

static void value_count(void **state)
{
	struct run r;

	(void)state;
	start(&r, BASE("cmd", "curl") CORR("spread", "    type: value_count\n    rules: [cmd]\n    group-by: [User]\n"
						   "    timespan: 10m\n    condition:\n        field: CommandLine\n        gte: 3\n"), NULL);
	assert_int_equal(feed(&r, "alice", "curl a", 0, "spread"), 0);
	assert_int_equal(feed(&r, "alice", "curl a", S, "spread"), 0);
	assert_int_equal(feed(&r, "alice", "curl a", 2 * S, "spread"), 0);
	assert_int_equal(feed(&r, "alice", "curl b", 3 * S, "spread"), 0);
	assert_int_equal(feed(&r, "bob", "curl c", 4 * S, "spread"), 0);
	assert_int_equal(feed(&r, "alice", "curl c", 5 * S, "spread"), 1);
	assert_int_equal(find_match(&r, "spread")->count, 3);
	stop(&r);
}

static void temporal(void **state)
{
	struct run r;

	(void)state;
	start(&r, BASE("recon_a", "whoami") BASE("recon_b", "uname") CORR("recon", "    type: temporal\n"
		  "    rules: [recon_a, recon_b]\n    group-by: [User]\n    timespan: 1m\n"), NULL);
	/* Any order. */
	assert_int_equal(feed(&r, "alice", "uname -a", 0, "recon"), 0);
	assert_int_equal(feed(&r, "bob", "whoami", 10 * S, "recon"), 0);
	assert_int_equal(feed(&r, "alice", "whoami", 20 * S, "recon"), 1);
	assert_int_equal(find_match(&r, "recon")->count, 2);
	/* Too far apart. */
	assert_int_equal(feed(&r, "bob", "uname", 80 * S, "recon"), 0);
	assert_int_equal(feed(&r, "carol", "whoami", 100 * S, "recon"), 0);
	assert_int_equal(feed(&r, "carol", "whoami", 110 * S, "recon"), 0);
	assert_int_equal(feed(&r, "carol", "uname", 120 * S, "recon"), 1);
	stop(&r);
}

static void temporal_ordered(void **state)
{
	struct run r;

	(void)state;
	start(&r, BASE("dl", "curl") BASE("run", "chmod") CORR("dropper", "    type: temporal_ordered\n"
		  "    rules: [dl, run]\n    group-by: [User]\n    timespan: 5m\n"), NULL);
	/* In the wrong order: nothing. */
	assert_int_equal(feed(&r, "alice", "chmod +x a", 0, "dropper"), 0);
	assert_int_equal(feed(&r, "alice", "curl -o a", S, "dropper"), 0);
	/* Then in order (the curl above comes before this chmod). */
	assert_int_equal(feed(&r, "alice", "chmod +x a", 2 * S, "dropper"), 1);
	assert_int_equal(find_match(&r, "dropper")->nevent_ids, 3);
	assert_int_equal(feed(&r, "bob", "chmod +x a", 3 * S, "dropper"), 0);
	stop(&r);
}

/* An upper bound is decided when the window closes (at tick, or at the group's next event
 * past the window). */
static void closing_windows(void **state)
{
	struct run r;
	const struct vg_sigma_match *m;
	struct vg_sigma_stats st;

	(void)state;
	start(&r, BASE("beat", "heartbeat") CORR("quiet", "    type: event_count\n    rules: [beat]\n    group-by: [User]\n"
						     "    timespan: 1m\n    condition:\n        lt: 3\n"), NULL);
	assert_int_equal(feed(&r, "alice", "heartbeat", 0, "quiet"), 0);
	assert_int_equal(feed(&r, "alice", "heartbeat", 10 * S, "quiet"), 0);
	for (int i = 0; i < 5; i++)
		assert_int_equal(feed(&r, "bob", "heartbeat", (5 + i) * S, "quiet"), 0);
	assert_int_equal(vg_sigma_matcher_tick(r.m, 30 * S), 0);
	assert_int_equal(vg_sigma_matcher_tick(r.m, 70 * S), 1);
	m = vg_sigma_matcher_match(r.m, 0);
	assert_string_equal(m->group, "User=alice");
	assert_int_equal(m->count, 2);
	assert_int_equal(m->source, 0);
	/* Both windows closed: the groups are gone. */
	vg_sigma_matcher_stats(r.m, &st);
	assert_int_equal(st.corr_groups, 0);
	assert_int_equal(vg_sigma_matcher_tick(r.m, 200 * S), 0);
	/* The next event of a group past its window closes it too. */
	assert_int_equal(feed(&r, "carol", "heartbeat", 300 * S, "quiet"), 0);
	assert_int_equal(feed(&r, "carol", "heartbeat", 400 * S, "quiet"), 1);
	assert_int_equal(find_match(&r, "quiet")->count, 1);
	stop(&r);

	start(&r, BASE("beat", "heartbeat") CORR("exactly", "    type: event_count\n    rules: [beat]\n"
						     "    timespan: 1m\n    condition:\n        eq: 2\n"), NULL);
	assert_int_equal(feed(&r, "a", "heartbeat", 0, "exactly"), 0);
	assert_int_equal(feed(&r, "b", "heartbeat", S, "exactly"), 0);
	assert_int_equal(vg_sigma_matcher_tick(r.m, 60 * S), 1);
	/* Without group-by there is one group, named by nothing. */
	assert_string_equal(vg_sigma_matcher_match(r.m, 0)->group, "");
	stop(&r);
}

/* The specification's example: failed logins, then a success of the same user. */
static void chained(void **state)
{
	struct run r;
	const char *yaml = CORR("Failed then success", "    type: temporal_ordered\n    rules:\n        - multiple_failed\n"
				"        - success\n    group-by:\n        - User\n    timespan: 10m\n") "---\n"
			   "title: Multiple failed\nid: mf\nname: multiple_failed\ncorrelation:\n    type: event_count\n"
			   "    rules:\n        - failed\n    group-by:\n        - User\n    timespan: 10m\n"
			   "    condition:\n        gte: 3\n---\n" BASE("failed", "login failed") BASE("success", "login ok");

	(void)state;
	start(&r, yaml, NULL);
	assert_false(vg_sigma_rule_info(vg_sigma_set_find(r.set, "mf"))->reported);
	assert_int_equal(feed(&r, "alice", "login ok", 0, "Failed then success"), 0);
	for (int i = 1; i <= 3; i++)
		assert_int_equal(feed(&r, "alice", "login failed", i * S, "Failed then success"), 0);
	assert_int_equal(feed(&r, "bob", "login ok", 5 * S, "Failed then success"), 0);
	assert_int_equal(feed(&r, "alice", "login ok", 6 * S, "Failed then success"), 1);
	/* Only the outermost correlation is reported. */
	assert_int_equal(vg_sigma_matcher_count(r.m), 1);
	stop(&r);
}

/* Aliases: one group-by name, a different field per rule. */
static void aliases(void **state)
{
	struct run r;
	const char *yaml = "title: proc\nname: proc\nlogsource:\n    category: process_creation\ndetection:\n"
			   "    sel:\n        CommandLine|startswith: 'nc '\n    condition: sel\n---\n"
			   "title: net\nname: net\nlogsource:\n    category: network_connection\ndetection:\n"
			   "    sel:\n        DestinationPort: 4444\n    condition: sel\n---\n"
			   "title: shell\ncorrelation:\n    type: temporal\n    rules: [proc, net]\n    group-by: [who]\n"
			   "    timespan: 1m\n    aliases:\n        who:\n            proc: User\n            net: Image\n";
	json_t *net;

	(void)state;
	start(&r, yaml, NULL);
	assert_int_equal(vg_sigma_rule_info(vg_sigma_set_find(r.set, "proc"))->sources, VG_SIGMA_SRC_PROCESS_CREATION);
	assert_int_equal(feed(&r, "/usr/bin/nc", "nc -l 4444", 0, "shell"), 0);
	net = sigma_json(NETEV("'actor':{'process':{'file':{'path':'/usr/bin/nc'}}},'dst_endpoint':{'port':4444}"));
	assert_int_equal(vg_sigma_matcher_eval_ocsf(r.m, net, 9, S), 1);
	assert_string_equal(vg_sigma_rule_info(vg_sigma_matcher_match(r.m, 0)->rule)->title, "shell");
	assert_string_equal(vg_sigma_matcher_match(r.m, 0)->group, "who=/usr/bin/nc");
	assert_int_equal(vg_sigma_matcher_match(r.m, 0)->source, VG_SIGMA_SRC_NETWORK_CONNECTION);
	json_decref(net);
	stop(&r);
}

/* Memory is bounded: past the caps the oldest goes, and it is counted. */
static void bounded(void **state)
{
	struct run r;
	struct vg_sigma_limits lim;
	struct vg_sigma_stats st;
	char user[16];

	(void)state;
	vg_sigma_limits_init(&lim);
	lim.corr_max_groups = 2;
	lim.corr_max_events = 4;
	lim.corr_max_evidence = 2;
	start(&r, BASE("fail", "su ") CORR("many", "    type: event_count\n    rules: [fail]\n    group-by: [User]\n"
						   "    timespan: 1h\n    condition:\n        gte: 3\n"), &lim);
	for (int i = 0; i < 10; i++) {
		snprintf(user, sizeof(user), "u%d", i);
		assert_int_equal(feed(&r, user, "su root", i * S, "many"), 0);
	}
	vg_sigma_matcher_stats(r.m, &st);
	assert_int_equal(st.corr_groups, 2);
	assert_int_equal(st.corr_groups_evicted, 8);
	/* u0 was evicted: it starts over. */
	assert_int_equal(feed(&r, "u0", "su root", 20 * S, "many"), 0);
	assert_int_equal(feed(&r, "u0", "su root", 21 * S, "many"), 0);
	assert_int_equal(feed(&r, "u0", "su root", 22 * S, "many"), 1);
	assert_int_equal(find_match(&r, "many")->nevent_ids, 2);
	assert_int_equal(find_match(&r, "many")->event_ids[1], r.id);
	stop(&r);

	/* A closing window counts every event even past the ring it keeps. */
	start(&r, BASE("beat", "heartbeat") CORR("few", "    type: event_count\n    rules: [beat]\n    timespan: 1m\n"
						     "    condition:\n        lte: 4\n"), &lim);
	for (int i = 0; i < 6; i++)
		assert_int_equal(feed(&r, "a", "heartbeat", i * S, "few"), 0);
	vg_sigma_matcher_stats(r.m, &st);
	assert_int_equal(st.corr_events_evicted, 2);
	assert_int_equal(vg_sigma_matcher_tick(r.m, 120 * S), 0);
	stop(&r);

	/* A count above what a group keeps is refused when loading. */
	char buf[1024];
	struct vg_sigma_set *set = sigma_set_lim(BASE("beat", "x") CORR("big", "    type: event_count\n    rules: [beat]\n"
						  "    timespan: 1m\n    condition:\n        gte: 5\n"), &lim);

	assert_int_equal(vg_sigma_set_reject_count(set), 1);
	snprintf(buf, sizeof(buf), "%s", vg_sigma_set_reject(set, 0)->error.message);
	assert_non_null(strstr(buf, "above the 4 events a group keeps"));
	vg_sigma_set_free(set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(event_count),
		cmocka_unit_test(generate),
		cmocka_unit_test(disabled),
		cmocka_unit_test(value_count),
		cmocka_unit_test(temporal),
		cmocka_unit_test(temporal_ordered),
		cmocka_unit_test(closing_windows),
		cmocka_unit_test(chained),
		cmocka_unit_test(aliases),
		cmocka_unit_test(bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
