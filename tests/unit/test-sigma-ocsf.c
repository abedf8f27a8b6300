/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Events: the OCSF accessor (sources from class and activity, paths through objects and
 * arrays, fallback paths, conversions, the audit records of unmapped.audit), an accessor of
 * the caller's own, and the field mapping table (which doc/sigma.md must show as it is).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sigma-test.h"

#define HIT(rule, event) assert_int_equal(sigma_hit(rule, event), 1)
#define MISS(rule, event) assert_int_equal(sigma_hit(rule, event), 0)

static unsigned sources_of(const char *text)
{
	json_t *j = sigma_json(text);
	unsigned s = vg_sigma_ocsf_sources(j);

	json_decref(j);
	return s;
}

static void sources(void **state)
{
	(void)state;
	assert_int_equal(sources_of("{'class_uid':1007,'activity_id':1}"), VG_SIGMA_SRC_PROCESS_CREATION);
	assert_int_equal(sources_of("{'class_uid':1007,'activity_id':2}"), 0);
	assert_int_equal(sources_of("{'class_uid':4001,'activity_id':1}"), VG_SIGMA_SRC_NETWORK_CONNECTION);
	assert_int_equal(sources_of("{'class_uid':4001,'activity_id':7}"), 0);
	assert_int_equal(sources_of("{'class_uid':1001,'activity_id':1}"), VG_SIGMA_SRC_FILE_EVENT);
	assert_int_equal(sources_of("{'class_uid':1001,'activity_id':3}"), VG_SIGMA_SRC_FILE_EVENT | VG_SIGMA_SRC_FILE_CHANGE);
	assert_int_equal(sources_of("{'class_uid':1001,'activity_id':4}"), VG_SIGMA_SRC_FILE_DELETE);
	assert_int_equal(sources_of("{'class_uid':1001,'activity_id':5}"), VG_SIGMA_SRC_FILE_EVENT | VG_SIGMA_SRC_FILE_RENAME);
	assert_int_equal(sources_of("{'class_uid':2004,'activity_id':1}"), 0);
	assert_int_equal(sources_of("[]"), 0);
	assert_string_equal(vg_sigma_source_name(VG_SIGMA_SRC_FILE_RENAME), "file_rename");
	assert_null(vg_sigma_source_name(3));
}

static void paths_and_values(void **state)
{
	(void)state;
	/* Numbers and booleans compare as their text. */
	HIT(NET("    sel:\n        DestinationPort: 443\n    condition: sel\n"), NETEV("'dst_endpoint':{'port':443}"));
	HIT(NET("    sel:\n        DestinationPort: '443'\n    condition: sel\n"), NETEV("'dst_endpoint':{'port':443}"));
	HIT(NET("    sel:\n        SourcePort: 1.5\n    condition: sel\n"), NETEV("'src_endpoint':{'port':1.5}"));
	HIT(AUDIT("    sel:\n        flag: 'true'\n    condition: sel\n"), RECORDS("{'flag':true}"));
	/* A path through an array takes every element's value. */
	HIT(AUDIT("    sel:\n        a0: y\n    condition: sel\n"), RECORDS("{'a0':['x','y']}"));
	/* The fallback path when the first is missing; the first wins when present. */
	HIT(PC("    sel:\n        CurrentDirectory: /tmp\n    condition: sel\n"), PROC_X("'pid':1", "'unmapped':{'cwd':'/tmp'}"));
	HIT(PC("    sel:\n        CurrentDirectory: /tmp\n    condition: sel\n"), PROC("'working_directory':'/tmp'"));
	MISS(PC("    sel:\n        CurrentDirectory: /tmp\n    condition: sel\n"),
	     PROC_X("'working_directory':'/root'", "'unmapped':{'cwd':'/tmp'}"));
	/* ParentImage from the parent, or from the actor. */
	HIT(PC("    sel:\n        ParentImage: /bin/bash\n    condition: sel\n"),
	    PROC_X("'pid':1", "'actor':{'process':{'file':{'path':'/bin/bash'}}}"));
}

