/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The detection subsystem's place in the agent: its settings, start, stop and status; the
 * loads of the rules (on a worker, swapped in whole); and the findings that the stage makes on
 * the enrichment thread, which here get their response, go to the spool (sent at once, never
 * throttled), to the detections table and to the "detections" stream.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "agent.h"
#include "clock.h"
#include "detect/detect.h"
#include "events.h"
#include "fileio.h"
#include "link/link.h"
#include "log.h"
#include "loop.h"
#include "nls.h"
#include "paths.h"
#include "settings.h"
#include "store.h"
#include "telemetry/stage.h"
#include "vigil/error.h"
#include "workers.h"

#define TICK_MS 1000
#define TAKE_PER_ROUND 256

#define DEFAULT_RULES_DIRS VG_DEFAULT_RULES_DIR "," SYSCONFDIR "/vigil/rules"

static int validate_path(const char *value, struct vg_error *err)
{
	if (value[0] != '/')
		return vg_error_set(err, -EINVAL, N_("\"%s\" is not an absolute path"), value);
	return 0;
}

VG_BOOL_SETTING(VG_S_DETECTION_ENABLED, .key = "detection.enabled", .def = "yes",
		.help = N_("Evaluate every collected event against the detection rules and the armed OpenIOC documents"));
VG_LIST_SETTING(VG_S_DETECTION_RULES_DIRS, .key = "detection.rules_dirs", .def = DEFAULT_RULES_DIRS,
		.max = VG_DET_MAX_DIRS,
		.help = N_("Directories of Sigma rules (*.yml and *.yaml, read recursively), comma-separated"),
		.validate = validate_path);
VG_LIST_SETTING(VG_S_DETECTION_POLICIES, .key = "detection.policies", .def = "", .max = 128,
		.help = N_("Responses to detections, SELECTOR=ACTION comma-separated: the selector is id:RULE, tag:TAG, "
			   "level:LEVEL, level:LEVEL+ or *, the action alert, block, terminate, quarantine or isolate"),
		.validate = vg_det_policy_validate);
VG_LIST_SETTING(VG_S_DETECTION_READ_WATCHES, .key = "detection.read_watches", .def = "/etc/shadow,/etc/gshadow",
		.max = 32, .help = N_("Files whose reads are audited (key vigil-read) while a loaded rule looks at that key"),
		.validate = validate_path);
VG_INT_SETTING(VG_S_DETECTION_KEEP, .key = "detection.keep", .def = "10000", .min = 100, .max = 1000000,
	       .help = N_("Detections kept in the agent's database, the newest"));

static const char *const setting_prefixes[] = { "detection", NULL };
static const struct vg_setting_def *const setting_defs[] = {
	VG_SETTING_DEF(VG_S_DETECTION_ENABLED),
	VG_SETTING_DEF(VG_S_DETECTION_RULES_DIRS),
	VG_SETTING_DEF(VG_S_DETECTION_POLICIES),
	VG_SETTING_DEF(VG_S_DETECTION_READ_WATCHES),
	VG_SETTING_DEF(VG_S_DETECTION_KEEP),
	NULL,
};
static const struct vg_setting_table settings = { setting_prefixes, setting_defs };

/* What jobs on workers share with the subsystem: when it stops before they end, their done
 * functions find it gone and only clean up; the last one closes the database. */
struct det_shared {
	struct vg_detect *d;
	struct vg_det_db *db;
	unsigned jobs;
};

struct det_job {
	struct det_shared *sh;
	void (*work)(struct vg_det_db *db, void *data);
	void (*done)(struct vg_detect *d, void *data);
	void *data;
};

struct det_waiter {
	vg_det_loaded_fn fn;
	void *data;
	struct det_waiter *next;
};

static struct det_shared *shared_of(struct vg_detect *d);

static void job_work(struct vg_job *job, void *data)
{
	struct det_job *j = data;

	(void)job;
	if (j->work)
		j->work(j->sh->db, j->data);
}

static void job_done(struct vg_job *job, void *data)
{
	struct det_job *j = data;
	struct det_shared *sh = j->sh;

	(void)job;
	j->done(sh->d, j->data);
	if (--sh->jobs == 0 && !sh->d) {
		vg_det_db_close(sh->db);
		free(sh);
	}
	free(j);
}

