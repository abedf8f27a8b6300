/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * run: fork and exec an executable directly (no shell), with its arguments, working directory,
 * environment and user, in a cgroup of its own (cgroup.c): everything it starts — in the
 * background, in a new session — is killed when it ends, times out or is cancelled, and the
 * result lists what was killed.  Without cgroup v2, its process group is killed instead.
 * stdout and stderr are kept up to 1 MiB each, the rest counted.
 *
 * Everything the child needs is prepared before fork: the worker shares the agent's process,
 * so between fork and exec the child calls only async-signal-safe functions.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/openat2.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "loop.h"
#include "nls.h"
#include "tasks/executors.h"
#include "tasks/request.h"
#include "vigil/error.h"

#define MAX_GROUPS 256
#define MAX_TIMEOUT 86400
#define DRAIN_MS 2000 /* reading on after the child ended, for what its descendants still write */

struct run_spec {
	const char *exe;
	const char *cwd;
	char **argv;
	char **envp;
	char *env_store[VG_TASK_MAX_ENV + 8];
	size_t nenv;
	uid_t uid;
	gid_t gid;
	gid_t groups[MAX_GROUPS];
	int ngroups;
	char user[64];
	char home[256];
	unsigned timeout;
	pid_t agent_pid;
};

struct capture {
	char *buf;
	size_t len;
	uint64_t dropped;
	int fd;
};

enum { STAGE_SETUP, STAGE_CGROUP, STAGE_CWD, STAGE_USER, STAGE_EXEC };

struct child_error {
	int stage;
	int code;
};

static bool valid_string(const json_t *v, size_t max)
{
	return json_is_string(v) && strlen(json_string_value(v)) == json_string_length(v) &&
	       json_string_length(v) <= max;
}

static void free_spec(struct run_spec *s)
{
	free(s->argv);
	for (size_t i = 0; i < s->nenv; i++)
		free(s->env_store[i]);
	free(s->envp);
}

/* Sets or replaces one "K=V" in the environment being built. */
static int env_put(struct run_spec *s, const char *kv)
{
	size_t klen = (size_t)(strchr(kv, '=') - kv);
	char *copy;

	if (s->nenv >= VG_TASK_MAX_ENV + 8)
		return -E2BIG;
	if (!(copy = strdup(kv)))
		return -ENOMEM;
	for (size_t i = 0; i < s->nenv; i++)
		if (strncmp(s->env_store[i], kv, klen + 1) == 0) {
			free(s->env_store[i]);
			s->env_store[i] = copy;
			return 0;
		}
	s->env_store[s->nenv++] = copy;
	return 0;
}

static int find_user(struct vg_task_ctx *ctx, const char *name, struct run_spec *s, struct vg_error *err)
{
	struct passwd pw, *found;
	char buf[4096];

	if (vg_task_user_lookup(name, &pw, buf, sizeof(buf), &found) < 0) {
		ctx->refused = true;
		return vg_error_set(err, -ENOENT, N_("no user \"%s\" on this host"), name);
	}
	s->uid = found->pw_uid;
	s->gid = found->pw_gid;
	snprintf(s->user, sizeof(s->user), "%s", found->pw_name);
	snprintf(s->home, sizeof(s->home), "%s", found->pw_dir ? found->pw_dir : "/");
	s->ngroups = MAX_GROUPS;
	if (getgrouplist(found->pw_name, found->pw_gid, s->groups, &s->ngroups) < 0) {
		s->groups[0] = found->pw_gid;
		s->ngroups = 1;
	}
	return 0;
}

