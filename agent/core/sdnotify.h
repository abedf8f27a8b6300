/* SPDX-License-Identifier: GPL-3.0-or-later */
/* systemd's notification protocol (Type=notify, watchdog), spoken directly: one datagram. */
#ifndef VIGIL_SDNOTIFY_H
#define VIGIL_SDNOTIFY_H

#include <stdint.h>

/* Sends state ("READY=1", "WATCHDOG=1"...) to $NOTIFY_SOCKET; 0 when there is none. */
int vg_sd_notify(const char *state);

/* The watchdog interval asked by systemd for this process, in microseconds (0: none). */
uint64_t vg_sd_watchdog_usec(void);

#endif
