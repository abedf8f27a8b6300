/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * OpenC2 commands from the server (Language Specification 1.0, Endpoint Response profile):
 * each is written to the task journal before anything runs, then dispatched through a table
 * of action-target pairs.  A pair without an executor is answered 501; the tasks and
 * isolation subsystems add their entries to the table.  Only the Language Specification's
 * actions are taken (an action is never extended); what Vigil adds travels as arguments and
 * results under the "x-vigil" namespace.  args.response_requested decides what is sent back:
 * "none" nothing, "ack" a 102 at once and nothing more, "status" a 102 at once for a command
 * that runs as a task and then the final response, "complete" (the default) the final one.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "agent.h"
#include "detect/detect.h"
#include "link/link.h"
#include "log.h"
#include "nls.h"
#include "scan/scan.h"
#include "isolation/isolation.h"
#include "tasks/journal.h"
#include "tasks/tasks.h"

/* A pair's run returns this when it queued a task: the task writes the response when it ends. */
#define OPENC2_PENDING 0

struct openc2_pair {
	const char *action;
	const char *target;
	/* Returns an OpenC2 status; fills *results (may stay NULL) and *text. */
	int (*run)(struct vg_link *link, const char *request_id, json_t *command, json_t **results,
		   const char **text);
};

static int run_query_features(struct vg_link *link, const char *request_id, json_t *command, json_t **results,
			      const char **text)
{
	(void)link;
	(void)request_id;
	(void)command;
	*results = vg_openc2_features();
	*text = "OK";
	return 200;
}

/* Queues the task that carries the command out (lib/tasks); its end answers the request. */
static int queue_task(struct vg_link *link, const char *request_id, const char *kind, json_t *request,
		      const char **text)
{
	struct vg_error err = { 0 };
	int64_t id;
	int r;

	if (!request) {
		*text = "out of memory";
		return 500;
	}
	r = link->agent && link->agent->tasks
		    ? vg_tasks_submit_openc2(link->agent, kind, request, request_id, &id, &err)
		    : vg_error_set(&err, -EAGAIN, N_("the tasks subsystem is not running"));
	json_decref(request);
	if (r < 0) {
		vg_warn("link: command %s: %s", request_id, err.message);
		*text = r == -EINVAL ? "invalid arguments" : "the task could not be queued";
		return r == -EINVAL ? 400 : 500;
	}
	vg_info("link: command %s is task %lld", request_id, (long long)id);
	return OPENC2_PENDING;
}

/* The x-vigil arguments of a command (an object, or NULL). */
static json_t *xargs(json_t *command)
{
	json_t *x = json_object_get(json_object_get(command, "args"), "x-vigil");

	return json_is_object(x) ? x : NULL;
}

/* target.file {path, hashes: {sha256}} into {path, sha256?}; NULL with *text when malformed. */
static json_t *file_request(json_t *command, const char **text)
{
	json_t *file = json_object_get(json_object_get(command, "target"), "file");
	const char *path = json_string_value(json_object_get(file, "path"));
	json_t *sha = json_object_get(json_object_get(file, "hashes"), "sha256"), *req;

	if (!path || (sha && !json_is_string(sha))) {
		*text = "malformed command: target file needs a path (and hashes.sha256 as a string)";
		return NULL;
	}
	req = json_pack("{s:s}", "path", path);
	if (req && sha)
		json_object_set(req, "sha256", sha);
	return req;
}

/* args.x-vigil.force (the x-vigil:force extension argument): act even on a protected file. */
static void copy_force(json_t *command, json_t *req)
{
	if (req && json_is_true(json_object_get(xargs(command), "force")))
		json_object_set_new(req, "force", json_true());
}

static int run_delete_file(struct vg_link *link, const char *request_id, json_t *command, json_t **results,
			   const char **text)
{
	json_t *req = file_request(command, text);

	(void)results;
	copy_force(command, req);
	return req ? queue_task(link, request_id, "delete-file", req, text) : 400;
}

static int run_contain_file(struct vg_link *link, const char *request_id, json_t *command, json_t **results,
			    const char **text)
{
	json_t *req = file_request(command, text);

	(void)results;
	if (!req)
		return 400;
	json_object_set_new(req, "quarantine", json_true());
	copy_force(command, req);
	return queue_task(link, request_id, "delete-file", req, text);
}

/* copy file: the file is copied to the server (PUT /api/v1/files) before the response.  The
 * Endpoint Response profile has no pair for collecting a file; copy is the Language
 * Specification's action for duplicating a file, and the x-vigil profile defines its destination. */
