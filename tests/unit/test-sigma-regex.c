/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Regular expressions evaluated elsewhere (vg_sigma_set_regex): the rule checked and matched
 * through the evaluator only, with the same answers as the matcher's own PCRE2, its failures a
 * refused rule or a false test; and vg_sigma_regex_local, what the sandbox runs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "sigma-test.h"

#define P(cmd) PROC("'cmd_line':'" cmd "','file':{'path':'/x'},'user':{'name':'root'}")

/* An evaluator that runs vg_sigma_regex_local and records how it was called; fail_check and
 * fail_match make it answer that code instead. */
struct calls {
	unsigned checks, matches;
	uint32_t last_flags;
	int fail_check, fail_match;
};

static int recorded(void *data, const char *pattern, size_t plen, uint32_t flags, uint32_t ml, uint32_t dl,
		    const char *value, size_t len)
{
	struct calls *c = data;

	c->last_flags = flags;
	if (!value) {
		c->checks++;
		if (c->fail_check)
			return c->fail_check;
	} else {
		c->matches++;
		if (c->fail_match)
			return c->fail_match;
	}
	return vg_sigma_regex_local(NULL, pattern, plen, flags, ml, dl, value, len);
}

/* The set of yaml with its regular expressions handed to calls (NULL when it does not compile). */
static struct vg_sigma_set *external_set(const char *yaml, struct calls *c)
{
	struct vg_sigma_regex rx = { .match = recorded, .data = c };

	return sigma_set_regex(yaml, NULL, &rx);
}

static void same_answers(void **state)
{
	static const struct {
		const char *rule, *event;
	} cases[] = {
		{ PC("    sel:\n        CommandLine|re: '-D'\n    condition: sel\n"), P("ssh -D 8080") },
		{ PC("    sel:\n        CommandLine|re: '-D'\n    condition: sel\n"), P("ssh -d 8080") },
		{ PC("    sel:\n        CommandLine|re|i: '-D'\n    condition: sel\n"), P("ssh -d 8080") },
		{ PC("    sel:\n        CommandLine|re: '(?i)/lib/python3\\.([5-9]|[0-9]{2})/'\n    condition: sel\n"),
		  P("/LIB/python3.11/x") },
		{ PC("    sel:\n        CommandLine|re: '[^/]{10,}$'\n    condition: sel\n"), P("/a/bcdefghijkl") },
		{ PC("    sel:\n        CommandLine|re: '[^/]{10,}$'\n    condition: sel\n"), P("/abcdefghijkl/m") },
		{ PC("    sel:\n        CommandLine|re|m: '^second$'\n    condition: sel\n"), P("first\\nsecond\\nthird") },
		{ PC("    sel:\n        CommandLine|re: '^second$'\n    condition: sel\n"), P("first\\nsecond\\nthird") },
		{ PC("    sel:\n        CommandLine|re|s: 'first.second'\n    condition: sel\n"), P("first\\nsecond") },
		{ PC("    sel:\n        CommandLine|re: 'first.second'\n    condition: sel\n"), P("first\\nsecond") },
		{ PC("    sel:\n        CommandLine|re: '\\x{e9}t\\x{e9}'\n    condition: sel\n"), P("l \\u00e9t\\u00e9") },
		{ PC("    sel:\n        CommandLine|re: 'caf.'\n    condition: sel\n"), P("caf\\u00e9") },
	};
	unsigned hits = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct calls c = { 0 };
		struct vg_sigma_set *here = sigma_set(cases[i].rule), *there = external_set(cases[i].rule, &c);
		int a, b;

		assert_non_null(here);
		assert_non_null(there);
		assert_int_equal(vg_sigma_set_rule_count(there), 1);
		a = sigma_count(here, cases[i].event);
		b = sigma_count(there, cases[i].event);
		if (a != b)
			fail_msg("case %zu: %d match(es) here, %d through the evaluator", i, a, b);
		hits += a > 0;
		assert_int_equal(c.checks, 1);
		assert_int_equal(c.matches, 1);
		vg_sigma_set_free(here);
		vg_sigma_set_free(there);
	}
	/* Both answers occur: the comparison is not between two constant functions. */
	assert_true(hits > 0 && hits < sizeof(cases) / sizeof(cases[0]));
}

/* A group repeated over a long value: PCRE2's JIT (the matcher) ignores the depth limit, the
 * interpreter (the sandbox) would stop at it. */
static void long_values(void **state)
{
	const char *rule = PC("    sel:\n        CommandLine|re: '^(?:\\w|-)+='\n    condition: sel\n");
	char value[700], event[900];
	struct calls c = { 0 };
	struct vg_sigma_set *here = sigma_set(rule), *there = external_set(rule, &c);

	(void)state;
	memset(value, 'a', 600);
	memcpy(value + 600, "=b", 3);
	snprintf(event, sizeof(event), P("%s"), value);
	assert_non_null(here);
	assert_non_null(there);
	assert_int_equal(sigma_count(here, event), 1);
	assert_int_equal(sigma_count(there, event), 1);
	vg_sigma_set_free(here);
	vg_sigma_set_free(there);
}

