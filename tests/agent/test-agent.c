/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The test agent: vigild built from the same agent library, plus commands that only tests
 * may use.  None of this is in vigild: the product has no command, setting or environment
 * variable that fabricates events or moves its clock.
 *
 *   test.emit {count, class_uid?}   emits count events as a collector would, each with a
 *                                   unique metadata.uid, and returns those uids (up to 1000):
 *                                   Process Activity (1007, the default), Network Activity
 *                                   (4001), File System Activity (1001) or Detection Finding
 *                                   (2004), about the test agent itself and valid OCSF like
 *                                   every event (tests/ocsf/)
 *   test.clock {advance}            moves the agent's clock (vg_agent_now) forward by advance
 *                                   seconds, and has the subsystems re-check their deadlines
 *                                   at once (0: only the re-check); returns {offset, now}.
 *                                   Time-dependent policies (isolation auto-release, release
 *                                   after no contact, the link's hourly limits) are tested
 *                                   with it: isolate for an hour, advance the clock, see the
 *                                   release.  Event times stay on the wall clock.
 *   test.sensor.hold {on}           stops (or resumes) reading the eBPF sensor's ring buffer,
 *                                   so that a test can fill it
 *   test.self                       what the process says of itself: dumpable (prctl) and
 *                                   umask, which no other process can read
 *   test.pause {point, ms?}         arms a pause point: the next thread that reaches it waits
 *                                   there until released, at most ms (60 s by default); the
 *                                   task threads' points are a task's kind at its start
 *                                   ("delete-file"), KIND:checked between its checks and its
 *                                   action, and "task:built" when a task's result is built and
 *                                   not yet handed to the loop; the loop's point
 *                                   "ioc-scan:handed" is where it has just handed a scan to a
 *                                   worker (nothing can release the loop: it waits ms)
 *   test.paused {point}             whether a thread waits at point now, and whether one
 *                                   reached it since it was armed: {waiting, reached}
 *   test.release {point}            lets the task waiting at point go on
 *
 * Its parser sandbox is tests/agent/vigil-worker-test (test-worker.c), which misbehaves on
 * purpose for documents of some names.
 *
 * The pause points make a race deterministic: a test arms one, starts the task, waits until
 * the task is there, changes the files as an attacker would, and releases it.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "clock.h"
#include "events.h"
#include "ocsf.h"
#include "spooler.h"
#include "telemetry/ebpf.h"
#include "telemetry/telemetry.h"
#include "vigil/error.h"

#define MAX_TEST_EVENTS 100000
#define MAX_CLOCK_ADVANCE (100LL * 366 * 86400) /* a century: beyond any policy's hours */

static const struct vg_proto_arg emit_args[] = {
	{ "count", VG_ARG_INT, VG_ARG_REQUIRED, "how many events" },
	{ "class_uid", VG_ARG_INT, 0, "their OCSF class: 1007 (the default), 1001, 4001 or 2004" },
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

static const struct vg_proto_arg point_args[] = {
	{ "point", VG_ARG_STRING, VG_ARG_REQUIRED, "the pause point" },
	{ NULL, 0, 0, NULL },
};

static const struct vg_proto_arg pause_args[] = {
	{ "point", VG_ARG_STRING, VG_ARG_REQUIRED, "the pause point" },
	{ "ms", VG_ARG_INT, 0, "the longest wait there, in milliseconds (60 s by default)" },
	{ NULL, 0, 0, NULL },
};

static const struct vg_proto_command test_commands[] = {
	{ VG_CMD_COUNT, "test.emit", VG_ACCESS_ADMIN, 0, 0, NULL, "emit test events", "{emitted, uids}", emit_args },
	{ VG_CMD_COUNT, "test.clock", VG_ACCESS_ADMIN, 0, 0, NULL, "move the agent's clock forward", "{offset, now}",
	  clock_args },
	{ VG_CMD_COUNT, "test.sensor.hold", VG_ACCESS_ADMIN, 0, 0, NULL, "hold the eBPF ring buffer", "{held}",
	  hold_args },
	{ VG_CMD_COUNT, "test.self", VG_ACCESS_ADMIN, 0, 0, NULL, "the process's own state", "{dumpable, umask}",
	  NULL },
	{ VG_CMD_COUNT, "test.pause", VG_ACCESS_ADMIN, 0, 0, NULL, "arm a pause point", "{armed}", pause_args },
	{ VG_CMD_COUNT, "test.paused", VG_ACCESS_ADMIN, 0, 0, NULL, "whether a thread waits at a point",
	  "{waiting, reached}", point_args },
	{ VG_CMD_COUNT, "test.release", VG_ACCESS_ADMIN, 0, 0, NULL, "release a pause point", "{released}",
	  point_args },
};

/* The pause points (the test agent's only global state, shared by the loop and the task
 * threads under pause_lock). */
#define MAX_POINTS 8
#define PAUSE_MAX_MS 60000

static struct {
	char name[64];
	bool armed, waiting, released, reached;
	long long ms;               /* the longest wait */
} points[MAX_POINTS];
static pthread_mutex_t pause_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pause_cond = PTHREAD_COND_INITIALIZER;

/* Called by the agent's threads (agent->test_pause): waits at an armed point until released,
 * or for as long as it was armed for. */
static void test_pause(const char *point)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	pthread_mutex_lock(&pause_lock);
	for (size_t i = 0; i < MAX_POINTS; i++) {
		if (!points[i].armed || strcmp(points[i].name, point) != 0)
			continue;
		until.tv_sec += points[i].ms / 1000;
		until.tv_nsec += (points[i].ms % 1000) * 1000000;
		if (until.tv_nsec >= 1000000000) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000;
		}
		points[i].armed = false;
		points[i].waiting = true;
		points[i].reached = true;
		pthread_cond_broadcast(&pause_cond);
		while (!points[i].released && pthread_cond_timedwait(&pause_cond, &pause_lock, &until) == 0)
			;
		points[i].waiting = false;
		break;
	}
	pthread_mutex_unlock(&pause_lock);
}

