/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Control commands: the name of each, and the handler that runs it. Access tags live in
 * the protocol table (ctl/protocol.c), which the control server enforces before this. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "agent.h"
#include "nls.h"
#include "vigil/error.h"

static const struct vg_agent_command core_commands[] = {
	{ { "hello", VG_ACCESS_READ }, vg_cmd_hello },
	{ { "status", VG_ACCESS_READ }, vg_cmd_status },
	{ { "settings.show", VG_ACCESS_READ }, vg_cmd_settings_show },
	{ { "settings.set", VG_ACCESS_ADMIN }, vg_cmd_settings_set },
	{ { "settings.export", VG_ACCESS_READ }, vg_cmd_settings_export },
	{ { "settings.import", VG_ACCESS_ADMIN }, vg_cmd_settings_import },
	{ { "settings.history", VG_ACCESS_READ }, vg_cmd_settings_history },
	{ { NULL, VG_ACCESS_NONE }, NULL },
};

static const struct vg_agent_command *find_in(const struct vg_agent_command *table, const char *name)
{
	for (; table && table->proto.name; table++)
		if (strcmp(table->proto.name, name) == 0)
			return table;
	return NULL;
}

const struct vg_agent_command *vg_agent_command_find(const char *name)
{
	const struct vg_subsystem *const *subs;
	const struct vg_agent_command *c = find_in(core_commands, name);
	size_t n;

	if (c)
		return c;
	subs = vg_agent_subsystems(&n);
	for (size_t i = 0; i < n; i++)
		if ((c = find_in(subs[i]->commands, name)))
			return c;
	return NULL;
}

/* The access tag of every command, for the control server and the clients' help. */
const struct vg_proto_command *vg_proto_command_find(const char *name)
{
	const struct vg_agent_command *c = vg_agent_command_find(name);

	return c ? &c->proto : NULL;
}

int vg_agent_dispatch(struct vg_ctl_request *req, json_t **result, struct vg_error *err, void *data)
{
	const struct vg_agent_command *c = vg_agent_command_find(req->cmd);

	if (!c || !c->handler)
		return vg_error_set(err, -EOPNOTSUPP, N_("command \"%s\" is not available in this agent"), req->cmd);
	return c->handler(data, req, result, err);
}