static int build_spec(struct vg_task_ctx *ctx, const json_t *args, struct run_spec *s, struct vg_error *err)
{
	const json_t *argv = json_object_get(args, "args"), *env = json_object_get(args, "env");
	const json_t *user = json_object_get(args, "user"), *timeout = json_object_get(args, "timeout");
	char kv[512];
	size_t n = 0, i;
	json_t *v;
	int r;

	if ((r = vg_task_path_arg(args, "exe", &s->exe, err)) < 0)
		return r;
	s->cwd = "/";
	if (json_object_get(args, "cwd") && (r = vg_task_path_arg(args, "cwd", &s->cwd, err)) < 0)
		return r;
	if (argv && !json_is_array(argv))
		return vg_error_set(err, -EINVAL, N_("\"%s\" must be an array of strings"), "args");
	if (json_array_size(argv) >= VG_TASK_MAX_ARGS)
		return vg_error_set(err, -E2BIG, N_("too many arguments (at most %s)"), "1023");
	if (!(s->argv = calloc(json_array_size(argv) + 2, sizeof(char *))))
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	s->argv[n++] = (char *)s->exe;
	json_array_foreach(argv, i, v) {
		if (!valid_string(v, VG_TASK_MAX_ARG_LEN))
			return vg_error_set(err, -EINVAL, N_("\"%s\" must be an array of strings"), "args");
		s->argv[n++] = (char *)json_string_value(v);
	}
	if (user && !json_is_null(user) && !valid_string(user, 63))
		return vg_error_set(err, -EINVAL, N_("\"%s\" must be a user name or number"), "user");
	if ((r = find_user(ctx, user && json_string_length(user) ? json_string_value(user) : ctx->run_default_user,
			   s, err)) < 0)
		return r;
	s->timeout = ctx->run_default_timeout;
	if (timeout && !json_is_null(timeout)) {
		if (!json_is_integer(timeout) || json_integer_value(timeout) < 1 || json_integer_value(timeout) > MAX_TIMEOUT)
			return vg_error_set(err, -EINVAL, N_("\"timeout\" must be a number of seconds from 1 to 86400"));
		s->timeout = (unsigned)json_integer_value(timeout);
	}
	/* A small clean environment for the user, then the caller's variables over it. */
	snprintf(kv, sizeof(kv), "HOME=%s", s->home);
	r = env_put(s, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	if (r == 0)
		r = env_put(s, kv);
	snprintf(kv, sizeof(kv), "USER=%s", s->user);
	if (r == 0)
		r = env_put(s, kv);
	snprintf(kv, sizeof(kv), "LOGNAME=%s", s->user);
	if (r == 0)
		r = env_put(s, kv);
	if (r < 0)
		return vg_error_set(err, r, N_("out of memory"));
	if (env && !json_is_array(env))
		return vg_error_set(err, -EINVAL, N_("\"%s\" must be an array of strings"), "env");
	if (json_array_size(env) > VG_TASK_MAX_ENV)
		return vg_error_set(err, -E2BIG, N_("too many environment variables (at most %s)"), "256");
	json_array_foreach(env, i, v) {
		const char *text = json_string_value(v);

		if (!valid_string(v, VG_TASK_MAX_ARG_LEN) || !strchr(text, '=') || text[0] == '=')
			return vg_error_set(err, -EINVAL, N_("an environment entry must look like NAME=VALUE"));
		if ((r = env_put(s, text)) < 0)
			return vg_error_set(err, r, N_("out of memory"));
	}
	if (!(s->envp = calloc(s->nenv + 1, sizeof(char *))))
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	memcpy(s->envp, s->env_store, s->nenv * sizeof(char *));
	return 0;
}

/* The child, between fork and exec: async-signal-safe calls only. */
static __attribute__((noreturn)) void child(const struct run_spec *s, int out, int errfd, int report, int cgroup_procs)
{
	struct child_error ce = { STAGE_SETUP, 0 };
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t none;
	int null;

	sigemptyset(&none);
	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &dfl, NULL);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setpgid(0, 0);
	/* Into the task's cgroup first, as root, before anything else runs: whatever the program
	 * starts is born there. */
	ce.stage = STAGE_CGROUP;
	if (cgroup_procs >= 0 && write(cgroup_procs, "0", 1) < 0)
		goto fail;
	ce.stage = STAGE_SETUP;
	null = open("/dev/null", O_RDWR);
	if (null < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(errfd, 2) < 0)
		goto fail;
	/* The agent's descriptors stay with the agent (the report pipe closes at exec). */
	close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
	umask(022); /* the agent's own is 077: a program run for the administrator gets the usual one */
	ce.stage = STAGE_CWD;
	if (chdir(s->cwd) < 0)
		goto fail;
	ce.stage = STAGE_USER;
	if (setgroups((size_t)s->ngroups, s->groups) < 0 || setgid(s->gid) < 0 || setuid(s->uid) < 0)
		goto fail;
	/* A task is supervised (timeout, cancel) or it does not run: if the agent dies, so does the
	 * program.  Set after setuid, which clears it; getppid catches an agent already gone. */
	ce.stage = STAGE_SETUP;
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != s->agent_pid)
		goto fail;
	ce.stage = STAGE_EXEC;
	execve(s->exe, s->argv, s->envp);
