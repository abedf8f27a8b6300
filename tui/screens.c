/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The screens in tab order. */
#include "config.h"

#include "console.h"

static const struct vg_screen_class *const classes[VG_SCR_COUNT] = {
	[VG_SCR_DASHBOARD] = &vg_screen_dashboard,
	[VG_SCR_TELEMETRY] = &vg_screen_telemetry,
	[VG_SCR_TASKS] = &vg_screen_tasks,
	[VG_SCR_IOC] = &vg_screen_ioc,
	[VG_SCR_ISOLATION] = &vg_screen_isolation,
	[VG_SCR_SERVERS] = &vg_screen_servers,
	[VG_SCR_EXCLUSIONS] = &vg_screen_exclusions,
	[VG_SCR_SETTINGS] = &vg_screen_settings,
	[VG_SCR_HISTORY] = &vg_screen_history,
	[VG_SCR_HELP] = &vg_screen_help,
};

const struct vg_screen_class *vg_console_screen_class(enum vg_screen_id id)
{
	return classes[id < VG_SCR_COUNT ? id : VG_SCR_DASHBOARD];
}
