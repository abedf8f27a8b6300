/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The eBPF sensor's user side without a kernel: records as the programs write them, turned
 * into OCSF events (and refused when malformed), and the process table behind them. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "telemetry/ebpf-decode.h"
#include "telemetry/ebpf/records.h"
#include "telemetry/proctable.h"

#define BOOT_NS 5000000000ull          /* 5 s after boot */
#define START_NS 4000000000ull
#define KDEV ((8u << 20) | 1u)          /* 8:1 in the kernel's encoding */

static struct vg_ebpf_decoder dec;

static int setup(void **state)
{
	(void)state;
	if (vg_ebpf_decoder_init(&dec, 16) < 0)
		return -1;
	dec.boot_to_real_ns = 1700000000000000000ll;   /* a fixed clock */
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	vg_ebpf_decoder_fini(&dec);
	return 0;
}

static void fill_proc(struct vg_bpf_hdr *h, uint32_t kind, uint32_t pid, const char *comm)
{
	h->kind = kind;
	h->time_ns = BOOT_NS;
	h->proc.pid = h->proc.tid = pid;
	h->proc.ppid = 1;
	h->proc.start_ns = START_NS;
	h->proc.parent_start_ns = START_NS - 1000;
	h->proc.uid = 1000;
	h->proc.auid = 1000;
	h->proc.exe_dev = KDEV;
	h->proc.exe_ino = 77;
	snprintf(h->proc.comm, sizeof(h->proc.comm), "%s", comm);
}

/* An exec record with its variable part; *size receives its length. */
static struct vg_bpf_exec *exec_record(uint32_t pid, const char *exe, const char *cwd, const char *args,
				       size_t args_len, size_t *size)
{
	size_t el = strlen(exe) + 1, cl = strlen(cwd) + 1;
	struct vg_bpf_exec *x = calloc(1, sizeof(*x) + el + cl + args_len);
	char *data = (char *)(x + 1);

	fill_proc(&x->h, VG_BPF_EXEC, pid, "prog");
	x->exe_len = (uint16_t)el;
	x->cwd_len = (uint16_t)cl;
	x->argv_len = (uint32_t)args_len;
	memcpy(data, exe, el);
	memcpy(data + el, cwd, cl);
	memcpy(data + el + cl, args, args_len);
	*size = x->h.size = (uint32_t)(sizeof(*x) + el + cl + args_len);
	return x;
}

static const char *str_at(json_t *e, const char *a, const char *b, const char *c)
{
	json_t *v = json_object_get(e, a);

	if (b)
		v = json_object_get(v, b);
	if (c)
		v = json_object_get(v, c);
	return json_string_value(v);
}

static void test_exec(void **state)
{
	static const char args[] = "/usr/bin/prog\0-x\0two words";
	size_t size;
	struct vg_bpf_exec *x = exec_record(4242, "/usr/bin/prog", "/home/u", args, sizeof(args), &size);
	json_t *e, *argv, *vg;

	(void)state;
	e = vg_ebpf_decode(&dec, x, size);
	assert_non_null(e);
	assert_int_equal(json_integer_value(json_object_get(e, "class_uid")), 1007);
	assert_int_equal(json_integer_value(json_object_get(e, "activity_id")), 1);
	assert_int_equal(json_integer_value(json_object_get(e, "time")), 1700000005000);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(e, "process"), "pid")), 4242);
	assert_string_equal(str_at(e, "process", "file", "path"), "/usr/bin/prog");
	assert_string_equal(str_at(e, "process", "file", "name"), "prog");
	assert_string_equal(str_at(e, "process", "name", NULL), "prog");
	assert_string_equal(str_at(e, "process", "user", "uid"), "1000");
	assert_string_equal(str_at(e, "process", "cmd_line", NULL), "/usr/bin/prog -x two words");
	/* OCSF: the launch's actor is the parent; the program is an executable file. */
	assert_int_equal(json_integer_value(json_object_get(json_object_get(json_object_get(e, "actor"), "process"), "pid")),
			 1);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(json_object_get(e, "process"), "file"), "type_id")),
			 8);
	assert_string_equal(str_at(e, "unmapped", "cwd", NULL), "/home/u");
	argv = json_object_get(json_object_get(e, "unmapped"), "argv");
	assert_int_equal(json_array_size(argv), 3);
	assert_string_equal(json_string_value(json_array_get(argv, 2)), "two words");
	/* Enrichment checks the executable's identity before hashing it. */
	vg = json_object_get(e, "_vg");
	assert_int_equal(json_integer_value(json_object_get(vg, "dev")), (json_int_t)makedev(8, 1));
	assert_int_equal(json_integer_value(json_object_get(vg, "ino")), 77);
	/* And the parent's identity, so that it reads a parent from /proc once. */
	assert_int_equal(json_integer_value(json_object_get(vg, "parent_start")), START_NS - 1000);
	json_decref(e);
	free(x);
}

