/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Becoming a daemon the careful way: the command that started the agent returns
 * only once the agent is ready (status 0) or has failed (status 1, its error printed).
 */
#ifndef VIGIL_DAEMON_H
#define VIGIL_DAEMON_H

#include <stdbool.h>

struct vg_error;

/* Forks into the background.  Returns in the daemon with *notify_fd set; the original
 * process waits for vg_daemon_ready and exits with its status.  Returns a negative code
 * when it could not fork. */
int vg_daemon_start(int *notify_fd, struct vg_error *err);

/* Tells the waiting parent that start-up ended: ok, or failed with message. */
void vg_daemon_ready(int notify_fd, bool ok, const char *message);

/* Writes our pid to path (atomically); removed with vg_pidfile_remove. */
int vg_pidfile_write(const char *path, struct vg_error *err);
void vg_pidfile_remove(const char *path);

#endif
