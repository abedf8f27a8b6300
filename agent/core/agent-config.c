/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent-config.h"
#include "fileio.h"
#include "ini.h"
#include "nls.h"
#include "vigil/error.h"

void vg_agent_config_defaults(struct vg_agent_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->state_dir, sizeof(cfg->state_dir), "%s", VG_DEFAULT_STATE_DIR);
	snprintf(cfg->socket_path, sizeof(cfg->socket_path), "%s", VG_DEFAULT_SOCKET);
	snprintf(cfg->pid_file, sizeof(cfg->pid_file), "%s", VG_DEFAULT_PID_FILE);
	snprintf(cfg->group, sizeof(cfg->group), "%s", VG_DEFAULT_GROUP);
	cfg->log_level = VG_LOG_INFO;
}

static int set_path(char *dst, size_t size, const char *key, const char *value, struct vg_error *err)
{
	if (value[0] != '/')
		return vg_error_set(err, -EINVAL, N_("%s must be an absolute path, not \"%s\""), key, value);
	if (strlen(value) >= size)
		return vg_error_set(err, -ENAMETOOLONG, N_("%s is too long"), key);
	memcpy(dst, value, strlen(value) + 1);
	return 0;
}

int vg_agent_config_set(struct vg_agent_config *cfg, const char *key, const char *value,
			struct vg_error *err)
{
	if (strcmp(key, "state_dir") == 0)
		return set_path(cfg->state_dir, sizeof(cfg->state_dir), key, value, err);
	if (strcmp(key, "socket") == 0)
		return set_path(cfg->socket_path, sizeof(cfg->socket_path), key, value, err);
	if (strcmp(key, "pid_file") == 0)
		return set_path(cfg->pid_file, sizeof(cfg->pid_file), key, value, err);
	if (strcmp(key, "log_level") == 0) {
		if (vg_log_level_parse(value, &cfg->log_level) < 0)
			return vg_error_set(err, -EINVAL,
				N_("log_level must be error, warning, notice, info or debug, not \"%s\""), value);
		return 0;
	}
	if (strcmp(key, "group") == 0) {
		if (!value[0] || strlen(value) >= sizeof(cfg->group))
			return vg_error_set(err, -EINVAL, N_("group must be a group name"));
		memcpy(cfg->group, value, strlen(value) + 1);
		return 0;
	}
	return vg_error_set(err, -EINVAL, N_("unknown key \"%s\""), key);
}

static int on_key(const char *section, const char *key, const char *value, unsigned line,
		  void *data, struct vg_error *err)
{
	(void)line;
	if (strcmp(section, "agent") != 0)
		return vg_error_set(err, -EINVAL, N_("unknown section [%s] (expected [agent])"), section);
	return vg_agent_config_set(data, key, value, err);
}

int vg_agent_config_load(struct vg_agent_config *cfg, const char *path, bool required,
			 struct vg_error *err)
{
	char *text = NULL;
	size_t len = 0;
	int r;

	r = vg_file_read_all(path, VG_CONFIG_MAX_SIZE, &text, &len, err);
	if (r == -ENOENT && !required) {
		vg_error_clear(err);
		return 0;
	}
	if (r < 0)
		return r;
	r = vg_ini_parse(text, len, path, on_key, cfg, err);
	free(text);
	return r;
}
