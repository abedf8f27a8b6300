/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * terminate: by pid, or every process whose executable is a given file (same inode) or has a
 * given SHA-256.  Every target is held by a pidfd first; its facts (start time, flags,
 * executable) are read from /proc only then, and trusted only if the pidfd shows the process
 * still alive afterwards, so that they were the facts of that very process.  Signals go
 * through the pidfd: a pid reused in the meantime is never hit.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "loop.h"
#include "nls.h"
#include "tasks/executors.h"
#include "vigil/error.h"

#define PF_KTHREAD_FLAG 0x00200000u
#define MAX_TARGETS 4096
#define MAX_PROC_ENTRIES 4000000
#define KILL_WAIT_MS 5000

/* Why a process was not terminated. */
enum reason {
	R_NONE,
	R_PID1,
	R_SELF,
	R_THREAD,
	R_GONE,
	R_KTHREAD,
	R_START_TIME,
	R_SIGNAL,
	R_STILL_RUNNING,
};

/* The reasons as they appear in a process's result ("error"), translated by the clients. */
static const char *const reason_text[] = {
	[R_NONE] = "",
	[R_PID1] = N_("pid 1 (init) is never terminated"),
	[R_SELF] = N_("the agent does not terminate itself"),
	[R_THREAD] = N_("not a process (a thread?)"),
	[R_GONE] = N_("no such process"),
	[R_KTHREAD] = N_("kernel threads are never terminated"),
	[R_START_TIME] = N_("the pid belongs to another process now (its start time differs)"),
	[R_SIGNAL] = N_("the signal could not be sent"),
	[R_STILL_RUNNING] = N_("still running after SIGKILL"),
};

struct target {
	pid_t pid;
	int pidfd;
	unsigned long long start;
	char exe[VG_TASK_PATH_MAX + 1];
	const char *outcome;  /* "terminated", "killed", "refused", "gone", "failed" */
	enum reason reason;
};

struct hash_cache {
	dev_t dev;
	ino_t ino;
	char sha256[65];
};

int vg_task_proc_stat(pid_t pid, unsigned long long *start, unsigned *flags)
{
	char path[64], buf[2048], *p;
	unsigned long long field;
	int fd, i;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -ESRCH;
	buf[n] = '\0';
	/* The command name may hold anything, ")" included: fields start after the last ")". */
	if (!(p = strrchr(buf, ')')))
		return -EINVAL;
	p++;
	for (i = 3; i <= 22; i++) {
		char *end;

		while (*p == ' ')
			p++;
		if (i == 3) {
			p++;
			continue;
		}
		field = strtoull(p, &end, 10);
		if (end == p)
			return -EINVAL;
		p = end;
		if (i == 9)
			*flags = (unsigned)field;
		if (i == 22)
			*start = field;
	}
	return 0;
}

static bool exited(int pidfd)
{
	struct pollfd pf = { pidfd, POLLIN, 0 };

	return poll(&pf, 1, 0) > 0 && (pf.revents & POLLIN);
}

static void set_outcome(struct target *t, const char *outcome, enum reason reason)
{
	t->outcome = outcome;
	t->reason = reason;
}

/* The task's error when it was about one process: one whole sentence per reason. */
static int one_target_error(struct vg_error *err, int code, const struct target *t)
{
	char pid[16];

	snprintf(pid, sizeof(pid), "%d", (int)t->pid);
	switch (t->reason) {
	case R_PID1:
		return vg_error_set(err, code, N_("process %s: pid 1 (init) is never terminated"), pid);
	case R_SELF:
		return vg_error_set(err, code, N_("process %s is the agent itself, which does not terminate itself"), pid);
	case R_THREAD:
		return vg_error_set(err, code, N_("%s is not a process (a thread?)"), pid);
	case R_GONE:
		return vg_error_set(err, code, N_("no process %s"), pid);
	case R_KTHREAD:
		return vg_error_set(err, code, N_("process %s is a kernel thread; kernel threads are never terminated"), pid);
	case R_START_TIME:
		return vg_error_set(err, code, N_("pid %s belongs to another process now (its start time differs); nothing was done"),
				    pid);
	case R_SIGNAL:
		return vg_error_set(err, code, N_("process %s: the signal could not be sent"), pid);
	default:
		return vg_error_set(err, code, N_("process %s is still running after SIGKILL"), pid);
	}
}

