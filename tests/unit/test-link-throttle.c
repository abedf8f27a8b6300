/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Send-side throttling: per hour, per type share, exempt classes, the hour rolling over. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "link/link.h"

static void test_share_and_total(void **state)
{
	struct vg_link_throttle t = { 0 };
	int64_t now = 1000000;
	unsigned sent_a = 0, sent_b = 0;

	(void)state;
	/* 100 per hour, 15 % per type: 15 of type A, 15 of type B. */
	for (int i = 0; i < 50; i++) {
		sent_a += vg_link_throttle_allow(&t, 1007, 100701, true, 100, 15, now);
		sent_b += vg_link_throttle_allow(&t, 4001, 400101, true, 100, 15, now);
	}
	assert_int_equal(sent_a, 15);
	assert_int_equal(sent_b, 15);
	assert_int_equal(t.held, 70);
}

static void test_exempt(void **state)
{
	struct vg_link_throttle t = { 0 };

	(void)state;
	for (int i = 0; i < 1000; i++) {
		assert_true(vg_link_throttle_allow(&t, 2004, 200401, true, 10, 10, 5000));
		assert_true(vg_link_throttle_allow(&t, 7003, 700301, true, 10, 10, 5000));
	}
	assert_int_equal(t.sent, 0);
}

static void test_hour_rolls(void **state)
{
	struct vg_link_throttle t = { 0 };
	int64_t now = 10 * 3600 * 1000LL;

	(void)state;
	assert_true(vg_link_throttle_allow(&t, 1007, 1, true, 1, 100, now));
	assert_false(vg_link_throttle_allow(&t, 1007, 1, true, 1, 100, now + 1000));
	assert_true(vg_link_throttle_allow(&t, 1007, 1, true, 1, 100, now + 3600 * 1000LL));
}

static void test_limits_off(void **state)
{
	struct vg_link_throttle t = { 0 };

	(void)state;
	for (int i = 0; i < 100; i++)
		assert_true(vg_link_throttle_allow(&t, 1007, 1, false, 1, 1, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_share_and_total),
		cmocka_unit_test(test_exempt),
		cmocka_unit_test(test_hour_rolls),
		cmocka_unit_test(test_limits_off),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
