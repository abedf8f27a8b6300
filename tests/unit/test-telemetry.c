/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Telemetry parts that need no kernel: the bounded queue, exclusion rules and their matching,
 * the hash cache, enrichment, and the grouping of audit records into events. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "clock.h"
#include "store.h"
#include "telemetry/audit-parse.h"
#include "telemetry/audit-records.h"
#include "telemetry/enrich.h"
#include "telemetry/exclusions.h"
#include "telemetry/queue.h"
#include "telemetry/stage.h"
#include "telemetry/telemetry.h"
#include "vigil/error.h"

static void test_queue_bounded(void **state)
{
	struct vg_tq *q;
	json_t *out[8];

	(void)state;
	assert_int_equal(vg_tq_new(&q, 3, -1), 0);
	for (int i = 0; i < 5; i++)
		vg_tq_push(q, json_integer(i));
	assert_int_equal(vg_tq_length(q), 3);
	assert_int_equal(vg_tq_dropped(q), 2);
	assert_int_equal(vg_tq_pop(q, out, 8, 0), 3);
	/* Oldest first. */
	assert_int_equal(json_integer_value(out[0]), 0);
	assert_int_equal(json_integer_value(out[2]), 2);
	for (int i = 0; i < 3; i++)
		json_decref(out[i]);
	/* Empty: a wait ends at its timeout. */
	assert_int_equal(vg_tq_pop(q, out, 8, 20), 0);
	vg_tq_free(q);
}

/* An event with a long command line: about size bytes. */
static json_t *heavy_event(size_t size)
{
	char *cmd = malloc(size + 1);
	json_t *e;

	assert_non_null(cmd);
	memset(cmd, 'x', size);
	cmd[size] = '\0';
	e = json_pack("{s:i, s:{s:s}}", "class_uid", 1007, "process", "cmd_line", cmd);
	free(cmd);
	return e;
}

/* Bounded in bytes too: heavy events fill the queue long before its count does; one heavier
 * than the bound still enters an empty queue; what is popped is no longer counted. */
static void test_queue_bounded_bytes(void **state)
{
	struct vg_tq *q;
	json_t *out[64], *evs[20];
	size_t n;

	(void)state;
	assert_int_equal(vg_tq_new(&q, 1000, -1), 0);
	vg_tq_set_cap(q, 1000, 64 * 1024);
	for (int i = 0; i < 20; i++)
		evs[i] = heavy_event(10 * 1024);
	assert_int_equal(vg_tq_push_many(q, evs, 20), 6);
	assert_int_equal(vg_tq_dropped(q), 14);
	assert_true(vg_tq_bytes(q) > 60 * 1024 && vg_tq_bytes(q) <= 64 * 1024);
	n = vg_tq_pop(q, out, 64, 0);
	assert_int_equal(n, 6);
	for (size_t i = 0; i < n; i++)
		json_decref(out[i]);
	assert_int_equal(vg_tq_bytes(q), 0);
	assert_true(vg_tq_push(q, heavy_event(100 * 1024)));
	/* Past the bound now: even the lightest event waits for room. */
	assert_false(vg_tq_push(q, json_integer(1)));
	assert_int_equal(vg_tq_length(q), 1);
	vg_tq_free(q);
}

static json_t *process_event(const char *exe, const char *cmd, const char *uid)
{
	return json_pack("{s:i, s:i, s:{s:i, s:s, s:{s:s, s:[{s:i, s:s}]}, s:{s:s, s:s}}}", "class_uid", 1007,
			 "activity_id", 1, "process", "pid", 42, "cmd_line", cmd, "file", "path", exe, "hashes",
			 "algorithm_id", 3, "value", "ab000000000000000000000000000000000000000000000000000000000000cd",
			 "user", "uid", uid, "name", strcmp(uid, "0") == 0 ? "root" : "nobody");
}

static json_t *network_event(const char *ip, int port)
{
	return json_pack("{s:i, s:i, s:{s:{s:{s:s}}}, s:{s:i}, s:{s:s, s:i}}", "class_uid", 4001, "activity_id", 1,
			 "actor", "process", "file", "path", "/usr/bin/curl", "connection_info", "direction_id", 2,
			 "dst_endpoint", "ip", ip, "port", port);
}