static int run_get_file(struct vg_link *link, const char *request_id, json_t *command, json_t **results,
			const char **text)
{
	json_t *req = file_request(command, text);

	(void)results;
	return req ? queue_task(link, request_id, "get-file", req, text) : 400;
}

/* start file: runs target.file.path; args.x-vigil may give arguments, cwd, user, timeout, env. */
static int run_start_file(struct vg_link *link, const char *request_id, json_t *command, json_t **results,
			  const char **text)
{
	json_t *req = file_request(command, text), *x = xargs(command);
	static const char *const keys[] = { "args", "cwd", "user", "timeout", "env" };

	(void)results;
	if (!req)
		return 400;
	if (json_object_get(req, "sha256")) {
		/* The run executor cannot check a digest: refuse rather than run something else. */
		json_decref(req);
		*text = "start file with hashes is not supported";
		return 501;
	}
	json_object_set(req, "exe", json_object_get(req, "path"));
	json_object_del(req, "path");
	json_object_set_new(req, "args", json_array());
	json_object_set_new(req, "env", json_array());
	for (size_t i = 0; x && i < sizeof(keys) / sizeof(keys[0]); i++)
		if (json_object_get(x, keys[i]))
			json_object_set(req, keys[i], json_object_get(x, keys[i]));
	return queue_task(link, request_id, "run", req, text);
}

/* stop process: target.process {pid} (with args.x-vigil.start_time, field 22 of /proc/PID/stat),
 * or {executable: {path}} or {executable: {hashes: {sha256}}}. */
static int run_stop_process(struct vg_link *link, const char *request_id, json_t *command, json_t **results,
			    const char **text)
{
	json_t *proc = json_object_get(json_object_get(command, "target"), "process");
	json_t *pid = json_object_get(proc, "pid"), *exe = json_object_get(proc, "executable");
	json_t *start = json_object_get(xargs(command), "start_time"), *req = NULL;
	json_t *path = json_object_get(exe, "path"), *sha = json_object_get(json_object_get(exe, "hashes"), "sha256");

	(void)results;
	if (json_is_integer(pid)) {
		req = json_pack("{s:O}", "pid", pid);
		if (req && json_is_integer(start))
			json_object_set(req, "start_time", start);
	} else if (json_is_string(path)) {
		req = json_pack("{s:O}", "exe", path);
	} else if (json_is_string(sha)) {
		req = json_pack("{s:O}", "sha256", sha);
	} else {
		*text = "malformed command: target process needs a pid, executable.path or executable.hashes.sha256";
		return 400;
	}
	return queue_task(link, request_id, "terminate", req, text);
}

#define MAX_PERMITTED 256

/* Collects the address strings of one permitted_addresses list into addrs; false when malformed. */
static bool permitted_list(json_t *list, const char **addrs, size_t *n)
{
	json_t *item;
	size_t i;

	if (!json_is_array(list))
		return false;
	json_array_foreach(list, i, item) {
		const char *a = json_string_value(item);

		if (!a) /* Vigil's older form: [{"ipv4_net": "ADDR"}, ...] */
			a = json_string_value(json_object_get(item, "ipv4_net"));
		if (!a)
			a = json_string_value(json_object_get(item, "ipv6_net"));
		if (!a || *n >= MAX_PERMITTED)
			return false;
		addrs[(*n)++] = a;
	}
	return true;
}

/* permitted_addresses, the Endpoint Response map {"ipv4_net": [...], "ipv6_net": [...],
 * "domain_name": [...]}, or Vigil's older list of strings or {ipv4_net|ipv6_net} objects.
 * Returns an OpenC2 status: 200 when *n addresses were collected. */
static int permitted_addresses(json_t *permitted, const char **addrs, size_t *n, const char **text)
{
	const char *key;
	json_t *list;

	if (!permitted || json_is_array(permitted)) {
		if (permitted && !permitted_list(permitted, addrs, n))
			goto malformed;
		return 200;
	}
	if (!json_is_object(permitted))
		goto malformed;
	json_object_foreach(permitted, key, list) {
		if (strcmp(key, "domain_name") == 0) {
			if (json_is_array(list) && json_array_size(list) == 0)
				continue;
			*text = "domain names in permitted_addresses are not supported";
			return 501;
		}
		if ((strcmp(key, "ipv4_net") != 0 && strcmp(key, "ipv6_net") != 0) || !permitted_list(list, addrs, n))
			goto malformed;
	}
	return 200;
malformed:
	*text = "malformed command: permitted_addresses must map ipv4_net and ipv6_net to lists of at most 256 addresses";
	return 400;
}

