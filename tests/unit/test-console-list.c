/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The console's list widget: page keys and scrolling, the "/" filter, clicks on rows, rows
 * that follow the newest, rows that cannot be selected, and a text to read (viewer). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "console-term.h"

#define MAX_ITEMS 200

struct items {
	char name[MAX_ITEMS][32];
	size_t n;
	bool locked[MAX_ITEMS];   /* not selectable */
	bool hidden[MAX_ITEMS];
};

static size_t count(void *ctx)
{
	return ((struct items *)ctx)->n;
}

static void draw_row(void *ctx, size_t i, int y, int x, int cols, bool selected)
{
	struct items *it = ctx;
	char buf[64];

	snprintf(buf, sizeof(buf), "%s%s", selected ? ">" : " ", it->name[i]);
	vg_ui_text(y, x, buf, cols);
}

static void draw_heading(void *ctx, int y, int x, int cols)
{
	(void)ctx;
	vg_ui_text(y, x, "Name", cols);
}

static const char *text(void *ctx, size_t i, char *buf, size_t size)
{
	(void)buf;
	(void)size;
	return ((struct items *)ctx)->name[i];
}

static bool selectable(void *ctx, size_t i)
{
	return !((struct items *)ctx)->locked[i];
}

static bool visible(void *ctx, size_t i)
{
	return !((struct items *)ctx)->hidden[i];
}

static const struct vg_list_ops ops = {
	.count = count, .draw_row = draw_row, .draw_heading = draw_heading, .text = text, .selectable = selectable,
};
static const struct vg_list_ops plain_ops = { .count = count, .draw_row = draw_row, .text = text };
static const struct vg_list_ops hiding_ops = { .count = count, .draw_row = draw_row, .visible = visible };

static void fill(struct items *it, size_t n)
{
	memset(it, 0, sizeof(*it));
	for (size_t i = 0; i < n; i++)
		snprintf(it->name[i], sizeof(it->name[i]), "item-%03zu", i);
	it->n = n;
}

static int press(struct vg_list *l, wint_t ch, bool code)
{
	struct vg_key k = term_key(ch, code, "settings");

	return vg_list_key(l, &k);
}

static void type(struct vg_list *l, const char *s)
{
	for (; *s; s++)
		press(l, (wint_t)(unsigned char)*s, false);
}

static int setup(void **state)
{
	(void)state;
	term_start(80, 24);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	term_stop();
	return 0;
}

/* A list of 100 rows shown 10 at a time (and its heading): the page keys move by 10, and the
 * view scrolls to keep the selection in it. */
static void test_page_keys_scroll_past_a_page(void **state)
{
	struct items it;
	struct vg_list l;
	char row[256];

	(void)state;
	fill(&it, 100);
	vg_list_init(&l, &ops, &it);
	vg_list_draw(&l, 0, 0, 11, 80);
	assert_string_equal(term_row(0, row, sizeof(row)), "Name");
	assert_string_equal(term_row(1, row, sizeof(row)), ">item-000");
	assert_string_equal(term_row(10, row, sizeof(row)), " item-009");
	assert_int_equal(press(&l, KEY_NPAGE, true), VG_KEY_HANDLED | VG_KEY_REDRAW);
	assert_int_equal(vg_list_selected(&l), 10);
	erase();
	vg_list_draw(&l, 0, 0, 11, 80);
	/* The first row scrolled out; the selected one is the last in view. */
	assert_string_equal(term_row(1, row, sizeof(row)), " item-001");
	assert_string_equal(term_row(10, row, sizeof(row)), ">item-010");
	press(&l, KEY_END, true);
	assert_int_equal(vg_list_selected(&l), 99);
	erase();
	vg_list_draw(&l, 0, 0, 11, 80);
	assert_string_equal(term_row(10, row, sizeof(row)), ">item-099");
	assert_string_equal(term_row(1, row, sizeof(row)), " item-090");
	press(&l, KEY_PPAGE, true);
	assert_int_equal(vg_list_selected(&l), 89);
	press(&l, KEY_HOME, true);
	assert_int_equal(vg_list_selected(&l), 0);
	/* k and j are Up and Down too; Up stops at the first row. */
	press(&l, 'k', false);
	assert_int_equal(vg_list_selected(&l), 0);
	press(&l, 'j', false);
	press(&l, KEY_DOWN, true);
	assert_int_equal(vg_list_selected(&l), 2);
	/* Keys that are not the list's are left to the screen. */
	assert_int_equal(press(&l, 'x', false), VG_KEY_IGNORED);
	vg_list_fini(&l);
}

