/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Logging.  The library never prints: it hands each message to the sink that
 * the program installed (stderr in the foreground, syslog as a daemon).
 * Logging keeps errno intact.
 */
#ifndef VIGIL_LOG_H
#define VIGIL_LOG_H

enum vg_log_level {
	VG_LOG_ERROR = 0,
	VG_LOG_WARNING,
	VG_LOG_NOTICE,
	VG_LOG_INFO,
	VG_LOG_DEBUG,
};

typedef void (*vg_log_sink_fn)(enum vg_log_level level, const char *message, void *data);

/* Installs the sink (NULL: messages are discarded) and the most verbose level passed to it. */
void vg_log_set_sink(vg_log_sink_fn sink, void *data);
void vg_log_set_level(enum vg_log_level level);
enum vg_log_level vg_log_get_level(void);

/* Parses "error", "warning", "notice", "info" or "debug"; returns 0 or -EINVAL. */
int vg_log_level_parse(const char *name, enum vg_log_level *level);
const char *vg_log_level_name(enum vg_log_level level);

void vg_log(enum vg_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define vg_error_log(...) vg_log(VG_LOG_ERROR, __VA_ARGS__)
#define vg_warn(...) vg_log(VG_LOG_WARNING, __VA_ARGS__)
#define vg_notice(...) vg_log(VG_LOG_NOTICE, __VA_ARGS__)
#define vg_info(...) vg_log(VG_LOG_INFO, __VA_ARGS__)
#define vg_debug(...) vg_log(VG_LOG_DEBUG, __VA_ARGS__)

/* Ready-made sinks: stderr with a timestamp, and syslog (daemon facility). */
void vg_log_sink_stderr(enum vg_log_level level, const char *message, void *data);
void vg_log_sink_syslog(enum vg_log_level level, const char *message, void *data);

#endif
