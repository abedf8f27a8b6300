/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The detection's control commands (detection.*, ioc.watch*) and what the server pushes
 * (OpenC2 update x-vigil:rules and x-vigil:ioc_watch).  Whatever reads or writes the database
 * runs on a worker and answers later; a change of the rules answers once the new rules are in
 * force, with what was refused and why.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"
#include "detect/detect.h"
#include "fileio.h"
#include "log.h"
#include "nls.h"
#include "tasks/tasks.h"
#include "vigil/error.h"

#define LIST_DEFAULT 50
#define LIST_MAX 10000
#define RULES_LIST_MAX 100000
#define REJECTS_LISTED 4096
#define NAME_MAX_LEN 100

/* A request answered later: on the control socket (conn_id, id) or to a server's OpenC2
 * request (request_id). */
struct reply {
	uint64_t conn_id;
	json_int_t id;
	char request_id[128];
	char name[NAME_MAX_LEN + 16];   /* what the request was about (a rule, a file, a document) */
	bool disabled;
	uid_t uid;
	json_t *result;
	json_t *documents;              /* what the request carries */
	json_t *watches;                /* the armed documents after the change */
	struct vg_sandbox *sandbox;     /* where ioc.watch's documents are parsed */
	struct vg_sandbox_limits limits;
	struct vg_det_regex *regex;     /* a reference: the sandbox of the regular expressions */
	int rc;
	unsigned limit;
	int64_t since;
	struct vg_error err;
	char path[PATH_MAX];
};

static struct reply *reply_new(const struct vg_ctl_request *req)
{
	struct reply *r = calloc(1, sizeof(*r));

	if (r && req) {
		r->conn_id = req->conn_id;
		r->id = req->id;
		r->uid = req->peer->uid;
	}
	return r;
}

static void reply_free(struct reply *r)
{
	json_decref(r->result);
	json_decref(r->documents);
	json_decref(r->watches);
	vg_det_regex_unref(r->regex);
	free(r);
}

/* Sends the answer (result stolen) and frees r. */
static void reply_send(struct vg_detect *d, struct reply *r)
{
	if (d && d->agent->ctl) {
		vg_ctl_server_reply(d->agent->ctl, r->conn_id, r->id, r->rc < 0 ? NULL : r->result,
				    r->rc < 0 ? &r->err : NULL);
		if (r->rc >= 0)
			r->result = NULL;
	}
	reply_free(r);
}

static int deferred(struct vg_detect *d, struct reply *r, void (*work)(struct vg_det_db *, void *),
		    void (*done)(struct vg_detect *, void *), struct vg_error *err)
{
	if (!r)
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	if (vg_det_db_job(d, work, done, r) < 0) {
		reply_free(r);
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	}
	return VG_CTL_DEFERRED;
}

static struct vg_detect *running(struct vg_agent *agent, struct vg_error *err)
{
	if (!agent->detect)
		vg_error_set(err, -EAGAIN, N_("the detection subsystem is not running"));
	return agent->detect;
}

/* ---- detection.list, detection.show, detection.follow ---- */

static void list_work(struct vg_det_db *db, void *data)
{
	struct reply *r = data;

	r->result = vg_det_db_list(db, r->limit, r->since, r->name[0] ? r->name : NULL, &r->err);
	r->rc = r->result ? 0 : r->err.code ? r->err.code : -ENOMEM;
}

static void show_work(struct vg_det_db *db, void *data)
{
	struct reply *r = data;

	r->result = vg_det_db_get(db, r->name, &r->err);
	r->rc = r->result ? 0 : r->err.code ? r->err.code : -ENOMEM;
}

static void reply_done(struct vg_detect *d, void *data)
{
	reply_send(d, data);
}

static int cmd_list(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result, struct vg_error *err)
{
	struct vg_detect *d = running(agent, err);
	json_t *limit = json_object_get(req->args, "limit");
	const char *rule = json_string_value(json_object_get(req->args, "rule"));
	struct reply *r;

	(void)result;
	if (!d)
		return err->code;
	if (limit && (json_integer_value(limit) < 1 || json_integer_value(limit) > LIST_MAX))
		return vg_error_set(err, -EINVAL, N_("\"limit\" must be between 1 and %s"), "10000");
	if (rule && strlen(rule) >= NAME_MAX_LEN)
		return vg_error_set(err, -EINVAL, N_("\"%s\" is too long"), "rule");
	if (!(r = reply_new(req)))
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	r->limit = limit ? (unsigned)json_integer_value(limit) : LIST_DEFAULT;
	r->since = json_integer_value(json_object_get(req->args, "since"));
	snprintf(r->name, sizeof(r->name), "%s", rule ? rule : "");
	return deferred(d, r, list_work, reply_done, err);
}

