/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * delete-file: a regular file or a symbolic link (the link, never its target).
 *
 * The path is resolved without following any symbolic link; the entry is opened O_PATH,
 * looked at and hashed through descriptors, then moved aside with an atomic rename in the
 * directory that was resolved and checked again (same inode) before unlinkat: what is
 * removed is exactly what was checked, even if someone swaps a name in between.  An IOC
 * action also names the device and inode that matched: anything else is refused.
 * Protected files (protect.c) need force.
 */
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

/* Removes dirfd/name if it is still the inode of want. */
static int remove_checked(int dirfd, const char *name, const char *path, const char *id, const struct stat *want,
			  struct vg_error *err)
{
	char aside[64];
	struct stat now;

	/* Time too: task ids start again with the agent, and a crash may have left an old one. */
	snprintf(aside, sizeof(aside), ".vigil-delete-%s-%lld", id, (long long)time(NULL));
	if (renameat2(dirfd, name, dirfd, aside, RENAME_NOREPLACE) < 0) {
		if (errno != EINVAL)
			return vg_error_set(err, -errno, N_("%s: cannot delete: %s"), path, strerror(errno));
		/* A file system without RENAME_NOREPLACE: check the name itself, just before. */
		snprintf(aside, sizeof(aside), "%s", name);
	}
	if (fstatat(dirfd, aside, &now, AT_SYMLINK_NOFOLLOW) < 0 || now.st_dev != want->st_dev ||
	    now.st_ino != want->st_ino) {
		if (strcmp(aside, name) != 0)
			renameat2(dirfd, aside, dirfd, name, RENAME_NOREPLACE);
		return vg_error_set(err, -EAGAIN, N_("%s changed while it was checked; nothing was deleted"), path);
	}
	if (unlinkat(dirfd, aside, 0) < 0) {
		int e = errno;

		if (strcmp(aside, name) != 0)
			renameat2(dirfd, aside, dirfd, name, RENAME_NOREPLACE);
		return vg_error_set(err, -e, N_("%s: cannot delete: %s"), path, strerror(e));
	}
	return 0;
}

/* The dev and inode an IOC match recorded (both or neither), so that the object acted on is the
 * one that matched. */
static int identity_arg(const json_t *args, bool *given, dev_t *dev, ino_t *ino, struct vg_error *err)
{
	const json_t *d = json_object_get(args, "dev"), *i = json_object_get(args, "inode");

	*given = d || i;
	if (!*given)
		return 0;
	if (!json_is_integer(d) || !json_is_integer(i) || json_integer_value(d) < 0 || json_integer_value(i) < 0)
		return vg_error_set(err, -EINVAL, N_("\"dev\" and \"inode\" must be given together, as numbers"));
	*dev = (dev_t)json_integer_value(d);
	*ino = (ino_t)json_integer_value(i);
	return 0;
}

/* A protected file is refused without force; the message proposes the quarantine. */
static int check_protected(struct vg_task_ctx *ctx, const char *path, const struct stat *st, bool quarantine,
			   bool force, struct vg_error *err)
{
	char rule[VG_TASK_PATH_MAX + 1];

	if (force || !vg_protect_match(ctx->protect, ctx->protected_paths, path, st, rule, sizeof(rule)))
		return 0;
	ctx->refused = true;
	if (quarantine)
		return vg_error_set(err, -EPERM,
				    N_("%s is protected (%s): removing it could leave the host unusable, so nothing was done; "
				       "give force (vigilctl --force) to quarantine it anyway"),
				    path, rule);
	return vg_error_set(err, -EPERM,
			    N_("%s is protected (%s): deleting it could leave the host unusable, so nothing was deleted; "
			       "quarantine it instead, which keeps a copy to restore (vigilctl --quarantine --force), "
			       "or give force alone to delete it for good"),
			    path, rule);
}

