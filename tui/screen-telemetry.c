/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The telemetry screen: live events from the agent's "events" stream (telemetry.follow
 * subscribes this connection), a filter line, type toggles, pause, and a detail pane that shows
 * the whole selected event.  The rates and the lost/dropped counters come from telemetry.stats,
 * asked again every few seconds while the screen is visible (never in a tight loop).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "console.h"
#include "nls.h"

#define MAX_EVENTS 2000
#define STATS_EVERY_TICKS 3
#define DETAIL_LINES 400

enum { T_PROCESS, T_NETWORK, T_FILE, T_OTHER, T_COUNT };

struct telemetry_screen {
	struct vg_console *con;
	json_t *ring[MAX_EVENTS];   /* oldest first from head */
	char *text[MAX_EVENTS];     /* each event's JSON text for the filter, made on first use */
	size_t head, count;
	bool subscribed, subscribing, unavailable, paused;
	unsigned long long missed;  /* events that came while paused */
	bool hide[T_COUNT];
	char filter[VG_FIELD_MAX];
	struct vg_form form;
	json_t *stats;
	bool stats_loading;
	unsigned ticks;
	char error[VG_ERROR_MSG_SIZE];
	int sel;                    /* index among the shown events, -1: follow the newest */
	int scroll, page;
	bool detail_full;
	int detail_scroll;
};

static int type_of(const json_t *ev)
{
	switch (json_integer_value(json_object_get(ev, "class_uid"))) {
	case 1007:
		return T_PROCESS;
	case 4001:
		return T_NETWORK;
	case 1001:
		return T_FILE;
	default:
		return T_OTHER;
	}
}

static const char *type_label(int t)
{
	static const char *const labels[T_COUNT] = { N_("process"), N_("network"), N_("file"), N_("other") };

	return _(labels[t]);
}

static const char *str(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? s : "";
}

/* What the event is about, in one line. */
static void summary(const json_t *ev, char *buf, size_t size)
{
	const json_t *proc = json_object_get(ev, "process");
	const json_t *src, *dst;

	if (!proc)
		proc = json_object_get(json_object_get(ev, "actor"), "process");
	switch (type_of(ev)) {
	case T_PROCESS:
		if (json_object_get(ev, "exit_code"))
			snprintf(buf, size, "%s %s %" JSON_INTEGER_FORMAT, str(json_object_get(proc, "file"), "path"), _("exit"),
				 json_integer_value(json_object_get(ev, "exit_code")));
		else
			snprintf(buf, size, "%s", str(proc, "cmd_line"));
		break;
	case T_NETWORK:
		src = json_object_get(ev, "src_endpoint");
		dst = json_object_get(ev, "dst_endpoint");
		snprintf(buf, size, "%s %s:%" JSON_INTEGER_FORMAT " -> %s:%" JSON_INTEGER_FORMAT " %s",
			 str(json_object_get(ev, "connection_info"), "protocol_name"), str(src, "ip"),
			 json_integer_value(json_object_get(src, "port")), str(dst, "ip"),
			 json_integer_value(json_object_get(dst, "port")), str(json_object_get(proc, "file"), "path"));
		break;
	case T_FILE:
		snprintf(buf, size, "%s%s%s", str(json_object_get(ev, "file"), "path"),
			 json_object_get(ev, "file_result") ? " -> " : "", str(json_object_get(ev, "file_result"), "path"));
		break;
	default:
		snprintf(buf, size, "%s", str(ev, "message"));
		break;
	}
}

static json_t *event_at(const struct telemetry_screen *s, size_t i)
{
	return s->ring[(s->head + i) % MAX_EVENTS];
}

/* The filter matches anywhere in the event's JSON text, ignoring case.  The text is made once
 * per event: every redraw filters the whole ring. */