/* The agent's own results, under its namespace and without null values (an OpenC2 result has
 * no null); takes the reference. */
static json_t *namespaced(json_t *results)
{
	const char *key;
	json_t *value;
	void *tmp;

	if (!results)
		return NULL;
	json_object_foreach_safe(results, tmp, key, value)
		if (json_is_null(value))
			json_object_del(results, key);
	return json_pack("{s:o}", "x-vigil", results);
}

/* contain device {args.er.device_containment: "network_isolation", args.er.permitted_addresses}:
 * isolation on; each permitted address becomes an isolation exception.  The server's own
 * addresses always stay reachable. */
static int run_contain_device(struct vg_link *link, const char *request_id, json_t *command, json_t **results,
			      const char **text)
{
	json_t *er = json_object_get(json_object_get(command, "args"), "er");
	const char *how = json_string_value(json_object_get(er, "device_containment"));
	const char *addrs[MAX_PERMITTED];
	struct vg_error err = { 0 };
	json_t *state = NULL;
	size_t n = 0;
	int r;

	if (!how) {
		/* The profile's wording: the containment type is mandatory. */
		*text = "Containment type argument not populated";
		return 400;
	}
	if (strcmp(how, "network_isolation") != 0) {
		*text = "only device_containment network_isolation is supported";
		return 501;
	}
	if ((r = permitted_addresses(json_object_get(er, "permitted_addresses"), addrs, &n, text)) != 200)
		return r;
	if (!link->agent) {
		*text = "the isolation subsystem is not running";
		return 500;
	}
	r = vg_isolation_set(link->agent, VG_ISO_BY_SERVER, true, "contained by the server", addrs, n, request_id, &state, &err);
	if (r < 0) {
		vg_warn("link: command %s: %s", request_id, err.message);
		json_decref(state);
		*text = r == -EINVAL || r == -E2BIG ? "invalid permitted address" : "isolation failed";
		return r == -EINVAL || r == -E2BIG ? 400 : 500;
	}
	*results = namespaced(state);
	*text = "OK";
	return 200;
}

static int run_allow_device(struct vg_link *link, const char *request_id, json_t *command, json_t **results,
			    const char **text)
{
	struct vg_error err = { 0 };
	json_t *state = NULL;

	(void)command;
	if (!link->agent || vg_isolation_set(link->agent, VG_ISO_BY_SERVER, false, NULL, NULL, 0, request_id, &state, &err) < 0) {
		vg_warn("link: command %s: %s", request_id, link->agent ? err.message : "no agent");
		json_decref(state);
		*text = "releasing the isolation failed";
		return 500;
	}
	*results = namespaced(state);
	*text = "OK";
	return 200;
}

/* scan device {args.x-vigil.ioc: an OpenIOC document; other args.x-vigil keys are the options of
 * `ioc.scan` (paths, excludes, hint, no_files, no_processes, no_ports, no_system, action)}. */
static int run_scan_device(struct vg_link *link, const char *request_id, json_t *command, json_t **results,
			   const char **text)
{
	json_t *x = xargs(command), *options;
	const char *doc = json_string_value(json_object_get(x, "ioc"));
	struct vg_error err = { 0 };
	int r;

	(void)results;
	if (!doc) {
		*text = "malformed command: args.x-vigil.ioc must hold an OpenIOC document";
		return 400;
	}
	if (!link->agent) {
		*text = "the IOC subsystem is not running";
		return 500;
	}
	options = json_copy(x);
	json_object_del(options, "ioc");
	r = vg_ioc_scan_openc2(link->agent, request_id, doc, options, &err);
	json_decref(options);
	if (r < 0) {
		vg_warn("link: command %s: %s", request_id, err.message);
		*text = r == -EBUSY ? "an IOC scan is already running" : r == -EAGAIN || r == -ENOMEM
			? "the scan could not be started" : "the OpenIOC document or an option was refused";
		return r == -EBUSY || r == -EAGAIN || r == -ENOMEM ? 500 : 400;
	}
	return OPENC2_PENDING;
}

/* update x-vigil:rules {name, content}: a Sigma rule file of the server's, stored by the agent;
 * delete x-vigil:rules {name} removes it.  update x-vigil:ioc_watch {document} arms an OpenIOC
 * document for live evaluation; delete x-vigil:ioc_watch {id} disarms it.  All answer once the
 * rules in force include the change, with what was refused and why.  The detection subsystem
 * takes a null content or document as a removal (the older form, still accepted). */
