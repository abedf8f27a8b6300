/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "log.h"
#include "nls.h"
#include "state-dir.h"
#include "vigil/error.h"

#define MAX_DEPTH 4        /* collected/, quarantine/ and their entries: deep enough */
#define MAX_ENTRIES 100000 /* a bound on the walk, whatever the directory holds */
#define MAX_FILES 65536

void vg_process_private(void)
{
	struct rlimit none = { 0, 0 }, files;

	umask(077);
	/* Proxy credentials and the client key are in memory: no core file, and /proc/PID/mem
	 * or ptrace only for a process with CAP_SYS_PTRACE. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		vg_warn("cannot make the agent undumpable: %s", strerror(errno));
	if (setrlimit(RLIMIT_CORE, &none) < 0)
		vg_warn("cannot turn core dumps off: %s", strerror(errno));
	/* Room for every client the control socket admits and what they wait for, beyond the
	 * usual 1024 (the hard limit, or 65536 if it is higher). */
	if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < MAX_FILES && files.rlim_cur < files.rlim_max) {
		files.rlim_cur = files.rlim_max < MAX_FILES ? files.rlim_max : MAX_FILES;
		setrlimit(RLIMIT_NOFILE, &files);
	}
}

/* Takes group and others' bits off the entries of the directory dfd (closed here). */
static void tighten(int dfd, int depth, size_t *seen, size_t *fixed)
{
	DIR *d = fdopendir(dfd);
	struct dirent *e;

	if (!d) {
		close(dfd);
		return;
	}
	while ((e = readdir(d)) && *seen < MAX_ENTRIES) {
		struct stat st;
		int sub;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		(*seen)++;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || st.st_uid != geteuid())
			continue;
		if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
			continue; /* links are never followed; the socket lives elsewhere */
		if (st.st_mode & 077) {
			if (fchmodat(dirfd(d), e->d_name, st.st_mode & 0700, 0) == 0)
				(*fixed)++;
			else
				vg_warn("cannot take others' access off %s: %s", e->d_name, strerror(errno));
		}
		if (S_ISDIR(st.st_mode) && depth < MAX_DEPTH &&
		    (sub = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) >= 0)
			tighten(sub, depth + 1, seen, fixed);
	}
	closedir(d);
}

int vg_state_dir_secure(const char *dir, struct vg_error *err)
{
	size_t seen = 0, fixed = 0;
	int r, dfd;

	if ((r = vg_dir_ensure_private(dir, 0700, err)) < 0)
		return r;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return vg_error_set(err, -errno, N_("cannot use the directory %s: %s"), dir, strerror(errno));
	tighten(dfd, 1, &seen, &fixed);
	if (fixed)
		vg_notice("state directory %s: took group and others' access off %zu files", dir, fixed);
	return 0;
}
