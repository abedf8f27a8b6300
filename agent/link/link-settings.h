/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The settings of the link (defined in subsystem.c), for every part of the agent that reads them. */
#ifndef VIGIL_LINK_SETTINGS_H
#define VIGIL_LINK_SETTINGS_H

#include "settings.h"

extern const struct vg_list_setting VG_S_LINK_SERVERS[1];
extern const struct vg_int_setting VG_S_LINK_PORT[1];
extern const struct vg_bool_setting VG_S_LINK_CLIENT_CERTIFICATE[1];
extern const struct vg_int_setting VG_S_LINK_SYNC_PERIOD[1];
extern const struct vg_int_setting VG_S_LINK_CONNECT_TIMEOUT[1];
extern const struct vg_int_setting VG_S_LINK_REQUEST_TIMEOUT[1];
extern const struct vg_int_setting VG_S_LINK_MAX_TRANSFER_DELAY[1];
extern const struct vg_bool_setting VG_S_LINK_REQUEST_LIMITS[1];
extern const struct vg_int_setting VG_S_LINK_MAX_EVENTS_PER_HOUR[1];
extern const struct vg_int_setting VG_S_LINK_TYPE_SHARE_PERCENT[1];
extern const struct vg_bool_setting VG_S_LINK_SYSTEM_CA[1];
extern const struct vg_int_setting VG_S_LINK_POLL_WAIT[1];
extern const struct vg_str_setting VG_S_PROXY_URL[1];
extern const struct vg_str_setting VG_S_PROXY_USER[1];
extern const struct vg_list_setting VG_S_PROXY_BYPASS[1];

#endif
