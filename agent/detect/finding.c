/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Detection Findings (OCSF 1.8.0, class 2004): what a rule that matched says about itself —
 * its id and title in finding_info.analytic, its ATT&CK techniques in finding_info.attacks, its
 * level as the severity — and the events that triggered it as evidences.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "detect/detect.h"
#include "events.h"
#include "ocsf.h"
#include "tasks/executors.h"

/* The OCSF objects of an event that are evidence of what happened, in the evidences object's
 * own attribute names. */
static const char *const evidence_keys[] = {
	"process", "actor", "file", "src_endpoint", "dst_endpoint", "connection_info", "user",
};

/* The Enterprise ATT&CK tactics, by the name Sigma tags use. */
static const struct {
	const char *tag;
	const char *uid;
	const char *name;
} tactics[] = {
	{ "reconnaissance", "TA0043", "Reconnaissance" },
	{ "resource_development", "TA0042", "Resource Development" },
	{ "initial_access", "TA0001", "Initial Access" },
	{ "execution", "TA0002", "Execution" },
	{ "persistence", "TA0003", "Persistence" },
	{ "privilege_escalation", "TA0004", "Privilege Escalation" },
	{ "defense_evasion", "TA0005", "Defense Evasion" },
	{ "credential_access", "TA0006", "Credential Access" },
	{ "discovery", "TA0007", "Discovery" },
	{ "lateral_movement", "TA0008", "Lateral Movement" },
	{ "collection", "TA0009", "Collection" },
	{ "command_and_control", "TA0011", "Command and Control" },
	{ "exfiltration", "TA0010", "Exfiltration" },
	{ "impact", "TA0040", "Impact" },
};


int vg_det_severity(enum vg_sigma_level level)
{
	switch (level) {
	case VG_SIGMA_LEVEL_INFORMATIONAL:
		return 1;
	case VG_SIGMA_LEVEL_LOW:
		return 2;
	case VG_SIGMA_LEVEL_MEDIUM:
		return 3;
	case VG_SIGMA_LEVEL_HIGH:
		return 4;
	case VG_SIGMA_LEVEL_CRITICAL:
		return 5;
	default:
		return 0;
	}
}

static json_t *tactic_json(const char *tag)
{
	char norm[64];

	snprintf(norm, sizeof(norm), "%s", tag);
	for (char *c = norm; *c; c++)
		if (*c == '-')
			*c = '_';
	for (size_t i = 0; i < sizeof(tactics) / sizeof(tactics[0]); i++)
		if (strcmp(tactics[i].tag, norm) == 0)
			return json_pack("{s:s, s:s}", "uid", tactics[i].uid, "name", tactics[i].name);
	return NULL;
}

json_t *vg_det_attacks(const struct vg_sigma_rule_info *info)
{
	json_t *attacks = json_array(), *first_tactic = NULL, *all_tactics = json_array();

	for (size_t i = 0; i < info->tactics.n; i++) {
		json_t *t = tactic_json(info->tactics.v[i]);

		if (!t)
			continue;
		if (!first_tactic)
			first_tactic = json_incref(t);
		json_array_append_new(all_tactics, t);
	}
	for (size_t i = 0; i < info->techniques.n; i++) {
		const char *id = info->techniques.v[i];
		const char *dot = strchr(id, '.');
		json_t *a = json_object();

		json_object_set_new(a, "technique", json_pack("{s:s%}", "uid", id, dot ? (size_t)(dot - id) : strlen(id)));
		if (dot)
			json_object_set_new(a, "sub_technique", json_pack("{s:s}", "uid", id));
		/* A technique may serve several tactics: when the rule names one, it is the technique's. */
		if (json_array_size(all_tactics) == 1)
			json_object_set(a, "tactic", first_tactic);
		else if (json_array_size(all_tactics) > 1)
			json_object_set(a, "tactics", all_tactics);
		json_array_append_new(attacks, a);
	}
	/* Tactics without a technique are attacks too. */
	if (info->techniques.n == 0) {
		size_t i;
		json_t *t;

		json_array_foreach(all_tactics, i, t)
			json_array_append_new(attacks, json_pack("{s:O}", "tactic", t));
	}
	json_decref(first_tactic);
	json_decref(all_tactics);
	return attacks;
}

