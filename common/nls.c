/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "nls.h"

void vg_nls_init(void)
{
	const char *language = getenv("LANGUAGE"), *dir = getenv("VIGIL_LOCALEDIR");
	const char *messages;

	setlocale(LC_ALL, "");
	/* gettext ignores LANGUAGE under the C locale; someone who asked for a language
	 * by LANGUAGE alone still gets it, in UTF-8. */
	messages = setlocale(LC_MESSAGES, NULL);
	if (language && language[0] && messages && (!strcmp(messages, "C") || !strcmp(messages, "POSIX"))) {
		setlocale(LC_MESSAGES, "C.UTF-8");
		setlocale(LC_CTYPE, "C.UTF-8");
	}
	/* A catalog directory for running from the build tree (tests), before installation. */
	bindtextdomain(VG_TEXT_DOMAIN, dir && dir[0] == '/' ? dir : LOCALEDIR);
	bind_textdomain_codeset(VG_TEXT_DOMAIN, "UTF-8");
	textdomain(VG_TEXT_DOMAIN);
}
