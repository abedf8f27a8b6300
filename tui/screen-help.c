/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Help (F1): the keys, generated from the binding table (keys.c), grouped by where they work. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "console.h"
#include "nls.h"

struct help_screen {
	struct vg_console *con;
	int scroll, page, total;
};

static void *create(struct vg_console *con)
{
	struct help_screen *h = calloc(1, sizeof(*h));

	if (h)
		h->con = con;
	return h;
}

static void destroy(void *self)
{
	free(self);
}

static void draw(void *self, const struct vg_view *v);

static int key(void *self, const struct vg_key *k)
{
	struct help_screen *h = self;
	int last;

	/* A key that comes before the first draw (F1 then PgDn at once) needs the sizes too. */
	if (h->total == 0) {
		const struct vg_view none = { .top = 0, .rows = 0, .cols = 0 };

		draw(h, &none);
		h->page = LINES > 3 ? LINES - 3 : 1;
	}
	last = h->total > h->page ? h->total - h->page : 0;

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

/* Draws line number *line if it is in view; counts every line either way. */
static void line(struct help_screen *h, const struct vg_view *v, int *n, int x, attr_t attr, const char *a,
		 const char *b)
{
	int y = v->top + *n - h->scroll;

	(*n)++;
	if (y < v->top || y >= v->top + v->rows)
		return;
	attrset(attr);
	vg_ui_text(y, x, a, v->cols - x);
	if (b)
		vg_ui_text(y, x + 20, b, v->cols - x - 20);
	attrset(A_NORMAL);
}

static void draw(void *self, const struct vg_view *v)
{
	struct help_screen *h = self;
	size_t nb;
	const struct vg_binding *b = vg_console_bindings(&nb);
	int n = 0;

	h->page = v->rows;
	line(h, v, &n, 1, vg_ui_attr(VG_ROLE_HEADING), _("Everywhere"), NULL);
	for (size_t i = 0; i < nb; i++)
		if (b[i].scope == VG_SCOPE_GLOBAL && b[i].help)
			line(h, v, &n, 3, A_NORMAL, _(b[i].key_name), _(b[i].help));
	n++;
	line(h, v, &n, 1, vg_ui_attr(VG_ROLE_HEADING), _("In a form"), NULL);
	for (size_t i = 0; i < nb; i++)
		if (b[i].scope == VG_SCOPE_FORM && b[i].help)
			line(h, v, &n, 3, A_NORMAL, _(b[i].key_name), _(b[i].help));
	for (int s = 0; s < VG_SCR_COUNT; s++) {
		bool first = true;

		for (size_t i = 0; i < nb; i++) {
			if (b[i].scope != s || !b[i].help)
				continue;
			if (first) {
				n++;
				line(h, v, &n, 1, vg_ui_attr(VG_ROLE_HEADING),
				     _(vg_console_screen_class((enum vg_screen_id)s)->title), NULL);
				first = false;
			}
			line(h, v, &n, 3, A_NORMAL, _(b[i].key_name), _(b[i].help));
		}
	}
	n++;
	line(h, v, &n, 1, vg_ui_attr(VG_ROLE_DIM),
	     _("Mouse: click a tab, or a row to select it; click it again to open it."),
	     NULL);
	h->total = n;
}

const struct vg_screen_class vg_screen_help = {
	.id = VG_SCR_HELP,
	.label = N_("Help"),
	.title = N_("Help"),
	.create = create,
	.destroy = destroy,
	.draw = draw,
	.key = key,
};
