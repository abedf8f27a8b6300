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
#include "present.h"

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
	struct vg_list events;      /* over the ring, oldest first; follows the newest until moved */
	json_t *stats;
	bool stats_loading;
	unsigned ticks;
	char error[VG_ERROR_MSG_SIZE];
	/* The selected event as indented JSON, one line per row. */
	struct vg_list detail;
	json_t *detail_of;          /* the event the lines are of (a reference: it may leave the ring) */
	char *detail_text;
	char *detail_lines[DETAIL_LINES];
	struct vg_text_lines detail_view; /* over detail_lines */
	bool detail_full;           /* the detail over the whole body */
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

static json_t *event_at(const struct telemetry_screen *s, size_t i)
{
	return s->ring[(s->head + i) % MAX_EVENTS];
}

static size_t events_count(void *ctx)
{
	struct telemetry_screen *s = ctx;

	return s->count;
}

static bool event_visible(void *ctx, size_t i)
{
	struct telemetry_screen *s = ctx;

	return !s->hide[type_of(event_at(s, i))];
}

/* The filter matches anywhere in the event's JSON text, ignoring case.  The text is made once
 * per event: the list filters the whole ring each time the events change. */
static const char *event_text(void *ctx, size_t i, char *buf, size_t size)
{
	struct telemetry_screen *s = ctx;
	size_t slot = (s->head + i) % MAX_EVENTS;

	(void)buf;
	(void)size;
	if (!s->text[slot])
		s->text[slot] = json_dumps(s->ring[slot], JSON_COMPACT);
	return s->text[slot];
}

static const struct vg_list_column events_columns[] = {
	{ N_("Time"), 1, 9 },
	{ N_("Type"), 11, 10 },
	{ N_("Activity"), 22, 11 },
	{ N_("Pid"), 34, 7 },
	{ N_("Event"), 42, 0 },
	{ NULL, 0, 0 },
};

/* Time, type, activity (a create and an update differ), the acting process and what the event
 * is about, in the words of "vigilctl telemetry show" (common/present-event.c). */
static void event_row(void *ctx, size_t i, int y, int x, int cols, bool selected)
{
	struct telemetry_screen *s = ctx;
	struct vg_present_event e;

	(void)selected;
	vg_present_event(event_at(s, i), &e);
	vg_ui_text(y, x + 1, e.time, 9);
	vg_ui_text_cut(y, x + 11, e.type, 10);
	vg_ui_text_cut(y, x + 22, e.activity, 11);
	vg_ui_text(y, x + 34 + (7 - vg_ui_width(e.pid)), e.pid, 7);
	vg_ui_text(y, x + 42, e.details, cols - 43);
}

static const struct vg_list_ops events_ops = {
	.count = events_count,
	.draw_row = event_row,
	.columns = events_columns,
	.text = event_text,
	.visible = event_visible,
};

static void clear_detail(struct telemetry_screen *s)
{
	free(s->detail_text);
	s->detail_text = NULL;
	s->detail_view.n = 0;
	json_decref(s->detail_of);
	s->detail_of = NULL;
	vg_list_changed(&s->detail);
}

/* The lines of the event in the pane, made again when the selection moves to another. */
static void set_detail(struct telemetry_screen *s, json_t *ev)
{
	char *line, *save = NULL;

	if (ev == s->detail_of)
		return;
	clear_detail(s);
	vg_list_reset(&s->detail);
	s->detail_of = json_incref(ev);
	if (!ev || !(s->detail_text = json_dumps(ev, JSON_INDENT(2) | JSON_SORT_KEYS)))
		return;
	for (line = strtok_r(s->detail_text, "\n", &save); line && s->detail_view.n < DETAIL_LINES;
	     line = strtok_r(NULL, "\n", &save))
		s->detail_lines[s->detail_view.n++] = line;
}

static json_t *selected_event(struct telemetry_screen *s)
{
	long i = vg_list_selected(&s->events);

	return i < 0 ? NULL : event_at(s, (size_t)i);
}

