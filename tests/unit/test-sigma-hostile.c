/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Hostile rules and events: each is refused (or bounded) with its reason, quickly, and the
 * set stays usable.  "Quickly" is checked in CPU time with a wide margin: the point is that
 * nothing grows with the attacker's input, not a timing goal (those are in bench/).
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cmocka.h>

#include "sigma-test.h"

#define CPU_BOUND 10.0   /* seconds of CPU, far above what any case takes */

static double cpu(void)
{
	return (double)clock() / CLOCKS_PER_SEC;
}

/* Loads text (len bytes) and returns the first reject's message in buf ("" if none). */
static int load(const char *text, size_t len, char *buf, size_t size, const struct vg_sigma_limits *lim)
{
	struct vg_sigma_set *set;
	struct vg_error err;
	double t0 = cpu();
	int r;

	vg_error_clear(&err);
	assert_int_equal(vg_sigma_set_new(lim, &set), 0);
	r = vg_sigma_set_add_memory(set, text, len, "hostile.yml", &err);
	assert_int_equal(vg_sigma_set_compile(set, &err), 0);
	snprintf(buf, size, "%s", vg_sigma_set_reject_count(set) ? vg_sigma_set_reject(set, 0)->error.message : "");
	vg_sigma_set_free(set);
	assert_true(cpu() - t0 < CPU_BOUND);
	return r;
}

static char *repeat(const char *head, const char *unit, size_t times, const char *tail)
{
	size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
	char *s = malloc(hl + ul * times + tl + 1);

	assert_non_null(s);
	memcpy(s, head, hl);
	for (size_t i = 0; i < times; i++)
		memcpy(s + hl + i * ul, unit, ul);
	memcpy(s + hl + ul * times, tail, tl + 1);
	return s;
}

/* Loads text (then frees it): the load returns rc and the first reject says why. */
static void refused(char *text, int rc, const char *why)
{
	char buf[1024];

	assert_int_equal(load(text, strlen(text), buf, sizeof(buf), NULL), rc);
	if (!strstr(buf, why))
		fail_msg("expected \"%s\" in \"%s\"", why, buf);
	free(text);
}

/* A rule refused although the set has values for its placeholder. */
static void refused_with_placeholder(char *rule, const char *name, const char *const *vals, size_t n, const char *why)
{
	struct vg_sigma_set *set;
	struct vg_error err;

	assert_int_equal(vg_sigma_set_new(NULL, &set), 0);
	assert_int_equal(vg_sigma_set_placeholder(set, name, vals, n), 0);
	assert_int_equal(vg_sigma_set_add_memory(set, rule, strlen(rule), "hostile.yml", &err), 0);
	assert_int_equal(vg_sigma_set_compile(set, &err), 0);
	assert_non_null(strstr(vg_sigma_set_reject(set, 0)->error.message, why));
	vg_sigma_set_free(set);
	free(rule);
}

static void huge_file(void **state)
{
	char buf[1024];
	char *s = repeat("title: ", "x", 2u << 20, "\n");

	(void)state;
	assert_int_equal(load(s, strlen(s), buf, sizeof(buf), NULL), -EFBIG);
	assert_non_null(strstr(buf, "hostile.yml is larger than the limit of 1048576 bytes"));
	free(s);
}

static void deep_nesting(void **state)
{
	char buf[1024];
	char *flow = repeat("title: ", "[", 500000, "\n");

	(void)state;
	assert_int_equal(load(flow, strlen(flow), buf, sizeof(buf), NULL), -EINVAL);
	assert_non_null(strstr(buf, "collections are nested deeper than 32"));
	free(flow);
	/* Block style: each level one more indentation. */
	size_t n = 0;
	char *deep = malloc(200 * 210);

	assert_non_null(deep);
	for (int i = 0; i < 200; i++)
		n += (size_t)sprintf(deep + n, "%*sk%d:\n", i, "", i);
	assert_int_equal(load(deep, n, buf, sizeof(buf), NULL), -EINVAL);
	assert_non_null(strstr(buf, "nested deeper than 32"));
	free(deep);
}

/* The billion laughs: aliases of aliases.  Refused at the first alias, before any expansion. */
static void billion_laughs(void **state)
{
	const char *lol = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
			  "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
			  "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
			  "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
			  "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\ni: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n";
	char buf[1024];

	(void)state;
	assert_int_equal(load(lol, strlen(lol), buf, sizeof(buf), NULL), -EINVAL);
	assert_non_null(strstr(buf, "hostile.yml:2:8: YAML aliases (*a) are not allowed"));
}

