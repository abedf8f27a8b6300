/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Retention of get-file copies: collected/ keeps what is recent and fits its caps. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "nls.h"
#include "tasks/executors.h"
#include "vigil/error.h"

#define COPIES_MAX 100000 /* entries looked at in one pass; the rest wait for the next */

struct copy {
	char *name;
	struct timespec mtime;
	uint64_t size;
	bool writing;     /* NAME.part: a get-file still writes it */
};

/* Newest first. */
static int by_age(const void *a, const void *b)
{
	const struct copy *x = a, *y = b;

	if (x->mtime.tv_sec != y->mtime.tv_sec)
		return x->mtime.tv_sec < y->mtime.tv_sec ? 1 : -1;
	if (x->mtime.tv_nsec != y->mtime.tv_nsec)
		return x->mtime.tv_nsec < y->mtime.tv_nsec ? 1 : -1;
	return strcmp(y->name, x->name);
}

static bool part_name(const char *name)
{
	size_t n = strlen(name);

	return n > 5 && strcmp(name + n - 5, ".part") == 0;
}

/* Reads the regular files of the directory (links and the rest are not ours: left alone). */
static int read_copies(const char *path, int dfd, struct copy **out, size_t *count, struct vg_error *err)
{
	struct copy *list = NULL, *grown;
	size_t n = 0, cap = 0;
	struct dirent *de;
	struct stat st;
	DIR *dir;
	int fd = dup(dfd);

	if (fd < 0 || !(dir = fdopendir(fd))) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		return vg_error_set(err, -e, N_("cannot read %s: %s"), path, strerror(e));
	}
	while (n < COPIES_MAX && (de = readdir(dir))) {
		if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			if (!(grown = realloc(list, cap * sizeof(*list))))
				break;
			list = grown;
		}
		if (!(list[n].name = strdup(de->d_name)))
			break;
		list[n].mtime = st.st_mtim;
		list[n].size = (uint64_t)st.st_blocks * 512 > (uint64_t)st.st_size ? (uint64_t)st.st_blocks * 512
										 : (uint64_t)st.st_size;
		list[n].writing = part_name(de->d_name);
		n++;
	}
	closedir(dir);
	*out = list;
	*count = n;
	return 0;
}

int vg_task_collected_enforce(const char *dir, uint64_t max_bytes, uint64_t max_age_s, struct vg_collected_usage *usage,
			      struct vg_error *err)
{
	struct copy *list = NULL;
	size_t n = 0;
	uint64_t kept = 0;
	bool full = false;
	time_t oldest = time(NULL) - (time_t)max_age_s;
	int dfd, r;

	usage->files = 0;
	usage->bytes = 0;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return errno == ENOENT ? 0 : vg_error_set(err, -errno, N_("cannot read %s: %s"), dir, strerror(errno));
	if ((r = read_copies(dir, dfd, &list, &n, err)) < 0)
		goto out;
	if (n > 1)
		qsort(list, n, sizeof(*list), by_age);
	for (size_t i = 0; i < n; i++) {
		/* Past the first copy that does not fit, every older one goes; the newest stays (a cap
		 * below one file would else remove each copy as it is made).  A copy being written is
		 * counted, never cut short; a leftover of a crash ages out. */
		bool old = max_age_s && list[i].mtime.tv_sec < oldest;

		if (usage->files && !list[i].writing && max_bytes && kept + list[i].size > max_bytes)
			full = true;
		if ((old || (full && !list[i].writing)) && unlinkat(dfd, list[i].name, 0) == 0) {
			usage->removed++;
			continue;
		}
		kept += list[i].size;
		usage->files++;
	}
	usage->bytes = kept;
out:
	for (size_t i = 0; i < n; i++)
		free(list[i].name);
	free(list);
	close(dfd);
	return r;
}
