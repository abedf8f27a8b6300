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
#include "paths.h"

/* A program run from its build tree (not from where it is installed) uses the catalogs
 * compiled there (locale/ of the build tree), so that LANGUAGE works before installation.  An
 * installed program never looks anywhere but LOCALEDIR. */
static bool build_tree_catalogs(char *out, size_t size)
{
	char top[PATH_MAX], dir[PATH_MAX + 32];
	struct stat st;

	if (!vg_build_tree_top(top, sizeof(top)))
		return false;
	snprintf(dir, sizeof(dir), "%s/locale", top);
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode) || strlen(dir) >= size)
		return false;
	snprintf(out, size, "%s", dir);
	return true;
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
