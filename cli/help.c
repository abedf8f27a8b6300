/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Help made from the declarations: the synopsis of a command, the list of commands, a
 * command's help with its options, and the COMMANDS section of vigilctl(8).  What goes to a
 * terminal is wrapped to its width (80 columns otherwise), at spaces, by display width.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wchar.h>

#include "cli.h"
#include "textwidth.h"
#include "nls.h"

/* Joins the words that belong together ("--sha256 HEX") in text made for the wrapper. */
#define GLUE '\x1f'
#define MIN_WIDTH 20

/* ---- Width and wrapping ---- */

int vg_cli_width(FILE *out)
{
	struct winsize ws;
	int fd = fileno(out);

	/* stdout and stderr escape controls through a stream of their own (no descriptor). */
	if (fd < 0)
		fd = out == stderr ? STDERR_FILENO : STDOUT_FILENO;
	if (isatty(fd) && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col < MIN_WIDTH ? MIN_WIDTH : ws.ws_col;
	return 80;
}

/* The byte length of the character at s (1 when it does not decode). */
static size_t char_len(const char *s, size_t left, int *cw)
{
	mbstate_t st;
	wchar_t wc;
	size_t n;

	memset(&st, 0, sizeof(st));
	n = mbrtowc(&wc, s, left, &st);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
		*cw = 1;
		return 1;
	}
	*cw = wcwidth(wc) < 0 ? 1 : wcwidth(wc);
	return n;
}

static void pad(FILE *out, int n)
{
	for (int i = 0; i < n; i++)
		fputc(' ', out);
}

static void put_word(FILE *out, const char *p, size_t len, char glue)
{
	for (size_t i = 0; i < len; i++)
		fputc(p[i] == glue && glue ? ' ' : p[i], out);
}

void vg_cli_wrap(FILE *out, const char *text, int col, int indent, int width, char glue)
{
	const char *p = text;
	bool fresh = true, first = true;

	if (width < MIN_WIDTH)
		width = MIN_WIDTH;
	if (indent > width / 2)
		indent = width / 2;
	while (*p) {
		int newlines = 0, w;
		size_t len;

		while (*p == ' ' || *p == '\n' || *p == '\t')
			newlines += *p++ == '\n';
		if (!*p)
			break;
		/* "\n\n" starts a paragraph; a single "\n" is a space. */
		if (newlines >= 2 && !first) {
			fputs("\n\n", out);
			pad(out, indent);
			col = indent;
			fresh = true;
		}
		len = strcspn(p, " \n\t");
		w = vg_text_width(p, len);
		if (!fresh && col + 1 + w > width) {
			fputc('\n', out);
			pad(out, indent);
			col = indent;
			fresh = true;
		}
		if (!fresh) {
			fputc(' ', out);
			col++;
		}
		if (col + w <= width) {
			put_word(out, p, len, glue);
			col += w;
		} else {
			/* Longer than a line: cut it where the line ends. */
			for (size_t i = 0; i < len;) {
				int cw;
				size_t n = char_len(p + i, len - i, &cw);

				if (col + cw > width && col > indent) {
					fputc('\n', out);
					pad(out, indent);
					col = indent;
				}
				put_word(out, p + i, n, glue);
				col += cw;
				i += n;
			}
		}
		fresh = false;
		first = false;
		p += len;
	}
	fputc('\n', out);
}

/* ---- Synopsis ---- */

/* Enumerations longer than this are named in the synopsis, their words listed in the help. */
#define MAX_ENUM_SYNOPSIS 32

static void join_words(const struct vg_cli_spec *spec, const char *sep, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; spec->words && spec->words[i] && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? sep : "", spec->words[i]);
}

const char *vg_cli_metavar(const struct vg_cli_spec *spec, char *buf, size_t size)
{
	if (spec->metavar)
		return spec->metavar;
	switch (spec->type) {
	case VG_CLI_ENUM:
		join_words(spec, "|", buf, size);
		if (strlen(buf) > MAX_ENUM_SYNOPSIS) {
			snprintf(buf, size, "%s", spec->name);
			for (char *p = buf; *p; p++)
				*p = *p == '-' ? '_' : (char)toupper((unsigned char)*p);
		}
		return buf;
	case VG_CLI_PATH:
		return "FILE";
	case VG_CLI_INT:
		return "N";
	case VG_CLI_DURATION:
		return "DURATION";
	case VG_CLI_SIZE:
		return "SIZE";
	case VG_CLI_SINCE:
		return "TIME";
	default:
		return "TEXT";
	}
}

/* The synopsis as plain text (glue between an option and its value) or as roff. */
enum style { PLAIN, ROFF };

struct sbuf {
	char *buf;
	size_t size, used;
};