/* Takes hold of pid (through held, a pidfd taken earlier, when >= 0) and checks it may be
 * terminated.  Returns false when pid is no process. */
static bool hold(struct vg_task_ctx *ctx, pid_t pid, int held, unsigned long long expect_start, bool check_start,
		 struct target *t)
{
	unsigned flags = 0;
	char link[64];
	ssize_t n;

	memset(t, 0, sizeof(*t));
	t->pid = pid;
	t->pidfd = -1;
	if (pid == 1) {
		set_outcome(t, "refused", R_PID1);
		return true;
	}
	if (ctx->self && pid == ctx->self->pid) {
		set_outcome(t, "refused", R_SELF);
		return true;
	}
	t->pidfd = held >= 0 ? fcntl(held, F_DUPFD_CLOEXEC, 0) : pidfd_open(pid, 0);
	if (t->pidfd < 0) {
		bool thread = errno == EINVAL;

		set_outcome(t, "gone", thread ? R_THREAD : R_GONE);
		return thread;
	}
	if (vg_task_proc_stat(pid, &t->start, &flags) < 0 || exited(t->pidfd)) {
		set_outcome(t, "gone", R_GONE);
		return false;
	}
	snprintf(link, sizeof(link), "/proc/%d/exe", (int)pid);
	n = readlink(link, t->exe, sizeof(t->exe) - 1);
	t->exe[n < 0 ? 0 : n] = '\0';
	/* Read after the pidfd was taken: if it is still alive, all of this was about it. */
	if (exited(t->pidfd)) {
		set_outcome(t, "gone", R_GONE);
		return false;
	}
	if (flags & PF_KTHREAD_FLAG)
		set_outcome(t, "refused", R_KTHREAD);
	else if (check_start && t->start != expect_start)
		set_outcome(t, "refused", R_START_TIME);
	return true;
}

/* Waits until every held target has exited or ms have passed. */
static void wait_all(struct vg_task_ctx *ctx, struct target *t, size_t n, uint64_t ms)
{
	uint64_t until = vg_now_ms() + ms;

	for (;;) {
		bool alive = false;

		for (size_t i = 0; i < n; i++)
			if (!t[i].outcome && t[i].pidfd >= 0 && !exited(t[i].pidfd))
				alive = true;
		if (!alive || vg_now_ms() >= until || vg_task_cancelled(ctx))
			return;
		usleep(20000);
	}
}

static void signal_all(struct target *t, size_t n, int sig)
{
	for (size_t i = 0; i < n; i++)
		if (!t[i].outcome && !exited(t[i].pidfd) && pidfd_send_signal(t[i].pidfd, sig, NULL, 0) < 0 &&
		    errno != ESRCH)
			set_outcome(&t[i], "failed", R_SIGNAL);
}

static int exe_sha256(struct vg_task_ctx *ctx, pid_t pid, struct hash_cache *cache, size_t *ncache,
		      char out[65])
{
	char path[64], md5[33];
	struct stat st;
	uint64_t size;
	struct vg_error ignored;
	int fd, r;

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > ctx->file_max) {
		close(fd);
		return -EINVAL;
	}
	for (size_t i = 0; i < *ncache; i++)
		if (cache[i].dev == st.st_dev && cache[i].ino == st.st_ino) {
			memcpy(out, cache[i].sha256, 65);
			close(fd);
			return 0;
		}
	r = vg_task_hash_fd(ctx, fd, -1, ctx->file_max, &size, md5, out, &ignored);
	close(fd);
	if (r == 0 && *ncache < 256) {
		cache[*ncache].dev = st.st_dev;
		cache[*ncache].ino = st.st_ino;
		memcpy(cache[*ncache].sha256, out, 65);
		(*ncache)++;
	}
	return r;
}

/* The pid a pidfd holds (its fdinfo says), or -1. */
static pid_t pidfd_pid(int pidfd)
{
	char path[64], buf[1024], *p;
	size_t len;
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", pidfd);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	len = n > 0 ? (size_t)n : 0;
	buf[len] = '\0';
	p = strstr(buf, "\nPid:");
	return p ? (pid_t)strtol(p + 5, NULL, 10) : -1;
}

