/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The test agent: vigild built from the same agent library, plus commands that only tests
 * may use.  None of this is in vigild: the product has no command, setting or environment
 * variable that fabricates events or moves its clock.
 *
 *   test.emit {count, class_uid?}   emits count events as a collector would, each with a
 *                                   unique metadata.uid, and returns those uids (up to 1000)
 *   test.clock {advance}            moves the agent's clock (vg_agent_now) forward by advance
 *                                   seconds, and has the subsystems re-check their deadlines
 *                                   at once (0: only the re-check); returns {offset, now}.
 *                                   Time-dependent policies (isolation auto-release, release
 *                                   after no contact, the link's hourly limits) are tested
 *                                   with it: isolate for an hour, advance the clock, see the
 *                                   release.  Event times stay on the wall clock.
 *   test.sensor.hold {on}           stops (or resumes) reading the eBPF sensor's ring buffer,
 *                                   so that a test can fill it
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "agent.h"
#include "clock.h"
#include "events.h"
#include "spooler.h"
#include "telemetry/ebpf.h"
#include "telemetry/telemetry.h"
#include "vigil/error.h"

#define MAX_TEST_EVENTS 100000
#define MAX_CLOCK_ADVANCE (100LL * 366 * 86400) /* a century: beyond any policy's hours */

static const struct vg_proto_arg emit_args[] = {
	{ "count", VG_ARG_INT, VG_ARG_REQUIRED, "how many events" },
	{ "class_uid", VG_ARG_INT, 0, "their OCSF class (default 1007)" },
	{ NULL, 0, 0, NULL },
};

static const struct vg_proto_arg clock_args[] = {
	{ "advance", VG_ARG_INT, VG_ARG_REQUIRED, "seconds to move the agent's clock forward" },
	{ NULL, 0, 0, NULL },
};

static const struct vg_proto_arg hold_args[] = {
	{ "on", VG_ARG_BOOL, VG_ARG_REQUIRED, "hold (true) or resume (false)" },
	{ NULL, 0, 0, NULL },
};

static const struct vg_proto_command test_commands[] = {
	{ VG_CMD_COUNT, "test.emit", VG_ACCESS_ADMIN, 0, 0, NULL, "emit test events", "{emitted, uids}", emit_args },
	{ VG_CMD_COUNT, "test.clock", VG_ACCESS_ADMIN, 0, 0, NULL, "move the agent's clock forward", "{offset, now}",
	  clock_args },
	{ VG_CMD_COUNT, "test.sensor.hold", VG_ACCESS_ADMIN, 0, 0, NULL, "hold the eBPF ring buffer", "{held}",
	  hold_args },
};

static const struct vg_proto_command *find(const char *name)
{
	for (size_t i = 0; i < sizeof(test_commands) / sizeof(test_commands[0]); i++)
		if (strcmp(test_commands[i].name, name) == 0)
			return &test_commands[i];
	return NULL;
}

static int emit(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result, struct vg_error *err)
{
	static unsigned long long serial;
	json_int_t count = json_integer_value(json_object_get(req->args, "count"));
	json_int_t cls = json_integer_value(json_object_get(req->args, "class_uid"));
	json_t *uids = json_array();
	int r = 0;

	if (count < 1 || count > MAX_TEST_EVENTS) {
		json_decref(uids);
		return vg_error_set(err, -EINVAL, "the count must be between 1 and 100000");
	}
	if (cls == 0)
		cls = VG_OCSF_PROCESS_ACTIVITY;
	for (json_int_t i = 0; i < count && r == 0; i++) {
		char uid[96];
		json_t *ev;
		bool sink = agent->event_sink != NULL;

		snprintf(uid, sizeof(uid), "test-%.8s-%lld-%llu", vg_agent_id(agent), (long long)vg_time_ms(), ++serial);
		ev = json_pack("{s:I, s:i, s:{s:s}, s:s}", "class_uid", cls, "activity_id", 1, "metadata", "uid", uid,
			       "message", "test event (test agent)");
		if (!ev) {
			r = vg_error_set(err, -ENOMEM, "out of memory");
			break;
		}
		if (count <= 1000)
			json_array_append_new(uids, json_string(uid));
		json_incref(ev);
		vg_event_emit(agent, ev);
		/* No collector's sink in this agent: hand it to the spool thread ourselves. */
		if (!sink)
			vg_spooler_push(agent->spooler, json_incref(ev));
		json_decref(ev);
	}
	if (r < 0) {
		json_decref(uids);
		return r;
	}
	*result = json_pack("{s:I, s:o}", "emitted", count, "uids", uids);
	return 0;
}

static int clock_advance(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result, struct vg_error *err)
{
	json_int_t seconds = json_integer_value(json_object_get(req->args, "advance"));
	size_t count;
	const struct vg_subsystem *const *subs = vg_agent_subsystems(&count);

	if (seconds < 0 || seconds > MAX_CLOCK_ADVANCE)
		return vg_error_set(err, -EINVAL, "the clock moves forward only, by at most a century");
	agent->clock_offset_ms += (int64_t)seconds * 1000;
	/* Deadlines armed as loop timers were computed from the old "now": re-check them. */
	for (size_t i = 0; i < agent->started_subsystems && i < count; i++)
		if (subs[i]->clock_changed)
			subs[i]->clock_changed(agent);
	*result = json_pack("{s:I, s:I}", "offset", (json_int_t)(agent->clock_offset_ms / 1000), "now",
			    (json_int_t)vg_agent_now(agent));
	return 0;
}

static int hold(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result, struct vg_error *err)
{
	bool on = json_is_true(json_object_get(req->args, "on"));

	if (!agent->telemetry || !agent->telemetry->ebpf)
		return vg_error_set(err, -ENODEV, "the eBPF sensor is not running");
	vg_tel_ebpf_hold(agent->telemetry->ebpf, on);
	*result = json_pack("{s:b}", "held", on);
	return 0;
}

static int dispatch(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result, struct vg_error *err)
{
	if (req->def == &test_commands[0])
		return emit(agent, req, result, err);
	if (req->def == &test_commands[1])
		return clock_advance(agent, req, result, err);
	if (req->def == &test_commands[2])
		return hold(agent, req, result, err);
	return vg_error_set(err, -EOPNOTSUPP, "no such test command");
}

static void install(struct vg_agent *agent)
{
	agent->extra_find = find;
	agent->extra_dispatch = dispatch;
}

int main(int argc, char **argv)
{
	return vg_vigild_main(argc, argv, install);
}
