/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * OpenC2 commands from the server (Language Specification 1.0, Endpoint Response profile):
 * each is written to the task journal before anything runs, then dispatched through a table
 * of action-target pairs.  A pair without an executor is answered 501; the tasks and
 * isolation subsystems add their entries to the table.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "agent.h"
#include "link/link.h"
#include "log.h"
#include "nls.h"
#include "tasks/journal.h"

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

static const struct openc2_pair pairs[] = {
	{ "query", "features", run_query_features },
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

static int dispatch(struct vg_link *link, const char *id, json_t *command, json_t **results, const char **text)
{
	const char *action = json_string_value(json_object_get(command, "action"));
	json_t *target = json_object_get(command, "target");
	const char *tname;
	bool known = false;

	if (!json_is_object(command) || !action || !json_is_object(target) || json_object_size(target) != 1) {
		*text = "malformed command: an action and a target with exactly one key are required";
		return 400;
	}
	tname = json_object_iter_key(json_object_iter(target));
	for (size_t i = 0; i < sizeof(ls_actions) / sizeof(ls_actions[0]); i++)
		known |= strcmp(ls_actions[i], action) == 0;
	if (!known) {
		*text = "unknown action";
		return 400;
	}
	for (const struct openc2_pair *e = pairs; e->action; e++)
		if (strcmp(e->action, action) == 0 && strcmp(e->target, tname) == 0)
			return e->run(link, id, command, results, text);
	*text = "not supported";
	return 501;
}

static void handle_one(struct vg_link *link, json_t *item)
{
	const char *id = json_string_value(json_object_get(item, "request_id"));
	json_t *command = json_object_get(item, "command"), *results = NULL, *result, *existing;
	const char *action, *tname = "?", *text = "";
	struct vg_error err = { 0 };
	enum vg_task_state final;
	char kind[160];
	int status;

	if (!valid_id(id)) {
		vg_warn("link: a command without a valid request_id was ignored");
		return;
	}
	link->commands_received++;
	if ((existing = vg_journal_get(link->journal, id))) {
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
	if (vg_journal_add(link->journal, id, "server", kind, item, &err) < 0 ||
	    vg_journal_set_state(link->journal, id, VG_TASK_RUNNING, NULL, &err) < 0) {
		vg_warn("link: cannot journal command %s: %s", id, err.message);
		return;
	}
	status = dispatch(link, id, command, &results, &text);
	vg_info("link: command %s (%s) answered %d", id, kind, status);
	result = json_pack("{s:i, s:s}", "status", status, "status_text", text);
	if (results)
		json_object_set_new(result, "results", results);
	final = status == 200 ? VG_TASK_SUCCEEDED : status == 500 ? VG_TASK_FAILED : VG_TASK_REFUSED;
	if (vg_journal_set_state(link->journal, id, final, result, &err) < 0)
		vg_warn("link: cannot journal the result of %s: %s", id, err.message);
	json_decref(result);
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
