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
 * Paths from outside are hostile: absolute, no NUL, at most VG_TASK_PATH_MAX bytes, resolved
 * without following a symbolic link in the last component, and every check is made on the
 * descriptor that is then acted on (fstat, fstatfs and its /proc/self/fd name).
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
	unsigned terminate_grace;          /* seconds between TERM and KILL */
	bool refused;                      /* out: refused rather than failed */
};

typedef int (*vg_task_fn)(struct vg_task_ctx *ctx, const json_t *args, json_t **result, struct vg_error *err);

/* get-file {path, sha256?}: copies a regular file into collect_dir (0600) while hashing;
 * result: path, size, mtime, ctime, atime, uid, gid, owner, mode, md5, sha256, copy. */
int vg_task_get_file(struct vg_task_ctx *ctx, const json_t *args, json_t **result, struct vg_error *err);

/* delete-file {path, sha256?, quarantine?}: removes a regular file or a symbolic link (never
 * its target); with sha256 only when the content matches; with quarantine a copy first.
 * result: path, type, size, hashes, times, owner, deleted, quarantine id. */
int vg_task_delete_file(struct vg_task_ctx *ctx, const json_t *args, json_t **result, struct vg_error *err);

/* run {exe, argv[], cwd?, env[]?, user?, timeout?}: fork and exec without a shell.
 * result: pid, exit_code or signal, stdout, stderr (first MiB each), truncated flags, duration_ms. */
int vg_task_run(struct vg_task_ctx *ctx, const json_t *args, json_t **result, struct vg_error *err);

/* terminate {pid, start_time?} | {exe} | {sha256}: TERM, then KILL after the grace period,
 * through pidfds.  result: pids[] of {pid, start_time, exe, result, error?}. */
int vg_task_terminate(struct vg_task_ctx *ctx, const json_t *args, json_t **result, struct vg_error *err);

/* Quarantine.  vg_task_quarantine_add copies the open file fd (already checked) into the
 * quarantine with its metadata and returns the entry id (17 bytes with the NUL). */
int vg_task_quarantine_add(const struct vg_task_ctx *ctx, int fd, const char *path, const json_t *meta,
			   char id[17], struct vg_error *err);
/* quarantine-restore {id}: writes the bytes back to the original path (which must not exist)
 * with its mode and owner, then removes the entry.  result: the entry. */
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

/* Opens the directory holding path (symbolic links allowed above it, not magic links) and
 * gives the last component in name (size VG_TASK_PATH_MAX + 1). */
int vg_task_open_parent(struct vg_task_ctx *ctx, const char *path, int *dirfd, char *name,
			struct vg_error *err);

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

#endif