/* The executable named by --exe: the file itself, resolved without following any symbolic
 * link.  A link is refused: a process never runs a link, and following it would let whoever
 * owns the link choose what is terminated (a "miner" link to /usr/sbin/sshd). */
static int exe_file(struct vg_task_ctx *ctx, const char *exe, struct stat *st, struct vg_error *err)
{
	char name[VG_TASK_PATH_MAX + 1], target[VG_TASK_PATH_MAX + 1];
	int dirfd = -1, fd = -1, r;
	ssize_t n;

	if ((r = vg_task_open_parent(ctx, exe, &dirfd, name, err)) < 0)
		return r;
	r = vg_task_open_entry(ctx, dirfd, name, exe, &fd, st, err);
	close(dirfd);
	if (r < 0)
		return r;
	if (S_ISLNK(st->st_mode)) {
		n = readlinkat(fd, "", target, sizeof(target) - 1);
		target[n < 0 ? 0 : n] = '\0';
		close(fd);
		return vg_error_set(err, -ELOOP,
				    N_("%s is a symbolic link (to %s); a process runs a file, never a link: name the file itself"),
				    exe, target);
	}
	close(fd);
	if (!S_ISREG(st->st_mode))
		return vg_error_set(err, -EINVAL, N_("%s: not a regular file"), exe);
	return 0;
}

/* Every process whose executable is the inode of exe_st, or whose content hashes to sha256. */
static int collect(struct vg_task_ctx *ctx, const struct stat *exe_st, const char *sha256, struct target *t,
		   size_t *n, struct vg_error *err)
{
	struct hash_cache *cache = calloc(256, sizeof(*cache));
	size_t ncache = 0, seen = 0;
	DIR *d = opendir("/proc");
	struct dirent *de;

	if (!d || !cache) {
		free(cache);
		if (d)
			closedir(d);
		return vg_error_set(err, -EIO, N_("cannot read the process list: %s"), strerror(errno));
	}
	while ((de = readdir(d)) && seen++ < MAX_PROC_ENTRIES) {
		char path[64], sum[65], *end;
		long pid = strtol(de->d_name, &end, 10);
		struct stat st;

		if (*end || pid <= 0 || vg_task_cancelled(ctx))
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/exe", pid);
		if (stat(path, &st) < 0)
			continue;
		if (exe_st && (st.st_dev != exe_st->st_dev || st.st_ino != exe_st->st_ino))
			continue;
		if (sha256 && (exe_sha256(ctx, (pid_t)pid, cache, &ncache, sum) < 0 || strcmp(sum, sha256) != 0))
			continue;
		if (*n >= MAX_TARGETS)
			break;
		if (hold(ctx, (pid_t)pid, -1, 0, false, &t[*n]))
			(*n)++;
		else if (t[*n].pidfd >= 0)
			close(t[*n].pidfd);
	}
	closedir(d);
	free(cache);
	if (vg_task_cancelled(ctx))
		return vg_error_set(err, -ECANCELED, N_("cancelled"));
	return 0;
}

