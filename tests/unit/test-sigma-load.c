/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Loading Sigma rules: YAML errors with file, line and column; one rule per document and
 * multi-document files; rule collections (action: global, reset, repeat); rules refused whole
 * while the others load; duplicates; metadata; directories; the set's API.
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "sigma-test.h"

#define RULE(title, id, det) "title: " title "\nid: " id "\nlogsource:\n    product: linux\n    category: process_creation\ndetection:\n" det
#define SEL(v) "    sel:\n        CommandLine|contains: '" v "'\n    condition: sel\n"

static struct vg_sigma_set *load(const char *yaml, int expect_added)
{
	struct vg_sigma_set *set;
	struct vg_error err;

	vg_error_clear(&err);
	assert_int_equal(vg_sigma_set_new(NULL, &set), 0);
	assert_int_equal(vg_sigma_set_add_memory(set, yaml, strlen(yaml), "rules.yml", &err), expect_added);
	assert_int_equal(vg_sigma_set_compile(set, &err), 0);
	return set;
}

static const char *reject_msg(const struct vg_sigma_set *set, size_t i)
{
	const struct vg_sigma_reject *rj = vg_sigma_set_reject(set, i);

	assert_non_null(rj);
	return rj->error.message;
}

static void yaml_errors(void **state)
{
	struct vg_sigma_set *set;
	const struct vg_sigma_reject *rj;

	(void)state;
	/* A syntax error refuses the whole input, with where it stopped. */
	set = load("title: a\nlogsource: [unclosed\n", -EINVAL);
	assert_int_equal(vg_sigma_set_reject_count(set), 1);
	rj = vg_sigma_set_reject(set, 0);
	assert_string_equal(rj->file, "rules.yml");
	assert_true(rj->line >= 2);
	assert_non_null(strstr(rj->error.message, "YAML syntax error"));
	assert_true(strncmp(rj->error.message, "rules.yml:", 10) == 0);
	vg_sigma_set_free(set);

	/* A duplicate key is refused with its own position. */
	set = load(RULE("a", "x1", SEL("a")) "level: high\nlevel: low\n", -EINVAL);
	assert_non_null(strstr(reject_msg(set, 0), "rules.yml:11:1: duplicate key 'level'"));
	vg_sigma_set_free(set);

	/* Aliases are refused. */
	set = load("title: &t a\nid: x\ndescription: *t\n", -EINVAL);
	assert_non_null(strstr(reject_msg(set, 0), "rules.yml:3:14: YAML aliases (*t) are not allowed"));
	vg_sigma_set_free(set);
}

/* A rule that fails is refused whole, with its place and id; the others load. */
static void one_bad_rule(void **state)
{
	const char *yaml = RULE("good one", "g1", SEL("good")) "---\n" RULE("bad one", "b1",
		"    sel:\n        CommandLine|contains: 'x'\n        Image|nonsense: 'y'\n    condition: sel\n")
		"---\n" RULE("good two", "g2", SEL("two"));
	struct vg_sigma_set *set = load(yaml, 2);
	const struct vg_sigma_reject *rj;

	(void)state;
	assert_int_equal(vg_sigma_set_rule_count(set), 2);
	assert_int_equal(vg_sigma_set_reject_count(set), 1);
	rj = vg_sigma_set_reject(set, 0);
	assert_string_equal(rj->id, "b1");
	assert_string_equal(rj->title, "bad one");
	assert_int_equal(rj->line, 19);
	assert_int_equal(rj->column, 9);
	assert_string_equal(rj->source_name, "process_creation");
	assert_false(rj->unsupported_source);
	assert_string_equal(rj->error.message, "rules.yml:19:9: unknown modifier 'nonsense' in 'Image|nonsense'");
	/* The message can be translated: its id and arguments. */
	assert_string_equal(rj->error.msgid, "unknown modifier '%s' in '%s'");
	assert_string_equal(rj->error.args[0], "nonsense");
	assert_string_equal(vg_sigma_rule_info(vg_sigma_set_rule(set, 1))->title, "good two");
	assert_int_equal(vg_sigma_rule_info(vg_sigma_set_rule(set, 1))->line, 22);
	/* The refused rule is nowhere to be found; nothing matches through it. */
	assert_null(vg_sigma_set_find(set, "b1"));
	assert_int_equal(sigma_count(set, PROC("'cmd_line':'x','file':{'path':'y'}")), 0);
	assert_int_equal(sigma_count(set, PROC("'cmd_line':'good two'")), 2);
	vg_sigma_set_free(set);
}

