/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The installation paths that the agent and its clients must agree on (from configure). */
#ifndef VIGIL_PATHS_H
#define VIGIL_PATHS_H

#define VG_DEFAULT_CONFIG SYSCONFDIR "/vigil/vigild.conf"
#define VG_DEFAULT_STATE_DIR LOCALSTATEDIR "/lib/vigil"
#define VG_DEFAULT_SOCKET RUNSTATEDIR "/vigil/vigild.sock"
#define VG_DEFAULT_PID_FILE RUNSTATEDIR "/vigil/vigild.pid"
#define VG_DEFAULT_GROUP "vigil"
#define VG_DEFAULT_RULES_DIR PKGDATADIR "/rules"  /* the detection rules Vigil ships */

#endif
