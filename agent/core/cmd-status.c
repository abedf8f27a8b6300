/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <unistd.h>

#include "agent.h"
#include "enrol/enrol.h"
#include "events.h"
#include "loop.h"
#include "spooler.h"
#include "store.h"

int vg_cmd_hello(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result, struct vg_error *err)
{
	(void)agent;
	(void)err;
	*result = json_pack("{s:i, s:s, s:I, s:s}", "protocol", VG_PROTO_VERSION, "version", PACKAGE_VERSION,
			    "uid", (json_int_t)req->peer->uid,
			    "access", req->peer->access == VG_ACCESS_ADMIN ? "admin" : "read");
	return 0;
}

/* One section per subsystem; one that has nothing to say reports {"available": false}. */
static json_t *sections(struct vg_agent *agent)
{
	const struct vg_subsystem *const *subs;
	json_t *obj = json_object();
	size_t n;

	subs = vg_agent_subsystems(&n);
	for (size_t i = 0; obj && i < n; i++) {
		json_t *sec = subs[i]->status ? subs[i]->status(agent) : NULL;

		json_object_set_new(obj, subs[i]->name, sec ? sec : json_pack("{s:b}", "available", 0));
	}
	return obj;
}

/* The spool's depth and backlog, which the console graphs over time: as the spool thread last
 * saw them, so that status never waits for the database. */
static json_t *spool_json(struct vg_agent *agent)
{
	struct vg_spooler_stats ss;
	const struct vg_spool_stats *st = &ss.spool;

	if (!agent->spooler)
		return json_pack("{s:b}", "available", 0);
	vg_spooler_stats(agent->spooler, &ss);
	return json_pack("{s:b, s:I, s:I, s:I, s:I, s:I, s:I}", "available", 1, "events", (json_int_t)st->events,
			 "pending", (json_int_t)st->pending, "bytes", (json_int_t)st->bytes, "oldest_ms",
			 (json_int_t)st->oldest_ms, "oldest_pending_ms", (json_int_t)st->oldest_pending_ms, "dropped",
			 (json_int_t)st->dropped);
}

int vg_cmd_status(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result, struct vg_error *err)
{
	struct vg_ctl_stats cs;

	(void)req;
	(void)err;
	vg_ctl_server_stats(agent->ctl, &cs);
	int64_t up_ms = (int64_t)(vg_now_ms() - agent->started_ms);

	*result = json_pack("{s:s, s:s, s:s, s:I, s:n, s:I, s:I, s:s, s:s, s:s, s:{s:i, s:I, s:I, s:I, s:I, s:I, s:I}, s:o, s:o}",
			    "version", PACKAGE_VERSION,
			    "agent_id", vg_agent_id(agent),
			    "hostname", vg_agent_hostname(agent),
			    "pid", (json_int_t)getpid(),
			    "started",
			    /* uptime in seconds is kept for the clients of version 2 (the protocol's durations
			     * are *_ms now); started is set below, as every time is. */
			    "uptime", (json_int_t)(up_ms / 1000), "uptime_ms", (json_int_t)up_ms,
			    "state_dir", agent->cfg.state_dir,
			    "socket", agent->cfg.socket_path,
			    "database", vg_store_path(agent->store),
			    "control", "clients", (int)cs.clients, "requests", (json_int_t)cs.requests,
			    "refused", (json_int_t)cs.refused, "disconnected", (json_int_t)cs.disconnected,
			    "slow_dropped", (json_int_t)cs.slow_dropped, "idle_closed", (json_int_t)cs.idle_closed,
			    "busy_refused", (json_int_t)cs.busy_refused,
			    "spool", spool_json(agent), "sections", sections(agent));
	if (*result) {
		vg_ctl_set_time(*result, "started", (int64_t)agent->started_at * 1000);
		json_object_set_new(*result, "enrolment", vg_enrol_status(agent));
		json_object_set_new(*result, "allocator", json_string(vg_agent_allocator()));
	}
	return 0;
}
