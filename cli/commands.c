/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The command table: lookup with unambiguous prefixes, groups of commands, and dispatch. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "nls.h"

static const struct vg_cli_command *const families[] = {
	vg_cli_cmds_status,
	vg_cli_cmds_settings,
	vg_cli_cmds_telemetry,
	vg_cli_cmds_link,
	vg_cli_cmds_isolation,
	vg_cli_cmds_task,
	vg_cli_cmds_ioc,
	vg_cli_cmds_detection,
	vg_cli_cmds_general,
};

#define MAX_LEVELS 8

/* vigilctl's own options, read by the parser of the commands; they end at the first command word,
 * so that commands keep theirs. */
const struct vg_cli_command vg_cli_program = {
	.name = "vigilctl",
	.help = N_("Control the Vigil agent"),
	.proto = VG_CLI_NO_CMD,
	.flags = VG_CLI_LOCAL | VG_CLI_OPTIONS_FIRST,
	.options = (const struct vg_cli_spec[]){
		/* -s was --socket until -S took over, so that a letter means one thing in every program
		 * (vigild's -s is --state-dir); still accepted for a release, with a warning. */
		{ .name = "socket", .letter = 'S', .old_letter = 's', .type = VG_CLI_PATH, .metavar = "PATH",
		  .help = N_("the agent's control socket (or $VIGIL_SOCKET)") },
		{ .name = "json", .letter = 'j', .help = N_("print results as JSON") },
		{ .name = "file", .letter = 'f', .type = VG_CLI_PATH, .metavar = "FILE",
		  .help = N_("run the commands in FILE, stopping at the first failure") },
		{ .name = "version", .letter = 'V', .help = N_("show the version and exit") },
		{ .name = "commands-roff", .flags = VG_CLI_OPT_HIDDEN },
		{ .name = "complete", .flags = VG_CLI_OPT_HIDDEN },
		{ NULL } },
	.operands = (const struct vg_cli_spec[]){
		{ .name = "COMMAND", .type = VG_CLI_STRING, .source = VG_CLI_SRC_COMMANDS, .max_count = -1 }, { NULL } },
};

const struct vg_cli_command *vg_cli_command_at(size_t i)
{
	for (size_t f = 0; f < sizeof(families) / sizeof(families[0]); f++) {
		for (const struct vg_cli_command *c = families[f]; c->name; c++) {
			if (i == 0)
				return c;
			i--;
		}
	}
	return NULL;
}

/* The index-th word of a command name, copied into buf; returns false past the last. */
static bool name_word(const char *name, int index, char *buf, size_t size)
{
	const char *p = name;

	for (int i = 0; i < index; i++) {
		p = strchr(p, ' ');
		if (!p)
			return false;
		p++;
	}
	snprintf(buf, size, "%.*s", (int)strcspn(p, " "), p);
	return true;
}

static int name_words(const char *name)
{
	int n = 1;

	for (; *name; name++)
		n += *name == ' ';
	return n;
}

bool vg_cli_in_group(const struct vg_cli_command *cmd, const char *group)
{
	size_t n = strlen(group);

	return n == 0 || (strncmp(cmd->name, group, n) == 0 && cmd->name[n] == ' ');
}

/* Does cmd's name begin with the first level words of chosen? */
static bool agrees(const struct vg_cli_command *cmd, char chosen[][64], int level)
{
	char w[64];

	for (int i = 0; i < level; i++)
		if (!name_word(cmd->name, i, w, sizeof(w)) || strcmp(w, chosen[i]) != 0)
			return false;
	return true;
}

static void group_name(char chosen[][64], int level, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < level && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? " " : "", chosen[i]);
}

static void unknown(struct vg_error *err, const char *word, const char *group)
{
	if (group[0])
		vg_error_set(err, -EINVAL, N_("unknown command \"%s\"; try \"help %s\""), word, group);
	else
		vg_error_set(err, -EINVAL, N_("unknown command \"%s\"; try \"help\""), word);
}