static void unsupported_logsources(void **state)
{
	const char *yaml = "title: syslog\nlogsource:\n    product: linux\n    service: syslog\ndetection:\n"
			   "    keywords:\n        - 'x'\n    condition: keywords\n---\n"
			   "title: windows\nlogsource:\n    product: windows\n    category: process_creation\ndetection:\n"
			   "    sel:\n        Image: x\n    condition: sel\n";
	struct vg_sigma_set *set = load(yaml, 0);

	(void)state;
	assert_int_equal(vg_sigma_set_reject_count(set), 2);
	assert_true(vg_sigma_set_reject(set, 0)->unsupported_source);
	assert_string_equal(vg_sigma_set_reject(set, 0)->source_name, "syslog");
	assert_non_null(strstr(reject_msg(set, 0), "the agent has no events of the log source 'product: linux, service: syslog'"));
	assert_non_null(strstr(reject_msg(set, 1), "'product: windows, category: process_creation'"));
	vg_sigma_set_free(set);
}

static void metadata_checks(void **state)
{
	char buf[1024];

	(void)state;
	assert_non_null(strstr(sigma_reject("logsource:\n    category: process_creation\ndetection:\n" SEL("x"), buf,
					    sizeof(buf)), "the rule has no title"));
	assert_non_null(strstr(sigma_reject("title: t\nstatus: unsupported\nlogsource:\n    category: process_creation\n"
					    "detection:\n" SEL("x"), buf, sizeof(buf)), "status is 'unsupported'"));
	assert_non_null(strstr(sigma_reject("title: t\nstatus: shiny\nlogsource:\n    category: process_creation\n"
					    "detection:\n" SEL("x"), buf, sizeof(buf)), "unknown status 'shiny'"));
	assert_non_null(strstr(sigma_reject("title: t\nlevel: severe\nlogsource:\n    category: process_creation\n"
					    "detection:\n" SEL("x"), buf, sizeof(buf)), "unknown level 'severe'"));
	assert_non_null(strstr(sigma_reject("title: t\ndetection:\n" SEL("x"), buf, sizeof(buf)), "no logsource"));
	assert_non_null(strstr(sigma_reject("title: t\nlogsource:\n    category: process_creation\n", buf, sizeof(buf)),
			       "no detection"));
	assert_non_null(strstr(sigma_reject("- a\n- b\n", buf, sizeof(buf)), "a rule must be a map"));
	assert_non_null(strstr(sigma_reject("title: t\nlogsource:\n    category: process_creation\nfilter:\n    rules: [x]\n",
					    buf, sizeof(buf)), "Sigma filters are not supported"));
	assert_non_null(strstr(sigma_reject("title: t\ntags: {a: b}\nlogsource:\n    category: process_creation\ndetection:\n"
					    SEL("x"), buf, sizeof(buf)), "'tags' must be a list of texts"));
	/* Unknown top-level keys are the rule's own business. */
	assert_string_equal(sigma_reject("title: t\ncustom: {a: [1, 2]}\nlogsource:\n    category: process_creation\n"
					 "detection:\n" SEL("x"), buf, sizeof(buf)), "");
}

static void duplicates(void **state)
{
	const char *yaml = RULE("one", "same-id", SEL("a")) "---\n" RULE("two", "same-id", SEL("b")) "---\n"
			   "name: n1\n" RULE("three", "id3", SEL("c")) "---\nname: n1\n" RULE("four", "id4", SEL("d"));
	struct vg_sigma_set *set = load(yaml, 2);

	(void)state;
	assert_int_equal(vg_sigma_set_reject_count(set), 2);
	assert_non_null(strstr(reject_msg(set, 0), "the id same-id is already used by the rule at rules.yml:1"));
	assert_non_null(strstr(reject_msg(set, 1), "the name n1 is already used by the rule at rules.yml:21"));
	assert_non_null(vg_sigma_set_find(set, "same-id"));
	assert_string_equal(vg_sigma_rule_info(vg_sigma_set_find(set, "n1"))->title, "three");
	vg_sigma_set_free(set);
}

