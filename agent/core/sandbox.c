/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The parser sandbox, the agent's side: starts vigil-worker confined, hands it requests, and
 * restarts it when it dies.  What the worker does once started is in agent/worker/main.c; why
 * in doc/security.md ("The parser sandbox").
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "loop.h"
#include "nls.h"
#include "paths.h"
#include "sandbox.h"
#include "worker/frame.h"

#define NOBODY_ID 65534
#define QUICK_RESTARTS 3            /* deaths in a row restarted at once; then a backoff */
#define BACKOFF_FIRST_MS 250
#define BACKOFF_MAX_MS 8000
#define ANSWER_MARGIN_MS 10000      /* wall time beyond the CPU time allowed (a loaded host) */

struct vg_sandbox {
	pthread_mutex_t lock;       /* one request at a time; held for the whole call */
	char path[PATH_MAX];
	uid_t uid;
	gid_t gid;
	int fd;                     /* the agent's end of the socketpair, -1 when not running */
	struct vg_sandbox_limits running_limits;
	unsigned in_a_row;          /* deaths since the last answer */
	uint64_t last_death_ms;
	atomic_bool stopping;
	bool impatient;             /* a call during the backoff fails at once instead of waiting */
	/* Read by the status on the loop while a call may be under way: never held long.  The
	 * pid is set and cleared (reaped) under it, so that a kill never hits a reused pid. */
	pthread_mutex_t state_lock;
	pid_t pid;
	unsigned starts, deaths;
	char last_death[160];
};

int vg_sandbox_new(const char *path, struct vg_sandbox **out, struct vg_error *err)
{
	struct vg_sandbox *sb = calloc(1, sizeof(*sb));
	struct passwd *pw = getpwnam("nobody");
	char top[PATH_MAX];

	*out = NULL;
	if (!sb)
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	if (path)
		snprintf(sb->path, sizeof(sb->path), "%s", path);
	else if (vg_build_tree_top(top, sizeof(top)) && strlen(top) + sizeof("/agent/vigil-worker") <= sizeof(sb->path))
		snprintf(sb->path, sizeof(sb->path), "%s/agent/vigil-worker", top);
	else
		snprintf(sb->path, sizeof(sb->path), "%s", VG_DEFAULT_WORKER);
	sb->uid = pw ? pw->pw_uid : NOBODY_ID;
	sb->gid = pw ? pw->pw_gid : NOBODY_ID;
	sb->fd = -1;
	pthread_mutex_init(&sb->lock, NULL);
	pthread_mutex_init(&sb->state_lock, NULL);
	*out = sb;
	return 0;
}

/* In the child, between fork and exec: only system calls (the parent has threads). */
static _Noreturn void child_exec(int sock, int exe, uid_t uid, gid_t gid, char *const argv[])
{
	static char *const envp[] = { NULL };
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct none[2];
	sigset_t all;

	memset(none, 0, sizeof(none));
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);   /* the workers block every signal */
	setsid();
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	/* Out of memory in the agent's cgroup, the worker goes first, never the agent. */
	int oom = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);

	if (oom >= 0) {
		if (write(oom, "1000", 4) != 4) {
			/* Kept as it was: the rlimits still bound the worker. */
		}
		close(oom);
	}
	/* Neither descriptor may sit where the socket goes, nor the socket keep its close-on-exec. */
	if (exe == VG_WORKER_FD && (exe = fcntl(exe, F_DUPFD_CLOEXEC, VG_WORKER_FD + 1)) < 0)
		_exit(127);
	if (sock == VG_WORKER_FD ? fcntl(sock, F_SETFD, 0) < 0 : dup2(sock, VG_WORKER_FD) != VG_WORKER_FD)
		_exit(127);
	/* Nothing else of the agent's crosses the exec (descriptors another thread opens now
	 * included); the worker closes the rest again itself. */
	syscall(SYS_close_range, VG_WORKER_FD + 1, ~0U, 4 /* CLOSE_RANGE_CLOEXEC */);
	/* Empty the bounding set (needs CAP_SETPCAP), then become nobody with no capability. */
	for (int cap = 0; cap <= 63; cap++)
		prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
	if (syscall(SYS_setgroups, 0, NULL) < 0 || syscall(SYS_setresgid, gid, gid, gid) < 0 ||
	    syscall(SYS_setresuid, uid, uid, uid) < 0 || syscall(SYS_capset, &hdr, none) < 0)
		_exit(126);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		_exit(125);
	syscall(SYS_execveat, exe, "", argv, envp, AT_EMPTY_PATH);
	_exit(127);
}

