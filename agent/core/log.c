/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>

#include "log.h"

/* The sink is set once at start-up by the program; worker threads only read it. */
static vg_log_sink_fn log_sink;
static void *log_sink_data;
static enum vg_log_level log_level = VG_LOG_INFO;

static const char *const level_names[] = { "error", "warning", "notice", "info", "debug" };

void vg_log_set_sink(vg_log_sink_fn sink, void *data)
{
	log_sink = sink;
	log_sink_data = data;
}

void vg_log_set_level(enum vg_log_level level)
{
	log_level = level;
}

enum vg_log_level vg_log_get_level(void)
{
	return log_level;
}

int vg_log_level_parse(const char *name, enum vg_log_level *level)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
		if (strcasecmp(name, level_names[i]) == 0) {
			*level = (enum vg_log_level)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *vg_log_level_name(enum vg_log_level level)
{
	if ((unsigned)level >= sizeof(level_names) / sizeof(level_names[0]))
		return "?";
	return level_names[level];
}

void vg_log(enum vg_log_level level, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;
	int saved = errno;

	if (!log_sink || level > log_level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_sink(level, msg, log_sink_data);
	errno = saved;
}

void vg_log_sink_stderr(enum vg_log_level level, const char *message, void *data)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	struct timespec ts;
	struct tm tm;
	char when[32] = "";

	(void)data;
	clock_gettime(CLOCK_REALTIME, &ts);
	if (localtime_r(&ts.tv_sec, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	pthread_mutex_lock(&lock);
	fprintf(stderr, "%s.%03ld vigild[%s]: %s\n", when, ts.tv_nsec / 1000000L,
		vg_log_level_name(level), message);
	pthread_mutex_unlock(&lock);
}

void vg_log_sink_syslog(enum vg_log_level level, const char *message, void *data)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG };

	(void)data;
	syslog(prio[(unsigned)level < 5 ? level : 4], "%s", message);
}
