/* SPDX-License-Identifier: GPL-3.0-or-later */
/* help and quit. */
#include "config.h"

#include <stdio.h>

#include "cli.h"
#include "nls.h"

static int run_help(struct vg_cli *cli, const struct vg_cli_args *args)
{
	char *words[VG_CLI_MAX_WORDS];
	int n = vg_cli_arg_count(args);

	if (n == 0) {
		vg_cli_help_all(stdout);
		return VG_EXIT_OK;
	}
	for (int i = 0; i < n; i++)
		words[i] = (char *)vg_cli_arg_str(args, i);
	return vg_cli_help_words(cli, stdout, n, words);
}

static int run_quit(struct vg_cli *cli, const struct vg_cli_args *args)
{
	(void)args;
	cli->quit = true;
	return VG_EXIT_OK;
}

const struct vg_cli_command vg_cli_cmds_general[] = {
	{ .name = "help", .help = N_("List the commands, or explain one"),
	  .details = N_("\"help GROUP\" lists the commands of a group (\"help settings\"); \"help COMMAND\" shows a\n"
			"command's options.  \"COMMAND --help\" does the same."),
	  .proto = VG_CLI_NO_CMD, .flags = VG_CLI_LOCAL,
	  .operands = (const struct vg_cli_spec[]){
		  { .name = "COMMAND", .type = VG_CLI_STRING, .source = VG_CLI_SRC_COMMANDS, .max_count = 8 }, { NULL } },
	  .run = run_help },
	{ .name = "quit", .help = N_("Leave the shell"), .proto = VG_CLI_NO_CMD, .flags = VG_CLI_LOCAL,
	  .run = run_quit },
	{ NULL },
};
