/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Send-side limits: events per hour and a per-type share of them.  Held events stay in the
 * spool and go out in a later hour; detections and task results are never held. */
#include "config.h"

#include "events.h"
#include "link/link.h"

#define HOUR_MS (3600 * 1000)

static bool exempt(int64_t class_uid)
{
	return class_uid == VG_OCSF_DETECTION_FINDING ||
	       (class_uid >= VG_OCSF_REMEDIATION_ACTIVITY && class_uid <= VG_OCSF_NETWORK_REMEDIATION);
}

bool vg_link_throttle_allow(struct vg_link_throttle *t, int64_t class_uid, int64_t type_uid, bool limits,
			    uint64_t per_hour, unsigned share_percent, int64_t now_ms)
{
	uint64_t type_max;
	unsigned i;

	if (now_ms - t->hour_start_ms >= HOUR_MS || now_ms < t->hour_start_ms) {
		t->hour_start_ms = now_ms;
		t->sent = 0;
		t->ntypes = 0;
		t->held = 0;
	}
	if (!limits || exempt(class_uid))
		return true;
	for (i = 0; i < t->ntypes; i++)
		if (t->types[i].type_uid == type_uid)
			break;
	if (i == t->ntypes) {
		if (t->ntypes == sizeof(t->types) / sizeof(t->types[0])) {
			t->held++;
			return false; /* more distinct types than we track: hold until the next hour */
		}
		t->types[t->ntypes].type_uid = type_uid;
		t->types[t->ntypes++].count = 0;
	}
	type_max = per_hour * share_percent / 100;
	if (type_max == 0)
		type_max = 1;
	if (t->sent >= per_hour || t->types[i].count >= type_max) {
		t->held++;
		return false;
	}
	t->sent++;
	t->types[i].count++;
	return true;
}
