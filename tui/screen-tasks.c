/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The tasks screen: the task history (task.list) with a detail pane for the selected task
 * (task.show, its run output completed with task.output), the quarantine (quarantine.list,
 * restore, purge), and the forms that start tasks (tasks-form.c).
 *
 * The agent publishes a "tasks" stream but offers no command to subscribe to it, so the
 * list is asked again every REFRESH_TICKS seconds while the screen is visible (tick only
 * runs then), and at once after every change made from here.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nls.h"
#include "present.h"
#include "tasks.h"

#define LIST_LIMIT 500
#define REFRESH_TICKS 2
#define OUTPUT_MAX (4u << 20)     /* the most of a run's output the pane keeps */
#define DETAIL_LINES_MAX 200000  /* 4 MiB of short lines */

/* A task state in words (common/present-task.c), and the colour of its level. */
static const char *state_text(const char *state, enum vg_role *role)
{
	enum vg_level level;
	const char *text = vg_present_task_state(state, &level);

	if (role)
		*role = level == VG_LEVEL_OK ? VG_ROLE_OK : level == VG_LEVEL_WARN ? VG_ROLE_WARN
			: level == VG_LEVEL_ERROR ? VG_ROLE_ERROR : VG_ROLE_DIM;
	return text;
}

bool vg_tasks_final(const char *state)
{
	return state && strcmp(state, "queued") != 0 && strcmp(state, "running") != 0;
}

/* A reply that may come after the detail pane moved on to another task. */
struct detail_ctx {
	struct tasks_screen *s;
	unsigned gen;
	int stream;               /* task.output: 0 stdout, 1 stderr */
};

static const struct vg_list_ops rows_ops;

static void *create(struct vg_console *con)
{
	struct tasks_screen *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->con = con;
	vg_list_init(&s->rows, &rows_ops, s);
	s->dl.heading = true;
	vg_list_init(&s->pane, &vg_text_lines_ops, &s->dl);
	s->pane.viewer = true;
	vg_tasks_quarantine_init(s);
	return s;
}

static void clear_detail_lines(struct tasks_screen *s)
{
	for (size_t i = 0; i < s->dl.n; i++)
		free(s->dl.lines[i]);
	free(s->dl.lines);
	s->dl.lines = NULL;
	s->dl.n = 0;
	vg_list_changed(&s->pane);
}

static void clear_detail(struct tasks_screen *s)
{
	json_decref(s->detail);
	s->detail = NULL;
	for (int i = 0; i < 2; i++) {
		free(s->out[i]);
		s->out[i] = NULL;
		s->outlen[i] = 0;
	}
	clear_detail_lines(s);
	s->gen++;
}

static void destroy(void *self)
{
	struct tasks_screen *s = self;

	clear_detail(s);
	json_decref(s->list);
	json_decref(s->qlist);
	vg_list_fini(&s->rows);
	vg_list_fini(&s->pane);
	vg_list_fini(&s->qrows);
	vg_form_close(&s->form);
	free(s);
}

/* The detail pane as lines of text, rebuilt when the task or its output changes. */
static void add_line(struct tasks_screen *s, const char *text, size_t len)
{
	char **grown;
	char *line;

	if (s->dl.n >= DETAIL_LINES_MAX)
		return;
	if (!(grown = realloc(s->dl.lines, (s->dl.n + 1) * sizeof(*s->dl.lines))))
		return;
	s->dl.lines = grown;
	if (!(line = strndup(text, len)))
		return;
	s->dl.lines[s->dl.n++] = line;
	vg_list_changed(&s->pane);
}

static void add_text(struct tasks_screen *s, const char *prefix, const char *text)
{
	char buf[2048];

	snprintf(buf, sizeof(buf), "%s%s", prefix, text);
	add_line(s, buf, strlen(buf));
}

static void add_output(struct tasks_screen *s, const char *heading, const char *text, size_t len)
{
	const char *p = text, *end = text + len;

	if (!len)
		return;
	add_text(s, "", heading);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		add_line(s, p, n > 2000 ? 2000 : n);
		p += n + (nl ? 1 : 0);
	}
}

/* The pane: the task's facts as labelled lines (common/present-task.c, the same words as
 * "vigilctl task show"), then a run's output. */
