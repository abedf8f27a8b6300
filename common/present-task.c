/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A response task for people: what was asked (the request's fields, each with its label),
 * by whom and when, how it ended, and what its kind produced, with local times, sizes in
 * units, processes one per line, and the error in the user's language.
 */
#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "nls.h"
#include "present.h"

static const struct {
	const char *name, *text;
	enum vg_level level;
} states[] = {
	{ "queued", N_("queued"), VG_LEVEL_OFF },
	{ "running", N_("running"), VG_LEVEL_WARN },
	{ "succeeded", N_("succeeded"), VG_LEVEL_OK },
	{ "failed", N_("failed"), VG_LEVEL_ERROR },
	{ "refused", N_("refused"), VG_LEVEL_ERROR },
	{ "cancelled", N_("cancelled"), VG_LEVEL_WARN },
	{ "timed_out", N_("timed out"), VG_LEVEL_ERROR },
	{ "interrupted", N_("interrupted by a restart"), VG_LEVEL_WARN },
};

const char *vg_present_task_state(const char *state, enum vg_level *level)
{
	for (size_t i = 0; state && i < sizeof(states) / sizeof(states[0]); i++)
		if (strcmp(states[i].name, state) == 0) {
			if (level)
				*level = states[i].level;
			return _(states[i].text);
		}
	if (level)
		*level = VG_LEVEL_OFF;
	return state ? state : "?";
}

const char *vg_present_task_kind(const char *kind)
{
	static const struct {
		const char *name, *text;
	} kinds[] = {
		{ "get-file", N_("collect a file") },
		{ "delete-file", N_("delete a file") },
		{ "run", N_("run a program") },
		{ "terminate", N_("terminate processes") },
		{ "quarantine-restore", N_("restore from quarantine") },
		{ "quarantine-purge", N_("purge from quarantine") },
	};

	for (size_t i = 0; kind && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].name, kind) == 0)
			return _(kinds[i].text);
	return kind ? kind : "?";
}

struct out {
	struct vg_present_item *items;
	size_t n, max;
};