static void test_exclusions(void **state)
{
	char dir[] = "/tmp/vigil-test-excl.XXXXXX", path[64];
	struct vg_tel_exclusions *x;
	struct vg_store *store;
	struct vg_error err;
	json_t *rule, *a, *b, *n1, *n2, *list;
	int64_t id, id2;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/db", dir);
	assert_int_equal(vg_store_open(&store, path, &err), 0);
	assert_int_equal(vg_tel_exclusions_open(&x, store, &err), 0);

	/* Refused: no condition, an unknown condition, a bad type, a bad hash, a bad port. */
	rule = json_pack("{s:s}", "comment", "x");
	assert_int_equal(vg_tel_exclusions_add(x, rule, &id, &err), -EINVAL);
	json_decref(rule);
	rule = json_pack("{s:s}", "colour", "x");
	assert_int_equal(vg_tel_exclusions_add(x, rule, &id, &err), -EINVAL);
	json_decref(rule);
	rule = json_pack("{s:s}", "type", "disk");
	assert_int_equal(vg_tel_exclusions_add(x, rule, &id, &err), -EINVAL);
	json_decref(rule);
	rule = json_pack("{s:s}", "sha256", "abc");
	assert_int_equal(vg_tel_exclusions_add(x, rule, &id, &err), -EINVAL);
	json_decref(rule);
	rule = json_pack("{s:i}", "remote_port", 70000);
	assert_int_equal(vg_tel_exclusions_add(x, rule, &id, &err), -EINVAL);
	json_decref(rule);

	a = process_event("/opt/app/bin/worker", "worker --fast", "0");
	b = process_event("/usr/bin/true", "true", "65534");
	n1 = network_event("10.0.0.1", 443);
	n2 = network_event("10.0.0.2", 443);
	assert_false(vg_tel_exclusions_match(x, a));

	/* AND: the glob and the user must both hold. */
	rule = json_pack("{s:s, s:s}", "exe", "/opt/app/*", "user", "root");
	assert_int_equal(vg_tel_exclusions_add(x, rule, &id, &err), 0);
	json_decref(rule);
	assert_true(vg_tel_exclusions_match(x, a));
	assert_false(vg_tel_exclusions_match(x, b));
	rule = json_pack("{s:s, s:i}", "remote_ip", "10.0.0.1", "remote_port", 443);
	assert_int_equal(vg_tel_exclusions_add(x, rule, &id2, &err), 0);
	json_decref(rule);
	assert_true(vg_tel_exclusions_match(x, n1));
	assert_false(vg_tel_exclusions_match(x, n2));
	list = vg_tel_exclusions_list(x, &err);
	assert_int_equal(json_array_size(list), 2);
	json_decref(list);

	assert_int_equal(vg_tel_exclusions_remove(x, id, &err), 0);
	assert_false(vg_tel_exclusions_match(x, a));
	assert_int_equal(vg_tel_exclusions_remove(x, id, &err), -ENOENT);
	/* By hash and by uid. */
	rule = json_pack("{s:s, s:s}", "sha256", "AB000000000000000000000000000000000000000000000000000000000000CD",
			 "user", "65534");
	assert_int_equal(vg_tel_exclusions_add(x, rule, &id, &err), 0);
	json_decref(rule);
	assert_true(vg_tel_exclusions_match(x, b));
	assert_false(vg_tel_exclusions_match(x, a));

	json_decref(a);
	json_decref(b);
	json_decref(n1);
	json_decref(n2);
	vg_tel_exclusions_close(x);
	vg_store_close(store);
	unlink(path);
	snprintf(path, sizeof(path), "%s/db-wal", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/db-shm", dir);
	unlink(path);
	rmdir(dir);
}

static void test_hash_cache(void **state)
{
	char path[] = "/tmp/vigil-test-hash.XXXXXX", sha[65], md5[33];
	struct vg_hash_cache *c;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "abc", 3), 3);
	close(fd);
	assert_int_equal(vg_hash_cache_new(&c, 16), 0);
	assert_int_equal(vg_hash_file(c, path, 1 << 20, sha, md5), 0);
	assert_string_equal(sha, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_string_equal(md5, "900150983cd24fb0d6963f7d28e17f72");
	/* A second time from the cache, the same answer. */
	assert_int_equal(vg_hash_file(c, path, 1 << 20, sha, md5), 0);
	assert_string_equal(md5, "900150983cd24fb0d6963f7d28e17f72");
	/* Over the size limit: not hashed. */
	assert_int_equal(vg_hash_file(c, path, 2, sha, md5), -EFBIG);
	assert_int_equal(vg_hash_file(c, "/nonexistent/vigil", 1 << 20, sha, md5), -ENOENT);
	vg_hash_cache_free(c);
	unlink(path);
}

