/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Response policies: detection.policies maps rules (by id, by tag, by level) to an action —
 * alert only, block (kill a process at once), terminate (SIGTERM, then SIGKILL after the
 * grace period), quarantine the file, isolate the host.  Processes and files are acted on by
 * the tasks subsystem (source "detection"), so that every response is a task in the journal
 * and a Remediation event that names the finding (metadata.correlation_uid); isolation by the
 * isolation subsystem, with the finding's uid in its reason.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "detect/detect.h"
#include "isolation/isolation.h"
#include "log.h"
#include "nls.h"
#include "tasks/tasks.h"
#include "vigil/error.h"

static const char *const action_names[VG_DET_NACTIONS] = { "alert", "block", "terminate", "quarantine", "isolate" };
static const char *const levels[] = { "informational", "low", "medium", "high", "critical" };

/* Executables under these directories belong to the system: never quarantined for a rule. */
static const char *const system_dirs[] = { "/usr/", "/bin/", "/sbin/", "/lib/", "/lib64/", "/lib32/", "/boot/", "/etc/" };

const char *vg_det_action_name(enum vg_det_action a)
{
	return a < VG_DET_NACTIONS ? action_names[a] : "alert";
}

static int action_of(const char *name, size_t len)
{
	for (int a = 0; a < VG_DET_NACTIONS; a++)
		if (strlen(action_names[a]) == len && strncasecmp(action_names[a], name, len) == 0)
			return a;
	return -1;
}

static int level_index(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
		if (strlen(levels[i]) == len && strncasecmp(levels[i], name, len) == 0)
			return (int)i;
	return -1;
}

/* Specificity of a selector: 4 id, 3 tag, 2 level, 1 every rule, 0 not a selector. */
static int selector_kind(const char *sel, size_t len)
{
	if (len == 1 && sel[0] == '*')
		return 1;
	if (len > 3 && strncmp(sel, "id:", 3) == 0)
		return 4;
	if (len > 4 && strncmp(sel, "tag:", 4) == 0)
		return 3;
	if (len > 6 && strncmp(sel, "level:", 6) == 0) {
		size_t n = len - 6;

		if (sel[len - 1] == '+')
			n--;
		return level_index(sel + 6, n) >= 0 ? 2 : 0;
	}
	return 0;
}

int vg_det_policy_validate(const char *item, struct vg_error *err)
{
	const char *eq = strrchr(item, '=');

	if (!eq || eq == item)
		return vg_error_set(err, -EINVAL, N_("\"%s\" is not a policy: write SELECTOR=ACTION"), item);
	if (!selector_kind(item, (size_t)(eq - item)))
		return vg_error_set(err, -EINVAL,
				    N_("\"%s\": the selector is id:RULE, tag:TAG, level:LEVEL, level:LEVEL+ or *"), item);
	if (action_of(eq + 1, strlen(eq + 1)) < 0)
		return vg_error_set(err, -EINVAL,
				    N_("\"%s\": the action is alert, block, terminate, quarantine or isolate"), item);
	return 0;
}

/* Does the selector (kind k) pick the finding? */
static bool selects(int k, const char *sel, size_t len, const json_t *finding)
{
	const json_t *det = json_object_get(json_object_get(finding, "unmapped"), "detection");
	const char *rule = json_string_value(json_object_get(json_object_get(json_object_get(finding, "finding_info"),
									     "analytic"), "uid"));
	char pattern[512];
	size_t i;
	json_t *t;

	switch (k) {
	case 1:
		return true;
	case 4:
		return rule && strlen(rule) == len - 3 && strncmp(rule, sel + 3, len - 3) == 0;
	case 3:
		/* A tag, or a glob over the tags ("tag:attack.t1059*"). */
		snprintf(pattern, sizeof(pattern), "%.*s", (int)(len - 4), sel + 4);
		json_array_foreach(json_object_get(det, "tags"), i, t)
			if (fnmatch(pattern, json_string_value(t), FNM_CASEFOLD) == 0)
				return true;
		return false;
	case 2: {
		bool above = sel[len - 1] == '+';
		int want = level_index(sel + 6, len - 6 - (above ? 1 : 0));
		const char *lv = json_string_value(json_object_get(det, "level"));
		int have = lv ? level_index(lv, strlen(lv)) : -1;

		return have >= 0 && (above ? have >= want : have == want);
	}
	default:
		return false;
	}
}

enum vg_det_action vg_det_policy_action(const char *policies, const json_t *finding)
{
	int best_kind = 0;
	enum vg_det_action best = VG_DET_ALERT;
	const char *p = policies ? policies : "";

