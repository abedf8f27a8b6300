/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The test agent: vigild built from the same agent library, plus commands that only tests
 * may use.  None of this is in vigild: the product has no command, setting or environment
 * variable that fabricates events or moves its clock.
 *
 *   test.emit {count, class_uid?}   emits count events as a collector would, each with a
 *                                   unique metadata.uid, and returns those uids (up to 1000)
 *   test.sensor.hold {on}           stops (or resumes) reading the eBPF sensor's ring buffer,
 *                                   so that a test can fill it
 *   test.self                       what the process says of itself: dumpable (prctl) and
 *                                   umask, which no other process can read
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include "agent.h"
#include "clock.h"
#include "events.h"
#include "spool.h"
#include "telemetry/ebpf.h"
#include "telemetry/telemetry.h"
#include "vigil/error.h"

#define MAX_TEST_EVENTS 100000

static const struct vg_proto_arg emit_args[] = {
	{ "count", VG_ARG_INT, VG_ARG_REQUIRED, "how many events" },
	{ "class_uid", VG_ARG_INT, 0, "their OCSF class (default 1007)" },
	{ NULL, 0, 0, NULL },
};

static const struct vg_proto_arg hold_args[] = {
	{ "on", VG_ARG_BOOL, VG_ARG_REQUIRED, "hold (true) or resume (false)" },
	{ NULL, 0, 0, NULL },
};

static const struct vg_proto_command test_commands[] = {
	{ VG_CMD_COUNT, "test.emit", VG_ACCESS_ADMIN, 0, 0, NULL, "emit test events", "{emitted, uids}", emit_args },
	{ VG_CMD_COUNT, "test.sensor.hold", VG_ACCESS_ADMIN, 0, 0, NULL, "hold the eBPF ring buffer", "{held}",
	  hold_args },
	{ VG_CMD_COUNT, "test.self", VG_ACCESS_ADMIN, 0, 0, NULL, "the process's own state", "{dumpable, umask}",
	  NULL },
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
	json_t *pending[256];
	size_t np = 0;
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
		if (sink) {
			json_decref(ev);
			continue;
		}
		/* No collector's sink in this agent: store it in the spool ourselves. */
		pending[np++] = ev;
		if (np == sizeof(pending) / sizeof(pending[0]) || i + 1 == count) {
			r = vg_spool_append(agent->spool, pending, np, err);
			for (size_t k = 0; k < np; k++)
				json_decref(pending[k]);
			np = 0;
		}
	}
	for (size_t k = 0; k < np; k++)
		json_decref(pending[k]);
	if (r < 0) {
		json_decref(uids);
		return r;
	}
	*result = json_pack("{s:I, s:o}", "emitted", count, "uids", uids);
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

static int self(struct vg_ctl_request *req, json_t **result)
{
	mode_t mask = umask(077);

	(void)req;
	umask(mask);
	*result = json_pack("{s:i, s:i}", "dumpable", prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), "umask", (int)mask);
	return 0;
}

static int dispatch(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result, struct vg_error *err)
{
	if (req->def == &test_commands[0])
		return emit(agent, req, result, err);
	if (req->def == &test_commands[1])
		return hold(agent, req, result, err);
	if (req->def == &test_commands[2])
		return self(req, result);
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
