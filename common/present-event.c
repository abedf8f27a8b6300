/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * An OCSF event in one row: its time, its type, its activity in words (so that a create and
 * an update differ), the acting process, and what it is about, also for the events that are
 * not process, network or file activity (detections, responses, the agent's own reports).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "nls.h"
#include "present.h"

enum {
	CLASS_FILE = 1001,
	CLASS_PROCESS = 1007,
	CLASS_EVENT_LOG = 1008,
	CLASS_DETECTION = 2004,
	CLASS_NETWORK = 4001,
	CLASS_REMEDIATION_FIRST = 7001,
	CLASS_REMEDIATION_LAST = 7004,
};

/* OCSF's activity ids of each class, in words. */
static const char *activity_text(long long cls, long long id, const char *name)
{
	static const char *const process[] = { NULL, N_("start"), N_("exit"), N_("open"), N_("inject"),
					       N_("set user id") };
	static const char *const file[] = { NULL, N_("create"), N_("read"), N_("update"), N_("delete"), N_("rename"),
					    N_("set attributes"), N_("set security"), N_("get attributes"),
					    N_("get security"), N_("encrypt"), N_("decrypt"), N_("mount"),
							N_("unmount"),
					    N_("open") };
	static const char *const network[] = { NULL, N_("open"), N_("close"), N_("reset"), N_("fail"), N_("refuse"),
					       N_("traffic"), N_("listen") };
	static const char *const finding[] = { NULL, N_("create"), N_("update"), N_("close") };
	static const char *const remediation[] = { NULL, N_("isolate"), N_("evict"), N_("restore"), N_("harden"),
						   N_("detect") };
	const char *const *table = NULL;
	size_t n = 0;

#define USE(t) (table = (t), n = sizeof(t) / sizeof((t)[0]))
	if (cls == CLASS_PROCESS)
		USE(process);
	else if (cls == CLASS_FILE)
		USE(file);
	else if (cls == CLASS_NETWORK)
		USE(network);
	else if (cls == CLASS_DETECTION)
		USE(finding);
	else if (cls >= CLASS_REMEDIATION_FIRST && cls <= CLASS_REMEDIATION_LAST)
		USE(remediation);
#undef USE
	if (table && id > 0 && (size_t)id < n && table[id])
		return _(table[id]);
	if (strcmp(name, "Data Dropped") == 0)
		return _("data dropped");
	if (id == 99 || (name[0] && strcmp(name, "Other") == 0))
		return _("other");
	return name;
}

static const char *type_text(long long cls)
{
	switch (cls) {
	case CLASS_PROCESS:
		return _("process");
	case CLASS_NETWORK:
		return _("network");
	case CLASS_FILE:
		return _("file");
	case CLASS_DETECTION:
		return _("detection");
	case CLASS_EVENT_LOG:
		return _("agent");
	default:
		if (cls >= CLASS_REMEDIATION_FIRST && cls <= CLASS_REMEDIATION_LAST)
			return _("response");
		return _("other");
	}
}

static void endpoint(const json_t *ep, char *buf, size_t size)
{
	const char *ip = vg_present_str(ep, "ip");

	if (!ep)
		snprintf(buf, size, "?");
	else if (strchr(ip, ':'))
		snprintf(buf, size, "[%s]:%lld", ip, vg_present_num(ep, "port"));
	else
		snprintf(buf, size, "%s:%lld", ip, vg_present_num(ep, "port"));
}

static const json_t *acting_process(const json_t *ev)
{
	const json_t *proc = json_object_get(ev, "process");

	return proc ? proc : json_object_get(json_object_get(ev, "actor"), "process");
}

/* A response task's event (Remediation Activity): the task, its target, how it came out. */
static void remediation_details(const json_t *ev, char *buf, size_t size)
{
	const json_t *unmapped = json_object_get(ev, "unmapped"), *iso = json_object_get(unmapped, "isolation");
	const char *target = vg_present_str(json_object_get(ev, "file"), "path");
	char what[512];

	if (iso) {
		snprintf(buf, size, "%s%s%s", vg_present_msgid(vg_present_str(ev, "message")), vg_present_str(ev,
				"message")[0] ? ": " : "",
			 strcmp(vg_present_str(iso, "state"),
					"on") == 0 ? _("the host is isolated") : _("the host is not isolated"));
		return;
	}
	if (!vg_present_str(unmapped, "task_kind")[0]) {
		snprintf(buf, size, "%s", vg_present_msgid(vg_present_str(ev, "message")));
		return;
	}
	if (!target[0])
		target = vg_present_str(json_object_get(acting_process(ev), "file"), "path");
	snprintf(what, sizeof(what), _("task %s, %s"), vg_present_str(ev, "command_uid"),
		 vg_present_task_kind(vg_present_str(unmapped, "task_kind")));
	/* TRANSLATORS: a response task's event: the task, its target (may be empty), its outcome. */
	snprintf(buf, size, _("%s%s%s: %s"), what, target[0] ? " " : "", target,
		 vg_present_num(ev, "status_id") == 1 ? _("succeeded") : _("did not succeed"));
}

void vg_present_event(const json_t *ev, struct vg_present_event *out)
{
	long long cls = vg_present_num(ev, "class_uid"), ms = vg_present_num(ev, "time");
	const json_t *proc = acting_process(ev), *finding;
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;
	char a[128], b[128];

	memset(out, 0, sizeof(*out));
	if (localtime_r(&secs, &tm)) {
		strftime(out->time, sizeof(out->time), "%H:%M:%S", &tm);
		strftime(a, sizeof(a), "%Y-%m-%d %H:%M:%S", &tm);
		snprintf(out->time_long, sizeof(out->time_long), "%s.%03lld", a, ms % 1000);
	}
	snprintf(out->type, sizeof(out->type), "%s", type_text(cls));
	snprintf(out->activity, sizeof(out->activity), "%s",
		 activity_text(cls, vg_present_num(ev, "activity_id"), vg_present_str(ev, "activity_name")));
	if (json_is_integer(json_object_get(proc, "pid")))
		snprintf(out->pid, sizeof(out->pid), "%lld", vg_present_num(proc, "pid"));
	switch (cls) {
	case CLASS_PROCESS:
		if (json_object_get(ev, "exit_code"))
			snprintf(out->details, sizeof(out->details), _("%s, exit code %lld"),
				 vg_present_str(json_object_get(proc, "file"), "path"), vg_present_num(ev,
						"exit_code"));
		else
			snprintf(out->details, sizeof(out->details), "%s",
				 vg_present_str(proc, "cmd_line")[0] ? vg_present_str(proc,
						"cmd_line") : vg_present_str(json_object_get(proc, "file"), "path"));
		break;
	case CLASS_NETWORK:
		if (!json_object_get(ev, "src_endpoint") && !json_object_get(ev, "dst_endpoint"))
			break;
		endpoint(json_object_get(ev, "src_endpoint"), a, sizeof(a));
		endpoint(json_object_get(ev, "dst_endpoint"), b, sizeof(b));
		snprintf(out->details, sizeof(out->details), "%s%s%s -> %s %s",
			 vg_present_str(json_object_get(ev, "connection_info"), "protocol_name"),
			 vg_present_str(json_object_get(ev, "connection_info"), "protocol_name")[0] ? " " : "",
			 json_object_get(ev, "src_endpoint") ? a : "", json_object_get(ev, "dst_endpoint") ? b : "",
			 vg_present_str(json_object_get(proc, "file"), "path"));
		break;
	case CLASS_FILE:
		snprintf(out->details, sizeof(out->details), "%s%s%s", vg_present_str(json_object_get(ev, "file"),
				"path"),
			 json_object_get(ev, "file_result") ? " -> " : "", vg_present_str(json_object_get(ev,
					"file_result"), "path"));
		break;
	case CLASS_DETECTION:
		finding = json_object_get(ev, "finding_info");
		if (!vg_present_str(finding, "title")[0])
			break;
		/* TRANSLATORS: a detection: what was found, the rule's title, the analytic's name. */
		snprintf(out->details, sizeof(out->details), _("%s: %s (%s)"), vg_present_msgid(vg_present_str(ev,
				"message")),
			 vg_present_str(finding, "title"), vg_present_str(json_object_get(finding, "analytic"),
					"name"));
		break;
	case CLASS_EVENT_LOG:
		if (!json_is_integer(json_object_get(json_object_get(ev, "unmapped"), "count")))
			break;
		snprintf(a, sizeof(a), "%lld", vg_present_num(json_object_get(ev, "unmapped"), "count"));
		snprintf(out->details, sizeof(out->details),
			 P_("%s event lost (%s: %s)", "%s events lost (%s: %s)",
			    (unsigned long)vg_present_num(json_object_get(ev, "unmapped"), "count")),
			 a, vg_present_str(json_object_get(ev, "unmapped"), "source"),
					vg_present_msgid(vg_present_str(ev, "message")));
		break;
	default:
		if (cls >= CLASS_REMEDIATION_FIRST && cls <= CLASS_REMEDIATION_LAST)
			remediation_details(ev, out->details, sizeof(out->details));
		else if (vg_present_str(ev, "message")[0])
			snprintf(out->details, sizeof(out->details), "%s", vg_present_msgid(vg_present_str(ev,
					"message")));
		break;
	}
	/* An event without the fields of its class says what it can. */
	if (!out->details[0] && vg_present_str(ev, "message")[0])
		snprintf(out->details, sizeof(out->details), "%s", vg_present_msgid(vg_present_str(ev, "message")));
	else if (!out->details[0])
		snprintf(out->details, sizeof(out->details), _("OCSF class %lld, activity %lld"), cls,
				vg_present_num(ev, "activity_id"));
}
