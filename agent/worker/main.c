/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * vigil-worker: the agent's parser sandbox (agent/core/sandbox.c starts it).  It arrives
 * already without privileges — the user nobody, no capability, an empty bounding set,
 * PR_SET_NO_NEW_PRIVS — with its socket on descriptor 3, and confines itself further before
 * it reads anything: rlimits (memory beyond the program, CPU per request, no file, no core),
 * no other descriptor, "/" as its directory, not dumpable, then a seccomp allow-list of the
 * few system calls that parsing needs (reading and writing its socket, memory, time).  Any
 * other call kills it.  Then it answers requests, one at a time, until the agent goes.
 *
 *   vigil-worker MEMORY_MIB CPU_SECONDS
 *
 * Requests (agent/worker/frame.h), by "op":
 *   ioc.parse {file}, payload: the document   parses an OpenIOC document; answers
 *                                             {loaded: true, report: {...}} (what `ioc check`
 *                                             shows) or {loaded: false, error: {code, msgid,
 *                                             args, prefix, message}}
 *   ioc.tree {file}, payload: the document    parses an OpenIOC document for a scan or a live
 *                                             indicator; answers {loaded: true, tree: {...}}
 *                                             (vg_ioc_tree: no regular expression compiled) or
 *                                             {loaded: false, error: {...}}
 *   regex.match {pattern, preserve_case,      tests values against a `matches` pattern (PCRE2,
 *     match_limit, depth_limit, count},       vg_ioc_regex_local); answers {results: "10?..."}
 *     payload: count x (u32 length, bytes)    one character a value: match, no match, limit
 *   regex.match {dialect: "sigma", flags,     the same for a Sigma rule's regular expression
 *     pattern, match_limit, depth_limit,      (vg_sigma_regex_local; flags: its PCRE2 options);
 *     count}                                  count 0: only whether it compiles
 *   ping                                      {pong: true}
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "scan/report.h"
#include "vigil/error.h"
#include "vigil/ioc.h"
#include "vigil/sigma.h"
#include "worker/frame.h"

#define MAX_MEMORY_MIB 65536
#define MAX_CPU_SECONDS 3600
#ifdef VG_WORKER_TEST
#define LIFETIME_CPU_FACTOR 2       /* the test worker retires soon (vigil-test-busy.ioc) */
#else
#define LIFETIME_CPU_FACTOR 20      /* the worker retires after this many requests' worth of CPU */
#endif

static unsigned cpu_seconds;

static void fail(const char *what)
{
	/* stderr is the agent's (its log in the foreground); nothing else is open. */
	fprintf(stderr, "vigil-worker: %s: %s\n", what, strerror(errno));
	_exit(1);
}

static unsigned argument(const char *s, unsigned max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v == 0 || v > max) {
		errno = EINVAL;
		fail("bad argument");
	}
	return (unsigned)v;
}

/* The program's own size now (before any request), to which the memory allowed is added. */
static unsigned long long vm_size(void)
{
	FILE *f = fopen("/proc/self/statm", "re");
	unsigned long long pages = 0;

	if (!f || fscanf(f, "%llu", &pages) != 1)
		fail("/proc/self/statm");
	fclose(f);
	return pages * (unsigned long long)sysconf(_SC_PAGESIZE);
}

static void set_limit(int resource, rlim_t soft, rlim_t hard)
{
	struct rlimit rl = { soft, hard };

	if (setrlimit(resource, &rl) < 0)
		fail("setrlimit");
}

static void confine(unsigned memory_mib)
{
	struct rlimit cpu;
	/* Read before the process stops being dumpable (its /proc files are then root's). */
	rlim_t as = (rlim_t)vm_size() + (rlim_t)memory_mib * 1024 * 1024;

	if (syscall(SYS_close_range, VG_WORKER_FD + 1, ~0U, 0) < 0)
		fail("close_range");
	if (chdir("/") < 0)
		fail("chdir");
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		fail("PR_SET_DUMPABLE");
	set_limit(RLIMIT_AS, as, as);
	set_limit(RLIMIT_CORE, 0, 0);
	set_limit(RLIMIT_FSIZE, 0, 0);
	set_limit(RLIMIT_NPROC, 0, 0);
	set_limit(RLIMIT_MEMLOCK, 0, 0);
	set_limit(RLIMIT_NOFILE, VG_WORKER_FD + 1, VG_WORKER_FD + 1);
	/* CPU: the soft limit is moved before each request (run()); the hard one bounds the
	 * worker's whole life, after which it retires and the agent starts another. */
	if (getrlimit(RLIMIT_CPU, &cpu) < 0)
		fail("getrlimit");
	if ((rlim_t)cpu_seconds * LIFETIME_CPU_FACTOR < cpu.rlim_max)
		cpu.rlim_max = (rlim_t)cpu_seconds * LIFETIME_CPU_FACTOR;
	set_limit(RLIMIT_CPU, cpu_seconds < cpu.rlim_max ? cpu_seconds : cpu.rlim_max, cpu.rlim_max);
}

