/* SPDX-License-Identifier: GPL-3.0-or-later */
/* get-file: a regular file's facts and hashes, and its copy (the server upload comes with the link). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "nls.h"
#include "tasks/executors.h"
#include "vigil/error.h"

/* Opens path for reading: resolved without a symbolic link anywhere, opened O_PATH first (a
 * device node is never opened: /dev/watchdog would reboot the host), refused unless a regular
 * file, then that very inode reopened for reading. */
static int open_regular(struct vg_task_ctx *ctx, const char *path, int *out, struct stat *st, struct vg_error *err)
{
	char name[VG_TASK_PATH_MAX + 1];
	int dirfd = -1, pathfd = -1, r;

	if ((r = vg_task_open_parent(ctx, path, &dirfd, name, err)) < 0)
		return r;
	if ((r = vg_task_open_entry(ctx, dirfd, name, path, &pathfd, st, err)) < 0)
		goto out;
	if (S_ISLNK(st->st_mode)) {
		ctx->refused = true;
		r = vg_error_set(err, -ELOOP, N_("%s: a symbolic link is refused; name the file it points to"), path);
		goto out;
	}
	if (S_ISDIR(st->st_mode)) {
		ctx->refused = true;
		r = vg_error_set(err, -EISDIR, N_("%s: a directory is refused"), path);
		goto out;
	}
	if (!S_ISREG(st->st_mode)) {
		ctx->refused = true;
		r = vg_error_set(err, -EINVAL, N_("%s: not a regular file"), path);
		goto out;
	}
	vg_task_pause(ctx, "get-file:checked");
	/* O_NOATIME: collecting evidence does not change it (the agent runs as root, which may). */
	r = vg_task_reopen(pathfd, st, O_RDONLY | O_NOATIME, path, out, err);
out:
	if (pathfd >= 0)
		close(pathfd);
	if (dirfd >= 0)
		close(dirfd);
	return r;
}

int vg_task_get_file(struct vg_task_ctx *ctx, const json_t *args, json_t **result, struct vg_error *err)
{
	char want[65], md5[33], sha256[65], part[VG_TASK_PATH_MAX + 1], copy[VG_TASK_PATH_MAX + 1];
	char max_text[32], size_text[32], stamp[64];
	const char *path, *base;
	struct stat st;
	uint64_t size = 0;
	bool check;
	int fd = -1, out = -1, r;

	*result = NULL;
	if ((r = vg_task_path_arg(args, "path", &path, err)) < 0 || (r = vg_task_sha256_arg(args, want, &check, err)) < 0) {
		ctx->refused = true;
		return r;
	}
	if ((r = open_regular(ctx, path, &fd, &st, err)) < 0)
		return r;
	if ((uint64_t)st.st_size > ctx->file_max) {
		snprintf(size_text, sizeof(size_text), "%lld", (long long)st.st_size);
		snprintf(max_text, sizeof(max_text), "%llu", (unsigned long long)(ctx->file_max / (1024 * 1024)));
		ctx->refused = true;
		r = vg_error_set(err, -EFBIG, N_("%s: %s bytes is over the size limit of %s MiB (tasks.get_file_max_mb)"),
				 path, size_text, max_text);
		goto out;
	}
	if ((r = vg_task_make_dir(ctx->collect_dir, err)) < 0)
		goto out;
	base = strrchr(path, '/') + 1;
	/* Time first: task ids start again with the agent (until the journal keeps them). */
	snprintf(stamp, sizeof(stamp), "%lld-%s", (long long)time(NULL), ctx->id);
	snprintf(part, sizeof(part), "%s/%s.part", ctx->collect_dir, stamp);
	if (snprintf(copy, sizeof(copy), "%s/%s-%.200s", ctx->collect_dir, stamp, base) >= (int)sizeof(copy)) {
		r = vg_error_set(err, -ENAMETOOLONG, N_("path too long: %s"), ctx->collect_dir);
		goto out;
	}
	out = open(part, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (out < 0) {
		r = vg_error_set(err, -errno, N_("cannot create %s: %s"), part, strerror(errno));
		goto out;
	}
	if ((r = vg_task_hash_fd(ctx, fd, out, ctx->file_max, &size, md5, sha256, err)) < 0)
		goto out;
	if (check && strcmp(want, sha256) != 0) {
		ctx->refused = true;
		r = vg_error_set(err, -EBADMSG, N_("%s: its SHA-256 is %s, not the expected %s"), path, sha256, want);
		goto out;
	}
	if (fsync(out) < 0 || renameat2(AT_FDCWD, part, AT_FDCWD, copy, RENAME_NOREPLACE) < 0) {
		r = vg_error_set(err, -errno, N_("cannot write the copy: %s"), strerror(errno));
		goto out;
	}
	*result = vg_task_stat_json(&st);
	/* The size read is the truth: the file may have changed since fstat. */
	json_object_set_new(*result, "size", json_integer((json_int_t)size));
	json_object_set_new(*result, "path", json_string(path));
	json_object_set_new(*result, "md5", json_string(md5));
	json_object_set_new(*result, "sha256", json_string(sha256));
	json_object_set_new(*result, "copy", json_string(copy));
	r = 0;
out:
	if (out >= 0) {
		close(out);
		if (r < 0)
			unlink(part);
	}
	close(fd);
	return r;
}