static void test_exit_uses_table(void **state)
{
	static const char args[] = "a";
	size_t size;
	struct vg_bpf_exec *x = exec_record(500, "/bin/sleep", "/", args, sizeof(args), &size);
	struct vg_bpf_exit ex = { 0 };
	json_t *e;

	(void)state;
	json_decref(vg_ebpf_decode(&dec, x, size));
	free(x);
	fill_proc(&ex.h, VG_BPF_EXIT, 500, "sleep");
	ex.h.size = sizeof(ex);
	ex.exit_code = 3 << 8;
	e = vg_ebpf_decode(&dec, &ex, sizeof(ex));
	assert_non_null(e);
	assert_int_equal(json_integer_value(json_object_get(e, "activity_id")), 2);
	assert_int_equal(json_integer_value(json_object_get(e, "exit_code")), 3);
	assert_string_equal(str_at(e, "process", "file", "path"), "/bin/sleep");
	json_decref(e);
	/* The process is gone from the table: a second exit of that pid has no path. */
	ex.exit_code = 9;   /* killed by SIGKILL */
	e = vg_ebpf_decode(&dec, &ex, sizeof(ex));
	assert_null(json_object_get(json_object_get(e, "process"), "file"));
	assert_null(json_object_get(e, "exit_code"));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(e, "unmapped"), "signal")), 9);
	json_decref(e);
}

static void test_pid_reuse(void **state)
{
	static const char args[] = "a";
	size_t size;
	struct vg_bpf_exec *x = exec_record(600, "/bin/old", "/", args, sizeof(args), &size);
	struct vg_bpf_exit ex = { 0 };
	json_t *e;

	(void)state;
	json_decref(vg_ebpf_decode(&dec, x, size));
	free(x);
	/* Another process with the same pid (a later start) is not the one in the table. */
	fill_proc(&ex.h, VG_BPF_EXIT, 600, "new");
	ex.h.proc.start_ns = START_NS + 1;
	ex.h.size = sizeof(ex);
	e = vg_ebpf_decode(&dec, &ex, sizeof(ex));
	assert_null(json_object_get(json_object_get(e, "process"), "file"));
	json_decref(e);
}

static struct vg_bpf_net net_record(uint32_t kind, int family)
{
	struct vg_bpf_net n;

	memset(&n, 0, sizeof(n));
	fill_proc(&n.h, kind, 700, "client");
	n.h.size = sizeof(n);
	n.family = (uint16_t)family;
	n.protocol = IPPROTO_TCP;
	n.local_port = 40000;
	n.remote_port = 443;
	if (family == AF_INET) {
		inet_pton(AF_INET, "10.0.0.1", n.local_addr);
		inet_pton(AF_INET, "10.0.0.2", n.remote_addr);
	} else {
		inet_pton(AF_INET6, "fd00::1", n.local_addr);
		inet_pton(AF_INET6, "fd00::2", n.remote_addr);
	}
	return n;
}