int vg_det_db_job(struct vg_detect *d, void (*work)(struct vg_det_db *db, void *data),
		  void (*done)(struct vg_detect *d, void *data), void *data)
{
	struct det_job *j = calloc(1, sizeof(*j));
	struct det_shared *sh = shared_of(d);

	if (!j || !d->agent->workers)
		goto fail;
	j->sh = sh;
	j->work = work;
	j->done = done;
	j->data = data;
	if (!vg_workers_submit(d->agent->workers, job_work, job_done, j))
		goto fail;
	sh->jobs++;
	return 0;
fail:
	free(j);
	return -ENOMEM;
}

/* ---- loading the rules ---- */

struct load {
	struct vg_det_build *build;
	struct vg_det_rules *rules;
	struct vg_error err;
	int rc;
};

static void load_work(struct vg_det_db *db, void *data)
{
	struct load *l = data;

	(void)db;
	l->rc = vg_det_rules_build(l->build, &l->rules, &l->err);
}

/* The settings a load depends on, to notice a change. */
static void fingerprint(struct vg_detect *d, char *out, size_t size)
{
	const struct vg_settings *s = d->agent->settings;

	snprintf(out, size, "%s|%s|%s", vg_setting_list(s, VG_S_DETECTION_RULES_DIRS),
		 vg_setting_list(s, VG_S_DETECTION_READ_WATCHES), vg_setting_bool(s, VG_S_DETECTION_ENABLED) ? "on" : "off");
}