json_t *vg_det_evidence(const json_t *event, int record)
{
	json_t *ev = json_object(), *data;
	json_t *records = json_object_get(json_object_get(event, "unmapped"), "audit");

	for (size_t i = 0; i < sizeof(evidence_keys) / sizeof(evidence_keys[0]); i++) {
		json_t *v = json_object_get(event, evidence_keys[i]);

		if (json_is_object(v))
			json_object_set_new(ev, evidence_keys[i], json_deep_copy(v));
	}
	/* A rename's new name is the file the rules saw (TargetFilename). */
	if (json_is_object(json_object_get(event, "file_result")))
		json_object_set_new(ev, "file", json_deep_copy(json_object_get(event, "file_result")));
	data = json_pack("{s:O*, s:O*, s:O*}", "class_uid", json_object_get(event, "class_uid"), "activity_id",
			 json_object_get(event, "activity_id"), "time", json_object_get(event, "time"));
	if (record >= 0 && json_array_get(records, (size_t)record))
		json_object_set_new(data, "audit_record", json_deep_copy(json_array_get(records, (size_t)record)));
	else if (json_array_size(records))
		json_object_set_new(data, "audit_records", json_integer((json_int_t)json_array_size(records)));
	json_object_set_new(ev, "data", data);
	/* OCSF wants at least one object; an event with none (an audit message without a process)
	 * still has its record. */
	if (json_object_size(ev) == 1)
		json_object_set_new(ev, "name", json_string("audit record"));
	return ev;
}

/* The parts every finding shares: class, activity, severity, status and the finding's own uid,
 * which is also the correlation uid of the remediations it leads to (tasks' events). */
static json_t *finding_base(int severity, const char *title, int64_t now_ms, const char *type)
{
	char uid[37];
	json_t *f = vg_ocsf_event(VG_OCSF_DETECTION_FINDING, 1, "Create", now_ms);

	if (!f)
		return NULL;
	vg_ocsf_uuid(uid);
	vg_ocsf_set_severity(f, severity >= VG_SEVERITY_UNKNOWN && severity <= VG_SEVERITY_CRITICAL ? severity
												     : VG_SEVERITY_UNKNOWN);
	/* A finding's status is its own (New, In Progress...), not an outcome's. */
	json_object_set_new(f, "status_id", json_integer(1));
	json_object_set_new(f, "status", json_string("New"));
	json_object_set_new(f, "is_alert", json_true());
	json_object_set_new(f, "finding_info", json_pack("{s:s, s:o, s:I, s:[s]}", "uid", uid, "title", vg_ocsf_text(title),
							 "created_time", (json_int_t)now_ms, "types", type));
	/* The security_control profile holds the action and disposition (the response). */
	json_object_set_new(f, "metadata", json_pack("{s:[s], s:s}", "profiles", "security_control", "correlation_uid", uid));
	return f;
}

/* Where responses find their target: the process (pid and start time, read now) and the file
 * of the event.  Removed before the finding is emitted. */