static void options_handed_over(void **state)
{
	struct calls c = { 0 };
	struct vg_sigma_set *set = external_set(PC("    sel:\n        CommandLine|re|i|m|s: 'a.b'\n    condition: sel\n"), &c);

	(void)state;
	assert_non_null(set);
	assert_int_equal(c.last_flags, PCRE2_CASELESS | PCRE2_MULTILINE | PCRE2_DOTALL);
	vg_sigma_set_free(set);
	set = external_set(PC("    sel:\n        CommandLine|re: 'a.b'\n    condition: sel\n"), &c);
	assert_int_equal(c.last_flags, 0);
	vg_sigma_set_free(set);
}

static void failures(void **state)
{
	struct calls c = { .fail_check = -EINVAL };
	const char *rule = PC("    sel:\n        CommandLine|re: 'fine'\n    condition: sel\n");
	struct vg_sigma_set *set = external_set(rule, &c);
	struct vg_sigma_matcher *m = NULL;
	struct vg_sigma_stats st;

	(void)state;
	/* The evaluator calls it broken: refused, saying where it was checked. */
	assert_non_null(set);
	assert_int_equal(vg_sigma_set_rule_count(set), 0);
	assert_non_null(strstr(vg_sigma_set_reject(set, 0)->error.message,
				"bad regular expression 'fine': it does not compile (checked in the parser sandbox)"));
	vg_sigma_set_free(set);
	/* It cannot tell now: refused too, saying so. */
	c = (struct calls){ .fail_check = -EPIPE };
	set = external_set(rule, &c);
	assert_int_equal(vg_sigma_set_rule_count(set), 0);
	assert_non_null(strstr(vg_sigma_set_reject(set, 0)->error.message, "cannot be checked now"));
	vg_sigma_set_free(set);
	/* It cannot answer a match: the test is false, counted. */
	c = (struct calls){ .fail_match = -EPIPE };
	set = external_set(rule, &c);
	assert_int_equal(vg_sigma_set_rule_count(set), 1);
	assert_int_equal(vg_sigma_matcher_new(set, &m), 0);
	json_t *ev = sigma_json(P("fine"));
	assert_int_equal(vg_sigma_matcher_eval_ocsf(m, ev, 1, 1000), 0);
	vg_sigma_matcher_stats(m, &st);
	assert_int_equal(st.regex_limits, 1);
	c.fail_match = 0;
	assert_int_equal(vg_sigma_matcher_eval_ocsf(m, ev, 2, 1000), 1);
	json_decref(ev);
	vg_sigma_matcher_free(m);
	/* Rules are added with the evaluator of the moment; none once compiled. */
	assert_int_equal(vg_sigma_set_regex(set, NULL), -EINVAL);
	vg_sigma_set_free(set);
}

static void local(void **state)
{
	const char *bomb = "(a+)+$";
	char many[64];

	(void)state;
	memset(many, 'a', sizeof(many) - 2);
	many[sizeof(many) - 2] = 'b';
	many[sizeof(many) - 1] = '\0';
	assert_int_equal(vg_sigma_regex_local(NULL, "x+", 2, 0, 100000, 1000, NULL, 0), 0);
	assert_int_equal(vg_sigma_regex_local(NULL, "(x", 2, 0, 100000, 1000, NULL, 0), -EINVAL);
	/* Only the i, m and s options. */
	assert_int_equal(vg_sigma_regex_local(NULL, "x", 1, PCRE2_EXTENDED, 100000, 1000, NULL, 0), -EINVAL);
	assert_int_equal(vg_sigma_regex_local(NULL, "X", 1, PCRE2_CASELESS, 100000, 1000, "axb", 3), 1);
	assert_int_equal(vg_sigma_regex_local(NULL, "X", 1, 0, 100000, 1000, "axb", 3), 0);
	/* Bytes that are not UTF-8 are matched, not refused; a NUL is a byte like another. */
	assert_int_equal(vg_sigma_regex_local(NULL, "b", 1, 0, 100000, 1000, "\xff\0b", 3), 1);
	/* A limit reached: neither a match nor a no-match. */
	assert_int_equal(vg_sigma_regex_local(NULL, bomb, strlen(bomb), 0, 1000, 1000, many, strlen(many)), -ERANGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_answers),
		cmocka_unit_test(long_values),
		cmocka_unit_test(options_handed_over),
		cmocka_unit_test(failures),
		cmocka_unit_test(local),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
