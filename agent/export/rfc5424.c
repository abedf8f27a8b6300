/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * An event as an RFC 5424 syslog message, the body of the syslog and RELP exports:
 *   <PRI>1 TIMESTAMP HOSTNAME vigild PROCID ocsf-CLASS - {the OCSF event}
 * The severity follows the event's OCSF severity, the timestamp its time (UTC, milliseconds).
 */
#include "config.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "export/export.h"

/* OCSF severity_id (0 unknown, 1 informational ... 5 critical, 6 fatal) -> syslog severity. */
static int syslog_severity(json_int_t ocsf)
{
	static const int map[] = { 6, 6, 5, 4, 3, 2, 1 };

	return ocsf >= 0 && ocsf < (json_int_t)(sizeof(map) / sizeof(map[0])) ? map[ocsf] : 6;
}

/* HOSTNAME is 1*255 printable US-ASCII characters without space; anything else becomes '-'. */
static void copy_hostname(char *out, size_t size, const char *name)
{
	size_t n = 0;

	for (; name && name[n] && n + 1 < size && n < 255; n++)
		out[n] = name[n] > 32 && name[n] < 127 ? name[n] : '-';
	if (n == 0 && size > 1)
		out[n++] = '-';
	out[n] = '\0';
}

int vg_export_rfc5424(char *out, size_t size, const char *event_text, int facility, const char *hostname,
		      long pid)
{
	json_t *ev = json_loads(event_text, 0, NULL);
	json_int_t ms = 0, cls = 0, sev = 0;
	char stamp[40] = "-", host[256];
	struct tm tm;
	int n;

	if (ev) {
		ms = json_integer_value(json_object_get(ev, "time"));
		cls = json_integer_value(json_object_get(ev, "class_uid"));
		sev = json_integer_value(json_object_get(ev, "severity_id"));
		json_decref(ev);
	}
	if (ms > 0) {
		time_t s = (time_t)(ms / 1000);

		if (gmtime_r(&s, &tm))
			snprintf(stamp, sizeof(stamp), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
				 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
	}
	copy_hostname(host, sizeof(host), hostname);
	n = snprintf(out, size, "<%d>1 %s %s vigild %ld ocsf-%" JSON_INTEGER_FORMAT " - %s",
		     facility * 8 + syslog_severity(sev), stamp, host, pid, cls, event_text);
	if (n < 0 || (size_t)n >= size)
		return -ENOSPC;
	return n;
}