int vg_task_delete_file(struct vg_task_ctx *ctx, const json_t *args, json_t **result, struct vg_error *err)
{
	char want[65], md5[33], sha256[65], name[VG_TASK_PATH_MAX + 1], qid[17];
	const char *path;
	struct stat st;
	bool check, by_identity, quarantine = json_is_true(json_object_get(args, "quarantine"));
	bool force = json_is_true(json_object_get(args, "force"));
	dev_t want_dev = 0;
	ino_t want_ino = 0;
	uint64_t size;
	int dirfd = -1, pathfd = -1, fd = -1, r;
	json_t *res = NULL;

	*result = NULL;
	if ((r = vg_task_path_arg(args, "path", &path, err)) < 0 || (r = vg_task_sha256_arg(args, want, &check, err)) < 0 ||
	    (r = identity_arg(args, &by_identity, &want_dev, &want_ino, err)) < 0) {
		ctx->refused = true;
		return r;
	}
	if ((r = vg_task_open_parent(ctx, path, &dirfd, name, err)) < 0)
		return r;
	if ((r = vg_task_open_entry(ctx, dirfd, name, path, &pathfd, &st, err)) < 0)
		goto out;
	if (by_identity && (st.st_dev != want_dev || st.st_ino != want_ino)) {
		ctx->refused = true;
		r = vg_error_set(err, -ESTALE,
				 N_("%s is no longer the file that matched (its device and inode differ); nothing was deleted"),
				 path);
		goto out;
	}
	if (S_ISLNK(st.st_mode)) {
		char target[VG_TASK_PATH_MAX + 1];
		ssize_t n = readlinkat(pathfd, "", target, sizeof(target) - 1);

		if (check || quarantine) {
			ctx->refused = true;
			r = vg_error_set(err, -EINVAL,
					 N_("%s is a symbolic link: it has no content to match or quarantine; nothing was deleted"),
					 path);
			goto out;
		}
		target[n < 0 ? 0 : n] = '\0';
		res = vg_task_stat_json(&st);
		json_object_set_new(res, "type", json_string("symlink"));
		json_object_set_new(res, "target", json_string(target));
		json_object_set_new(res, "sha256", json_null());
		if ((r = check_protected(ctx, path, &st, false, force, err)) < 0)
			goto out;
	} else if (S_ISDIR(st.st_mode)) {
		ctx->refused = true;
		r = vg_error_set(err, -EISDIR, N_("%s: a directory is refused"), path);
		goto out;
	} else if (!S_ISREG(st.st_mode)) {
		ctx->refused = true;
		r = vg_error_set(err, -EINVAL, N_("%s: neither a regular file nor a symbolic link"), path);
		goto out;
	} else {
		if ((r = vg_task_reopen(pathfd, &st, O_RDONLY, path, &fd, err)) < 0)
			goto out;
		if ((r = vg_task_hash_fd(ctx, fd, -1, UINT64_MAX, &size, md5, sha256, err)) < 0)
			goto out;
		res = vg_task_stat_json(&st);
		json_object_set_new(res, "type", json_string("file"));
		json_object_set_new(res, "size", json_integer((json_int_t)size));
		json_object_set_new(res, "md5", json_string(md5));
		json_object_set_new(res, "sha256", json_string(sha256));
		if (check && strcmp(want, sha256) != 0) {
			ctx->refused = true;
			r = vg_error_set(err, -EBADMSG, N_("%s: its SHA-256 is %s, not the expected %s; nothing was deleted"),
					 path, sha256, want);
			goto out;
		}
		if ((r = check_protected(ctx, path, &st, quarantine, force, err)) < 0)
			goto out;
		if (quarantine) {
			if (size > ctx->file_max) {
				ctx->refused = true;
				r = vg_error_set(err, -EFBIG,
						 N_("%s is over the size limit for a quarantine copy (tasks.get_file_max_mb); nothing was deleted"),
						 path);
				goto out;
			}
			if ((r = vg_task_quarantine_add(ctx, fd, dirfd, path, res, qid, err)) < 0)
				goto out;
			json_object_set_new(res, "quarantine", json_string(qid));
		}
	}
	json_object_set_new(res, "path", json_string(path));
	vg_task_pause(ctx, "delete-file:checked");
	if (vg_task_cancelled(ctx)) {
		r = vg_error_set(err, -ECANCELED, N_("cancelled"));
		goto out;
	}
	if ((r = remove_checked(dirfd, name, path, ctx->id, &st, err)) < 0)
		goto out;
	json_object_set_new(res, "deleted", json_true());
	r = 0;
out:
	if (r < 0 && res) {
		json_object_set_new(res, "deleted", json_false());
		json_object_set_new(res, "path", json_string(path));
	}
	*result = res;
	if (fd >= 0)
		close(fd);
	if (pathfd >= 0)
		close(pathfd);
	if (dirfd >= 0)
		close(dirfd);
	return r;
}
