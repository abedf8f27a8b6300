/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nls.h"

#define BUILD_TREE_DEPTH 3 /* tests/agent/.libs/vigild-test is the deepest program */

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Cuts the last component of path ("/a/b" -> "/a"); false at the root. */
static bool parent(char *path)
{
	char *slash = strrchr(path, '/');

	if (!slash || slash == path)
		return false;
	*slash = '\0';
	return true;
}

/* A program run from its build tree (not from where it is installed) uses the catalogs
 * compiled there (locale/ of the build tree, next to config.status), so that LANGUAGE works
 * before installation.  An installed program never looks anywhere but LOCALEDIR. */
static bool build_tree_catalogs(char *out, size_t size)
{
	char exe[PATH_MAX], dir[PATH_MAX + 32];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	const char *base;

	if (n <= 0)
		return false;
	exe[n] = '\0';
	if (!parent(exe) || strcmp(exe, BINDIR) == 0 || strcmp(exe, SBINDIR) == 0)
		return false;
	/* libtool keeps the real program in .libs/ behind a wrapper script. */
	base = strrchr(exe, '/');
	if (base && strcmp(base, "/.libs") == 0 && !parent(exe))
		return false;
	for (int up = 0; up < BUILD_TREE_DEPTH; up++) {
		snprintf(dir, sizeof(dir), "%s/config.status", exe);
		if (is_file(dir)) {
			snprintf(dir, sizeof(dir), "%s/locale", exe);
			if (!is_dir(dir) || strlen(dir) >= size)
				return false;
			snprintf(out, size, "%s", dir);
			return true;
		}
		if (!parent(exe))
			return false;
	}
	return false;
}

void vg_nls_init(void)
{
	const char *language = getenv("LANGUAGE"), *dir = getenv("VIGIL_LOCALEDIR");
	const char *messages;
	char tree[PATH_MAX];

	setlocale(LC_ALL, "");
	/* gettext ignores LANGUAGE under the C locale; someone who asked for a language
	 * by LANGUAGE alone still gets it, in UTF-8. */
	messages = setlocale(LC_MESSAGES, NULL);
	if (language && language[0] && messages && (!strcmp(messages, "C") || !strcmp(messages, "POSIX"))) {
		setlocale(LC_MESSAGES, "C.UTF-8");
		setlocale(LC_CTYPE, "C.UTF-8");
	}
	/* VIGIL_LOCALEDIR (an absolute path) names the catalogs to use; else the build tree's when
	 * the program runs from there; else the installed ones. */
	if (dir && dir[0] == '/')
		bindtextdomain(VG_TEXT_DOMAIN, dir);
	else if (build_tree_catalogs(tree, sizeof(tree)))
		bindtextdomain(VG_TEXT_DOMAIN, tree);
	else
		bindtextdomain(VG_TEXT_DOMAIN, LOCALEDIR);
	bind_textdomain_codeset(VG_TEXT_DOMAIN, "UTF-8");
	textdomain(VG_TEXT_DOMAIN);
}
