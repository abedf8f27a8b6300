/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The settings of isolation (defined in subsystem.c), for every part of the agent that reads them. */
#ifndef VIGIL_ISOLATION_SETTINGS_H
#define VIGIL_ISOLATION_SETTINGS_H

#include "settings.h"

extern const struct vg_int_setting VG_S_ISOLATION_AUTO_RELEASE_HOURS[1];
extern const struct vg_int_setting VG_S_ISOLATION_RELEASE_AFTER_NO_CONTACT_HOURS[1];
extern const struct vg_bool_setting VG_S_ISOLATION_PROFILE_DHCP[1];
extern const struct vg_bool_setting VG_S_ISOLATION_PROFILE_DNS[1];
extern const struct vg_bool_setting VG_S_ISOLATION_PROFILE_IPV6_ND[1];
extern const struct vg_int_setting VG_S_ISOLATION_MAX_EXCEPTIONS[1];

#endif
