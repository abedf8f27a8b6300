/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The RFC 5424 form of an exported event: priority from the facility and the OCSF severity, the
 * event's time in UTC, a host name made safe, the class as MSGID, the event as MSG; too small a
 * buffer is refused, never cut. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "export/export.h"

static void test_message(void **state)
{
	const char *ev = "{\"class_uid\":2004,\"severity_id\":4,\"time\":1767225600123,\"message\":\"x\"}";
	char out[512];
	int n;

	(void)state;
	/* facility 13 (log audit), High -> err (3): 13 * 8 + 3 = 107. */
	n = vg_export_rfc5424(out, sizeof(out), ev, 13, "host-1.example", 4242);
	assert_int_equal(n, (int)strlen(out));
	assert_string_equal(out, "<107>1 2026-01-01T00:00:00.123Z host-1.example vigild 4242 ocsf-2004 - "
				 "{\"class_uid\":2004,\"severity_id\":4,\"time\":1767225600123,\"message\":\"x\"}");
}

static void test_severities_and_host(void **state)
{
	char out[512];

	(void)state;
	/* No severity: informational (6); local0 (16): 134.  Spaces and non-ASCII in the host name
	 * become '-', an empty name is the nil value. */
	assert_true(vg_export_rfc5424(out, sizeof(out), "{\"class_uid\":1007,\"time\":0}", 16, "my host\xc3\xa9", 1) > 0);
	assert_string_equal(out, "<134>1 - my-host-- vigild 1 ocsf-1007 - {\"class_uid\":1007,\"time\":0}");
	assert_true(vg_export_rfc5424(out, sizeof(out), "{\"severity_id\":6}", 0, "", 1) > 0);
	assert_string_equal(out, "<1>1 - - vigild 1 ocsf-0 - {\"severity_id\":6}");
	/* Not JSON: sent as it is, with the defaults. */
	assert_true(vg_export_rfc5424(out, sizeof(out), "not json", 1, "h", 1) > 0);
	assert_string_equal(out, "<14>1 - h vigild 1 ocsf-0 - not json");
}

static void test_too_small(void **state)
{
	char out[40];

	(void)state;
	assert_int_equal(vg_export_rfc5424(out, sizeof(out), "{\"class_uid\":1007,\"message\":\"a long one\"}", 1,
					   "h", 1), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_message),
		cmocka_unit_test(test_severities_and_host),
		cmocka_unit_test(test_too_small),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