static bool contains(const char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

/* Asks the telemetry for the audit records the auditd rules look at, and for the read watches
 * when a rule looks at their key. */
static void want_audit(struct vg_detect *d)
{
	struct vg_sigma_audit_needs needs = { 0 };
	struct vg_tel_audit_wants w = { 0 };
	const char *files[32];
	char list[VG_SETTING_MAX_VALUE], *save = NULL, *tok;

	if (d->rules && d->rules->set && vg_setting_bool(d->agent->settings, VG_S_DETECTION_ENABLED))
		vg_sigma_set_audit_needs(d->rules->set, &needs);
	w.any_type = needs.any_type;
	w.types = needs.types;
	w.ntypes = needs.ntypes;
	w.syscalls = needs.syscalls;
	w.nsyscalls = needs.nsyscalls;
	w.keys = needs.keys;
	w.nkeys = needs.nkeys;
	if (contains(needs.keys, needs.nkeys, VG_TEL_READ_KEY)) {
		snprintf(list, sizeof(list), "%s", vg_setting_list(d->agent->settings, VG_S_DETECTION_READ_WATCHES));
		for (tok = strtok_r(list, ",", &save); tok && w.nread_files < 32; tok = strtok_r(NULL, ",", &save))
			files[w.nread_files++] = tok;
		w.read_files = files;
	}
	d->audit_wanted = w.any_type || w.ntypes || w.nsyscalls || w.nkeys;
	vg_tel_set_audit_wants(d->agent, &w);
}

static void install_stage(struct vg_detect *d)
{
	struct vg_tel_stage st = { vg_det_stage_event, vg_det_stage_idle, d->stage };

	vg_tel_set_stage(d->agent, vg_setting_bool(d->agent->settings, VG_S_DETECTION_ENABLED) ? &st : NULL);
}

static void answer_waiters(struct det_waiter *w, struct vg_detect *d, const struct vg_error *err)
{
	while (w) {
		struct det_waiter *next = w->next;

		w->fn(d, err, w->data);
		free(w);
		w = next;
	}
}

static void start_load(struct vg_detect *d);

static void load_done(struct vg_detect *d, void *data)
{
	struct load *l = data;
	struct det_waiter *waiting;
	size_t enabled = 0, n;

	vg_det_build_free(l->build);
	if (!d) {
		vg_det_rules_unref(l->rules);
		free(l);
		return;
	}
	d->loading = false;
	waiting = d->waiting;
	d->waiting = NULL;
	if (l->rc == 0) {
		vg_det_rules_unref(d->rules);
		d->rules = l->rules;
		vg_det_stage_publish(d->stage, d->rules);
		n = vg_sigma_set_rule_count(d->rules->set);
		for (size_t i = 0; i < n; i++)
			enabled += vg_sigma_rule_info(vg_sigma_set_rule(d->rules->set, i))->reported;
		d->last_error[0] = '\0';
		vg_info("detection: %zu rules loaded (%zu reporting), %zu refused, %zu OpenIOC documents armed", n, enabled,
			vg_sigma_set_reject_total(d->rules->set), d->rules->nwatches);
		want_audit(d);
	} else {
		snprintf(d->last_error, sizeof(d->last_error), "%s", l->err.message);
		vg_warn("detection: the rules could not be loaded: %s", l->err.message);
	}
	answer_waiters(waiting, d, l->rc == 0 ? NULL : &l->err);
	free(l);
	if (d->reload_again) {
		d->reload_again = false;
		start_load(d);
	}
}

static int list_items(const char *list, char **out, size_t max)
{
	char copy[VG_SETTING_MAX_VALUE], *save = NULL, *tok;
	size_t n = 0;

	snprintf(copy, sizeof(copy), "%s", list ? list : "");
	for (tok = strtok_r(copy, ",", &save); tok && n < max; tok = strtok_r(NULL, ",", &save))
		if (tok[0] && !(out[n++] = strdup(tok)))
			return -ENOMEM;
	return (int)n;
}

static void start_load(struct vg_detect *d)
{
	struct load *l = calloc(1, sizeof(*l));
	struct vg_det_build *b = calloc(1, sizeof(*b));
	struct vg_error err = { 0 };
	size_t i;
	json_t *v;
	int n;

	fingerprint(d, d->fingerprint, sizeof(d->fingerprint));
	if (!l || !b)
		goto oom;
	l->build = b;
	b->generation = ++d->generation;
	b->sandbox = d->agent->sandbox;
	vg_agent_sandbox_limits(d->agent, &b->limits);
	b->regex = vg_det_regex_ref(d->regex);
	if ((n = list_items(vg_setting_list(d->agent->settings, VG_S_DETECTION_RULES_DIRS), b->dirs, VG_DET_MAX_DIRS)) < 0)
		goto oom;
	b->ndirs = (size_t)n;
	if (!(b->server_dir = strdup(d->server_dir)) ||
	    !(b->disabled = calloc(json_array_size(d->disabled) + 1, sizeof(*b->disabled))))
		goto oom;
	json_array_foreach(d->disabled, i, v)
		if (!(b->disabled[b->ndisabled++] = strdup(json_string_value(v))))
			goto oom;
	b->watches = json_deep_copy(d->watches);
	if (vg_det_db_job(d, load_work, load_done, l) < 0)
		goto oom;
	d->loading = true;
	return;
oom:
	vg_det_build_free(b);
	free(l);
	vg_error_set(&err, -ENOMEM, N_("out of memory"));
	snprintf(d->last_error, sizeof(d->last_error), "%s", err.message);
	answer_waiters(d->waiting, d, &err);
	d->waiting = NULL;
}

void vg_det_reload(struct vg_detect *d, vg_det_loaded_fn answer, void *data)
{
	if (answer) {
		struct det_waiter *w = calloc(1, sizeof(*w));
		struct vg_error err = { 0 };

		if (!w) {
			vg_error_set(&err, -ENOMEM, N_("out of memory"));
			answer(d, &err, data);
			return;
		}
		w->fn = answer;
		w->data = data;
		w->next = d->waiting;
		d->waiting = w;
	}
	/* A load under way read the old state: one more starts when it ends. */
	if (d->loading)
		d->reload_again = true;
	else
		start_load(d);
}

/* ---- findings ---- */

struct store_job {
	json_t *finding;
	unsigned keep;
	int64_t stored_ms;
	int rc;
	struct vg_error err;
};

static void store_work(struct vg_det_db *db, void *data)
{
	struct store_job *s = data;

	s->rc = vg_det_db_store(db, s->finding, vg_time_ms(), s->keep, &s->err);
}

static void store_done(struct vg_detect *d, void *data)
{
	struct store_job *s = data;

	if (d) {
		if (s->rc < 0) {
			d->store_errors++;
			vg_warn("detection: cannot store a detection: %s", s->err.message);
		} else {
			d->stored++;
		}
	}
	json_decref(s->finding);
	free(s);
}

static const struct {
	int action_id, disposition_id;
	const char *action, *disposition;
} dispositions[VG_DET_NACTIONS] = {
	[VG_DET_ALERT] = { 1, 19, "Allowed", "Alert" },
	[VG_DET_BLOCK] = { 2, 2, "Denied", "Blocked" },
	[VG_DET_TERMINATE] = { 2, 2, "Denied", "Blocked" },
	[VG_DET_QUARANTINE] = { 2, 3, "Denied", "Quarantined" },
	[VG_DET_ISOLATE] = { 2, 4, "Denied", "Isolated" },
};

static void handle_finding(struct vg_detect *d, json_t *f)
{
	struct vg_agent *agent = d->agent;
	enum vg_det_action a = vg_det_policy_action(vg_setting_list(agent->settings, VG_S_DETECTION_POLICIES), f);
	json_t *resp = vg_det_respond(agent, a, f), *det, *summary;
	const json_t *fi = json_object_get(f, "finding_info");
	bool failed = json_object_get(resp, "error") != NULL;
	struct store_job *s;

	/* What the agent did is part of the finding (OCSF security_control: action and disposition). */
	json_object_set_new(f, "action_id", json_integer(failed ? 1 : dispositions[a].action_id));
	json_object_set_new(f, "action", json_string(failed ? "Allowed" : dispositions[a].action));
	json_object_set_new(f, "disposition_id", json_integer(failed ? 27 : dispositions[a].disposition_id));
	json_object_set_new(f, "disposition", json_string(failed ? "Error" : dispositions[a].disposition));
	det = json_object_get(json_object_get(f, "unmapped"), "detection");
	json_object_set_new(det, "action", json_string(vg_det_action_name(a)));
	json_object_set_new(det, "response", resp);
	vg_notice("detection: %s (%s) %s, %s%s%s",
		  json_string_value(json_object_get(fi, "title")),
		  json_string_value(json_object_get(json_object_get(fi, "analytic"), "uid")),
		  json_string_value(json_object_get(fi, "uid")), vg_det_action_name(a), failed ? ": " : "",
		  failed ? json_string_value(json_object_get(resp, "error")) : "");
	summary = json_pack("{s:O, s:O, s:O, s:O, s:s}", "uid", json_object_get(fi, "uid"), "rule",
			    json_object_get(json_object_get(fi, "analytic"), "uid"), "title", json_object_get(fi, "title"),
			    "severity_id", json_object_get(f, "severity_id"), "action", vg_det_action_name(a));
	if (summary)
		vg_ctl_set_time(summary, "time", json_integer_value(json_object_get(f, "time")));
	/* Emitted first: the spool copy carries the metadata and device every event has. */
	vg_event_emit(agent, json_incref(f));
	vg_link_send_soon(agent);
	if (agent->ctl && summary)
		vg_ctl_server_publish(agent->ctl, "detections", summary);
	json_decref(summary);
	d->findings++;
	d->last_finding_ms = vg_time_ms();
	if ((s = calloc(1, sizeof(*s)))) {
		s->finding = json_deep_copy(f);
		s->keep = (unsigned)vg_setting_int(agent->settings, VG_S_DETECTION_KEEP);
		if (!s->finding || vg_det_db_job(d, store_work, store_done, s) < 0) {
			json_decref(s->finding);
			free(s);
			d->store_errors++;
		}
	}
	json_decref(f);
}

static void on_findings(struct vg_watch *w, int fd, uint32_t events, void *data)
{
	struct vg_detect *d = data;
	json_t *batch[TAKE_PER_ROUND];
	uint64_t v;
	size_t n;

	(void)w;
	(void)events;
	if (read(fd, &v, sizeof(v)) < 0) {
		/* EAGAIN: woken already. */
	}
	n = vg_det_stage_take(d->stage, batch, TAKE_PER_ROUND);
	for (size_t i = 0; i < n; i++)
		handle_finding(d, batch[i]);
	if (n == TAKE_PER_ROUND) {
		/* More wait: next round, so that the loop stays responsive. */
		v = 1;
		if (write(fd, &v, sizeof(v)) < 0) {
			/* The counter is set already. */
		}
	}
}

static void on_tick(struct vg_watch *w, int fd, uint32_t events, void *data)
{
	struct vg_detect *d = data;
	struct vg_det_stage_stats st;
	char fp[sizeof(d->fingerprint)];

	(void)w;
	(void)fd;
	(void)events;
	fingerprint(d, fp, sizeof(fp));
	if (strcmp(fp, d->fingerprint) != 0) {
		install_stage(d);
		vg_det_reload(d, NULL, NULL);
	}
	vg_det_stage_stats(d->stage, &st);
	if (st.dropped > d->findings_dropped_reported) {
		vg_warn("detection: %llu findings dropped: the agent could not keep up",
			(unsigned long long)(st.dropped - d->findings_dropped_reported));
		d->findings_dropped_reported = st.dropped;
	}
}

/* ---- start, stop, status ---- */

static struct det_shared *shared_of(struct vg_detect *d)
{
	return (struct det_shared *)d->shared;
}

static void detect_stop(struct vg_agent *agent);

static int detect_start(struct vg_agent *agent, struct vg_error *err)
{
	struct vg_detect *d = calloc(1, sizeof(*d));
	struct det_shared *sh = calloc(1, sizeof(*sh));
	int r;

	if (!d || !sh) {
		free(d);
		free(sh);
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	}
	agent->detect = d;
	d->agent = agent;
	d->efd = -1;
	d->shared = sh;
	sh->d = d;
	if ((r = vg_det_db_open(&sh->db, vg_store_path(agent->store), err)) < 0)
		goto fail;
	/* Read once here; kept in step with every change afterwards. */
	if (!(d->disabled = vg_det_db_disabled(sh->db, err)) || !(d->watches = vg_det_db_watches(sh->db, err))) {
		r = err->code ? err->code : -ENOMEM;
		goto fail;
	}
	d->stored = (uint64_t)vg_det_db_count(sh->db);
	if (snprintf(d->server_dir, sizeof(d->server_dir), "%s/detection-rules", agent->cfg.state_dir) >=
	    (int)sizeof(d->server_dir)) {
		r = vg_error_set(err, -ENAMETOOLONG, N_("path too long: %s"), agent->cfg.state_dir);
		goto fail;
	}
	if ((r = vg_dir_ensure_private(d->server_dir, 0700, err)) < 0)
		goto fail;
	d->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (d->efd < 0) {
		r = vg_error_set(err, -errno, N_("cannot create an event descriptor: %s"), strerror(errno));
		goto fail;
	}
	if ((r = vg_det_regex_new(agent, &d->regex, err)) < 0)
		goto fail;
	if (vg_det_stage_new(&d->stage, d->efd) < 0 ||
	    !(d->efd_watch = vg_loop_watch(agent->loop, d->efd, EPOLLIN, on_findings, d)) ||
	    !(d->tick = vg_loop_timer(agent->loop, TICK_MS, TICK_MS, on_tick, d))) {
		r = vg_error_set(err, -ENOMEM, N_("out of memory"));
		goto fail;
	}
	install_stage(d);
	vg_det_reload(d, NULL, NULL);
	return 0;
fail:
	detect_stop(agent);
	return r;
}

static void detect_stop(struct vg_agent *agent)
{
	struct vg_detect *d = agent->detect;
	struct det_shared *sh;
	json_t *batch[TAKE_PER_ROUND];
	size_t n;

	if (!d)
		return;
	sh = shared_of(d);
	/* An evaluation waiting for the sandbox ends now (its test false), so the stage can go. */
	vg_det_regex_shutdown(d->regex);
	vg_tel_set_stage(agent, NULL);
	vg_tel_set_audit_wants(agent, NULL);
	/* Findings not handed out yet are still stored (without a response: the agent is stopping). */
	while (d->stage && (n = vg_det_stage_take(d->stage, batch, TAKE_PER_ROUND)))
		for (size_t i = 0; i < n; i++) {
			json_object_del(batch[i], "_vg_target");
			if (sh->db)
				vg_det_db_store(sh->db, batch[i], vg_time_ms(),
						(unsigned)vg_setting_int(agent->settings, VG_S_DETECTION_KEEP), NULL);
			vg_event_emit(agent, batch[i]);
		}
	vg_watch_remove(d->tick);
	vg_watch_remove(d->efd_watch);
	vg_det_stage_free(d->stage);
	if (d->efd >= 0)
		close(d->efd);
	answer_waiters(d->waiting, NULL, NULL);
	vg_det_rules_unref(d->rules);
	vg_det_regex_unref(d->regex);
	json_decref(d->disabled);
	json_decref(d->watches);
	sh->d = NULL;
	if (sh->jobs == 0) {
		vg_det_db_close(sh->db);
		free(sh);
	}
	free(d);
	agent->detect = NULL;
}

static json_t *detect_status(struct vg_agent *agent)
{
	struct vg_detect *d = agent->detect;
	struct vg_det_stage_stats st;
	size_t enabled = 0, disabled = 0, correlated = 0, unsupported = 0, total_rejects = 0;
	const char *why = NULL;
	bool audit;
	json_t *o;

	if (!d)
		return NULL;
	vg_det_stage_stats(d->stage, &st);
	if (d->rules && d->rules->set) {
		size_t n = vg_sigma_set_rule_count(d->rules->set);

		for (size_t i = 0; i < n; i++) {
			const struct vg_sigma_rule_info *info = vg_sigma_rule_info(vg_sigma_set_rule(d->rules->set, i));

			const char *state = vg_det_rule_state(d->rules, info);

			if (strcmp(state, "enabled") == 0)
				enabled++;
			else if (strcmp(state, "disabled") == 0)
				disabled++;
			else
				correlated++;
		}
		total_rejects = vg_sigma_set_reject_total(d->rules->set);
		for (size_t i = 0; i < vg_sigma_set_reject_count(d->rules->set); i++)
			unsupported += vg_sigma_set_reject(d->rules->set, i)->unsupported_source;
	}
	audit = vg_tel_audit_running(agent, &why);
	o = json_pack("{s:b, s:b, s:s, s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I}, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I,"
		      " s:I, s:f, s:I, s:{s:b, s:b}}",
		      "available", 1, "enabled", vg_setting_bool(agent->settings, VG_S_DETECTION_ENABLED),
		      "state", d->loading ? "loading" : d->rules ? "ready" : "failed",
		      "rules", "enabled", (json_int_t)enabled, "disabled", (json_int_t)disabled, "correlated",
		      (json_int_t)correlated, "refused", (json_int_t)(total_rejects - unsupported), "unsupported",
		      (json_int_t)unsupported, "files", (json_int_t)(d->rules ? d->rules->files : 0), "generation",
		      (json_int_t)(d->rules ? d->rules->generation : 0),
		      "watches", (json_int_t)(d->rules ? d->rules->nwatches : 0),
		      "detections", (json_int_t)d->stored, "findings", (json_int_t)d->findings,
		      "last_detection", (json_int_t)d->last_finding_ms, "dropped", (json_int_t)st.dropped,
		      "store_errors", (json_int_t)d->store_errors, "events", (json_int_t)st.events,
		      "evaluated", (json_int_t)st.evaluated, "matches", (json_int_t)(st.matches + st.ioc_matches),
		      "eval_avg_us", st.evaluated ? (double)st.total_eval_us / (double)st.evaluated : 0.0,
		      "eval_max_us", (json_int_t)st.max_eval_us,
		      "audit", "wanted", d->audit_wanted, "running", audit);
	if (d->audit_wanted && !audit && why)
		json_object_set_new(json_object_get(o, "audit"), "error", json_string(why));
	if (d->last_error[0])
		json_object_set_new(o, "error", json_string(d->last_error));
	if (d->regex)
		json_object_set_new(o, "regex_sandbox", vg_det_regex_status(d->regex));
	return o;
}

const struct vg_subsystem vg_subsystem_detect = {
	.name = "detection",
	.start = detect_start,
	.stop = detect_stop,
	.status = detect_status,
	.commands = vg_detect_commands,
	.settings = &settings,
};
