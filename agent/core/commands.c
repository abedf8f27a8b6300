/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The agent's control commands: each protocol command (vigil/protocol.h) mapped to the
 * handler that runs it.  The core and every subsystem give a table of (command, handler);
 * at start the agent checks that every command of the protocol has exactly one handler, so
 * that a command added to the protocol without its handler, or twice, stops the agent at once.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "agent.h"
#include "log.h"
#include "nls.h"
#include "vigil/error.h"

static const struct vg_agent_command core_commands[] = {
	{ VG_CMD_HELLO, vg_cmd_hello },
	{ VG_CMD_STATUS, vg_cmd_status },
	{ VG_CMD_SETTINGS_SHOW, vg_cmd_settings_show },
	{ VG_CMD_SETTINGS_SET, vg_cmd_settings_set },
	{ VG_CMD_SETTINGS_EXPORT, vg_cmd_settings_export },
	{ VG_CMD_SETTINGS_IMPORT, vg_cmd_settings_import },
	{ VG_CMD_SETTINGS_HISTORY, vg_cmd_settings_history },
	{ VG_CMD_COUNT, NULL },
};

static int add_table(vg_agent_handler_fn *handlers, const struct vg_agent_command *table, const char *owner,
		     struct vg_error *err)
{
	for (; table && table->handler; table++) {
		if ((unsigned)table->cmd >= VG_CMD_COUNT)
			return vg_error_set(err, -EINVAL, N_("%s handles a command outside the protocol"), owner);
		if (handlers[table->cmd])
			return vg_error_set(err, -EEXIST, N_("the command %s has two handlers (%s)"),
					    vg_proto_name(table->cmd), owner);
		handlers[table->cmd] = table->handler;
	}
	return 0;
}

int vg_agent_commands_init(vg_agent_handler_fn *handlers, struct vg_error *err)
{
	const struct vg_subsystem *const *subs;
	size_t n;
	int r;

	memset(handlers, 0, sizeof(*handlers) * VG_CMD_COUNT);
	if ((r = add_table(handlers, core_commands, "core", err)) < 0)
		return r;
	subs = vg_agent_subsystems(&n);
	for (size_t i = 0; i < n; i++)
		if ((r = add_table(handlers, subs[i]->commands, subs[i]->name, err)) < 0)
			return r;
	for (unsigned c = 0; c < VG_CMD_COUNT; c++)
		if (!handlers[c])
			return vg_error_set(err, -ENOSYS, N_("the command %s has no handler in this agent"),
					    vg_proto_name((enum vg_cmd)c));
	return 0;
}

int vg_agent_dispatch(struct vg_ctl_request *req, json_t **result, struct vg_error *err, void *data)
{
	struct vg_agent *agent = data;

	if ((unsigned)req->def->id < VG_CMD_COUNT && req->def == vg_proto_command(req->def->id))
		return agent->handlers[req->def->id](agent, req, result, err);
	if (agent->extra_dispatch)
		return agent->extra_dispatch(agent, req, result, err);
	return vg_error_set(err, -EOPNOTSUPP, N_("command \"%s\" is not available in this agent"), req->cmd);
}

void vg_agent_reply(struct vg_agent *agent, uint64_t conn_id, json_int_t id, json_t *result, struct vg_error *err,
		    bool cancelled)
{
	if (!agent->ctl) {
		json_decref(result);
		return;
	}
	if (!result && cancelled && !err->code)
		vg_error_set(err, -ECANCELED, N_("cancelled"));
	vg_ctl_server_reply(agent->ctl, conn_id, id, result, result || !err->code ? NULL : err);
}
