/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Time helpers shared by the agent and its clients. */
#ifndef VIGIL_CLOCK_H
#define VIGIL_CLOCK_H

#include <stddef.h>
#include <stdint.h>

/* Milliseconds since the epoch (CLOCK_REALTIME), the OCSF time unit. */
int64_t vg_time_ms(void);

/* The moment ms (milliseconds since the epoch) as RFC 3339 text in UTC with milliseconds,
 * "2026-11-28T09:15:02.123Z" (24 bytes and the NUL).  Returns 0, or -1 when buf is too small. */
int vg_time_rfc3339(int64_t ms, char *buf, size_t size);

#endif
