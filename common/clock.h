/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Time helpers shared by the agent and its clients. */
#ifndef VIGIL_CLOCK_H
#define VIGIL_CLOCK_H

#include <stdint.h>

/* Milliseconds since the epoch (CLOCK_REALTIME), the OCSF time unit. */
int64_t vg_time_ms(void);

#endif
