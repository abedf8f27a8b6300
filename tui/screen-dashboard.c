/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The dashboard: is the host protected?  One row per part of the agent (the agent itself,
 * telemetry, the server link, isolation, tasks, IOC scans) with its state word in colour and
 * the numbers that matter, what is wrong in sentences under them, and history graphs of the
 * last minutes (events per second, the spool's depth, the events waiting to be sent) drawn
 * from the "status" answers the console asks for every few seconds while the dashboard is
 * shown.  Enter opens a part: every detail the agent gave, as labelled lines.  The words are
 * those of "vigilctl status" (common/present-status.c).
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "console.h"
#include "nls.h"
#include "present.h"

#define REFRESH_TICKS 2
#define SAMPLE_MS (REFRESH_TICKS * 1000)
#define HISTORY 300            /* ten minutes of samples, one every two seconds */
#define DETAIL_LINES (VG_PRESENT_MAX_ITEMS + 8)

enum { G_RATE, G_SPOOL, G_BACKLOG, G_COUNT };

struct dashboard {
	struct vg_console *con;
	json_t *status;           /* the last answer, kept while the agent is away */
	bool loading;
	int ticks;
	char error[VG_ERROR_MSG_SIZE];
	/* The parts as words, made again at each draw (the "3 s ago" move on). */
	struct vg_present_part parts[VG_PRESENT_MAX_PARTS];
	size_t nparts;
	int label_w, state_w;
	struct vg_list list;      /* one row per part */
	/* The selected part's details, over the whole body. */
	bool detail;
	char detail_name[32];
	struct vg_list detail_list;
	char detail_buf[DETAIL_LINES][768];
	char *detail_lines[DETAIL_LINES];
	struct vg_text_lines text;        /* over detail_lines */
	/* The history, oldest first from head: NAN where no sample was taken. */
	double history[G_COUNT][HISTORY];
	size_t head, count;
	uint64_t last_sample_ms;
	long long last_total;
	bool have_total;
};

static double *sample_at(struct dashboard *d, int g, size_t i)
{
	return &d->history[g][(d->head + i) % HISTORY];
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Appends one moment to each graph (NAN: unknown). */
static void push(struct dashboard *d, const double v[G_COUNT])
{
	size_t slot = (d->head + d->count) % HISTORY;

	for (int g = 0; g < G_COUNT; g++)
		d->history[g][slot] = v[g];
	if (d->count < HISTORY)
		d->count++;
	else
		d->head = (d->head + 1) % HISTORY;
}

/* A new status: one sample per graph.  The rate is the events counted since the last sample
 * over the time between them; moments missed while the dashboard was hidden or the agent away
 * stay empty in the graphs. */
static void sample(struct dashboard *d, const json_t *st)
{
	const json_t *tel = json_object_get(json_object_get(st, "sections"), "telemetry");
	const json_t *events = json_object_get(tel, "events"), *rates = json_object_get(tel, "rates_per_s");
	const json_t *spool = json_object_get(st, "spool");
	uint64_t now = now_ms();
	long long total = 0;
	double agent_rate = 0, v[G_COUNT];
	const char *key;
	json_t *n;

	json_object_foreach((json_t *)events, key, n)
		total += (long long)json_integer_value(n);
	json_object_foreach((json_t *)rates, key, n)
		agent_rate += json_number_value(n);
	if (d->last_sample_ms) {
		uint64_t gap = now - d->last_sample_ms;
		const double unknown[G_COUNT] = { NAN, NAN, NAN };

		for (uint64_t missed = gap / SAMPLE_MS; missed > 1 && missed < 2 * HISTORY; missed--)
			push(d, unknown);
	}
	if (d->have_total && d->last_sample_ms && now > d->last_sample_ms && total >= d->last_total)
		v[G_RATE] = (double)(total - d->last_total) * 1000.0 / (double)(now - d->last_sample_ms);
	else
		v[G_RATE] = agent_rate;
	v[G_SPOOL] = json_is_true(json_object_get(spool, "available")) ? json_number_value(json_object_get(spool, "events"))
									 : NAN;
	v[G_BACKLOG] = json_is_true(json_object_get(spool, "available"))
			       ? json_number_value(json_object_get(spool, "pending"))
			       : NAN;
	push(d, v);
	d->last_sample_ms = now;
	d->last_total = total;
	d->have_total = true;
}

/* ---- The parts ---- */

static void make_parts(struct dashboard *d)
{
	d->nparts = d->status ? vg_present_status(d->status, (int64_t)time(NULL), d->parts, VG_PRESENT_MAX_PARTS) : 0;
	d->label_w = d->state_w = 0;
	for (size_t i = 0; i < d->nparts; i++) {
		int lw = vg_ui_width(d->parts[i].label), sw = vg_ui_width(d->parts[i].state);

		d->label_w = lw > d->label_w ? lw : d->label_w;
		d->state_w = sw > d->state_w ? sw : d->state_w;
	}
}

static enum vg_role level_role(enum vg_level level)
{
	switch (level) {
	case VG_LEVEL_OK:
		return VG_ROLE_OK;
	case VG_LEVEL_WARN:
		return VG_ROLE_WARN;
	case VG_LEVEL_ERROR:
		return VG_ROLE_ERROR;
	default:
		return VG_ROLE_DIM;
	}
}

static const char *bullet(enum vg_level level)
{
	if (level == VG_LEVEL_OFF)
		return vg_ui_utf8() ? "○" : "o";
	return vg_ui_utf8() ? "●" : "*";
}

static size_t parts_count(void *ctx)
{
	struct dashboard *d = ctx;

	return d->nparts;
}

static void part_row(void *ctx, size_t i, int y, int x, int cols, bool selected)
{
	struct dashboard *d = ctx;
	const struct vg_present_part *p = &d->parts[i];
	attr_t normal = selected ? vg_ui_attr(VG_ROLE_SELECTED) : A_NORMAL;
	int col = x + 1;

	if (!selected)
		attrset(vg_ui_attr(level_role(p->level)));
	col += vg_ui_text(y, col, bullet(p->level), 1) + 1;
	attrset(normal | A_BOLD);
	vg_ui_text(y, col, p->label, d->label_w);
	col += d->label_w + 2;
	attrset(selected ? normal : vg_ui_attr(level_role(p->level)));
	vg_ui_text(y, col, p->state, d->state_w);
	col += d->state_w + 2;
	attrset(normal);
	if (col < x + cols)
		vg_ui_text_cut(y, col, p->summary, x + cols - col - 1);
}

static const char *part_text(void *ctx, size_t i, char *buf, size_t size)
{
	struct dashboard *d = ctx;

	snprintf(buf, size, "%s %s %s %s", d->parts[i].label, d->parts[i].state, d->parts[i].summary,
		 d->parts[i].problem);
	return buf;
}

static const struct vg_list_ops parts_ops = {
	.count = parts_count,
	.draw_row = part_row,
	.text = part_text,
};

/* ---- The detail of a part ---- */

static void make_detail(struct dashboard *d)
{
	const struct vg_present_part *p = NULL;
	int label_w = 0;
	char what[256];

	d->text.n = 0;
	for (size_t i = 0; i < d->nparts; i++)
		if (strcmp(d->parts[i].name, d->detail_name) == 0)
			p = &d->parts[i];
	if (!p)
		return;
	snprintf(what, sizeof(what), _("%s: %s"), p->label, p->state);
	snprintf(d->detail_buf[d->text.n++], sizeof(d->detail_buf[0]), "%s %s", bullet(p->level), what);
	if (p->summary[0])
		snprintf(d->detail_buf[d->text.n++], sizeof(d->detail_buf[0]), "  %s", p->summary);
	if (p->problem[0])
		snprintf(d->detail_buf[d->text.n++], sizeof(d->detail_buf[0]), "  %s", p->problem);
	snprintf(d->detail_buf[d->text.n++], sizeof(d->detail_buf[0]), "%s", "");
	label_w = vg_present_label_width(p->items, p->nitems);
	for (size_t i = 0; i < p->nitems && d->text.n < DETAIL_LINES; i++) {
		char label[160];

		snprintf(d->detail_buf[d->text.n++], sizeof(d->detail_buf[0]), "  %s %s",
			 vg_present_label(&p->items[i], label_w, label, sizeof(label)),
			 p->items[i].value[0] ? p->items[i].value : "-");
	}
	vg_list_changed(&d->detail_list);
}

/* ---- The screen ---- */

static void *create(struct vg_console *con)
{
	struct dashboard *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->con = con;
	vg_list_init(&d->list, &parts_ops, d);
	for (size_t i = 0; i < DETAIL_LINES; i++)
		d->detail_lines[i] = d->detail_buf[i];
	d->text = (struct vg_text_lines){ .lines = d->detail_lines, .heading = true };
	vg_list_init(&d->detail_list, &vg_text_lines_ops, &d->text);
	d->detail_list.viewer = true;
	return d;
}

static void destroy(void *self)
{
	struct dashboard *d = self;

	json_decref(d->status);
	vg_list_fini(&d->list);
	vg_list_fini(&d->detail_list);
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
	sample(d, result);
	make_parts(d);
	vg_list_changed(&d->list);
	if (d->detail)
		make_detail(d);
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

static void banner(int y, const struct vg_view *v, const char *text)
{
	attrset(vg_ui_attr(VG_ROLE_BANNER));
	vg_ui_fill(y, 1, v->cols - 2, vg_ui_attr(VG_ROLE_BANNER));
	vg_ui_text_cut(y, 2, text, v->cols - 4);
	attrset(A_NORMAL);
}

/* The problems of the parts, one line each (the whole sentence is in the part's detail). */
static int draw_problems(struct dashboard *d, int y, const struct vg_view *v, int max_rows)
{
	int used = 0;

	for (size_t i = 0; i < d->nparts && used < max_rows; i++) {
		char line[1400];

		if (!d->parts[i].problem[0])
			continue;
		snprintf(line, sizeof(line), _("%s: %s"), d->parts[i].label, d->parts[i].problem);
		attrset(vg_ui_attr(level_role(d->parts[i].level > VG_LEVEL_OK ? d->parts[i].level : VG_LEVEL_WARN)));
		vg_ui_text_cut(y + used, 3, line, v->cols - 5);
		attrset(A_NORMAL);
		used++;
	}
	return used;
}

/* The newest value of graph g, or NAN. */
static double newest(struct dashboard *d, int g)
{
	return d->count ? *sample_at(d, g, d->count - 1) : NAN;
}

static void draw_graphs(struct dashboard *d, int y, const struct vg_view *v, int rows_left)
{
	static const char *const labels[G_COUNT] = { N_("Events/s"), N_("Spool"), N_("To send") };
	double values[HISTORY];
	int label_w = 0, graph_h, value_w = 14, gx, gw;
	char title[256], span[64];

	for (int g = 0; g < G_COUNT; g++) {
		int w = vg_ui_width(_(labels[g]));

		label_w = w > label_w ? w : label_w;
	}
	gx = 3 + label_w + 2;
	gw = v->cols - gx - value_w - 2;
	if (rows_left < 1 + G_COUNT || gw < 10)
		return;
	graph_h = (rows_left - 1) / G_COUNT;
	graph_h = graph_h > 3 ? 3 : graph_h;
	vg_present_duration(span, sizeof(span), (int64_t)gw * SAMPLE_MS / 1000);
	/* TRANSLATORS: the heading of the dashboard's graphs: how far back they go, how often. */
	snprintf(title, sizeof(title), _("History: the last %s, one column every %d s"), span, SAMPLE_MS / 1000);
	attrset(vg_ui_attr(VG_ROLE_HEADING));
	vg_ui_text(y++, 1, title, v->cols - 2);
	attrset(A_NORMAL);
	for (int g = 0; g < G_COUNT; g++) {
		double now = newest(d, g), max = 0;
		char value[64], rate[32];

		for (size_t i = 0; i < d->count; i++) {
			values[i] = *sample_at(d, g, i);
			if (!isnan(values[i]) && values[i] > max)
				max = values[i];
		}
		attrset(A_BOLD);
		vg_ui_text(y + graph_h - 1, 3, _(labels[g]), label_w);
		attrset(vg_ui_attr(VG_ROLE_OK));
		vg_ui_graph(y, gx, graph_h, gw, values, d->count, max);
		attrset(A_NORMAL);
		if (isnan(now)) {
			snprintf(value, sizeof(value), "%s", "-");
		} else if (g == G_RATE) {
			vg_present_rate(rate, sizeof(rate), now);
			snprintf(value, sizeof(value), "%s", rate);
		} else {
			snprintf(value, sizeof(value), "%.0f", now);
		}
		vg_ui_text(y + graph_h - 1, gx + gw + 2, value, value_w);
		if (graph_h > 1) {
			attrset(vg_ui_attr(VG_ROLE_DIM));
			if (g == G_RATE)
				vg_present_rate(rate, sizeof(rate), max);
			else
				snprintf(rate, sizeof(rate), "%.0f", max);
			/* TRANSLATORS: the largest value in a graph, at its top. */
			snprintf(value, sizeof(value), _("max %s"), rate);
			vg_ui_text(y, gx + gw + 2, value, value_w);
			attrset(A_NORMAL);
		}
		y += graph_h;
	}
}

static void draw(void *self, const struct vg_view *v)
{
	struct dashboard *d = self;
	const char *refusal = vg_console_refusal(d->con);
	int y = v->top + 1, bottom = v->top + v->rows;
	const struct vg_present_part *iso = NULL;

	if (refusal) {
		char text[VG_ERROR_MSG_SIZE + 64];

		/* TRANSLATORS: the agent refused this user; r asks again. */
		snprintf(text, sizeof(text), _("%s (r: try again)"), refusal);
		banner(y, v, text);
		y += 2;
	} else if (!vg_console_connected(d->con)) {
		banner(y, v, _("The agent is not reachable: the host may not be protected. Reconnecting…"));
		y += 2;
	} else if (!d->status) {
		attrset(vg_ui_attr(d->error[0] ? VG_ROLE_ERROR : VG_ROLE_DIM));
		vg_ui_text(y, 2, d->error[0] ? d->error : _("Asking the agent…"), v->cols - 4);
		attrset(A_NORMAL);
		return;
	}
	if (!d->status)
		return;
	make_parts(d);
	for (size_t i = 0; i < d->nparts; i++)
		if (strcmp(d->parts[i].name, "isolation") == 0 && d->parts[i].level == VG_LEVEL_WARN)
			iso = &d->parts[i];
	if (iso) {
		char text[1024];

		snprintf(text, sizeof(text), "%s — %s", _("THIS HOST IS ISOLATED FROM THE NETWORK"), iso->summary);
		banner(y, v, text);
		y += 2;
	}
	if (d->detail) {
		make_detail(d);
		d->detail_list.empty = _("This part is no longer in the agent's status.");
		attrset(vg_ui_attr(VG_ROLE_DIM));
		vg_ui_text(bottom - 1, 2, _("Esc or Enter: back to the dashboard"), v->cols - 4);
		attrset(A_NORMAL);
		vg_list_draw(&d->detail_list, y, 0, bottom - 1 - y, v->cols);
		return;
	}
	vg_list_draw(&d->list, y, 0, (int)d->nparts, v->cols);
	y += (int)d->nparts;
	y += draw_problems(d, y, v, 3);
	y++;
	attrset(vg_ui_attr(VG_ROLE_DIM));
	vg_ui_text(bottom - 1, 2, _("Enter: every detail of the selected part"), v->cols - 4);
	attrset(A_NORMAL);
	draw_graphs(d, y, v, bottom - 2 - y);
}

static int key(void *self, const struct vg_key *k)
{
	struct dashboard *d = self;
	long sel;
	int r;

	if (d->detail) {
		if (k->action == VG_ACT_CANCEL || k->action == VG_ACT_ACTIVATE) {
			d->detail = false;
			return VG_KEY_HANDLED | VG_KEY_REDRAW;
		}
		return vg_list_key(&d->detail_list, k);
	}
	if ((r = vg_list_key(&d->list, k)))
		return r;
	if (k->action == VG_ACT_ACTIVATE && (sel = vg_list_selected(&d->list)) >= 0) {
		snprintf(d->detail_name, sizeof(d->detail_name), "%s", d->parts[sel].name);
		d->detail = true;
		vg_list_reset(&d->detail_list);
		make_detail(d);
		return VG_KEY_HANDLED | VG_KEY_REDRAW;
	}
	return VG_KEY_IGNORED;
}

static int click(void *self, int y, int x)
{
	struct dashboard *d = self;
	long sel;

	if (d->detail)
		return VG_KEY_IGNORED;
	switch (vg_list_click(&d->list, y, x)) {
	case VG_LIST_AGAIN:
		if ((sel = vg_list_selected(&d->list)) < 0)
			return VG_KEY_HANDLED;
		snprintf(d->detail_name, sizeof(d->detail_name), "%s", d->parts[sel].name);
		d->detail = true;
		vg_list_reset(&d->detail_list);
		make_detail(d);
		return VG_KEY_HANDLED | VG_KEY_REDRAW;
	case VG_LIST_SELECTED:
		return VG_KEY_HANDLED | VG_KEY_REDRAW;
	default:
		return VG_KEY_IGNORED;
	}
}

const struct vg_screen_class vg_screen_dashboard = {
	.label = N_("Dashboard"),
	.title = N_("Dashboard"),
	.create = create,
	.destroy = destroy,
	.show = show,
	.draw = draw,
	.key = key,
	.click = click,
	.tick = tick,
};
