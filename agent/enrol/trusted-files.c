/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The files of the drop-in directory and those they name, read as the root agent must read
 * what steers it: no symbolic link followed in any component of a path, owner and mode checked
 * on the open descriptor (not on the name, which could be swapped between a check and the
 * open), sizes bounded. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "enrol/enrol.h"
#include "fileio.h"
#include "nls.h"
#include "vigil/error.h"

/* Owned by root and writable by no one else; with secret, readable by no one else either. */
static int check_trusted(const struct stat *st, const char *what, bool secret, struct vg_error *err)
{
	char owner[32], mode[16];

	snprintf(owner, sizeof(owner), "%u", (unsigned)st->st_uid);
	snprintf(mode, sizeof(mode), "%04o", (unsigned)(st->st_mode & 07777));
	if (st->st_uid != 0)
		return vg_error_set(err, -EPERM, N_("%s is owned by uid %s, not root: refused (the agent runs as root)"),
				    what, owner);
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return vg_error_set(err, -EPERM,
				    N_("%s has mode %s: writable by others than root, refused (chmod go-w)"), what, mode);
	if (secret && (st->st_mode & (S_IRGRP | S_IROTH)))
		return vg_error_set(err, -EPERM,
				    N_("%s has mode %s: a secret readable by others than root, refused (chmod 600)"),
				    what, mode);
	return 0;
}

int vg_enrol_read_trusted(int dirfd, const char *name, const char *shown, size_t max, bool secret, char **data,
			  size_t *len, struct vg_error *err)
{
	struct stat st;
	int fd, r;

	*data = NULL;
	*len = 0;
	fd = vg_open_no_symlinks(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		int e = errno;

		/* Say which: the file itself, or a directory on the way to it. */
		if (e == ELOOP && fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
			return vg_error_set(err, -ELOOP, N_("%s is a symbolic link: refused (name the file itself)"), shown);
		if (e == ELOOP)
			return vg_error_set(err, -ELOOP,
					    N_("%s: a directory of its path is a symbolic link: refused (name the real path)"),
					    shown);
		return vg_error_set(err, -e, N_("cannot open %s: %s"), shown, strerror(e));
	}
	if (fstat(fd, &st) < 0)
		r = vg_error_set(err, -errno, N_("cannot read %s: %s"), shown, strerror(errno));
	else if (!S_ISREG(st.st_mode))
		r = vg_error_set(err, -EINVAL, N_("%s is not a regular file"), shown);
	else if ((r = check_trusted(&st, shown, secret, err)) == 0)
		r = vg_file_read_fd(fd, shown, max, data, len, err);
	close(fd);
	return r;
}

static bool wanted(const char *name)
{
	size_t n = strlen(name);

	return name[0] != '.' && n > 5 && n <= VG_ENROL_MAX_NAME && strcmp(name + n - 5, ".conf") == 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int vg_enrol_list(const char *dir, int *dirfd, char ***names, size_t *n, struct vg_error *err)
{
	char **list = NULL, limit[16];
	struct dirent *de;
	struct stat st;
	size_t count = 0;
	DIR *d = NULL;
	int fd, copy, r;

	*dirfd = -1;
	*names = NULL;
	*n = 0;
	fd = vg_open_no_symlinks(AT_FDCWD, dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return -ENOENT;
		if (errno == ELOOP || errno == ENOTDIR)
			return vg_error_set(err, -errno, N_("%s is not a directory (a symbolic link is not followed)"), dir);
		return vg_error_set(err, -errno, N_("cannot open %s: %s"), dir, strerror(errno));
	}
	if (fstat(fd, &st) < 0) {
		r = vg_error_set(err, -errno, N_("cannot open %s: %s"), dir, strerror(errno));
		goto fail;
	}
	/* Whoever may write in the directory may put a file there: then none of it is read. */
	if ((r = check_trusted(&st, dir, false, err)) < 0)
		goto fail;
	if ((copy = dup(fd)) < 0 || !(d = fdopendir(copy))) {
		r = vg_error_set(err, -errno, N_("cannot read %s: %s"), dir, strerror(errno));
		if (copy >= 0)
			close(copy);
		goto fail;
	}
	list = calloc(VG_ENROL_MAX_FILES, sizeof(*list));
	if (!list) {
		r = vg_error_set(err, -ENOMEM, N_("out of memory"));
		goto fail;
	}
	snprintf(limit, sizeof(limit), "%d", VG_ENROL_MAX_FILES);
	while ((de = readdir(d))) {
		if (!wanted(de->d_name))
			continue;
		if (count >= VG_ENROL_MAX_FILES) {
			r = vg_error_set(err, -E2BIG, N_("%s holds more than %s files: none is read"), dir, limit);
			goto fail;
		}
		if (!(list[count] = strdup(de->d_name))) {
			r = vg_error_set(err, -ENOMEM, N_("out of memory"));
			goto fail;
		}
		count++;
	}
	closedir(d);
	qsort(list, count, sizeof(*list), by_name);
	*dirfd = fd;
	*names = list;
	*n = count;
	return 0;
fail:
	if (d)
		closedir(d);
	for (size_t i = 0; list && i < count; i++)
		free(list[i]);
	free(list);
	close(fd);
	return r;
}
