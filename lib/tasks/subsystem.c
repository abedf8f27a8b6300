/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The tasks subsystem's place in the agent: its settings, commands, start, stop and status. */
#include "config.h"

#include "agent.h"
#include "settings.h"

const struct vg_setting_def vg_tasks_settings[] = {
	{ NULL },
};

static const struct vg_agent_command commands[] = {
	{ { NULL, VG_ACCESS_NONE }, NULL },
};

const struct vg_subsystem vg_subsystem_tasks = {
	.name = "tasks",
	.commands = commands,
};
