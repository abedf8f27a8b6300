/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The IOC screen: IOC files chosen with the picker (ioc-picker.c), the options of the scan,
 * the scan itself (ioc.scan with "follow": the agent then sends its progress on the
 * "ioc.progress" stream to this connection, and answers with the result when the scan ends),
 * a progress bar with files, bytes, rate and time left, cancel (ioc.cancel), the results as a
 * tree (IOC -> indicator -> items) with the warnings, and the past scans (ioc.results).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ioc.h"
#include "nls.h"
#include "present.h"

#define MAX_LINES 20000
#define MAX_IOCS 256

struct tree_line {
	char *text;
	int ioc;                  /* the IOC it belongs to */
	bool head;                /* the IOC's own line (folds) */
	enum vg_role role;
};

struct ioc_screen {
	struct vg_console *con;
	struct vg_picker picker;
	/* The options, as typed in their form. */
	struct vg_form form;
	struct vg_ioc_options opt;
	/* The scan started from here. */
	bool running, cancelling, unavailable;
	json_int_t scan_id;
	json_t *progress;         /* the last ioc.progress message */
	char error[VG_ERROR_MSG_SIZE];
	/* The results shown: of the scan just run, or of a past one. */
	json_t *result;
	struct tree_line *lines;
	size_t nlines;
	bool folded[MAX_IOCS];
	struct vg_list tree;
	/* The past scans. */
	bool past_view, past_loading;
	json_t *past;
	struct vg_list past_rows;
};

static const char *state_text(const char *state);

static size_t tree_count(void *ctx)
{
	struct ioc_screen *s = ctx;

	return s->nlines;
}

static const char *tree_text(void *ctx, size_t i, char *buf, size_t size)
{
	struct ioc_screen *s = ctx;

	(void)buf;
	(void)size;
	return s->lines[i].text;
}

/* The title of the results (drawn by the screen: an error may follow it). */
static void tree_title(struct ioc_screen *s, int y, int x, int cols)
{
	char title[256], id[32];

	attrset(vg_ui_attr(VG_ROLE_HEADING));
	if (s->result) {
		snprintf(id, sizeof(id), "%" JSON_INTEGER_FORMAT, json_integer_value(json_object_get(s->result, "scan_id")));
		snprintf(title, sizeof(title), _("Results of scan %s (%s)"), id,
			 state_text(json_string_value(json_object_get(s->result, "state"))));
	} else {
		snprintf(title, sizeof(title), "%s", s->running ? _("Results: when the scan ends") : _("Results"));
	}
	vg_ui_text(y, x + 1, title, cols - 2);
	attrset(A_NORMAL);
}

static void tree_row(void *ctx, size_t i, int y, int x, int cols, bool selected)
{
	struct ioc_screen *s = ctx;

	if (!selected)
		attrset(vg_ui_attr(s->lines[i].role));
	vg_ui_text(y, x + 1, s->lines[i].text, cols - 2);
}

static const struct vg_list_ops tree_ops = {
	.count = tree_count,
	.draw_row = tree_row,
	.text = tree_text,
};

static size_t past_count(void *ctx)
{
	struct ioc_screen *s = ctx;

	return json_array_size(s->past);
}

static const char *past_text(void *ctx, size_t i, char *buf, size_t size)
{
	struct ioc_screen *s = ctx;
	json_t *e = json_array_get(s->past, i);
	char when[64], id[32], matched[32];

	vg_ui_time_of(when, sizeof(when), e, "started");
	snprintf(id, sizeof(id), "%" JSON_INTEGER_FORMAT, json_integer_value(json_object_get(e, "scan_id")));
	snprintf(matched, sizeof(matched), "%" JSON_INTEGER_FORMAT, json_integer_value(json_object_get(e, "matched")));
	snprintf(buf, size, _("scan %s  %s  %s  %s IOC matched"), id, when,
		 state_text(json_string_value(json_object_get(e, "state"))), matched);
	return buf;
}

static void past_heading(void *ctx, int y, int x, int cols)
{
	(void)ctx;
	attrset(vg_ui_attr(VG_ROLE_HEADING));
	vg_ui_text(y, x + 1, _("Past scans (Enter: its results)"), cols - 2);
}

static void past_row(void *ctx, size_t i, int y, int x, int cols, bool selected)
{
	char line[256];

	(void)selected;
	vg_ui_text(y, x + 1, past_text(ctx, i, line, sizeof(line)), cols - 2);
}

