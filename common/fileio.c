/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fileio.h"
#include "nls.h"
#include "vigil/error.h"

int vg_file_read_fd(int fd, const char *path, size_t max_size, char **data, size_t *len, struct vg_error *err)
{
	struct stat st;
	char *buf = NULL;
	size_t got = 0;
	int r = 0;
	char limit[32];

	if (fstat(fd, &st) < 0)
		return vg_error_set(err, -errno, N_("cannot read %s: %s"), path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return vg_error_set(err, -EINVAL, N_("%s is not a regular file"), path);
	if ((unsigned long long)st.st_size > max_size) {
		snprintf(limit, sizeof(limit), "%zu", max_size);
		return vg_error_set(err, -EFBIG, N_("%s is larger than the limit of %s bytes"), path, limit);
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	/* The file may grow while we read: never read past what we allocated. */
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = vg_error_set(err, -errno, N_("cannot read %s: %s"), path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	*data = buf;
	*len = got;
	buf = NULL;
out:
	if (buf) {
		/* What was read may be a secret. */
		explicit_bzero(buf, (size_t)st.st_size + 1);
		free(buf);
	}
	return r;
}

int vg_file_read_all(const char *path, size_t max_size, char **data, size_t *len, struct vg_error *err)
{
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return vg_error_set(err, -errno, N_("cannot open %s: %s"), path, strerror(errno));
	r = vg_file_read_fd(fd, path, max_size, data, len, err);
	close(fd);
	return r;
}

int vg_file_write_atomic(const char *path, const void *data, size_t len, mode_t mode, struct vg_error *err)
{
	char tmp[PATH_MAX];
	const char *p = data;
	int fd, r = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", path) >= (int)sizeof(tmp))
		return vg_error_set(err, -ENAMETOOLONG, N_("path too long: %s"), path);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return vg_error_set(err, -errno, N_("cannot create %s: %s"), tmp, strerror(errno));
	if (fchmod(fd, mode) < 0)
		goto fail;
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		p += n;
		len -= (size_t)n;
	}
	if (fsync(fd) < 0)
		goto fail;
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) < 0)
		goto fail;
	return 0;
fail:
	r = vg_error_set(err, -errno, N_("cannot write %s: %s"), path, strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return r;
}

int vg_dir_ensure_private(const char *dir, mode_t mode, struct vg_error *err)
{
	struct stat st;
	char have[8], want[8], uid[16], own[16], fix[VG_ERROR_ARG_SIZE];

	if (mkdir(dir, mode) == 0) {
		/* The umask may have taken bits away (the socket's directory must stay 0755). */
		if (chmod(dir, mode) < 0)
			return vg_error_set(err, -errno, N_("cannot set the mode of %s: %s"), dir, strerror(errno));
	} else if (errno != EEXIST) {
		return vg_error_set(err, -errno, N_("cannot create the directory %s: %s"), dir, strerror(errno));
	}
	if (lstat(dir, &st) < 0)
		return vg_error_set(err, -errno, N_("cannot use the directory %s: %s"), dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return vg_error_set(err, -ENOTDIR, N_("%s is not a directory"), dir);
	snprintf(uid, sizeof(uid), "%u", (unsigned)st.st_uid);
	snprintf(own, sizeof(own), "%u", (unsigned)geteuid());
	if (st.st_uid != geteuid()) {
		snprintf(fix, sizeof(fix), "chown %s %s", own, dir);
		return vg_error_set(err, -EPERM,
				    N_("refusing the directory %s: it belongs to uid %s, not to the agent's user (uid %s); "
				       "fix it with: %s"), dir, uid, own, fix);
	}
	/* Group and others get at most what mode gives them, and never the right to write. */
	if (st.st_mode & 077 & ~(mode & 0755)) {
		snprintf(have, sizeof(have), "%04o", (unsigned)(st.st_mode & 07777));
		snprintf(want, sizeof(want), "%04o", (unsigned)(mode & 0755));
		snprintf(fix, sizeof(fix), "chmod %s %s", want, dir);
		return vg_error_set(err, -EPERM,
				    N_("refusing the directory %s: its mode %s lets other users in (it must be %s); "
				       "fix it with: %s"), dir, have, want, fix);
	}
	return 0;
}

int vg_open_no_symlinks(int dirfd, const char *path, int flags)
{
	struct open_how how = { .flags = (uint64_t)flags, .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };

	return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
}