static int run_detection(struct vg_link *link, const char *request_id, json_t *command, const char **text,
			 bool rules, bool remove)
{
	json_t *spec = json_object_get(json_object_get(command, "target"), rules ? "x-vigil:rules" : "x-vigil:ioc_watch");
	struct vg_error err = { 0 };
	int r;

	if (!link->agent) {
		*text = "the detection subsystem is not running";
		return 500;
	}
	if (!json_is_object(spec)) {
		*text = "malformed command: the target must be an object";
		return 400;
	}
	spec = json_copy(spec);
	if (remove)
		json_object_set_new(spec, rules ? "content" : "document", json_null());
	r = rules ? vg_detect_server_rules(link->agent, request_id, spec, &err)
		  : vg_detect_server_watch(link->agent, request_id, spec, &err);
	json_decref(spec);
	if (r < 0) {
		vg_warn("link: command %s: %s", request_id, err.message);
		*text = r == -EAGAIN || r == -ENOMEM ? "the detection subsystem cannot take it now" : "malformed command";
		return r == -EAGAIN || r == -ENOMEM ? 500 : 400;
	}
	return OPENC2_PENDING;
}

static int run_update_rules(struct vg_link *link, const char *request_id, json_t *command, json_t **results,
			    const char **text)
{
	(void)results;
	return run_detection(link, request_id, command, text, true, false);
}

static int run_delete_rules(struct vg_link *link, const char *request_id, json_t *command, json_t **results,
			    const char **text)
{
	(void)results;
	return run_detection(link, request_id, command, text, true, true);
}

static int run_update_ioc_watch(struct vg_link *link, const char *request_id, json_t *command, json_t **results,
				const char **text)
{
	(void)results;
	return run_detection(link, request_id, command, text, false, false);
}

static int run_delete_ioc_watch(struct vg_link *link, const char *request_id, json_t *command, json_t **results,
				const char **text)
{
	(void)results;
	return run_detection(link, request_id, command, text, false, true);
}

static const struct openc2_pair pairs[] = {
	{ "scan", "device", run_scan_device },
	{ "contain", "device", run_contain_device },
	{ "allow", "device", run_allow_device },
	{ "query", "features", run_query_features },
	{ "start", "file", run_start_file },
	{ "stop", "process", run_stop_process },
	{ "delete", "file", run_delete_file },
	{ "contain", "file", run_contain_file },
	{ "copy", "file", run_get_file },
	{ "update", "x-vigil:rules", run_update_rules },
	{ "update", "x-vigil:ioc_watch", run_update_ioc_watch },
	{ "delete", "x-vigil:rules", run_delete_rules },
	{ "delete", "x-vigil:ioc_watch", run_delete_ioc_watch },
	{ NULL, NULL, NULL },
};

/* The actions of the Language Specification, to tell a malformed command from an unsupported one. */
static const char *const ls_actions[] = {
	"scan", "locate", "query", "deny", "contain", "allow", "start", "stop", "restart", "cancel", "set",
	"update", "redirect", "create", "delete", "detonate", "restore", "copy", "investigate", "remediate",
};

json_t *vg_openc2_features(void)
{
	json_t *p = json_object();

	for (const struct openc2_pair *e = pairs; e->action; e++) {
		json_t *list = json_object_get(p, e->action);

		if (!list) {
			list = json_array();
			json_object_set_new(p, e->action, list);
		}
		json_array_append_new(list, json_string(e->target));
	}
	return json_pack("{s:[s], s:[s, s], s:o, s:i}", "versions", "1.0", "profiles", "er", "x-vigil",
			 "pairs", p, "rate_limit", 60);
}

static bool valid_id(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n > VG_TASK_ID_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:-", s[i]))
			return false;
	return true;
}

/* The response_requested of a command: "complete" when absent; NULL when it is not a
 * Response_Type. */
const char *vg_openc2_response_requested(const json_t *command)
{
	const json_t *rr = json_object_get(json_object_get(command, "args"), "response_requested");
	const char *s = json_string_value(rr);
	static const char *const types[] = { "none", "ack", "status", "complete" };

	if (!rr)
		return "complete";
	for (size_t i = 0; s && i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(s, types[i]) == 0)
			return types[i];
	return NULL;
}