/* A launch whose parent (ppid) the sensor named only by its pid, and its start time when
 * parent_start is not 0 (the eBPF sensor's hint). */
static json_t *launch_of_child(pid_t ppid, uint64_t parent_start)
{
	json_t *e = json_pack("{s:i, s:i, s:I, s:{s:i, s:{s:s}, s:{s:I}}, s:{}}", "class_uid", 1007, "activity_id", 1,
			      "time", (json_int_t)vg_time_ms() + 1000, "process", "pid", 999999, "user", "uid", "0",
			      "parent_process", "pid", (json_int_t)ppid, "_vg");

	if (parent_start)
		json_object_set_new(json_object_get(e, "_vg"), "parent_start", json_integer((json_int_t)parent_start));
	return e;
}

static const char *parent_str(json_t *e, const char *a, const char *b)
{
	json_t *v = json_object_get(json_object_get(json_object_get(e, "process"), "parent_process"), a);

	return json_string_value(b ? json_object_get(v, b) : v);
}

/* A parent that forked without an exec (a shell's loop) is read from /proc once for all its
 * children when the sensor gives its start time; its exit forgets it. */
static void test_parent_from_proc(void **state)
{
	struct vg_telemetry tel = { 0 };
	pid_t child;
	int status;
	json_t *e;

	(void)state;
	assert_int_equal(vg_hash_cache_new(&tel.hashes, 16), 0);
	atomic_init(&tel.hash_max_bytes, 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		execl("/bin/sleep", "sleep", "60", (char *)NULL);
		_exit(127);
	}
	/* Its exec done: /proc shows the program. */
	for (int i = 0; i < 500; i++) {
		char path[64], exe[64] = "";

		snprintf(path, sizeof(path), "/proc/%d/exe", (int)child);
		if (readlink(path, exe, sizeof(exe) - 1) > 0 && strstr(exe, "sleep"))
			break;
		usleep(10000);
	}
	e = launch_of_child(child, 12345);
	vg_tel_enrich(&tel, e);
	assert_string_equal(parent_str(e, "cmd_line", NULL), "sleep 60");
	assert_non_null(strstr(parent_str(e, "file", "path"), "sleep"));
	assert_string_equal(parent_str(e, "name", NULL), "sleep");
	assert_null(json_object_get(e, "_vg"));
	json_decref(e);
	kill(child, SIGKILL);
	assert_int_equal(waitpid(child, &status, 0), child);
	/* Gone from /proc: the same parent (pid and start) is still known ... */
	e = launch_of_child(child, 12345);
	vg_tel_enrich(&tel, e);
	assert_string_equal(parent_str(e, "cmd_line", NULL), "sleep 60");
	assert_string_equal(parent_str(e, "name", NULL), "sleep");
	json_decref(e);
	/* ... but not another process that had its pid, nor one whose start the sensor did not give. */
	e = launch_of_child(child, 67890);
	vg_tel_enrich(&tel, e);
	assert_null(parent_str(e, "cmd_line", NULL));
	json_decref(e);
	e = launch_of_child(child, 0);
	vg_tel_enrich(&tel, e);
	assert_null(parent_str(e, "cmd_line", NULL));
	json_decref(e);
	/* Its exit forgets it. */
	e = json_pack("{s:i, s:i, s:{s:I, s:{s:s}}}", "class_uid", 1007, "activity_id", 2, "process", "pid",
		      (json_int_t)child, "user", "uid", "0");
	vg_tel_enrich(&tel, e);
	json_decref(e);
	e = launch_of_child(child, 12345);
	vg_tel_enrich(&tel, e);
	assert_null(parent_str(e, "cmd_line", NULL));
	json_decref(e);
	vg_hash_cache_free(tel.hashes);
}

