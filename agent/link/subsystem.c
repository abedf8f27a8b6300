/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The link subsystem's place in the agent: its settings, commands, start, stop and status. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "agent.h"
#include "link/link.h"
#include "nls.h"
#include "settings.h"

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

const struct vg_setting_def vg_link_settings[] = {
	{ "link.system_ca", VG_SETTING_BOOL, "no", 0, 0, NULL,
	  N_("Trust the system CAs for the server when no server certificate is imported"), 0, NULL },
	{ "link.poll_wait", VG_SETTING_INT, "25", 1, 60, N_("seconds"),
	  N_("How long the server may hold a request for commands (long poll)"), 0, NULL },
	{ "proxy.url", VG_SETTING_STRING, "", 0, 0, NULL,
	  N_("Proxy to the central server (http://, https://, socks5:// or socks5h:// HOST:PORT; empty: none)"), 0,
	  validate_proxy },
	{ "proxy.user", VG_SETTING_STRING, "", 0, 0, NULL,
	  N_("User name for the proxy (its password is set with vigilctl proxy set)"), 0, validate_user },
	{ "proxy.bypass", VG_SETTING_LIST, "", 0, 64, NULL,
	  N_("Hosts reached without the proxy (comma-separated names, domains or addresses)"), 0, NULL },
	{ NULL },
};

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
};
