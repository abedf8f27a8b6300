/* SPDX-License-Identifier: GPL-3.0-or-later */
/* help and quit. */
#include "config.h"

#include <stdio.h>

#include "cli.h"
#include "nls.h"

static int run_help(struct vg_cli *cli, const struct vg_cli_command *cmd, int argc, char **argv)
{
	(void)cli;
	(void)cmd;
	if (argc == 0) {
		vg_cli_help_all(stdout);
		return VG_EXIT_OK;
	}
	return vg_cli_help_command(stdout, argc, argv);
}

static int run_quit(struct vg_cli *cli, const struct vg_cli_command *cmd, int argc, char **argv)
{
	(void)cmd;
	(void)argc;
	(void)argv;
	cli->quit = true;
	return VG_EXIT_OK;
}

static char *complete_command(struct vg_cli *cli, const char *text, int argi, int state)
{
	(void)text;
	(void)argi;
	(void)state;
	return NULL;
}

const struct vg_cli_command vg_cli_cmds_general[] = {
	{ "help", "[COMMAND]", N_("List the commands, or explain one"), NULL, VG_CLI_NO_CMD, VG_CLI_LOCAL, 0, 8,
	  complete_command, run_help },
	{ "quit", "", N_("Leave the shell"), NULL, VG_CLI_NO_CMD, VG_CLI_LOCAL, 0, 0, NULL, run_quit },
	{ NULL },
};
