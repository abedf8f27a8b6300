/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The settings of the exports (defined in subsystem.c), for every part of the agent that reads them. */
#ifndef VIGIL_EXPORT_SETTINGS_H
#define VIGIL_EXPORT_SETTINGS_H

#include "settings.h"

extern const struct vg_str_setting VG_S_EXPORT_JSONL_PATH[1];
extern const struct vg_int_setting VG_S_EXPORT_JSONL_MAX_SIZE[1];
extern const struct vg_int_setting VG_S_EXPORT_JSONL_KEEP[1];
extern const struct vg_str_setting VG_S_EXPORT_SYSLOG_TARGET[1];
extern const struct vg_bool_setting VG_S_EXPORT_SYSLOG_TLS[1];
extern const struct vg_str_setting VG_S_EXPORT_RELP_TARGET[1];
extern const struct vg_bool_setting VG_S_EXPORT_RELP_TLS[1];
extern const struct vg_int_setting VG_S_EXPORT_FACILITY[1];
extern const struct vg_bool_setting VG_S_EXPORT_CLIENT_CERTIFICATE[1];
extern const struct vg_int_setting VG_S_EXPORT_TIMEOUT[1];
extern const struct vg_int_setting VG_S_EXPORT_HEARTBEAT_PERIOD[1];

#endif