/* Sigma 1 collections: a global document merged into the next ones, reset, repeat. */
static void collections(void **state)
{
	const char *yaml = "action: global\ntitle: Global title\nlevel: high\nlogsource:\n    product: linux\n"
			   "    category: process_creation\ndetection:\n    condition: sel\n---\n"
			   "id: c1\ndetection:\n    sel:\n        CommandLine|contains: 'one'\n---\n"
			   "action: repeat\nid: c2\ntitle: Second\ndetection:\n    sel:\n        CommandLine|contains: 'two'\n---\n"
			   "action: reset\n---\n"
			   "id: c3\ntitle: Alone\nlogsource:\n    category: process_creation\ndetection:\n    sel:\n"
			   "        CommandLine|contains: 'three'\n    condition: sel\n";
	struct vg_sigma_set *set = load(yaml, 3);
	const struct vg_sigma_rule_info *in;

	(void)state;
	in = vg_sigma_rule_info(vg_sigma_set_find(set, "c1"));
	assert_string_equal(in->title, "Global title");
	assert_int_equal(in->level, VG_SIGMA_LEVEL_HIGH);
	in = vg_sigma_rule_info(vg_sigma_set_find(set, "c2"));
	assert_string_equal(in->title, "Second");
	assert_int_equal(in->level, VG_SIGMA_LEVEL_HIGH);
	in = vg_sigma_rule_info(vg_sigma_set_find(set, "c3"));
	assert_int_equal(in->level, VG_SIGMA_LEVEL_NONE);
	assert_int_equal(sigma_count(set, PROC("'cmd_line':'one'")), 1);
	assert_int_equal(sigma_count(set, PROC("'cmd_line':'two'")), 1);
	assert_int_equal(sigma_count(set, PROC("'cmd_line':'three'")), 1);
	vg_sigma_set_free(set);
}

