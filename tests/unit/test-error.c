/* SPDX-License-Identifier: GPL-3.0-or-later */
/* struct vg_error: English text, message id and arguments, safe formatting of outside formats. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "vigil/error.h"
#include "vigil/protocol.h"

static void test_set_and_text(void **state)
{
	struct vg_error err;
	char buf[256];

	(void)state;
	assert_int_equal(vg_error_set(&err, -EINVAL, "unknown setting \"%s\" in %s", "a.b", "x"), -EINVAL);
	assert_string_equal(err.message, "unknown setting \"a.b\" in x");
	assert_string_equal(err.msgid, "unknown setting \"%s\" in %s");
	assert_int_equal(err.nargs, 2);
	vg_error_prefix(&err, "f.conf:3: ");
	assert_string_equal(err.message, "f.conf:3: unknown setting \"a.b\" in x");
	assert_string_equal(vg_error_text(&err, buf, sizeof(buf)), "f.conf:3: unknown setting \"a.b\" in x");
	assert_int_equal(vg_error_set(NULL, -EIO, "ignored"), -EIO);
}

static void test_format_is_safe_with_outside_formats(void **state)
{
	const char *args[] = { "one", "two" };
	char out[64];

	(void)state;
	/* Only %s and %% are expanded: %n, %x and missing arguments do nothing harmful. */
	vg_error_format(out, sizeof(out), "%s %n %x %s %s %% %d", args, 2);
	assert_string_equal(out, "one %n %x two  % %d");
	vg_error_format(out, 8, "%s%s%s", args, 2);
	assert_string_equal(out, "onetwo");
	vg_error_format(out, 4, "abcdef", args, 0);
	assert_string_equal(out, "abc");
}

static void test_protocol_error_names(void **state)
{
	(void)state;
	assert_string_equal(vg_proto_error_name(-EINVAL), "invalid-argument");
	assert_int_equal(vg_proto_error_code("permission-denied"), -EPERM);
	assert_int_equal(vg_proto_error_code("no-such-code"), -EIO);
	assert_string_equal(vg_proto_error_name(-12345), "internal");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_and_text),
		cmocka_unit_test(test_format_is_safe_with_outside_formats),
		cmocka_unit_test(test_protocol_error_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