/* A request about one thing, named by the string argument key, answered by a job. */
static int named_job(struct vg_agent *agent, struct vg_ctl_request *req, const char *key,
		     void (*work)(struct vg_det_db *, void *), void (*done)(struct vg_detect *, void *),
		     struct vg_error *err)
{
	struct vg_detect *d = running(agent, err);
	const char *name = json_string_value(json_object_get(req->args, key));
	struct reply *r;

	if (!d)
		return err->code;
	if (strlen(name) >= NAME_MAX_LEN)
		return vg_error_set(err, -EINVAL, N_("\"%s\" is too long"), key);
	if (!(r = reply_new(req)))
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	snprintf(r->name, sizeof(r->name), "%s", name);
	return deferred(d, r, work, done, err);
}

static int cmd_show(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result, struct vg_error *err)
{
	(void)result;
	return named_job(agent, req, "uid", show_work, reply_done, err);
}

static int cmd_follow(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result, struct vg_error *err)
{
	int r;

	if (!running(agent, err))
		return err->code;
	if ((r = vg_ctl_server_subscribe(agent->ctl, req->conn_id, "detections")) < 0)
		return vg_error_set(err, r, N_("too many streams on this connection"));
	*result = json_pack("{s:s}", "stream", "detections");
	return 0;
}

/* ---- detection.rules.* ---- */

static json_t *rules_summary(struct vg_detect *d)
{
	const struct vg_sigma_set *set = d->rules ? d->rules->set : NULL;
	size_t n = set ? vg_sigma_set_rule_count(set) : 0;
	json_t *o = json_pack("{s:I, s:I, s:I, s:o}", "generation", (json_int_t)(d->rules ? d->rules->generation : 0),
			      "rules", (json_int_t)n, "refused", (json_int_t)(set ? vg_sigma_set_reject_total(set) : 0),
			      "rejects", vg_det_rejects_json(set, REJECTS_LISTED));

	if (o)
		vg_ctl_set_time(o, "loaded", d->rules ? d->rules->loaded_ms : 0);
	return o;
}

static int cmd_rules_list(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result, struct vg_error *err)
{
	struct vg_detect *d = running(agent, err);
	const char *state = json_string_value(json_object_get(req->args, "state"));
	json_t *limit = json_object_get(req->args, "limit"), *rules = json_array(), *o;
	size_t max = limit ? (size_t)json_integer_value(limit) : RULES_LIST_MAX;
	const struct vg_sigma_set *set;

	if (!d) {
		json_decref(rules);
		return err->code;
	}
	if (state && strcmp(state, "enabled") && strcmp(state, "disabled") && strcmp(state, "correlated") &&
	    strcmp(state, "refused")) {
		json_decref(rules);
		return vg_error_set(err, -EINVAL, N_("the state is enabled, disabled, correlated or refused, not \"%s\""),
				    state);
	}
	set = d->rules ? d->rules->set : NULL;
	for (size_t i = 0; set && i < vg_sigma_set_rule_count(set) && json_array_size(rules) < max; i++) {
		const struct vg_sigma_rule *rule = vg_sigma_set_rule(set, i);

		if (state && strcmp(state, vg_det_rule_state(d->rules, vg_sigma_rule_info(rule))) != 0)
			continue;
		json_array_append_new(rules, vg_det_rule_summary(d->rules, rule));
	}
	o = rules_summary(d);
	if (state && strcmp(state, "refused") != 0)
		json_object_set_new(o, "rejects", json_array());
	json_object_set_new(o, "list", rules);
	json_object_set_new(o, "inputs", d->rules ? json_incref(d->rules->inputs) : json_array());
	json_object_set_new(o, "loading", json_boolean(d->loading));
	*result = o;
	return 0;
}

static int cmd_rules_show(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result, struct vg_error *err)
{
	struct vg_detect *d = running(agent, err);
	const char *id = json_string_value(json_object_get(req->args, "id"));
	const struct vg_sigma_rule *rule;

	if (!d)
		return err->code;
	if (!d->rules || !d->rules->set || !(rule = vg_sigma_set_find(d->rules->set, id)))
		return vg_error_set(err, -ENOENT, N_("no rule %s is loaded"), id);
	*result = vg_det_rule_detail(d->rules, rule);
	return 0;
}

