/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vigilctl: the Vigil shell and scriptable command line. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "nls.h"

static void usage(FILE *out)
{
	fprintf(out, _("Usage: %s [OPTION]... [COMMAND [ARG]...]\n"), "vigilctl");
	fputs(_("Control the Vigil agent.  Without a command: an interactive shell when standard input\n"
		"is a terminal, else the commands are read from standard input.\n\n"), out);
	fputs(_("  -s, --socket PATH   the agent's control socket (or $VIGIL_SOCKET)\n"
		"  -j, --json          print results as JSON\n"
		"  -f, --file FILE     run the commands in FILE, stopping at the first failure\n"
		"  -h, --help          show this help and the commands, then exit\n"
		"  -V, --version       show the version and exit\n"), out);
	fputs(_("\nExit status: 0 ok, 1 the command failed, 2 usage error, 3 the agent cannot be reached.\n\n"), out);
	vg_cli_help_all(out);
}

int main(int argc, char **argv)
{
	enum { OPT_ROFF = 256 };
	static const struct option options[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "file", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "commands-roff", no_argument, NULL, OPT_ROFF },
		{ NULL, 0, NULL, 0 },
	};
	struct vg_cli cli = { 0 };
	const char *file = NULL;
	int opt, rc;

	vg_nls_init();
	cli.socket_path = vg_client_default_socket();
	/* "+": options end at the first command word, so that commands keep theirs. */
	while ((opt = getopt_long(argc, argv, "+s:jf:hV", options, NULL)) != -1) {
		switch (opt) {
		case 's':
			cli.socket_path = optarg;
			break;
		case 'j':
			cli.json = true;
			break;
		case 'f':
			file = optarg;
			break;
		case 'h':
			usage(stdout);
			return VG_EXIT_OK;
		case 'V':
			printf("vigilctl %s\n", PACKAGE_VERSION);
			return VG_EXIT_OK;
		case OPT_ROFF:
			vg_cli_print_roff(stdout);
			return VG_EXIT_OK;
		default:
			fprintf(stderr, _("Try '%s --help' for more information.\n"), "vigilctl");
			return VG_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		if (file) {
			fprintf(stderr, "vigilctl: %s\n", _("give either a command or --file, not both"));
			return VG_EXIT_USAGE;
		}
		rc = vg_cli_run(&cli, argc - optind, argv + optind);
	} else if (file) {
		FILE *in = strcmp(file, "-") == 0 ? stdin : fopen(file, "re");

		if (!in) {
			fprintf(stderr, _("vigilctl: cannot open %s: %m\n"), file);
			return VG_EXIT_USAGE;
		}
		rc = vg_cli_script(&cli, in, file);
		if (in != stdin)
			fclose(in);
	} else if (isatty(STDIN_FILENO)) {
		rc = vg_cli_shell(&cli);
	} else {
		rc = vg_cli_script(&cli, stdin, _("standard input"));
	}
	vg_client_close(cli.client);
	return rc;
}
