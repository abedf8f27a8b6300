/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "agent.h"
#include "clock.h"
#include "ctl-server.h"
#include "events.h"

void vg_event_set_sink(struct vg_agent *agent, vg_event_sink_fn sink, void *data)
{
	agent->event_sink = sink;
	agent->event_sink_data = data;
}

static json_t *product(void)
{
	return json_pack("{s:s, s:s, s:s}", "name", "Vigil", "vendor_name", "Vigil", "version", PACKAGE_VERSION);
}

/* The profiles every event uses: the device (and the actor, outside the System Activity
 * classes) are the host profile's. */
static json_t *profiles(void)
{
	return json_pack("[s]", "host");
}

/* The metadata and device objects most events carry: built once and shared (never changed
 * after), so that a storm of events does not build them again for each. */
static json_t *shared_metadata(struct vg_agent *agent)
{
	if (!agent->event_metadata)
		agent->event_metadata = json_pack("{s:s, s:o, s:o}", "version", VG_OCSF_VERSION, "product", product(),
						  "profiles", profiles());
	return agent->event_metadata;
}

static json_t *shared_device(struct vg_agent *agent)
{
	json_t *d = agent->event_device;

	/* The host name may change: the object follows it. */
	if (!d || strcmp(json_string_value(json_object_get(d, "uid")), vg_agent_id(agent)) != 0 ||
	    strcmp(json_string_value(json_object_get(d, "hostname")), vg_agent_hostname(agent)) != 0) {
		json_decref(d);
		/* Server, desktop or virtual machine: the agent cannot tell. */
		d = agent->event_device = json_pack("{s:s, s:s, s:i, s:s}", "uid", vg_agent_id(agent), "hostname",
						    vg_agent_hostname(agent), "type_id", 0, "type", "Unknown");
	}
	return d;
}

void vg_event_emit(struct vg_agent *agent, json_t *event)
{
	json_t *metadata, *device, *own, *all, *p;
	size_t i;

	if (!event)
		return;
	if (!json_object_get(event, "time"))
		json_object_set_new(event, "time", json_integer(vg_time_ms()));
	metadata = json_object_get(event, "metadata");
	if (!metadata) {
		json_object_set(event, "metadata", shared_metadata(agent));
	} else {
		json_object_set_new(metadata, "version", json_string(VG_OCSF_VERSION));
		json_object_set_new(metadata, "product", product());
		/* The profiles the event's maker named (a Detection Finding's security_control) stay,
		 * after host. */
		own = json_object_get(metadata, "profiles");
		all = profiles();
		json_array_foreach(own, i, p)
			if (json_is_string(p) && strcmp(json_string_value(p), "host") != 0)
				json_array_append(all, p);
		json_object_set_new(metadata, "profiles", all);
	}
	device = json_object_get(event, "device");
	if (!device) {
		json_object_set(event, "device", shared_device(agent));
	} else {
		json_object_set_new(device, "uid", json_string(vg_agent_id(agent)));
		json_object_set_new(device, "hostname", json_string(vg_agent_hostname(agent)));
		json_object_set_new(device, "type_id", json_integer(0));
		json_object_set_new(device, "type", json_string("Unknown"));
	}
	if (!json_object_get(event, "type_uid")) {
		json_int_t cls = json_integer_value(json_object_get(event, "class_uid"));
		json_int_t act = json_integer_value(json_object_get(event, "activity_id"));

		json_object_set_new(event, "type_uid", json_integer(cls * 100 + act));
	}
	if (agent->ctl)
		vg_ctl_server_publish(agent->ctl, "events", event);
	if (agent->event_sink)
		agent->event_sink(agent, event, agent->event_sink_data);
	else
		json_decref(event);
}