static bool shown(struct telemetry_screen *s, size_t i)
{
	size_t slot = (s->head + i) % MAX_EVENTS;

	if (s->hide[type_of(s->ring[slot])])
		return false;
	if (!s->filter[0])
		return true;
	if (!s->text[slot])
		s->text[slot] = json_dumps(s->ring[slot], JSON_COMPACT);
	return s->text[slot] && strcasestr(s->text[slot], s->filter);
}

/* The indexes (in the ring) of the events shown; the caller frees. */
static size_t visible(struct telemetry_screen *s, size_t **out)
{
	size_t *idx = malloc((s->count ? s->count : 1) * sizeof(*idx)), n = 0;

	for (size_t i = 0; idx && i < s->count; i++)
		if (shown(s, i))
			idx[n++] = i;
	*out = idx;
	return n;
}

static void *create(struct vg_console *con)
{
	struct telemetry_screen *s = calloc(1, sizeof(*s));

	if (s) {
		s->con = con;
		s->sel = -1;
	}
	return s;
}

static void clear_events(struct telemetry_screen *s)
{
	for (size_t i = 0; i < s->count; i++) {
		size_t slot = (s->head + i) % MAX_EVENTS;

		json_decref(s->ring[slot]);
		free(s->text[slot]);
		s->text[slot] = NULL;
	}
	s->head = s->count = 0;
	s->sel = -1;
}

static void destroy(void *self)
{
	struct telemetry_screen *s = self;

	clear_events(s);
	json_decref(s->stats);
	vg_form_close(&s->form);
	free(s);
}

static void on_follow(void *ctx, json_t *result, const struct vg_error *err)
{
	struct telemetry_screen *s = ctx;

	(void)result;
	s->subscribing = false;
	if (err) {
		s->unavailable = vg_console_unavailable(err);
		vg_error_text(err, s->error, sizeof(s->error));
		return;
	}
	s->subscribed = true;
	s->error[0] = '\0';
}

static void on_stats(void *ctx, json_t *result, const struct vg_error *err)
{
	struct telemetry_screen *s = ctx;

	s->stats_loading = false;
	if (err || !json_is_object(result))
		return;
	json_decref(s->stats);
	s->stats = json_incref(result);
}

static void ask_stats(struct telemetry_screen *s)
{
	if (!s->stats_loading && vg_console_request(s->con, VG_CMD_TELEMETRY_STATS, NULL, on_stats, s) == 0)
		s->stats_loading = true;
}

static void show(void *self)
{
	struct telemetry_screen *s = self;

	/* show() runs again when the agent comes back: a new connection has no subscription. */
	if (!s->subscribing && vg_console_request(s->con, VG_CMD_TELEMETRY_FOLLOW, NULL, on_follow, s) == 0) {
		s->subscribing = true;
		s->subscribed = false;
	}
	ask_stats(s);
}

static void tick(void *self)
{
	struct telemetry_screen *s = self;

	if (!vg_console_connected(s->con)) {
		s->subscribed = false;
		return;
	}
	if (++s->ticks % STATS_EVERY_TICKS == 0)
		ask_stats(s);
}

static void stream(void *self, const char *name, json_t *data)
{
	struct telemetry_screen *s = self;

	if (strcmp(name, "events") != 0 || !json_is_object(data))
		return;
	if (s->paused) {
		s->missed++;
		return;
	}
	if (s->count == MAX_EVENTS) {
		json_decref(s->ring[s->head]);
		free(s->text[s->head]);
		s->text[s->head] = NULL;
		s->head = (s->head + 1) % MAX_EVENTS;
		s->count--;
		if (s->sel > 0)
			s->sel--;
	}
	s->ring[(s->head + s->count) % MAX_EVENTS] = json_incref(data);
	s->count++;
}

