/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Whether the running program is one of the build tree's, and where that tree is. */
#include "config.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "paths.h"

#define BUILD_TREE_DEPTH 3 /* tests/agent/.libs/vigild-test is the deepest program */

/* Cuts the last component of path ("/a/b" -> "/a"); false at the root. */
static bool parent(char *path)
{
	char *slash = strrchr(path, '/');

	if (!slash || slash == path)
		return false;
	*slash = '\0';
	return true;
}

bool vg_build_tree_top(char *out, size_t size)
{
	char exe[PATH_MAX], file[PATH_MAX + 32];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	const char *base;
	struct stat st;

	if (n <= 0)
		return false;
	exe[n] = '\0';
	if (!parent(exe) || strcmp(exe, BINDIR) == 0 || strcmp(exe, SBINDIR) == 0 ||
	    strcmp(exe, PKGLIBEXECDIR) == 0)
		return false;
	/* libtool keeps the real program in .libs/ behind a wrapper script. */
	base = strrchr(exe, '/');
	if (base && strcmp(base, "/.libs") == 0 && !parent(exe))
		return false;
	for (int up = 0; up < BUILD_TREE_DEPTH; up++) {
		snprintf(file, sizeof(file), "%s/config.status", exe);
		if (stat(file, &st) == 0 && S_ISREG(st.st_mode)) {
			if (strlen(exe) >= size)
				return false;
			snprintf(out, size, "%s", exe);
			return true;
		}
		if (!parent(exe))
			return false;
	}
	return false;
}