static void add(struct sbuf *b, const char *text)
{
	if (b->used < b->size)
		b->used += (size_t)snprintf(b->buf + b->used, b->size - b->used, "%s", text);
}

/* Text for roff: backslashes and hyphens escaped. */
static void add_roff(struct sbuf *b, const char *text)
{
	for (; *text && b->used + 3 < b->size; text++) {
		if (*text == '\\')
			add(b, "\\e");
		else if (*text == '-')
			add(b, "\\-");
		else
			b->buf[b->used++] = *text, b->buf[b->used] = '\0';
	}
}

static void add_styled(struct sbuf *b, enum style style, const char *font, const char *text)
{
	if (style == PLAIN) {
		add(b, text);
		return;
	}
	add(b, font);
	add_roff(b, text);
	add(b, "\\fR");
}

static void add_option(struct sbuf *b, enum style style, const struct vg_cli_spec *o, char glue)
{
	char name[96], meta[256], g[2] = { glue, 0 };

	snprintf(name, sizeof(name), "--%s", o->name);
	add_styled(b, style, "\\fB", name);
	if (o->type != VG_CLI_FLAG) {
		add(b, style == ROFF ? "\\ " : g);
		add_styled(b, style, "\\fI", vg_cli_metavar(o, meta, sizeof(meta)));
	}
}

static bool has_options(const struct vg_cli_command *cmd)
{
	for (int i = 0; cmd->options && cmd->options[i].name; i++)
		if (!(cmd->options[i].flags & VG_CLI_OPT_HIDDEN))
			return true;
	return false;
}

static void add_operands(struct sbuf *b, enum style style, const struct vg_cli_command *cmd)
{
	for (int i = 0; cmd->operands && cmd->operands[i].name; i++) {
		const struct vg_cli_spec *op = &cmd->operands[i];
		char meta[256];
		const char *name = op->type == VG_CLI_ENUM ? vg_cli_metavar(op, meta, sizeof(meta)) : op->name;

		if (b->used)
			add(b, " ");
		add(b, op->min_count == 0 ? "[" : "");
		add_styled(b, style, "\\fI", name);
		add(b, op->max_count < 0 || op->max_count > 1 ? "..." : "");
		add(b, op->min_count == 0 ? "]" : "");
	}
}

/* full: every option; otherwise "[OPTION]..." stands for them. */
static void synopsis(const struct vg_cli_command *cmd, enum style style, bool full, char glue, char *buf,
		     size_t size)
{
	struct sbuf b = { buf, size, 0 };
	const struct vg_cli_spec *o = cmd->options;

	buf[0] = '\0';
	if (!full && has_options(cmd))
		add_styled(&b, style, "\\fI", "[OPTION]...");
	for (int i = 0; full && o && o[i].name; i++) {
		bool done = false;

		if (o[i].flags & VG_CLI_OPT_HIDDEN)
			continue;
		for (int k = 0; o[i].group && k < i; k++)
			done |= o[k].group == o[i].group;
		if (done)
			continue;
		add(&b, b.used ? " [" : "[");
		add_option(&b, style, &o[i], glue);
		for (int k = i + 1; o[i].group && o[k].name; k++)
			if (o[k].group == o[i].group) {
				add(&b, " | ");
				add_option(&b, style, &o[k], glue);
			}
		add(&b, "]");
		if (o[i].flags & VG_CLI_OPT_MULTI)
			add(&b, "...");
	}
	if (full && (cmd->flags & VG_CLI_OPTIONS_FIRST) && has_options(cmd))
		add_styled(&b, style, "", b.used ? " [--]" : "[--]");
	add_operands(&b, style, cmd);
}

void vg_cli_synopsis(const struct vg_cli_command *cmd, char glue, char *buf, size_t size)
{
	synopsis(cmd, PLAIN, true, glue, buf, size);
}

/* ---- Help on a terminal ---- */

/* The command's name with its words glued, then text. */
static void glued_line(char *buf, size_t size, const char *head, const char *name, const char *rest)
{
	size_t used = (size_t)snprintf(buf, size, "%s%s", head, head[0] ? "\x1f" : "");

	for (const char *p = name; *p && used + 1 < size; p++)
		buf[used++] = *p == ' ' ? GLUE : *p;
	buf[used] = '\0';
	if (rest[0] && used < size)
		snprintf(buf + used, size - used, " %s", rest);
}

void vg_cli_print_usage(FILE *out, const struct vg_cli_command *cmd)
{
	char syn[4096], line[4400], head[256];
	int width = vg_cli_width(out);

	vg_cli_synopsis(cmd, GLUE, syn, sizeof(syn));
	glued_line(line, sizeof(line), _("Usage:"), cmd->name, syn);
	snprintf(head, sizeof(head), "%s %s ", _("Usage:"), cmd->name);
	vg_cli_wrap(out, line, 0, vg_text_width(head, strlen(head)), width, GLUE);
}