static int dispatch(struct vg_link *link, const char *id, json_t *command, json_t **results, const char **text)
{
	const char *action = json_string_value(json_object_get(command, "action"));
	json_t *target = json_object_get(command, "target"), *args = json_object_get(command, "args");
	const char *tname;
	bool known = false;

	if (!json_is_object(command) || !action || !json_is_object(target) || json_object_size(target) != 1) {
		*text = "malformed command: an action and a target with exactly one key are required";
		return 400;
	}
	if ((args && !json_is_object(args)) || !vg_openc2_response_requested(command)) {
		*text = "malformed command: args must be an object and response_requested one of none, ack, status, complete";
		return 400;
	}
	tname = json_object_iter_key(json_object_iter(target));
	/* Vigil's older spelling of copy file, still accepted from servers that send it. */
	if (strcmp(action, "x-vigil:get_file") == 0)
		action = "copy";
	for (size_t i = 0; i < sizeof(ls_actions) / sizeof(ls_actions[0]); i++)
		known |= strcmp(ls_actions[i], action) == 0;
	if (!known) {
		*text = "unknown action: the Language Specification's actions are not extended";
		return 400;
	}
	for (const struct openc2_pair *e = pairs; e->action; e++)
		if (strcmp(e->action, action) == 0 && strcmp(e->target, tname) == 0)
			return e->run(link, id, command, results, text);
	*text = "not supported";
	return 501;
}

/* Asks the link to send a 102 for id before anything else (response_requested ack or status). */
static void acknowledge(struct vg_link *link, const char *id)
{
	if (link->nacks_due >= VG_LINK_MAX_ACKS) {
		vg_warn("link: too many acknowledgements waiting; none is sent for %s", id);
		return;
	}
	snprintf(link->acks_due[link->nacks_due++], sizeof(link->acks_due[0]), "%s", id);
}

static void handle_one(struct vg_link *link, json_t *item)
{
	const char *id = json_string_value(json_object_get(item, "request_id"));
	json_t *command = json_object_get(item, "command"), *results = NULL, *result, *existing;
	const char *action, *tname = "?", *text = "", *wanted;
	struct vg_error err = { 0 };
	enum vg_task_state final;
	char kind[160];
	int status;

	if (!valid_id(id)) {
		vg_warn("link: a command without a valid request_id was ignored");
		return;
	}
	link->commands_received++;
	if ((existing = vg_journal_get(link->journal, VG_JOURNAL_REQUESTS, id))) {
		/* Seen before: never run twice; report the stored result again once it is final. */
		if (json_is_object(json_object_get(existing, "result")))
			vg_journal_set_reported(link->journal, id, false, NULL);
		json_decref(existing);
		return;
	}
	action = json_string_value(json_object_get(command, "action"));
	if (json_is_object(json_object_get(command, "target")) && json_object_size(json_object_get(command, "target")))
		tname = json_object_iter_key(json_object_iter(json_object_get(command, "target")));
	snprintf(kind, sizeof(kind), "%.60s %.60s", action ? action : "?", tname);
	if (vg_journal_add(link->journal, VG_JOURNAL_REQUESTS, id, "server", kind, item, &err) < 0 ||
	    vg_journal_set_state(link->journal, VG_JOURNAL_REQUESTS, id, VG_TASK_RUNNING, NULL, &err) < 0) {
		vg_warn("link: cannot journal command %s: %s", id, err.message);
		return;
	}
	status = dispatch(link, id, command, &results, &text);
	wanted = vg_openc2_response_requested(command);
	if (status == OPENC2_PENDING) {
		/* The task answers when it ends; "ack" and "status" hear now that it was received. */
		if (wanted && (strcmp(wanted, "ack") == 0 || strcmp(wanted, "status") == 0))
			acknowledge(link, id);
		return;
	}
	vg_info("link: command %s (%s) answered %d", id, kind, status);
	result = json_pack("{s:i, s:s}", "status", status, "status_text", text);
	if (results)
		json_object_set_new(result, "results", results);
	final = status == 200 ? VG_TASK_SUCCEEDED : status == 500 ? VG_TASK_FAILED : VG_TASK_REFUSED;
	if (vg_journal_set_state(link->journal, VG_JOURNAL_REQUESTS, id, final, result, &err) < 0)
		vg_warn("link: cannot journal the result of %s: %s", id, err.message);
	json_decref(result);
	/* Done at once: "ack" gets its 102 instead of the result (send_response leaves it unsent). */
	if (wanted && strcmp(wanted, "ack") == 0)
		acknowledge(link, id);
}

void vg_link_handle_commands(struct vg_link *link, json_t *commands)
{
	size_t i;
	json_t *item;

	json_array_foreach(commands, i, item) {
		if (i >= VG_LINK_MAX_COMMANDS) {
			vg_warn("link: the server sent more than %d commands at once; the rest were ignored",
				VG_LINK_MAX_COMMANDS);
			break;
		}
		if (json_is_object(item))
			handle_one(link, item);
	}
}