static const char *actor_str(json_t *e, const char *a, const char *b)
{
	json_t *v = json_object_get(json_object_get(json_object_get(e, "actor"), "process"), a);

	return json_string_value(b ? json_object_get(v, b) : v);
}

/* A file written by pid, as the file sensor reports it once the writer is gone from /proc. */
static json_t *write_by(pid_t pid)
{
	return json_pack("{s:i, s:i, s:I, s:{s:{s:I, s:s}}, s:{s:s}}", "class_uid", 1001, "activity_id", 3, "time",
			 (json_int_t)vg_time_ms(), "actor", "process", "pid", (json_int_t)pid, "name", "wget", "file",
			 "path", "/nonexistent/vigil-test/file");
}

/* A program that wrote a file and exited before the file sensor read /proc is still named as
 * the writer, from its exec event; its exit makes it nobody's parent. */
static void test_file_actor_after_exit(void **state)
{
	struct vg_telemetry tel = { 0 };
	pid_t gone;
	int status;
	json_t *e;

	(void)state;
	assert_int_equal(vg_hash_cache_new(&tel.hashes, 16), 0);
	atomic_init(&tel.hash_max_bytes, 0);
	/* A pid that no process has now. */
	gone = fork();
	assert_true(gone >= 0);
	if (gone == 0)
		_exit(0);
	assert_int_equal(waitpid(gone, &status, 0), gone);
	/* Unknown pid: nothing to add. */
	e = write_by(gone);
	vg_tel_enrich(&tel, e);
	assert_null(actor_str(e, "file", "path"));
	json_decref(e);
	e = json_pack("{s:i, s:i, s:I, s:{s:I, s:{s:s}, s:s, s:{s:s}}, s:{}}", "class_uid", 1007, "activity_id", 1,
		      "time", (json_int_t)vg_time_ms(), "process", "pid", (json_int_t)gone, "file", "path",
		      "/usr/bin/wget", "cmd_line", "wget -O /tmp/x http://192.0.2.1/", "user", "uid", "65534", "_vg");
	vg_tel_enrich(&tel, e);
	json_decref(e);
	e = json_pack("{s:i, s:i, s:{s:I, s:{s:s}}}", "class_uid", 1007, "activity_id", 2, "process", "pid",
		      (json_int_t)gone, "user", "uid", "65534");
	vg_tel_enrich(&tel, e);
	json_decref(e);
	e = write_by(gone);
	vg_tel_enrich(&tel, e);
	assert_string_equal(actor_str(e, "file", "path"), "/usr/bin/wget");
	assert_string_equal(actor_str(e, "cmd_line", NULL), "wget -O /tmp/x http://192.0.2.1/");
	assert_string_equal(actor_str(e, "user", "uid"), "65534");
	assert_string_equal(actor_str(e, "name", NULL), "wget");
	json_decref(e);
	/* Exited: not the parent of a later launch that names its pid. */
	e = launch_of_child(gone, 0);
	vg_tel_enrich(&tel, e);
	assert_null(parent_str(e, "file", "path"));
	json_decref(e);
	vg_hash_cache_free(tel.hashes);
}

/* feed: one record, its stamp made of the current time (libauparse ages events by it). */
static void feed(struct vg_audit_parser *p, int type, unsigned serial, const char *fields)
{
	char text[1024];
	int64_t now = vg_time_ms();

	snprintf(text, sizeof(text), "audit(%lld.%03lld:%u): %s", (long long)(now / 1000), (long long)(now % 1000),
		 serial, fields);
	vg_audit_parser_record(p, type, text, strlen(text));
}

