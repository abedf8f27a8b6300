/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The agent's clock for its policies: the wall clock plus an offset.  The offset is 0 in
 * vigild, which has no way to change it; the test agent (tests/agent/) moves it forward so
 * that a test of "release after an hour" takes an instant instead of an hour, with no
 * short-duration switch in the product.
 */
#include "config.h"

#include "agent.h"
#include "clock.h"

int64_t vg_agent_now_ms(const struct vg_agent *agent)
{
	return vg_time_ms() + agent->clock_offset_ms;
}

time_t vg_agent_now(const struct vg_agent *agent)
{
	return (time_t)(vg_agent_now_ms(agent) / 1000);
}
