/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The dashboard: is the host protected?  The agent itself (version, pid, uptime, id,
 * host, control clients) and one line per part of the agent, from the "status"
 * command; a part the agent does not have says so, and fills in when it lands.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "console.h"
#include "nls.h"

#define REFRESH_TICKS 2

struct dashboard {
	struct vg_console *con;
	json_t *status;           /* the last answer, kept while the agent is away */
	bool loading;
	int ticks;
	char error[VG_ERROR_MSG_SIZE];
};

static const struct {
	const char *name;
	const char *label;
} parts[] = {
	{ "telemetry", N_("Telemetry") },
	{ "link", N_("Server link") },
	{ "isolation", N_("Isolation") },
	{ "tasks", N_("Tasks") },
	{ "ioc", N_("IOC scans") },
	{ "export", N_("Exports") },
};

static void *create(struct vg_console *con)
{
	struct dashboard *d = calloc(1, sizeof(*d));

	if (d)
		d->con = con;
	return d;
}

static void destroy(void *self)
{
	struct dashboard *d = self;

	json_decref(d->status);
	free(d);
}

static void on_status(void *ctx, json_t *result, const struct vg_error *err)
{
	struct dashboard *d = ctx;

	d->loading = false;
	if (err) {
		vg_error_text(err, d->error, sizeof(d->error));
		return;
	}
	d->error[0] = '\0';
	json_decref(d->status);
	d->status = json_incref(result);
}

static void show(void *self)
{
	struct dashboard *d = self;

	if (d->loading)
		return;
	if (vg_console_request(d->con, VG_CMD_STATUS, NULL, on_status, d) == 0)
		d->loading = true;
	d->ticks = 0;
}

static void tick(void *self)
{
	struct dashboard *d = self;

	if (++d->ticks >= REFRESH_TICKS && vg_console_connected(d->con))
		show(d);
}

static void field(int y, int x, int w, const char *label, const char *value)
{
	int lw;

	attrset(vg_ui_attr(VG_ROLE_DIM));
	lw = vg_ui_text(y, x, label, w);
	attrset(A_NORMAL);
	vg_ui_text(y, x + (lw < 20 ? 20 : lw + 1), value, w - (lw < 20 ? 20 : lw + 1));
}

/* The fields of an available part, "name: value" each, nested objects one level deep
 * ("spool.depth: 12"), wrapped on at most max_lines lines of width columns from row y. */
struct wrap {
	int y, x, width, line, max_lines, col;
};

static void put_item(struct wrap *w, const char *item)
{
	int iw = vg_ui_width(item);

	if (w->col > 0 && w->col + 2 + iw > w->width) {
		if (w->line + 1 >= w->max_lines)
			return;
		w->line++;
		w->col = 0;
	}
	if (w->col > 0)
		w->col += 2;
	w->col += vg_ui_text(w->y + w->line, w->x + w->col, item, w->width - w->col);
}

static void put_fields(struct wrap *w, const char *prefix, json_t *obj, int depth)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v) {
		char text[256], item[600], name[300];

		if (depth == 0 && strcmp(key, "available") == 0)
			continue;
		snprintf(name, sizeof(name), "%s%s%s", prefix, prefix[0] ? "." : "", key);
		if (json_is_object(v)) {
			if (depth == 0)
				put_fields(w, name, v, depth + 1);
			continue;
		}
		vg_ui_json_text(text, sizeof(text), v);
		snprintf(item, sizeof(item), "%s: %s", name, text);
		put_item(w, item);
	}
}

/* Returns the lines used. */
static int section_fields(int y, int x, int width, int max_lines, json_t *sec)
{
	struct wrap w = { .y = y, .x = x, .width = width, .max_lines = max_lines };

	put_fields(&w, "", sec, 0);
	if (w.line == 0 && w.col == 0)
		vg_ui_text(y, x, _("available"), width);
	return w.line + 1;
}

/* The exports: one line per sink ("relp: up to date, 5120 delivered, 0 lost (127.0.0.1:2514)"),
 * the sinks that are off on one line; returns the lines used. */
static int export_lines(int y, int x, int width, int max_lines, json_t *sec)
{
	char line[512], off[128] = "";
	json_t *s;
	size_t i;
	int used = 0;

	json_array_foreach(json_object_get(sec, "sinks"), i, s) {
		const char *name = vg_ui_str_or(s, "name", "?");

		if (!json_is_true(json_object_get(s, "enabled"))) {
			size_t n = strlen(off);

			snprintf(off + n, sizeof(off) - n, "%s%s", n ? ", " : "", name);
			continue;
		}
		if (used >= max_lines - 1)
			continue;
		snprintf(line, sizeof(line), _("%s: %s, %lld delivered, %lld lost (%s)"), name,
			 vg_ui_str_or(s, "state", "?"), (long long)json_integer_value(json_object_get(s, "delivered")),
			 (long long)json_integer_value(json_object_get(s, "lost")), vg_ui_str_or(s, "target", "?"));
		if (json_string_value(json_object_get(s, "last_error")))
			attrset(vg_ui_attr(VG_ROLE_ERROR));
		else if (json_integer_value(json_object_get(s, "lost")) > 0)
			attrset(vg_ui_attr(VG_ROLE_WARN));
		else
			attrset(vg_ui_attr(VG_ROLE_OK));
		vg_ui_text(y + used++, x, line, width);
	}
	if (off[0] && used < max_lines) {
		snprintf(line, sizeof(line), _("off: %s"), off);
		attrset(vg_ui_attr(VG_ROLE_DIM));
		vg_ui_text(y + used++, x, line, width);
	}
	return used ? used : 1;
}