static void feed_exec(struct vg_audit_parser *p, unsigned serial, int pid)
{
	char syscall[512];

	snprintf(syscall, sizeof(syscall),
		 "arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=0 items=0 ppid=1 pid=%d auid=0 uid=0 "
		 "gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=1 comm=\"true\" exe=\"/usr/bin/true\" "
		 "key=\"vigil\"",
		 pid);
	feed(p, 1300, serial, syscall);
	feed(p, 1309, serial, "argc=1 a0=\"true\"");
	feed(p, 1320, serial, "");
}

/* The process start of pid among the events handed over, or NULL (the events are freed). */
static bool handed_exec(struct vg_telemetry *tel, int pid, size_t *records_of_it)
{
	json_t *out[64];
	size_t n;
	bool found = false;

	while ((n = vg_tq_pop(tel->in, out, 64, 0)) > 0)
		for (size_t i = 0; i < n; i++) {
			json_t *proc = json_object_get(out[i], "process");

			if (json_integer_value(json_object_get(out[i], "class_uid")) == 1007 &&
			    json_integer_value(json_object_get(proc, "pid")) == pid) {
				found = true;
				if (records_of_it)
					*records_of_it = json_array_size(
						json_object_get(json_object_get(out[i], "unmapped"), "audit"));
			}
			json_decref(out[i]);
		}
	return found;
}

/* A record the kernel sends alone (no EOE) no longer holds the events after it for libauparse's
 * seconds of aging: it is ended once a system call's records would have come; a record of a
 * system call's event that comes before its SYSCALL record stays in that event. */
static void test_audit_standalone_record(void **state)
{
	static const char *const types[] = { "NETFILTER_CFG", "SYSCALL", "EXECVE" };
	struct vg_tel_audit_wants wants = { .types = types, .ntypes = 3 };
	struct vg_telemetry tel = { .self = -1 };
	struct vg_audit_parser *p;
	size_t records = 0;
	int wait;

	(void)state;
	assert_int_equal(vg_tq_new(&tel.in, 1024, -1), 0);
	assert_int_equal(vg_audit_records_new(&tel.records), 0);
	assert_int_equal(vg_audit_records_set(tel.records, &wants), 0);
	assert_int_equal(vg_audit_parser_new(&p, &tel), 0);
	assert_int_equal(vg_audit_parser_open_wait(p), -1);
	feed(p, 1325, 700, "table=vigil:1 family=1 entries=1 op=nft_register_table pid=1 comm=\"nft\"");
	feed_exec(p, 701, 4701);
	vg_audit_parser_age(p);
	wait = vg_audit_parser_open_wait(p);
	assert_true(wait >= 0 && wait <= 1000);
	/* The parser says when the lone record's event ends: then the exec after it is out. */
	while ((wait = vg_audit_parser_open_wait(p)) > 0)
		usleep((useconds_t)wait * 1000);
	vg_audit_parser_age(p);
	assert_true(handed_exec(&tel, 4701, NULL));
	assert_int_equal(vg_audit_parser_open_wait(p), -1);
	/* A record written while the call runs, its SYSCALL and EOE right after: one event. */
	feed(p, 1325, 702, "table=vigil:2 family=1 entries=1 op=nft_register_chain pid=4702 comm=\"nft\"");
	feed_exec(p, 702, 4702);
	vg_audit_parser_age(p);
	assert_true(handed_exec(&tel, 4702, &records));
	assert_int_equal(records, 3);
	assert_int_equal(vg_audit_parser_open_wait(p), -1);
	vg_audit_parser_free(p);
	vg_audit_records_free(tel.records);
	handed_exec(&tel, 0, NULL);
	vg_tq_free(tel.in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_queue_bounded),
		cmocka_unit_test(test_queue_bounded_bytes),
		cmocka_unit_test(test_exclusions),
		cmocka_unit_test(test_hash_cache),
		cmocka_unit_test(test_parent_from_proc),
		cmocka_unit_test(test_file_actor_after_exit),
		cmocka_unit_test(test_audit_standalone_record),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