	while (*p) {
		size_t len = strcspn(p, ",");
		const char *eq = NULL;

		/* The last '=' of the item separates the action, as vg_det_policy_validate reads it. */
		for (const char *q = p; q < p + len; q++)
			if (*q == '=')
				eq = q;
		if (eq) {
			int k = selector_kind(p, (size_t)(eq - p));
			int a = action_of(eq + 1, (size_t)(p + len - eq - 1));

			if (k > best_kind && a >= 0 && selects(k, p, (size_t)(eq - p), finding)) {
				best_kind = k;
				best = (enum vg_det_action)a;
			}
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return best;
}

static bool system_file(const char *path)
{
	for (size_t i = 0; i < sizeof(system_dirs) / sizeof(system_dirs[0]); i++)
		if (strncmp(path, system_dirs[i], strlen(system_dirs[i])) == 0)
			return true;
	return false;
}

static void submit(struct vg_agent *agent, const char *kind, json_t *req, json_t *out)
{
	struct vg_error err = { 0 };
	int64_t id;

	if (vg_tasks_submit(agent, kind, "detection", 0, req, &id, &err) < 0) {
		json_object_set_new(out, "error", json_string(err.message));
		vg_warn("detection: %s failed: %s", kind, err.message);
	} else {
		json_object_set_new(out, "task_id", json_integer((json_int_t)id));
	}
}

json_t *vg_det_respond(struct vg_agent *agent, enum vg_det_action action, json_t *finding)
{
	json_t *target = json_incref(json_object_get(finding, "_vg_target"));
	const char *uid = json_string_value(json_object_get(json_object_get(finding, "finding_info"), "uid"));
	const char *title = json_string_value(json_object_get(json_object_get(finding, "finding_info"), "title"));
	json_t *out = json_pack("{s:s}", "action", vg_det_action_name(action)), *req;
	json_t *pid = json_object_get(target, "pid"), *start = json_object_get(target, "start_time");
	const char *path;

	json_object_del(finding, "_vg_target");
	switch (action) {
	case VG_DET_ALERT:
		break;
	case VG_DET_BLOCK:
	case VG_DET_TERMINATE:
		if (!json_is_integer(pid) || !json_is_integer(start)) {
			/* Without its start time the pid may be another process's by now: never guess. */
			json_object_set_new(out, "error", json_string(json_is_integer(pid)
									      ? "the process had already exited"
									      : "the event names no process"));
			break;
		}
		req = json_pack("{s:O, s:O, s:s}", "pid", pid, "start_time", start, "finding_uid", uid ? uid : "");
		if (action == VG_DET_BLOCK)
			json_object_set_new(req, "grace_seconds", json_integer(0));
		json_object_set(out, "pid", pid);
		submit(agent, "terminate", req, out);
		json_decref(req);
		break;
	case VG_DET_QUARANTINE:
		path = json_string_value(json_object_get(target, "file"));
		if (!path) {
			path = json_string_value(json_object_get(target, "exe"));
			if (path && system_file(path))
				path = NULL;
		}
		if (!path) {
			json_object_set_new(out, "error", json_string("no file of the event may be quarantined"));
			break;
		}
		req = json_pack("{s:s, s:b, s:s}", "path", path, "quarantine", 1, "finding_uid", uid ? uid : "");
		/* The content the event saw, not whatever is at the path now. */
		if (json_is_string(json_object_get(target, "sha256")))
			json_object_set(req, "sha256", json_object_get(target, "sha256"));
		json_object_set_new(out, "path", json_string(path));
		submit(agent, "delete-file", req, out);
		json_decref(req);
		break;
	case VG_DET_ISOLATE: {
		struct vg_error err = { 0 };
		json_t *state = NULL;
		char reason[512];

		/* An isolation in force stays as it was ordered: its reason names the detection (or the
		 * person) that ordered it, not the latest detection to agree. */
		if (vg_isolation_is_on(agent)) {
			json_object_set_new(out, "state", json_string("on"));
			json_object_set_new(out, "already", json_true());
			break;
		}
		snprintf(reason, sizeof(reason), "detection %s: %s", uid ? uid : "", title ? title : "");
		/* The finding's uid names the order in the Remediation Activity (command_uid), as the
		 * server's request id does for the server's. */
		if (vg_isolation_set(agent, VG_ISO_BY_DETECTION, true, reason, NULL, 0, uid, &state, &err) < 0) {
			json_object_set_new(out, "error", json_string(err.message));
			vg_warn("detection: isolation failed: %s", err.message);
		} else {
			json_object_set_new(out, "state", json_string("on"));
		}
		json_decref(state);
		break;
	}
	default:
		break;
	}
	json_decref(target);
	return out;
}