static void counters_line(const struct telemetry_screen *s, char *buf, size_t size)
{
	const json_t *r = json_object_get(s->stats, "rates_per_s");
	const json_t *audit = json_object_get(s->stats, "audit");
	char lost[32], qd[32], sd[32];

	snprintf(lost, sizeof(lost), "%" JSON_INTEGER_FORMAT, json_integer_value(json_object_get(audit, "kernel_lost")));
	snprintf(qd, sizeof(qd), "%" JSON_INTEGER_FORMAT, json_integer_value(json_object_get(s->stats, "queue_dropped")));
	snprintf(sd, sizeof(sd), "%" JSON_INTEGER_FORMAT,
		 json_integer_value(json_object_get(s->stats, "spool_dropped")));
	snprintf(buf, size, "%s %.1f/s  %s %.1f/s  %s %.1f/s   %s %s  %s %s  %s %s", type_label(T_PROCESS),
		 json_number_value(json_object_get(r, "process")), type_label(T_NETWORK),
		 json_number_value(json_object_get(r, "network")), type_label(T_FILE),
		 json_number_value(json_object_get(r, "file")), _("kernel lost:"), lost, _("queue dropped:"), qd,
		 _("spool dropped:"), sd);
}

static void status_line(const struct telemetry_screen *s, char *buf, size_t size)
{
	char missed[32];

	snprintf(missed, sizeof(missed), "%llu", s->missed);
	snprintf(buf, size, "[%c] %s  [%c] %s  [%c] %s  [%c] %s   %s %s%s%s", s->hide[T_PROCESS] ? ' ' : 'x',
		 type_label(T_PROCESS), s->hide[T_NETWORK] ? ' ' : 'x', type_label(T_NETWORK),
		 s->hide[T_FILE] ? ' ' : 'x', type_label(T_FILE), s->hide[T_OTHER] ? ' ' : 'x', type_label(T_OTHER),
		 _("filter:"), s->filter[0] ? s->filter : "-", s->paused ? "   " : "", s->paused ? _("PAUSED") : "");
	if (s->paused && s->missed) {
		size_t len = strlen(buf);

		snprintf(buf + len, size - len, " (%s %s)", missed, _("not shown"));
	}
}

static void draw_detail(struct telemetry_screen *s, const json_t *ev, int top, int rows, int cols)
{
	char *text = json_dumps(ev, JSON_INDENT(2) | JSON_SORT_KEYS);
	char *line, *save = NULL;
	int n = 0, y = top;

	if (!text)
		return;
	for (line = strtok_r(text, "\n", &save); line && y < top + rows; line = strtok_r(NULL, "\n", &save), n++) {
		if (n < s->detail_scroll)
			continue;
		vg_ui_text(y++, 1, line, cols - 2);
	}
	free(text);
}