fail:
	ce.code = errno;
	if (write(report, &ce, sizeof(ce)) < 0)
		_exit(127);
	_exit(127);
}

static void capture_read(struct capture *c)
{
	char tmp[65536];
	ssize_t n = read(c->fd, tmp, sizeof(tmp));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		close(c->fd);
		c->fd = -1;
		return;
	}
	size_t keep = (size_t)n;

	if (c->len + keep > VG_TASK_OUTPUT_MAX)
		keep = VG_TASK_OUTPUT_MAX - c->len;
	memcpy(c->buf + c->len, tmp, keep);
	c->len += keep;
	c->dropped += (uint64_t)n - keep;
}

/* Output as a JSON string: invalid UTF-8 bytes become U+FFFD, so that any output travels. */
static json_t *utf8_json(const char *p, size_t len)
{
	char *out = malloc(len * 3 + 1);
	size_t o = 0, i = 0;
	json_t *j;

	if (!out)
		return json_string("");
	while (i < len) {
		unsigned char c = (unsigned char)p[i];
		size_t n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
		bool ok = n > 0 && i + n <= len && !(n == 2 && c < 0xc2) && !(n == 4 && c > 0xf4);

		for (size_t k = 1; ok && k < n; k++)
			ok = ((unsigned char)p[i + k] & 0xc0) == 0x80;
		if (ok && n == 3) {
			unsigned cp = ((c & 0x0fu) << 12) | (((unsigned char)p[i + 1] & 0x3fu) << 6);

			ok = cp >= 0x800 && (cp < 0xd800 || cp > 0xdfff);
		}
		if (ok && n == 4) {
			unsigned cp = ((c & 0x07u) << 18) | (((unsigned char)p[i + 1] & 0x3fu) << 12);

			ok = cp >= 0x10000 && cp <= 0x10ffff;
		}
		if (ok && c != 0) {
			memcpy(out + o, p + i, n);
			o += n;
			i += n;
		} else {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
		}
	}
	j = json_stringn(out, o);
	free(out);
	return j ? j : json_string("");
}

static int stage_error(struct vg_error *err, const struct run_spec *s, const struct child_error *ce)
{
	const char *why = strerror(ce->code);

	switch (ce->stage) {
	case STAGE_CWD:
		return vg_error_set(err, -ce->code, N_("cannot enter the working directory %s: %s"), s->cwd, why);
	case STAGE_USER:
		return vg_error_set(err, -ce->code, N_("cannot become the user %s: %s"), s->user, why);
	case STAGE_EXEC:
		return vg_error_set(err, -ce->code, N_("cannot execute %s: %s"), s->exe, why);
	case STAGE_CGROUP:
		return vg_error_set(err, -ce->code, N_("cannot move the process %s into its cgroup: %s"), s->exe, why);
	default:
		return vg_error_set(err, -ce->code, N_("cannot prepare the process %s: %s"), s->exe, why);
	}
}