static void reloaded(struct vg_detect *d, const struct vg_error *err, void *data)
{
	struct reply *r = data;

	if (err) {
		r->rc = err->code;
		r->err = *err;
	} else if (d) {
		json_decref(r->result);
		r->result = rules_summary(d);
		if (r->name[0])
			json_object_set_new(r->result, "rule", json_string(r->name));
	}
	reply_send(d, r);
}

static int cmd_rules_reload(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result, struct vg_error *err)
{
	struct vg_detect *d = running(agent, err);
	struct reply *r;

	(void)result;
	if (!d)
		return err->code;
	if (!(r = reply_new(req)))
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	vg_notice("detection: reload asked by uid %u", (unsigned)req->peer->uid);
	vg_det_reload(d, reloaded, r);
	return VG_CTL_DEFERRED;
}

static void toggle_work(struct vg_det_db *db, void *data)
{
	struct reply *r = data;

	r->rc = vg_det_db_set_disabled(db, r->name, r->disabled, r->uid, &r->err);
}

static void toggle_done(struct vg_detect *d, void *data)
{
	struct reply *r = data;
	size_t i;
	json_t *v;

	if (!d || r->rc < 0) {
		reply_send(d, r);
		return;
	}
	json_array_foreach(d->disabled, i, v)
		if (strcmp(json_string_value(v), r->name) == 0)
			break;
	if (r->disabled && i == json_array_size(d->disabled))
		json_array_append_new(d->disabled, json_string(r->name));
	else if (!r->disabled && i < json_array_size(d->disabled))
		json_array_remove(d->disabled, i);
	vg_notice("detection: rule %s %s by uid %u", r->name, r->disabled ? "disabled" : "enabled", (unsigned)r->uid);
	vg_det_reload(d, reloaded, r);
}

static int toggle(struct vg_agent *agent, struct vg_ctl_request *req, bool disable, struct vg_error *err)
{
	struct vg_detect *d = running(agent, err);
	const char *id = json_string_value(json_object_get(req->args, "id"));
	const struct vg_sigma_rule *rule = NULL;
	bool known = false;
	struct reply *r;
	size_t i;
	json_t *v;

	if (!d)
		return err->code;
	if (strlen(id) >= NAME_MAX_LEN)
		return vg_error_set(err, -ENOENT, N_("no rule %s is loaded"), id);
	if (d->rules && d->rules->set)
		rule = vg_sigma_set_find(d->rules->set, id);
	json_array_foreach(d->disabled, i, v)
		known |= strcmp(json_string_value(v), id) == 0;
	/* A disabled rule may be enabled even when its file is gone; a rule is disabled by the
	 * name it goes by (its id, else its name). */
	if (!rule && !(known && !disable))
		return vg_error_set(err, -ENOENT, N_("no rule %s is loaded"), id);
	if (!(r = reply_new(req)))
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	if (rule) {
		const struct vg_sigma_rule_info *info = vg_sigma_rule_info(rule);

		snprintf(r->name, sizeof(r->name), "%s", info->id[0] ? info->id : info->name);
	} else {
		snprintf(r->name, sizeof(r->name), "%s", id);
	}
	r->disabled = disable;
	return deferred(d, r, toggle_work, toggle_done, err);
}

static int cmd_rules_disable(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result,
			     struct vg_error *err)
{
	(void)result;
	return toggle(agent, req, true, err);
}

static int cmd_rules_enable(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result, struct vg_error *err)
{
	(void)result;
	return toggle(agent, req, false, err);
}

/* ---- ioc.watch, ioc.unwatch, ioc.watches ---- */

