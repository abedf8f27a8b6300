/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Applying isolation from what is stored: the settings (profiles, server port), the state
 * (the server addresses resolved last time) and the exceptions.  No name resolution here:
 * it must work at boot, before the network and DNS are up. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "isolation.h"
#include "isolation-settings.h"
#include "nls.h"
#include "settings.h"
#include "vigil/error.h"

int vg_iso_extras_from_settings(const struct vg_settings *s, const struct vg_iso_state *st,
				struct vg_iso_extras *x)
{
	char list[sizeof(st->servers)], *save = NULL, *item;

	memset(x, 0, sizeof(*x));
	x->dhcp = vg_setting_bool(s, VG_S_ISOLATION_PROFILE_DHCP);
	x->dns = vg_setting_bool(s, VG_S_ISOLATION_PROFILE_DNS);
	x->ipv6_nd = vg_setting_bool(s, VG_S_ISOLATION_PROFILE_IPV6_ND);
	snprintf(list, sizeof(list), "%s", st->servers);
	for (item = strtok_r(list, ",", &save); item && x->nservers < VG_ISO_MAX_SERVERS;
	     item = strtok_r(NULL, ",", &save)) {
		char *space = strchr(item, ' ');
		unsigned long port;

		if (!space)
			continue;
		*space = '\0';
		port = strtoul(space + 1, NULL, 10);
		if (port == 0 || port > 65535 || vg_iso_addr_parse(item, &x->servers[x->nservers], NULL) < 0)
			continue;
		x->server_ports[x->nservers++] = (uint16_t)port;
	}
	return 0;
}

size_t vg_iso_max_exceptions(const struct vg_settings *s)
{
	long long v = s ? vg_setting_int(s, VG_S_ISOLATION_MAX_EXCEPTIONS) : 0;

	return v > 0 && v <= VG_ISO_MAX_EXCEPTIONS_LIMIT ? (size_t)v : VG_ISO_MAX_EXCEPTIONS;
}

int vg_iso_apply_stored(struct vg_iso_nl *nl, struct vg_store *store, const struct vg_settings *s,
			struct vg_iso_state *st, struct vg_iso_elems *applied, struct vg_error *err)
{
	struct vg_iso_rule *ex = NULL, *rules = NULL;
	long long *ids = NULL;
	struct vg_iso_extras x;
	size_t nex = 0, n = 0, max = vg_iso_max_exceptions(s);
	int rc;

	if ((rc = vg_iso_state_load(store, st, err)) < 0)
		return rc;
	if (!st->on)
		return vg_iso_nft_remove(nl, err);
	if ((rc = vg_iso_exception_rules_load(store, max, &ids, &ex, &nex, err)) < 0)
		return rc;
	vg_iso_extras_from_settings(s, st, &x);
	x.nresolvers = vg_iso_resolvers_read(x.resolvers, VG_ISO_MAX_RESOLVERS);
	if ((rc = vg_iso_rules_build(&x, ex, nex, &rules, &n)) < 0)
		rc = vg_error_set(err, rc, N_("out of memory"));
	else
		rc = vg_iso_nft_apply(nl, rules, n, max, applied, err);
	free(rules);
	free(ex);
	free(ids);
	return rc;
}