static void *create(struct vg_console *con)
{
	struct telemetry_screen *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->con = con;
	vg_list_init(&s->events, &events_ops, s);
	s->events.follow = true;
	s->events.filter_label = N_("Filter the events");
	s->events.no_match = N_("No event matches the filter.");
	s->detail_view.lines = s->detail_lines;
	vg_list_init(&s->detail, &vg_text_lines_ops, &s->detail_view);
	s->detail.viewer = true;
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
	s->events.follow = true;
	vg_list_changed(&s->events);
	clear_detail(s);
}

static void destroy(void *self)
{
	struct telemetry_screen *s = self;

	clear_events(s);
	json_decref(s->stats);
	vg_list_fini(&s->events);
	vg_list_fini(&s->detail);
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
		/* The rows move up by one: the selection stays on its event. */
		if (!s->events.follow && s->events.sel > 0)
			s->events.sel--;
	}
	s->ring[(s->head + s->count) % MAX_EVENTS] = json_incref(data);
	s->count++;
	vg_list_changed(&s->events);
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
		 _("filter:"), s->events.filter[0] ? s->events.filter : "-", s->paused ? "   " : "", s->paused ? _("PAUSED") : "");
	if (s->paused && s->missed) {
		size_t len = strlen(buf);

		snprintf(buf + len, size - len, " (%s %s)", missed, _("not shown"));
	}
}

static void draw(void *self, const struct vg_view *v)
{
	struct telemetry_screen *s = self;
	int list_rows;
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
	/* The whole event stays the one opened, while new ones come. */
	if (!s->detail_full)
		set_detail(s, selected_event(s));
	if (s->detail_full && s->detail_view.n) {
		vg_list_draw(&s->detail, v->top + 2, v->left, v->rows - 2, v->cols);
		return;
	}
	s->detail_full = false;
	list_rows = (v->rows - 3) / 2;
	if (list_rows < 3)
		list_rows = v->rows - 3;
	vg_ui_hline(v->top + 3 + list_rows, 0, v->cols);
	vg_list_draw(&s->detail, v->top + 4 + list_rows, v->left, v->rows - 4 - list_rows, v->cols);
	s->events.empty = _("Waiting for events…");
	vg_list_draw(&s->events, v->top + 2, v->left, list_rows + 1, v->cols);
}

/* The selected event over the whole body. */
static void open_detail(struct telemetry_screen *s)
{
	json_t *ev = selected_event(s);

	if (!ev)
		return;
	set_detail(s, ev);
	vg_list_reset(&s->detail);
	s->detail_full = true;
}

static int key(void *self, const struct vg_key *k)
{
	struct telemetry_screen *s = self;
	int r;

	if (s->detail_full) {
		if ((r = vg_list_key(&s->detail, k)))
			return r;
		if (k->action == VG_ACT_CANCEL || k->action == VG_ACT_ACTIVATE) {
			s->detail_full = false;
			vg_list_reset(&s->detail);
			return VG_KEY_HANDLED | VG_KEY_REDRAW;
		}
	} else if ((r = vg_list_key(&s->events, k))) {
		return r;
	}
	switch (k->action) {
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
		vg_list_changed(&s->events);
		return VG_KEY_HANDLED | VG_KEY_REDRAW;
	case VG_ACT_ACTIVATE:
		open_detail(s);
		return VG_KEY_HANDLED | VG_KEY_REDRAW;
	default:
		return VG_KEY_IGNORED;
	}
}

/* A click selects an event; a second click on it shows the whole event. */
static int click(void *self, int y, int x)
{
	struct telemetry_screen *s = self;

	if (s->detail_full)
		return VG_KEY_IGNORED;
	switch (vg_list_click(&s->events, y, x)) {
	case VG_LIST_AGAIN:
		open_detail(s);
		return VG_KEY_HANDLED | VG_KEY_REDRAW;
	case VG_LIST_SELECTED:
		return VG_KEY_HANDLED | VG_KEY_REDRAW;
	default:
		return VG_KEY_IGNORED;
	}
}

const struct vg_screen_class vg_screen_telemetry = {
	.label = N_("Telemetry"),
	.title = N_("Live telemetry"),
	.create = create,
	.destroy = destroy,
	.show = show,
	.draw = draw,
	.key = key,
	.click = click,
	.tick = tick,
	.stream = stream,
};