static void rebuild_detail(struct tasks_screen *s)
{
	struct vg_present_item *items;
	size_t n;
	int label_w = 0;
	char buf[1024], label[160];

	clear_detail_lines(s);
	if (!s->detail || !(items = calloc(VG_PRESENT_MAX_ITEMS, sizeof(*items))))
		return;
	n = vg_present_task(s->detail, (int64_t)time(NULL), items, VG_PRESENT_MAX_ITEMS);
	label_w = vg_present_label_width(items, n);
	for (size_t i = 0; i < n; i++) {
		snprintf(buf, sizeof(buf), "%s%s", vg_present_label(&items[i], label_w + 1, label, sizeof(label)),
			 items[i].value);
		add_text(s, i == 0 ? "" : "  ", buf);
	}
	free(items);
	/* A run's output: it is what a person looks for. */
	add_output(s, _("Standard output:"), s->out[0] ? s->out[0] : "", s->outlen[0]);
	add_output(s, _("Standard error:"), s->out[1] ? s->out[1] : "", s->outlen[1]);
}

static void request_output(struct tasks_screen *s, int stream);

static void on_output(void *ctx, json_t *result, const struct vg_error *err)
{
	struct detail_ctx *c = ctx;
	struct tasks_screen *s = c->s;
	int stream = c->stream;
	bool current = c->gen == s->gen;
	const char *data = json_string_value(json_object_get(result, "data"));
	size_t n = data ? json_string_length(json_object_get(result, "data")) : 0;
	json_int_t off = json_integer_value(json_object_get(result, "offset"));
	json_int_t size = json_integer_value(json_object_get(result, "size"));
	char *grown;

	free(c);
	if (!current || err || !data || off != (json_int_t)s->outlen[stream])
		return;
	if (n && s->outlen[stream] + n <= OUTPUT_MAX && (grown = realloc(s->out[stream], s->outlen[stream] + n + 1))) {
		memcpy(grown + s->outlen[stream], data, n);
		s->outlen[stream] += n;
		grown[s->outlen[stream]] = '\0';
		s->out[stream] = grown;
	}
	if (n && (json_int_t)s->outlen[stream] < size && s->outlen[stream] < OUTPUT_MAX)
		request_output(s, stream);
	else if (stream == 0)
		request_output(s, 1);
	rebuild_detail(s);
}

/* Asks for the rest of a stream the reply to task.show cut (stdout_size / stderr_size). */
static void request_output(struct tasks_screen *s, int stream)
{
	static const char *const names[] = { "stdout", "stderr" };
	json_t *result = json_object_get(s->detail, "result");
	char key[32];
	json_int_t size;
	struct detail_ctx *c;

	for (; stream < 2; stream++) {
		snprintf(key, sizeof(key), "%s_size", names[stream]);
		size = json_integer_value(json_object_get(result, key));
		if (size > (json_int_t)s->outlen[stream] && s->outlen[stream] < OUTPUT_MAX)
			break;
	}
	if (stream >= 2 || !(c = calloc(1, sizeof(*c))))
		return;
	*c = (struct detail_ctx){ .s = s, .gen = s->gen, .stream = stream };
	if (vg_console_request(s->con, VG_CMD_TASK_OUTPUT,
			       json_pack("{s:O, s:s, s:I}", "id", json_object_get(s->detail, "id"), "stream",
					 names[stream], "offset", (json_int_t)s->outlen[stream]),
			       on_output, c) < 0)
		free(c);
}

static void on_show(void *ctx, json_t *result, const struct vg_error *err)
{
	struct detail_ctx *c = ctx;
	struct tasks_screen *s = c->s;
	bool current = c->gen == s->gen;
	json_t *res;

	free(c);
	if (!current)
		return;
	if (err) {
		if (err->code != -ECONNRESET) {
			char text[VG_ERROR_MSG_SIZE];

			vg_console_message(s->con, true, vg_error_text(err, text, sizeof(text)));
		}
		return;
	}
	if (!json_is_object(result))
		return;
	clear_detail(s);
	s->detail = json_deep_copy(result);
	res = json_object_get(s->detail, "result");
	for (int i = 0; i < 2; i++) {
		json_t *v = json_object_get(res, i ? "stderr" : "stdout");
		size_t n = json_is_string(v) ? json_string_length(v) : 0;

		if (n && (s->out[i] = malloc(n + 1))) {
			memcpy(s->out[i], json_string_value(v), n);
			s->out[i][n] = '\0';
			s->outlen[i] = n;
		}
	}
	rebuild_detail(s);
	request_output(s, 0);
}

/* Shows task id in the detail pane (asks the agent again when it is already there). */
static void request_detail(struct tasks_screen *s, json_int_t id)
{
	struct detail_ctx *c = calloc(1, sizeof(*c));

	if (!c)
		return;
	if (id != s->detail_id) {
		clear_detail(s);
		vg_list_reset(&s->pane);
	}
	s->detail_id = id;
	s->gen++;
	*c = (struct detail_ctx){ .s = s, .gen = s->gen };
	if (vg_console_request(s->con, VG_CMD_TASK_SHOW, json_pack("{s:I}", "id", id), on_show, c) < 0)
		free(c);
}

