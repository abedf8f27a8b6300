/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vigilctl: the Vigil shell and scriptable command line. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "nls.h"

static void usage(FILE *out)
{
	int width = vg_cli_width(out);

	fprintf(out, _("Usage: %s [OPTION]... [COMMAND [ARG]...]\n"), "vigilctl");
	vg_cli_wrap(out,
		    _("Control the Vigil agent.  Without a command: an interactive shell when standard input\n"
		      "is a terminal, else the commands are read from standard input.\n\n"),
		    0, 0, width, 0);
	fputc('\n', out);
	vg_cli_help_options(out, &vg_cli_program, width);
	fputc('\n', out);
	vg_cli_wrap(out, _("\nExit status: 0 ok, 1 the command failed, 2 usage error, 3 the agent cannot be reached;\n"
			   "ioc scan: 4 a document matched; task run: the program's own status, 125 when it did not run.\n\n"),
		    0, 0, width, 0);
	fputc('\n', out);
	vg_cli_help_all(out);
}

static int run(struct vg_cli *cli, const struct vg_cli_args *args, char **words)
{
	const char *file = vg_cli_opt_str(args, "file");
	int n = vg_cli_arg_count(args), rc;

	if (n > 0) {
		if (file) {
			fprintf(stderr, _("vigilctl: %s\n"), _("give either a command or --file, not both"));
			return VG_EXIT_USAGE;
		}
		/* One command: indented JSON for a person at a terminal, one line for a program. */
		cli->json_indent = isatty(STDOUT_FILENO);
		return vg_cli_run(cli, n, words);
	}
	if (file) {
		FILE *in = strcmp(file, "-") == 0 ? stdin : fopen(file, "re");

		if (!in) {
			fprintf(stderr, _("vigilctl: cannot open %s: %m\n"), file);
			return VG_EXIT_USAGE;
		}
		rc = vg_cli_script(cli, in, file);
		if (in != stdin)
			fclose(in);
		return rc;
	}
	if (isatty(STDIN_FILENO)) {
		cli->json_indent = isatty(STDOUT_FILENO);
		return vg_cli_shell(cli);
	}
	return vg_cli_script(cli, stdin, _("standard input"));
}

int main(int argc, char **argv)
{
	struct vg_cli cli = { 0 };
	struct vg_cli_args *args;
	struct vg_error err;
	char text[VG_ERROR_MSG_SIZE];
	int rc;

	vg_nls_init();
	cli.socket_path = vg_client_default_socket();
	args = malloc(sizeof(*args));
	if (!args) {
		fprintf(stderr, _("vigilctl: %s\n"), _("out of memory"));
		return VG_EXIT_FAILED;
	}
	if (vg_cli_parse(&vg_cli_program, argc - 1, argv + 1, args, &err) < 0) {
		fprintf(stderr, _("vigilctl: %s\n"), vg_error_text(&err, text, sizeof(text)));
		fprintf(stderr, _("Try '%s --help' for more information.\n"), "vigilctl");
		free(args);
		return VG_EXIT_USAGE;
	}
	for (int i = 0; i < args->ndeprecated; i++)
		fprintf(stderr, _("vigilctl: -%c is deprecated and will be removed: use -%c (--%s)\n"),
			args->deprecated[i]->old_letter, args->deprecated[i]->letter, args->deprecated[i]->name);
	if (args->help) {
		usage(stdout);
		rc = VG_EXIT_OK;
	} else if (vg_cli_opt_flag(args, "version")) {
		printf("vigilctl %s\n", PACKAGE_VERSION);
		rc = VG_EXIT_OK;
	} else if (vg_cli_opt_flag(args, "commands-roff")) {
		vg_cli_print_roff(stdout);
		rc = VG_EXIT_OK;
	} else {
		if (vg_cli_opt_str(args, "socket"))
			cli.socket_path = vg_cli_opt_str(args, "socket");
		cli.json = vg_cli_opt_flag(args, "json");
		vg_cli_escape_output(&cli);
		if (vg_cli_opt_flag(args, "complete"))
			rc = vg_cli_complete_main(&cli, vg_cli_arg_count(args), argv + 1 + args->first_operand);
		else
			rc = run(&cli, args, argv + 1 + args->first_operand);
	}
	free(args);
	json_decref(cli.setting_keys);
	vg_client_close(cli.client);
	vg_cli_output_end(&cli);
	return rc;
}
