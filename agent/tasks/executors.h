/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Response task executors: get file, delete file, quarantine, run process, terminate process.
 *
 * Each executor runs on a worker thread, reads only its context and its arguments (never the
 * agent, whose settings and loop belong to the loop thread), checks the cancel flag between
 * steps, and returns 0 with *result set (a new object), or a negative code with err filled
 * and, when something useful is known (a partial result, the hashes of a refused file),
 * *result set too.  A refusal (the request was not carried out because it would harm the host
 * or was not allowed) sets ctx->refused; -ECANCELED means the cancel flag stopped it,
 * -ETIMEDOUT that a run reached its timeout.
 *
 * Paths from outside are hostile: absolute, no NUL, no "..", at most VG_TASK_PATH_MAX bytes,
 * resolved without following a symbolic link in any component (openat2 RESOLVE_NO_SYMLINKS),
 * and every check is made on the descriptor that is then acted on (fstat, fstatfs and its
 * /proc/self/fd name).  Files are first opened O_PATH, which opens nothing (a device's open
 * is never called), checked, and only then reopened for reading through that descriptor.
 */
#ifndef VIGIL_TASKS_EXECUTORS_H
#define VIGIL_TASKS_EXECUTORS_H

#include <jansson.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

struct vg_error;
struct vg_protect;
struct vg_task_cgroups;

#define VG_TASK_PATH_MAX 4095
#define VG_TASK_OUTPUT_MAX (1024 * 1024) /* stdout and stderr kept of a run, each */
#define VG_TASK_MAX_ARGS 1024
#define VG_TASK_MAX_ENV 256
#define VG_TASK_MAX_ARG_LEN 32768

/* What the agent owns and no task may touch: its state directory, and by inode its binary,
 * socket, pid file and configuration file. */
struct vg_task_self {
	char state_dir[VG_TASK_PATH_MAX + 1];  /* canonical path */
	struct {
		dev_t dev;
		ino_t ino;
	} own[4];
	unsigned nown;
	pid_t pid;
};

/* Everything an executor may read, copied on the loop thread before the task is queued. */
struct vg_task_ctx {
	const atomic_bool *cancel;         /* set by task.cancel and at agent stop */
	const struct vg_task_self *self;
	char id[32];                       /* the task id, names collected files */
	char collect_dir[VG_TASK_PATH_MAX + 1];    /* get-file copies without a server */
	char quarantine_dir[VG_TASK_PATH_MAX + 1];
	uint64_t file_max;                 /* bytes, get-file and quarantine copies */
	char run_default_user[64];
	unsigned run_default_timeout;      /* seconds */
	const struct vg_task_cgroups *cgroups; /* where runs get a cgroup each (cgroup.c), or NULL */
	uint64_t run_memory_max;           /* bytes, 0: no limit */
	uint64_t run_pids_max;             /* 0: no limit */
	unsigned terminate_grace;          /* seconds between TERM and KILL */
	int pidfd;                         /* terminate: the process held since an IOC match, or -1 */
	struct vg_protect *protect;        /* the protected files (protect.c), shared, may be NULL */
	char protected_paths[VG_TASK_PATH_MAX + 1]; /* tasks.protected_paths */
	/* The test agent's pause points (tests/agent/test-agent.c): NULL in vigild. */
	void (*pause)(const char *point);
	bool refused;                      /* out: refused rather than failed */
};

typedef int (*vg_task_fn)(struct vg_task_ctx *ctx, const json_t *args, json_t **result, struct vg_error *err);

/* get-file {path, sha256?}: copies a regular file into collect_dir (0600) while hashing;
 * result: path, size, mtime, ctime, atime, uid, gid, owner, mode, md5, sha256, copy. */
int vg_task_get_file(struct vg_task_ctx *ctx, const json_t *args, json_t **result, struct vg_error *err);

/* delete-file {path, sha256?, quarantine?, force?, dev?, inode?}: removes a regular file or a
 * symbolic link (never its target); with sha256 only when the content matches; with dev and
 * inode (an IOC match) only when the entry is that inode; with quarantine a copy first.  A
 * protected file (protect.c) is refused without force.
 * result: path, type, size, hashes, times, owner, deleted, quarantine id. */
int vg_task_delete_file(struct vg_task_ctx *ctx, const json_t *args, json_t **result, struct vg_error *err);

