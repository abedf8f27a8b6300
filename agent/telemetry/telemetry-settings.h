/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The settings of telemetry (defined in subsystem.c), for every part of the agent that reads them. */
#ifndef VIGIL_TELEMETRY_SETTINGS_H
#define VIGIL_TELEMETRY_SETTINGS_H

#include "settings.h"

extern const struct vg_bool_setting VG_S_TELEMETRY_ENABLED[1];
extern const struct vg_bool_setting VG_S_TELEMETRY_PROCESS[1];
extern const struct vg_bool_setting VG_S_TELEMETRY_NETWORK[1];
extern const struct vg_str_setting VG_S_TELEMETRY_SENSOR[1];
extern const struct vg_bool_setting VG_S_TELEMETRY_FILES[1];
extern const struct vg_list_setting VG_S_TELEMETRY_FILE_PATHS[1];
extern const struct vg_str_setting VG_S_TELEMETRY_FILE_BACKEND[1];
extern const struct vg_int_setting VG_S_TELEMETRY_SPOOL_MAX_MB[1];
extern const struct vg_int_setting VG_S_TELEMETRY_SPOOL_MAX_DAYS[1];
extern const struct vg_int_setting VG_S_TELEMETRY_QUEUE_MAX_EVENTS[1];
extern const struct vg_int_setting VG_S_TELEMETRY_QUEUE_MAX_MB[1];
extern const struct vg_int_setting VG_S_TELEMETRY_HASH_MAX_MB[1];

#endif
