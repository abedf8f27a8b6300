/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The settings history: who changed which setting, when, from what to what (settings.history). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "console.h"
#include "nls.h"

#define HISTORY_LIMIT 1000

struct history_screen {
	struct vg_console *con;
	json_t *list;
	bool loading;
	char error[VG_ERROR_MSG_SIZE];
	int scroll, page;
};

static void *create(struct vg_console *con)
{
	struct history_screen *h = calloc(1, sizeof(*h));

	if (h)
		h->con = con;
	return h;
}

static void destroy(void *self)
{
	struct history_screen *h = self;

	json_decref(h->list);
	free(h);
}

static void on_list(void *ctx, json_t *result, const struct vg_error *err)
{
	struct history_screen *h = ctx;

	h->loading = false;
	if (err) {
		vg_error_text(err, h->error, sizeof(h->error));
		return;
	}
	if (!json_is_array(result))
		return;
	h->error[0] = '\0';
	json_decref(h->list);
	h->list = json_incref(result);
}

static void show(void *self)
{
	struct history_screen *h = self;
	json_t *args = json_pack("{s:i}", "limit", HISTORY_LIMIT);

	if (h->loading) {
		json_decref(args);
		return;
	}
	if (vg_console_request(h->con, VG_CMD_SETTINGS_HISTORY, args, on_list, h) == 0)
		h->loading = true;
}

static int key(void *self, const struct vg_key *k)
{
	struct history_screen *h = self;
	int last = h->list && json_array_size(h->list) ? (int)json_array_size(h->list) - 1 : 0;

	switch (k->action) {
	case VG_ACT_UP:
		h->scroll = h->scroll > 0 ? h->scroll - 1 : 0;
		break;
	case VG_ACT_DOWN:
		h->scroll = h->scroll < last ? h->scroll + 1 : last;
		break;
	case VG_ACT_PAGE_UP:
		h->scroll = h->scroll > h->page ? h->scroll - h->page : 0;
		break;
	case VG_ACT_PAGE_DOWN:
		h->scroll = h->scroll + h->page < last ? h->scroll + h->page : last;
		break;
	case VG_ACT_HOME:
		h->scroll = 0;
		break;
	case VG_ACT_END:
		h->scroll = last;
		break;
	default:
		return VG_KEY_IGNORED;
	}
	return VG_KEY_HANDLED | VG_KEY_REDRAW;
}

static void draw(void *self, const struct vg_view *v)
{
	struct history_screen *h = self;
	int n = h->list ? (int)json_array_size(h->list) : 0;

	if (!h->list || n == 0) {
		const char *text = h->error[0]                     ? h->error
				   : !vg_console_connected(h->con) ? _("The agent is not reachable.")
				   : h->list                       ? _("No setting has been changed yet.")
								   : _("Asking the agent…");

		attrset(vg_ui_attr(h->error[0] ? VG_ROLE_ERROR : VG_ROLE_DIM));
		vg_ui_text(v->top + 1, 2, text, v->cols - 4);
		attrset(A_NORMAL);
		return;
	}
	h->page = v->rows > 2 ? v->rows - 2 : 1;
	attrset(vg_ui_attr(VG_ROLE_HEADING));
	vg_ui_fill(v->top, 0, v->cols, vg_ui_attr(VG_ROLE_HEADING));
	vg_ui_text(v->top, 1, _("When"), 19);
	vg_ui_text(v->top, 21, _("User"), 6);
	vg_ui_text(v->top, 28, _("Setting and change"), v->cols - 29);
	attrset(A_NORMAL);
	for (int i = 0; i < v->rows - 1 && h->scroll + i < n; i++) {
		json_t *e = json_array_get(h->list, (size_t)(h->scroll + i));
		time_t t = (time_t)json_integer_value(json_object_get(e, "time"));
		const char *old = json_string_value(json_object_get(e, "old"));
		const char *new = json_string_value(json_object_get(e, "new"));
		const char *key = json_string_value(json_object_get(e, "key"));
		char when[64], uid[32], change[1024];
		struct tm tm;
		int y = v->top + 1 + i;

		/* The agent may store seconds or milliseconds; both read as a date. */
		if (t > 100000000000LL)
			t /= 1000;
		if (!localtime_r(&t, &tm) || !strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm))
			snprintf(when, sizeof(when), "?");
		snprintf(uid, sizeof(uid), "%" JSON_INTEGER_FORMAT, json_integer_value(json_object_get(e, "uid")));
		snprintf(change, sizeof(change), vg_ui_utf8() ? "%s: %s → %s" : "%s: %s -> %s", key ? key : "?",
			 old ? old : "", new ? new : "");
		vg_ui_text(y, 1, when, 19);
		vg_ui_text(y, 21, uid, 6);
		vg_ui_text(y, 28, change, v->cols - 29);
	}
}

const struct vg_screen_class vg_screen_history = {
	.id = VG_SCR_HISTORY,
	.label = N_("History"),
	.title = N_("Settings history"),
	.create = create,
	.destroy = destroy,
	.show = show,
	.draw = draw,
	.key = key,
};
