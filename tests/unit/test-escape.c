/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Escaping for the terminal (common/escape.c): controls escaped, UTF-8 kept, pieces joined. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "escape.h"

struct out {
	char text[512];
	size_t len;
};

static void collect(const char *text, size_t len, void *data)
{
	struct out *o = data;

	assert_true(o->len + len < sizeof(o->text));
	memcpy(o->text + o->len, text, len);
	o->len += len;
	o->text[o->len] = '\0';
}

/* Escapes text fed in pieces of step bytes. */
static const char *escape(struct out *o, const char *text, size_t len, size_t step)
{
	struct vg_escape esc = { 0 };

	o->len = 0;
	o->text[0] = '\0';
	for (size_t at = 0; at < len; at += step)
		vg_escape_feed(&esc, text + at, len - at < step ? len - at : step, collect, o);
	vg_escape_finish(&esc, collect, o);
	return o->text;
}

static void test_controls_escaped(void **state)
{
	static const char title[] = "x\033]0;pwned\007.conf\r\b\x7f";
	struct out o;

	(void)state;
	for (size_t step = 1; step <= sizeof(title); step++)
		assert_string_equal(escape(&o, title, sizeof(title) - 1, step),
				    "x\\x1b]0;pwned\\x07.conf\\x0d\\x08\\x7f");
	assert_string_equal(escape(&o, "a\tb\nc", 5, 64), "a\tb\nc");
}

static void test_utf8_kept_c1_escaped(void **state)
{
	/* é, €, 😀 pass; U+009B (CSI in one character) does not; nor does a lone byte. */
	static const char text[] = "\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xc2\x9b" "31m \xff\x80 \xe2\x82";
	struct out o;

	(void)state;
	for (size_t step = 1; step <= sizeof(text); step++)
		assert_string_equal(escape(&o, text, sizeof(text) - 1, step),
				    "\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \\u009b31m \\xff\\x80 \\xe2\\x82");
	/* A lead byte cut short by a control: both are escaped, in order. */
	assert_string_equal(escape(&o, "\xe2\033[", 3, 1), "\\xe2\\x1b[");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_controls_escaped),
		cmocka_unit_test(test_utf8_kept_c1_escaped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