/* The executable as the other tasks see files: a regular file, not under /proc, /sys or /dev
 * (/proc/self/exe would be the agent), not the agent's own binary. */
static int check_exe(struct vg_task_ctx *ctx, const char *exe, struct vg_error *err)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_NO_MAGICLINKS };
	struct stat st;
	int fd = (int)syscall(SYS_openat2, AT_FDCWD, exe, &how, sizeof(how)), r;

	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		ctx->refused = true;
		return vg_error_set(err, -ENOENT, N_("%s: no such executable file"), exe);
	}
	r = vg_task_check_fd(ctx, fd, exe, err);
	close(fd);
	return r;
}

/* Kills what the run left (cgroup.kill), or its process group without a cgroup; what was in the
 * cgroup joins killed. */
static void kill_run(struct vg_task_cgroup *tc, pid_t pid, json_t *killed)
{
	json_t *now;

	if (!tc->dir[0]) {
		kill(-pid, SIGKILL);
		return;
	}
	if ((now = vg_task_cgroup_kill(tc))) {
		json_array_extend(killed, now);
		json_decref(now);
	}
}

int vg_task_run(struct vg_task_ctx *ctx, const json_t *args, json_t **result, struct vg_error *err)
{
	struct vg_task_cgroup tc = { .procs_fd = -1 };
	json_t *killed = json_array();
	bool swept = false;
	struct run_spec s = { 0 };
	struct capture cap[2] = { { .fd = -1 }, { .fd = -1 } };
	int outp[2] = { -1, -1 }, errp[2] = { -1, -1 }, rep[2] = { -1, -1 }, pidfd = -1, status = 0, r;
	struct child_error ce;
	uint64_t start = vg_now_ms(), deadline, ended_at = 0;
	bool exited = false, timed_out = false, cancelled = false;
	pid_t pid;
	ssize_t n;

	*result = NULL;
	if ((r = build_spec(ctx, args, &s, err)) < 0) {
		ctx->refused = true;
		goto out;
	}
	if ((r = check_exe(ctx, s.exe, err)) < 0)
		goto out;
	cap[0].buf = malloc(VG_TASK_OUTPUT_MAX);
	cap[1].buf = malloc(VG_TASK_OUTPUT_MAX);
	if (!cap[0].buf || !cap[1].buf) {
		r = vg_error_set(err, -ENOMEM, N_("out of memory"));
		goto out;
	}
	if ((r = vg_task_cgroup_make(ctx->cgroups, ctx->id, ctx->run_memory_max, ctx->run_pids_max, &tc, err)) < 0)
		goto out;
	if (pipe2(outp, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0 || pipe2(rep, O_CLOEXEC) < 0) {
		r = vg_error_set(err, -errno, N_("cannot prepare the process %s: %s"), s.exe, strerror(errno));
		goto out;
	}
	s.agent_pid = getpid();
	pid = fork();
	if (pid < 0) {
		r = vg_error_set(err, -errno, N_("cannot prepare the process %s: %s"), s.exe, strerror(errno));
		goto out;
	}
	if (pid == 0)
		child(&s, outp[1], errp[1], rep[1], tc.procs_fd);
	/* Also here, so that a kill of the group cannot come before the child made it. */
	setpgid(pid, pid);
	close(outp[1]);
	close(errp[1]);
	close(rep[1]);
	outp[1] = errp[1] = rep[1] = -1;
	do
		n = read(rep[0], &ce, sizeof(ce));
	while (n < 0 && errno == EINTR);
	if (n == (ssize_t)sizeof(ce)) {
		waitpid(pid, NULL, 0);
		if (ce.stage == STAGE_USER || ce.stage == STAGE_CWD)
			ctx->refused = true;
		r = stage_error(err, &s, &ce);
		goto out;
	}
	cap[0].fd = outp[0];
	cap[1].fd = errp[0];
	outp[0] = errp[0] = -1;
	fcntl(cap[0].fd, F_SETFL, O_NONBLOCK);
	fcntl(cap[1].fd, F_SETFL, O_NONBLOCK);
	pidfd = pidfd_open(pid, 0);
	deadline = start + (uint64_t)s.timeout * 1000;
	for (;;) {
		struct pollfd pf[3] = { { cap[0].fd, POLLIN, 0 }, { cap[1].fd, POLLIN, 0 }, { pidfd, POLLIN, 0 } };
		uint64_t now = vg_now_ms();

		/* The program ended: what it started goes with it (the pipes then close). */
		if (exited && !swept && tc.dir[0]) {
			kill_run(&tc, pid, killed);
			swept = true;
		}
		if (exited && ((cap[0].fd < 0 && cap[1].fd < 0) || now >= ended_at + DRAIN_MS))
			break;
		if (!exited && !timed_out && !cancelled && now >= deadline) {
			timed_out = true;
			kill_run(&tc, pid, killed);
		}
		if (!exited && !timed_out && !cancelled && vg_task_cancelled(ctx)) {
			cancelled = true;
			kill_run(&tc, pid, killed);
		}
		if (pidfd < 0)
			pf[2].fd = -1;
		if (poll(pf, 3, 100) < 0 && errno != EINTR)
			break;
		for (int i = 0; i < 2; i++)
			if (cap[i].fd >= 0 && (pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
				capture_read(&cap[i]);
		if (!exited && (pidfd < 0 || (pf[2].revents & POLLIN))) {
			pid_t w = waitpid(pid, &status, pidfd < 0 ? WNOHANG : 0);

			if (w == pid) {
				exited = true;
				ended_at = vg_now_ms();
			}
		}
	}
	*result = json_pack("{s:i, s:s, s:o, s:o, s:b, s:b, s:I}", "pid", (int)pid, "user", s.user,
			    "stdout", utf8_json(cap[0].buf, cap[0].len), "stderr", utf8_json(cap[1].buf, cap[1].len),
			    "stdout_truncated", cap[0].dropped > 0, "stderr_truncated", cap[1].dropped > 0,
			    "duration_ms", (json_int_t)(vg_now_ms() - start));
	if (tc.dir[0] && *result)
		json_object_set(*result, "killed", killed);
	if (exited && WIFEXITED(status)) {
		json_object_set_new(*result, "exit_code", json_integer(WEXITSTATUS(status)));
	} else {
		json_object_set_new(*result, "exit_code", json_null());
		if (exited && WIFSIGNALED(status)) {
			const char *name = sigabbrev_np(WTERMSIG(status));

			json_object_set_new(*result, "signal", json_sprintf("SIG%s", name ? name : "?"));
		}
	}
	if (timed_out) {
		char secs[16];

		snprintf(secs, sizeof(secs), "%u", s.timeout);
		r = vg_error_set(err, -ETIMEDOUT, N_("the process reached its timeout (%s s) and was killed"), secs);
	} else if (cancelled) {
		r = vg_error_set(err, -ECANCELED, N_("cancelled"));
	} else if (!exited) {
		r = vg_error_set(err, -EIO, N_("lost track of the process %s"), s.exe);
	} else {
		r = 0;
	}
out:
	for (int i = 0; i < 2; i++) {
		if (cap[i].fd >= 0)
			close(cap[i].fd);
		free(cap[i].buf);
		if (outp[i] >= 0)
			close(outp[i]);
		if (errp[i] >= 0)
			close(errp[i]);
		if (rep[i] >= 0)
			close(rep[i]);
	}
	if (pidfd >= 0)
		close(pidfd);
	if (tc.dir[0] && !swept)
		kill_run(&tc, 0, killed);   /* it never ran, or was lost track of: nothing may stay */
	vg_task_cgroup_remove(&tc);
	json_decref(killed);
	free_spec(&s);
	return r;
}