/* "/" opens the filter line: what is typed narrows the rows (any case), letters bound on the
 * screen are text there, Enter keeps the filter, Esc drops it. */
static void test_filter_narrows_the_rows(void **state)
{
	struct items it;
	struct vg_list l;
	char row[256];

	(void)state;
	fill(&it, 100);
	vg_list_init(&l, &ops, &it);
	press(&l, KEY_DOWN, true);
	assert_int_equal(press(&l, '/', false), VG_KEY_HANDLED | VG_KEY_REDRAW);
	assert_true(l.filtering);
	type(&l, "ITEM-05");
	assert_int_equal(vg_list_count(&l), 10);
	assert_int_equal(vg_list_selected(&l), 50);
	erase();
	vg_list_draw(&l, 0, 0, 11, 80);
	assert_non_null(strstr(term_row(0, row, sizeof(row)), "Filter: ITEM-05"));
	assert_string_equal(term_row(1, row, sizeof(row)), ">item-050");
	assert_string_equal(term_row(10, row, sizeof(row)), " item-059");
	/* Backspace erases; 'q' (quit elsewhere) and 'e' (edit on this screen) are text here. */
	press(&l, KEY_BACKSPACE, true);
	press(&l, 'q', false);
	press(&l, 'e', false);
	assert_string_equal(l.filter, "ITEM-0qe");
	assert_int_equal(vg_list_count(&l), 0);
	assert_int_equal(vg_list_selected(&l), -1);
	erase();
	vg_list_draw(&l, 0, 0, 11, 80);
	assert_non_null(strstr(term_row(1, row, sizeof(row)), "Nothing matches the filter."));
	press(&l, 21, false);
	type(&l, "7");
	press(&l, '\r', false);
	assert_false(l.filtering);
	assert_int_equal(vg_list_count(&l), 19);
	/* Closed, the line keeps the filter and the keys move again. */
	press(&l, KEY_DOWN, true);
	assert_int_equal(vg_list_selected(&l), 17);
	assert_int_equal(press(&l, 27, false), VG_KEY_HANDLED | VG_KEY_REDRAW);
	assert_int_equal(vg_list_count(&l), 100);
	/* With no filter, Esc is the screen's. */
	assert_int_equal(press(&l, 27, false), VG_KEY_IGNORED);
	/* A function key closes the line and goes on to the frame. */
	press(&l, '/', false);
	assert_int_equal(press(&l, KEY_F(2), true), VG_KEY_IGNORED);
	assert_false(l.filtering);
	vg_list_fini(&l);
}

/* A list without a text to filter leaves "/" alone. */
static void test_no_filter_without_text(void **state)
{
	struct items it;
	struct vg_list l;
	const struct vg_list_ops no_text = { .count = count, .draw_row = draw_row };

	(void)state;
	fill(&it, 5);
	vg_list_init(&l, &no_text, &it);
	assert_int_equal(press(&l, '/', false), VG_KEY_IGNORED);
	assert_false(l.filtering);
	vg_list_fini(&l);
}

/* A click on a row selects it, a second click on it says "again"; the heading, the rows
 * under the last item and the columns outside the list are not rows. */
static void test_click_selects_a_row(void **state)
{
	struct items it;
	struct vg_list l;

	(void)state;
	fill(&it, 100);
	vg_list_init(&l, &ops, &it);
	vg_list_draw(&l, 2, 0, 11, 60);
	press(&l, KEY_NPAGE, true);
	press(&l, KEY_NPAGE, true);
	erase();
	vg_list_draw(&l, 2, 0, 11, 60);
	assert_int_equal(l.scroll, 11);
	assert_int_equal(vg_list_click(&l, 5, 7), VG_LIST_SELECTED);
	assert_int_equal(vg_list_selected(&l), 11 + 2);
	assert_int_equal(vg_list_click(&l, 5, 7), VG_LIST_AGAIN);
	assert_int_equal(vg_list_click(&l, 2, 7), VG_LIST_MISS);
	assert_int_equal(vg_list_click(&l, 5, 70), VG_LIST_MISS);
	assert_int_equal(vg_list_click(&l, 13, 7), VG_LIST_MISS);
	assert_int_equal(vg_list_selected(&l), 13);
	fill(&it, 3);
	vg_list_changed(&l);
	erase();
	vg_list_draw(&l, 2, 0, 11, 60);
	assert_int_equal(vg_list_selected(&l), 2);
	assert_int_equal(vg_list_click(&l, 7, 1), VG_LIST_MISS);
	assert_int_equal(vg_list_click(&l, 3, 1), VG_LIST_SELECTED);
	assert_int_equal(vg_list_selected(&l), 0);
	vg_list_fini(&l);
}