static int start(struct vg_sandbox *sb, const struct vg_sandbox_limits *lim, struct vg_error *err)
{
	int sv[2] = { -1, -1 }, exe = -1, r = 0;
	char mem[24], cpu[24];
	char *argv[] = { "vigil-worker", mem, cpu, NULL };
	struct stat st;
	pid_t pid;

	exe = open(sb->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (exe < 0)
		return vg_error_set(err, -errno, N_("cannot start the parser sandbox %s: %s"), sb->path, strerror(errno));
	/* Run as root until its exec: it must be root's alone. */
	if (fstat(exe, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != 0 || (st.st_mode & 022)) {
		r = vg_error_set(err, -EPERM, N_("the parser sandbox %s must be a file of root's that no one else may write"),
				 sb->path);
		goto out;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		r = vg_error_set(err, -errno, N_("cannot start the parser sandbox %s: %s"), sb->path, strerror(errno));
		goto out;
	}
	snprintf(mem, sizeof(mem), "%u", lim->memory_mib);
	snprintf(cpu, sizeof(cpu), "%u", lim->cpu_seconds);
	pthread_mutex_lock(&sb->state_lock);
	pid = fork();
	if (pid == 0)
		child_exec(sv[1], exe, sb->uid, sb->gid, argv);
	if (pid < 0) {
		pthread_mutex_unlock(&sb->state_lock);
		r = vg_error_set(err, -errno, N_("cannot start the parser sandbox %s: %s"), sb->path, strerror(errno));
		goto out;
	}
	sb->pid = pid;
	sb->starts++;
	pthread_mutex_unlock(&sb->state_lock);
	sb->fd = sv[0];
	sv[0] = -1;
	fcntl(sb->fd, F_SETFL, O_NONBLOCK);
	sb->running_limits = *lim;
	vg_debug("sandbox: worker %d started (%s)", (int)pid, sb->path);
out:
	if (sv[0] >= 0)
		close(sv[0]);
	if (sv[1] >= 0)
		close(sv[1]);
	close(exe);
	return r;
}

/* How a worker ended, in words ("signal SIGSYS", "exit status 126"). */
static void describe(int status, char *out, size_t size)
{
	if (WIFSIGNALED(status)) {
		const char *abbrev = sigabbrev_np(WTERMSIG(status));

		if (abbrev)
			snprintf(out, size, "signal SIG%s", abbrev);
		else
			snprintf(out, size, "signal %d", WTERMSIG(status));
	} else {
		snprintf(out, size, "exit status %d", WEXITSTATUS(status));
	}
}

/* Ends the worker (kills it first when kill_it; else only if it has ended already) and reaps
 * it; how it ended goes to how.  A worker that exited with status 0 by itself retired (its
 * CPU time for a life was nearly spent): not a death.  Returns 0 when nothing was reaped, 1
 * for a retirement or a kill that is not counted (counted false), 2 for a death. */
static int reap(struct vg_sandbox *sb, bool kill_it, bool counted, char *how, size_t size)
{
	int status = 0;
	pid_t w;
	bool death;

	pthread_mutex_lock(&sb->state_lock);
	if (sb->pid <= 0) {
		pthread_mutex_unlock(&sb->state_lock);
		return 0;
	}
	if (kill_it)
		kill(sb->pid, SIGKILL);
	do
		w = waitpid(sb->pid, &status, kill_it ? 0 : WNOHANG);
	while (w < 0 && errno == EINTR);
	if (w == 0) {
		pthread_mutex_unlock(&sb->state_lock);
		return 0;
	}
	describe(status, how, size);
	death = counted && !(!kill_it && WIFEXITED(status) && WEXITSTATUS(status) == 0);
	if (death) {
		sb->deaths++;
		snprintf(sb->last_death, sizeof(sb->last_death), "%s", how);
	}
	sb->pid = 0;
	pthread_mutex_unlock(&sb->state_lock);
	if (death) {
		sb->in_a_row++;
		sb->last_death_ms = vg_now_ms();
	}
	close(sb->fd);
	sb->fd = -1;
	return death ? 2 : 1;
}

/* The worker failed a request: it is ended, counted, logged, and started again at once unless
 * it keeps dying (then the next request waits for the backoff). */
static int failed(struct vg_sandbox *sb, const struct vg_sandbox_limits *lim, int code, const char *op,
		  struct vg_error *err)
{
	char how[64] = "";
	pid_t pid = sb->pid;
	struct vg_error ignored;

	reap(sb, true, true, how, sizeof(how));
	if (code == -ETIMEDOUT)
		vg_error_set(err, code, N_("the parser sandbox did not answer %s in time and was stopped; it is restarted"),
			     op);
	else if (code == -EPROTO)
		vg_error_set(err, code, N_("the parser sandbox broke the framing while handling %s and was stopped; it is "
					   "restarted"), op);
	else
		vg_error_set(err, code, N_("the parser sandbox died (%s) while handling %s; it is restarted"), how, op);
	vg_warn("sandbox: worker %d ended (%s) during %s; %u death(s) in a row", (int)pid, how, op, sb->in_a_row);
	if (!atomic_load(&sb->stopping) && sb->in_a_row < QUICK_RESTARTS)
		start(sb, lim, &ignored);
	return code;
}

/* Waits until fd is ready for events, or the deadline; 0, -ETIMEDOUT or -EPIPE. */
static int wait_fd(int fd, short events, uint64_t deadline)
{
	for (;;) {
		struct pollfd p = { .fd = fd, .events = events };
		uint64_t now = vg_now_ms();
		int n;

		if (now >= deadline)
			return -ETIMEDOUT;
		n = poll(&p, 1, (int)(deadline - now < 60000 ? deadline - now : 60000));
		if (n < 0 && errno != EINTR)
			return -EPIPE;
		if (n > 0)
			return (p.revents & events) ? 0 : -EPIPE;
	}
}

/* Sends (out) or receives exactly len bytes before the deadline; -EPIPE when the worker's end
 * closed (it died), -ETIMEDOUT. */
static int transfer(int fd, bool out, unsigned char *p, size_t len, uint64_t deadline)
{
	while (len) {
		ssize_t n = out ? send(fd, p, len, MSG_NOSIGNAL) : recv(fd, p, len, 0);
		int r;

		if (n > 0) {
			p += n;
			len -= (size_t)n;
		} else if (n < 0 && errno == EINTR) {
			continue;
		} else if (n < 0 && errno == EAGAIN) {
			if ((r = wait_fd(fd, out ? POLLOUT : POLLIN, deadline)) < 0)
				return r;
		} else {
			return -EPIPE;
		}
	}
	return 0;
}

static int call_locked(struct vg_sandbox *sb, const struct vg_sandbox_limits *lim, json_t *header,
		       const void *payload, size_t len, json_t **reply, struct vg_error *err)
{
	const char *op = json_string_value(json_object_get(header, "op"));
	unsigned char prefix[VG_FRAME_PREFIX], *frame = NULL, *answer = NULL;
	char *text = NULL, how[64];
	size_t hlen, total;
	uint64_t deadline;
	json_error_t jerr;
	int r;

	if (!op)
		op = "?";
	if (atomic_load(&sb->stopping))
		return vg_error_set(err, -ECANCELED, N_("the agent is stopping"));
	/* A worker that ended while idle (killed from outside, out of CPU time) is restarted now,
	 * and one started with other limits is replaced. */
	if (sb->pid > 0 && reap(sb, false, true, how, sizeof(how)) == 2)
		vg_warn("sandbox: worker ended (%s) while idle; restarting it", how);
	if (sb->pid > 0 && memcmp(&sb->running_limits, lim, sizeof(*lim)) != 0)
		reap(sb, true, false, how, sizeof(how));
	if (sb->pid <= 0) {
		if (sb->in_a_row >= QUICK_RESTARTS) {
			unsigned shift = sb->in_a_row - QUICK_RESTARTS;
			uint64_t backoff = shift >= 5 ? BACKOFF_MAX_MS : (uint64_t)BACKOFF_FIRST_MS << shift;
			uint64_t until = sb->last_death_ms + (backoff < BACKOFF_MAX_MS ? backoff : BACKOFF_MAX_MS);
			uint64_t now = vg_now_ms();

			if (until > now && sb->impatient) {
				char ms[24];

				snprintf(ms, sizeof(ms), "%llu", (unsigned long long)(until - now));
				return vg_error_set(err, -EAGAIN, N_("the parser sandbox keeps dying: it starts again in %s ms"), ms);
			}
			if (until > now) {
				struct timespec ts = { (time_t)((until - now) / 1000), (long)((until - now) % 1000) * 1000000 };

				while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
					;
			}
			if (atomic_load(&sb->stopping))
				return vg_error_set(err, -ECANCELED, N_("the agent is stopping"));
		}
		if ((r = start(sb, lim, err)) < 0)
			return r;
	}
	if (!(text = json_dumps(header, JSON_COMPACT)))
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	hlen = strlen(text);
	total = VG_FRAME_PREFIX + hlen + len;
	if (hlen > VG_FRAME_HEADER_MAX || total > VG_FRAME_REQUEST_MAX) {
		r = vg_error_set(err, -EFBIG, N_("%s is too large for the parser sandbox"), op);
		goto out;
	}
	if (!(frame = malloc(total))) {
		r = vg_error_set(err, -ENOMEM, N_("out of memory"));
		goto out;
	}
	vg_frame_put32(frame, (uint32_t)total);
	vg_frame_put32(frame + 4, (uint32_t)hlen);
	memcpy(frame + VG_FRAME_PREFIX, text, hlen);
	if (len)
		memcpy(frame + VG_FRAME_PREFIX + hlen, payload, len);
	deadline = vg_now_ms() + (uint64_t)lim->cpu_seconds * 2000 + (lim->margin_ms ? lim->margin_ms : ANSWER_MARGIN_MS);
	if ((r = transfer(sb->fd, true, frame, total, deadline)) < 0 ||
	    (r = transfer(sb->fd, false, prefix, sizeof(prefix), deadline)) < 0) {
		r = failed(sb, lim, r, op, err);
		goto out;
	}
	total = vg_frame_get32(prefix);
	hlen = vg_frame_get32(prefix + 4);
	/* A worker that breaks the framing is not believed any further. */
	if (total > VG_FRAME_REPLY_MAX || hlen + VG_FRAME_PREFIX != total ||
	    !(answer = malloc(hlen ? hlen : 1))) {
		r = failed(sb, lim, -EPROTO, op, err);
		goto out;
	}
	if ((r = transfer(sb->fd, false, answer, hlen, deadline)) < 0) {
		r = failed(sb, lim, r, op, err);
		goto out;
	}
	*reply = json_loadb((const char *)answer, hlen, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(*reply)) {
		json_decref(*reply);
		*reply = NULL;
		r = failed(sb, lim, -EPROTO, op, err);
		goto out;
	}
	sb->in_a_row = 0;
	/* A worker near the end of its CPU time says so with its last answer and exits: reaped now,
	 * so that the next request never meets it going. */
	if (json_is_true(json_object_get(*reply, "retiring"))) {
		json_object_del(*reply, "retiring");
		reap(sb, true, false, how, sizeof(how));
		vg_debug("sandbox: worker retired (its CPU time for a life is spent)");
	}
	r = 0;
out:
	free(text);
	free(frame);
	free(answer);
	return r;
}

int vg_sandbox_call(struct vg_sandbox *sb, const struct vg_sandbox_limits *limits, json_t *header,
		    const void *payload, size_t len, json_t **reply, struct vg_error *err)
{
	int r;

	*reply = NULL;
	pthread_mutex_lock(&sb->lock);
	r = call_locked(sb, limits, header, payload, len, reply, err);
	pthread_mutex_unlock(&sb->lock);
	return r;
}

void vg_sandbox_set_impatient(struct vg_sandbox *sb)
{
	sb->impatient = true;
}

json_t *vg_sandbox_status(struct vg_sandbox *sb)
{
	json_t *o;

	pthread_mutex_lock(&sb->state_lock);
	o = json_pack("{s:i, s:I, s:I, s:I, s:s}", "pid", (int)sb->pid, "uid", (json_int_t)sb->uid, "starts",
		      (json_int_t)sb->starts, "deaths", (json_int_t)sb->deaths, "last_death", sb->last_death);
	pthread_mutex_unlock(&sb->state_lock);
	return o;
}

void vg_sandbox_shutdown(struct vg_sandbox *sb)
{
	if (!sb)
		return;
	atomic_store(&sb->stopping, true);
	pthread_mutex_lock(&sb->state_lock);
	if (sb->pid > 0)
		kill(sb->pid, SIGKILL);
	pthread_mutex_unlock(&sb->state_lock);
}

void vg_sandbox_free(struct vg_sandbox *sb)
{
	char how[64];

	if (!sb)
		return;
	reap(sb, true, false, how, sizeof(how));
	pthread_mutex_destroy(&sb->lock);
	pthread_mutex_destroy(&sb->state_lock);
	free(sb);
}
