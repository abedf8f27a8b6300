/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What vigilctl prints besides tables: JSON documents, errors (as text, and as JSON with --json). */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "escape.h"
#include "nls.h"
#include "textwidth.h"

/* A stream that escapes what it is given onto the stream under it. */
struct escaping {
	FILE *raw;
	struct vg_escape esc;
};

static void emit_raw(const char *text, size_t len, void *data)
{
	fwrite(text, 1, len, data);
}

static ssize_t escaping_write(void *cookie, const char *buf, size_t size)
{
	struct escaping *e = cookie;

	vg_escape_feed(&e->esc, buf, size, emit_raw, e->raw);
	/* Nothing stays behind in the raw stream: what is written there directly comes after. */
	fflush(e->raw);
	return (ssize_t)size;
}

static int escaping_close(void *cookie)
{
	struct escaping *e = cookie;

	vg_escape_finish(&e->esc, emit_raw, e->raw);
	fflush(e->raw);
	free(e);
	return 0;
}

static FILE *escaping_open(FILE *raw, int buffering)
{
	cookie_io_functions_t io = { .write = escaping_write, .close = escaping_close };
	struct escaping *e = calloc(1, sizeof(*e));
	FILE *f;

	if (!e)
		return NULL;
	e->raw = raw;
	if (!(f = fopencookie(e, "w", io))) {
		free(e);
		return NULL;
	}
	setvbuf(f, NULL, buffering, 0);
	return f;
}

void vg_cli_escape_output(struct vg_cli *cli)
{
	FILE *out = escaping_open(stdout, isatty(STDOUT_FILENO) ? _IOLBF : _IOFBF);
	FILE *err = escaping_open(stderr, _IONBF);

	cli->raw_out = stdout;
	cli->raw_err = stderr;
	if (out)
		stdout = out;
	if (err)
		stderr = err;
}

void vg_cli_output_end(struct vg_cli *cli)
{
	if (cli->raw_out && stdout != cli->raw_out) {
		fclose(stdout);
		stdout = cli->raw_out;
	}
	if (cli->raw_err && stderr != cli->raw_err) {
		fclose(stderr);
		stderr = cli->raw_err;
	}
}

void vg_cli_print_json(const struct vg_cli *cli, json_t *value)
{
	/* Without indentation jansson writes one line: JSON Lines when several commands print. */
	FILE *out = cli->raw_out ? cli->raw_out : stdout;
	/* On a terminal, non-ASCII as \uXXXX too: jansson escapes the C0 controls, not the C1
	 * controls (U+009B is a CSI), which a terminal would obey.  A program reads the same value. */
	size_t ascii = isatty(fileno(out)) ? JSON_ENSURE_ASCII : 0;
	char *text = json_dumps(value, (cli->json_indent ? JSON_INDENT(2) : 0) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY |
					       ascii);

	fflush(stdout); /* what was printed before comes first */
	if (text) {
		fputs(text, out);
		fputc('\n', out);
		free(text);
	}
	fflush(out);
}

bool vg_cli_json_done(const struct vg_cli *cli, json_t *result)
{
	if (!cli->json)
		return false;
	vg_cli_print_json(cli, result);
	json_decref(result);
	return true;
}

/* The code of an error for scripts: the protocol's names, plus vigilctl's own two. */
static const char *code_name(int status, const struct vg_error *err)
{
	if (status == VG_EXIT_USAGE)
		return "usage";
	if (status == VG_EXIT_UNREACHABLE)
		return "unreachable";
	return err->code ? vg_proto_error_name(err->code) : "failed";
}

int vg_cli_report(struct vg_cli *cli, int status, const struct vg_error *err)
{
	char text[VG_ERROR_MSG_SIZE];
	json_t *args, *doc;

	vg_error_text(err, text, sizeof(text));
	fprintf(stderr, _("vigilctl: %s\n"), text);
	if (!cli || !cli->json)
		return status;
	args = json_array();
	for (int i = 0; i < err->nargs && i < VG_ERROR_MAX_ARGS; i++)
		json_array_append_new(args, json_string(err->args[i]));
	doc = json_pack("{s:{s:s, s:s?, s:s, s:o}}", "error", "code", code_name(status, err), "msgid",
			err->msgid[0] ? err->msgid : NULL, "message", text, "args", args);
	if (doc)
		vg_cli_print_json(cli, doc);
	json_decref(doc);
	return status;
}