static const struct vg_list_ops past_ops = {
	.count = past_count,
	.draw_row = past_row,
	.draw_heading = past_heading,
	.text = past_text,
};

static void *create(struct vg_console *con)
{
	struct ioc_screen *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->con = con;
	vg_list_init(&s->tree, &tree_ops, s);
	vg_list_init(&s->past_rows, &past_ops, s);
	return s;
}

static void clear_lines(struct ioc_screen *s)
{
	for (size_t i = 0; i < s->nlines; i++)
		free(s->lines[i].text);
	free(s->lines);
	s->lines = NULL;
	s->nlines = 0;
}

static void destroy(void *self)
{
	struct ioc_screen *s = self;

	vg_picker_fini(&s->picker);
	vg_form_close(&s->form);
	vg_list_fini(&s->tree);
	vg_list_fini(&s->past_rows);
	clear_lines(s);
	json_decref(s->progress);
	json_decref(s->result);
	json_decref(s->past);
	free(s);
}

static void add(struct ioc_screen *s, int ioc, bool head, enum vg_role role, const char *text)
{
	struct tree_line *grown;

	if (s->nlines >= MAX_LINES || !(grown = realloc(s->lines, (s->nlines + 1) * sizeof(*s->lines))))
		return;
	s->lines = grown;
	if (!(s->lines[s->nlines].text = strdup(text)))
		return;
	s->lines[s->nlines].ioc = ioc;
	s->lines[s->nlines].head = head;
	s->lines[s->nlines].role = role;
	s->nlines++;
}

/* A scan's state, in words (the agent's are protocol words). */
static const char *state_text(const char *state)
{
	return vg_present_scan_state(state);
}

static const char *result_text(const char *r, enum vg_role *role)
{
	if (r && strcmp(r, "match") == 0) {
		*role = VG_ROLE_ERROR;
		return _("MATCH");
	}
	if (r && strcmp(r, "no-match") == 0) {
		*role = VG_ROLE_OK;
		return _("no match");
	}
	*role = VG_ROLE_WARN;
	return _("unknown");
}

/* One item of a match: its document and what identifies the object. */
static void item_text(char *buf, size_t size, json_t *it)
{
	size_t used = (size_t)snprintf(buf, size, "%s", json_string_value(json_object_get(it, "document")) ?: "?");
	const char *key;
	json_t *v;

	json_object_foreach(it, key, v) {
		char one[512];
		int w;

		if (strcmp(key, "document") == 0 || used >= size)
			continue;
		vg_ui_json_text(one, sizeof(one), v);
		w = snprintf(buf + used, size - used, " %s=%s", key, one);
		if (w < 0)
			break;
		used += (size_t)w;
	}
}

/* The tree: IOC -> indicator -> items, then the IOC's warnings; the files not hashed after. */
static void rebuild(struct ioc_screen *s)
{
	const bool utf8 = vg_ui_utf8();
	json_t *ioc, *m, *it, *w;
	size_t i, k, n;
	char buf[2048], item[1536];

	clear_lines(s);
	json_array_foreach(json_object_get(s->result, "iocs"), i, ioc) {
		int idx = i < MAX_IOCS ? (int)i : MAX_IOCS - 1;
		enum vg_role role;
		const char *res = result_text(json_string_value(json_object_get(ioc, "result")), &role);
		size_t nm = json_array_size(json_object_get(ioc, "matches"));
		size_t nw = json_array_size(json_object_get(ioc, "warnings"));

		snprintf(buf, sizeof(buf), "%s %s (%s): %s", s->folded[idx] ? (utf8 ? "▸" : "+") : (utf8 ? "▾" : "-"),
			 json_string_value(json_object_get(ioc, "file")) ?: "?",
			 json_string_value(json_object_get(ioc, "id")) ?: "?", res);
		add(s, idx, true, role, buf);
		if (s->folded[idx])
			continue;
		json_array_foreach(json_object_get(ioc, "matches"), k, m) {
			snprintf(buf, sizeof(buf), _("    indicator %s"), json_string_value(json_object_get(m, "indicator")) ?: "?");
			add(s, idx, false, VG_ROLE_NORMAL, buf);
			json_array_foreach(json_object_get(m, "items"), n, it) {
				item_text(item, sizeof(item), it);
				snprintf(buf, sizeof(buf), "        %s", item);
				add(s, idx, false, VG_ROLE_NORMAL, buf);
			}
		}
		json_array_foreach(json_object_get(ioc, "warnings"), k, w) {
			snprintf(buf, sizeof(buf), _("    warning: %s"), json_string_value(w) ?: "?");
			add(s, idx, false, VG_ROLE_WARN, buf);
		}
		if (!nm && !nw)
			add(s, idx, false, VG_ROLE_DIM, _("    nothing found"));
	}
	json_array_foreach(json_object_get(s->result, "skipped"), i, w) {
		const char *reason = json_string_value(json_object_get(w, "reason"));

		/* The agent's reasons are N_() strings of the library: the catalog has them. */
		snprintf(buf, sizeof(buf), _("not hashed: %s (%s)"), json_string_value(json_object_get(w, "path")) ?: "?",
			 reason ? _(reason) : "?");
		add(s, -1, false, VG_ROLE_DIM, buf);
	}
	vg_list_changed(&s->tree);
}