int vg_cli_resolve(int argc, char **argv, struct vg_cli_match *m, struct vg_error *err)
{
	char chosen[MAX_LEVELS][64];
	const struct vg_cli_command *c;

	memset(m, 0, sizeof(*m));
	for (int level = 0; level < MAX_LEVELS; level++) {
		const struct vg_cli_command *complete = NULL;
		char cands[16][64], list[512];
		int ncands = 0, exact = -1;
		size_t used = 0;

		for (size_t i = 0; (c = vg_cli_command_at(i)); i++) {
			char w[64];
			bool seen = false;

			if (!agrees(c, chosen, level))
				continue;
			if (name_words(c->name) == level) {
				complete = c;
				continue;
			}
			if (level >= argc || !name_word(c->name, level, w, sizeof(w)))
				continue;
			if (strncmp(w, argv[level], strlen(argv[level])) != 0)
				continue;
			for (int k = 0; k < ncands; k++)
				seen |= strcmp(cands[k], w) == 0;
			if (!seen && ncands < 16) {
				if (strcmp(w, argv[level]) == 0)
					exact = ncands;
				snprintf(cands[ncands++], sizeof(cands[0]), "%s", w);
			}
		}
		if (complete && (level >= argc || ncands == 0)) {
			m->cmd = complete;
			m->consumed = level;
			return 1;
		}
		/* The words stop inside a group, or go on with an option ("settings --help"). */
		if (level >= argc || (ncands == 0 && argv[level][0] == '-')) {
			m->consumed = level;
			group_name(chosen, level, m->group, sizeof(m->group));
			return 0;
		}
		if (ncands == 0) {
			group_name(chosen, level, m->group, sizeof(m->group));
			unknown(err, argv[level], m->group);
			return -1;
		}
		if (ncands > 1 && exact < 0) {
			for (int k = 0; k < ncands && used < sizeof(list); k++)
				used += (size_t)snprintf(list + used, sizeof(list) - used, " %s", cands[k]);
			vg_error_set(err, -EINVAL, N_("\"%s\" is ambiguous:%s"), argv[level], list);
			return -1;
		}
		snprintf(chosen[level], sizeof(chosen[0]), "%s", cands[exact >= 0 ? exact : 0]);
	}
	vg_error_set(err, -EINVAL, N_("unknown command \"%s\"; try \"help\""), argv[0]);
	return -1;
}

static bool is_help(const char *word)
{
	return strcmp(word, "--help") == 0 || strcmp(word, "-h") == 0;
}

int vg_cli_run(struct vg_cli *cli, int argc, char **argv)
{
	struct vg_cli_match m;
	struct vg_error err;
	struct vg_cli_args *args;
	bool json = cli->json;
	int r, rc;

	if (argc == 0)
		return VG_EXIT_OK;
	r = vg_cli_resolve(argc, argv, &m, &err);
	if (r < 0)
		return vg_cli_report(cli, VG_EXIT_USAGE, &err);
	if (r == 0) {
		/* A group alone, or with --help: its commands. */
		if (m.consumed == argc || is_help(argv[m.consumed])) {
			if (m.group[0])
				vg_cli_help_group(stdout, m.group);
			else
				vg_cli_help_all(stdout);
			return VG_EXIT_OK;
		}
		unknown(&err, argv[m.consumed], m.group);
		return vg_cli_report(cli, VG_EXIT_USAGE, &err);
	}
	/* Large (every word may be an option): on the heap rather than the stack. */
	args = malloc(sizeof(*args));
	if (!args)
		return vg_cli_fail(cli, N_("out of memory"));
	if (vg_cli_parse(m.cmd, argc - m.consumed, argv + m.consumed, args, &err) < 0) {
		free(args);
		vg_cli_report(cli, VG_EXIT_USAGE, &err);
		vg_cli_print_usage(stderr, m.cmd);
		/* A command that passes its program's status through keeps the others for it. */
		return m.cmd->flags & VG_CLI_PROGRAM_STATUS ? VG_EXIT_NOT_RUN : VG_EXIT_USAGE;
	}
	if (args->help) {
		vg_cli_help_command(stdout, m.cmd);
		free(args);
		return VG_EXIT_OK;
	}
	/* A command's own --json (telemetry show) holds for that command only. */
	if (vg_cli_find_option(m.cmd->options, "json") && vg_cli_opt_flag(args, "json"))
		cli->json = true;
	/* So does a list's --format json (errors then come as JSON too). */
	if (vg_cli_list_format(cli, args) == VG_CLI_FORMAT_JSON)
		cli->json = true;
	rc = m.cmd->run(cli, args);
	cli->json = json;
	free(args);
	return rc;
}
