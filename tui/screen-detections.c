/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The detections: the newest findings the agent stored (detection.list), with their severity,
 * rule and the response made, kept up to date by the agent's "detections" stream
 * (detection.follow): each new detection asks for the list again, so that the rows are the
 * stored ones, never a copy that could disagree.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "console.h"
#include "nls.h"

#define DETECTIONS_LIMIT 500

struct detections_screen {
	struct vg_console *con;
	json_t *list;
	struct vg_list rows;
	bool loading, again, subscribed, subscribing;
	char error[VG_ERROR_MSG_SIZE];
};

static const char *const severities[] = { N_("unknown"), N_("info"), N_("low"), N_("medium"), N_("high"),
					  N_("critical"), N_("fatal") };

static const char *severity_name(json_int_t id)
{
	return _(severities[id >= 0 && id <= 6 ? id : 0]);
}

static size_t count(void *ctx)
{
	struct detections_screen *s = ctx;

	return json_array_size(s->list);
}

static const char *row_text(void *ctx, size_t item, char *buf, size_t size)
{
	struct detections_screen *s = ctx;
	const json_t *d = json_array_get(s->list, item);

	snprintf(buf, size, "%s %s %s %s %s", severity_name(json_integer_value(json_object_get(d, "severity_id"))),
		 vg_ui_str(d, "action"), vg_ui_str(d, "title"), vg_ui_str(d, "rule"), vg_ui_str(d, "uid"));
	return buf;
}

static const struct vg_list_column columns[] = {
	{ N_("When"), 1, 19 },
	{ N_("Severity"), 21, 9 },
	{ N_("Response"), 31, 10 },
	{ N_("Rule"), 42, 0 },
	{ NULL, 0, 0 },
};

static void draw_row(void *ctx, size_t item, int y, int x, int cols, bool selected)
{
	struct detections_screen *s = ctx;
	const json_t *d = json_array_get(s->list, item);
	json_int_t sev = json_integer_value(json_object_get(d, "severity_id"));
	char when[64];

	vg_ui_time_of(when, sizeof(when), d, "time");
	vg_ui_text(y, x + 1, when, 19);
	if (!selected && sev >= 4)
		attrset(vg_ui_attr(VG_ROLE_ERROR));
	else if (!selected && sev == 3)
		attrset(vg_ui_attr(VG_ROLE_WARN));
	vg_ui_text(y, x + 21, severity_name(sev), 9);
	if (!selected)
		attrset(A_NORMAL);
	vg_ui_text(y, x + 31, vg_ui_str(d, "action"), 10);
	vg_ui_text_cut(y, x + 42, vg_ui_str(d, "title"), cols - 43);
}

static const struct vg_list_ops rows_ops = {
	.count = count,
	.draw_row = draw_row,
	.columns = columns,
	.text = row_text,
};

static void *create(struct vg_console *con)
{
	struct detections_screen *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->con = con;
	vg_list_init(&s->rows, &rows_ops, s);
	return s;
}

static void destroy(void *self)
{
	struct detections_screen *s = self;

	json_decref(s->list);
	vg_list_fini(&s->rows);
	free(s);
}

static void ask(struct detections_screen *s);

static void on_list(void *ctx, json_t *result, const struct vg_error *err)
{
	struct detections_screen *s = ctx;

	s->loading = false;
	if (err) {
		vg_error_text(err, s->error, sizeof(s->error));
	} else if (json_is_array(result)) {
		s->error[0] = '\0';
		json_decref(s->list);
		s->list = json_incref(result);
		vg_list_changed(&s->rows);
	}
	/* A detection came while the list was on its way: ask once more. */
	if (s->again) {
		s->again = false;
		ask(s);
	}
}

static void ask(struct detections_screen *s)
{
	if (s->loading) {
		s->again = true;
		return;
	}
	if (vg_console_request(s->con, VG_CMD_DETECTION_LIST, json_pack("{s:i}", "limit", DETECTIONS_LIMIT), on_list,
			       s) == 0)
		s->loading = true;
}

static void on_follow(void *ctx, json_t *result, const struct vg_error *err)
{
	struct detections_screen *s = ctx;

	(void)result;
	s->subscribing = false;
	s->subscribed = err == NULL;
}

static void show(void *self)
{
	struct detections_screen *s = self;

	ask(s);
	/* A new connection has no subscription: ask for one each time. */
	if (!s->subscribing && vg_console_request(s->con, VG_CMD_DETECTION_FOLLOW, NULL, on_follow, s) == 0) {
		s->subscribing = true;
		s->subscribed = false;
	}
}

static void stream(void *self, const char *name, json_t *data)
{
	struct detections_screen *s = self;

	(void)data;
	if (strcmp(name, "detections") == 0) {
		ask(s);
		vg_console_redraw(s->con);
	}
}

static int key(void *self, const struct vg_key *k)
{
	struct detections_screen *s = self;

	return vg_list_key(&s->rows, k);
}

static void draw(void *self, const struct vg_view *v)
{
	struct detections_screen *s = self;
	const json_t *d;
	char line[512];
	long sel;

	if (!s->list || !json_array_size(s->list)) {
		const char *text = s->error[0]                     ? s->error
				   : !vg_console_connected(s->con) ? _("The agent is not reachable.")
				   : s->list                       ? _("No detection so far.")
								   : _("Asking the agent…");

		attrset(vg_ui_attr(s->error[0] ? VG_ROLE_ERROR : VG_ROLE_DIM));
		vg_ui_text(v->top + 1, 2, text, v->cols - 4);
		attrset(A_NORMAL);
		return;
	}
	/* The list, and the selected detection's rule and uid on the last line. */
	vg_list_draw(&s->rows, v->top, v->left, v->rows - 1, v->cols);
	sel = vg_list_selected(&s->rows);
	d = json_array_get(s->list, sel >= 0 ? (size_t)sel : 0);
	snprintf(line, sizeof(line), _("Rule %s, detection %s (vigilctl detection show shows its evidence)"),
		 vg_ui_str(d, "rule"), vg_ui_str(d, "uid"));
	attrset(vg_ui_attr(VG_ROLE_DIM));
	vg_ui_text_cut(v->top + v->rows - 1, 2, line, v->cols - 4);
	attrset(A_NORMAL);
}

const struct vg_screen_class vg_screen_detections = {
	.label = N_("Detections"),
	.title = N_("Detections"),
	.create = create,
	.destroy = destroy,
	.show = show,
	.draw = draw,
	.key = key,
	.stream = stream,
};