static void set_result(struct ioc_screen *s, json_t *result)
{
	json_decref(s->result);
	s->result = json_incref(result);
	memset(s->folded, 0, sizeof(s->folded));
	vg_list_reset(&s->tree);
	rebuild(s);
}

static void on_past(void *ctx, json_t *result, const struct vg_error *err)
{
	struct ioc_screen *s = ctx;

	s->past_loading = false;
	if (err) {
		s->unavailable = vg_console_unavailable(err);
		if (!s->unavailable && err->code != -ECONNRESET)
			vg_error_text(err, s->error, sizeof(s->error));
		return;
	}
	s->unavailable = false;
	json_decref(s->past);
	s->past = json_is_array(result) ? json_incref(result) : json_array();
	vg_list_changed(&s->past_rows);
}

static void reload_past(struct ioc_screen *s)
{
	if (!s->past_loading && vg_console_request(s->con, VG_CMD_IOC_RESULTS, NULL, on_past, s) == 0)
		s->past_loading = true;
}

static void show(void *self)
{
	reload_past(self);
}

static void on_scan(void *ctx, json_t *result, const struct vg_error *err)
{
	struct ioc_screen *s = ctx;
	char msg[VG_ERROR_MSG_SIZE + 64], id[32];

	s->running = false;
	s->cancelling = false;
	if (err) {
		if (err->code == -EPERM || err->code == -EACCES)
			vg_console_read_only_message(s->con);
		else
			vg_console_message(s->con, true, vg_error_text(err, msg, sizeof(msg)));
		return;
	}
	set_result(s, result);
	s->past_view = false;
	snprintf(id, sizeof(id), "%" JSON_INTEGER_FORMAT, json_integer_value(json_object_get(result, "scan_id")));
	snprintf(msg, sizeof(msg), _("Scan %s ended: %s."), id, state_text(json_string_value(json_object_get(result, "state"))));
	vg_console_message(s->con, false, msg);
	reload_past(s);
}

static void stream(void *self, const char *name, json_t *data)
{
	struct ioc_screen *s = self;
	json_int_t id = json_integer_value(json_object_get(data, "scan_id"));

	/* Only the scan started here: its first message names it. */
	if (strcmp(name, "ioc.progress") != 0 || !s->running || (s->scan_id && id != s->scan_id))
		return;
	s->scan_id = id;
	json_decref(s->progress);
	s->progress = json_deep_copy(data);
}

static void start(struct ioc_screen *s)
{
	char msg[VG_ERROR_MSG_SIZE + PATH_MAX];
	json_t *args;

	if (vg_console_read_only(s->con)) {
		vg_console_read_only_message(s->con);
		return;
	}
	if (s->running) {
		vg_console_message(s->con, true, _("A scan is running: wait for it or cancel it (c)."));
		return;
	}
	if (!s->picker.nchosen) {
		vg_console_message(s->con, true, _("Choose the IOC files first (f)."));
		return;
	}
	if (!(args = vg_ioc_scan_args(&s->picker, &s->opt, msg, sizeof(msg)))) {
		vg_console_message(s->con, true, msg);
		return;
	}
	if (vg_console_request_lasting(s->con, VG_CMD_IOC_SCAN, args, on_scan, s) < 0) {
		vg_console_message(s->con, true, _("The agent is not reachable."));
		return;
	}
	s->running = true;
	s->cancelling = false;
	s->scan_id = 0;
	json_decref(s->progress);
	s->progress = NULL;
	json_decref(s->result);
	s->result = NULL;
	clear_lines(s);
	vg_list_changed(&s->tree);
	s->past_view = false;
	vg_console_message(s->con, false, _("Scan started."));
}

