/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <time.h>

#include "clock.h"

int64_t vg_time_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int vg_time_rfc3339(int64_t ms, char *buf, size_t size)
{
	time_t secs = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
	int millis = (int)(ms - (int64_t)secs * 1000);
	struct tm tm;
	char date[32];

	if (size == 0 || !gmtime_r(&secs, &tm) || !strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm))
		return -1;
	return snprintf(buf, size, "%s.%03dZ", date, millis) < (int)size ? 0 : -1;
}
