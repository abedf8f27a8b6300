/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Control protocol framing: whole lines out, bounded, NUL and oversize detected. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "linebuf.h"

static void test_lines_split_across_feeds(void **state)
{
	struct vg_linebuf lb;
	char *line;
	size_t len;

	(void)state;
	vg_linebuf_init(&lb, 64);
	assert_int_equal(vg_linebuf_feed(&lb, "{\"a\":", 5), 0);
	assert_int_equal(vg_linebuf_next(&lb, &line, &len), 0);
	assert_int_equal(vg_linebuf_feed(&lb, "1}\n{\"b\":2}\r\npartial", 19), 0);
	assert_int_equal(vg_linebuf_next(&lb, &line, &len), 1);
	assert_string_equal(line, "{\"a\":1}");
	assert_int_equal(len, 7);
	assert_int_equal(vg_linebuf_next(&lb, &line, &len), 1);
	assert_string_equal(line, "{\"b\":2}");
	assert_int_equal(vg_linebuf_next(&lb, &line, &len), 0);
	assert_int_equal(vg_linebuf_feed(&lb, "\n", 1), 0);
	assert_int_equal(vg_linebuf_next(&lb, &line, &len), 1);
	assert_string_equal(line, "partial");
	vg_linebuf_fini(&lb);
}

static void test_oversized_line_is_refused_early(void **state)
{
	struct vg_linebuf lb;
	char big[200];
	char *line;
	size_t len, room;

	(void)state;
	memset(big, 'x', sizeof(big));
	vg_linebuf_init(&lb, 64);
	/* Feeding more than the maximum without a newline is refused at once... */
	assert_int_equal(vg_linebuf_feed(&lb, big, sizeof(big)), -EMSGSIZE);
	vg_linebuf_fini(&lb);
	/* ...and through the read interface the buffer never grows past max + 1. */
	vg_linebuf_init(&lb, 64);
	for (int i = 0; i < 10; i++) {
		char *p = vg_linebuf_space(&lb, &room);

		if (!p)
			break;
		memset(p, 'y', room);
		vg_linebuf_commit(&lb, room);
	}
	assert_true(lb.cap <= 65);
	assert_int_equal(vg_linebuf_next(&lb, &line, &len), -EMSGSIZE);
	vg_linebuf_fini(&lb);
}

static void test_exact_maximum_and_nul(void **state)
{
	struct vg_linebuf lb;
	char msg[64];
	char *line;
	size_t len;

	(void)state;
	vg_linebuf_init(&lb, 64);
	memset(msg, 'z', 63);
	msg[63] = '\n';
	assert_int_equal(vg_linebuf_feed(&lb, msg, 64), 0);
	assert_int_equal(vg_linebuf_next(&lb, &line, &len), 1);
	assert_int_equal(len, 63);
	assert_int_equal(vg_linebuf_feed(&lb, "a\0b\n", 4), 0);
	assert_int_equal(vg_linebuf_next(&lb, &line, &len), -EPROTO);
	vg_linebuf_fini(&lb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines_split_across_feeds),
		cmocka_unit_test(test_oversized_line_is_refused_early),
		cmocka_unit_test(test_exact_maximum_and_nul),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