static void on_cancel(void *ctx, json_t *result, const struct vg_error *err)
{
	struct ioc_screen *s = ctx;
	char msg[VG_ERROR_MSG_SIZE];

	(void)result;
	if (err) {
		s->cancelling = false;
		if (err->code == -EPERM || err->code == -EACCES)
			vg_console_read_only_message(s->con);
		else
			vg_console_message(s->con, true, vg_error_text(err, msg, sizeof(msg)));
	}
}

static void cancel(struct ioc_screen *s)
{
	if (vg_console_read_only(s->con)) {
		vg_console_read_only_message(s->con);
		return;
	}
	if (!s->running) {
		vg_console_message(s->con, true, _("No scan started here is running."));
		return;
	}
	if (vg_console_request(s->con, VG_CMD_IOC_CANCEL, s->scan_id ? json_pack("{s:I}", "scan_id", s->scan_id) : NULL,
			       on_cancel, s) == 0) {
		s->cancelling = true;
		vg_console_message(s->con, false, _("Cancelling the scan…"));
	}
}

static void options_submit(void *ctx, struct vg_form *f)
{
	struct ioc_screen *s = ctx;
	char msg[256];

	if (vg_ioc_skip_args(vg_form_value(f, 2), NULL, msg, sizeof(msg)) < 0) {
		vg_form_error(f, "%s", msg);
		return;
	}
	if (vg_form_value(f, 3)[0] && vg_ioc_parse_size(vg_form_value(f, 3)) < 0) {
		vg_form_error(f, "%s", _("The hash limit is a size such as 200M or 1G."));
		return;
	}
	snprintf(s->opt.paths, sizeof(s->opt.paths), "%s", vg_form_value(f, 0));
	snprintf(s->opt.excludes, sizeof(s->opt.excludes), "%s", vg_form_value(f, 1));
	snprintf(s->opt.skip, sizeof(s->opt.skip), "%s", vg_form_value(f, 2));
	snprintf(s->opt.hash_limit, sizeof(s->opt.hash_limit), "%s", vg_form_value(f, 3));
	vg_form_close(f);
}

static void open_options(struct ioc_screen *s)
{
	vg_form_open(&s->form, _(" Options of the scan "), options_submit, s);
	vg_form_add(&s->form, N_("Paths"), s->opt.paths, false);
	vg_form_add(&s->form, N_("Excludes"), s->opt.excludes, false);
	vg_form_add(&s->form, N_("Skip"), s->opt.skip, false);
	vg_form_add(&s->form, N_("Hash limit"), s->opt.hash_limit, false);
	snprintf(s->form.note, sizeof(s->form.note), "%s",
		 _("Lists separated by commas. Skip: processes, ports, files, system. Hash limit: 200M, 1G."));
}

static void on_one_result(void *ctx, json_t *result, const struct vg_error *err)
{
	struct ioc_screen *s = ctx;
	char msg[VG_ERROR_MSG_SIZE];

	if (err) {
		if (err->code != -ECONNRESET)
			vg_console_message(s->con, true, vg_error_text(err, msg, sizeof(msg)));
		return;
	}
	set_result(s, result);
	s->past_view = false;
}

static void fold(struct ioc_screen *s)
{
	long sel = vg_list_selected(&s->tree);
	int ioc;

	if (sel < 0 || (size_t)sel >= s->nlines || (ioc = s->lines[sel].ioc) < 0)
		return;
	s->folded[ioc] = !s->folded[ioc];
	rebuild(s);
	/* The selection stays on the IOC that folded. */
	for (size_t i = 0; i < s->nlines; i++)
		if (s->lines[i].head && s->lines[i].ioc == ioc)
			vg_list_select(&s->tree, i);
}

static void open_past(struct ioc_screen *s)
{
	long sel = vg_list_selected(&s->past_rows);
	json_t *e = sel < 0 ? NULL : json_array_get(s->past, (size_t)sel);

	if (e && vg_console_request(s->con, VG_CMD_IOC_RESULTS, json_pack("{s:O}", "scan_id", json_object_get(e, "scan_id")),
				    on_one_result, s) < 0)
		vg_console_message(s->con, true, _("The agent is not reachable."));
}

