/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Hostile paths: checked as text first (clear refusals), then as the descriptor that is
 * acted on, so that a symbolic link or a rename between the check and the act changes nothing.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "nls.h"
#include "tasks/executors.h"
#include "vigil/error.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif
#ifndef BPF_FS_MAGIC
#define BPF_FS_MAGIC 0xcafe4a11
#endif
#ifndef EFIVARFS_MAGIC
#define EFIVARFS_MAGIC 0xde5e81e4
#endif
#ifndef SELINUX_MAGIC
#define SELINUX_MAGIC 0xf97cff8c
#endif

static const char *const pseudo_roots[] = { "/proc", "/sys", "/dev" };

/* A path under one of the roots (or the root itself). */
static bool under_pseudo_root(const char *path)
{
	for (size_t i = 0; i < sizeof(pseudo_roots) / sizeof(pseudo_roots[0]); i++) {
		size_t n = strlen(pseudo_roots[i]);

		if (strncmp(path, pseudo_roots[i], n) == 0 && (path[n] == '\0' || path[n] == '/'))
			return true;
	}
	return false;
}

int vg_task_path_arg(const json_t *args, const char *name, const char **path, struct vg_error *err)
{
	const json_t *v = json_object_get(args, name);
	const char *s;
	size_t len;

	if (!json_is_string(v))
		return vg_error_set(err, -EINVAL, N_("missing argument \"%s\" (a path)"), name);
	s = json_string_value(v);
	len = json_string_length(v);
	if (strlen(s) != len)
		return vg_error_set(err, -EINVAL, N_("the path in \"%s\" contains a NUL byte"), name);
	if (len == 0 || len > VG_TASK_PATH_MAX)
		return vg_error_set(err, -ENAMETOOLONG, N_("the path in \"%s\" is empty or longer than 4095 bytes"), name);
	if (s[0] != '/')
		return vg_error_set(err, -EINVAL, N_("%s: not an absolute path"), s);
	*path = s;
	return 0;
}

static bool pseudo_fs(long type)
{
	switch (type) {
	case PROC_SUPER_MAGIC:
	case SYSFS_MAGIC:
	case DEVPTS_SUPER_MAGIC:
	case DEBUGFS_MAGIC:
	case TRACEFS_MAGIC:
	case SECURITYFS_MAGIC:
	case CGROUP_SUPER_MAGIC:
	case CGROUP2_SUPER_MAGIC:
	case BPF_FS_MAGIC:
	case EFIVARFS_MAGIC:
	case SELINUX_MAGIC:
		return true;
	default:
		return false;
	}
}

int vg_task_check_fd(struct vg_task_ctx *ctx, int fd, const char *path, struct vg_error *err)
{
	char link[64], real[VG_TASK_PATH_MAX + 1];
	struct statfs sfs;
	struct stat st;
	ssize_t n;

	if (under_pseudo_root(path)) {
		ctx->refused = true;
		return vg_error_set(err, -EPERM, N_("%s: files under /proc, /sys and /dev are refused"), path);
	}
	if (fstatfs(fd, &sfs) < 0 || fstat(fd, &st) < 0)
		return vg_error_set(err, -errno, N_("%s: cannot read its file system: %s"), path, strerror(errno));
	if (pseudo_fs((long)sfs.f_type)) {
		ctx->refused = true;
		return vg_error_set(err, -EPERM, N_("%s: files of pseudo file systems (proc, sysfs...) are refused"), path);
	}
	/* The name the kernel knows the descriptor by: where a link really led. */
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, real, sizeof(real) - 1);
	if (n < 0)
		return vg_error_set(err, -errno, N_("%s: cannot read its real path: %s"), path, strerror(errno));
	real[n] = '\0';
	if (under_pseudo_root(real)) {
		ctx->refused = true;
		return vg_error_set(err, -EPERM, N_("%s: files under /proc, /sys and /dev are refused"), path);
	}
	if (ctx->self) {
		size_t sl = strlen(ctx->self->state_dir);
		bool own = sl && strncmp(real, ctx->self->state_dir, sl) == 0 && (real[sl] == '\0' || real[sl] == '/');

		for (unsigned i = 0; i < ctx->self->nown && i < 4; i++)
			own = own || (st.st_dev == ctx->self->own[i].dev && st.st_ino == ctx->self->own[i].ino);
		if (own) {
			ctx->refused = true;
			return vg_error_set(err, -EPERM, N_("%s: the agent's own files are refused"), path);
		}
	}
	return 0;
}

/* Whether path has a ".." component. */
static bool has_dotdot(const char *path)
{
	for (const char *p = strstr(path, ".."); p; p = strstr(p + 1, ".."))
		if (p[-1] == '/' && (p[2] == '/' || p[2] == '\0'))
			return true;
	return false;
}

/* The refusal of a path that goes through a symbolic link, naming its real path when it can
 * be found (informative only: nothing acts on it). */
static int symlink_refused(struct vg_task_ctx *ctx, const char *path, const char *dir, struct vg_error *err)
{
	char *real = realpath(dir, NULL);
	char suggestion[VG_TASK_PATH_MAX + 1];
	int r;

	ctx->refused = true;
	if (!real)
		return vg_error_set(err, -ELOOP,
				    N_("%s: the path goes through a symbolic link, which a task never follows; name the real path"),
				    path);
	snprintf(suggestion, sizeof(suggestion), "%s%s%s", real, strcmp(real, "/") == 0 ? "" : "/", strrchr(path, '/') + 1);
	r = vg_error_set(err, -ELOOP,
			 N_("%s: the path goes through a symbolic link, which a task never follows; name the real path (%s)"),
			 path, suggestion);
	free(real);
	return r;
}

