/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The console's screen table (screens.c) and key table (keys.c) agree: every screen has a
 * name, a class and a key that shows it, every key names screens that exist, and a key means
 * on a screen what the table says. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "console-term.h"

static void test_tables_agree(void **state)
{
	char msg[256] = "";

	(void)state;
	if (vg_console_check_tables(msg, sizeof(msg)) < 0)
		fail_msg("%s", msg);
	assert_true(vg_console_screen_count() >= 10);
	assert_true(vg_console_screen_count() <= VG_CONSOLE_MAX_SCREENS);
	assert_null(vg_console_screen(vg_console_screen_count()));
	for (size_t i = 0; i < vg_console_screen_count(); i++) {
		const struct vg_screen *s = vg_console_screen(i);

		assert_int_equal(vg_console_screen_find(s->name), (int)i);
		assert_string_not_equal(vg_console_key_for(VG_ACT_GOTO, 0, s->name), "");
	}
	assert_int_equal(vg_console_screen_find("no-such-screen"), -1);
	assert_int_equal(vg_console_screen_find(VG_SCOPE_FORM), -1);
}

static void test_keys_resolve_per_screen(void **state)
{
	struct vg_key k;

	(void)state;
	k = term_key(KEY_F(9), true, "dashboard");
	assert_int_equal(k.action, VG_ACT_GOTO);
	assert_string_equal(k.target, "settings");
	assert_string_equal(vg_console_key_for(VG_ACT_GOTO, 0, "settings"), "F9");
	/* A screen's own key wins over the global one. */
	k = term_key('e', false, "settings");
	assert_int_equal(k.action, VG_ACT_ACTIVATE);
	k = term_key('h', false, "settings");
	assert_int_equal(k.action, VG_ACT_GOTO);
	assert_string_equal(k.target, "history");
	k = term_key('x', false, "tasks");
	assert_int_equal(k.action, VG_ACT_COMMAND);
	assert_int_equal(k.arg, VG_UI_RUN);
	k = term_key('x', false, "exclusions");
	assert_int_equal(k.arg, VG_UI_REMOVE);
	k = term_key('x', false, "dashboard");
	assert_int_equal(k.action, VG_ACT_NONE);
	/* "/" filters the list on every screen. */
	k = term_key('/', false, "history");
	assert_int_equal(k.action, VG_ACT_FILTER);
	k = term_key('q', false, "ioc");
	assert_int_equal(k.action, VG_ACT_QUIT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tables_agree),
		cmocka_unit_test(test_keys_resolve_per_screen),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