/* The allow-list: what the parsers and the C library need once started, nothing that opens,
 * connects, executes or signals.  Memory may never be made executable. */
static void seccomp_on(void)
{
	static const int allowed[] = {
		SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(recvfrom), SCMP_SYS(sendto), SCMP_SYS(close),
		SCMP_SYS(brk), SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(madvise),
		SCMP_SYS(futex), SCMP_SYS(clock_gettime), SCMP_SYS(clock_getres), SCMP_SYS(gettimeofday),
		SCMP_SYS(getrusage), SCMP_SYS(getrandom), SCMP_SYS(prlimit64), SCMP_SYS(getrlimit),
		SCMP_SYS(setrlimit), SCMP_SYS(fstat), SCMP_SYS(newfstatat), SCMP_SYS(rt_sigreturn),
		SCMP_SYS(rt_sigprocmask), SCMP_SYS(exit), SCMP_SYS(exit_group),
	};
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	int r = ctx ? 0 : -ENOMEM;

	for (size_t i = 0; r == 0 && i < sizeof(allowed) / sizeof(allowed[0]); i++)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0);
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1, SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
				     SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	if (r == 0)
		r = seccomp_load(ctx);
	seccomp_release(ctx);
	if (r < 0) {
		errno = -r;
		fail("seccomp");
	}
}