int vg_task_terminate(struct vg_task_ctx *ctx, const json_t *args, json_t **result, struct vg_error *err)
{
	const json_t *jpid = json_object_get(args, "pid"), *jstart = json_object_get(args, "start_time");
	const json_t *jgrace = json_object_get(args, "grace_seconds");
	unsigned grace;
	struct target *t = calloc(MAX_TARGETS, sizeof(*t));
	char want[65];
	const char *exe = NULL;
	size_t n = 0, done = 0, refused = 0;
	bool by_hash = false;
	struct stat exe_st;
	json_t *pids;
	int r = 0;

	*result = NULL;
	if (!t)
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	if ((r = vg_task_sha256_arg(args, want, &by_hash, err)) < 0)
		goto refuse;
	if (json_object_get(args, "exe") && (r = vg_task_path_arg(args, "exe", &exe, err)) < 0)
		goto refuse;
	if ((jpid != NULL) + (exe != NULL) + by_hash != 1) {
		r = vg_error_set(err, -EINVAL, N_("give exactly one of \"pid\", \"exe\" and \"sha256\""));
		goto refuse;
	}
	if (jpid) {
		json_int_t pid = json_integer_value(jpid);

		if (!json_is_integer(jpid) || pid <= 0 || pid > 4194304 || (jstart && !json_is_integer(jstart))) {
			r = vg_error_set(err, -EINVAL, N_("\"pid\" must be a process id (and \"start_time\" a number)"));
			goto refuse;
		}
		/* An IOC match hands over the pidfd it took: the process it matched, or nothing. */
		pid_t held = ctx->pidfd >= 0 ? pidfd_pid(ctx->pidfd) : 0;

		if (held > 0 && held != (pid_t)pid) {
			char text[32];

			snprintf(text, sizeof(text), "%lld", (long long)pid);
			r = vg_error_set(err, -EINVAL, N_("the process held for this task is not pid %s"), text);
			goto refuse;
		}
		if (!hold(ctx, (pid_t)pid, ctx->pidfd, (unsigned long long)json_integer_value(jstart), jstart != NULL,
			  &t[0])) {
			char text[32];

			snprintf(text, sizeof(text), "%lld", (long long)pid);
			r = vg_error_set(err, -ESRCH, N_("no process %s"), text);
			if (t[0].pidfd >= 0)
				close(t[0].pidfd);
			t[0].pidfd = -1;
			n = 1;
			goto report;
		}
		n = 1;
	} else {
		if (exe && (r = exe_file(ctx, exe, &exe_st, err)) < 0)
			goto refuse;
		if ((r = collect(ctx, exe ? &exe_st : NULL, by_hash ? want : NULL, t, &n, err)) < 0)
			goto report;
		if (n == 0) {
			r = vg_error_set(err, -ESRCH, N_("no running process matches"));
			goto report;
		}
	}
	vg_task_pause(ctx, "terminate:checked");
	/* A detection's block asks for no grace: SIGKILL at once, no SIGTERM that the process
	 * could catch to go on a little longer. */
	grace = json_is_integer(jgrace) && json_integer_value(jgrace) >= 0 && json_integer_value(jgrace) < ctx->terminate_grace
			? (unsigned)json_integer_value(jgrace) : ctx->terminate_grace;
	if (grace > 0) {
		signal_all(t, n, SIGTERM);
		wait_all(ctx, t, n, (uint64_t)grace * 1000);
	}
	for (size_t i = 0; i < n; i++)
		if (!t[i].outcome && exited(t[i].pidfd))
			set_outcome(&t[i], "terminated", R_NONE);
	signal_all(t, n, SIGKILL);
	wait_all(ctx, t, n, KILL_WAIT_MS);
	for (size_t i = 0; i < n; i++)
		if (!t[i].outcome)
			set_outcome(&t[i], exited(t[i].pidfd) ? "killed" : "failed",
				    exited(t[i].pidfd) ? R_NONE : R_STILL_RUNNING);
report:
	pids = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_pack("{s:i, s:I, s:s, s:s}", "pid", (int)t[i].pid, "start_time", (json_int_t)t[i].start,
				      "exe", t[i].exe, "result", t[i].outcome ? t[i].outcome : "failed");

		if (t[i].reason != R_NONE)
			json_object_set_new(e, "error", json_string(reason_text[t[i].reason]));
		json_array_append_new(pids, e);
		if (t[i].outcome && (strcmp(t[i].outcome, "terminated") == 0 || strcmp(t[i].outcome, "killed") == 0))
			done++;
		if (t[i].outcome && strcmp(t[i].outcome, "refused") == 0)
			refused++;
		if (t[i].pidfd >= 0)
			close(t[i].pidfd);
	}
	*result = json_pack("{s:o}", "pids", pids);
	if (r == 0 && done < n) {
		char a[16], b[16];

		snprintf(a, sizeof(a), "%zu", n - done);
		snprintf(b, sizeof(b), "%zu", n);
		if (refused == n)
			ctx->refused = true;
		if (n == 1)
			r = one_target_error(err, ctx->refused ? -EPERM : -EIO, &t[0]);
		else
			r = vg_error_set(err, ctx->refused ? -EPERM : -EIO, N_("%s of %s processes were not terminated"), a, b);
	}
	free(t);
	return r;
refuse:
	ctx->refused = true;
	free(t);
	return r;
}