static json_t *selected_task(struct tasks_screen *s)
{
	long i = vg_list_selected(&s->rows);

	return i < 0 ? NULL : json_array_get(s->list, (size_t)i);
}

static void follow_selection(struct tasks_screen *s)
{
	json_t *t = selected_task(s);

	if (t && json_integer_value(json_object_get(t, "id")) != s->detail_id)
		request_detail(s, json_integer_value(json_object_get(t, "id")));
}

static void on_list(void *ctx, json_t *result, const struct vg_error *err)
{
	struct tasks_screen *s = ctx;
	size_t i;
	json_t *t;

	s->loading = false;
	if (err) {
		s->unavailable = vg_console_unavailable(err);
		vg_error_text(err, s->error, sizeof(s->error));
		return;
	}
	if (!json_is_array(result))
		return;
	s->unavailable = false;
	s->error[0] = '\0';
	json_decref(s->list);
	s->list = json_incref(result);
	vg_list_changed(&s->rows);
	json_array_foreach(s->list, i, t) {
		json_int_t id = json_integer_value(json_object_get(t, "id"));

		/* A task started here becomes the selection. */
		if (s->want_id && id == s->want_id) {
			vg_list_select(&s->rows, i);
			s->want_id = 0;
		}
		/* The task in the pane changed state: its result (or output) is new. */
		if (id == s->detail_id && s->detail &&
		    strcmp(json_string_value(json_object_get(t, "state")) ?: "",
			   json_string_value(json_object_get(s->detail, "state")) ?: "") != 0)
			request_detail(s, id);
	}
	follow_selection(s);
}

void vg_tasks_reload(struct tasks_screen *s)
{
	if (!s->loading &&
	    vg_console_request(s->con, VG_CMD_TASK_LIST, json_pack("{s:i}", "limit", LIST_LIMIT), on_list, s) == 0)
		s->loading = true;
	if (s->quarantine)
		vg_tasks_quarantine_reload(s);
}

static void show(void *self)
{
	vg_tasks_reload(self);
}

static void tick(void *self)
{
	struct tasks_screen *s = self;

	if (++s->ticks % REFRESH_TICKS == 0 || s->dirty) {
		s->dirty = false;
		vg_tasks_reload(s);
	}
}

static void stream(void *self, const char *name, json_t *data)
{
	struct tasks_screen *s = self;

	(void)data;
	/* Should the agent ever send us the "tasks" stream, the next tick asks at once. */
	if (strcmp(name, "tasks") == 0)
		s->dirty = true;
}

/* One line on what a task was asked to do and what came of it, in the user's language. */
static void summary(char *buf, size_t size, const json_t *t)
{
	vg_present_task_summary(t, buf, size);
}

static size_t rows_count(void *ctx)
{
	struct tasks_screen *s = ctx;

	return json_array_size(s->list);
}

static const struct vg_list_column rows_columns[] = {
	{ N_("Id"), 1, 6 },
	{ N_("Task"), 8, 18 },
	{ N_("State"), 27, 11 },
	{ N_("Created"), 39, 14 },
	{ N_("What, and the result"), 54, 0 },
	{ NULL, 0, 0 },
};

static void task_row(void *ctx, size_t i, int y, int x, int cols, bool selected)
{
	struct tasks_screen *s = ctx;
	json_t *t = json_array_get(s->list, i);
	char id[32], when[64], what[1024];
	enum vg_role role;
	const char *st = state_text(json_string_value(json_object_get(t, "state")), &role);
	attr_t normal = selected ? vg_ui_attr(VG_ROLE_SELECTED) : A_NORMAL;

	snprintf(id, sizeof(id), "%" JSON_INTEGER_FORMAT, json_integer_value(json_object_get(t, "id")));
	vg_ui_time_of(when, sizeof(when), t, "created");
	summary(what, sizeof(what), t);
	vg_ui_text(y, x + 1, id, 6);
	vg_ui_text(y, x + 8, vg_ui_str(t, "kind"), 18);
	if (!selected)
		attrset(vg_ui_attr(role));
	vg_ui_text(y, x + 27, st, 11);
	attrset(normal);
	/* The list has the day and the time; the pane the whole date. */
	vg_ui_text(y, x + 39, strlen(when) > 5 ? when + 5 : when, 14);
	vg_ui_text(y, x + 54, what, cols - 55);
}

