/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The telemetry exclusions: the list (telemetry.exclusion.list), a form to add one whose
 * conditions are AND-ed (telemetry.exclusion.add), and removal after a confirmation.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "nls.h"

/* The form's fields, in order, and the agent's names for them. */
static const struct {
	const char *label;
	const char *key;
} fields[] = {
	{ N_("Executable (glob)"), "exe" },     { N_("Command line (glob)"), "cmdline" },
	{ N_("User"), "user" },                 { N_("SHA-256"), "sha256" },
	{ N_("Type (process, network, file)"), "type" }, { N_("Remote IP"), "remote_ip" },
	{ N_("Remote port"), "remote_port" },   { N_("Path prefix"), "path_prefix" },
	{ N_("Comment"), "comment" },
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

enum { F_NONE, F_ADD, F_REMOVE };

struct exclusions_screen {
	struct vg_console *con;
	json_t *list;
	struct vg_list rows;
	bool loading, unavailable;
	char error[VG_ERROR_MSG_SIZE];
	struct vg_form form;
	int kind;
	json_int_t remove_id;
};

/* The conditions of one exclusion, "exe=/usr/bin/x AND user=root". */
static void conditions(const json_t *e, char *buf, size_t size)
{
	size_t len;

	buf[0] = '\0';
	for (size_t i = 0; i + 1 < NFIELDS; i++) {
		const json_t *v = json_object_get(e, fields[i].key);
		char text[512];

		if (!v)
			continue;
		vg_ui_json_text(text, sizeof(text), v);
		len = strlen(buf);
		snprintf(buf + len, size - len, "%s%s=%s", len ? _(" AND ") : "", fields[i].key, text);
	}
}

static size_t count(void *ctx)
{
	struct exclusions_screen *s = ctx;

	return json_array_size(s->list);
}

static const char *row_text(void *ctx, size_t item, char *buf, size_t size)
{
	struct exclusions_screen *s = ctx;
	const json_t *e = json_array_get(s->list, item);
	size_t len;

	conditions(e, buf, size);
	len = strlen(buf);
	snprintf(buf + len, size - len, " %s", vg_ui_str(e, "comment"));
	return buf;
}

static void draw_heading(void *ctx, int y, int x, int cols)
{
	(void)ctx;
	attrset(vg_ui_attr(VG_ROLE_HEADING));
	vg_ui_fill(y, x, cols, vg_ui_attr(VG_ROLE_HEADING));
	vg_ui_text(y, x + 1, _("No."), 5);
	vg_ui_text(y, x + 7, _("Conditions (all must match)"), cols / 2);
	vg_ui_text(y, x + 8 + cols / 2, _("Comment"), cols / 2 - 9);
}

static void draw_row(void *ctx, size_t item, int y, int x, int cols, bool selected)
{
	struct exclusions_screen *s = ctx;
	const json_t *e = json_array_get(s->list, item);
	char buf[2048], id[32];

	(void)selected;
	snprintf(id, sizeof(id), "%" JSON_INTEGER_FORMAT, json_integer_value(json_object_get(e, "id")));
	conditions(e, buf, sizeof(buf));
	vg_ui_text(y, x + 1, id, 5);
	vg_ui_text(y, x + 7, buf, cols / 2);
	vg_ui_text(y, x + 8 + cols / 2, vg_ui_str(e, "comment"), cols / 2 - 9);
}

static const struct vg_list_ops rows_ops = {
	.count = count,
	.draw_row = draw_row,
	.draw_heading = draw_heading,
	.text = row_text,
};

static void *create(struct vg_console *con)
{
	struct exclusions_screen *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->con = con;
	vg_list_init(&s->rows, &rows_ops, s);
	return s;
}

static void destroy(void *self)
{
	struct exclusions_screen *s = self;

	json_decref(s->list);
	vg_list_fini(&s->rows);
	vg_form_close(&s->form);
	free(s);
}

static void on_list(void *ctx, json_t *result, const struct vg_error *err)
{
	struct exclusions_screen *s = ctx;

	s->loading = false;
	if (err) {
		s->unavailable = vg_console_unavailable(err);
		vg_error_text(err, s->error, sizeof(s->error));
		return;
	}
	if (!json_is_array(result))
		return;
	s->error[0] = '\0';
	json_decref(s->list);
	s->list = json_incref(result);
	vg_list_changed(&s->rows);
}

static void show(void *self)
{
	struct exclusions_screen *s = self;

	if (!s->loading && vg_console_request(s->con, VG_CMD_TELEMETRY_EXCLUSION_LIST, NULL, on_list, s) == 0)
		s->loading = true;
}

static void on_change(void *ctx, json_t *result, const struct vg_error *err)
{
	struct exclusions_screen *s = ctx;

	(void)result;
	s->form.busy = false;
	if (err) {
		vg_error_text(err, s->form.error, sizeof(s->form.error));
		vg_console_redraw(s->con);
		return;
	}
	vg_form_close(&s->form);
	s->kind = F_NONE;
	vg_console_message(s->con, false, _("Done."));
	show(s);
}

static void submit(void *ctx, struct vg_form *f)
{
	struct exclusions_screen *s = ctx;
	json_t *args;
	int r;

	if (s->kind == F_REMOVE) {
		args = json_pack("{s:I}", "id", s->remove_id);
		r = vg_console_request(s->con, VG_CMD_TELEMETRY_EXCLUSION_REMOVE, args, on_change, s);
	} else {
		args = json_object();
		for (size_t i = 0; i < NFIELDS; i++) {
			const char *v = vg_form_value(f, (int)i);

			if (!v[0])
				continue;
			if (strcmp(fields[i].key, "remote_port") == 0) {
				char *end;
				long port;

				errno = 0;
				port = strtol(v, &end, 10);
				if (errno || *end || port < 1 || port > 65535) {
					json_decref(args);
					vg_form_error(f, "%s", _("The remote port is a number from 1 to 65535."));
					return;
				}
				json_object_set_new(args, "remote_port", json_integer(port));
			} else {
				json_object_set_new(args, fields[i].key, json_string(v));
			}
		}
		r = vg_console_request(s->con, VG_CMD_TELEMETRY_EXCLUSION_ADD, args, on_change, s);
	}
	if (r == 0)
		f->busy = true;
	else
		vg_form_error(f, "%s", _("The agent is not reachable."));
}

static int key(void *self, const struct vg_key *k)
{
	struct exclusions_screen *s = self;
	long sel;
	char title[256], id[32];
	int r;

	if (s->form.open)
		return vg_form_key(&s->form, k);
	if ((r = vg_list_key(&s->rows, k)))
		return r;
	if (k->action == VG_ACT_RELOAD) {
		show(s);
		return VG_KEY_HANDLED | VG_KEY_REDRAW;
	}
	if (k->action != VG_ACT_COMMAND || (k->arg != VG_UI_ADD && k->arg != VG_UI_REMOVE))
		return VG_KEY_IGNORED;
	if (vg_console_read_only(s->con)) {
		vg_console_read_only_message(s->con);
		return VG_KEY_HANDLED | VG_KEY_REDRAW;
	}
	if (k->arg == VG_UI_ADD) {
		s->kind = F_ADD;
		vg_form_open(&s->form, _(" Add a telemetry exclusion "), submit, s);
		for (size_t i = 0; i < NFIELDS; i++)
			vg_form_add(&s->form, fields[i].label, "", false);
		snprintf(s->form.note, sizeof(s->form.note), "%s",
			 _("An event is left out when it meets every condition filled in."));
	} else if ((sel = vg_list_selected(&s->rows)) >= 0) {
		s->kind = F_REMOVE;
		s->remove_id = json_integer_value(json_object_get(json_array_get(s->list, (size_t)sel), "id"));
		snprintf(id, sizeof(id), "%" JSON_INTEGER_FORMAT, s->remove_id);
		snprintf(title, sizeof(title), _(" Remove exclusion %s? Enter: yes, Esc: no "), id);
		vg_form_open(&s->form, title, submit, s);
	}
	return VG_KEY_HANDLED | VG_KEY_REDRAW;
}

static void draw(void *self, const struct vg_view *v)
{
	struct exclusions_screen *s = self;

	if (!s->list || !json_array_size(s->list)) {
		const char *text = s->unavailable                  ? _("Telemetry exclusions are not available in this agent.")
				   : s->error[0]                   ? s->error
				   : !vg_console_connected(s->con) ? _("The agent is not reachable.")
				   : s->list                       ? _("No exclusion: press a to add one.")
								   : _("Asking the agent…");

		attrset(vg_ui_attr(s->error[0] ? VG_ROLE_WARN : VG_ROLE_DIM));
		vg_ui_text(v->top + 1, 2, text, v->cols - 4);
		attrset(A_NORMAL);
	} else {
		vg_list_draw(&s->rows, v->top, v->left, v->rows - 1, v->cols);
	}
	vg_form_draw(&s->form, v);
}

static int click(void *self, int y, int x)
{
	struct exclusions_screen *s = self;

	if (s->form.open)
		return vg_form_click(&s->form, y, x);
	return vg_list_click(&s->rows, y, x) == VG_LIST_MISS ? VG_KEY_IGNORED : VG_KEY_HANDLED | VG_KEY_REDRAW;
}

const struct vg_screen_class vg_screen_exclusions = {
	.label = N_("Exclusions"),
	.title = N_("Telemetry exclusions"),
	.create = create,
	.destroy = destroy,
	.show = show,
	.draw = draw,
	.key = key,
	.click = click,
};
