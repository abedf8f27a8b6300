/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The list widget (list.h): selection, scrolling, movement and page keys, clicks on rows and
 * the "/" filter, over items the screen keeps.  Without a filter row i is item i; with one,
 * a map of the item indexes shown is made again when the items or the filter change.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "nls.h"

#define TEXT_MAX 4096

void vg_list_init(struct vg_list *l, const struct vg_list_ops *ops, void *ctx)
{
	memset(l, 0, sizeof(*l));
	l->ops = ops;
	l->ctx = ctx;
	l->filter_label = N_("Filter");
	l->no_match = N_("Nothing matches the filter.");
	l->stale = true;
}

void vg_list_fini(struct vg_list *l)
{
	free(l->map);
	l->map = NULL;
	l->nmap = l->mapsize = 0;
	l->mapped = false;
}

void vg_list_changed(struct vg_list *l)
{
	l->stale = true;
}

void vg_list_reset(struct vg_list *l)
{
	l->sel = l->scroll = 0;
	l->follow = false;
	l->filter[0] = '\0';
	l->filtering = false;
	l->stale = true;
}

static bool hides(const struct vg_list *l)
{
	return (l->filter[0] && l->ops->text) || l->ops->visible;
}

static size_t item_of(const struct vg_list *l, size_t row)
{
	return l->mapped ? l->map[row] : row;
}

static bool can_select(const struct vg_list *l, int row)
{
	return !l->ops->selectable || l->ops->selectable(l->ctx, item_of(l, (size_t)row));
}

/* Puts the selection on target, or the nearest selectable row: first in direction dir, then
 * the other way. */
static void select_row(struct vg_list *l, int target, int dir)
{
	int n = (int)l->nmap;

	if (n <= 0) {
		l->sel = 0;
		return;
	}
	if (target < 0)
		target = 0;
	if (target >= n)
		target = n - 1;
	for (int t = target; t >= 0 && t < n; t += dir)
		if (can_select(l, t)) {
			l->sel = t;
			return;
		}
	for (int t = target - dir; t >= 0 && t < n; t -= dir)
		if (can_select(l, t)) {
			l->sel = t;
			return;
		}
	l->sel = target;
}

/* The rows shown, worked out again when the items or the filter changed. */
static void sync(struct vg_list *l)
{
	size_t n = l->ops->count(l->ctx), k = 0;
	char buf[TEXT_MAX];

	if (!hides(l)) {
		l->mapped = false;
		l->nmap = n;
	} else if (l->stale || !l->mapped || n != l->nitems) {
		if (n > l->mapsize) {
			size_t *grown = realloc(l->map, n * sizeof(*grown));

			if (!grown) {
				/* Out of memory: every item shown rather than none. */
				l->mapped = false;
				l->nmap = n;
				goto clamp;
			}
			l->map = grown;
			l->mapsize = n;
		}
		for (size_t i = 0; i < n; i++) {
			const char *text;

			if (l->ops->visible && !l->ops->visible(l->ctx, i))
				continue;
			if (l->filter[0] && l->ops->text &&
			    (!(text = l->ops->text(l->ctx, i, buf, sizeof(buf))) || !strcasestr(text, l->filter)))
				continue;
			l->map[k++] = i;
		}
		l->mapped = true;
		l->nmap = k;
	}
clamp:
	l->nitems = n;
	l->stale = false;
	if (l->viewer)
		return;
	if (l->follow)
		select_row(l, (int)l->nmap - 1, -1);
	else if (l->sel >= (int)l->nmap || l->sel < 0 || !can_select(l, l->sel))
		select_row(l, l->sel, l->sel >= (int)l->nmap ? -1 : 1);
}

size_t vg_list_count(struct vg_list *l)
{
	sync(l);
	return l->nmap;
}

long vg_list_selected(struct vg_list *l)
{
	sync(l);
	if (l->viewer || l->sel < 0 || (size_t)l->sel >= l->nmap || !can_select(l, l->sel))
		return -1;
	return (long)item_of(l, (size_t)l->sel);
}

long vg_list_item(struct vg_list *l, size_t row)
{
	sync(l);
	return row < l->nmap ? (long)item_of(l, row) : -1;
}

void vg_list_select(struct vg_list *l, size_t item)
{
	sync(l);
	for (size_t row = 0; row < l->nmap; row++)
		if (item_of(l, row) == item) {
			l->sel = (int)row;
			l->follow = false;
			return;
		}
}

/* Rows in a page: from the last draw, or the screen's height before the first one. */
static int page(const struct vg_list *l)
{
	if (l->rows > 0)
		return l->rows;
	return LINES > 5 ? LINES - 4 : 1;
}