static int key(void *self, const struct vg_key *k)
{
	struct ioc_screen *s = self;
	int r;

	if (s->picker.open)
		return vg_picker_key(&s->picker, k);
	if (s->form.open)
		return vg_form_key(&s->form, k);
	if ((r = vg_list_key(s->past_view ? &s->past_rows : &s->tree, k)))
		return r;
	if (k->action == VG_ACT_COMMAND) {
		switch (k->arg) {
		case VG_UI_FILES:
			vg_picker_open(&s->picker);
			break;
		case VG_UI_OPTIONS:
			open_options(s);
			break;
		case VG_UI_START:
			start(s);
			break;
		case VG_UI_CANCEL:
			cancel(s);
			break;
		case VG_UI_PAST:
			s->past_view = !s->past_view;
			if (s->past_view)
				reload_past(s);
			break;
		default:
			break;
		}
		return VG_KEY_HANDLED | VG_KEY_REDRAW;
	}
	if (s->past_view && k->action == VG_ACT_ACTIVATE) {
		open_past(s);
		return VG_KEY_HANDLED | VG_KEY_REDRAW;
	}
	if (!s->past_view && (k->action == VG_ACT_ACTIVATE || k->action == VG_ACT_TOGGLE)) {
		fold(s);
		return VG_KEY_HANDLED | VG_KEY_REDRAW;
	}
	return VG_KEY_IGNORED;
}

static void mib(char *buf, size_t size, double bytes)
{
	snprintf(buf, size, "%.1f", bytes / 1048576.0);
}

/* The progress of the running scan, or of the last one, in two rows. */
static void draw_progress(struct ioc_screen *s, int y, int cols)
{
	json_t *p = s->progress ? s->progress : json_object_get(s->result, "stats");
	const char *state = s->progress ? json_string_value(json_object_get(s->progress, "state"))
					: json_string_value(json_object_get(s->result, "state"));
	long long seen = json_integer_value(json_object_get(p, "files_seen"));
	long long total = json_integer_value(json_object_get(p, "files_total"));
	double bytes = (double)json_integer_value(json_object_get(p, "bytes_read"));
	double el = (double)json_integer_value(json_object_get(p, s->progress ? "elapsed_ms" : "duration_ms")) / 1000.0;
	bool done = state && strcmp(state, "done") == 0;
	int pct = done ? 100 : total > 0 ? (int)(seen * 100 / total) : 0, barw = cols - 14;
	char line[1024], a[64], b[32], c[32], d[64], e[32], f[32];

	if (!s->running && !s->progress && !s->result) {
		attrset(vg_ui_attr(VG_ROLE_DIM));
		vg_ui_text(y, 1, _("No scan running. s: start   p: past scans"), cols - 2);
		attrset(A_NORMAL);
		return;
	}
	if (!done && pct > 99)
		pct = 99;
	/* The bar: exact when the agent counted the files; a moving block until then. */
	attrset(vg_ui_attr(done ? VG_ROLE_OK : VG_ROLE_HEADING));
	vg_ui_text(y, 1, "[", 1);
	for (int i = 0; i < barw; i++) {
		bool on = total > 0 || done ? i < barw * pct / 100
					     : s->running && (i + (int)(time(NULL) % barw)) % barw < barw / 8;

		vg_ui_text(y, 2 + i, on ? (vg_ui_utf8() ? "█" : "#") : (vg_ui_utf8() ? "·" : "."), 1);
	}
	vg_ui_text(y, 2 + barw, "]", 1);
	snprintf(line, sizeof(line), "%3d %%", pct);
	vg_ui_text(y, 4 + barw, line, 6);
	attrset(A_NORMAL);
	snprintf(a, sizeof(a), "%lld", seen);
	snprintf(b, sizeof(b), "%lld", total);
	mib(c, sizeof(c), bytes);
	mib(e, sizeof(e), el > 0 ? bytes / el : bytes);
	vg_ui_duration(f, sizeof(f), (long long)el);
	if (!done && total > 0 && seen > 0 && seen <= total)
		vg_ui_duration(d, sizeof(d), (long long)(el * (double)(total - seen) / (double)seen));
	else
		snprintf(d, sizeof(d), "-");
	/* The total is known only once the agent has counted the files. */
	if (total > 0) {
		size_t l = strlen(a);

		snprintf(a + l, sizeof(a) - l, "/%s", b);
	}
	/* Before a hashing walk the agent counts the files: how many so far, while the block moves. */
	if (s->running && !s->cancelling && strcmp(vg_ui_str(p, "phase"), "counting") == 0)
		snprintf(line, sizeof(line), _("counting the files: %lld so far, %s elapsed"),
			 (long long)json_integer_value(json_object_get(p, "files_counted")), f);
	else
		snprintf(line, sizeof(line), _("%s: files %s, %s MiB, %s MiB/s, %s elapsed, %s left  %s"),
			 s->cancelling ? _("cancelling") : s->running ? _("running") : state_text(state), a, c, e, f, d,
			 s->running ? json_string_value(json_object_get(p, "current")) ?: "" : "");
	vg_ui_text(y + 1, 1, line, cols - 2);
}

