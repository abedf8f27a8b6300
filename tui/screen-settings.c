/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The settings: the list from settings.show, a form to change the selected one
 * (settings.set), the agent's validation message shown in the form, and a clear
 * message to a read-only user.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "console.h"
#include "nls.h"

#define KEY_COLS 34

struct settings_screen {
	struct vg_console *con;
	json_t *list;             /* the array from settings.show */
	json_t *shown;            /* the rows that pass the filter (the selection indexes these) */
	char filter[64];
	bool filtering;           /* the keys go to the filter */
	bool loading;
	char error[VG_ERROR_MSG_SIZE];
	int sel, scroll, page;
	struct vg_form form;
	char editing[256];        /* the key being changed */
};

static void *create(struct vg_console *con)
{
	struct settings_screen *s = calloc(1, sizeof(*s));

	if (s)
		s->con = con;
	return s;
}

static void destroy(void *self)
{
	struct settings_screen *s = self;

	json_decref(s->list);
	json_decref(s->shown);
	vg_form_close(&s->form);
	free(s);
}

static void refilter(struct settings_screen *s)
{
	size_t i;
	json_t *item;

	json_decref(s->shown);
	s->shown = json_array();
	json_array_foreach(s->list, i, item) {
		const char *key = json_string_value(json_object_get(item, "key"));

		if (!s->filter[0] || (key && strcasestr(key, s->filter)))
			json_array_append(s->shown, item);
	}
	if (s->sel >= (int)json_array_size(s->shown))
		s->sel = json_array_size(s->shown) ? (int)json_array_size(s->shown) - 1 : 0;
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
	refilter(s);
}

static void show(void *self)
{
	struct settings_screen *s = self;

	if (!s->loading && vg_console_request(s->con, VG_CMD_SETTINGS_SHOW, NULL, on_list, s) == 0)
		s->loading = true;
}

static json_t *selected(struct settings_screen *s)
{
	return json_array_get(s->shown, (size_t)s->sel);
}

static void on_set(void *ctx, json_t *result, const struct vg_error *err)
{
	struct settings_screen *s = ctx;
	char msg[VG_ERROR_MSG_SIZE + 300], value[512];

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
	vg_form_close(&s->form);
	vg_console_message(s->con, false, msg);
	show(s);
}

static void submit(struct settings_screen *s, const char *value)
{
	json_t *args = json_pack("{s:[{s:s, s:s}]}", "pairs", "key", s->editing, "value", value);

	if (!args)
		return;
	if (vg_console_request(s->con, VG_CMD_SETTINGS_SET, args, on_set, s) < 0) {
		snprintf(s->form.error, sizeof(s->form.error), "%s", _("The agent is not reachable."));
		return;
	}
	s->form.busy = true;
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
	vg_form_open(&s->form, title);
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
	vg_form_open(&s->form, _(" Back to the default "));
	vg_form_add(&s->form, N_("Value"), def, false);
	submit(s, def);
}

/* The filter line: printable characters add, Backspace erases, Enter keeps, Esc clears. */
static int filter_key(struct settings_screen *s, const struct vg_key *k)
{
	size_t len = strlen(s->filter);

	if (!k->code && k->ch == 27) {
		s->filter[0] = '\0';
		s->filtering = false;
	} else if ((!k->code && (k->ch == '\r' || k->ch == '\n')) || (k->code && k->ch == KEY_ENTER)) {
		s->filtering = false;
	} else if ((k->code && k->ch == KEY_BACKSPACE) || (!k->code && (k->ch == 127 || k->ch == 8))) {
		while (len > 0 && ((unsigned char)s->filter[--len] & 0xC0) == 0x80)
			;
		s->filter[len] = '\0';
	} else if (!k->code && k->ch >= 0x20) {
		char mb[MB_LEN_MAX];
		mbstate_t st;
		size_t n;

		memset(&st, 0, sizeof(st));
		n = wcrtomb(mb, (wchar_t)k->ch, &st);
		if (n != (size_t)-1 && len + n < sizeof(s->filter)) {
			memcpy(s->filter + len, mb, n);
			s->filter[len + n] = '\0';
		}
	} else if (k->code && k->ch >= KEY_F(1) && k->ch <= KEY_F(12)) {
		s->filtering = false;
		return VG_KEY_IGNORED;
	}
	s->sel = 0;
	s->scroll = 0;
	refilter(s);
	return VG_KEY_HANDLED | VG_KEY_REDRAW;
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
	vg_form_open(&s->form, title);
	vg_form_add(&s->form, N_("Value"), value, false);
	submit(s, value);
}