static void long_string_and_nodes(void **state)
{
	char buf[1024];
	char *s = repeat("title: ", "y", 70000, "\n");
	char *nodes = repeat("title: [", "1,", 200000, "1]\n");
	char *docs = repeat("", "---\na: 1\n", 2000, "");

	(void)state;
	assert_int_equal(load(s, strlen(s), buf, sizeof(buf), NULL), -EINVAL);
	assert_non_null(strstr(buf, "hostile.yml:1:8: a value is longer than 65536 bytes"));
	assert_int_equal(load(nodes, strlen(nodes), buf, sizeof(buf), NULL), -EINVAL);
	assert_non_null(strstr(buf, "the file has more than 100000 YAML nodes"));
	assert_int_equal(load(docs, strlen(docs), buf, sizeof(buf), NULL), -EINVAL);
	assert_non_null(strstr(buf, "the file has more than 1024 documents"));
	free(s);
	free(nodes);
	free(docs);
}

/* Many keys in one map: the duplicate check does not grow with the square of their number. */
static void many_keys(void **state)
{
	size_t n = 0;
	char *s = malloc(60000 * 16);
	char buf[1024];

	(void)state;
	assert_non_null(s);
	for (int i = 0; i < 45000; i++)
		n += (size_t)sprintf(s + n, "k%d: 1\n", i);
	assert_int_equal(load(s, n, buf, sizeof(buf), NULL), 0);
	assert_non_null(strstr(buf, "the rule has no title"));
	n += (size_t)sprintf(s + n, "k17: 2\n");
	assert_int_equal(load(s, n, buf, sizeof(buf), NULL), -EINVAL);
	assert_non_null(strstr(buf, "duplicate key 'k17'"));
	free(s);
}

static void bad_bytes(void **state)
{
	const char junk[] = "title: \xff\xfe\x00\x01 t\n";
	const char nul[] = "title: \"a\\0b\"\n";
	char buf[1024];

	(void)state;
	assert_int_equal(load(junk, sizeof(junk) - 1, buf, sizeof(buf), NULL), -EINVAL);
	assert_non_null(strstr(buf, "YAML syntax error"));
	assert_int_equal(load(nul, strlen(nul), buf, sizeof(buf), NULL), -EINVAL);
	assert_non_null(strstr(buf, "a value holds a NUL character"));
}

static void expansions(void **state)
{
	const char *vals[100];
	char names[100][8];
	const char *one[] = { "x" };

	(void)state;
	for (int i = 0; i < 100; i++) {
		snprintf(names[i], sizeof(names[i]), "v%d", i);
		vals[i] = names[i];
	}
	refused_with_placeholder(strdup(PC("    sel:\n        CommandLine|expand: '%a%%a%%a%'\n    condition: sel\n")), "a",
				 vals, 100, "expands into more than 4096 values");
	refused(repeat(PC("    sel:\n        CommandLine|windash: 'x"), " -a", 40, "'\n    condition: sel\n"), 0,
		"expands into more than 4096 values");
	/* Many placeholders of one value each: refused before anything is built for them. */
	refused_with_placeholder(repeat(PC("    sel:\n        CommandLine|expand: '"), "%one%", 12000, "'\n    condition: sel\n"),
				 "one", one, 1, "more than 16 placeholders");
}

static void deep_conditions(void **state)
{
	char buf[1024];
	char *wide = repeat(PC("    sel:\n        Image: x\n    condition: sel"), " or sel", 8000, "\n");

	(void)state;
	refused(repeat(PC("    sel:\n        Image: x\n    condition: "), "(", 5000, "sel\n"), 0,
		"the condition is nested deeper than 64");
	refused(repeat(PC("    sel:\n        Image: x\n    condition: "), "not ", 5000, "sel\n"), 0,
		"the condition is nested deeper than 64");
	/* Long but flat: accepted. */
	assert_int_equal(load(wide, strlen(wide), buf, sizeof(buf), NULL), 1);
	free(wide);
}