static void disable_and_placeholders(void **state)
{
	const char *yaml = RULE("one", "d1", SEL("a")) "---\n" RULE("two", "d2", SEL("a"));
	struct vg_sigma_set *set;
	struct vg_error err;
	const char *vals[] = { "x" };

	(void)state;
	assert_int_equal(vg_sigma_set_new(NULL, &set), 0);
	assert_int_equal(vg_sigma_set_disable(set, "d1"), 0);
	assert_int_equal(vg_sigma_set_disable(set, ""), -EINVAL);
	assert_int_equal(vg_sigma_set_placeholder(set, "bad%name", vals, 1), -EINVAL);
	assert_int_equal(vg_sigma_set_add_memory(set, yaml, strlen(yaml), "r.yml", &err), 2);
	assert_int_equal(vg_sigma_set_compile(set, &err), 0);
	/* After compile, nothing more goes in. */
	assert_int_equal(vg_sigma_set_add_memory(set, yaml, strlen(yaml), "r.yml", &err), -EINVAL);
	assert_int_equal(vg_sigma_set_disable(set, "d2"), -EINVAL);
	assert_false(vg_sigma_rule_info(vg_sigma_set_find(set, "d1"))->reported);
	assert_true(vg_sigma_rule_info(vg_sigma_set_find(set, "d2"))->reported);
	assert_int_equal(sigma_count(set, PROC("'cmd_line':'a'")), 1);
	vg_sigma_set_free(set);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void directories(void **state)
{
	char dir[] = "/tmp/vigil-sigma-test.XXXXXX", path[512], sub[512];
	struct vg_sigma_set *set;
	struct vg_error err;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(path, sizeof(path), "%s/b.yml", dir);
	write_file(path, RULE("b", "id-b", SEL("b")));
	snprintf(path, sizeof(path), "%s/a.yaml", dir);
	write_file(path, RULE("a", "id-a", SEL("a")));
	snprintf(path, sizeof(path), "%s/c.yml", sub);
	write_file(path, RULE("c", "id-c", SEL("c")) "---\n" RULE("c2", "id-c2", "    sel: {}\n    condition: sel\n"));
	snprintf(path, sizeof(path), "%s/notes.txt", dir);
	write_file(path, "not a rule");
	snprintf(path, sizeof(path), "%s/.hidden.yml", dir);
	write_file(path, "not: [valid");
	snprintf(path, sizeof(path), "%s/link.yml", dir);
	assert_int_equal(symlink("/etc/passwd", path), 0);

	assert_int_equal(vg_sigma_set_new(NULL, &set), 0);
	assert_int_equal(vg_sigma_set_add_dir(set, dir, &err), 3);
	assert_int_equal(vg_sigma_set_compile(set, &err), 0);
	/* In name order, sub-directories in their place; hidden files, other names and symbolic
	 * links left alone. */
	assert_int_equal(vg_sigma_set_rule_count(set), 3);
	assert_string_equal(vg_sigma_rule_info(vg_sigma_set_rule(set, 0))->title, "a");
	assert_string_equal(vg_sigma_rule_info(vg_sigma_set_rule(set, 1))->title, "b");
	assert_string_equal(vg_sigma_rule_info(vg_sigma_set_rule(set, 2))->title, "c");
	assert_int_equal(vg_sigma_set_reject_count(set), 1);
	assert_non_null(strstr(reject_msg(set, 0), "/sub/c.yml:17:10:"));
	assert_non_null(strstr(reject_msg(set, 0), "holds an empty map"));
	vg_sigma_set_free(set);

	/* A missing file or directory is a reject of its own, and an error. */
	assert_int_equal(vg_sigma_set_new(NULL, &set), 0);
	snprintf(path, sizeof(path), "%s/missing.yml", dir);
	assert_int_equal(vg_sigma_set_add_file(set, path, &err), -ENOENT);
	assert_int_equal(vg_sigma_set_add_dir(set, path, &err), -ENOENT);
	snprintf(path, sizeof(path), "%s/b.yml", dir);
	assert_int_equal(vg_sigma_set_add_dir(set, path, &err), -ENOTDIR);
	assert_int_equal(vg_sigma_set_reject_count(set), 3);
	assert_int_equal(vg_sigma_set_add_file(set, path, &err), 1);
	assert_int_equal(vg_sigma_set_compile(set, &err), 0);
	assert_int_equal(vg_sigma_set_rule_count(set), 1);
	vg_sigma_set_free(set);

	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	assert_int_equal(system(path), 0);
}

/* A correlation that names a missing or refused rule is refused at compile; so is one over
 * it, and a cycle. */
static void correlation_references(void **state)
{
	const char *yaml = RULE("base", "base1", SEL("a")) "name: base\n---\n"
			   "title: counts missing\nid: k1\ncorrelation:\n    type: event_count\n    rules: [nowhere]\n"
			   "    group-by: [User]\n    timespan: 1m\n    condition: {gte: 2}\n---\n"
			   "title: over k1\nid: k2\ncorrelation:\n    type: event_count\n    rules: [k1]\n"
			   "    timespan: 1m\n    condition: {gte: 2}\n---\n"
			   "title: loop a\nid: la\ncorrelation:\n    type: temporal\n    rules: [lb, base]\n    timespan: 1m\n---\n"
			   "title: loop b\nid: lb\ncorrelation:\n    type: temporal\n    rules: [la]\n    timespan: 1m\n---\n"
			   "title: bad field\nid: bf\ncorrelation:\n    type: event_count\n    rules: [base]\n"
			   "    group-by: [NoSuchField]\n    timespan: 1m\n    condition: {gte: 2}\n---\n"
			   "title: fine\nid: ok1\ncorrelation:\n    type: event_count\n    rules: [base]\n"
			   "    group-by: [User]\n    timespan: 1m\n    condition: {gte: 2}\n";
	struct vg_sigma_set *set = load(yaml, 7);
	char all[8192] = "";

	(void)state;
	for (size_t i = 0; i < vg_sigma_set_reject_count(set); i++) {
		strcat(all, reject_msg(set, i));
		strcat(all, "\n");
	}
	assert_int_equal(vg_sigma_set_rule_count(set), 2);
	assert_non_null(strstr(all, "the correlation names 'nowhere', which is not a loaded rule"));
	assert_non_null(strstr(all, "the correlation names 'k1', which is not a loaded rule"));
	assert_non_null(strstr(all, "cycle"));
	assert_non_null(strstr(all, "the field 'NoSuchField' has no mapping for process_creation"));
	assert_non_null(vg_sigma_set_find(set, "ok1"));
	/* The base rule is counted by a correlation without generate: it is not reported. */
	assert_false(vg_sigma_rule_info(vg_sigma_set_find(set, "base"))->reported);
	vg_sigma_set_free(set);
}

static void correlation_syntax(void **state)
{
	static const struct {
		const char *body;
		const char *why;
	} cases[] = {
		{ "    type: value_sum\n    rules: [x]\n    timespan: 1m\n    condition: {gt: 1, field: a}\n", "not supported" },
		{ "    type: sideways\n    rules: [x]\n    timespan: 1m\n", "unknown correlation type 'sideways'" },
		{ "    type: event_count\n    timespan: 1m\n    condition: {gt: 1}\n", "names no rules" },
		{ "    type: event_count\n    rules: [x]\n    condition: {gt: 1}\n", "no timespan" },
		{ "    type: event_count\n    rules: [x]\n    timespan: 5y\n    condition: {gt: 1}\n", "bad timespan '5y'" },
		{ "    type: event_count\n    rules: [x]\n    timespan: 1m\n", "has no condition" },
		{ "    type: event_count\n    rules: [x]\n    timespan: 1m\n    condition: {most: 1}\n", "unknown correlation condition 'most'" },
		{ "    type: event_count\n    rules: [x]\n    timespan: 1m\n    condition: {gt: -1}\n", "needs a whole number" },
		{ "    type: value_count\n    rules: [x]\n    timespan: 1m\n    condition: {gt: 1}\n", "needs the 'field'" },
		{ "    type: temporal_ordered\n    rules: [x, y]\n    timespan: 1m\n    condition: {gt: 1}\n", "takes no condition" },
		{ "    type: event_count\n    rules: [x]\n    timespan: 1m\n    condition: {gte: 100000}\n", "above the 256 events" },
		{ "    type: temporal\n    rules: [x]\n    timespan: 1m\n    condition: 'x and y'\n", "in text form" },
	};
	char yaml[1024], buf[1024];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(yaml, sizeof(yaml), "title: c\ncorrelation:\n%s", cases[i].body);
		sigma_reject(yaml, buf, sizeof(buf));
		if (!strstr(buf, cases[i].why))
			fail_msg("case %zu: expected \"%s\" in \"%s\"", i, cases[i].why, buf);
	}
}