/* End follows the newest row as rows come; moving away stops it. */
static void test_end_follows_new_rows(void **state)
{
	struct items it;
	struct vg_list l;

	(void)state;
	fill(&it, 5);
	vg_list_init(&l, &plain_ops, &it);
	press(&l, KEY_END, true);
	assert_int_equal(vg_list_selected(&l), 4);
	fill(&it, 8);
	vg_list_changed(&l);
	assert_int_equal(vg_list_selected(&l), 7);
	press(&l, KEY_UP, true);
	fill(&it, 12);
	vg_list_changed(&l);
	assert_int_equal(vg_list_selected(&l), 6);
	/* Following, a filter keeps the newest matching row. */
	press(&l, KEY_END, true);
	press(&l, '/', false);
	type(&l, "item-00");
	assert_int_equal(vg_list_selected(&l), 9);
	vg_list_fini(&l);
}

/* Rows that cannot be selected are stepped over, both ways. */
static void test_rows_that_cannot_be_selected(void **state)
{
	struct items it;
	struct vg_list l;

	(void)state;
	fill(&it, 8);
	it.locked[0] = it.locked[3] = it.locked[4] = it.locked[7] = true;
	vg_list_init(&l, &ops, &it);
	assert_int_equal(vg_list_selected(&l), 1);
	press(&l, KEY_DOWN, true);
	press(&l, KEY_DOWN, true);
	assert_int_equal(vg_list_selected(&l), 5);
	press(&l, KEY_UP, true);
	assert_int_equal(vg_list_selected(&l), 2);
	press(&l, KEY_END, true);
	assert_int_equal(vg_list_selected(&l), 6);
	press(&l, KEY_HOME, true);
	assert_int_equal(vg_list_selected(&l), 1);
	vg_list_draw(&l, 0, 0, 9, 80);
	assert_int_equal(vg_list_click(&l, 4, 0), VG_LIST_MISS);
	vg_list_fini(&l);
}

/* Items that visible() hides are not rows. */
static void test_hidden_items(void **state)
{
	struct items it;
	struct vg_list l;

	(void)state;
	fill(&it, 10);
	for (size_t i = 0; i < 10; i += 2)
		it.hidden[i] = true;
	vg_list_init(&l, &hiding_ops, &it);
	assert_int_equal(vg_list_count(&l), 5);
	assert_int_equal(vg_list_selected(&l), 1);
	assert_int_equal(vg_list_item(&l, 4), 9);
	vg_list_select(&l, 7);
	press(&l, KEY_DOWN, true);
	assert_int_equal(vg_list_selected(&l), 9);
	vg_list_fini(&l);
}

/* A viewer has no selection: the keys scroll the text, End stays at the end as lines come. */
static void test_viewer_scrolls(void **state)
{
	struct items it;
	struct vg_list l;
	char row[256];

	(void)state;
	fill(&it, 30);
	vg_list_init(&l, &plain_ops, &it);
	l.viewer = true;
	vg_list_draw(&l, 0, 0, 10, 80);
	assert_int_equal(vg_list_selected(&l), -1);
	press(&l, KEY_DOWN, true);
	assert_int_equal(l.scroll, 1);
	press(&l, KEY_NPAGE, true);
	assert_int_equal(l.scroll, 11);
	press(&l, KEY_NPAGE, true);
	assert_int_equal(l.scroll, 20);
	press(&l, KEY_HOME, true);
	press(&l, KEY_END, true);
	fill(&it, 45);
	vg_list_changed(&l);
	erase();
	vg_list_draw(&l, 0, 0, 10, 80);
	assert_int_equal(l.scroll, 35);
	assert_string_equal(term_row(9, row, sizeof(row)), " item-044");
	assert_int_equal(vg_list_click(&l, 3, 3), VG_LIST_MISS);
	vg_list_fini(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_page_keys_scroll_past_a_page),
		cmocka_unit_test(test_filter_narrows_the_rows),
		cmocka_unit_test(test_no_filter_without_text),
		cmocka_unit_test(test_click_selects_a_row),
		cmocka_unit_test(test_end_follows_new_rows),
		cmocka_unit_test(test_rows_that_cannot_be_selected),
		cmocka_unit_test(test_hidden_items),
		cmocka_unit_test(test_viewer_scrolls),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
