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
	struct vg_list rows;      /* a text to read: the keys scroll it */
	bool loading;
	char error[VG_ERROR_MSG_SIZE];
};

static size_t count(void *ctx)
{
	struct history_screen *h = ctx;

	return json_array_size(h->list);
}

/* "link.port: 443 → 8443" */
static const char *change_text(const json_t *e, char *buf, size_t size)
{
	const char *key = vg_ui_str_or(e, "key", "?");
	char old[512], new[512];

	/* Old and new come typed (true, 443, a list), as settings.show gives values. */
	vg_ui_json_text(old, sizeof(old), json_object_get(e, "old"));
	vg_ui_json_text(new, sizeof(new), json_object_get(e, "new"));
	snprintf(buf, size, vg_ui_utf8() ? "%s: %s → %s" : "%s: %s -> %s", key, old, new);
	return buf;
}

static const char *row_text(void *ctx, size_t item, char *buf, size_t size)
{
	struct history_screen *h = ctx;

	return change_text(json_array_get(h->list, item), buf, size);
}

static const struct vg_list_column columns[] = {
	{ N_("When"), 1, 19 },
	{ N_("User"), 21, 6 },
	{ N_("Setting and change"), 28, 0 },
	{ NULL, 0, 0 },
};

static void draw_row(void *ctx, size_t item, int y, int x, int cols, bool selected)
{
	struct history_screen *h = ctx;
	json_t *e = json_array_get(h->list, item);
	char when[64], uid[32], change[1024];

	(void)selected;
	vg_ui_time_of(when, sizeof(when), e, "time");
	snprintf(uid, sizeof(uid), "%" JSON_INTEGER_FORMAT, json_integer_value(json_object_get(e, "uid")));
	vg_ui_text(y, x + 1, when, 19);
	vg_ui_text(y, x + 21, uid, 6);
	vg_ui_text(y, x + 28, change_text(e, change, sizeof(change)), cols - 29);
}

static const struct vg_list_ops rows_ops = {
	.count = count,
	.draw_row = draw_row,
	.columns = columns,
	.text = row_text,
};

static void *create(struct vg_console *con)
{
	struct history_screen *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->con = con;
	vg_list_init(&h->rows, &rows_ops, h);
	h->rows.viewer = true;
	return h;
}

static void destroy(void *self)
{
	struct history_screen *h = self;

	json_decref(h->list);
	vg_list_fini(&h->rows);
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
	vg_list_changed(&h->rows);
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

	return vg_list_key(&h->rows, k);
}

static void draw(void *self, const struct vg_view *v)
{
	struct history_screen *h = self;

	if (!h->list || !json_array_size(h->list)) {
		const char *text = h->error[0]                     ? h->error
				   : !vg_console_connected(h->con) ? _("The agent is not reachable.")
				   : h->list                       ? _("No setting has been changed yet.")
								   : _("Asking the agent…");

		attrset(vg_ui_attr(h->error[0] ? VG_ROLE_ERROR : VG_ROLE_DIM));
		vg_ui_text(v->top + 1, 2, text, v->cols - 4);
		attrset(A_NORMAL);
		return;
	}
	vg_list_draw(&h->rows, v->top, v->left, v->rows, v->cols);
}

const struct vg_screen_class vg_screen_history = {
	.label = N_("History"),
	.title = N_("Settings history"),
	.create = create,
	.destroy = destroy,
	.show = show,
	.draw = draw,
	.key = key,
};