/* Two columns: left (wrapped from column 2) and help (wrapped from column col). */
static void two_columns(FILE *out, const char *left, const char *help, int col, int width)
{
	int lw = vg_text_width(left, strlen(left));

	if (2 + lw + 2 <= col) {
		pad(out, 2);
		put_word(out, left, strlen(left), GLUE);
		pad(out, col - 2 - lw);
	} else {
		pad(out, 2);
		vg_cli_wrap(out, left, 2, 6, width, GLUE);
		pad(out, col);
	}
	vg_cli_wrap(out, help, col, col, width, 0);
}

/* Where the second column starts: after the widest left part, within two fifths of the width. */
static int column(int widest, int width)
{
	int col = 2 + widest + 2;

	return col > width * 2 / 5 ? width * 2 / 5 : col;
}

static void short_left(const struct vg_cli_command *c, char *buf, size_t size)
{
	char syn[2048];

	synopsis(c, PLAIN, false, GLUE, syn, sizeof(syn));
	glued_line(buf, size, "", c->name, syn);
}

static void list_commands(FILE *out, const char *group)
{
	const struct vg_cli_command *c;
	int width = vg_cli_width(out), widest = 0;
	char left[2200];

	for (size_t i = 0; (c = vg_cli_command_at(i)); i++) {
		int w;

		if (!vg_cli_in_group(c, group))
			continue;
		short_left(c, left, sizeof(left));
		w = vg_text_width(left, strlen(left));
		widest = w > widest ? w : widest;
	}
	for (size_t i = 0; (c = vg_cli_command_at(i)); i++) {
		if (!vg_cli_in_group(c, group))
			continue;
		short_left(c, left, sizeof(left));
		two_columns(out, left, _(c->help), column(widest, width), width);
	}
}

void vg_cli_help_all(FILE *out)
{
	fputs(_("Commands (unambiguous prefixes are accepted):\n"), out);
	list_commands(out, "");
	fputs(_("\nType \"help COMMAND\" for details.\n"), out);
}

void vg_cli_help_group(FILE *out, const char *group)
{
	fprintf(out, _("The commands of \"%s\":\n"), group);
	list_commands(out, group);
	fputs(_("\nType \"help COMMAND\" for details.\n"), out);
}

/* An option's help; an enumeration named in the synopsis gets its words here. */
static void option_help(const struct vg_cli_spec *o, bool translate, char *buf, size_t size)
{
	char words[512], meta[256];

	snprintf(buf, size, "%s", !o->help ? "" : translate ? _(o->help) : o->help);
	if (o->type == VG_CLI_ENUM && !strchr(vg_cli_metavar(o, meta, sizeof(meta)), '|')) {
		join_words(o, ", ", words, sizeof(words));
		snprintf(buf + strlen(buf), size - strlen(buf), " (%s)", words);
	}
}

static void option_left(const struct vg_cli_spec *o, char *buf, size_t size)
{
	char meta[256];
	size_t used;

	if (o->letter)
		used = (size_t)snprintf(buf, size, "-%c,%c--%s", o->letter, GLUE, o->name);
	else
		used = (size_t)snprintf(buf, size, "%c%c%c%c--%s", GLUE, GLUE, GLUE, GLUE, o->name);
	if (o->type != VG_CLI_FLAG && used < size)
		used += (size_t)snprintf(buf + used, size - used, "%c%s", GLUE, vg_cli_metavar(o, meta, sizeof(meta)));
	if ((o->flags & VG_CLI_OPT_MULTI) && used < size)
		snprintf(buf + used, size - used, "...");
}

void vg_cli_help_options(FILE *out, const struct vg_cli_command *cmd, int width)
{
	static const struct vg_cli_spec help = { .name = "help", .letter = 'h', .help = N_("show this help") };
	const struct vg_cli_spec *o = cmd->options;
	char left[512];
	int widest = 0, col;

	option_left(&help, left, sizeof(left));
	widest = vg_text_width(left, strlen(left));
	for (int i = 0; o && o[i].name; i++) {
		int w;

		if (o[i].flags & VG_CLI_OPT_HIDDEN)
			continue;
		option_left(&o[i], left, sizeof(left));
		w = vg_text_width(left, strlen(left));
		widest = w > widest ? w : widest;
	}
	col = column(widest, width);
	for (int i = 0; o && o[i].name; i++) {
		char text[1024];

		if (o[i].flags & VG_CLI_OPT_HIDDEN)
			continue;
		option_left(&o[i], left, sizeof(left));
		option_help(&o[i], true, text, sizeof(text));
		two_columns(out, left, text, col, width);
	}
	option_left(&help, left, sizeof(left));
	two_columns(out, left, _(help.help), col, width);
}

