/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The list widget every screen uses, after htop's Panel: the screen keeps its items and says
 * how many there are and how to draw one row; the list keeps the selection, the scrolling, the
 * movement and page keys, the clicks on rows, and the "/" filter line.
 *
 * A screen gives the list first look at each key (vg_list_key) and acts on what the list
 * leaves (Enter, its own commands); on a click it asks vg_list_click whether a row was hit.
 * It calls vg_list_changed when its items change, and draws the list after the rest of its
 * body (before a form): while the filter line is open the cursor is left at its end.
 */
#ifndef VIGIL_TUI_LIST_H
#define VIGIL_TUI_LIST_H

#include <stdbool.h>
#include <stddef.h>

#include "keys.h"

#define VG_LIST_FILTER_MAX 256

/* A column of the heading: its title (N_()) from column x of the list, width columns wide
 * (0: to the end of the row). */
struct vg_list_column {
	const char *title;
	int x, width;
};

/* What the screen supplies.  Only count and draw_row are required. */
struct vg_list_ops {
	size_t (*count)(void *ctx);
	/* Draws item on row y from column x in cols columns.  A selected row is already filled
	 * and its attributes set; the callback sets its own for the others. */
	void (*draw_row)(void *ctx, size_t item, int y, int x, int cols, bool selected);
	/* The heading row above the items: column titles (ended by one without a title), or a
	 * function that draws it; the list adds the filter at its end. */
	const struct vg_list_column *columns;
	void (*draw_heading)(void *ctx, int y, int x, int cols);
	/* The text the filter looks in, into buf (NULL: the item never matches a filter).
	 * Without it the list has no filter. */
	const char *(*text)(void *ctx, size_t item, char *buf, size_t size);
	/* False hides an item whatever the filter says (the telemetry's type switches). */
	bool (*visible)(void *ctx, size_t item);
	/* False for a row that cannot be selected (a blank line, a sub-heading). */
	bool (*selectable)(void *ctx, size_t item);
};

struct vg_list {
	const struct vg_list_ops *ops;
	void *ctx;
	/* Set by the screen. */
	bool viewer;              /* a text to read: no selection, the keys move the view */
	const char *filter_label; /* N_(): what the filter line is called ("Filter") */
	const char *no_match;     /* N_(): when the filter hides every item */
	const char *empty;        /* translated: when there is no item at all (NULL: nothing) */
	/* The state. */
	int sel;                  /* the selected row, among the rows shown */
	int scroll;               /* the first row in view */
	bool follow;              /* the selection (a viewer: the view) stays on the last row */
	char filter[VG_LIST_FILTER_MAX];
	bool filtering;           /* the filter line is open: the keys go to it */
	/* Where the rows were drawn last (heading and filter line aside). */
	int top, left, rows, cols;
	/* The rows shown, as item indexes, when a filter or visible() hides some. */
	size_t *map, nmap, mapsize;
	size_t nitems;            /* the items when the map was made */
	bool mapped, stale;
};

enum { VG_LIST_MISS, VG_LIST_SELECTED, VG_LIST_AGAIN };

/* Lines of text to read in a list (a detail pane, set .viewer): the list's ctx is a struct
 * vg_text_lines, the ops are vg_text_lines_ops.  The screen owns the lines. */
struct vg_text_lines {
	char **lines;
	size_t n;
	bool heading;             /* the first line is drawn as a heading */
};
extern const struct vg_list_ops vg_text_lines_ops;

/* Starts an empty list over the screen's items (ops is kept, not copied). */
void vg_list_init(struct vg_list *l, const struct vg_list_ops *ops, void *ctx);
void vg_list_fini(struct vg_list *l);
/* The items changed (added, removed, reordered): the rows are worked out again. */
void vg_list_changed(struct vg_list *l);
/* Back to the first row, no filter, not following. */
void vg_list_reset(struct vg_list *l);
/* The number of rows shown (the items that pass the filter). */
size_t vg_list_count(struct vg_list *l);
/* The selected item, or -1 (no row, or a viewer). */
long vg_list_selected(struct vg_list *l);
/* Selects item (when it is shown); the view follows at the next draw. */
void vg_list_select(struct vg_list *l, size_t item);
/* The item shown on row (0 the first), or -1. */
long vg_list_item(struct vg_list *l, size_t row);
/* A key: movement, page keys, "/" (when the list has a filter), Esc on a filter, and every
 * key while the filter line is open.  Returns VG_KEY_* flags; VG_KEY_IGNORED leaves the key
 * to the screen. */
int vg_list_key(struct vg_list *l, const struct vg_key *k);
/* A click at screen row y: VG_LIST_MISS (not on a row of the list), VG_LIST_SELECTED (the row
 * is now selected), VG_LIST_AGAIN (the row was already selected: open it). */
int vg_list_click(struct vg_list *l, int y, int x);
/* Draws the heading (when the list has one), the rows in view and the filter, in the rows
 * from top; keeps the selection in view. */
void vg_list_draw(struct vg_list *l, int top, int left, int rows, int cols);

#endif
