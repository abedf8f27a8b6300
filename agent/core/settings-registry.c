/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The table of every setting: name, type, default, bounds and help. Scripts rely on these names. */
#include "config.h"

#include <ctype.h>
#include <pthread.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nls.h"
#include "settings.h"
#include "vigil/error.h"

/* HOST[:PORT], HOST being a DNS name, an IPv4 address or a bracketed IPv6 address. */
static int validate_server(const char *value, struct vg_error *err)
{
	const char *host_end, *port = NULL;
	size_t hlen;

	if (value[0] == '[') {
		host_end = strchr(value, ']');
		if (!host_end || host_end == value + 1)
			goto bad;
		for (const char *p = value + 1; p < host_end; p++)
			if (!isxdigit((unsigned char)*p) && *p != ':' && *p != '.')
				goto bad;
		if (host_end[1] == ':')
			port = host_end + 2;
		else if (host_end[1])
			goto bad;
	} else {
		host_end = strchr(value, ':');
		if (host_end)
			port = host_end + 1;
		else
			host_end = value + strlen(value);
		hlen = (size_t)(host_end - value);
		if (hlen == 0 || hlen > 253)
			goto bad;
		for (const char *p = value; p < host_end; p++)
			if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.')
				goto bad;
	}
	if (port) {
		char *end;
		long v;

		errno = 0;
		v = strtol(port, &end, 10);
		if (!*port || *end || errno || v < 1 || v > 65535 || !isdigit((unsigned char)*port))
			goto bad;
	}
	return 0;
bad:
	return vg_error_set(err, -EINVAL,
		N_("\"%s\" is not a server address (HOST, HOST:PORT or [IPv6]:PORT)"), value);
}

static const struct vg_setting_def core_settings[] = {
	{ "link.servers", VG_SETTING_LIST, "", 0, 16, NULL,
	  N_("Central servers, tried in this order (HOST[:PORT], comma-separated)"), 0, validate_server },
	{ "link.port", VG_SETTING_INT, "443", 1, 65535, NULL,
	  N_("Port of the central server when an address names none"), 0, NULL },
	{ "link.client_certificate", VG_SETTING_BOOL, "no", 0, 0, NULL,
	  N_("Two-way TLS: present the imported client certificate"), 0, NULL },
	{ "link.sync_period", VG_SETTING_INT, "5", 1, 1440, N_("minutes"),
	  N_("Period of synchronization with the server"), 0, NULL },
	{ "link.connect_timeout", VG_SETTING_INT, "10", 1, 600, N_("seconds"),
	  N_("Maximum wait for a connection to the server"), 0, NULL },
	{ "link.request_timeout", VG_SETTING_INT, "10", 1, 600, N_("seconds"),
	  N_("Maximum wait for an answer from the server"), 0, NULL },
	{ "link.max_transfer_delay", VG_SETTING_INT, "30", 1, 3600, N_("seconds"),
	  N_("Maximum delay before collected events are sent"), 0, NULL },
	{ "link.request_limits", VG_SETTING_BOOL, "yes", 0, 0, NULL,
	  N_("Limit the number of events sent per hour"), 0, NULL },
	{ "link.max_events_per_hour", VG_SETTING_INT, "3000", 1, 10000000, NULL,
	  N_("Maximum events sent per hour when limits are on"), 0, NULL },
	{ "link.type_share_percent", VG_SETTING_INT, "15", 1, 100, N_("percent"),
	  N_("Share of the hourly limit above which one event type is held back"), 0, NULL },
	{ "telemetry.enabled", VG_SETTING_BOOL, "yes", 0, 0, NULL,
	  N_("Send telemetry to the central server"), 0, NULL },
	{ NULL },
};

/* Each subsystem lists its own settings next to its code. */
static const struct vg_setting_def *const families[] = {
	core_settings,
	vg_telemetry_settings,
	vg_link_settings,
	vg_isolation_settings,
	vg_tasks_settings,
	vg_ioc_settings,
	vg_detect_settings,
};

#define MAX_SETTINGS 256
static struct vg_setting_def all[MAX_SETTINGS];
static size_t nall;
static pthread_once_t gathered = PTHREAD_ONCE_INIT;

static void gather(void)
{
	for (size_t f = 0; f < sizeof(families) / sizeof(families[0]); f++)
		for (const struct vg_setting_def *d = families[f]; d->key && nall < MAX_SETTINGS; d++)
			all[nall++] = *d;
}

const struct vg_setting_def *vg_setting_defs(size_t *count)
{
	pthread_once(&gathered, gather);
	*count = nall;
	return all;
}

const struct vg_setting_def *vg_setting_find(const char *key)
{
	size_t n;
	const struct vg_setting_def *defs = vg_setting_defs(&n);

	for (size_t i = 0; i < n; i++)
		if (strcmp(defs[i].key, key) == 0)
			return &defs[i];
	return NULL;
}