static const char *access_text(const struct vg_cli_command *cmd)
{
	if (cmd->proto == VG_CLI_NO_CMD)
		return NULL;
	return vg_proto_command(cmd->proto)->access == VG_ACCESS_ADMIN ? N_("Needs root.")
								       : N_("Root and members of group vigil may run it.");
}

void vg_cli_help_command(FILE *out, const struct vg_cli_command *cmd)
{
	int width = vg_cli_width(out);
	const char *access = access_text(cmd);

	vg_cli_print_usage(out, cmd);
	fputc('\n', out);
	pad(out, 2);
	vg_cli_wrap(out, _(cmd->help), 2, 2, width, 0);
	fprintf(out, "\n%s\n", _("Options:"));
	vg_cli_help_options(out, cmd, width);
	if (cmd->details) {
		fputc('\n', out);
		vg_cli_wrap(out, _(cmd->details), 0, 0, width, 0);
	}
	if (access)
		fprintf(out, "\n%s\n", _(access));
}

int vg_cli_help_words(struct vg_cli *cli, FILE *out, int argc, char **argv)
{
	struct vg_cli_match m;
	struct vg_error err;
	int r = vg_cli_resolve(argc, argv, &m, &err);

	if (r < 0)
		return vg_cli_report(cli, VG_EXIT_USAGE, &err);
	if (r == 0 && m.consumed < argc) {
		vg_error_set(&err, -EINVAL, N_("unknown command \"%s\"; try \"help\""), argv[m.consumed]);
		return vg_cli_report(cli, VG_EXIT_USAGE, &err);
	}
	if (r == 0)
		vg_cli_help_group(out, m.group);
	else
		vg_cli_help_command(out, m.cmd);
	return VG_EXIT_OK;
}

/* ---- The man page ---- */

/* Text on roff lines of its own, then suffix: a single "\n" is a space, "\n\n" a new paragraph.
 * Each sentence starts a line (man-pages(7)): roff then knows where sentences end, and the
 * source never breaks a sentence in the middle. */
static void roff_text(FILE *out, const char *text, const char *suffix)
{
	bool start = true;
	char prev = 0;

	for (const char *p = text; *p; p++) {
		if (p[0] == '\n' && p[1] == '\n') {
			fputs("\n.sp\n", out);
			start = true;
			prev = 0;
			p++;
			continue;
		}
		if ((*p == ' ' || *p == '\n') && (prev == '.' || prev == '?' || prev == '!')) {
			/* The end of a sentence: the next one on its own line. */
			while (p[1] == ' ' || (p[1] == '\n' && p[2] != '\n'))
				p++;
			if (p[1] && !(p[1] == '\n' && p[2] == '\n')) {
				fputc('\n', out);
				start = true;
				prev = 0;
			}
			continue;
		}
		if (start && (*p == '.' || *p == '\''))
			fputs("\\&", out);
		start = false;
		if (*p == '\n')
			fputc(' ', out);
		else if (*p == '\\')
			fputs("\\e", out);
		else if (*p == '-')
			fputs("\\-", out);
		else
			fputc(*p, out);
		prev = *p;
	}
	fprintf(out, "%s\n", suffix);
}

void vg_cli_print_roff(FILE *out)
{
	const struct vg_cli_command *c;

	for (size_t i = 0; (c = vg_cli_command_at(i)); i++) {
		char syn[8192], name[256];
		struct sbuf b = { name, sizeof(name), 0 };
		const char *access = access_text(c);

		synopsis(c, ROFF, true, ' ', syn, sizeof(syn));
		/* The name's words stay together ("\ "). */
		for (const char *p = c->name; *p; p++) {
			char one[2] = { *p, 0 };

			if (*p == ' ')
				add(&b, "\\ ");
			else
				add_roff(&b, one);
		}
		fprintf(out, ".TP\n\\fB%s\\fR%s%s\n", name, syn[0] ? " " : "", syn);
		roff_text(out, c->help, ".");
		if (c->details) {
			fputs(".br\n", out);
			roff_text(out, c->details, "");
		}
		if (access)
			fprintf(out, ".br\n%s\n", access);
		if (!has_options(c))
			continue;
		fputs(".RS\n", out);
		for (int k = 0; c->options[k].name; k++) {
			struct sbuf ob = { syn, sizeof(syn), 0 };
			char text[1024];

			if (c->options[k].flags & VG_CLI_OPT_HIDDEN)
				continue;
			syn[0] = '\0';
			add_option(&ob, ROFF, &c->options[k], ' ');
			fprintf(out, ".TP\n%s%s\n", syn, c->options[k].flags & VG_CLI_OPT_MULTI ? "..." : "");
			option_help(&c->options[k], false, text, sizeof(text));
			roff_text(out, text, "");
		}
		fputs(".RE\n", out);
	}
}