/* What the auditd rules need the agent to collect. */
static void audit_needs(void **state)
{
	const char *yaml = "title: a\nid: a1\nlogsource:\n    product: linux\n    service: auditd\ndetection:\n"
			   "    sel:\n        type: EXECVE\n        a0: dd\n    condition: sel\n---\n"
			   "title: b\nid: b1\nlogsource:\n    product: linux\n    service: auditd\ndetection:\n"
			   "    sel:\n        type: 'SYSCALL'\n        SYSCALL: memfd_create\n        key: susp_activity\n"
			   "    condition: sel\n";
	struct vg_sigma_set *set = load(yaml, 2);
	struct vg_sigma_audit_needs nd;

	(void)state;
	vg_sigma_set_audit_needs(set, &nd);
	assert_false(nd.any_type);
	/* A type beside an exact key: the key names the records, the type is not needed. */
	assert_int_equal(nd.ntypes, 1);
	assert_string_equal(nd.types[0], "EXECVE");
	assert_int_equal(nd.nsyscalls, 1);
	assert_string_equal(nd.syscalls[0], "memfd_create");
	assert_int_equal(nd.nkeys, 1);
	assert_string_equal(nd.keys[0], "susp_activity");
	assert_int_equal(vg_sigma_set_sources(set), VG_SIGMA_SRC_AUDITD);
	vg_sigma_set_free(set);

	set = load("title: k\nlogsource:\n    service: auditd\ndetection:\n    keywords: ['x']\n    condition: keywords\n", 1);
	vg_sigma_set_audit_needs(set, &nd);
	assert_true(nd.any_type);
	assert_int_equal(nd.ntypes, 0);
	assert_int_equal(nd.nkeys, 0);
	vg_sigma_set_free(set);
}

/* The type stays needed wherever the key does not name the records by itself. */
static void audit_needs_keys(void **state)
{
	static const struct {
		const char *sel;
		size_t ntypes, nkeys;
	} cases[] = {
		/* type and an exact key: the key only */
		{ "    sel:\n        type: SYSCALL\n        key: [k1, k2]\n", 0, 2 },
		/* the type only */
		{ "    sel:\n        type: SYSCALL\n        exe: /bin/cat\n", 1, 0 },
		/* a key that is no exact value (a prefix) does not name the records */
		{ "    sel:\n        type: SYSCALL\n        key|startswith: k\n", 1, 0 },
		/* a key in another alternative (a list of maps) does not cover this one */
		{ "    sel:\n        - type: SYSCALL\n          key: k1\n        - type: PATH\n          name: x\n", 1, 1 },
		/* a key that must differ names nothing */
		{ "    sel:\n        type: SYSCALL\n        key|neq: k1\n", 1, 0 },
	};
	char yaml[512];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vg_sigma_audit_needs nd;
		struct vg_sigma_set *set;

		snprintf(yaml, sizeof(yaml), "title: n\nlogsource:\n    service: auditd\ndetection:\n%s    condition: sel\n",
			 cases[i].sel);
		set = load(yaml, 1);
		vg_sigma_set_audit_needs(set, &nd);
		if (nd.any_type || nd.ntypes != cases[i].ntypes || nd.nkeys != cases[i].nkeys)
			fail_msg("case %zu: any_type %d, %zu types, %zu keys; expected %zu types, %zu keys", i,
				 nd.any_type, nd.ntypes, nd.nkeys, cases[i].ntypes, cases[i].nkeys);
		vg_sigma_set_free(set);
	}
	/* Neither a type nor a key restricts the records: every type is needed. */
	struct vg_sigma_audit_needs nd;
	struct vg_sigma_set *set = load("title: n\nlogsource:\n    service: auditd\ndetection:\n"
					"    sel:\n        exe: /bin/cat\n    condition: sel\n", 1);

	vg_sigma_set_audit_needs(set, &nd);
	assert_true(nd.any_type);
	vg_sigma_set_free(set);
}

