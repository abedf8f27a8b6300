/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: the INI reader behind vigild.conf and settings import. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "agent-config.h"
#include "ini.h"
#include "vigil/error.h"

static int on_key(const char *section, const char *key, const char *value, unsigned line, void *data,
		  struct vg_error *err)
{
	(void)line;
	if (section[0] == 'a')
		return vg_agent_config_set(data, key, value, err);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_agent_config cfg;
	struct vg_error err;

	vg_agent_config_defaults(&cfg);
	vg_ini_parse((const char *)data, size, "fuzz.conf", on_key, &cfg, &err);
	return 0;
}