static int key(void *self, const struct vg_key *k)
{
	struct settings_screen *s = self;
	int n = s->shown ? (int)json_array_size(s->shown) : 0;

	if (s->form.open) {
		switch (vg_form_key(&s->form, k)) {
		case VG_FORM_CANCEL:
			vg_form_close(&s->form);
			return VG_KEY_HANDLED | VG_KEY_REDRAW;
		case VG_FORM_SUBMIT:
			s->form.error[0] = '\0';
			submit(s, s->form.fields[0].value);
			return VG_KEY_HANDLED | VG_KEY_REDRAW;
		case VG_FORM_CHANGED:
			return VG_KEY_HANDLED | VG_KEY_REDRAW;
		default:
			/* Keys of the frame (function keys) go on; the rest stays in the form. */
			return k->code && k->ch >= KEY_F(1) && k->ch <= KEY_F(12) ? VG_KEY_IGNORED : VG_KEY_HANDLED;
		}
	}
	if (s->filtering)
		return filter_key(s, k);
	switch (k->action) {
	case VG_ACT_FILTER:
		s->filtering = true;
		break;
	case VG_ACT_CANCEL:
		if (!s->filter[0])
			return VG_KEY_IGNORED;
		s->filter[0] = '\0';
		refilter(s);
		break;
	case VG_ACT_UP:
		s->sel = s->sel > 0 ? s->sel - 1 : 0;
		break;
	case VG_ACT_DOWN:
		s->sel = s->sel + 1 < n ? s->sel + 1 : s->sel;
		break;
	case VG_ACT_PAGE_UP:
		s->sel = s->sel > s->page ? s->sel - s->page : 0;
		break;
	case VG_ACT_PAGE_DOWN:
		s->sel = s->sel + s->page < n ? s->sel + s->page : (n ? n - 1 : 0);
		break;
	case VG_ACT_HOME:
		s->sel = 0;
		break;
	case VG_ACT_END:
		s->sel = n ? n - 1 : 0;
		break;
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
	int list_rows = v->rows - 4, n = s->shown ? (int)json_array_size(s->shown) : 0;
	json_t *item;
	char value[512];

	if (!s->list) {
		attrset(vg_ui_attr(s->error[0] ? VG_ROLE_ERROR : VG_ROLE_DIM));
		vg_ui_text(v->top + 1, 2, s->error[0] ? s->error
				: vg_console_connected(s->con) ? _("Asking the agent…") : _("The agent is not reachable."),
			   v->cols - 4);
		attrset(A_NORMAL);
		return;
	}
	s->page = list_rows > 1 ? list_rows - 1 : 1;
	if (s->sel < s->scroll)
		s->scroll = s->sel;
	if (s->sel >= s->scroll + list_rows - 1)
		s->scroll = s->sel - (list_rows - 2);
	attrset(vg_ui_attr(VG_ROLE_HEADING));
	vg_ui_fill(v->top, 0, v->cols, vg_ui_attr(VG_ROLE_HEADING));
	vg_ui_text(v->top, 2, _("Setting"), KEY_COLS);
	vg_ui_text(v->top, KEY_COLS + 3, _("Value"), v->cols - KEY_COLS - 4);
	if (s->filtering || s->filter[0]) {
		char line[128];
		int w;

		snprintf(line, sizeof(line), _("Filter: %s"), s->filter);
		w = vg_ui_width(line);
		vg_ui_text(v->top, v->cols - w - 2, line, w + 1);
	}
	attrset(A_NORMAL);
	if (n == 0 && s->filter[0]) {
		attrset(vg_ui_attr(VG_ROLE_DIM));
		vg_ui_text(v->top + 1, 2, _("No setting matches the filter."), v->cols - 4);
		attrset(A_NORMAL);
	}
	for (int i = 0; i < list_rows - 1 && s->scroll + i < n; i++) {
		int row = s->scroll + i, y = v->top + 1 + i;
		bool changed;

		item = json_array_get(s->shown, (size_t)row);
		changed = json_is_true(json_object_get(item, "changed"));
		vg_ui_json_text(value, sizeof(value), json_object_get(item, "value"));
		if (row == s->sel) {
			vg_ui_fill(y, 0, v->cols, vg_ui_attr(VG_ROLE_SELECTED));
			attrset(vg_ui_attr(VG_ROLE_SELECTED));
		} else if (changed) {
			attrset(A_BOLD);
		}
		vg_ui_text(y, 0, changed ? "*" : " ", 1);
		vg_ui_text(y, 2, json_string_value(json_object_get(item, "key")), KEY_COLS);
		vg_ui_text(y, KEY_COLS + 3, value, v->cols - KEY_COLS - 4);
		attrset(A_NORMAL);
	}
	/* The selected setting, explained under the list. */
	item = selected(s);
	if (item) {
		const char *help = json_string_value(json_object_get(item, "help"));
		char def[512], line[1024];

		vg_ui_hline(v->top + list_rows, 0, v->cols);
		vg_ui_text(v->top + list_rows + 1, 2, help && help[0] ? _(help) : "", v->cols - 4);
		vg_ui_json_text(def, sizeof(def), json_object_get(item, "default"));
		snprintf(line, sizeof(line), _("Default: %s    * changed from the default    Enter: change    d: default"),
			 def);
		attrset(vg_ui_attr(VG_ROLE_DIM));
		vg_ui_text(v->top + list_rows + 2, 2, line, v->cols - 4);
		attrset(A_NORMAL);
	}
	vg_form_draw(&s->form, v);
	if (s->filtering && !s->form.open) {
		/* Last, so that the cursor stays at the end of the filter. */
		move(v->top, v->cols - 2);
		curs_set(1);
	}
}

static int click(void *self, int row)
{
	struct settings_screen *s = self;
	int n = s->shown ? (int)json_array_size(s->shown) : 0, target = s->scroll + row - 1;

	if (s->form.open || row < 1 || target >= n)
		return VG_KEY_IGNORED;
	if (target == s->sel) {
		open_form(s);
		return VG_KEY_HANDLED | VG_KEY_REDRAW;
	}
	s->sel = target;
	return VG_KEY_HANDLED | VG_KEY_REDRAW;
}

const struct vg_screen_class vg_screen_settings = {
	.id = VG_SCR_SETTINGS,
	.label = N_("Settings"),
	.title = N_("Settings"),
	.create = create,
	.destroy = destroy,
	.show = show,
	.draw = draw,
	.key = key,
	.click = click,
};
