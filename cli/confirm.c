/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Asking before what cannot be undone (a file deleted for good): a person at a terminal
 * answers; a script says --yes, or is refused before anything happens.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "nls.h"

#define MAX_ANSWER 64

/* One line from standard input, read a byte at a time so that nothing meant for readline
 * afterwards is taken; false on end of file or an interruption (Ctrl-C). */
static bool read_answer(char *buf, size_t size)
{
	size_t n = 0;

	for (;;) {
		char c;
		ssize_t r = read(STDIN_FILENO, &c, 1);

		if (r <= 0)
			return false;
		if (c == '\n')
			break;
		if (n + 1 < size)
			buf[n++] = c;
	}
	buf[n] = '\0';
	return true;
}

int vg_cli_confirm(struct vg_cli *cli, const struct vg_cli_args *args, const char *question)
{
	char answer[MAX_ANSWER];

	if (vg_cli_opt_flag(args, "yes"))
		return VG_EXIT_OK;
	if (cli->script || !isatty(STDIN_FILENO))
		return vg_cli_usage(cli, args->cmd,
				    N_("this cannot be undone: confirm with --yes (no one to ask: the commands come from a script)"));
	fprintf(stderr, "%s [%s] ", question, _("y/N"));
	fflush(stderr);
	if (!read_answer(answer, sizeof(answer))) {
		fputc('\n', stderr);
		return vg_cli_fail(cli, N_("not confirmed: nothing was done"));
	}
	/* The locale's own yes ("o" or "oui" in French, "y" in English). */
	if (rpmatch(answer) != 1)
		return vg_cli_fail(cli, N_("not confirmed: nothing was done"));
	return VG_EXIT_OK;
}