static void hostile_regexes(void **state)
{
	(void)state;
	refused(repeat(PC("    sel:\n        CommandLine|re: '"), "a", 5000, "'\n    condition: sel\n"), 0,
		"a regular expression is longer than 4096 bytes");
	refused(repeat(PC("    sel:\n        CommandLine|re: '"), "(", 300, "a'\n    condition: sel\n"), 0,
		"bad regular expression");
}

/* A catastrophic pattern stops at the match limit: no match, counted. */
static void catastrophic_backtracking(void **state)
{
	struct vg_sigma_set *set = sigma_set(PC("    sel:\n        CommandLine|re: '^(a+)+$'\n    condition: sel\n"));
	struct vg_sigma_matcher *m;
	struct vg_sigma_stats st;
	char *cmd = repeat("{\"class_uid\":1007,\"activity_id\":1,\"process\":{\"cmd_line\":\"", "a", 5000, "b\"}}");
	json_t *ev = json_loads(cmd, 0, NULL);
	double t0 = cpu();

	(void)state;
	assert_non_null(set);
	assert_non_null(ev);
	assert_int_equal(vg_sigma_matcher_new(set, &m), 0);
	for (int i = 0; i < 20; i++)
		assert_int_equal(vg_sigma_matcher_eval_ocsf(m, ev, 1, 0), 0);
	vg_sigma_matcher_stats(m, &st);
	assert_int_equal(st.regex_limits, 20);
	assert_true(cpu() - t0 < CPU_BOUND);
	vg_sigma_matcher_free(m);
	vg_sigma_set_free(set);
	json_decref(ev);
	free(cmd);
}

/* An event larger than max_event_bytes: the rest of its values are ignored and counted. */
static void huge_event(void **state)
{
	struct vg_sigma_set *set = sigma_set(PC("    sel:\n        CommandLine|contains: 'needle'\n    condition: sel\n"));
	struct vg_sigma_matcher *m;
	struct vg_sigma_stats st;
	char *big = repeat("{\"class_uid\":1007,\"activity_id\":1,\"process\":{\"cmd_line\":\"", "x", 2u << 20, "needle\"}}");
	json_t *ev = json_loads(big, 0, NULL);

	(void)state;
	assert_non_null(ev);
	assert_int_equal(vg_sigma_matcher_new(set, &m), 0);
	assert_int_equal(vg_sigma_matcher_eval_ocsf(m, ev, 1, 0), 0);
	vg_sigma_matcher_stats(m, &st);
	assert_true(st.values_truncated >= 1);
	/* The next event is read whole again. */
	json_decref(ev);
	ev = sigma_json(PROC("'cmd_line':'a needle'"));
	assert_int_equal(vg_sigma_matcher_eval_ocsf(m, ev, 2, 0), 1);
	json_decref(ev);
	vg_sigma_matcher_free(m);
	vg_sigma_set_free(set);
	free(big);
}

/* More rules than the set takes: the rest are refused and counted, the set works. */
static void too_many_rules(void **state)
{
	struct vg_sigma_limits lim;
	struct vg_sigma_set *set;
	struct vg_error err;
	char *many = repeat("", "---\ntitle: r\nlogsource:\n    category: process_creation\ndetection:\n"
			    "    sel:\n        Image: x\n    condition: sel\n", 20, "");

	(void)state;
	vg_sigma_limits_init(&lim);
	lim.max_rules = 5;
	assert_int_equal(vg_sigma_set_new(&lim, &set), 0);
	assert_int_equal(vg_sigma_set_add_memory(set, many, strlen(many), "many.yml", &err), 5);
	assert_int_equal(vg_sigma_set_compile(set, &err), 0);
	assert_int_equal(vg_sigma_set_reject_total(set), 15);
	assert_non_null(strstr(vg_sigma_set_reject(set, 0)->error.message, "the set already holds 5 rules"));
	assert_int_equal(sigma_count(set, PROC("'file':{'path':'x'}")), 5);
	vg_sigma_set_free(set);
	free(many);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(huge_file),
		cmocka_unit_test(deep_nesting),
		cmocka_unit_test(billion_laughs),
		cmocka_unit_test(long_string_and_nodes),
		cmocka_unit_test(many_keys),
		cmocka_unit_test(bad_bytes),
		cmocka_unit_test(expansions),
		cmocka_unit_test(deep_conditions),
		cmocka_unit_test(hostile_regexes),
		cmocka_unit_test(catastrophic_backtracking),
		cmocka_unit_test(huge_event),
		cmocka_unit_test(too_many_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