static void add(struct out *o, const char *label, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void add(struct out *o, const char *label, const char *fmt, ...)
{
	va_list ap;

	if (o->n >= o->max)
		return;
	snprintf(o->items[o->n].label, sizeof(o->items[o->n].label), "%s", label);
	va_start(ap, fmt);
	vsnprintf(o->items[o->n].value, sizeof(o->items[o->n].value), fmt, ap);
	va_end(ap);
	o->n++;
}

static bool has_int(const json_t *o, const char *key)
{
	return json_is_integer(json_object_get(o, key));
}

static bool has_str(const json_t *o, const char *key)
{
	return json_is_string(json_object_get(o, key)) && vg_present_str(o, key)[0];
}

static void join(char *buf, size_t size, const json_t *array)
{
	json_t *v;
	size_t i, used = 0;

	buf[0] = '\0';
	json_array_foreach(array, i, v) {
		int w = snprintf(buf + used, size - used, "%s%s", used ? " " : "", json_string_value(v) ?: "");

		if (w < 0 || (size_t)w >= size - used)
			break;
		used += (size_t)w;
	}
}

/* "3.2 KiB (3 312 bytes)": the size in units, and exactly when the unit rounds. */
static void size_text(char *buf, size_t size, long long bytes)
{
	char unit[64];

	vg_present_size(unit, sizeof(unit), (uint64_t)(bytes < 0 ? 0 : bytes));
	if (bytes < 1024)
		snprintf(buf, size, "%s", unit);
	else
		snprintf(buf, size, P_("%s (%lld byte)", "%s (%lld bytes)", (unsigned long)bytes), unit, bytes);
}

/* What the task was asked to do. */
static void request_items(struct out *o, const json_t *task, int64_t now)
{
	const json_t *req = json_object_get(task, "request");
	const char *kind = vg_present_str(task, "kind");
	char buf[1024], when[96];

	(void)now;
	if (has_str(req, "exe") && strcmp(kind, "run") == 0) {
		join(buf, sizeof(buf), json_object_get(req, "args"));
		add(o, _("Program"), "%s%s%s", vg_present_str(req, "exe"), buf[0] ? " " : "", buf);
	} else if (has_str(req, "exe")) {
		add(o, _("Executable"), "%s", vg_present_str(req, "exe"));
	}
	if (has_str(req, "path"))
		add(o, _("File"), "%s", vg_present_str(req, "path"));
	if (has_int(req, "pid"))
		add(o, _("Process"), "%lld", vg_present_num(req, "pid"));
	if (has_int(req, "start_time") && vg_present_num(req, "start_time") > 0)
		add(o, _("Start time"), _("%lld clock ticks after boot"), vg_present_num(req, "start_time"));
	if (has_str(req, "sha256"))
		add(o, _("Expected SHA-256"), "%s", vg_present_str(req, "sha256"));
	if (json_is_true(json_object_get(req, "quarantine")))
		add(o, _("Quarantine"), "%s", _("a copy is kept first"));
	if (has_str(req, "id"))
		add(o, _("Quarantine entry"), "%s", vg_present_str(req, "id"));
	if (has_str(req, "cwd"))
		add(o, _("Working directory"), "%s", vg_present_str(req, "cwd"));
	if (has_str(req, "user"))
		add(o, _("User"), "%s", vg_present_str(req, "user"));
	if (has_int(req, "timeout")) {
		vg_present_duration(when, sizeof(when), vg_present_num(req, "timeout"));
		add(o, _("Time limit"), "%s", when);
	}
	if (json_array_size(json_object_get(req, "env"))) {
		join(buf, sizeof(buf), json_object_get(req, "env"));
		add(o, _("Environment"), "%s", buf);
	}
}

static const char *pid_outcome(const char *r)
{
	if (strcmp(r, "terminated") == 0)
		return _("terminated");
	if (strcmp(r, "killed") == 0)
		return _("killed");
	if (strcmp(r, "refused") == 0)
		return _("spared");
	if (strcmp(r, "gone") == 0)
		return _("gone");
	return _("not terminated");
}

/* What the task's kind produced. */
static void result_items(struct out *o, const json_t *task, int64_t now)
{
	const json_t *res = json_object_get(task, "result"), *e;
	char buf[1024], when[96];
	size_t i;

	if (!json_is_object(res))
		return;
	if (has_str(res, "path") && strcmp(vg_present_str(res, "path"), vg_present_str(json_object_get(task,
			"request"), "path")) != 0)
		add(o, _("File"), "%s", vg_present_str(res, "path"));
	if (strcmp(vg_present_str(res, "type"), "symlink") == 0)
		add(o, _("Type"), "%s", _("symbolic link"));
	if (has_str(res, "target"))
		add(o, _("Link target"), "%s", vg_present_str(res, "target"));
	if (has_int(res, "size")) {
		size_text(buf, sizeof(buf), vg_present_num(res, "size"));
		add(o, _("Size"), "%s", buf);
	}
	if (has_str(res, "sha256"))
		add(o, "SHA-256", "%s", vg_present_str(res, "sha256"));
	if (has_str(res, "md5"))
		add(o, "MD5", "%s", vg_present_str(res, "md5"));
	if (has_str(res, "mode"))
		add(o, _("Owner and mode"), _("%s (uid %lld, gid %lld), mode %s"),
		    has_str(res, "owner") ? vg_present_str(res, "owner") : "?", vg_present_num(res, "uid"),
				vg_present_num(res, "gid"), vg_present_str(res, "mode"));
	if (has_int(res, "mtime_ms")) {
		vg_present_when(when, sizeof(when), vg_present_num(res, "mtime_ms") / 1000, now);
		add(o, _("Modified"), "%s", when);
	}
	if (has_int(res, "ctime_ms")) {
		vg_present_when(when, sizeof(when), vg_present_num(res, "ctime_ms") / 1000, now);
		add(o, _("Changed"), "%s", when);
	}
	if (has_int(res, "quarantined_at_ms")) {
		vg_present_when(when, sizeof(when), vg_present_num(res, "quarantined_at_ms") / 1000, now);
		add(o, _("Quarantined"), "%s", when);
	}
	if (has_str(res, "copy"))
		add(o, _("Copy"), "%s", vg_present_str(res, "copy"));
	if (has_str(res, "quarantine"))
		add(o, _("Quarantine entry"), "%s", vg_present_str(res, "quarantine"));
	if (json_is_boolean(json_object_get(res, "deleted")))
		add(o, _("Deleted"), "%s", json_is_true(json_object_get(res, "deleted")) ? _("yes") : _("no"));
	if (json_is_true(json_object_get(res, "restored")))
		add(o, _("Restored"), "%s", _("yes"));
	if (json_is_true(json_object_get(res, "purged")))
		add(o, _("Purged"), "%s", _("yes"));
	/* A run. */
	if (has_int(res, "pid") && strcmp(vg_present_str(task, "kind"), "run") == 0)
		add(o, _("Process id"), "%lld", vg_present_num(res, "pid"));
	if (has_str(res, "user") && strcmp(vg_present_str(task, "kind"), "run") == 0)
		add(o, _("Ran as"), "%s", vg_present_str(res, "user"));
	if (has_int(res, "exit_code"))
		add(o, _("Exit code"), "%lld", vg_present_num(res, "exit_code"));
	if (has_str(res, "signal"))
		add(o, _("Killed by"), "%s", vg_present_str(res, "signal"));
	if (has_int(res, "duration_ms")) {
		vg_present_duration(when, sizeof(when), (vg_present_num(res, "duration_ms") + 500) / 1000);
		add(o, _("Ran for"), "%s", when);
	}
	if (json_is_true(json_object_get(res, "stdout_truncated")) || json_is_true(json_object_get(res,
			"stderr_truncated")))
		add(o, _("Output"), "%s", _("cut at 1 MiB"));
	/* A terminate: one line per process. */
	json_array_foreach(json_object_get(res, "pids"), i, e) {
		char label[64], err[512];

		snprintf(label, sizeof(label), _("Process %lld"), vg_present_num(e, "pid"));
		snprintf(err, sizeof(err), "%s", has_str(e, "error") ? vg_present_msgid(vg_present_str(e,
				"error")) : "");
		snprintf(buf, sizeof(buf), "%s%s%s", pid_outcome(vg_present_str(e, "result")), has_str(e,
				"exe") ? ", " : "", vg_present_str(e, "exe"));
		if (err[0])
			add(o, label, _("%s: %s"), buf, err);
		else
			add(o, label, "%s", buf);
	}
}

size_t vg_present_task(const json_t *task, int64_t now, struct vg_present_item *items, size_t max)
{
	struct out o = { items, 0, max };
	const char *state = vg_present_str(task, "state"), *source = vg_present_str(task, "source");
	long long started = vg_present_num(task, "started_ms"), ended = vg_present_num(task, "ended_ms");
	char when[96], took[64], text[1024];

	add(&o, _("Task"), "%lld, %s", vg_present_num(task, "id"), vg_present_task_kind(vg_present_str(task, "kind")));
	add(&o, _("State"), "%s", vg_present_task_state(state, NULL));
	vg_present_when(when, sizeof(when), vg_present_num(task, "created_ms") / 1000, now);
	if (strcmp(source, "server") == 0)
		add(&o, _("Requested"), _("%s by the server"), when);
	else
		add(&o, _("Requested"), _("%s by uid %lld, here"), when, vg_present_num(task, "uid"));
	request_items(&o, task, now);
	if (started > 0) {
		vg_present_when(when, sizeof(when), started / 1000, now);
		add(&o, _("Started"), "%s", when);
	}
	if (ended > 0) {
		vg_present_when(when, sizeof(when), ended / 1000, now);
		vg_present_duration(took, sizeof(took),
				started > 0 && ended >= started ? (ended - started + 500) / 1000 : 0);
		add(&o, _("Ended"), _("%s, after %s"), when, took);
	}
	result_items(&o, task, now);
	if (json_is_object(json_object_get(task, "error")) && strcmp(state, "succeeded") != 0) {
		vg_present_error(json_object_get(task, "error"), text, sizeof(text));
		add(&o, _("Error"), "%s", text);
	}
	return o.n;
}

void vg_present_task_summary(const json_t *task, char *buf, size_t size)
{
	const json_t *req = json_object_get(task, "request"), *res = json_object_get(task, "result");
	const json_t *err = json_object_get(task, "error");
	char target[512] = "", outcome[640] = "", unit[64];

	if (has_str(req, "path"))
		snprintf(target, sizeof(target), "%s", vg_present_str(req, "path"));
	else if (has_str(req, "exe"))
		snprintf(target, sizeof(target), "%s", vg_present_str(req, "exe"));
	else if (has_int(req, "pid"))
		snprintf(target, sizeof(target), _("process %lld"), vg_present_num(req, "pid"));
	else if (has_str(req, "sha256"))
		snprintf(target, sizeof(target), "SHA-256 %.16s…", vg_present_str(req, "sha256"));
	else if (has_str(req, "id"))
		snprintf(target, sizeof(target), "%s", vg_present_str(req, "id"));
	if (json_is_object(err) && strcmp(vg_present_str(task, "state"), "succeeded") != 0) {
		vg_present_error(err, outcome, sizeof(outcome));
	} else if (has_int(res, "exit_code")) {
		snprintf(outcome, sizeof(outcome), _("exit code %lld"), vg_present_num(res, "exit_code"));
	} else if (has_str(res, "signal")) {
		snprintf(outcome, sizeof(outcome), _("killed by %s"), vg_present_str(res, "signal"));
	} else if (has_int(res, "size") && has_str(res, "sha256")) {
		vg_present_size(unit, sizeof(unit), (uint64_t)vg_present_num(res, "size"));
		snprintf(outcome, sizeof(outcome), "%s, SHA-256 %.16s…", unit, vg_present_str(res, "sha256"));
	} else if (json_array_size(json_object_get(res, "pids"))) {
		const json_t *first = json_array_get(json_object_get(res, "pids"), 0);

		snprintf(outcome, sizeof(outcome), "%s", pid_outcome(vg_present_str(first, "result")));
	}
	snprintf(buf, size, "%s%s%s", target, target[0] && outcome[0] ? ": " : "", outcome);
}
