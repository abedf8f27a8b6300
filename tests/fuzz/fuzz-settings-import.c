/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: settings import (JSON when the input starts with '{', else INI),
 * against an in-memory database. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "agent.h"
#include "settings.h"
#include "store.h"
#include "vigil/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vg_store *store;
	static struct vg_setting_registry *reg;
	static struct vg_settings *settings;
	struct vg_error err;

	if (!store && (vg_agent_setting_registry(&reg, &err) < 0 || vg_store_open(&store, ":memory:", &err) < 0 ||
		       vg_settings_open(&settings, store, reg, &err) < 0))
		abort();
	vg_settings_import(settings, size && data[0] == '{' ? VG_SETTINGS_JSON : VG_SETTINGS_INI,
			   (const char *)data, size, "fuzz", 0, &err);
	return 0;
}