int vg_task_open_parent(struct vg_task_ctx *ctx, const char *path, int *dirfd, char *name, struct vg_error *err)
{
	char dir[VG_TASK_PATH_MAX + 1];
	const char *slash = strrchr(path, '/');
	/* No symbolic link in any component: a directory of the path that someone swaps for a link
	 * (to /etc, say) between a check and an action is refused, never followed. */
	struct open_how how = { .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
				.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
	int fd, r;

	snprintf(name, VG_TASK_PATH_MAX + 1, "%s", slash + 1);
	if (!name[0] || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
		ctx->refused = true;
		return vg_error_set(err, -EISDIR, N_("%s: a directory is refused"), path);
	}
	if (under_pseudo_root(path)) {
		ctx->refused = true;
		return vg_error_set(err, -EPERM, N_("%s: files under /proc, /sys and /dev are refused"), path);
	}
	if (has_dotdot(path)) {
		ctx->refused = true;
		return vg_error_set(err, -EINVAL, N_("%s: a path with \"..\" is refused; give the path without it"), path);
	}
	snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 : (int)(slash - path), path);
	fd = (int)syscall(SYS_openat2, AT_FDCWD, dir, &how, sizeof(how));
	if (fd < 0 && errno == ELOOP)
		return symlink_refused(ctx, path, dir, err);
	if (fd < 0)
		return vg_error_set(err, -errno, N_("%s: cannot open its directory: %s"), path, strerror(errno));
	if ((r = vg_task_check_fd(ctx, fd, dir, err)) < 0) {
		close(fd);
		return r;
	}
	*dirfd = fd;
	return 0;
}

int vg_task_open_entry(struct vg_task_ctx *ctx, int dirfd, const char *name, const char *path, int *pathfd,
		       struct stat *st, struct vg_error *err)
{
	/* One component, below dirfd, never through a link: the link itself is what O_PATH opens. */
	struct open_how how = { .flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
				.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
	int fd = (int)syscall(SYS_openat2, dirfd, name, &how, sizeof(how)), r;

	if (fd < 0)
		return vg_error_set(err, -errno, N_("%s: cannot open: %s"), path, strerror(errno));
	if (fstat(fd, st) < 0) {
		r = vg_error_set(err, -errno, N_("%s: cannot open: %s"), path, strerror(errno));
		close(fd);
		return r;
	}
	if (!S_ISLNK(st->st_mode) && (r = vg_task_check_fd(ctx, fd, path, err)) < 0) {
		close(fd);
		return r;
	}
	*pathfd = fd;
	return 0;
}

int vg_task_reopen(int pathfd, const struct stat *checked, int flags, const char *path, int *out,
		   struct vg_error *err)
{
	char link[64];
	struct stat now;
	int fd;

	/* The inode that was checked, by its descriptor: the name may point elsewhere by now. */
	snprintf(link, sizeof(link), "/proc/self/fd/%d", pathfd);
	fd = open(link, flags | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 && errno == EPERM && (flags & O_NOATIME))
		fd = open(link, (flags & ~O_NOATIME) | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return vg_error_set(err, -errno, N_("%s: cannot open: %s"), path, strerror(errno));
	if (fstat(fd, &now) < 0 || now.st_dev != checked->st_dev || now.st_ino != checked->st_ino ||
	    !S_ISREG(now.st_mode)) {
		close(fd);
		return vg_error_set(err, -EAGAIN, N_("%s changed while it was checked; nothing was done"), path);
	}
	*out = fd;
	return 0;
}

void vg_task_pause(const struct vg_task_ctx *ctx, const char *point)
{
	if (ctx->pause)
		ctx->pause(point);
}

int vg_task_sha256_arg(const json_t *args, char out[65], bool *given, struct vg_error *err)
{
	const json_t *v = json_object_get(args, "sha256");
	const char *s;

	*given = false;
	out[0] = '\0';
	if (!v || json_is_null(v))
		return 0;
	s = json_string_value(v);
	if (!s || json_string_length(v) != 64 || strspn(s, "0123456789abcdefABCDEF") != 64)
		return vg_error_set(err, -EINVAL, N_("\"sha256\" must be 64 hexadecimal digits"));
	for (int i = 0; i < 64; i++)
		out[i] = (char)(s[i] >= 'A' && s[i] <= 'F' ? s[i] - 'A' + 'a' : s[i]);
	out[64] = '\0';
	*given = true;
	return 0;
}

json_t *vg_task_stat_json(const struct stat *st)
{
	char mode[8], buf[1024];
	struct passwd pw, *found = NULL;

	snprintf(mode, sizeof(mode), "%04o", (unsigned)(st->st_mode & 07777));
	if (getpwuid_r(st->st_uid, &pw, buf, sizeof(buf), &found) != 0)
		found = NULL;
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:s, s:s}", "size", (json_int_t)st->st_size,
			 "mtime", (json_int_t)st->st_mtime, "ctime", (json_int_t)st->st_ctime,
			 "atime", (json_int_t)st->st_atime, "uid", (json_int_t)st->st_uid,
			 "gid", (json_int_t)st->st_gid, "owner", found ? found->pw_name : "", "mode", mode);
}

/* The agent's own directories (collection, quarantine): 0700, ours, never a link. */
int vg_task_make_dir(const char *dir, struct vg_error *err)
{
	struct stat st;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return vg_error_set(err, -errno, N_("cannot create %s: %s"), dir, strerror(errno));
	if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid())
		return vg_error_set(err, -EPERM, N_("%s is not a directory owned by the agent"), dir);
	if ((st.st_mode & 077) && chmod(dir, 0700) < 0)
		return vg_error_set(err, -errno, N_("cannot create %s: %s"), dir, strerror(errno));
	return 0;
}
