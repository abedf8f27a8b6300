/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The command table: lookup with unambiguous prefixes, dispatch, help and the man page section. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
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
	vg_cli_cmds_general,
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

/* Does cmd's name begin with the first level words of chosen? */
static bool agrees(const struct vg_cli_command *cmd, char chosen[][64], int level)
{
	char w[64];

	for (int i = 0; i < level; i++)
		if (!name_word(cmd->name, i, w, sizeof(w)) || strcmp(w, chosen[i]) != 0)
			return false;
	return true;
}

const struct vg_cli_command *vg_cli_lookup(int argc, char **argv, int *consumed, FILE *errors)
{
	char chosen[8][64];
	const struct vg_cli_command *c;

	for (int level = 0; level < 8; level++) {
		const struct vg_cli_command *complete = NULL;
		char cands[16][64];
		int ncands = 0, exact = -1;

		for (size_t i = 0; (c = vg_cli_command_at(i)); i++) {
			char w[64];

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
			bool seen = false;

			for (int k = 0; k < ncands; k++)
				seen |= strcmp(cands[k], w) == 0;
			if (!seen && ncands < 16) {
				if (strcmp(w, argv[level]) == 0)
					exact = ncands;
				snprintf(cands[ncands++], sizeof(cands[0]), "%s", w);
			}
		}
		if (ncands == 0 || (complete && level >= argc)) {
			if (complete) {
				*consumed = level;
				return complete;
			}
			if (errors && level >= argc)
				fprintf(errors, _("vigilctl: incomplete command; try \"help %s\"\n"), argv[0]);
			else if (errors)
				fprintf(errors, _("vigilctl: unknown command \"%s\"; try \"help\"\n"), argv[level]);
			return NULL;
		}
		if (ncands > 1 && exact < 0) {
			if (errors) {
				fprintf(errors, _("vigilctl: \"%s\" is ambiguous:"), argv[level]);
				for (int k = 0; k < ncands; k++)
					fprintf(errors, " %s", cands[k]);
				fputc('\n', errors);
			}
			return NULL;
		}
		snprintf(chosen[level], sizeof(chosen[0]), "%s", cands[exact >= 0 ? exact : 0]);
	}
	return NULL;
}

__attribute__((format(printf, 1, 0))) static void report(const char *fmt, va_list ap)
{
	fputs("vigilctl: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int vg_cli_usage(const struct vg_cli_command *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(fmt, ap);
	va_end(ap);
	if (cmd)
		fprintf(stderr, _("Usage: %s %s\n"), cmd->name, cmd->synopsis ? cmd->synopsis : "");
	return VG_EXIT_USAGE;
}

int vg_cli_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(fmt, ap);
	va_end(ap);
	return VG_EXIT_FAILED;
}

int vg_cli_run(struct vg_cli *cli, int argc, char **argv)
{
	const struct vg_cli_command *cmd;
	int consumed, nargs;

	if (argc == 0)
		return VG_EXIT_OK;
	cmd = vg_cli_lookup(argc, argv, &consumed, stderr);
	if (!cmd)
		return VG_EXIT_USAGE;
	nargs = argc - consumed;
	if (nargs < cmd->min_args || (cmd->max_args >= 0 && nargs > cmd->max_args))
		return vg_cli_usage(cmd, _("wrong number of arguments"));
	return cmd->run(cli, cmd, nargs, argv + consumed);
}

void vg_cli_help_all(FILE *out)
{
	const struct vg_cli_command *c;

	fputs(_("Commands (unambiguous prefixes are accepted):\n"), out);
	for (size_t i = 0; (c = vg_cli_command_at(i)); i++) {
		char left[96];

		snprintf(left, sizeof(left), "%s %s", c->name, c->synopsis ? c->synopsis : "");
		fprintf(out, "  %-40s %s\n", left, _(c->help));
	}
	fputs(_("\nType \"help COMMAND\" for details.\n"), out);
}

int vg_cli_help_command(FILE *out, int argc, char **argv)
{
	int consumed;
	const struct vg_cli_command *c = vg_cli_lookup(argc, argv, &consumed, stderr);

	if (!c)
		return VG_EXIT_USAGE;
	fprintf(out, _("Usage: %s %s\n"), c->name, c->synopsis ? c->synopsis : "");
	fprintf(out, "\n  %s\n", _(c->help));
	if (c->details)
		fprintf(out, "\n%s\n", _(c->details));
	if (c->proto != VG_CLI_NO_CMD)
		fprintf(out, "\n%s\n", vg_proto_command(c->proto)->access == VG_ACCESS_ADMIN
			? _("Needs root.") : _("Root and members of group vigil may run it."));
	return VG_EXIT_OK;
}

/* The COMMANDS section of vigilctl(8), made from the same table (English). */
void vg_cli_print_roff(FILE *out)
{
	const struct vg_cli_command *c;

	for (size_t i = 0; (c = vg_cli_command_at(i)); i++) {
		fprintf(out, ".TP\n.B %s", c->name);
		if (c->synopsis && c->synopsis[0])
			fprintf(out, " \\fI%s\\fR", c->synopsis);
		fprintf(out, "\n%s.\n", c->help);
		if (c->details) {
			fputs(".br\n", out);
			for (const char *p = c->details; *p; p++) {
				if (*p == '\n')
					fputs("\n.br\n", out);
				else if (*p == '\\')
					fputs("\\e", out);
				else
					fputc(*p, out);
			}
			fputc('\n', out);
		}
		if (c->proto != VG_CLI_NO_CMD)
			fprintf(out, ".br\n%s\n", vg_proto_command(c->proto)->access == VG_ACCESS_ADMIN
				? "Needs root." : "Root and members of group vigil may run it.");
	}
}
