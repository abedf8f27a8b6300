/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The heartbeat: a periodic OCSF event with the agent's own health, so that a SIEM can alert on
 * an agent that went quiet or is losing events.  OCSF has no heartbeat class: it is a Device
 * Inventory Info event (5001, activity Collect) about this host, the agent's figures under
 * unmapped.vigil: version, sensor, spool depth, losses, isolation state, each export's state.
 */
#include "config.h"

#include <stdio.h>

#include "agent.h"
#include "clock.h"
#include "events.h"
#include "export/export.h"
#include "spooler.h"

#define OCSF_DEVICE_INVENTORY_INFO 5001
#define OCSF_ACTIVITY_COLLECT 2
#define OCSF_CATEGORY_DISCOVERY 5

/* The status section of the subsystem called name, or NULL. */
static json_t *section(struct vg_agent *agent, const char *name)
{
	size_t n;
	const struct vg_subsystem *const *subs = vg_agent_subsystems(&n);

	for (size_t i = 0; i < n; i++)
		if (strcmp(subs[i]->name, name) == 0 && subs[i]->status)
			return subs[i]->status(agent);
	return NULL;
}

json_t *vg_export_heartbeat_event(struct vg_agent *agent)
{
	struct vg_spooler_stats ws;
	json_t *tel = section(agent, "telemetry"), *iso = section(agent, "isolation"), *exports = json_array();
	json_t *ev, *lost;
	const char *sensor = json_string_value(json_object_get(json_object_get(tel, "sensor"), "running"));
	const char *iso_state = json_string_value(json_object_get(iso, "state"));
	uint64_t export_lost = 0;
	int64_t now = vg_time_ms();
	char uid[96];

	vg_spooler_stats(agent->spooler, &ws);
	if (agent->export)
		for (size_t i = 0; i < agent->export->nsinks; i++) {
			json_t *st = vg_export_sink_status(agent->export->sinks[i]);

			if (json_is_true(json_object_get(st, "enabled"))) {
				export_lost += (uint64_t)json_integer_value(json_object_get(st, "lost"));
				json_array_append_new(exports, json_pack("{s:O, s:O, s:O, s:O}", "name",
									 json_object_get(st, "name"), "state",
									 json_object_get(st, "state"), "delivered",
									 json_object_get(st, "delivered"), "lost",
									 json_object_get(st, "lost")));
			}
			json_decref(st);
		}
	lost = json_pack("{s:I, s:I, s:I, s:I, s:I}", "queue_dropped",
			 (json_int_t)json_integer_value(json_object_get(tel, "queue_dropped")), "spool_dropped",
			 (json_int_t)ws.spool.dropped, "kernel_lost",
			 (json_int_t)json_integer_value(json_object_get(tel, "kernel_lost")), "write_errors",
			 (json_int_t)ws.lost_on_error, "export_lost", (json_int_t)export_lost);
	snprintf(uid, sizeof(uid), "%s-heartbeat-%lld", vg_agent_id(agent), (long long)now);
	ev = json_pack("{s:i, s:i, s:i, s:s, s:s, s:i, s:s, s:I, s:{s:s}, s:{s:{s:s, s:I, s:{s:I, s:I, s:I},"
		       " s:o, s:s, s:o}}}",
		       "class_uid", OCSF_DEVICE_INVENTORY_INFO, "category_uid", OCSF_CATEGORY_DISCOVERY,
		       "activity_id", OCSF_ACTIVITY_COLLECT, "activity_name", "Collect",
		       "message", "Vigil agent heartbeat", "severity_id", 1, "severity", "Informational",
		       "time", (json_int_t)now,
		       "metadata", "uid", uid,
		       "unmapped", "vigil", "version", PACKAGE_VERSION,
		       "uptime_s", (json_int_t)((now - (int64_t)agent->started_at * 1000) / 1000),
		       "spool", "events", (json_int_t)ws.spool.events, "pending", (json_int_t)ws.spool.pending,
		       "bytes", (json_int_t)ws.spool.bytes,
		       "losses", lost, "isolation", iso_state ? iso_state : "unknown", "exports", exports);
	if (ev)
		json_object_set_new(json_object_get(json_object_get(ev, "unmapped"), "vigil"), "sensor",
				    json_string(sensor ? sensor : "none"));
	json_decref(tel);
	json_decref(iso);
	return ev;
}
