/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Telemetry parts that need no kernel: the bounded queue, exclusion rules and their matching,
 * and the hash cache. */
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
#include "telemetry/enrich.h"
#include "telemetry/exclusions.h"
#include "telemetry/queue.h"
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_queue_bounded),
		cmocka_unit_test(test_exclusions),
		cmocka_unit_test(test_hash_cache),
		cmocka_unit_test(test_parent_from_proc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
