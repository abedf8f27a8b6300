/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The agent's configuration file (vigild.conf): what the agent needs before it can
 * open its database.  Everything else is a setting, kept in the settings store.
 */
#ifndef VIGIL_AGENT_CONFIG_H
#define VIGIL_AGENT_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <sys/un.h>

#include "log.h"
#include "paths.h"

struct vg_error;

#define VG_CONFIG_MAX_SIZE (64 * 1024)

struct vg_agent_config {
	char state_dir[PATH_MAX];
	char socket_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char pid_file[PATH_MAX];
	char group[64];              /* members may run read-only commands */
	enum vg_log_level log_level;
};

/* Fills cfg with the built-in defaults. */
void vg_agent_config_defaults(struct vg_agent_config *cfg);

/* Reads the configuration file at path over cfg.  A missing file is an error only
 * when required; errors name the file and the line. */
int vg_agent_config_load(struct vg_agent_config *cfg, const char *path, bool required,
			 struct vg_error *err);

/* Setters shared by the file and the command line, with validation. */
int vg_agent_config_set(struct vg_agent_config *cfg, const char *key, const char *value,
			struct vg_error *err);

#endif