static const char *task_text(void *ctx, size_t i, char *buf, size_t size)
{
	struct tasks_screen *s = ctx;
	json_t *t = json_array_get(s->list, i);
	char what[1024];

	summary(what, sizeof(what), t);
	snprintf(buf, size, "%" JSON_INTEGER_FORMAT " %s %s %s", json_integer_value(json_object_get(t, "id")),
		 vg_ui_str(t, "kind"), state_text(json_string_value(json_object_get(t, "state")), NULL), what);
	return buf;
}

static const struct vg_list_ops rows_ops = {
	.count = rows_count,
	.draw_row = task_row,
	.columns = rows_columns,
	.text = task_text,
};

static void draw_detail(struct tasks_screen *s, int top, int rows, int cols)
{
	s->pane.empty = s->detail_id ? _("Asking the agent…") : _("No task selected.");
	vg_list_draw(&s->pane, top, 0, rows, cols);
}

static void draw(void *self, const struct vg_view *v)
{
	struct tasks_screen *s = self;
	int list_rows, y;

	if (s->quarantine) {
		vg_tasks_quarantine_draw(s, v);
	} else if (!s->list) {
		const char *text = s->unavailable ? _("Response tasks are not available in this agent.")
				   : s->error[0] ? s->error
				   : !vg_console_connected(s->con) ? _("The agent is not reachable.")
								   : _("Asking the agent…");

		attrset(vg_ui_attr(s->error[0] ? VG_ROLE_ERROR : VG_ROLE_DIM));
		vg_ui_text(v->top + 1, 2, text, v->cols - 4);
		attrset(A_NORMAL);
	} else if (s->zoom) {
		draw_detail(s, v->top, v->rows, v->cols);
	} else {
		list_rows = v->rows * 2 / 5 > 6 ? v->rows * 2 / 5 : 6;
		y = v->top + list_rows;
		attrset(vg_ui_attr(VG_ROLE_DIM));
		vg_ui_hline(y, 0, v->cols);
		vg_ui_text(y, 2, _(" Enter: the whole detail   g d x t: new task   c: cancel   Q: quarantine "), v->cols - 4);
		attrset(A_NORMAL);
		draw_detail(s, y + 1, v->rows - list_rows - 1, v->cols);
		s->rows.empty = _("No task yet. g: get a file, d: delete a file, x: run a program, t: terminate.");
		vg_list_draw(&s->rows, v->top, v->left, list_rows, v->cols);
	}
	vg_form_draw(&s->form, v);
}

static int key(void *self, const struct vg_key *k)
{
	struct tasks_screen *s = self;
	int r;

	if (s->form.open)
		return vg_form_key(&s->form, k);
	if (s->quarantine) {
		if ((r = vg_tasks_quarantine_key(s, k)))
			return r;
	} else if ((r = vg_list_key(s->zoom ? &s->pane : &s->rows, k))) {
		if (!s->zoom)
			follow_selection(s);
		return r;
	}
	if (k->action == VG_ACT_COMMAND) {
		vg_tasks_command(s, k->arg);
		return VG_KEY_HANDLED | VG_KEY_REDRAW;
	}
	if (s->quarantine)
		return VG_KEY_IGNORED;
	if (s->zoom) {
		if (k->action != VG_ACT_CANCEL && k->action != VG_ACT_ACTIVATE)
			return VG_KEY_IGNORED;
		s->zoom = false;
		return VG_KEY_HANDLED | VG_KEY_REDRAW;
	}
	if (k->action == VG_ACT_ACTIVATE && s->detail) {
		s->zoom = true;
		return VG_KEY_HANDLED | VG_KEY_REDRAW;
	}
	return VG_KEY_IGNORED;
}

static int click(void *self, int y, int x)
{
	struct tasks_screen *s = self;

	if (s->form.open)
		return vg_form_click(&s->form, y, x);
	if (s->zoom)
		return VG_KEY_IGNORED;
	if (s->quarantine)
		return vg_tasks_quarantine_click(s, y, x);
	switch (vg_list_click(&s->rows, y, x)) {
	case VG_LIST_AGAIN:
		if (s->detail)
			s->zoom = true;
		return VG_KEY_HANDLED | VG_KEY_REDRAW;
	case VG_LIST_SELECTED:
		follow_selection(s);
		return VG_KEY_HANDLED | VG_KEY_REDRAW;
	default:
		return VG_KEY_IGNORED;
	}
}

const struct vg_screen_class vg_screen_tasks = {
	.label = N_("Tasks"),
	.title = N_("Response tasks"),
	.create = create,
	.destroy = destroy,
	.show = show,
	.draw = draw,
	.key = key,
	.click = click,
	.tick = tick,
	.stream = stream,
};