/* Loads each document (so that a refused one is never stored) and stores the others. */
static void watch_work(struct vg_det_db *db, void *data)
{
	struct reply *r = data;
	json_t *armed = json_array(), *refused = json_array(), *doc;
	size_t i;

	json_array_foreach(r->documents, i, doc) {
		const char *file = json_string_value(json_object_get(doc, "file"));
		const char *content = json_string_value(json_object_get(doc, "content"));
		const char *id = json_string_value(json_object_get(doc, "id"));
		struct vg_det_watch w;
		struct vg_error err = { 0 };

		if (!file || !content) {
			json_array_append_new(refused, json_pack("{s:s, s:s}", "file", file ? file : "?", "error",
								 "each document needs a file name and a content"));
			continue;
		}
		if (vg_det_watch_load(&w, r->sandbox, &r->limits, r->regex, id, file, content,
				      json_string_length(json_object_get(doc, "content")), &err) < 0 ||
		    vg_det_db_add_watch(db, w.id, w.file, content, r->request_id[0] ? "server" : "local", r->uid, &err) < 0) {
			json_array_append_new(refused, json_pack("{s:s, s:s, s:o}", "file", file, "error", err.message,
								 "error_json", vg_ctl_error_json(&err)));
			vg_det_watch_free(&w);
			continue;
		}
		json_array_append_new(armed, json_pack("{s:s, s:s}", "id", w.id, "file", w.file));
		vg_det_watch_free(&w);
	}
	r->result = json_pack("{s:o, s:o}", "armed", armed, "refused", refused);
	if (json_array_size(armed) == 0 && json_array_size(refused)) {
		r->rc = -EINVAL;
		snprintf(r->err.message, sizeof(r->err.message), "%s",
			 json_string_value(json_object_get(json_array_get(refused, 0), "error")));
		r->err.code = -EINVAL;
	}
	r->watches = vg_det_db_watches(db, NULL);
}

static void answer_openc2(struct vg_agent *agent, struct reply *r)
{
	/* OpenC2 carries no null: without a result, an empty one. */
	json_t *results = json_pack("{s:o}", "x-vigil", r->result ? json_incref(r->result) : json_object());

	/* The codes of the Endpoint Response profile: 500 for what does not exist (an unknown
	 * watch id) as for a failure, 400 for what the agent refused. */
	if (r->rc < 0)
		vg_tasks_answer_openc2(agent, r->request_id, r->rc == -ENOENT || r->rc == -ENOMEM ? 500 : 400,
				       r->err.message, results);
	else
		vg_tasks_answer_openc2(agent, r->request_id, 200, "OK", results);
	json_decref(results);
}

static void watches_reloaded(struct vg_detect *d, const struct vg_error *err, void *data)
{
	struct reply *r = data;

	if (err && r->rc >= 0) {
		r->rc = err->code;
		r->err = *err;
	}
	if (d && r->request_id[0]) {
		answer_openc2(d->agent, r);
		reply_free(r);
		return;
	}
	reply_send(d, r);
}

static void watch_done(struct vg_detect *d, void *data)
{
	struct reply *r = data;

	if (d && json_is_array(r->watches)) {
		json_decref(d->watches);
		d->watches = json_incref(r->watches);
	}
	if (!d) {
		reply_free(r);
		return;
	}
	vg_det_reload(d, watches_reloaded, r);
}

static int arm(struct vg_detect *d, struct reply *r, json_t *documents, struct vg_error *err)
{
	if (json_array_size(documents) == 0 || json_array_size(documents) > VG_DET_MAX_WATCHES) {
		reply_free(r);
		return vg_error_set(err, -EINVAL, N_("give 1 to %s OpenIOC documents"), "64");
	}
	if (json_array_size(d->watches) + json_array_size(documents) > VG_DET_MAX_WATCHES) {
		reply_free(r);
		return vg_error_set(err, -E2BIG, N_("at most %s OpenIOC documents may be armed"), "64");
	}
	r->documents = json_incref(documents);
	r->sandbox = d->agent->sandbox;
	vg_agent_sandbox_limits(d->agent, &r->limits);
	r->regex = vg_det_regex_ref(d->regex);
	return deferred(d, r, watch_work, watch_done, err);
}

static int cmd_ioc_watch(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result, struct vg_error *err)
{
	struct vg_detect *d = running(agent, err);
	struct reply *r;

	(void)result;
	if (!d)
		return err->code;
	if (!(r = reply_new(req)))
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	return arm(d, r, json_object_get(req->args, "documents"), err);
}

static void unwatch_work(struct vg_det_db *db, void *data)
{
	struct reply *r = data;

	if ((r->rc = vg_det_db_remove_watch(db, r->name, &r->err)) == 0) {
		r->result = json_pack("{s:s}", "unwatched", r->name);
		r->watches = vg_det_db_watches(db, NULL);
	}
}

static int cmd_ioc_unwatch(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result, struct vg_error *err)
{
	(void)result;
	return named_job(agent, req, "id", unwatch_work, watch_done, err);
}