/* run {exe, argv[], cwd?, env[]?, user?, timeout?}: fork and exec without a shell, in a cgroup of
 * its own (cgroup.c) killed when the program ends, times out or is cancelled.  result: pid,
 * exit_code or signal, stdout, stderr (first MiB each), truncated flags, duration_ms, killed[]
 * (what the cgroup still held: {pid, name}, at most 64). */
int vg_task_run(struct vg_task_ctx *ctx, const json_t *args, json_t **result, struct vg_error *err);

/* terminate {pid, start_time?} | {exe} | {sha256}: TERM, then KILL after the grace period
 * (grace_seconds may shorten it), through pidfds.  result: pids[] of {pid, start_time, exe,
 * result, error?}. */
int vg_task_terminate(struct vg_task_ctx *ctx, const json_t *args, json_t **result, struct vg_error *err);

/* The start time (clock ticks after boot, field 22) and flags (field 9) of pid, from
 * /proc/PID/stat.  Returns 0 or a negative errno (-ESRCH: gone). */
int vg_task_proc_stat(pid_t pid, unsigned long long *start, unsigned *flags);

/* Quarantine.  vg_task_quarantine_add copies the open file fd (already checked) of directory
 * dirfd into the quarantine with its metadata and the directory's device and inode, and
 * returns the entry id (17 bytes with the NUL). */
int vg_task_quarantine_add(const struct vg_task_ctx *ctx, int fd, int dirfd, const char *path, const json_t *meta,
			   char id[17], struct vg_error *err);
/* quarantine-restore {id}: writes the bytes back to the original path (which must not exist)
 * with its mode and owner, into the directory it came from (same device and inode, reached
 * without symbolic links; refused otherwise), then removes the entry.  result: the entry. */
int vg_task_quarantine_restore(struct vg_task_ctx *ctx, const json_t *args, json_t **result,
			       struct vg_error *err);
/* quarantine-purge {id}: removes an entry for good. */
int vg_task_quarantine_purge(struct vg_task_ctx *ctx, const json_t *args, json_t **result,
			     struct vg_error *err);
/* The entry whose id starts with prefix (1 to 16 hexadecimal digits, any case), as git takes a
 * short hash: its whole id in id.  -ENOENT when none; -EINVAL, naming a few candidates, when
 * several start so.  Reads the directory: call it on a worker. */
int vg_task_quarantine_find(const char *quarantine_dir, const char *prefix, char id[17], struct vg_error *err);
/* The entries (metadata objects, newest first, at most limit).  Runs on any thread. */
json_t *vg_task_quarantine_list(const char *quarantine_dir, unsigned limit, struct vg_error *err);

/* Protected files (protect.c): what keeps the host alive — the dynamic loader and libc, the
 * account files, /boot, the kernel modules, files installed by packages (dpkg's lists), the
 * paths of the setting tasks.protected_paths.  Shared by every task thread. */
struct vg_protect_config {
	char dpkg_dir[VG_TASK_PATH_MAX + 1]; /* "" for /var/lib/dpkg */
	char package_roots[VG_TASK_PATH_MAX + 1]; /* "" for /usr and the other system roots */
};
int vg_protect_new(struct vg_protect **out, const struct vg_protect_config *cfg);
void vg_protect_free(struct vg_protect *p);
/* (Re)reads dpkg's file lists when its status changed since the last index; on any thread. */
void vg_protect_refresh(struct vg_protect *p);
/* Whether path (resolved without links, so its text is the real path) with st is protected, by
 * the fixed rules or by extra (tasks.protected_paths: comma-separated files or directories);
 * rule receives what protects it (a path, "dpkg", "ld.so" or "libc").  NULL p: nothing is. */
bool vg_protect_match(struct vg_protect *p, const char *extra, const char *path, const struct stat *st, char *rule,
		      size_t size);
/* For status: {package_files, indexed_at, dpkg}. */
json_t *vg_protect_status(struct vg_protect *p);

/* Task cgroups (cgroup.c): ROOT/vigil-tasks/AGENT-PID, outside the agent's own cgroup and
 * limits, with one task-ID cgroup per run. */
int vg_task_cgroups_open(struct vg_task_cgroups **out, struct vg_error *err);
void vg_task_cgroups_close(struct vg_task_cgroups *cg);
/* For status: {available, path, limits {memory_max, pids_max}} (a limit the host's controllers
 * cannot apply is absent). */