/* Without a type, the fields a rule reads tell the records it can match. */
static void audit_needs_fields(void **state)
{
	static const struct {
		const char *sel, *cond;
		bool any;
		const char *types; /* expected, sorted, comma-separated */
	} cases[] = {
		/* a4 and beyond: EXECVE arguments only */
		{ "    sel:\n        a4|startswith: '--cpu'\n", "sel", false, "EXECVE" },
		/* a1 is also the SYSCALL record's second argument, in hex: a literal that is not hex
		 * cannot be one */
		{ "    sel:\n        a1|startswith: '--cpu'\n", "sel", false, "EXECVE" },
		{ "    sel:\n        a1: '7ffd'\n", "sel", false, "EXECVE,SYSCALL" },
		/* the coin miner rule's shape: 1 of seven argument selections */
		{ "    c1:\n        a1|startswith: '--cpu'\n    c7:\n        a7|startswith: '--cpu'\n", "1 of c*", false,
		  "EXECVE" },
		{ "    sel:\n        cwd|endswith: '/tmp'\n        argc: 3\n", "sel", false, "" },
		{ "    sel:\n        - cwd: '/tmp'\n        - argc: 3\n", "sel", false, "CWD,EXECVE" },
		/* a field of any record, a negation, a null or an existence test: every type */
		{ "    sel:\n        a4: x\n    other:\n        exe: /bin/cat\n", "sel or other", true, "" },
		{ "    sel:\n        a4: x\n", "not sel", true, "" },
		{ "    sel:\n        a4: null\n", "sel", true, "" },
		{ "    sel:\n        a4|exists: true\n", "sel", true, "" },
		/* and narrows: the type of one side bounds the other's */
		{ "    sel:\n        a4: x\n    other:\n        exe: /bin/cat\n", "sel and other", false, "EXECVE" },
	};
	char yaml[768];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vg_sigma_audit_needs nd;
		struct vg_sigma_set *set;
		char got[128] = "";

		snprintf(yaml, sizeof(yaml), "title: n\nlogsource:\n    service: auditd\ndetection:\n%s    condition: %s\n",
			 cases[i].sel, cases[i].cond);
		set = load(yaml, 1);
		vg_sigma_set_audit_needs(set, &nd);
		for (const char *want = "CWD\0EXECVE\0SYSCALL\0"; *want; want += strlen(want) + 1)
			for (size_t t = 0; t < nd.ntypes; t++)
				if (strcmp(nd.types[t], want) == 0)
					snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s", *got ? "," : "", want);
		if (nd.any_type != cases[i].any || (!cases[i].any && strcmp(got, cases[i].types) != 0) ||
		    (!cases[i].any && nd.ntypes != (size_t)(*cases[i].types ? 1 + (strchr(cases[i].types, ',') != NULL) : 0)))
			fail_msg("case %zu: any_type %d, types \"%s\" (%zu); expected any_type %d, \"%s\"", i, nd.any_type,
				 got, nd.ntypes, cases[i].any, cases[i].types);
		vg_sigma_set_free(set);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(yaml_errors),
		cmocka_unit_test(one_bad_rule),
		cmocka_unit_test(unsupported_logsources),
		cmocka_unit_test(metadata_checks),
		cmocka_unit_test(duplicates),
		cmocka_unit_test(collections),
		cmocka_unit_test(disable_and_placeholders),
		cmocka_unit_test(directories),
		cmocka_unit_test(correlation_references),
		cmocka_unit_test(correlation_syntax),
		cmocka_unit_test(audit_needs),
		cmocka_unit_test(audit_needs_keys),
		cmocka_unit_test(audit_needs_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