static int pause_cmd(struct vg_ctl_request *req, int which, json_t **result, struct vg_error *err)
{
	const char *point = json_string_value(json_object_get(req->args, "point"));
	const json_t *ms = json_object_get(req->args, "ms");
	size_t i, free_slot = MAX_POINTS;

	if (!point || strlen(point) >= sizeof(points[0].name))
		return vg_error_set(err, -EINVAL, "a pause point is a name of at most 63 bytes");
	if (ms && (json_integer_value(ms) < 1 || json_integer_value(ms) > PAUSE_MAX_MS))
		return vg_error_set(err, -EINVAL, "a pause lasts from 1 ms to 60 s");
	pthread_mutex_lock(&pause_lock);
	for (i = 0; i < MAX_POINTS && strcmp(points[i].name, point) != 0; i++)
		if (!points[i].name[0] && free_slot == MAX_POINTS)
			free_slot = i;
	if (i == MAX_POINTS && which == 0 && free_slot < MAX_POINTS) {
		i = free_slot;
		snprintf(points[i].name, sizeof(points[i].name), "%s", point);
	}
	if (i == MAX_POINTS) {
		pthread_mutex_unlock(&pause_lock);
		return vg_error_set(err, -ENOENT, "no such pause point");
	}
	if (which == 0) {
		points[i].armed = true;
		points[i].released = false;
		points[i].reached = false;
		points[i].ms = ms ? json_integer_value(ms) : PAUSE_MAX_MS;
		*result = json_pack("{s:b}", "armed", 1);
	} else if (which == 1) {
		*result = json_pack("{s:b, s:b}", "waiting", points[i].waiting, "reached", points[i].reached);
	} else {
		points[i].released = true;
		points[i].armed = false;
		pthread_cond_broadcast(&pause_cond);
		*result = json_pack("{s:b}", "released", 1);
	}
	pthread_mutex_unlock(&pause_lock);
	return 0;
}

static const struct vg_proto_command *find(const char *name)
{
	for (size_t i = 0; i < sizeof(test_commands) / sizeof(test_commands[0]); i++)
		if (strcmp(test_commands[i].name, name) == 0)
			return &test_commands[i];
	return NULL;
}

/* A test event of class cls, about the test agent's own process: it launched, it connected
 * to the discard port of the loopback, or it found itself.  NULL for another class. */
static json_t *fabricate(json_int_t cls, const char *uid)
{
	char exe[PATH_MAX] = "";
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	json_t *self, *ev;
	struct in_addr lo = { htonl(INADDR_LOOPBACK) };

	exe[n > 0 ? n : 0] = '\0';
	self = vg_ocsf_process(getpid(), "vigild-test", exe, getuid(), getppid());
	switch (cls) {
	case VG_OCSF_PROCESS_ACTIVITY:
		ev = vg_ocsf_process_activity(1, self, vg_time_ms());
		break;
	case VG_OCSF_NETWORK_ACTIVITY:
		ev = vg_ocsf_network_activity(VG_OCSF_NET_CONNECT, 0, vg_ocsf_endpoint(AF_INET, &lo, 9), self,
					      vg_time_ms());
		break;
	case VG_OCSF_FILE_ACTIVITY:
		ev = vg_ocsf_event(cls, 1, "Create", vg_time_ms());
		json_object_set_new(ev, "actor", json_pack("{s:o}", "process", self));
		json_object_set_new(ev, "file", vg_ocsf_file("/nonexistent/vigil-test-event", 1));
		break;
	case VG_OCSF_DETECTION_FINDING:
		json_decref(self);
		ev = vg_ocsf_event(cls, 1, "Create", vg_time_ms());
		json_object_set_new(ev, "finding_info", json_pack("{s:s, s:s}", "uid", uid, "title", "test finding"));
		break;
	default:
		json_decref(self);
		return NULL;
	}
	json_object_set_new(ev, "metadata", json_pack("{s:s}", "uid", uid));
	json_object_set_new(ev, "message", json_string("test event (test agent)"));
	return ev;
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
		ev = fabricate(cls, uid);
		if (!ev) {
			char text[24];

			snprintf(text, sizeof(text), "%lld", (long long)cls);
			r = vg_error_set(err, -EINVAL, "no test event of class %s", text);
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
	/* In the order of test_commands. */
	switch (req->def - test_commands) {
	case 0:
		return emit(agent, req, result, err);
	case 1:
		return clock_advance(agent, req, result, err);
	case 2:
		return hold(agent, req, result, err);
	case 3:
		return self(req, result);
	case 4:
	case 5:
	case 6:
		return pause_cmd(req, (int)(req->def - test_commands) - 4, result, err);
	default:
		return vg_error_set(err, -EOPNOTSUPP, "no such test command");
	}
}

static void install(struct vg_agent *agent)
{
	agent->extra_find = find;
	agent->extra_dispatch = dispatch;
	agent->test_pause = test_pause;
	agent->sandbox_worker = VG_TEST_WORKER;
}

int main(int argc, char **argv)
{
	return vg_vigild_main(argc, argv, install);
}
