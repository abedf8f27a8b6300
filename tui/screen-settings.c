/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The settings: the list from settings.show, a form to change the selected one
 * (settings.set), the agent's validation message shown in the form, and a clear
 * message to a read-only user.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "console.h"
#include "nls.h"
#include "present.h"

#define KEY_COLS 34

struct settings_screen {
	struct vg_console *con;
	json_t *list;             /* the array from settings.show */
	struct vg_list rows;      /* over list; "/" filters by name */
	bool loading;
	char error[VG_ERROR_MSG_SIZE];
	struct vg_form form;
	char editing[256];        /* the key being changed */
};

static size_t count(void *ctx)
{
	struct settings_screen *s = ctx;

	return json_array_size(s->list);
}

static const char *row_text(void *ctx, size_t item, char *buf, size_t size)
{
	struct settings_screen *s = ctx;

	(void)buf;
	(void)size;
	return json_string_value(json_object_get(json_array_get(s->list, item), "key"));
}

static const struct vg_list_column columns[] = {
	{ N_("Setting"), 2, KEY_COLS },
	{ N_("Value"), KEY_COLS + 3, 0 },
	{ NULL, 0, 0 },
};

static void draw_row(void *ctx, size_t i, int y, int x, int cols, bool selected)
{
	struct settings_screen *s = ctx;
	json_t *item = json_array_get(s->list, i);
	bool changed = json_is_true(json_object_get(item, "changed"));
	char value[512];

	vg_ui_json_text(value, sizeof(value), json_object_get(item, "value"));
	if (changed && !selected)
		attrset(A_BOLD);
	vg_ui_text(y, x, changed ? "*" : " ", 1);
	vg_ui_text(y, x + 2, vg_ui_str(item, "key"), KEY_COLS);
	vg_ui_text(y, x + KEY_COLS + 3, value, cols - KEY_COLS - 4);
}

static const struct vg_list_ops rows_ops = {
	.count = count,
	.draw_row = draw_row,
	.columns = columns,
	.text = row_text,
};

static void *create(struct vg_console *con)
{
	struct settings_screen *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->con = con;
	vg_list_init(&s->rows, &rows_ops, s);
	s->rows.no_match = N_("No setting matches the filter.");
	return s;
}

static void destroy(void *self)
{
	struct settings_screen *s = self;

	json_decref(s->list);
	vg_list_fini(&s->rows);
	vg_form_close(&s->form);
	free(s);
}

