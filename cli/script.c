/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Running commands from a file or a pipe: stop at the first failing line, and name it. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "nls.h"

int vg_cli_script(struct vg_cli *cli, FILE *in, const char *name)
{
	char *line = NULL, *buf = NULL;
	char *words[VG_CLI_MAX_WORDS];
	size_t cap = 0;
	ssize_t n;
	unsigned lineno = 0;
	int rc = VG_EXIT_OK;

	cli->script = true;
	buf = malloc(VG_CLI_MAX_LINE + 1);
	if (!buf)
		return vg_cli_fail(cli, N_("out of memory"));
	while (!cli->quit && (n = getline(&line, &cap, in)) >= 0) {
		const char *error;
		int argc;

		lineno++;
		if ((size_t)n > VG_CLI_MAX_LINE) {
			fprintf(stderr, _("vigilctl: %s:%u: line too long\n"), name, lineno);
			rc = VG_EXIT_USAGE;
			break;
		}
		argc = vg_cli_split(line, buf, VG_CLI_MAX_LINE + 1, words, VG_CLI_MAX_WORDS, &error);
		if (argc < 0) {
			fprintf(stderr, _("vigilctl: %s:%u: %s\n"), name, lineno, _(error));
			rc = VG_EXIT_USAGE;
			break;
		}
		rc = vg_cli_run(cli, argc, words);
		if (rc != VG_EXIT_OK) {
			fprintf(stderr, _("vigilctl: %s:%u: the command failed; stopping\n"), name, lineno);
			break;
		}
	}
	free(line);
	free(buf);
	return rc;
}
