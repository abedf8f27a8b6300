/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Isolation without a running agent: `vigild --restore-isolation` (at boot, before the
 * network comes up, so that a rebooted isolated host comes back isolated) and
 * `vigild --release-isolation` (root's break-glass when the agent is stopped or broken).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "isolation.h"
#include "log.h"
#include "nls.h"
#include "settings.h"
#include "store.h"
#include "vigil/error.h"

#define DB_FILE "vigil.db"

static int open_store(const char *state_dir, struct vg_store **store, struct vg_error *err)
{
	char path[4096];
	int rc;

	if (snprintf(path, sizeof(path), "%s/%s", state_dir, DB_FILE) >= (int)sizeof(path))
		return vg_error_set(err, -ENAMETOOLONG, N_("path too long: %s"), state_dir);
	if ((rc = vg_store_open(store, path, err)) < 0)
		return rc;
	if ((rc = vg_iso_store_migrate(*store, err)) < 0) {
		vg_store_close(*store);
		*store = NULL;
	}
	return rc;
}

int vg_isolation_release_offline(const char *state_dir, struct vg_error *err)
{
	struct vg_store *store = NULL;
	struct vg_iso_state st;
	int rc;

	/* The table goes first: the break-glass must work even with a broken database. */
	if ((rc = vg_iso_nft_remove(NULL, err)) < 0)
		return rc;
	vg_notice("isolation released from the command line: table inet %s removed", VG_ISO_TABLE);
	if ((rc = open_store(state_dir, &store, err)) < 0)
		return rc;
	if ((rc = vg_iso_state_load(store, &st, err)) == 0 && st.on) {
		st.on = false;
		st.until = 0;
		st.since = time(NULL);
		snprintf(st.reason, sizeof(st.reason), "%s", N_("released with vigild --release-isolation"));
		rc = vg_iso_state_save(store, &st, err);
	}
	vg_store_close(store);
	return rc;
}

int vg_isolation_restore_offline(const char *state_dir, bool *isolated, struct vg_error *err)
{
	char path[4096];
	struct vg_store *store = NULL;
	struct vg_setting_registry *reg = NULL;
	struct vg_settings *settings = NULL;
	struct vg_iso_state st;
	struct vg_iso_elems elems = { 0 };
	int rc;

	*isolated = false;
	/* At boot, before the agent ever ran (or with another state directory): nothing to restore,
	 * and nothing is created. */
	if (snprintf(path, sizeof(path), "%s/%s", state_dir, DB_FILE) < (int)sizeof(path) && access(path, F_OK) < 0 &&
	    errno == ENOENT)
		return 0;
	if ((rc = open_store(state_dir, &store, err)) < 0)
		return rc;
	if ((rc = vg_agent_setting_registry(&reg, err)) < 0 ||
	    (rc = vg_settings_open(&settings, store, reg, err)) < 0)
		goto out;
	if ((rc = vg_iso_state_load(store, &st, err)) < 0)
		goto out;
	if (st.on && st.until && st.until <= time(NULL)) {
		/* Its auto-release time passed while the host was down. */
		st.on = false;
		st.since = time(NULL);
		snprintf(st.reason, sizeof(st.reason), "%s", N_("auto-release time reached"));
		if ((rc = vg_iso_state_save(store, &st, err)) < 0)
			goto out;
	}
	rc = vg_iso_apply_stored(NULL, store, settings, &st, &elems, err);
	if (rc == 0) {
		*isolated = st.on;
		if (st.on)
			vg_notice("isolation restored: %d rules and %zu set elements in table inet %s", VG_ISO_NFT_RULES,
				  elems.n, VG_ISO_TABLE);
	}
	vg_iso_elems_free(&elems);
out:
	if (settings)
		vg_settings_close(settings);
	vg_setting_registry_free(reg);
	vg_store_close(store);
	return rc;
}