void vg_cli_print_warnings(json_t *list)
{
	char text[VG_ERROR_MSG_SIZE];
	struct vg_error w;
	json_t *e;
	size_t i;

	json_array_foreach(list, i, e) {
		vg_client_error_of(e, &w);
		fprintf(stderr, _("vigilctl: warning: %s\n"), vg_error_text(&w, text, sizeof(text)));
	}
}

/* Fills err from a message id with %s arguments only, as vg_error_set does, from a va_list. */
static void error_from(struct vg_error *err, int code, const char *msgid, va_list ap)
{
	const char *a[VG_ERROR_MAX_ARGS] = { 0 };
	int n = 0;

	for (const char *p = msgid; *p; p++) {
		if (p[0] == '%' && p[1] == 's' && n < VG_ERROR_MAX_ARGS)
			a[n++] = va_arg(ap, const char *);
		if (p[0] == '%' && p[1])
			p++;
	}
	/* The message id comes from our own callers (checked by their format attribute); vg_error_set
	 * takes only as many arguments as it has %s. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	vg_error_set(err, code, msgid, a[0], a[1], a[2], a[3]);
#pragma GCC diagnostic pop
}

int vg_cli_usage(struct vg_cli *cli, const struct vg_cli_command *cmd, const char *msgid, ...)
{
	struct vg_error err;
	va_list ap;

	va_start(ap, msgid);
	error_from(&err, -EINVAL, msgid, ap);
	va_end(ap);
	vg_cli_report(cli, VG_EXIT_USAGE, &err);
	if (cmd)
		vg_cli_print_usage(stderr, cmd);
	return VG_EXIT_USAGE;
}

int vg_cli_fail(struct vg_cli *cli, const char *msgid, ...)
{
	struct vg_error err;
	va_list ap;

	va_start(ap, msgid);
	error_from(&err, 0, msgid, ap);
	va_end(ap);
	return vg_cli_report(cli, VG_EXIT_FAILED, &err);
}

void vg_cli_print_items(FILE *out, const struct vg_present_item *items, size_t n, int indent, int width)
{
	char label[160];
	int label_w = vg_present_label_width(items, n);

	for (size_t i = 0; i < n; i++) {
		const char *value = items[i].value[0] ? items[i].value : "-";
		int col = indent + label_w + 1, longest = 0;

		/* A word never breaks (a hash, a path): a line is as long as its longest word needs. */
		for (const char *p = value; *p;) {
			size_t len = strcspn(p, " ");
			int w = vg_text_width(p, len);

			longest = w > longest ? w : longest;
			p += len + (p[len] == ' ');
		}
		fprintf(out, "%*s%s", indent, "", vg_present_label(&items[i], label_w + 1, label, sizeof(label)));
		vg_cli_wrap(out, value, col, col, col + longest > width ? col + longest : width, 0);
	}
}

void vg_cli_label(const char *label, int width)
{
	fputs("  ", stdout);
	vg_text_pad(stdout, label, width);
	fputc(' ', stdout);
}

void vg_cli_format_duration(long long s, char *buf, size_t size)
{
	if (s < 60)
		snprintf(buf, size, _("%lld s"), s);
	else if (s < 3600)
		snprintf(buf, size, _("%lld min %lld s"), s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, size, _("%lld h %lld min"), s / 3600, (s % 3600) / 60);
	else
		snprintf(buf, size, _("%lld d %lld h"), s / 86400, (s % 86400) / 3600);
}

bool vg_cli_time_of(const json_t *obj, const char *key, char *buf, size_t size)
{
	char key_ms[96];
	const json_t *ms;

	snprintf(key_ms, sizeof(key_ms), "%s_ms", key);
	ms = json_object_get(obj, key_ms);
	buf[0] = '\0';
	if (!json_is_integer(ms))
		return false;
	vg_cli_format_time(json_integer_value(ms) / 1000, buf, size);
	return true;
}

void vg_cli_format_time(long long when, char *buf, size_t size)
{
	time_t t = (time_t)when;
	struct tm tm;

	if (!localtime_r(&t, &tm) || !strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(buf, size, "%lld", when);
}