static void conversions(void **state)
{
	const char *out = NET("    sel:\n        Initiated: 'true'\n    condition: sel\n");
	const char *v6 = NET("    sel:\n        DestinationIsIpv6: 'true'\n    condition: sel\n");
	const char *hashes = PC("    sel:\n        Hashes|contains: 'SHA256=AB12'\n    condition: sel\n");

	(void)state;
	HIT(out, NETEV("'connection_info':{'direction_id':2}"));
	MISS(out, NETEV("'connection_info':{'direction_id':1}"));
	HIT(NET("    sel:\n        Initiated: 'false'\n    condition: sel\n"), NETEV("'connection_info':{'direction_id':1}"));
	HIT(v6, NETEV("'dst_endpoint':{'ip':'2001:db8::1'}"));
	MISS(v6, NETEV("'dst_endpoint':{'ip':'192.0.2.1'}"));
	HIT(hashes, PROC("'file':{'hashes':[{'algorithm_id':1,'value':'d41d'},{'algorithm_id':3,'value':'ab12cd'}]}"));
	MISS(hashes, PROC("'file':{'hashes':[{'algorithm_id':1,'value':'ab12cd'}]}"));
	HIT(PC("    sel:\n        Hashes: 'MD5=d41d,SHA256=ab12'\n    condition: sel\n"),
	    PROC("'file':{'hashes':[{'algorithm_id':1,'value':'d41d'},{'algorithm_id':3,'value':'ab12'}]}"));
}

static void files(void **state)
{
	const char *target = FILEV("    sel:\n        TargetFilename|startswith: '/etc/cron.d/'\n    condition: sel\n");
	const char *ren = RULE_HEAD("category: file_rename") "    sel:\n        SourceFilename: '/tmp/x'\n"
			  "        TargetFilename: '/etc/cron.d/x'\n    condition: sel\n";
	const char *del = RULE_HEAD("category: file_delete") "    sel:\n        TargetFilename: '/var/log/wtmp'\n"
			  "        Image|endswith: '/rm'\n    condition: sel\n";
	const char *change = RULE_HEAD("category: file_change") "    sel:\n        TargetFilename: '/etc/passwd'\n"
			     "    condition: sel\n";

	(void)state;
	HIT(target, FILEEV(1, "'file':{'path':'/etc/cron.d/job'}"));
	HIT(target, FILEEV(3, "'file':{'path':'/etc/cron.d/job'}"));
	/* A rename into the directory: its new name. */
	HIT(target, FILEEV(5, "'file':{'path':'/tmp/job'},'file_result':{'path':'/etc/cron.d/job'}"));
	MISS(target, FILEEV(5, "'file':{'path':'/etc/cron.d/job'},'file_result':{'path':'/tmp/job'}"));
	MISS(target, FILEEV(4, "'file':{'path':'/etc/cron.d/job'}"));
	HIT(ren, FILEEV(5, "'file':{'path':'/tmp/x'},'file_result':{'path':'/etc/cron.d/x'}"));
	HIT(del, FILEEV(4, "'file':{'path':'/var/log/wtmp'},'actor':{'process':{'file':{'path':'/usr/bin/rm'}}}"));
	HIT(change, FILEEV(3, "'file':{'path':'/etc/passwd'}"));
	MISS(change, FILEEV(1, "'file':{'path':'/etc/passwd'}"));
}

/* Each audit record is an event of its own: its index is reported, and fields of two records
 * never combine. */
static void audit_records(void **state)
{
	struct vg_sigma_set *set = sigma_set(AUDIT("    sel:\n        type: EXECVE\n        a0: dd\n    condition: sel\n"));
	struct vg_sigma_matcher *m;
	json_t *ev = sigma_json(RECORDS("{'type':'SYSCALL','exe':'/usr/bin/dd'},{'type':'CWD','cwd':'/'},"
					"{'type':'EXECVE','argc':'2','a0':'dd','a1':'if=x'}"));

	(void)state;
	assert_int_equal(vg_sigma_matcher_new(set, &m), 0);
	assert_int_equal(vg_sigma_matcher_eval_ocsf(m, ev, 5, 0), 1);
	assert_int_equal(vg_sigma_matcher_match(m, 0)->record, 2);
	assert_int_equal(vg_sigma_matcher_match(m, 0)->source, VG_SIGMA_SRC_AUDITD);
	assert_int_equal(vg_sigma_matcher_match(m, 0)->event_id, 5);
	json_decref(ev);
	vg_sigma_matcher_free(m);
	vg_sigma_set_free(set);
	MISS(AUDIT("    sel:\n        type: SYSCALL\n        a0: dd\n    condition: sel\n"),
	     RECORDS("{'type':'SYSCALL','a0':'3'},{'type':'EXECVE','a0':'dd'}"));
	/* Any audit field name may be used; names auditd cannot write are refused. */
	assert_non_null(vg_sigma_field_find(VG_SIGMA_SRC_AUDITD, "exe"));
	assert_null(vg_sigma_field_find(VG_SIGMA_SRC_AUDITD, "new_field"));
	HIT(AUDIT("    sel:\n        new_field: v\n    condition: sel\n"), RECORDS("{'new_field':'v'}"));
	assert_int_equal(sigma_hit(AUDIT("    sel:\n        'bad name': v\n    condition: sel\n"), RECORDS("{}")), -1);
}

