/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The settings of tasks (defined in subsystem.c), for every part of the agent that reads them. */
#ifndef VIGIL_TASKS_SETTINGS_H
#define VIGIL_TASKS_SETTINGS_H

#include "settings.h"

extern const struct vg_int_setting VG_S_TASKS_GET_FILE_MAX_MB[1];
extern const struct vg_str_setting VG_S_TASKS_RUN_DEFAULT_USER[1];
extern const struct vg_int_setting VG_S_TASKS_RUN_DEFAULT_TIMEOUT[1];
extern const struct vg_int_setting VG_S_TASKS_TERMINATE_GRACE_SECONDS[1];

#endif