static void draw(void *self, const struct vg_view *v)
{
	struct ioc_screen *s = self;
	char buf[2048];

	if (s->picker.open) {
		vg_picker_draw(&s->picker, v);
		return;
	}
	if (s->unavailable) {
		attrset(vg_ui_attr(VG_ROLE_WARN));
		vg_ui_text(v->top + 1, 2, _("IOC scans are not available in this agent."), v->cols - 4);
		attrset(A_NORMAL);
		return;
	}
	vg_picker_summary(&s->picker, buf, sizeof(buf));
	vg_ui_text(v->top, 1, buf, v->cols - 2);
	snprintf(buf, sizeof(buf), _("Options: paths %s; excludes %s; skip %s; hash limit %s (o: change)"),
		 s->opt.paths[0] ? s->opt.paths : _("the default"), s->opt.excludes[0] ? s->opt.excludes : "-",
		 s->opt.skip[0] ? s->opt.skip : "-", s->opt.hash_limit[0] ? s->opt.hash_limit : _("the agent's"));
	attrset(vg_ui_attr(VG_ROLE_DIM));
	vg_ui_text(v->top + 1, 1, buf, v->cols - 2);
	attrset(A_NORMAL);
	draw_progress(s, v->top + 2, v->cols);
	attrset(vg_ui_attr(VG_ROLE_DIM));
	vg_ui_hline(v->top + 4, 0, v->cols);
	vg_ui_text(v->top + 4, 2, _(" f: files   o: options   s: start   c: cancel   p: past scans "), v->cols - 4);
	attrset(A_NORMAL);
	if (s->error[0]) {
		attrset(vg_ui_attr(VG_ROLE_ERROR));
		vg_ui_text(v->top + 5, 2, s->error, v->cols - 4);
		attrset(A_NORMAL);
	} else if (s->past_view) {
		s->past_rows.empty = s->past ? _("No scan yet.") : _("Asking the agent…");
		vg_list_draw(&s->past_rows, v->top + 5, v->left, v->rows - 5, v->cols);
	} else {
		int y = v->top + 5;

		tree_title(s, y++, v->left, v->cols);
		/* A scan that failed: its error under the title. */
		if (json_is_string(json_object_get(s->result, "error"))) {
			attrset(vg_ui_attr(VG_ROLE_ERROR));
			vg_ui_text(y++, 2, vg_ui_str(s->result, "error"), v->cols - 4);
			attrset(A_NORMAL);
		}
		vg_list_draw(&s->tree, y, v->left, v->top + v->rows - y, v->cols);
	}
	vg_form_draw(&s->form, v);
}

/* A click selects a row; a click on the selected row opens it (as Enter). */
static int click(void *self, int y, int x)
{
	struct ioc_screen *s = self;
	struct vg_key enter = { .action = VG_ACT_ACTIVATE };

	if (s->picker.open)
		return vg_picker_click(&s->picker, y, x);
	if (s->form.open)
		return vg_form_click(&s->form, y, x);
	switch (vg_list_click(s->past_view ? &s->past_rows : &s->tree, y, x)) {
	case VG_LIST_AGAIN:
		return key(s, &enter);
	case VG_LIST_SELECTED:
		return VG_KEY_HANDLED | VG_KEY_REDRAW;
	default:
		return VG_KEY_IGNORED;
	}
}

static void tick(void *self)
{
	struct ioc_screen *s = self;

	/* The moving block of a scan that has not counted its files yet. */
	if (s->running)
		vg_console_redraw(s->con);
}

const struct vg_screen_class vg_screen_ioc = {
	.label = N_("IOC"),
	.title = N_("IOC scans"),
	.create = create,
	.destroy = destroy,
	.show = show,
	.draw = draw,
	.key = key,
	.click = click,
	.tick = tick,
	.stream = stream,
};