static void add_target(json_t *f, const json_t *event)
{
	json_t *proc = json_object_get(event, "process");
	json_int_t cls = json_integer_value(json_object_get(event, "class_uid"));
	json_t *file = json_object_get(event, "file_result");
	json_t *t = json_object();
	unsigned long long start;
	json_int_t pid;

	/* A process event is about its process; the others about the process that acted. */
	if (cls != VG_OCSF_PROCESS_ACTIVITY || !json_is_object(proc))
		proc = json_object_get(json_object_get(event, "actor"), "process");
	pid = json_integer_value(json_object_get(proc, "pid"));
	if (pid > 0) {
		json_object_set_new(t, "pid", json_integer(pid));
		if (vg_det_process_start((pid_t)pid, json_integer_value(json_object_get(event, "time")), &start))
			json_object_set_new(t, "start_time", json_integer((json_int_t)start));
		if (json_is_string(json_object_get(json_object_get(proc, "file"), "path")))
			json_object_set(t, "exe", json_object_get(json_object_get(proc, "file"), "path"));
	}
	json_object_set_new(t, "process_start", json_boolean(cls == VG_OCSF_PROCESS_ACTIVITY &&
							    json_integer_value(json_object_get(event, "activity_id")) == 1));
	if (!json_is_object(file))
		file = json_object_get(event, "file");
	if (cls == VG_OCSF_FILE_ACTIVITY && json_is_string(json_object_get(file, "path"))) {
		size_t i;
		json_t *h;

		json_object_set(t, "file", json_object_get(file, "path"));
		json_array_foreach(json_object_get(file, "hashes"), i, h)
			if (json_integer_value(json_object_get(h, "algorithm_id")) == 3)
				json_object_set(t, "sha256", json_object_get(h, "value"));
	}
	json_object_set_new(f, "_vg_target", t);
}

json_t *vg_det_finding_sigma(const struct vg_sigma_match *m, const json_t *event, const json_t *const *past,
			     size_t npast, int64_t now_ms)
{
	const struct vg_sigma_rule_info *info = vg_sigma_rule_info(m->rule);
	const char *title = info->title[0] ? info->title : info->name[0] ? info->name : info->id;
	const char *uid = info->id[0] ? info->id : info->name;
	json_t *f = finding_base(vg_det_severity(info->level), title, now_ms, "Sigma");
	json_t *fi, *analytic, *evidences = json_array(), *vigil, *sources = json_array();
	int64_t event_time = json_integer_value(json_object_get(event, "time"));
	char message[600];

	if (!f)
		return NULL;
	fi = json_object_get(f, "finding_info");
	analytic = json_pack("{s:s, s:s, s:i, s:s}", "uid", uid, "name", title, "type_id", 1, "type", "Rule");
	if (info->description[0])
		json_object_set_new(analytic, "desc", json_string(info->description));
	if (info->status != VG_SIGMA_STATUS_NONE)
		json_object_set_new(analytic, "category", json_string(vg_sigma_status_name(info->status)));
	json_object_set_new(fi, "analytic", analytic);
	if (info->description[0])
		json_object_set_new(fi, "desc", json_string(info->description));
	json_object_set_new(fi, "attacks", vg_det_attacks(info));
	for (unsigned s = 1; s <= VG_SIGMA_SRC_ALL; s <<= 1)
		if (info->sources & s)
			json_array_append_new(sources, json_string(vg_sigma_source_name(s)));
	json_object_set_new(fi, "data_sources", sources);
	for (size_t i = 0; i < npast; i++)
		if (past[i])
			json_array_append_new(evidences, json_deep_copy(past[i]));
	if (event)
		json_array_append_new(evidences, vg_det_evidence(event, m->record));
	json_object_set_new(f, "evidences", evidences);
	if (info->type != VG_SIGMA_DETECTION) {
		json_object_set_new(fi, "related_events_count", json_integer((json_int_t)m->count));
		json_object_set_new(f, "start_time", json_integer(m->first_ms));
		json_object_set_new(f, "end_time", json_integer(m->last_ms));
		json_object_set_new(fi, "first_seen_time", json_integer(m->first_ms));
		json_object_set_new(fi, "last_seen_time", json_integer(m->last_ms));
	} else if (event_time) {
		json_object_set_new(f, "start_time", json_integer(event_time));
		json_object_set_new(f, "end_time", json_integer(event_time));
		json_object_set_new(fi, "first_seen_time", json_integer(event_time));
		json_object_set_new(fi, "last_seen_time", json_integer(event_time));
	}
	snprintf(message, sizeof(message), "Sigma rule matched: %s", title);
	json_object_set_new(f, "message", json_string(message));
	vigil = json_pack("{s:s, s:s, s:s, s:s, s:I}", "rule_type", vg_sigma_rule_type_name(info->type), "level",
			  vg_sigma_level_name(info->level), "source", m->source ? vg_sigma_source_name(m->source) : "",
			  "rule_file", info->file, "rule_line", (json_int_t)info->line);
	if (m->selections.n) {
		json_t *sel = json_array();

		for (size_t i = 0; i < m->selections.n; i++)
			json_array_append_new(sel, json_string(m->selections.v[i]));
		json_object_set_new(vigil, "selections", sel);
	}
	if (info->tags.n) {
		json_t *tags = json_array();

		for (size_t i = 0; i < info->tags.n; i++)
			json_array_append_new(tags, json_string(info->tags.v[i]));
		json_object_set_new(vigil, "tags", tags);
	}
	if (m->group && m->group[0])
		json_object_set_new(vigil, "group", json_string(m->group));
	if (m->record >= 0)
		json_object_set_new(vigil, "audit_record", json_integer(m->record));
	json_object_set_new(f, "unmapped", json_pack("{s:o}", "detection", vigil));
	if (event)
		add_target(f, event);
	return f;
}

