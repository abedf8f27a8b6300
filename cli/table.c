/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The output of the list commands: a table for people (columns aligned by the width the text
 * takes on a terminal, not by bytes), CSV for spreadsheets (RFC 4180), or the agent's JSON.
 * A command describes its columns and how to make a cell; this does the rest.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "nls.h"
#include "textwidth.h"

#define CELL_MAX 4096

const char *const vg_cli_list_formats[] = { "table", "json", "csv", NULL };
const char vg_cli_list_format_help[] = N_("table (default), json (as --json) or csv (RFC 4180, a header of field names)");

enum vg_cli_format vg_cli_list_format(const struct vg_cli *cli, const struct vg_cli_args *args)
{
	const struct vg_cli_spec *o = vg_cli_find_option(args->cmd->options, "format");
	const char *given = o && o->words == vg_cli_list_formats ? vg_cli_opt_str(args, "format") : NULL;

	if (given && strcmp(given, "csv") == 0)
		return VG_CLI_FORMAT_CSV;
	if (given && strcmp(given, "table") == 0)
		return VG_CLI_FORMAT_TABLE;
	return (given && strcmp(given, "json") == 0) || cli->json ? VG_CLI_FORMAT_JSON : VG_CLI_FORMAT_TABLE;
}

/* One field of a CSV record (RFC 4180): quoted when it holds a comma, a quote, CR or LF, or
 * starts or ends with a space; a quote inside is doubled. */