static int max_scroll(const struct vg_list *l)
{
	int m = (int)l->nmap - page(l);

	return m > 0 ? m : 0;
}

static int move_selection(struct vg_list *l, const struct vg_key *k)
{
	int p = page(l);

	sync(l);
	if (l->viewer) {
		int to = l->scroll;

		switch (k->action) {
		case VG_ACT_UP: to--; break;
		case VG_ACT_DOWN: to++; break;
		case VG_ACT_PAGE_UP: to -= p; break;
		case VG_ACT_PAGE_DOWN: to += p; break;
		case VG_ACT_HOME: to = 0; break;
		case VG_ACT_END: to = max_scroll(l); break;
		default: return VG_KEY_IGNORED;
		}
		l->scroll = to < 0 ? 0 : to > max_scroll(l) ? max_scroll(l) : to;
		/* End stays at the end while more lines come. */
		l->follow = k->action == VG_ACT_END;
		return VG_KEY_HANDLED | VG_KEY_REDRAW;
	}
	switch (k->action) {
	case VG_ACT_UP: select_row(l, l->sel - 1, -1); break;
	case VG_ACT_DOWN: select_row(l, l->sel + 1, 1); break;
	case VG_ACT_PAGE_UP: select_row(l, l->sel - p, -1); break;
	case VG_ACT_PAGE_DOWN: select_row(l, l->sel + p, 1); break;
	case VG_ACT_HOME: select_row(l, 0, 1); break;
	case VG_ACT_END: select_row(l, (int)l->nmap - 1, -1); break;
	default: return VG_KEY_IGNORED;
	}
	/* End follows the newest row, as rows come. */
	l->follow = k->action == VG_ACT_END;
	return VG_KEY_HANDLED | VG_KEY_REDRAW;
}

static void filter_changed(struct vg_list *l)
{
	l->stale = true;
	if (!l->follow) {
		l->sel = 0;
		l->scroll = 0;
	}
}

/* The filter line: characters add, Backspace erases, Ctrl-U empties, Enter keeps the filter,
 * Esc drops it; the arrows still move; a key of the frame (a function key, Tab) closes the
 * line and goes on.  Raw keys: a letter bound on the screen is text here. */
static int filter_key(struct vg_list *l, const struct vg_key *k)
{
	size_t len = strlen(l->filter);

	if (vg_key_is_function(k) || (!k->code && k->ch == '\t') || (k->code && k->ch == KEY_BTAB)) {
		l->filtering = false;
		return VG_KEY_IGNORED;
	}
	if (!k->code && k->ch == 27) {
		l->filter[0] = '\0';
		l->filtering = false;
		filter_changed(l);
	} else if (vg_key_is_enter(k)) {
		l->filtering = false;
	} else if (vg_key_is_backspace(k)) {
		if (len == 0)
			return VG_KEY_HANDLED;
		l->filter[vg_ui_prev_char(l->filter, len)] = '\0';
		filter_changed(l);
	} else if (!k->code && k->ch == 21) {
		l->filter[0] = '\0';
		filter_changed(l);
	} else if (vg_key_is_text(k)) {
		char mb[VG_UI_CHAR_MAX];
		size_t n = vg_ui_encode_char(k->ch, mb);

		if (!n || len + n >= sizeof(l->filter))
			return VG_KEY_HANDLED;
		memcpy(l->filter + len, mb, n);
		l->filter[len + n] = '\0';
		filter_changed(l);
	} else if (k->code) {
		return move_selection(l, k) | VG_KEY_HANDLED;
	}
	return VG_KEY_HANDLED | VG_KEY_REDRAW;
}

int vg_list_key(struct vg_list *l, const struct vg_key *k)
{
	if (l->filtering)
		return filter_key(l, k);
	switch (k->action) {
	case VG_ACT_FILTER:
		if (!l->ops->text)
			return VG_KEY_IGNORED;
		l->filtering = true;
		return VG_KEY_HANDLED | VG_KEY_REDRAW;
	case VG_ACT_CANCEL:
		if (!l->filter[0])
			return VG_KEY_IGNORED;
		l->filter[0] = '\0';
		filter_changed(l);
		return VG_KEY_HANDLED | VG_KEY_REDRAW;
	default:
		return move_selection(l, k);
	}
}

int vg_list_click(struct vg_list *l, int y, int x)
{
	int row;

	if (l->rows <= 0 || y < l->top || y >= l->top + l->rows || x < l->left || x >= l->left + l->cols)
		return VG_LIST_MISS;
	sync(l);
	row = l->scroll + (y - l->top);
	if (l->viewer || row >= (int)l->nmap || !can_select(l, row))
		return VG_LIST_MISS;
	l->filtering = false;
	l->follow = false;
	if (row == l->sel)
		return VG_LIST_AGAIN;
	l->sel = row;
	return VG_LIST_SELECTED;
}