static void send_all(const void *p, size_t len)
{
	const unsigned char *c = p;

	while (len) {
		ssize_t n = write(VG_WORKER_FD, c, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(0);       /* the agent went */
		c += n;
		len -= (size_t)n;
	}
}

/* Reads exactly len bytes; false at the end of the agent's side. */
static bool recv_all(void *p, size_t len)
{
	unsigned char *c = p;

	while (len) {
		ssize_t n = read(VG_WORKER_FD, c, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		c += n;
		len -= (size_t)n;
	}
	return true;
}

static void answer(json_t *reply)
{
	char *text = reply ? json_dumps(reply, JSON_COMPACT) : NULL;
	unsigned char prefix[VG_FRAME_PREFIX];
	size_t len;

	if (!text)
		text = strdup("{\"error\":{\"code\":-12,\"msgid\":\"out of memory\",\"args\":[],"
			      "\"prefix\":\"\",\"message\":\"out of memory\"}}");
	if (!text)
		_exit(1);
	len = strlen(text);
	if (len + VG_FRAME_PREFIX > VG_FRAME_REPLY_MAX) {
		free(text);
		text = strdup("{\"error\":{\"code\":-27,\"msgid\":\"the answer is too large\",\"args\":[],"
			      "\"prefix\":\"\",\"message\":\"the answer is too large\"}}");
		if (!text)
			_exit(1);
		len = strlen(text);
	}
	vg_frame_put32(prefix, (uint32_t)(VG_FRAME_PREFIX + len));
	vg_frame_put32(prefix + 4, (uint32_t)len);
	send_all(prefix, sizeof(prefix));
	send_all(text, len);
	free(text);
	json_decref(reply);
}

static json_t *error_json(const struct vg_error *e)
{
	json_t *args = json_array();

	for (int i = 0; args && i < e->nargs && i < VG_ERROR_MAX_ARGS; i++)
		json_array_append_new(args, json_string(e->args[i]));
	return json_pack("{s:i, s:s, s:o, s:s, s:s}", "code", e->code, "msgid", e->msgid, "args",
			 args ? args : json_array(), "prefix", e->prefix, "message", e->message);
}

#ifdef VG_WORKER_TEST
/* The test build's worker (tests/agent/vigil-worker-test) misbehaves on purpose for documents
 * of these names, as a parser bug or a hostile document that took it over would make it: it
 * crashes, makes a forbidden system call, spins, eats memory, lies in its answer or breaks the
 * framing.  Returns the answer to give instead of the document's, or NULL.  The product's
 * worker has none of this. */
static json_t *misbehave(const char *file)
{
	const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;

	if (strcmp(base, "vigil-test-crash.ioc") == 0) {
		volatile int *nowhere = NULL;

		*nowhere = 1;
	} else if (strcmp(base, "vigil-test-syscall.ioc") == 0) {
		/* What an exploited parser would do first: read a file. */
		syscall(SYS_openat, AT_FDCWD, "/etc/passwd", O_RDONLY);
	} else if (strcmp(base, "vigil-test-spin.ioc") == 0) {
		for (volatile unsigned long i = 0;; i++)
			;
	} else if (strcmp(base, "vigil-test-memory.ioc") == 0) {
		/* Takes all it can (each block links to the previous), says how much, gives it back. */
		void **last = NULL, **p;
		size_t mib = 0;
		char text[32];
		struct vg_error e;

		while ((p = malloc(1024 * 1024))) {
			memset(p, 1, 1024 * 1024);
			*p = last;
			last = p;
			mib++;
		}
		while (last) {
			p = *last;
			free(last);
			last = p;
		}
		snprintf(text, sizeof(text), "%zu", mib);
		vg_error_set(&e, -ENOMEM, "memory ran out after %s MiB", text);
		return json_pack("{s:b, s:o}", "loaded", 0, "error", error_json(&e));
	} else if (strcmp(base, "vigil-test-busy.ioc") == 0) {
		/* Works hard (1.5 s of CPU) and then parses as usual: twice and it retires. */
		clock_t start = clock();

		while (clock() - start < CLOCKS_PER_SEC * 3 / 2)
			;
	} else if (strcmp(base, "vigil-test-forged.ioc") == 0) {
		/* A report with a term the agent does not know. */
		return json_pack("{s:b, s:{s:s, s:s, s:s, s:i, s:i, s:i, s:i, s:i, s:[s], s:[], s:[]}}", "loaded", 1,
				 "report", "id", "forged", "version", "1.1", "description", "", "indicators", 1, "items", 1,
				 "unsupported_items", 0, "empty_content", 0, "defect_count", 0, "supported_terms",
				 "FileItem/../../etc/shadow", "defects", "warnings");
	} else if (strcmp(base, "vigil-test-frame.ioc") == 0) {
		/* A frame longer than any answer may be, then nothing. */
		static const unsigned char huge[VG_FRAME_PREFIX] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
		unsigned char sink;

		send_all(huge, sizeof(huge));
		while (read(VG_WORKER_FD, &sink, 1) > 0)
			;
		_exit(0);
	}
	return NULL;
}

/* For a scan, besides the above: a forged tree (an item said valid whose term is not the
 * agent's), and a document that only this worker can read (not XML at all): a scan that
 * matches it shows that the agent never gave it to libxml2. */
static json_t *misbehave_tree(const char *file)
{
	const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	json_t *reply = misbehave(file);
	const char *term = NULL;

	if (reply)
		return reply;
	if (strcmp(base, "vigil-test-forged-tree.ioc") == 0)
		term = "FileItem/../../etc/shadow";
	else if (strcmp(base, "vigil-test-sandbox-only.ioc") == 0)
		term = "FileItem/FileName";
	if (!term)
		return NULL;
	return json_pack("{s:b, s:{s:i, s:i, s:s, s:s, s:i, s:[], s:[], s:[{s:s, s:s, s:[{s:s, s:s, s:s, s:s, "
			 "s:b, s:b, s:s, s:s, s:b}]}]}}", "loaded", 1, "tree", "format", 1, "version", 11, "id",
			 "sandbox-only", "description", "", "defects_total", 0, "defects", "warnings", "criteria", "node",
			 "OR", "id", "i1", "children", "node", "item", "id", "t1", "term", term, "condition", "is",
			 "negate", 0, "preserve_case", 0, "type", "string", "content", "vigil-sandbox-only-target",
			 "valid", 1);
}
#endif

/* ioc.parse (as_tree false: the report of ioc check) and ioc.tree (the document's plain tree). */
static json_t *ioc_parse(json_t *header, const char *doc, size_t len, bool as_tree)
{
	const char *file = json_string_value(json_object_get(header, "file"));
	struct vg_ioc_limits limits;
	struct vg_ioc *ioc = NULL;
	struct vg_error e;
	json_t *out;

	if (!file)
		file = "";
#ifdef VG_WORKER_TEST
	if ((out = as_tree ? misbehave_tree(file) : misbehave(file)))
		return out;
#endif
	vg_ioc_limits_init(&limits);
	vg_error_clear(&e);
	if (vg_ioc_load_memory(doc, len, file, &limits, &ioc, &e) < 0)
		return json_pack("{s:b, s:o}", "loaded", 0, "error", error_json(&e));
	out = as_tree ? vg_ioc_tree(ioc) : vg_scan_report_check(ioc, file);
	vg_ioc_free(ioc);
	return out ? json_pack("{s:b, s:o}", "loaded", 1, as_tree ? "tree" : "report", out) : NULL;
}

#define REGEX_PATTERN_MAX 65536
#define REGEX_VALUES_MAX 65536

static json_t *regex_error(int code, const char *msgid)
{
	struct vg_error e;

	vg_error_set(&e, code, "%s", msgid);
	return json_pack("{s:o}", "error", error_json(&e));
}

/* A Sigma rule's regular expression (its i, m, s options in flags) on each value; with no value,
 * whether it compiles. */
static int sigma_match(const char *pattern, size_t plen, uint32_t flags, uint32_t ml, uint32_t dl,
		       const char *const *values, const size_t *lens, size_t n, enum vg_ioc_truth *out)
{
	/* With values, matching them says whether it compiles (the detection sends one at a time:
	 * one compilation a request). */
	int r = n ? 0 : vg_sigma_regex_local(NULL, pattern, plen, flags, ml, dl, NULL, 0);

	for (size_t i = 0; i < n && r == 0; i++) {
		int m = vg_sigma_regex_local(NULL, pattern, plen, flags, ml, dl, values[i], lens[i]);

		if (m == -EINVAL || m == -ENOMEM)
			return m;
		out[i] = m > 0 ? VG_IOC_TRUE : m == 0 ? VG_IOC_FALSE : VG_IOC_UNKNOWN;
	}
	return r;
}

static json_t *regex_match(json_t *header, const unsigned char *payload, size_t len)
{
	const json_t *pattern = json_object_get(header, "pattern"), *count = json_object_get(header, "count");
	const json_t *ml = json_object_get(header, "match_limit"), *dl = json_object_get(header, "depth_limit");
	const json_t *pc = json_object_get(header, "preserve_case"), *dialect = json_object_get(header, "dialect");
	const json_t *flags = json_object_get(header, "flags");
	bool sigma = json_is_string(dialect) && strcmp(json_string_value(dialect), "sigma") == 0;
	const char **values = NULL;
	size_t *lens = NULL, n, at = 0;
	enum vg_ioc_truth *out = NULL;
	char *results = NULL;
	json_t *reply = NULL;
	int r;

	if (!json_is_string(pattern) || json_string_length(pattern) > REGEX_PATTERN_MAX ||
	    (dialect && !sigma) || (sigma ? !json_is_integer(flags) || json_integer_value(flags) < 0 ||
					     json_integer_value(flags) > UINT32_MAX : !json_is_boolean(pc)) ||
	    !json_is_integer(count) || json_integer_value(count) < 0 || json_integer_value(count) > REGEX_VALUES_MAX ||
	    !json_is_integer(ml) || json_integer_value(ml) <= 0 || json_integer_value(ml) > UINT32_MAX ||
	    !json_is_integer(dl) || json_integer_value(dl) <= 0 || json_integer_value(dl) > UINT32_MAX)
		return regex_error(-EINVAL, "malformed regex.match request");
#ifdef VG_WORKER_TEST
	/* A pattern that takes the worker over while it matches (not while it is only checked). */
	if (json_integer_value(count) > 0 && strcmp(json_string_value(pattern), "vigil-test-regex-crash") == 0) {
		volatile int *nowhere = NULL;

		*nowhere = 1;
	}
	/* One that PCRE2 compiles but this worker calls broken: a check made here, not in vigild. */
	if (strcmp(json_string_value(pattern), "vigil-test-regex-refused") == 0)
		return regex_error(-EINVAL, "the regular expression does not compile");
#endif
	n = (size_t)json_integer_value(count);
	values = calloc(n ? n : 1, sizeof(*values));
	lens = calloc(n ? n : 1, sizeof(*lens));
	out = calloc(n ? n : 1, sizeof(*out));
	results = malloc(n + 1);
	if (!values || !lens || !out || !results) {
		reply = regex_error(-ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (len - at < 4 || (lens[i] = vg_frame_get32(payload + at)) > len - at - 4) {
			reply = regex_error(-EINVAL, "malformed regex.match values");
			goto out;
		}
		values[i] = (const char *)payload + at + 4;
		at += 4 + lens[i];
	}
	if (at != len) {
		reply = regex_error(-EINVAL, "malformed regex.match values");
		goto out;
	}
	if (sigma)
		r = sigma_match(json_string_value(pattern), json_string_length(pattern), (uint32_t)json_integer_value(flags),
				(uint32_t)json_integer_value(ml), (uint32_t)json_integer_value(dl), values, lens, n, out);
	else
		r = vg_ioc_regex_local(NULL, json_string_value(pattern), json_string_length(pattern), json_is_true(pc),
				       (uint32_t)json_integer_value(ml), (uint32_t)json_integer_value(dl), values, lens, n,
				       out);
	if (r < 0) {
		reply = regex_error(r, r == -ENOMEM ? "out of memory" : "the regular expression does not compile");
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		results[i] = out[i] == VG_IOC_TRUE ? '1' : out[i] == VG_IOC_FALSE ? '0' : '?';
	results[n] = '\0';
	reply = json_pack("{s:s}", "results", results);
out:
	free(values);
	free(lens);
	free(out);
	free(results);
	return reply;
}

/* The CPU time used so far in whole seconds, one more than the count (the limit is in seconds).
 * User and system time are added before rounding: a busy loop on clock() is mostly system time,
 * and two parts rounded down apart lose up to two seconds, after which the worker would meet
 * its hard limit (SIGXCPU) instead of retiring. */
static rlim_t cpu_used(void)
{
	struct rusage ru;
	long usec;

	if (getrusage(RUSAGE_SELF, &ru) < 0)
		_exit(1);
	usec = ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
	return (rlim_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + usec / 1000000) + 1;
}

/* One request: the CPU time it may take is counted from now. */
static void run(json_t *header, const char *payload, size_t len)
{
	const char *op = json_string_value(json_object_get(header, "op"));
	struct rlimit cpu;

	if (getrlimit(RLIMIT_CPU, &cpu) < 0)
		_exit(1);
	rlim_t used = cpu_used();
	json_t *reply;
	bool retiring;

	set_limit(RLIMIT_CPU, used + cpu_seconds < cpu.rlim_max ? used + cpu_seconds : cpu.rlim_max, cpu.rlim_max);
	if (op && strcmp(op, "ioc.parse") == 0) {
		reply = ioc_parse(header, payload, len, false);
	} else if (op && strcmp(op, "ioc.tree") == 0) {
		reply = ioc_parse(header, payload, len, true);
	} else if (op && strcmp(op, "regex.match") == 0) {
		reply = regex_match(header, (const unsigned char *)payload, len);
	} else if (op && strcmp(op, "ping") == 0) {
		reply = json_pack("{s:b}", "pong", 1);
	} else {
		struct vg_error e;

		vg_error_set(&e, -EOPNOTSUPP, "unknown request %s", op ? op : "");
		reply = json_pack("{s:o}", "error", error_json(&e));
	}
	/* Too little CPU time left for another request: it says so with this answer and goes (the
	 * agent starts another for the next). */
	used = cpu_used();
	retiring = used + cpu_seconds > cpu.rlim_max;
	if (retiring && reply)
		json_object_set_new(reply, "retiring", json_true());
	answer(reply);
	if (retiring)
		_exit(0);
}

int main(int argc, char **argv)
{
	unsigned memory_mib;

	if (argc != 3) {
		fprintf(stderr, "usage: vigil-worker MEMORY_MIB CPU_SECONDS (started by vigild only)\n");
		return 2;
	}
	memory_mib = argument(argv[1], MAX_MEMORY_MIB);
	cpu_seconds = argument(argv[2], MAX_CPU_SECONDS);
	/* What reads the system's random source, done once before the filter. */
	json_object_seed(0);
	xmlInitParser();
	confine(memory_mib);
	seccomp_on();
	for (;;) {
		unsigned char prefix[VG_FRAME_PREFIX];
		uint32_t total, hlen;
		char *buf;
		json_t *header;

		if (!recv_all(prefix, sizeof(prefix)))
			_exit(0);
		total = vg_frame_get32(prefix);
		hlen = vg_frame_get32(prefix + 4);
		if (total < VG_FRAME_PREFIX || total > VG_FRAME_REQUEST_MAX || hlen > VG_FRAME_HEADER_MAX ||
		    hlen > total - VG_FRAME_PREFIX)
			_exit(1);
		if (!(buf = malloc(total - VG_FRAME_PREFIX + 1)))
			_exit(1);
		if (!recv_all(buf, total - VG_FRAME_PREFIX))
			_exit(0);
		header = json_loadb(buf, hlen, JSON_REJECT_DUPLICATES, NULL);
		if (!json_is_object(header))
			_exit(1);
		run(header, buf + hlen, total - VG_FRAME_PREFIX - hlen);
		json_decref(header);
		free(buf);
	}
}