static void csv_field(FILE *out, const char *s)
{
	size_t n = strlen(s);

	if (!strpbrk(s, ",\"\r\n") && (n == 0 || (s[0] != ' ' && s[n - 1] != ' '))) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

/* A line being made: the cells padded to their columns, then printed without trailing blanks. */
struct line {
	char *text;
	size_t len, cap;
};

static int line_add(struct line *l, const char *s, size_t n, int pad_before, int pad_after)
{
	size_t need = l->len + n + (size_t)(pad_before > 0 ? pad_before : 0) + (size_t)(pad_after > 0 ? pad_after : 0) + 1;

	if (need > l->cap) {
		char *grown = realloc(l->text, need * 2);

		if (!grown)
			return -1;
		l->text = grown;
		l->cap = need * 2;
	}
	for (int i = 0; i < pad_before; i++)
		l->text[l->len++] = ' ';
	memcpy(l->text + l->len, s, n);
	l->len += n;
	for (int i = 0; i < pad_after; i++)
		l->text[l->len++] = ' ';
	l->text[l->len] = '\0';
	return 0;
}

/* Text padded to width columns (on the left for right-aligned columns), after the blank that
 * parts it from the column before. */
static int cell_add(struct line *l, const char *s, int width, bool right, bool first)
{
	int pad = width - vg_text_width(s, strlen(s));

	if (!first && line_add(l, "  ", 2, 0, 0) < 0)
		return -1;
	return line_add(l, s, strlen(s), right ? pad : 0, right ? 0 : pad);
}

static void line_print(struct line *l)
{
	while (l->len && l->text[l->len - 1] == ' ')
		l->len--;
	fwrite(l->text, 1, l->len, stdout);
	fputc('\n', stdout);
	l->len = 0;
}

static const struct vg_cli_column *columns_of(const struct vg_cli_list *spec, bool csv, size_t *n)
{
	const struct vg_cli_column *cols = csv && spec->csv_columns ? spec->csv_columns : spec->columns;

	for (*n = 0; cols[*n].key; (*n)++)
		;
	return cols;
}

static int by_spec(const void *a, const void *b, void *spec)
{
	return ((const struct vg_cli_list *)spec)->compare(*(json_t *const *)a, *(json_t *const *)b);
}

/* The items of list, in the order the spec wants (a new array of borrowed pointers). */
static json_t **ordered(const struct vg_cli_list *spec, json_t *list, size_t n)
{
	json_t **items = calloc(n ? n : 1, sizeof(*items));

	for (size_t i = 0; items && i < n; i++)
		items[i] = json_array_get(list, spec->reverse ? n - 1 - i : i);
	if (items && spec->compare && n > 1)
		qsort_r(items, n, sizeof(*items), by_spec, (void *)spec);
	return items;
}

/* CSV is for programs, as JSON is: written exact to out, the stream under stdout. */
static int print_csv(FILE *out, const struct vg_cli_list *spec, json_t **items, size_t n)
{
	size_t ncols;
	const struct vg_cli_column *cols = columns_of(spec, true, &ncols);
	char *cell = malloc(CELL_MAX);

	if (!cell)
		return -1;
	/* RFC 4180: a header of the field names, records ended by CRLF. */
	for (size_t c = 0; c < ncols; c++) {
		fputs(c ? "," : "", out);
		csv_field(out, cols[c].key);
	}
	fputs("\r\n", out);
	for (size_t i = 0; i < n; i++) {
		for (size_t c = 0; c < ncols; c++) {
			cell[0] = '\0';
			spec->cell(items[i], (int)c, true, cell, CELL_MAX);
			fputs(c ? "," : "", out);
			csv_field(out, cell);
		}
		fputs("\r\n", out);
	}
	free(cell);
	return 0;
}

static int print_table(const struct vg_cli_list *spec, json_t **items, size_t n)
{
	size_t ncols;
	const struct vg_cli_column *cols = columns_of(spec, false, &ncols);
	char **cells = calloc(n * ncols + 1, sizeof(*cells)), buf[CELL_MAX];
	int *width = calloc(ncols + 1, sizeof(*width)), r = 0;
	struct line line = { 0 };

	if (!cells || !width) {
		free(cells);
		free(width);
		return -1;
	}
	for (size_t c = 0; c < ncols; c++)
		width[c] = vg_text_width(_(cols[c].title), strlen(_(cols[c].title)));
	for (size_t i = 0; i < n; i++)
		for (size_t c = 0; c < ncols; c++) {
			buf[0] = '\0';
			spec->cell(items[i], (int)c, false, buf, sizeof(buf));
			cells[i * ncols + c] = strdup(buf);
			if (cells[i * ncols + c] && vg_text_width(buf, strlen(buf)) > width[c])
				width[c] = vg_text_width(buf, strlen(buf));
		}
	/* Two spaces between columns; no blanks at the end of a line. */
	for (size_t c = 0; c < ncols; c++)
		r |= cell_add(&line, _(cols[c].title), width[c], cols[c].right, c == 0);
	line_print(&line);
	for (size_t i = 0; i < n; i++) {
		for (size_t c = 0; c < ncols; c++)
			r |= cell_add(&line, cells[i * ncols + c] ? cells[i * ncols + c] : "", width[c], cols[c].right, c == 0);
		line_print(&line);
	}
	for (size_t i = 0; i < n * ncols; i++)
		free(cells[i]);
	free(cells);
	free(width);
	free(line.text);
	return r < 0 ? -1 : 0;
}

int vg_cli_print_list(struct vg_cli *cli, const struct vg_cli_args *args, json_t *list, json_t *result,
		      const struct vg_cli_list *spec)
{
	enum vg_cli_format format = vg_cli_list_format(cli, args);
	size_t n = json_array_size(list);
	json_t **items;
	int r;

	if (format == VG_CLI_FORMAT_JSON) {
		vg_cli_print_json(cli, result ? result : list);
		return VG_EXIT_OK;
	}
	if (format == VG_CLI_FORMAT_TABLE && n == 0 && spec->empty) {
		printf("%s\n", _(spec->empty));
		return VG_EXIT_OK;
	}
	if (!(items = ordered(spec, list, n)))
		return vg_cli_fail(cli, N_("out of memory"));
	if (format == VG_CLI_FORMAT_CSV)
		fflush(stdout);
	/* CSV exact for a program; on a terminal, through the escaping stdout like any text. */
	FILE *csv_out = cli->raw_out && !isatty(fileno(cli->raw_out)) ? cli->raw_out : stdout;
	r = format == VG_CLI_FORMAT_CSV ? print_csv(csv_out, spec, items, n) : print_table(spec, items, n);
	free(items);
	fflush(stdout);
	if (cli->raw_out)
		fflush(cli->raw_out);
	return r < 0 ? vg_cli_fail(cli, N_("out of memory")) : VG_EXIT_OK;
}