static void on_list(void *ctx, json_t *result, const struct vg_error *err)
{
	struct settings_screen *s = ctx;

	s->loading = false;
	if (err) {
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
	struct settings_screen *s = self;

	if (!s->loading && vg_console_request(s->con, VG_CMD_SETTINGS_SHOW, NULL, on_list, s) == 0)
		s->loading = true;
}

static json_t *selected(struct settings_screen *s)
{
	long i = vg_list_selected(&s->rows);

	return i < 0 ? NULL : json_array_get(s->list, (size_t)i);
}

static void on_set(void *ctx, json_t *result, const struct vg_error *err)
{
	struct settings_screen *s = ctx;
	char msg[2 * VG_ERROR_MSG_SIZE + 300], value[512];
	json_t *warnings, *w;
	size_t i;

	s->form.busy = false;
	if (err) {
		if (err->code == -EPERM || err->code == -EACCES) {
			vg_form_close(&s->form);
			vg_console_read_only_message(s->con);
			return;
		}
		if (err->code == -ECONNRESET) {
			vg_form_close(&s->form);
			return;
		}
		vg_error_text(err, s->form.error, sizeof(s->form.error));
		return;
	}
	vg_ui_json_text(value, sizeof(value), json_object_get(json_array_get(result, 0), "value"));
	snprintf(msg, sizeof(msg), _("%s is now %s."), s->editing, value);
	/* Accepted, but naming what the host does not have (a directory still to be made). */
	warnings = json_object_get(json_array_get(result, 0), "warnings");
	json_array_foreach(warnings, i, w) {
		struct vg_error e;
		char text[VG_ERROR_MSG_SIZE];
		size_t len = strlen(msg);

		vg_client_error_of(w, &e);
		snprintf(msg + len, sizeof(msg) - len, " %s %s", _("Warning:"), vg_error_text(&e, text, sizeof(text)));
	}
	vg_form_close(&s->form);
	vg_console_message(s->con, json_array_size(warnings) > 0, msg);
	show(s);
}

static void send(struct settings_screen *s, const char *value)
{
	json_t *args = json_pack("{s:[{s:s, s:s}]}", "pairs", "key", s->editing, "value", value);

	if (!args)
		return;
	if (vg_console_request(s->con, VG_CMD_SETTINGS_SET, args, on_set, s) < 0) {
		vg_form_error(&s->form, "%s", _("The agent is not reachable."));
		return;
	}
	s->form.busy = true;
}

static void submit(void *ctx, struct vg_form *f)
{
	send(ctx, vg_form_value(f, 0));
}

static void open_form(struct settings_screen *s)
{
	json_t *item = selected(s);
	const char *key = json_string_value(json_object_get(item, "key"));
	const char *type = json_string_value(json_object_get(item, "type"));
	const char *unit = json_string_value(json_object_get(item, "unit"));
	char value[VG_FIELD_MAX], def[256], title[512];
	bool secret;

	if (!key)
		return;
	if (vg_console_read_only(s->con)) {
		vg_console_read_only_message(s->con);
		return;
	}
	secret = type && strcmp(type, "string") == 0 &&
		 strcmp(json_string_value(json_object_get(item, "value")) ?: "", "********") == 0;
	vg_ui_json_text(value, sizeof(value), json_object_get(item, "value"));
	vg_ui_json_text(def, sizeof(def), json_object_get(item, "default"));
	snprintf(s->editing, sizeof(s->editing), "%s", key);
	snprintf(title, sizeof(title), _(" Change %s "), key);
	vg_form_open(&s->form, title, submit, s);
	vg_form_add(&s->form, N_("Value"), secret ? "" : value, secret);
	if (type && strcmp(type, "int") == 0)
		snprintf(s->form.note, sizeof(s->form.note), _("A whole number from %lld to %lld%s%s; default %s."),
			 (long long)json_integer_value(json_object_get(item, "min")),
			 (long long)json_integer_value(json_object_get(item, "max")), unit ? " " : "", unit ? unit : "",
			 def);
	else if (type && strcmp(type, "bool") == 0)
		snprintf(s->form.note, sizeof(s->form.note), _("true or false; default %s."), def);
	else if (type && strcmp(type, "list") == 0)
		snprintf(s->form.note, sizeof(s->form.note), _("Items separated by commas; default \"%s\"."), def);
	else
		snprintf(s->form.note, sizeof(s->form.note), _("Text; default \"%s\"."), def);
}

static void reset_default(struct settings_screen *s)
{
	json_t *item = selected(s);
	const char *key = json_string_value(json_object_get(item, "key"));
	char def[VG_FIELD_MAX];

	if (!key)
		return;
	if (vg_console_read_only(s->con)) {
		vg_console_read_only_message(s->con);
		return;
	}
	vg_ui_json_text(def, sizeof(def), json_object_get(item, "default"));
	snprintf(s->editing, sizeof(s->editing), "%s", key);
	/* Through the form, so that a refusal from the agent shows in the same place. */
	vg_form_open(&s->form, _(" Back to the default "), submit, s);
	vg_form_add(&s->form, N_("Value"), def, false);
	send(s, def);
}

/* Space on a true/false setting: the other value at once, through the same path as the form. */
static void toggle(struct settings_screen *s)
{
	json_t *item = selected(s);
	const char *key = json_string_value(json_object_get(item, "key"));
	const char *type = json_string_value(json_object_get(item, "type"));
	const char *value;
	char title[512];

	if (!key || !type || strcmp(type, "bool") != 0)
		return;
	if (vg_console_read_only(s->con)) {
		vg_console_read_only_message(s->con);
		return;
	}
	value = json_is_true(json_object_get(item, "value")) ? "false" : "true";
	snprintf(s->editing, sizeof(s->editing), "%s", key);
	snprintf(title, sizeof(title), _(" Change %s "), key);
	vg_form_open(&s->form, title, submit, s);
	vg_form_add(&s->form, N_("Value"), value, false);
	send(s, value);
}

static int key(void *self, const struct vg_key *k)
{
	struct settings_screen *s = self;
	int r;

	if (s->form.open)
		return vg_form_key(&s->form, k);
	if ((r = vg_list_key(&s->rows, k)))
		return r;
	switch (k->action) {
	case VG_ACT_ACTIVATE:
		open_form(s);
		break;
	case VG_ACT_DEFAULT:
		reset_default(s);
		break;
	case VG_ACT_TOGGLE:
		toggle(s);
		break;
	default:
		return VG_KEY_IGNORED;
	}
	return VG_KEY_HANDLED | VG_KEY_REDRAW;
}

static void draw(void *self, const struct vg_view *v)
{
	struct settings_screen *s = self;
	int list_rows = v->rows - 4;
	json_t *item;

	if (!s->list) {
		attrset(vg_ui_attr(s->error[0] ? VG_ROLE_ERROR : VG_ROLE_DIM));
		vg_ui_text(v->top + 1, 2, s->error[0] ? s->error
				: vg_console_connected(s->con) ? _("Asking the agent…") : _("The agent is not reachable."),
			   v->cols - 4);
		attrset(A_NORMAL);
		return;
	}
	/* The selected setting, explained under the list. */
	item = selected(s);
	if (item) {
		const char *help = vg_ui_str(item, "help");
		char def[512], line[1024];

		vg_ui_hline(v->top + list_rows, 0, v->cols);
		vg_ui_text(v->top + list_rows + 1, 2, help[0] ? _(help) : "", v->cols - 4);
		vg_ui_json_text(def, sizeof(def), json_object_get(item, "default"));
		snprintf(line, sizeof(line), _("Default: %s    * changed from the default    Enter: change    d: default"),
			 def);
		attrset(vg_ui_attr(VG_ROLE_DIM));
		vg_ui_text(v->top + list_rows + 2, 2, line, v->cols - 4);
		if (vg_ui_str(item, "source")[0]) {
			char source[512];

			/* TRANSLATORS: under the settings list: who set the selected value (a drop-in file and
			 * its line, vigilctl, the command line, or the default). */
			snprintf(line, sizeof(line), _("Source: %s"),
				 vg_present_setting_source(item, source, sizeof(source)));
			vg_ui_text(v->top + list_rows + 3, 2, line, v->cols - 4);
		}
		attrset(A_NORMAL);
	}
	vg_list_draw(&s->rows, v->top, v->left, list_rows, v->cols);
	vg_form_draw(&s->form, v);
}

static int click(void *self, int y, int x)
{
	struct settings_screen *s = self;

	if (s->form.open)
		return vg_form_click(&s->form, y, x);
	switch (vg_list_click(&s->rows, y, x)) {
	case VG_LIST_AGAIN:
		open_form(s);
		return VG_KEY_HANDLED | VG_KEY_REDRAW;
	case VG_LIST_SELECTED:
		return VG_KEY_HANDLED | VG_KEY_REDRAW;
	default:
		return VG_KEY_IGNORED;
	}
}

const struct vg_screen_class vg_screen_settings = {
	.label = N_("Settings"),
	.title = N_("Settings"),
	.create = create,
	.destroy = destroy,
	.show = show,
	.draw = draw,
	.key = key,
	.click = click,
};