/* An accessor of the caller's own, over an array of name/value pairs. */
struct pairs {
	const char *const *kv;
};

static int pairs_get(const struct vg_sigma_event *ev, const char *path, vg_sigma_emit_fn emit, void *sink)
{
	const struct pairs *p = ev->data;
	int found = 0;

	for (size_t i = 0; p->kv[i]; i += 2)
		if (strcmp(p->kv[i], path) == 0) {
			found = 1;
			if (emit(sink, p->kv[i + 1], strlen(p->kv[i + 1])))
				break;
		}
	return found;
}

static void own_accessor(void **state)
{
	static const char *const kv[] = { "process.file.path", "/usr/bin/nc", "process.cmd_line", "nc -e /bin/sh x",
					  NULL };
	struct pairs p = { kv };
	struct vg_sigma_event ev = { .sources = VG_SIGMA_SRC_PROCESS_CREATION, .get = pairs_get, .data = &p,
				     .id = 3, .record = -1 };
	struct vg_sigma_set *set = sigma_set(PC("    sel:\n        Image|endswith: /nc\n    kw:\n        - '-e /bin/sh'\n"
						"    condition: sel and kw\n"));
	struct vg_sigma_matcher *m;

	(void)state;
	assert_int_equal(vg_sigma_matcher_new(set, &m), 0);
	assert_int_equal(vg_sigma_matcher_eval(m, &ev, 0), 1);
	/* An event of a source without rules costs nothing and matches nothing. */
	ev.sources = VG_SIGMA_SRC_FILE_DELETE;
	assert_int_equal(vg_sigma_matcher_eval(m, &ev, 0), 0);
	assert_int_equal(vg_sigma_set_sources(set), VG_SIGMA_SRC_PROCESS_CREATION);
	vg_sigma_matcher_free(m);
	vg_sigma_set_free(set);
}

/* doc/sigma.md shows the mapping table: every row of the code is in it, and nothing else. */
static void documented_table(void **state)
{
	const char *top = getenv("VIGIL_TOP_SRCDIR");
	char path[4096], line[2048];
	FILE *f;
	size_t rows = 0;

	(void)state;
	snprintf(path, sizeof(path), "%s/doc/sigma.md", top ? top : "..");
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		char src[64], field[128], paths[512];
		const struct vg_sigma_field_map *m;
		char expect[512] = "";

		/* | process_creation | `Image` | `process.file.path` | note | */
		if (sscanf(line, "| %63[a-z_] | `%127[^`]` | %511[^|]|", src, field, paths) != 3)
			continue;
		unsigned bit = 0;

		for (unsigned b = 1; b < (1u << VG_SIGMA_SRC_COUNT); b <<= 1)
			if (strcmp(vg_sigma_source_name(b), src) == 0)
				bit = b;
		if (!bit)
			fail_msg("doc/sigma.md: unknown source %s", src);
		m = vg_sigma_field_find(bit, field);
		if (!m || strcmp(m->sigma, field) != 0)
			fail_msg("doc/sigma.md shows %s %s, which the table does not have", src, field);
		for (size_t i = 0; i < 3 && m->paths[i]; i++)
			snprintf(expect + strlen(expect), sizeof(expect) - strlen(expect), "%s`%s`", i ? ", then " : "",
				 m->paths[i]);
		if (strncmp(paths, expect, strlen(expect)) != 0)
			fail_msg("doc/sigma.md: %s %s reads %s, the table says %s", src, field, paths, expect);
		rows++;
	}
	fclose(f);
	assert_int_equal(rows, vg_sigma_field_count());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sources),
		cmocka_unit_test(paths_and_values),
		cmocka_unit_test(conversions),
		cmocka_unit_test(files),
		cmocka_unit_test(audit_records),
		cmocka_unit_test(own_accessor),
		cmocka_unit_test(documented_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