json_t *vg_task_cgroups_status(const struct vg_task_cgroups *cg, uint64_t memory_max, uint64_t pids_max);

struct vg_task_cgroup {
	char dir[VG_TASK_PATH_MAX + 1];    /* "" when runs have no cgroup */
	int procs_fd;                      /* its cgroup.procs, for the child to move itself in */
};
/* Makes the cgroup of task id with its limits (0: none).  Without cgroups (cg NULL) tc stays
 * empty and 0 is returned. */
int vg_task_cgroup_make(const struct vg_task_cgroups *cg, const char *id, uint64_t memory_max, uint64_t pids_max,
			struct vg_task_cgroup *tc, struct vg_error *err);
/* Kills everything in it (cgroup.kill) and waits until it is empty; returns what was in it
 * ({pid, name} each, at most 64), NULL without a cgroup. */
json_t *vg_task_cgroup_kill(struct vg_task_cgroup *tc);
void vg_task_cgroup_remove(struct vg_task_cgroup *tc);

/* Shared helpers (path.c, hash.c). */
static inline bool vg_task_cancelled(const struct vg_task_ctx *ctx)
{
	return ctx->cancel && atomic_load(ctx->cancel);
}

/* Checks a path from outside: a JSON string, absolute, no NUL, bounded.  Returns its text. */
int vg_task_path_arg(const json_t *args, const char *name, const char **path, struct vg_error *err);

/* Refuses a descriptor (opened from path) under /proc, /sys or /dev, on a pseudo file system,
 * or belonging to the agent.  Sets ctx->refused. */
int vg_task_check_fd(struct vg_task_ctx *ctx, int fd, const char *path, struct vg_error *err);

/* Opens the directory holding path, resolved without following any symbolic link (a path
 * through one is refused, naming its real path), and gives the last component in name
 * (size VG_TASK_PATH_MAX + 1).  Refuses ".." and what vg_task_check_fd refuses. */
int vg_task_open_parent(struct vg_task_ctx *ctx, const char *path, int *dirfd, char *name,
			struct vg_error *err);

/* Opens the entry name of dirfd with O_PATH (nothing of the file is run: no device open, no
 * FIFO wait), the link itself when it is one, fills st, and checks it with vg_task_check_fd
 * (not a link).  *pathfd is the descriptor every later step goes through. */
int vg_task_open_entry(struct vg_task_ctx *ctx, int dirfd, const char *name, const char *path, int *pathfd,
		       struct stat *st, struct vg_error *err);

/* Opens for I/O (flags: O_RDONLY, O_NOATIME...) the very inode pathfd holds, which must still be
 * the regular file checked (same device and inode as *checked); -EAGAIN when it changed. */
int vg_task_reopen(int pathfd, const struct stat *checked, int flags, const char *path, int *out,
		   struct vg_error *err);

/* A pause point of the test agent (between a check and an action); nothing in vigild. */
void vg_task_pause(const struct vg_task_ctx *ctx, const char *point);

/* Reads fd from its current offset to the end, hashing (and copying to out_fd when >= 0),
 * at most max bytes (-EFBIG beyond).  md5 and sha256 get lowercase hex (33 and 65 bytes). */
int vg_task_hash_fd(struct vg_task_ctx *ctx, int fd, int out_fd, uint64_t max, uint64_t *size, char md5[33],
		    char sha256[65], struct vg_error *err);

/* Checks a "sha256" argument (64 hex digits, any case) and gives it in lowercase. */
int vg_task_sha256_arg(const json_t *args, char out[65], bool *given, struct vg_error *err);

/* Creates (or checks) one of the agent's private directories: 0700, owned by the agent. */
int vg_task_make_dir(const char *dir, struct vg_error *err);

/* The usual file facts of st: size, times, uid, gid, owner name, mode. */
json_t *vg_task_stat_json(const struct stat *st);

/* Retention of collected/ (get-file copies kept for the server or the administrator): removes
 * the copies older than max_age_s and, newest kept first, those past max_bytes (0: no cap).
 * Adds to usage->removed; sets files and bytes to what stays.  No directory: nothing kept. */
struct vg_collected_usage {
	uint64_t files, bytes, removed;
};
int vg_task_collected_enforce(const char *dir, uint64_t max_bytes, uint64_t max_age_s, struct vg_collected_usage *usage,
			      struct vg_error *err);

#endif