/* "Filter: text" at the end of the heading row, or on the list's last row; returns the
 * column after it (where the cursor goes while typing). */
static int draw_filter(const struct vg_list *l, int y, int left, int cols, attr_t attr)
{
	char line[VG_LIST_FILTER_MAX + 128];
	int w, x;

	/* "Filter: text" */
	snprintf(line, sizeof(line), _("%s: %s"), _(l->filter_label), l->filter);
	w = vg_ui_width(line);
	x = left + cols - w - 2;
	if (x < left + cols / 2)
		x = left + cols / 2;
	attrset(attr);
	vg_ui_fill(y, x, left + cols - x, attr);
	w = vg_ui_text(y, x, line, left + cols - x - 1);
	attrset(A_NORMAL);
	return x + w;
}

static void draw_columns(const struct vg_list_column *c, int y, int left, int cols)
{
	attrset(vg_ui_attr(VG_ROLE_HEADING));
	vg_ui_fill(y, left, cols, vg_ui_attr(VG_ROLE_HEADING));
	for (; c->title; c++)
		vg_ui_text(y, left + c->x, _(c->title), c->width ? c->width : cols - c->x - 1);
}

void vg_list_draw(struct vg_list *l, int top, int left, int rows, int cols)
{
	bool show_filter = l->filtering || l->filter[0];
	int cursor_y = -1, cursor_x = 0, n;

	sync(l);
	if ((l->ops->draw_heading || l->ops->columns) && rows > 0) {
		if (l->ops->draw_heading)
			l->ops->draw_heading(l->ctx, top, left, cols);
		else
			draw_columns(l->ops->columns, top, left, cols);
		attrset(A_NORMAL);
		if (show_filter) {
			cursor_y = top;
			cursor_x = draw_filter(l, top, left, cols, vg_ui_attr(VG_ROLE_HEADING));
		}
		top++;
		rows--;
	} else if (show_filter && rows > 1) {
		rows--;
		cursor_y = top + rows;
		cursor_x = draw_filter(l, top + rows, left, cols, vg_ui_attr(VG_ROLE_DIM));
	}
	l->top = top;
	l->left = left;
	l->rows = rows > 0 ? rows : 0;
	l->cols = cols;
	n = (int)l->nmap;
	if (l->viewer) {
		if (l->follow || l->scroll > max_scroll(l))
			l->scroll = max_scroll(l);
	} else {
		if (l->sel < l->scroll)
			l->scroll = l->sel;
		if (l->sel >= l->scroll + l->rows)
			l->scroll = l->sel - l->rows + 1;
		/* A list that shrank fills the view again. */
		if (l->scroll > max_scroll(l))
			l->scroll = max_scroll(l);
		if (l->scroll < 0)
			l->scroll = 0;
	}
	if (n == 0 && l->rows > 0) {
		const char *text = l->ops->count(l->ctx) == 0 ? l->empty : _(l->no_match);

		attrset(vg_ui_attr(VG_ROLE_DIM));
		vg_ui_text(top, left + 2, text, cols - 4);
		attrset(A_NORMAL);
	}
	for (int i = 0; i < l->rows && l->scroll + i < n; i++) {
		int row = l->scroll + i;
		bool selected = !l->viewer && row == l->sel && can_select(l, row);

		if (selected) {
			vg_ui_fill(top + i, left, cols, vg_ui_attr(VG_ROLE_SELECTED));
			attrset(vg_ui_attr(VG_ROLE_SELECTED));
		} else {
			attrset(A_NORMAL);
		}
		l->ops->draw_row(l->ctx, item_of(l, (size_t)row), top + i, left, cols, selected);
		attrset(A_NORMAL);
	}
	if (l->filtering && cursor_y >= 0) {
		move(cursor_y, cursor_x);
		curs_set(1);
	}
}

/* ---- Lines of text ---- */

static size_t text_count(void *ctx)
{
	const struct vg_text_lines *t = ctx;

	return t->n;
}

static void text_row(void *ctx, size_t i, int y, int x, int cols, bool selected)
{
	const struct vg_text_lines *t = ctx;

	(void)selected;
	if (i == 0 && t->heading)
		attrset(vg_ui_attr(VG_ROLE_HEADING));
	vg_ui_text(y, x + 1, t->lines[i], cols - 2);
}

static const char *text_line(void *ctx, size_t i, char *buf, size_t size)
{
	const struct vg_text_lines *t = ctx;

	(void)buf;
	(void)size;
	return t->lines[i];
}

const struct vg_list_ops vg_text_lines_ops = {
	.count = text_count,
	.draw_row = text_row,
	.text = text_line,
};