static void draw(void *self, const struct vg_view *v)
{
	struct telemetry_screen *s = self;
	size_t *idx, n;
	int list_rows, y;
	char buf[1024];

	if (!s->subscribed && !s->count) {
		const char *text = s->unavailable                  ? _("Telemetry is not available in this agent.")
				   : s->error[0]                   ? s->error
				   : !vg_console_connected(s->con) ? _("The agent is not reachable.")
								   : _("Asking the agent…");

		attrset(vg_ui_attr(s->error[0] ? VG_ROLE_WARN : VG_ROLE_DIM));
		vg_ui_text(v->top + 1, 2, text, v->cols - 4);
		attrset(A_NORMAL);
		return;
	}
	attrset(vg_ui_attr(VG_ROLE_DIM));
	counters_line(s, buf, sizeof(buf));
	vg_ui_text(v->top, 1, s->stats ? buf : "", v->cols - 2);
	attrset(vg_ui_attr(s->paused ? VG_ROLE_WARN : VG_ROLE_NORMAL));
	status_line(s, buf, sizeof(buf));
	vg_ui_text(v->top + 1, 1, buf, v->cols - 2);
	attrset(A_NORMAL);
	n = visible(s, &idx);
	if (s->sel >= (int)n)
		s->sel = n ? (int)n - 1 : -1;
	if (s->detail_full && n) {
		draw_detail(s, event_at(s, idx[s->sel >= 0 ? (size_t)s->sel : n - 1]), v->top + 2, v->rows - 2, v->cols);
		free(idx);
		return;
	}
	list_rows = (v->rows - 3) / 2;
	if (list_rows < 3)
		list_rows = v->rows - 3;
	s->page = list_rows;
	attrset(vg_ui_attr(VG_ROLE_HEADING));
	vg_ui_fill(v->top + 2, 0, v->cols, vg_ui_attr(VG_ROLE_HEADING));
	vg_ui_text(v->top + 2, 1, _("Time"), 12);
	vg_ui_text(v->top + 2, 14, _("Type"), 8);
	vg_ui_text(v->top + 2, 23, _("Event"), v->cols - 24);
	attrset(A_NORMAL);
	if (!n) {
		attrset(vg_ui_attr(VG_ROLE_DIM));
		vg_ui_text(v->top + 3, 2, s->count ? _("No event matches the filter.") : _("Waiting for events…"),
			   v->cols - 4);
		attrset(A_NORMAL);
		free(idx);
		return;
	}
	{
		int sel = s->sel >= 0 ? s->sel : (int)n - 1;

		if (sel < s->scroll)
			s->scroll = sel;
		if (sel >= s->scroll + list_rows)
			s->scroll = sel - list_rows + 1;
		if (s->sel < 0)
			s->scroll = (int)n > list_rows ? (int)n - list_rows : 0;
		for (int i = 0; i < list_rows && s->scroll + i < (int)n; i++) {
			const json_t *ev = event_at(s, idx[s->scroll + i]);
			time_t t = (time_t)(json_integer_value(json_object_get(ev, "time")) / 1000);
			char when[32];
			struct tm tm;

			y = v->top + 3 + i;
			if (!localtime_r(&t, &tm) || !strftime(when, sizeof(when), "%H:%M:%S", &tm))
				snprintf(when, sizeof(when), "?");
			if (s->scroll + i == sel)
				vg_ui_fill(y, 0, v->cols, vg_ui_attr(VG_ROLE_SELECTED));
			attrset(s->scroll + i == sel ? vg_ui_attr(VG_ROLE_SELECTED) : A_NORMAL);
			summary(ev, buf, sizeof(buf));
			vg_ui_text(y, 1, when, 12);
			vg_ui_text(y, 14, type_label(type_of(ev)), 8);
			vg_ui_text(y, 23, buf, v->cols - 24);
			attrset(A_NORMAL);
		}
		y = v->top + 3 + list_rows;
		vg_ui_hline(y, 0, v->cols);
		draw_detail(s, event_at(s, idx[sel]), y + 1, v->rows - 4 - list_rows, v->cols);
	}
	free(idx);
}

static void open_filter(struct telemetry_screen *s)
{
	vg_form_open(&s->form, _("Filter the events"));
	vg_form_add(&s->form, N_("Text"), s->filter, false);
	snprintf(s->form.note, sizeof(s->form.note), "%s",
		 _("Events whose text contains this (any case) are shown; empty shows them all."));
}

static int form_key(struct telemetry_screen *s, const struct vg_key *k)
{
	switch (vg_form_key(&s->form, k)) {
	case VG_FORM_SUBMIT:
		snprintf(s->filter, sizeof(s->filter), "%s", s->form.fields[0].value);
		vg_form_close(&s->form);
		s->sel = -1;
		break;
	case VG_FORM_CANCEL:
		vg_form_close(&s->form);
		break;
	case VG_FORM_NONE:
		return VG_KEY_HANDLED;
	default:
		break;
	}
	return VG_KEY_HANDLED | VG_KEY_REDRAW;
}

