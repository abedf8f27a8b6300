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
/* The parser sandbox's program (agent/core/sandbox.h). */
#define VG_DEFAULT_WORKER PKGLIBEXECDIR "/vigil-worker"

#include <stdbool.h>
#include <stddef.h>

/* When the running program is one of its build tree's rather than an installed one (found by
 * the config.status of the tree, at most three directories up), writes the tree's top
 * directory into out and returns true. */
bool vg_build_tree_top(char *out, size_t size);

#endif
