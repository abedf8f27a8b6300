/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * status: the agent at a glance, as systemctl status shows a service.  One line per part (the
 * agent, telemetry, the server link, isolation, tasks, IOC scans): a state word in colour, the
 * numbers that matter, and what is wrong as a sentence under it.  --verbose adds every other
 * field of each part as labelled lines; --json prints the agent's answer as it is.  The words
 * come from common/present-status.c, which the console's dashboard uses too.
 */
#include "config.h"

#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "nls.h"
#include "present.h"
#include "textwidth.h"

#define INDENT 2

struct style {
	bool colour, utf8;
	FILE *raw;              /* where our own colour sequences go, never escaped */
};

/* Colours only for a person at a terminal that has them, and never with NO_COLOR set.  raw is
 * the stream under stdout (which escapes every control character the agent's text holds). */
static struct style style_of(FILE *raw)
{
	const char *no_color = getenv("NO_COLOR"), *term = getenv("TERM"), *codeset = nl_langinfo(CODESET);
	struct style s = { .raw = raw };

	s.colour = isatty(fileno(raw)) && !(no_color && no_color[0]) && term && term[0] && strcmp(term, "dumb") != 0;
	s.utf8 = codeset && (strcasecmp(codeset, "UTF-8") == 0 || strcasecmp(codeset, "utf8") == 0);
	return s;
}

static const char *level_colour(enum vg_level level)
{
	switch (level) {
	case VG_LEVEL_OK:
		return "\033[1;32m";
	case VG_LEVEL_WARN:
		return "\033[1;33m";
	case VG_LEVEL_ERROR:
		return "\033[1;31m";
	default:
		return "\033[2m";
	}
}

static void print_coloured(FILE *out, const struct style *s, const char *colour, const char *text, int width)
{
	/* What was written to out reaches raw first, then the sequence: the order holds. */
	if (s->colour) {
		fflush(out);
		fputs(colour, s->raw);
	}
	fputs(text, out);
	if (s->colour) {
		fflush(out);
		fputs("\033[0m", s->raw);
	}
	for (int w = vg_text_width(text, strlen(text)); w < width; w++)
		fputc(' ', out);
}

/* "  ● Telemetry    collecting   12 events/s, …" and the problem under it. */
static void print_part(FILE *out, const struct style *s, const struct vg_present_part *p, int label_w, int state_w,
		       int width)
{
	const char *bullet = p->level == VG_LEVEL_OFF ? (s->utf8 ? "○" : "o") : (s->utf8 ? "●" : "*");
	int col = INDENT + 2 + label_w + 2;

	fprintf(out, "%*s", INDENT, "");
	print_coloured(out, s, level_colour(p->level), bullet, 2);
	print_coloured(out, s, "\033[1m", p->label, label_w + 2);
	if (p->summary[0] && col + state_w + 2 <= width / 2) {
		print_coloured(out, s, level_colour(p->level), p->state, state_w + 2);
		vg_cli_wrap(out, p->summary, col + state_w + 2, col + state_w + 2, width, 0);
	} else {
		/* Long state words (a language's): the numbers go on a line of their own. */
		print_coloured(out, s, level_colour(p->level), p->state, 0);
		fputc('\n', out);
		if (p->summary[0]) {
			fprintf(out, "%*s", col, "");
			vg_cli_wrap(out, p->summary, col, col, width, 0);
		}
	}
	if (p->problem[0]) {
		fprintf(out, "%*s", col, "");
		if (s->colour) {
			fflush(out);
			fputs(level_colour(p->level > VG_LEVEL_OK ? p->level : VG_LEVEL_WARN), s->raw);
		}
		vg_cli_wrap(out, p->problem, col, col, width, 0);
		if (s->colour) {
			fflush(out);
			fputs("\033[0m", s->raw);
		}
	}
}

static int run_status(struct vg_cli *cli, const struct vg_cli_args *args)
{
	bool verbose = vg_cli_opt_flag(args, "verbose");
	struct style s = style_of(cli->raw_out ? cli->raw_out : stdout);
	struct vg_present_part *parts;
	int label_w = 0, state_w = 0, width = vg_cli_width(stdout);
	size_t n;
	json_t *r;
	int rc;

	if ((rc = vg_cli_call(cli, VG_CMD_STATUS, NULL, &r)) != VG_EXIT_OK)
		return rc;
	if (vg_cli_json_done(cli, r))
		return VG_EXIT_OK;
	if (!(parts = calloc(VG_PRESENT_MAX_PARTS, sizeof(*parts)))) {
		json_decref(r);
		return vg_cli_fail(cli, N_("out of memory"));
	}
	n = vg_present_status(r, (int64_t)time(NULL), parts, VG_PRESENT_MAX_PARTS);
	for (size_t i = 0; i < n; i++) {
		int lw = vg_text_width(parts[i].label, strlen(parts[i].label));
		int sw = vg_text_width(parts[i].state, strlen(parts[i].state));

		label_w = lw > label_w ? lw : label_w;
		state_w = sw > state_w ? sw : state_w;
	}
	/* TRANSLATORS: the first line of status: the agent's version and its host. */
	printf(_("Vigil agent %s on %s\n"), json_string_value(json_object_get(r, "version")) ?: "?",
	       json_string_value(json_object_get(r, "hostname")) ?: "?");
	for (size_t i = 0; i < n; i++) {
		print_part(stdout, &s, &parts[i], label_w, state_w, width);
		if (verbose)
			vg_cli_print_items(stdout, parts[i].items, parts[i].nitems, INDENT + 4, width);
		/* The agent first, apart from its parts. */
		if (i == 0 || (verbose && i + 1 < n))
			putchar('\n');
	}
	free(parts);
	json_decref(r);
	return VG_EXIT_OK;
}

const struct vg_cli_command vg_cli_cmds_status[] = {
	{ .name = "status", .help = N_("Show the agent and each of its parts at a glance"),
	  .details = N_("One line per part (the agent, telemetry, the server link, isolation, tasks, IOC scans): its\n"
			"state in colour (on a terminal, unless NO_COLOR is set), the numbers that matter, and what is\n"
			"wrong, if anything, in a sentence.  --verbose adds every detail of each part; --json prints\n"
			"the agent's answer with all its fields."),
	  .proto = VG_CMD_STATUS,
	  .options = (const struct vg_cli_spec[]){
		  { .name = "verbose", .letter = 'v', .help = N_("show every detail of each part") }, { NULL } },
	  .run = run_status },
	{ NULL },
};