static void test_network(void **state)
{
	struct vg_bpf_net n = net_record(VG_BPF_CONNECT, AF_INET);
	json_t *e;

	(void)state;
	e = vg_ebpf_decode(&dec, &n, sizeof(n));
	assert_int_equal(json_integer_value(json_object_get(e, "activity_id")), 1);
	assert_string_equal(str_at(e, "dst_endpoint", "ip", NULL), "10.0.0.2");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(e, "src_endpoint"), "port")), 40000);
	assert_string_equal(str_at(e, "connection_info", "protocol_name", NULL), "tcp");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(e, "connection_info"), "direction_id")), 2);
	json_decref(e);

	/* Refused: a Refuse with the errno's name; the local port was given back. */
	n.error = ECONNREFUSED;
	n.local_port = 0;
	e = vg_ebpf_decode(&dec, &n, sizeof(n));
	assert_int_equal(json_integer_value(json_object_get(e, "activity_id")), 5);
	assert_string_equal(str_at(e, "status_code", NULL, NULL), "ECONNREFUSED");
	assert_null(json_object_get(json_object_get(e, "src_endpoint"), "port"));
	assert_string_equal(str_at(e, "src_endpoint", "ip", NULL), "10.0.0.1");
	json_decref(e);
	n.error = ETIMEDOUT;
	e = vg_ebpf_decode(&dec, &n, sizeof(n));
	assert_int_equal(json_integer_value(json_object_get(e, "activity_id")), 4);
	json_decref(e);

	/* Accepted: the remote end is the source. */
	n = net_record(VG_BPF_ACCEPT, AF_INET6);
	e = vg_ebpf_decode(&dec, &n, sizeof(n));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(e, "connection_info"), "direction_id")), 1);
	assert_string_equal(str_at(e, "src_endpoint", "ip", NULL), "fd00::2");
	assert_string_equal(str_at(e, "dst_endpoint", "ip", NULL), "fd00::1");
	json_decref(e);

	/* Listening: the local end only, the destination of what comes. */
	n = net_record(VG_BPF_LISTEN, AF_INET);
	e = vg_ebpf_decode(&dec, &n, sizeof(n));
	assert_int_equal(json_integer_value(json_object_get(e, "activity_id")), 7);
	assert_null(json_object_get(e, "src_endpoint"));
	assert_string_equal(str_at(e, "dst_endpoint", "ip", NULL), "10.0.0.1");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(e, "connection_info"), "direction_id")), 1);
	json_decref(e);

	/* UDP from an unbound socket: no local address, so no local endpoint (OCSF wants an
	 * address in one); its port is unmapped. */
	n = net_record(VG_BPF_UDP_SEND, AF_INET);
	n.protocol = IPPROTO_UDP;
	memset(n.local_addr, 0, sizeof(n.local_addr));
	e = vg_ebpf_decode(&dec, &n, sizeof(n));
	assert_string_equal(str_at(e, "connection_info", "protocol_name", NULL), "udp");
	assert_null(json_object_get(e, "src_endpoint"));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(e, "unmapped"), "local_port")), 40000);
	assert_int_equal(json_integer_value(json_object_get(e, "status_id")), 1);
	json_decref(e);
}

static void test_malformed(void **state)
{
	static const char args[] = "a";
	struct vg_bpf_net n = net_record(VG_BPF_CONNECT, AF_INET);
	struct vg_bpf_exit ex = { 0 };
	uint64_t before = dec.malformed;
	struct vg_bpf_exec *x;
	size_t size;

	(void)state;
	/* The size in the header must be the record's. */
	assert_null(vg_ebpf_decode(&dec, &n, sizeof(n) - 1));
	n.h.size = sizeof(n) + 8;
	assert_null(vg_ebpf_decode(&dec, &n, sizeof(n)));
	/* An unknown family, an unknown kind, a comm without its NUL. */
	n = net_record(VG_BPF_CONNECT, AF_UNIX);
	assert_null(vg_ebpf_decode(&dec, &n, sizeof(n)));
	n = net_record(99, AF_INET);
	assert_null(vg_ebpf_decode(&dec, &n, sizeof(n)));
	fill_proc(&ex.h, VG_BPF_EXIT, 1, "x");
	ex.h.size = sizeof(ex);
	memset(ex.h.proc.comm, 'A', sizeof(ex.h.proc.comm));
	assert_null(vg_ebpf_decode(&dec, &ex, sizeof(ex)));
	/* Lengths beyond the record, a path without its NUL. */
	x = exec_record(1, "/bin/x", "/", args, sizeof(args), &size);
	x->argv_len += 100;
	assert_null(vg_ebpf_decode(&dec, x, size));
	x->argv_len -= 100;
	((char *)(x + 1))[x->exe_len - 1] = 'y';
	assert_null(vg_ebpf_decode(&dec, x, size));
	free(x);
	assert_null(vg_ebpf_decode(&dec, &n, 4));
	assert_int_equal(dec.malformed - before, 8);
}