static const char *part_label(const char *name)
{
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		if (strcmp(parts[i].name, name) == 0)
			return _(parts[i].label);
	return name;
}

static void draw(void *self, const struct vg_view *v)
{
	struct dashboard *d = self;
	json_t *st = d->status, *sections, *sec, *control;
	int y = v->top + 1, half = v->cols / 2, w = v->cols - 4, parts_left;
	char buf[1024];
	const char *name;

	if (!vg_console_connected(d->con)) {
		attrset(vg_ui_attr(VG_ROLE_BANNER));
		vg_ui_fill(y, 1, v->cols - 2, vg_ui_attr(VG_ROLE_BANNER));
		vg_ui_text(y, 2, _("The agent is not reachable: the host may not be protected. Reconnecting…"), w);
		attrset(A_NORMAL);
		y += 2;
	} else if (!st) {
		attrset(vg_ui_attr(d->error[0] ? VG_ROLE_ERROR : VG_ROLE_DIM));
		vg_ui_text(y, 2, d->error[0] ? d->error : _("Asking the agent…"), w);
		attrset(A_NORMAL);
		return;
	}
	if (!st)
		return;
	sections = json_object_get(st, "sections");
	sec = json_object_get(sections, "isolation");
	if (json_is_true(json_object_get(sec, "isolated")) ||
	    (json_string_value(json_object_get(sec, "state")) && strcmp(vg_ui_str_or(sec, "state", "?"), "on") == 0)) {
		json_t *until = json_object_get(sec, "until");
		char left[64], banner[256];

		/* The time left counts from the status the agent gave (asked again every few seconds). */
		if (json_is_integer(until)) {
			long long l = json_integer_value(until) - (long long)time(NULL);

			vg_ui_duration(left, sizeof(left), l > 0 ? l : 0);
		} else {
			snprintf(left, sizeof(left), "%s", _("until released"));
		}
		snprintf(banner, sizeof(banner), "%s — %s %s", _("THIS HOST IS ISOLATED FROM THE NETWORK"), _("time left:"),
			 left);
		attrset(vg_ui_attr(VG_ROLE_BANNER));
		vg_ui_fill(y, 1, v->cols - 2, vg_ui_attr(VG_ROLE_BANNER));
		vg_ui_text(y, 2, banner, w);
		attrset(A_NORMAL);
		y += 2;
	}
	if (vg_console_connected(d->con)) {
		attrset(vg_ui_attr(VG_ROLE_OK));
		vg_ui_text(y, 2, _("The agent is running."), w);
		attrset(A_NORMAL);
		y += 2;
	}
	attrset(vg_ui_attr(VG_ROLE_HEADING));
	vg_ui_text(y++, 1, _("Agent"), w);
	attrset(A_NORMAL);
	field(y, 3, half - 4, _("Version"), vg_ui_str_or(st, "version", "?"));
	snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, json_integer_value(json_object_get(st, "pid")));
	field(y++, half, half - 1, _("Process id"), buf);
	vg_ui_duration(buf, sizeof(buf), json_integer_value(json_object_get(st, "uptime")));
	field(y, 3, half - 4, _("Uptime"), buf);
	field(y++, half, half - 1, _("Host"), vg_ui_str_or(st, "hostname", "?"));
	field(y++, 3, w, _("Agent id"), vg_ui_str_or(st, "agent_id", "?"));
	control = json_object_get(st, "control");
	snprintf(buf, sizeof(buf), _("%lld connected, %lld requests, %lld refused"),
		 (long long)json_integer_value(json_object_get(control, "clients")),
		 (long long)json_integer_value(json_object_get(control, "requests")),
		 (long long)json_integer_value(json_object_get(control, "refused")));
	field(y++, 3, w, _("Control clients"), buf);
	field(y++, 3, w, _("State directory"), vg_ui_str_or(st, "state_dir", "?"));
	y++;
	attrset(vg_ui_attr(VG_ROLE_HEADING));
	vg_ui_text(y++, 1, _("Parts of the agent"), w);
	attrset(A_NORMAL);
	parts_left = (int)json_object_size(sections);
	json_object_foreach(sections, name, sec) {
		parts_left--;
		if (y >= v->top + v->rows)
			break;
		attrset(A_BOLD);
		vg_ui_text(y, 3, part_label(name), 14);
		if (json_is_true(json_object_get(sec, "available"))) {
			/* Up to three lines each, but every part keeps at least its own line on a small screen. */
			int room = v->top + v->rows - y - parts_left;

			attrset(vg_ui_attr(VG_ROLE_OK));
			if (strcmp(name, "export") == 0)
				y += export_lines(y, 19, v->cols - 20, room < 1 ? 1 : room < 4 ? room : 4, sec);
			else
				y += section_fields(y, 19, v->cols - 20, room < 1 ? 1 : room < 3 ? room : 3, sec);
		} else {
			attrset(vg_ui_attr(VG_ROLE_DIM));
			vg_ui_text(y, 19, _("not available in this agent"), v->cols - 20);
			y++;
		}
		attrset(A_NORMAL);
	}
}

const struct vg_screen_class vg_screen_dashboard = {
	.label = N_("Dashboard"),
	.title = N_("Dashboard"),
	.create = create,
	.destroy = destroy,
	.show = show,
	.draw = draw,
	.tick = tick,
};
