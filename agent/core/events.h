/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The event model: every event is an OCSF JSON object (Process Activity 1007, File System
 * Activity 1001, Network Activity 4001, Detection Finding 2004, Remediation Activity 7001-7004...).
 *
 * A producer builds the class-specific part (with the builders of ocsf.h) and calls
 * vg_event_emit, which adds what every event carries (time, metadata with the OCSF version,
 * the product and the profiles used, the device with the agent id and host name, type_uid),
 * hands the event to the sink (the telemetry spool, when present) and publishes it on the
 * control stream "events" for live views.  Every event is valid OCSF 1.8.0 (tests/ocsf/).
 */
#ifndef VIGIL_EVENTS_H
#define VIGIL_EVENTS_H

#include <jansson.h>
#include <stdint.h>

#include "clock.h"

struct vg_agent;

#define VG_OCSF_VERSION "1.8.0"

/* OCSF class uids used by Vigil. */
enum {
	VG_OCSF_FILE_ACTIVITY = 1001,
	VG_OCSF_PROCESS_ACTIVITY = 1007,
	VG_OCSF_DETECTION_FINDING = 2004,
	VG_OCSF_NETWORK_ACTIVITY = 4001,
	VG_OCSF_REMEDIATION_ACTIVITY = 7001,
	VG_OCSF_FILE_REMEDIATION = 7002,
	VG_OCSF_PROCESS_REMEDIATION = 7003,
	VG_OCSF_NETWORK_REMEDIATION = 7004,
};

/* Where emitted events go after enrichment; the sink takes over the reference. */
typedef void (*vg_event_sink_fn)(struct vg_agent *agent, json_t *event, void *data);
void vg_event_set_sink(struct vg_agent *agent, vg_event_sink_fn sink, void *data);

/* Completes event (a new object with at least "class_uid" and "activity_id"; the reference
 * is stolen) and sends it on.  Call on the loop thread. */
void vg_event_emit(struct vg_agent *agent, json_t *event);
/* Completes event as vg_event_emit does (event stays the caller's), without sending it on: for
 * events that go elsewhere than the spool (an export's test). */
void vg_event_complete(struct vg_agent *agent, json_t *event);

/* The stable identity of this agent (a UUID kept in the state directory) and the host name. */
const char *vg_agent_id(const struct vg_agent *agent);
const char *vg_agent_hostname(const struct vg_agent *agent);

#endif