/* The table against a plain array: random sets and removals with pids that collide. */
static void test_proctable(void **state)
{
	enum { PIDS = 4000 };
	static uint64_t ref[PIDS];
	struct vg_proctable *t;
	unsigned seed = 1;

	(void)state;
	assert_int_equal(vg_proctable_new(&t, PIDS), 0);
	for (int round = 0; round < 60000; round++) {
		uint32_t pid = (uint32_t)(rand_r(&seed) % (PIDS - 1)) + 1;

		if (rand_r(&seed) % 3) {
			char exe[32];

			snprintf(exe, sizeof(exe), "/bin/p%u", pid);
			assert_int_equal(vg_proctable_set(t, pid, 1000 + (uint64_t)round, 0, exe, 1, pid), 0);
			ref[pid] = 1000 + (uint64_t)round;
		} else {
			vg_proctable_remove(t, pid);
			ref[pid] = 0;
		}
	}
	for (uint32_t pid = 1; pid < PIDS; pid++) {
		const struct vg_proc_entry *e = vg_proctable_find(t, pid, ref[pid]);

		if (ref[pid]) {
			char exe[32];

			snprintf(exe, sizeof(exe), "/bin/p%u", pid);
			assert_non_null(e);
			assert_string_equal(e->exe, exe);
			/* Another start time is another process. */
			assert_null(vg_proctable_find(t, pid, ref[pid] + 1));
		} else {
			assert_null(e);
		}
	}
	vg_proctable_free(t);

	/* Bounded: beyond max, new processes are refused and counted. */
	assert_int_equal(vg_proctable_new(&t, 2), 0);
	assert_int_equal(vg_proctable_set(t, 1, 1, 0, "/a", 0, 0), 0);
	assert_int_equal(vg_proctable_set(t, 2, 1, 0, "/b", 0, 0), 0);
	assert_int_equal(vg_proctable_set(t, 3, 1, 0, "/c", 0, 0), -ENOSPC);
	assert_int_equal(vg_proctable_set(t, 2, 5, 0, "/b2", 0, 0), 0);   /* a replacement fits */
	assert_int_equal(vg_proctable_refused(t), 1);
	vg_proctable_free(t);
}

/* Seeding from /proc finds this process, its executable and a start time in the past. */
static void test_proctable_seed(void **state)
{
	struct vg_proctable *t;
	const struct vg_proc_entry *e = NULL;
	char exe[4096];
	struct timespec boot;
	uint64_t now_ns;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	(void)state;
	assert_true(n > 0);
	exe[n] = '\0';
	assert_int_equal(vg_proctable_new(&t, 1 << 16), 0);
	assert_true(vg_proctable_seed(t, "/proc") > 0);
	clock_gettime(CLOCK_BOOTTIME, &boot);
	now_ns = (uint64_t)boot.tv_sec * 1000000000ull + (uint64_t)boot.tv_nsec;
	/* Found by any start time within its clock tick; the test started less than 10 min ago. */
	for (uint64_t back = 0; back < 600ull * 1000000000ull && !e; back += 1000000)
		e = vg_proctable_find(t, (uint32_t)getpid(), now_ns - back);
	assert_non_null(e);
	assert_string_equal(e->exe, exe);
	assert_true(e->start_ns > 0 && e->start_ns <= now_ns);
	vg_proctable_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exec),
		cmocka_unit_test(test_exit_uses_table),
		cmocka_unit_test(test_pid_reuse),
		cmocka_unit_test(test_network),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_proctable),
		cmocka_unit_test(test_proctable_seed),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