json_t *vg_det_finding_ioc(const struct vg_det_watch *w, const struct vg_ioc_eval *ev, const json_t *event,
			   int64_t now_ms)
{
	struct vg_ioc_info info;
	const char *title;
	json_t *f, *fi, *indicators = json_array();
	int64_t event_time = json_integer_value(json_object_get(event, "time"));
	char message[600];

	vg_ioc_get_info(w->ioc, &info);
	title = info.description[0] ? info.description : w->id;
	if (!(f = finding_base(4, title, now_ms, "OpenIOC")))
		return NULL;
	fi = json_object_get(f, "finding_info");
	json_object_set_new(fi, "analytic", json_pack("{s:s, s:s, s:i, s:s}", "uid", w->id, "name", title, "type_id", 1,
						      "type", "Rule"));
	json_object_set_new(fi, "data_sources", json_pack("[s]", "live OpenIOC"));
	if (event_time) {
		json_object_set_new(f, "start_time", json_integer(event_time));
		json_object_set_new(f, "end_time", json_integer(event_time));
		json_object_set_new(fi, "first_seen_time", json_integer(event_time));
		json_object_set_new(fi, "last_seen_time", json_integer(event_time));
	}
	json_object_set_new(f, "evidences", json_pack("[o]", vg_det_evidence(event, -1)));
	for (size_t i = 0; i < vg_ioc_eval_match_count(ev); i++) {
		const char *ind = vg_ioc_eval_match(ev, i)->indicator;

		if (ind && ind[0])
			json_array_append_new(indicators, json_string(ind));
	}
	snprintf(message, sizeof(message), "OpenIOC indicator matched: %s", title);
	json_object_set_new(f, "message", json_string(message));
	json_object_set_new(f, "unmapped", json_pack("{s:{s:s, s:s, s:o}}", "detection", "rule_type", "openioc",
						     "ioc_file", w->file, "indicators", indicators));
	add_target(f, event);
	return f;
}

bool vg_det_process_start(pid_t pid, int64_t event_ms, unsigned long long *start_ticks)
{
	struct timespec real, boot;
	unsigned long long ticks;
	long hz = sysconf(_SC_CLK_TCK);
	unsigned flags;

	if (hz <= 0 || vg_task_proc_stat(pid, &ticks, &flags) < 0)
		return false;
	/* A pid reused since the event belongs to a process that started after it: the start time
	 * (boot-relative, one clock tick precise) must not be later than the event. */
	clock_gettime(CLOCK_REALTIME, &real);
	clock_gettime(CLOCK_BOOTTIME, &boot);
	if (event_ms > 0) {
		int64_t boot_epoch_ms = ((int64_t)real.tv_sec - boot.tv_sec) * 1000 + (real.tv_nsec - boot.tv_nsec) / 1000000;
		int64_t start_ms = boot_epoch_ms + (int64_t)(ticks * 1000 / (unsigned long long)hz);

		if (start_ms > event_ms + 1000 / hz + 10)
			return false;
	}
	*start_ticks = ticks;
	return true;
}
