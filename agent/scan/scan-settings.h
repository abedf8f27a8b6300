/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The settings of the IOC scan service (defined in service.c), for every part of the agent that
 * reads them. */
#ifndef VIGIL_SCAN_SETTINGS_H
#define VIGIL_SCAN_SETTINGS_H

#include "settings.h"

extern const struct vg_int_setting VG_S_IOC_HASH_LIMIT_MIB[1];
extern const struct vg_int_setting VG_S_IOC_MAX_DOCUMENT_KIB[1];
extern const struct vg_bool_setting VG_S_IOC_FILE_STRINGS[1];
extern const struct vg_int_setting VG_S_IOC_KEEP_SCANS[1];

#endif