static int cmd_ioc_watches(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result, struct vg_error *err)
{
	struct vg_detect *d = running(agent, err);
	json_t *list = json_array(), *w, *loaded;
	size_t i;

	(void)req;
	if (!d) {
		json_decref(list);
		return err->code;
	}
	loaded = vg_det_watches_json(d->rules);
	json_array_foreach(d->watches, i, w) {
		json_t *o = json_pack("{s:O, s:O, s:O, s:O, s:O}", "id", json_object_get(w, "id"), "file",
				      json_object_get(w, "file"), "source", json_object_get(w, "source"), "uid",
				      json_object_get(w, "uid"), "armed", json_object_get(w, "armed"));
		size_t k;
		json_t *l;

		/* What the loaded document says of itself, once the rules in force include it. */
		json_array_foreach(loaded, k, l)
			if (json_equal(json_object_get(l, "id"), json_object_get(w, "id"))) {
				json_object_update(o, l);
				break;
			}
		json_object_set_new(o, "active", json_boolean(k < json_array_size(loaded)));
		json_array_append_new(list, o);
	}
	json_decref(loaded);
	*result = list;
	return 0;
}

/* ---- from the server ---- */

static bool safe_name(const char *name)
{
	size_t n = strlen(name);

	if (n < 5 || n > NAME_MAX_LEN || name[0] == '.')
		return false;
	if (strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != n)
		return false;
	return (n > 4 && strcmp(name + n - 4, ".yml") == 0) || (n > 5 && strcmp(name + n - 5, ".yaml") == 0);
}

/* Checks the file (an input nobody can read is refused and not stored), then stores or
 * removes it. */
static void server_rules_work(struct vg_det_db *db, void *data)
{
	struct reply *r = data;
	const char *content = json_string_value(r->documents);
	struct vg_sigma_set *set = NULL;
	int n;

	(void)db;
	if (!content) {
		if (unlink(r->path) < 0)
			r->rc = vg_error_set(&r->err, -errno, N_("no rule file %s from the server"), r->name);
		return;
	}
	if (vg_sigma_set_new(NULL, &set) < 0) {
		r->rc = vg_error_set(&r->err, -ENOMEM, N_("out of memory"));
		return;
	}
	/* Checked as the rules in force will be: the regular expressions only in the sandbox. */
	vg_sigma_set_regex(set, vg_det_regex_sigma(r->regex));
	n = vg_sigma_set_add_memory(set, content, json_string_length(r->documents), r->name, &r->err);
	/* A file of which no rule loads is refused and not stored: the server hears why at once
	 * rather than a success with nothing in force.  Some rules of a file may load and others
	 * not: those are stored, the response lists what was refused. */
	if (n >= 0 && vg_sigma_set_rule_count(set) == 0 && vg_sigma_set_reject_count(set) > 0) {
		r->err = vg_sigma_set_reject(set, 0)->error;
		n = r->err.code < 0 ? r->err.code : -EINVAL;
	}
	vg_sigma_set_free(set);
	if (n < 0) {
		r->rc = n;
		return;
	}
	r->rc = vg_file_write_atomic(r->path, content, json_string_length(r->documents), 0600, &r->err);
}

static void server_rules_loaded(struct vg_detect *d, const struct vg_error *err, void *data)
{
	struct reply *r = data;

	if (err && r->rc >= 0) {
		r->rc = err->code;
		r->err = *err;
	}
	if (d && r->rc >= 0) {
		json_t *rejects = json_array(), *all = vg_det_rejects_json(d->rules ? d->rules->set : NULL, REJECTS_LISTED), *j;
		size_t i, accepted = 0, n = d->rules && d->rules->set ? vg_sigma_set_rule_count(d->rules->set) : 0;

		json_array_foreach(all, i, j)
			if (strcmp(json_string_value(json_object_get(j, "file")), r->path) == 0)
				json_array_append(rejects, j);
		for (i = 0; i < n; i++)
			accepted += strcmp(vg_sigma_rule_info(vg_sigma_set_rule(d->rules->set, i))->file, r->path) == 0;
		json_decref(all);
		r->result = json_pack("{s:s, s:b, s:I, s:o, s:I}", "name", r->name, "stored",
				      json_is_string(r->documents), "rules", (json_int_t)accepted, "rejects", rejects,
				      "generation", (json_int_t)d->rules->generation);
	}
	if (d)
		answer_openc2(d->agent, r);
	reply_free(r);
}

