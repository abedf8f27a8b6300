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
	bool loading, unavailable;
	char error[VG_ERROR_MSG_SIZE];
	int sel, scroll, page;
	struct vg_form form;
	int kind;
	json_int_t remove_id;
};

static void *create(struct vg_console *con)
{
	struct exclusions_screen *s = calloc(1, sizeof(*s));

	if (s)
		s->con = con;
	return s;
}

static void destroy(void *self)
{
	struct exclusions_screen *s = self;

	json_decref(s->list);
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

static void submit(struct exclusions_screen *s)
{
	json_t *args;
	int r;

	s->form.error[0] = '\0';
	if (s->kind == F_REMOVE) {
		args = json_pack("{s:I}", "id", s->remove_id);
		r = vg_console_request(s->con, VG_CMD_TELEMETRY_EXCLUSION_REMOVE, args, on_change, s);
	} else {
		args = json_object();
		for (size_t i = 0; i < NFIELDS; i++) {
			const char *v = s->form.fields[i].value;

			if (!v[0])
				continue;
			if (strcmp(fields[i].key, "remote_port") == 0) {
				char *end;
				long port;

				errno = 0;
				port = strtol(v, &end, 10);
				if (errno || *end || port < 1 || port > 65535) {
					json_decref(args);
					snprintf(s->form.error, sizeof(s->form.error), "%s",
						 _("The remote port is a number from 1 to 65535."));
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
		s->form.busy = true;
	else
		snprintf(s->form.error, sizeof(s->form.error), "%s", _("The agent is not reachable."));
}

static int key(void *self, const struct vg_key *k)
{
	struct exclusions_screen *s = self;
	size_t n = json_array_size(s->list);
	char title[256], id[32];
	int moved;

	if (s->form.open) {
		switch (vg_form_key(&s->form, k)) {
		case VG_FORM_SUBMIT:
			submit(s);
			break;
		case VG_FORM_CANCEL:
			vg_form_close(&s->form);
			s->kind = F_NONE;
			break;
		case VG_FORM_NONE:
			return VG_KEY_HANDLED;
		default:
			break;
		}
		return VG_KEY_HANDLED | VG_KEY_REDRAW;
	}
	if (k->action == VG_ACT_COMMAND && (k->arg == VG_UI_ADD || k->arg == VG_UI_REMOVE)) {
		if (vg_console_read_only(s->con)) {
			vg_console_read_only_message(s->con);
			return VG_KEY_HANDLED | VG_KEY_REDRAW;
		}
		if (k->arg == VG_UI_ADD) {
			s->kind = F_ADD;
			vg_form_open(&s->form, _(" Add a telemetry exclusion "));
			for (size_t i = 0; i < NFIELDS; i++)
				vg_form_add(&s->form, fields[i].label, "", false);
			snprintf(s->form.note, sizeof(s->form.note), "%s",
				 _("An event is left out when it meets every condition filled in."));
		} else if ((size_t)s->sel < n) {
			s->kind = F_REMOVE;
			s->remove_id = json_integer_value(json_object_get(json_array_get(s->list, (size_t)s->sel), "id"));
			snprintf(id, sizeof(id), "%" JSON_INTEGER_FORMAT, s->remove_id);
			snprintf(title, sizeof(title), _(" Remove exclusion %s? Enter: yes, Esc: no "), id);
			vg_form_open(&s->form, title);
		}
		return VG_KEY_HANDLED | VG_KEY_REDRAW;
	}
	if (k->action == VG_ACT_RELOAD) {
		show(s);
		return VG_KEY_HANDLED | VG_KEY_REDRAW;
	}
	moved = vg_ui_move(s->sel, (int)n, k, s->page);
	if (moved < 0)
		return VG_KEY_IGNORED;
	s->sel = moved;
	return VG_KEY_HANDLED | VG_KEY_REDRAW;
}

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

static void draw(void *self, const struct vg_view *v)
{
	struct exclusions_screen *s = self;
	int n = (int)json_array_size(s->list);
	char buf[2048], id[32];

	if (!s->list || n == 0) {
		const char *text = s->unavailable                  ? _("Telemetry exclusions are not available in this agent.")
				   : s->error[0]                   ? s->error
				   : !vg_console_connected(s->con) ? _("The agent is not reachable.")
				   : s->list                       ? _("No exclusion: press a to add one.")
								   : _("Asking the agent…");

		attrset(vg_ui_attr(s->error[0] ? VG_ROLE_WARN : VG_ROLE_DIM));
		vg_ui_text(v->top + 1, 2, text, v->cols - 4);
		attrset(A_NORMAL);
		goto form;
	}
	s->page = v->rows > 2 ? v->rows - 2 : 1;
	if (s->sel >= n)
		s->sel = n - 1;
	if (s->sel < s->scroll)
		s->scroll = s->sel;
	if (s->sel >= s->scroll + s->page)
		s->scroll = s->sel - s->page + 1;
	attrset(vg_ui_attr(VG_ROLE_HEADING));
	vg_ui_fill(v->top, 0, v->cols, vg_ui_attr(VG_ROLE_HEADING));
	vg_ui_text(v->top, 1, _("No."), 5);
	vg_ui_text(v->top, 7, _("Conditions (all must match)"), v->cols / 2);
	vg_ui_text(v->top, 8 + v->cols / 2, _("Comment"), v->cols / 2 - 9);
	attrset(A_NORMAL);
	for (int i = 0; i < s->page && s->scroll + i < n; i++) {
		const json_t *e = json_array_get(s->list, (size_t)(s->scroll + i));
		const char *comment = json_string_value(json_object_get(e, "comment"));
		int y = v->top + 1 + i;
		bool sel = s->scroll + i == s->sel;

		if (sel)
			vg_ui_fill(y, 0, v->cols, vg_ui_attr(VG_ROLE_SELECTED));
		attrset(sel ? vg_ui_attr(VG_ROLE_SELECTED) : A_NORMAL);
		snprintf(id, sizeof(id), "%" JSON_INTEGER_FORMAT, json_integer_value(json_object_get(e, "id")));
		conditions(e, buf, sizeof(buf));
		vg_ui_text(y, 1, id, 5);
		vg_ui_text(y, 7, buf, v->cols / 2);
		vg_ui_text(y, 8 + v->cols / 2, comment ? comment : "", v->cols / 2 - 9);
		attrset(A_NORMAL);
	}
form:
	if (s->form.open)
		vg_form_draw(&s->form, v);
}

static int click(void *self, int row)
{
	struct exclusions_screen *s = self;
	int target = s->scroll + row - 1;

	if (s->form.open || row < 1 || target >= (int)json_array_size(s->list))
		return VG_KEY_IGNORED;
	s->sel = target;
	return VG_KEY_HANDLED | VG_KEY_REDRAW;
}

const struct vg_screen_class vg_screen_exclusions = {
	.id = VG_SCR_EXCLUSIONS,
	.label = N_("Exclusions"),
	.title = N_("Telemetry exclusions"),
	.create = create,
	.destroy = destroy,
	.show = show,
	.draw = draw,
	.key = key,
	.click = click,
};
