/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Help (F1): the keys, generated from the binding table (keys.c), grouped by where they work. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "nls.h"

#define MAX_LINES 256

/* One line of the help: a heading, a key with what it does, or a blank. */
struct help_line {
	const char *a, *b;        /* translated; b NULL for a heading */
	enum vg_role role;
	int x;
};

struct help_screen {
	struct vg_console *con;
	struct help_line lines[MAX_LINES];
	size_t n;
	struct vg_list rows;      /* a text to read; "/" finds a key */
};

static void add(struct help_screen *h, int x, enum vg_role role, const char *a, const char *b)
{
	if (h->n < MAX_LINES)
		h->lines[h->n++] = (struct help_line){ .a = a, .b = b, .role = role, .x = x };
}

static void add_scope(struct help_screen *h, const char *scope, const char *heading)
{
	size_t nb;
	const struct vg_binding *b = vg_console_bindings(&nb);
	bool first = true;

	for (size_t i = 0; i < nb; i++) {
		if (!b[i].help || !(b[i].scope == scope || (b[i].scope && scope && strcmp(b[i].scope, scope) == 0)))
			continue;
		if (first) {
			if (h->n)
				add(h, 1, VG_ROLE_NORMAL, "", NULL);
			add(h, 1, VG_ROLE_HEADING, heading, NULL);
			first = false;
		}
		add(h, 3, VG_ROLE_NORMAL, _(b[i].key_name), _(b[i].help));
	}
}

/* The lines, made once: the catalog's strings do not move. */
static void build(struct help_screen *h)
{
	add_scope(h, VG_SCOPE_GLOBAL, _("Everywhere"));
	add_scope(h, VG_SCOPE_FORM, _("In a form"));
	for (size_t s = 0; s < vg_console_screen_count(); s++)
		add_scope(h, vg_console_screen(s)->name, _(vg_console_screen(s)->cls->title));
	add(h, 1, VG_ROLE_NORMAL, "", NULL);
	add(h, 1, VG_ROLE_DIM,
	    _("Mouse: click a tab, or a row to select it; click it again to open it. The wheel scrolls."), NULL);
}

static size_t count(void *ctx)
{
	struct help_screen *h = ctx;

	return h->n;
}

static void draw_row(void *ctx, size_t item, int y, int x, int cols, bool selected)
{
	struct help_screen *h = ctx;
	const struct help_line *l = &h->lines[item];

	(void)selected;
	attrset(vg_ui_attr(l->role));
	vg_ui_text(y, x + l->x, l->a, cols - l->x);
	if (l->b)
		vg_ui_text(y, x + l->x + 20, l->b, cols - l->x - 20);
}

static const char *row_text(void *ctx, size_t item, char *buf, size_t size)
{
	struct help_screen *h = ctx;
	const struct help_line *l = &h->lines[item];

	if (!l->b)
		return NULL;
	snprintf(buf, size, "%s %s", l->a, l->b);
	return buf;
}

static const struct vg_list_ops rows_ops = {
	.count = count,
	.draw_row = draw_row,
	.text = row_text,
};

static void *create(struct vg_console *con)
{
	struct help_screen *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->con = con;
	build(h);
	vg_list_init(&h->rows, &rows_ops, h);
	h->rows.viewer = true;
	return h;
}

static void destroy(void *self)
{
	struct help_screen *h = self;

	vg_list_fini(&h->rows);
	free(h);
}

static int key(void *self, const struct vg_key *k)
{
	struct help_screen *h = self;

	return vg_list_key(&h->rows, k);
}

static void draw(void *self, const struct vg_view *v)
{
	struct help_screen *h = self;

	vg_list_draw(&h->rows, v->top, v->left, v->rows, v->cols);
}

const struct vg_screen_class vg_screen_help = {
	.label = N_("Help"),
	.title = N_("Help"),
	.create = create,
	.destroy = destroy,
	.draw = draw,
	.key = key,
};