static int key(void *self, const struct vg_key *k)
{
	struct telemetry_screen *s = self;
	size_t *idx, n;
	int moved;

	if (s->form.open)
		return form_key(s, k);
	switch (k->action) {
	case VG_ACT_FILTER:
		open_filter(s);
		return VG_KEY_HANDLED | VG_KEY_REDRAW;
	case VG_ACT_TOGGLE:
		s->paused = !s->paused;
		if (!s->paused)
			s->missed = 0;
		return VG_KEY_HANDLED | VG_KEY_REDRAW;
	case VG_ACT_COMMAND:
		if (k->arg >= VG_UI_SHOW_PROCESS && k->arg <= VG_UI_SHOW_OTHER)
			s->hide[k->arg - VG_UI_SHOW_PROCESS] = !s->hide[k->arg - VG_UI_SHOW_PROCESS];
		else if (k->arg == VG_UI_CLEAR)
			clear_events(s);
		else
			return VG_KEY_IGNORED;
		return VG_KEY_HANDLED | VG_KEY_REDRAW;
	case VG_ACT_ACTIVATE:
		s->detail_full = !s->detail_full;
		s->detail_scroll = 0;
		return VG_KEY_HANDLED | VG_KEY_REDRAW;
	case VG_ACT_CANCEL:
		if (s->detail_full) {
			s->detail_full = false;
		} else if (s->filter[0]) {
			s->filter[0] = '\0';
		} else {
			return VG_KEY_IGNORED;
		}
		return VG_KEY_HANDLED | VG_KEY_REDRAW;
	default:
		break;
	}
	if (s->detail_full) {
		if (k->action == VG_ACT_DOWN || k->action == VG_ACT_PAGE_DOWN)
			s->detail_scroll += k->action == VG_ACT_DOWN ? 1 : 10;
		else if (k->action == VG_ACT_UP || k->action == VG_ACT_PAGE_UP)
			s->detail_scroll -= k->action == VG_ACT_UP ? 1 : 10;
		else if (k->action == VG_ACT_HOME)
			s->detail_scroll = 0;
		else
			return VG_KEY_IGNORED;
		if (s->detail_scroll < 0)
			s->detail_scroll = 0;
		if (s->detail_scroll > DETAIL_LINES)
			s->detail_scroll = DETAIL_LINES;
		return VG_KEY_HANDLED | VG_KEY_REDRAW;
	}
	n = visible(s, &idx);
	free(idx);
	moved = vg_ui_move(s->sel >= 0 ? s->sel : (int)n - 1, (int)n, k, s->page);
	if (moved < 0)
		return VG_KEY_IGNORED;
	/* End follows the newest again. */
	s->sel = k->action == VG_ACT_END ? -1 : moved;
	return VG_KEY_HANDLED | VG_KEY_REDRAW;
}

/* A click selects an event; a second click on it shows the whole event. */
static int click(void *self, int row)
{
	struct telemetry_screen *s = self;
	size_t *idx, n = visible(s, &idx);
	int target = s->scroll + row - 3;

	free(idx);
	if (s->form.open || s->detail_full || row < 3 || row - 3 >= s->page || target >= (int)n)
		return VG_KEY_IGNORED;
	if (target == (s->sel >= 0 ? s->sel : (int)n - 1)) {
		s->detail_full = true;
		s->detail_scroll = 0;
	}
	s->sel = target;
	return VG_KEY_HANDLED | VG_KEY_REDRAW;
}

static void draw_all(void *self, const struct vg_view *v)
{
	struct telemetry_screen *s = self;

	draw(self, v);
	if (s->form.open)
		vg_form_draw(&s->form, v);
}

const struct vg_screen_class vg_screen_telemetry = {
	.id = VG_SCR_TELEMETRY,
	.label = N_("Telemetry"),
	.title = N_("Live telemetry"),
	.create = create,
	.destroy = destroy,
	.show = show,
	.draw = draw_all,
	.key = key,
	.click = click,
	.tick = tick,
	.stream = stream,
};
