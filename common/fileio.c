/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "nls.h"
#include "vigil/error.h"

int vg_file_read_all(const char *path, size_t max_size, char **data, size_t *len, struct vg_error *err)
{
	struct stat st;
	char *buf = NULL;
	size_t got = 0;
	int fd, r = 0;
	char limit[32];

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return vg_error_set(err, -errno, N_("cannot open %s: %s"), path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		r = vg_error_set(err, -errno, N_("cannot read %s: %s"), path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = vg_error_set(err, -EINVAL, N_("%s is not a regular file"), path);
		goto out;
	}
	if ((unsigned long long)st.st_size > max_size) {
		snprintf(limit, sizeof(limit), "%zu", max_size);
		r = vg_error_set(err, -EFBIG, N_("%s is larger than the limit of %s bytes"), path, limit);
		goto out;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		r = vg_error_set(err, -ENOMEM, N_("out of memory"));
		goto out;
	}
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
	free(buf);
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

	if (mkdir(dir, mode) < 0 && errno != EEXIST)
		return vg_error_set(err, -errno, N_("cannot create the directory %s: %s"), dir, strerror(errno));
	if (lstat(dir, &st) < 0)
		return vg_error_set(err, -errno, N_("cannot use the directory %s: %s"), dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return vg_error_set(err, -ENOTDIR, N_("%s is not a directory"), dir);
	if (st.st_uid != geteuid() || (st.st_mode & 022))
		return vg_error_set(err, -EPERM,
			N_("refusing the directory %s: it must be owned by the agent's user and writable by no one else"), dir);
	return 0;
}
