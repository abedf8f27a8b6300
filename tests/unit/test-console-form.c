/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The console's form widget: a field just entered is replaced by what is typed, the arrows
 * edit it; a kept secret stays unless edited; Enter and Esc, by key and by mouse; labels in a
 * column of their own at every width. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "console-term.h"

static int submitted;

static void on_submit(void *ctx, struct vg_form *f)
{
	(void)ctx;
	(void)f;
	submitted++;
}

static int press(struct vg_form *f, wint_t ch, bool code)
{
	struct vg_key k = term_key(ch, code, "isolation");

	return vg_form_key(f, &k);
}

static void type(struct vg_form *f, const char *s)
{
	for (; *s; s++)
		press(f, (wint_t)(unsigned char)*s, false);
}

static void open_port(struct vg_form *f)
{
	vg_form_open(f, " Change link.port ", on_submit, NULL);
	vg_form_add(f, "Value", "443", false);
}

static int setup(void **state)
{
	(void)state;
	term_start(100, 30);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	term_stop();
	return 0;
}

/* link.port 443, type 0: the value is 0, not 4430. */
static void test_typing_replaces_a_field_just_entered(void **state)
{
	struct vg_form f;

	(void)state;
	open_port(&f);
	type(&f, "0");
	assert_string_equal(vg_form_value(&f, 0), "0");
	/* Then it inserts. */
	type(&f, "8");
	assert_string_equal(vg_form_value(&f, 0), "08");
	vg_form_close(&f);
	/* The same after Tab: the next field is entered with its value selected. */
	vg_form_open(&f, " Add an exception ", on_submit, NULL);
	vg_form_add(&f, "Direction (in, out, both)", "both", false);
	vg_form_add(&f, "Protocol (tcp, udp, icmp, icmpv6, any)", "any", false);
	press(&f, '\t', false);
	type(&f, "tcp");
	assert_string_equal(vg_form_value(&f, 1), "tcp");
	assert_string_equal(vg_form_value(&f, 0), "both");
	/* Shift-Tab back: selected again. */
	press(&f, KEY_BTAB, true);
	type(&f, "out");
	assert_string_equal(vg_form_value(&f, 0), "out");
	vg_form_close(&f);
}

/* After an arrow, Home or End the value stays and is edited where the cursor is. */
static void test_arrows_keep_the_value(void **state)
{
	struct vg_form f;

	(void)state;
	open_port(&f);
	press(&f, KEY_END, true);
	type(&f, "0");
	assert_string_equal(vg_form_value(&f, 0), "4430");
	vg_form_close(&f);
	open_port(&f);
	press(&f, KEY_LEFT, true);
	type(&f, "1");
	assert_string_equal(vg_form_value(&f, 0), "1443");
	vg_form_close(&f);
	open_port(&f);
	press(&f, KEY_RIGHT, true);
	press(&f, KEY_LEFT, true);
	press(&f, KEY_BACKSPACE, true);
	assert_string_equal(vg_form_value(&f, 0), "43");
	vg_form_close(&f);
	open_port(&f);
	press(&f, KEY_HOME, true);
	press(&f, KEY_DC, true);
	assert_string_equal(vg_form_value(&f, 0), "43");
	vg_form_close(&f);
}

/* Backspace or Delete on the selected value empties it; Ctrl-U empties the field anywhere. */
static void test_erasing_a_selected_value(void **state)
{
	struct vg_form f;

	(void)state;
	open_port(&f);
	press(&f, 127, false);
	assert_string_equal(vg_form_value(&f, 0), "");
	vg_form_close(&f);
	open_port(&f);
	press(&f, KEY_DC, true);
	assert_string_equal(vg_form_value(&f, 0), "");
	press(&f, 0xE9, false); /* é */
	press(&f, '2', false);
	press(&f, KEY_LEFT, true);
	press(&f, KEY_BACKSPACE, true);
	assert_string_equal(vg_form_value(&f, 0), "2");
	press(&f, 21, false);
	assert_string_equal(vg_form_value(&f, 0), "");
	vg_form_close(&f);
}

/* A stored password that is never shown: left alone it is kept; typed, replaced; emptied, none. */
static void test_kept_secret(void **state)
{
	struct vg_form f;

	(void)state;
	vg_form_open(&f, " Proxy ", on_submit, NULL);
	vg_form_add(&f, "User", "bob", false);
	vg_form_add_kept(&f, "Password", true);
	vg_form_add(&f, "Bypass", "localhost", false);
	assert_true(vg_form_kept(&f, 1));
	/* Going through it, or moving in it, keeps it. */
	press(&f, '\t', false);
	press(&f, KEY_END, true);
	press(&f, KEY_LEFT, true);
	press(&f, '\t', false);
	type(&f, "10.0.0.1");
	assert_true(vg_form_kept(&f, 1));
	assert_string_equal(vg_form_value(&f, 2), "10.0.0.1");
	press(&f, KEY_UP, true);
	type(&f, "pw");
	assert_false(vg_form_kept(&f, 1));
	assert_string_equal(vg_form_value(&f, 1), "pw");
	vg_form_close(&f);
	/* Emptied: no password. */
	vg_form_open(&f, " Proxy ", on_submit, NULL);
	vg_form_add_kept(&f, "Password", true);
	press(&f, KEY_BACKSPACE, true);
	assert_false(vg_form_kept(&f, 0));
	assert_string_equal(vg_form_value(&f, 0), "");
	vg_form_close(&f);
	/* Nothing stored: nothing to keep. */
	vg_form_open(&f, " Proxy ", on_submit, NULL);
	vg_form_add_kept(&f, "Password", false);
	assert_false(vg_form_kept(&f, 0));
	vg_form_close(&f);
}