static void server_rules_done(struct vg_detect *d, void *data)
{
	struct reply *r = data;

	if (!d) {
		reply_free(r);
		return;
	}
	if (r->rc < 0) {
		vg_warn("detection: the server's rule file %s was refused: %s", r->name, r->err.message);
		answer_openc2(d->agent, r);
		reply_free(r);
		return;
	}
	vg_notice("detection: the server %s the rule file %s", json_is_string(r->documents) ? "pushed" : "removed",
		  r->name);
	vg_det_reload(d, server_rules_loaded, r);
}

int vg_detect_server_rules(struct vg_agent *agent, const char *request_id, const json_t *spec, struct vg_error *err)
{
	struct vg_detect *d = running(agent, err);
	const char *name = json_string_value(json_object_get(spec, "name"));
	json_t *content = json_object_get(spec, "content");
	struct reply *r;

	if (!d)
		return err->code;
	if (!json_is_object(spec) || !name || !safe_name(name))
		return vg_error_set(err, -EINVAL, N_("a rule file needs a name of letters, digits, '.', '_' or '-' ending in .yml or .yaml"));
	if (!json_is_string(content) && !json_is_null(content))
		return vg_error_set(err, -EINVAL, N_("a rule file's content is its YAML text, or null to remove it"));
	if (json_is_string(content) && json_string_length(content) > VG_DET_SERVER_RULE_MAX)
		return vg_error_set(err, -EFBIG, N_("the rule file %s is larger than %s bytes"), name, "1048576");
	if (!(r = reply_new(NULL)))
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	snprintf(r->request_id, sizeof(r->request_id), "%s", request_id);
	snprintf(r->name, sizeof(r->name), "%s", name);
	snprintf(r->path, sizeof(r->path), "%s/%s", d->server_dir, name);
	r->documents = json_incref(content);
	r->regex = vg_det_regex_ref(d->regex);
	if (vg_det_db_job(d, server_rules_work, server_rules_done, r) < 0) {
		reply_free(r);
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	}
	return 0;
}

int vg_detect_server_watch(struct vg_agent *agent, const char *request_id, const json_t *spec, struct vg_error *err)
{
	struct vg_detect *d = running(agent, err);
	const char *id = json_string_value(json_object_get(spec, "id"));
	json_t *doc = json_object_get(spec, "document"), *docs;
	struct reply *r;
	int rc;

	if (!d)
		return err->code;
	if (!json_is_object(spec) || (!json_is_string(doc) && !(json_is_null(doc) && id)))
		return vg_error_set(err, -EINVAL, N_("an OpenIOC watch needs a document, or an id and a null document to disarm it"));
	if (id && strlen(id) >= NAME_MAX_LEN)
		return vg_error_set(err, -EINVAL, N_("\"%s\" is too long"), "id");
	if (!(r = reply_new(NULL)))
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	snprintf(r->request_id, sizeof(r->request_id), "%s", request_id);
	if (json_is_null(doc)) {
		snprintf(r->name, sizeof(r->name), "%s", id);
		if (vg_det_db_job(d, unwatch_work, watch_done, r) < 0) {
			reply_free(r);
			return vg_error_set(err, -ENOMEM, N_("out of memory"));
		}
		return 0;
	}
	docs = json_pack("[{s:s, s:O, s:s*}]", "file", "server", "content", doc, "id", id);
	rc = arm(d, r, docs, err);
	json_decref(docs);
	return rc == VG_CTL_DEFERRED ? 0 : rc;
}

const struct vg_agent_command vg_detect_commands[] = {
	{ VG_CMD_DETECTION_LIST, cmd_list },
	{ VG_CMD_DETECTION_SHOW, cmd_show },
	{ VG_CMD_DETECTION_FOLLOW, cmd_follow },
	{ VG_CMD_DETECTION_RULES_LIST, cmd_rules_list },
	{ VG_CMD_DETECTION_RULES_SHOW, cmd_rules_show },
	{ VG_CMD_DETECTION_RULES_RELOAD, cmd_rules_reload },
	{ VG_CMD_DETECTION_RULES_DISABLE, cmd_rules_disable },
	{ VG_CMD_DETECTION_RULES_ENABLE, cmd_rules_enable },
	{ VG_CMD_IOC_WATCH, cmd_ioc_watch },
	{ VG_CMD_IOC_UNWATCH, cmd_ioc_unwatch },
	{ VG_CMD_IOC_WATCHES, cmd_ioc_watches },
	{ 0, NULL },
};
