/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HOST[:PORT] of the server and receiver settings (agent/core/hostport.c). */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "hostport.h"

static void split(const char *value, bool port_required, const char *host, const char *port)
{
	char h[256], p[8];

	assert_int_equal(vg_hostport_parse(value, port_required, h, sizeof(h), p, sizeof(p)), 0);
	assert_string_equal(h, host);
	assert_string_equal(p, port);
}

static void accepted(void **state)
{
	(void)state;
	split("central.example.com", false, "central.example.com", "");
	split("central.example.com:8443", false, "central.example.com", "8443");
	split("192.0.2.7:443", true, "192.0.2.7", "443");
	split("[2001:db8::1]", false, "2001:db8::1", "");
	split("[2001:db8::1]:6514", true, "2001:db8::1", "6514");
	split("[::ffff:192.0.2.1]:1", true, "::ffff:192.0.2.1", "1");
	split("relp:0514", true, "relp", "514");      /* the number, not its spelling */
	split("a:65535", true, "a", "65535");
	/* host and port may be left out */
	assert_int_equal(vg_hostport_parse("a.example:1", true, NULL, 0, NULL, 0), 0);
}

static void refused(void **state)
{
	static const char *const bad[] = {
		"", ":443", "host:", "host:0", "host:65536", "host:-1", "host:+443", "host:44x", "host: 443",
		"2001:db8::1", "2001:db8::1:443", "[2001:db8::1", "[]:443", "[2001:db8::g]:443", "[::1]x",
		"[::1]:", "ho st:1", "host/path:1", "user@host:1", "a:1:2",
	};
	char name[300];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (vg_hostport_parse(bad[i], false, NULL, 0, NULL, 0) != -EINVAL)
			fail_msg("\"%s\" was accepted", bad[i]);
	/* A port is required where it is asked for. */
	assert_int_equal(vg_hostport_parse("host", true, NULL, 0, NULL, 0), -EINVAL);
	assert_int_equal(vg_hostport_parse("[::1]", true, NULL, 0, NULL, 0), -EINVAL);
	/* 253 bytes is the longest name. */
	memset(name, 'a', 253);
	strcpy(name + 253, ":1");
	assert_int_equal(vg_hostport_parse(name, true, NULL, 0, NULL, 0), 0);
	memset(name, 'a', 254);
	strcpy(name + 254, ":1");
	assert_int_equal(vg_hostport_parse(name, true, NULL, 0, NULL, 0), -EINVAL);
}

static void too_small(void **state)
{
	char h[4], p[8];

	(void)state;
	assert_int_equal(vg_hostport_parse("abcd:1", true, h, sizeof(h), p, sizeof(p)), -ENAMETOOLONG);
	assert_int_equal(vg_hostport_parse("abc:1", true, h, sizeof(h), p, sizeof(p)), 0);
	assert_int_equal(vg_hostport_parse("abc:443", true, h, sizeof(h), p, 3), -ENAMETOOLONG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accepted),
		cmocka_unit_test(refused),
		cmocka_unit_test(too_small),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
