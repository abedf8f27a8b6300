/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The link subsystem's place in the agent: its settings, commands, start, stop and status. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "agent.h"
#include "hostport.h"
#include "link/link.h"
#include "link/link-settings.h"
#include "nls.h"
#include "settings.h"

/* HOST[:PORT], HOST being a DNS name, an IPv4 address or a bracketed IPv6 address. */
static int validate_server(const char *value, struct vg_error *err)
{
	if (vg_hostport_parse(value, false, NULL, 0, NULL, 0) == 0)
		return 0;
	return vg_error_set(err, -EINVAL, N_("\"%s\" is not a server address (HOST, HOST:PORT or [IPv6]:PORT)"), value);
}

/* http://, https://, socks5:// or socks5h:// HOST[:PORT], without credentials in it. */
static int validate_proxy(const char *value, struct vg_error *err)
{
	static const char *const schemes[] = { "http://", "https://", "socks5://", "socks5h://" };
	const char *rest = NULL;

	if (!value[0])
		return 0;
	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (strncasecmp(value, schemes[i], strlen(schemes[i])) == 0)
			rest = value + strlen(schemes[i]);
	if (!rest || !rest[0] || strlen(value) > 1024)
		return vg_error_set(err, -EINVAL,
				    N_("\"%s\" is not a proxy URL (http://, https://, socks5:// or socks5h:// HOST[:PORT])"),
				    value);
	if (strchr(rest, '@'))
		return vg_error_set(err, -EINVAL,
				    N_("put the proxy credentials in proxy.user and the password file, not in the URL"));
	for (const char *p = rest; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr(".-:[]/_", *p))
			return vg_error_set(err, -EINVAL,
					    N_("\"%s\" is not a proxy URL (http://, https://, socks5:// or socks5h:// HOST[:PORT])"),
					    value);
	return 0;
}

static int validate_user(const char *value, struct vg_error *err)
{
	for (const char *p = value; *p; p++)
		if (*p == ':' || (unsigned char)*p < 0x20)
			return vg_error_set(err, -EINVAL, N_("a proxy user name may not hold \":\" or control characters"));
	return strlen(value) > 200 ? vg_error_set(err, -EINVAL, N_("the proxy user name is too long")) : 0;
}

VG_LIST_SETTING(VG_S_LINK_SERVERS, .key = "link.servers", .def = "", .max = 16,
		.help = N_("Central servers, tried in this order (HOST[:PORT], comma-separated)"),
		.validate = validate_server);
VG_INT_SETTING(VG_S_LINK_PORT, .key = "link.port", .def = "443", .min = 1, .max = 65535,
	       .help = N_("Port of the central server when an address names none"));
VG_BOOL_SETTING(VG_S_LINK_CLIENT_CERTIFICATE, .key = "link.client_certificate", .def = "no",
		.help = N_("Two-way TLS: present the imported client certificate"));
VG_INT_SETTING(VG_S_LINK_SYNC_PERIOD, .key = "link.sync_period", .def = "5", .min = 1, .max = 1440,
	       .unit = N_("minutes"), .help = N_("Period of synchronization with the server"));
VG_INT_SETTING(VG_S_LINK_CONNECT_TIMEOUT, .key = "link.connect_timeout", .def = "10", .min = 1, .max = 600,
	       .unit = N_("seconds"), .help = N_("Maximum wait for a connection to the server"));
VG_INT_SETTING(VG_S_LINK_REQUEST_TIMEOUT, .key = "link.request_timeout", .def = "10", .min = 1, .max = 600,
	       .unit = N_("seconds"), .help = N_("Maximum wait for an answer from the server"));
VG_INT_SETTING(VG_S_LINK_MAX_TRANSFER_DELAY, .key = "link.max_transfer_delay", .def = "30", .min = 1, .max = 3600,
	       .unit = N_("seconds"), .help = N_("Maximum delay before collected events are sent"));
VG_BOOL_SETTING(VG_S_LINK_REQUEST_LIMITS, .key = "link.request_limits", .def = "yes",
		.help = N_("Limit the number of events sent per hour"));
VG_INT_SETTING(VG_S_LINK_MAX_EVENTS_PER_HOUR, .key = "link.max_events_per_hour", .def = "3000", .min = 1,
	       .max = 10000000, .help = N_("Maximum events sent per hour when limits are on"));
VG_INT_SETTING(VG_S_LINK_TYPE_SHARE_PERCENT, .key = "link.type_share_percent", .def = "15", .min = 1, .max = 100,
	       .unit = N_("percent"), .help = N_("Share of the hourly limit above which one event type is held back"));
VG_BOOL_SETTING(VG_S_LINK_SYSTEM_CA, .key = "link.system_ca", .def = "no",
		.help = N_("Trust the system CAs for the server when no server certificate is imported"));
VG_INT_SETTING(VG_S_LINK_POLL_WAIT, .key = "link.poll_wait", .def = "25", .min = 1, .max = 60,
	       .unit = N_("seconds"), .help = N_("How long the server may hold a request for commands (long poll)"));
VG_STR_SETTING(VG_S_PROXY_URL, .key = "proxy.url", .def = "",
	       .help = N_("Proxy to the central server (http://, https://, socks5:// or socks5h:// HOST:PORT; empty: none)"),
	       .validate = validate_proxy);
VG_STR_SETTING(VG_S_PROXY_USER, .key = "proxy.user", .def = "",
	       .help = N_("User name for the proxy (its password is set with vigilctl proxy set)"),
	       .validate = validate_user);
VG_LIST_SETTING(VG_S_PROXY_BYPASS, .key = "proxy.bypass", .def = "", .max = 64,
		.help = N_("Hosts reached without the proxy (comma-separated names, domains or addresses)"));

static const char *const setting_prefixes[] = { "link", "proxy", NULL };
static const struct vg_setting_def *const setting_defs[] = {
	VG_SETTING_DEF(VG_S_LINK_SERVERS),
	VG_SETTING_DEF(VG_S_LINK_PORT),
	VG_SETTING_DEF(VG_S_LINK_CLIENT_CERTIFICATE),
	VG_SETTING_DEF(VG_S_LINK_SYNC_PERIOD),
	VG_SETTING_DEF(VG_S_LINK_CONNECT_TIMEOUT),
	VG_SETTING_DEF(VG_S_LINK_REQUEST_TIMEOUT),
	VG_SETTING_DEF(VG_S_LINK_MAX_TRANSFER_DELAY),
	VG_SETTING_DEF(VG_S_LINK_REQUEST_LIMITS),
	VG_SETTING_DEF(VG_S_LINK_MAX_EVENTS_PER_HOUR),
	VG_SETTING_DEF(VG_S_LINK_TYPE_SHARE_PERCENT),
	VG_SETTING_DEF(VG_S_LINK_SYSTEM_CA),
	VG_SETTING_DEF(VG_S_LINK_POLL_WAIT),
	VG_SETTING_DEF(VG_S_PROXY_URL),
	VG_SETTING_DEF(VG_S_PROXY_USER),
	VG_SETTING_DEF(VG_S_PROXY_BYPASS),
	NULL,
};
static const struct vg_setting_table settings = { setting_prefixes, setting_defs };

static int start(struct vg_agent *agent, struct vg_error *err)
{
	return vg_link_start(agent, err);
}

const struct vg_subsystem vg_subsystem_link = {
	.name = "link",
	.start = start,
	.stop = vg_link_stop,
	.status = vg_link_status,
	.commands = vg_link_commands,
	.settings = &settings,
};