/* Enter submits, Esc closes and wipes; while the agent is asked the form waits; function keys
 * are the frame's. */
static void test_enter_esc_busy(void **state)
{
	struct vg_form f;
	const char zero[VG_FIELD_MAX] = { 0 };

	(void)state;
	submitted = 0;
	open_port(&f);
	assert_int_equal(press(&f, '\r', false), VG_KEY_HANDLED | VG_KEY_REDRAW);
	assert_int_equal(submitted, 1);
	f.busy = true;
	type(&f, "9");
	press(&f, '\r', false);
	assert_int_equal(submitted, 1);
	assert_string_equal(vg_form_value(&f, 0), "443");
	assert_int_equal(press(&f, KEY_F(4), true), VG_KEY_IGNORED);
	press(&f, 27, false);
	assert_true(f.open);
	f.busy = false;
	press(&f, 27, false);
	assert_false(f.open);
	assert_memory_equal(f.fields[0].value, zero, sizeof(zero));
	/* A closed form takes no key. */
	assert_int_equal(press(&f, 'a', false), VG_KEY_IGNORED);
}

/* The labels stand in a column of their own: at every width each label is drawn whole (or cut
 * with a mark when the screen has no room), and the values start after it, never on it. */
static void test_labels_never_overlap_values(void **state)
{
	static const char *const labels[] = {
		"Direction (in, out, both)", "Protocol (tcp, udp, icmp, icmpv6, any)", "Remote address[/prefix]",
		"Remote port (N or N-M)",    "Local port (N or N-M)",                  "Comment",
	};
	static const int widths[][2] = { { 80, 24 }, { 100, 30 }, { 132, 43 }, { 200, 50 }, { 60, 24 } };
	struct vg_form f;

	(void)state;
	for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++) {
		struct vg_view v = { .top = 1, .left = 0, .rows = widths[w][1] - 3, .cols = widths[w][0] };
		char row[512];

		resize_term(widths[w][1], widths[w][0]);
		erase();
		vg_form_open(&f, " Add an exception ", on_submit, NULL);
		for (size_t i = 0; i < 6; i++)
			vg_form_add(&f, labels[i], i == 1 ? "any" : "both", false);
		vg_form_draw(&f, &v);
		for (size_t i = 0; i < 6; i++) {
			const struct vg_field *fl = &f.fields[i];
			const char *line = term_row(fl->y, row, sizeof(row));
			size_t at = (size_t)f.box_x + 2;

			assert_true(strlen(line) > (size_t)fl->x);
			/* The value is at its column, whole. */
			assert_memory_equal(line + fl->x, i == 1 ? "any" : "both", i == 1 ? 3 : 4);
			if (strncmp(line + at, labels[i], strlen(labels[i])) == 0) {
				/* On the same row: a blank at least between them. */
				assert_true(at + strlen(labels[i]) < (size_t)fl->x);
				for (size_t c = at + strlen(labels[i]); c < (size_t)fl->x; c++)
					assert_int_equal(line[c], ' ');
			} else {
				/* On the row above, alone. */
				line = term_row(fl->y - 1, row, sizeof(row));
				assert_memory_equal(line + at, labels[i], strlen(labels[i]));
			}
			/* All the values start in one column. */
			assert_int_equal(fl->x, f.fields[0].x);
		}
		vg_form_close(&f);
	}
	resize_term(30, 100);
}

/* The mouse: a click on a field enters it (selected), in the focused field it moves the
 * cursor; the words at the bottom save and cancel. */
static void test_clicks(void **state)
{
	struct vg_view v = { .top = 1, .left = 0, .rows = 27, .cols = 100 };
	struct vg_form f;

	(void)state;
	submitted = 0;
	erase();
	vg_form_open(&f, " Add an exception ", on_submit, NULL);
	vg_form_add(&f, "Direction", "both", false);
	vg_form_add(&f, "Protocol", "any", false);
	vg_form_draw(&f, &v);
	assert_int_equal(vg_form_click(&f, f.fields[1].y, f.fields[1].x + 1), VG_KEY_HANDLED | VG_KEY_REDRAW);
	assert_int_equal(f.focus, 1);
	type(&f, "udp");
	assert_string_equal(vg_form_value(&f, 1), "udp");
	vg_form_click(&f, f.fields[0].y, f.fields[0].x + 2);
	assert_int_equal(f.focus, 0);
	/* A second click in the focused field puts the cursor on the character clicked. */
	vg_form_click(&f, f.fields[0].y, f.fields[0].x + 2);
	type(&f, "X");
	assert_string_equal(vg_form_value(&f, 0), "boXth");
	vg_form_draw(&f, &v);
	vg_form_click(&f, f.keys_y, f.save_x[0]);
	assert_int_equal(submitted, 1);
	assert_true(f.open);
	vg_form_click(&f, f.keys_y, f.cancel_x[1] - 1);
	assert_false(f.open);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_typing_replaces_a_field_just_entered),
		cmocka_unit_test(test_arrows_keep_the_value),
		cmocka_unit_test(test_erasing_a_selected_value),
		cmocka_unit_test(test_kept_secret),
		cmocka_unit_test(test_enter_esc_busy),
		cmocka_unit_test(test_labels_never_overlap_values),
		cmocka_unit_test(test_clicks),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
