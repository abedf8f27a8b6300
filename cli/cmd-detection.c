/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * vigilctl commands of the detection family: detection list | show | follow, detection rules
 * list | show | check | reload | disable | enable, and the live indicators ioc watch | unwatch |
 * watches.  `detection rules check` reads rule files here, with the library's own Sigma
 * compiler, and needs no agent.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "fileio.h"
#include "nls.h"
#include "vigil/sigma.h"

#define MAX_DOCUMENT (1000u * 1024)

static const char *severity_text(json_int_t id)
{
	static const char *const names[] = { N_("unknown"), N_("info"), N_("low"), N_("medium"), N_("high"), N_("critical") };

	return _(names[id >= 0 && id <= 5 ? id : 0]);
}

/* The agent's message for a refused rule, in the user's language when it came with its id. */
static void reject_text(const json_t *j, char *buf, size_t size)
{
	struct vg_error e;
	json_t *a;
	size_t k;

	vg_error_clear(&e);
	snprintf(e.message, sizeof(e.message), "%s", vg_present_str(j, "reason"));
	snprintf(e.msgid, sizeof(e.msgid), "%s", vg_present_str(j, "msgid"));
	snprintf(e.prefix, sizeof(e.prefix), "%s", vg_present_str(j, "prefix"));
	json_array_foreach(json_object_get(j, "args"), k, a)
		if (k < VG_ERROR_MAX_ARGS) {
			snprintf(e.args[k], sizeof(e.args[k]), "%s", json_string_value(a));
			e.nargs = (int)k + 1;
		}
	vg_error_text(&e, buf, size);
}

static void print_summary_line(const json_t *d)
{
	char when[64], uid[9];

	vg_cli_time_of(d, "time", when, sizeof(when));
	snprintf(uid, sizeof(uid), "%s", vg_present_str(d, "uid"));
	printf("%-19s  %-8s  %-9s %-10s %s\n", when, uid, severity_text(json_integer_value(json_object_get(d, "severity_id"))),
	       vg_present_str(d, "action"), vg_present_str(d, "title"));
}

static int run_list(struct vg_cli *cli, const struct vg_cli_args *args)
{
	json_t *req = json_object(), *r, *d;
	size_t i;
	int rc;

	vg_cli_opts_to_json(args, req, "limit", "since", "rule", NULL);
	if ((rc = vg_cli_call(cli, VG_CMD_DETECTION_LIST, req, &r)) != VG_EXIT_OK)
		return rc;
	if (vg_cli_json_done(cli, r))
		return VG_EXIT_OK;
	if (json_array_size(r) == 0) {
		printf("%s\n", _("No detection."));
	} else {
		printf("%-19s  %-8s  %-9s %-10s %s\n", _("TIME"), _("ID"), _("SEVERITY"), _("ACTION"), _("RULE"));
		json_array_foreach(r, i, d)
			print_summary_line(d);
	}
	json_decref(r);
	return VG_EXIT_OK;
}

static void print_process(const char *label, const json_t *proc)
{
	const json_t *file = json_object_get(proc, "file");

	if (!json_is_object(proc))
		return;
	printf("    %-12s %s %lld  %s\n", label, _("pid"), (long long)json_integer_value(json_object_get(proc, "pid")),
	       vg_present_str(file, "path"));
	if (json_object_get(proc, "cmd_line"))
		printf("    %-12s %s\n", "", vg_present_str(proc, "cmd_line"));
	if (json_object_get(json_object_get(proc, "user"), "name") || json_object_get(json_object_get(proc, "user"), "uid"))
		printf("    %-12s %s %s\n", "", _("user"),
		       json_object_get(json_object_get(proc, "user"), "name") ? vg_present_str(json_object_get(proc, "user"), "name")
									  : vg_present_str(json_object_get(proc, "user"), "uid"));
}

static void print_evidence(const json_t *ev)
{
	const json_t *file = json_object_get(ev, "file"), *dst = json_object_get(ev, "dst_endpoint");
	const json_t *rec = json_object_get(json_object_get(ev, "data"), "audit_record");

	print_process(_("process"), json_object_get(ev, "process"));
	print_process(_("actor"), json_object_get(json_object_get(ev, "actor"), "process"));
	if (json_is_object(file))
		printf("    %-12s %s\n", _("file"), vg_present_str(file, "path"));
	if (json_is_object(dst))
		printf("    %-12s %s:%lld\n", _("destination"), vg_present_str(dst, "ip"),
		       (long long)json_integer_value(json_object_get(dst, "port")));
	if (json_is_object(rec)) {
		char *text = json_dumps(rec, JSON_COMPACT);

		printf("    %-12s %s\n", _("audit"), text ? text : "");
		free(text);
	}
}

static int run_show(struct vg_cli *cli, const struct vg_cli_args *args)
{
	json_t *r, *f, *fi, *a, *resp;
	char when[64], event[64];
	size_t i;
	int rc;

	if ((rc = vg_cli_call(cli, VG_CMD_DETECTION_SHOW, json_pack("{s:s}", "uid", vg_cli_arg_str(args, 0)), &r)) !=
	    VG_EXIT_OK)
		return rc;
	if (vg_cli_json_done(cli, r))
		return VG_EXIT_OK;
	f = json_object_get(r, "finding");
	fi = json_object_get(f, "finding_info");
	vg_cli_time_of(r, "time", when, sizeof(when));
	vg_cli_time_of(r, "event_time", event, sizeof(event));
	printf("%s\n", vg_present_str(fi, "title"));
	printf("  %-14s %s\n", _("Detection"), vg_present_str(r, "uid"));
	printf("  %-14s %s (%s)\n", _("Rule"), vg_present_str(json_object_get(fi, "analytic"), "uid"),
	       vg_present_str(json_object_get(json_object_get(f, "unmapped"), "detection"), "rule_file"));
	printf("  %-14s %s\n", _("Severity"), severity_text(json_integer_value(json_object_get(f, "severity_id"))));
	printf("  %-14s %s\n", _("Event"), event);
	printf(_("  %-14s %s (stored %lld ms after the event)\n"), _("Detected"), when,
	       (long long)json_integer_value(json_object_get(r, "latency_ms")));
	resp = json_object_get(json_object_get(json_object_get(f, "unmapped"), "detection"), "response");
	if (json_object_get(resp, "error"))
		printf(_("  %-14s %s failed: %s\n"), _("Response"), vg_present_str(resp, "action"), vg_present_str(resp, "error"));
	else if (json_object_get(resp, "task_id"))
		printf(_("  %-14s %s, task %lld\n"), _("Response"), vg_present_str(resp, "action"),
		       (long long)json_integer_value(json_object_get(resp, "task_id")));
	else
		printf("  %-14s %s\n", _("Response"), vg_present_str(resp, "action"));
	json_array_foreach(json_object_get(fi, "attacks"), i, a) {
		const json_t *t = json_object_get(a, "sub_technique");

		if (!t)
			t = json_object_get(a, "technique");
		printf("  %-14s %s %s\n", i ? "" : _("ATT&CK"), vg_present_str(t, "uid"), vg_present_str(json_object_get(a, "tactic"), "name"));
	}
	printf("  %s\n", _("Evidence:"));
	json_array_foreach(json_object_get(f, "evidences"), i, a)
		print_evidence(a);
	json_decref(r);
	return VG_EXIT_OK;
}

static void on_stream(const char *stream, json_t *data, void *user)
{
	struct vg_cli *cli = user;

	if (strcmp(stream, "detections") != 0)
		return;
	if (cli->json) {
		char *text = json_dumps(data, JSON_COMPACT);

		if (text)
			printf("%s\n", text);
		free(text);
	} else {
		print_summary_line(data);
	}
	fflush(stdout);
}

static int run_follow(struct vg_cli *cli, const struct vg_cli_args *args)
{
	(void)args;
	return vg_cli_follow(cli, VG_CMD_DETECTION_FOLLOW, on_stream, cli, _("Following new detections; Ctrl-C stops."));
}

/* ---- rules ---- */

static void print_rejects(const json_t *rejects, bool only_broken)
{
	size_t i;
	json_t *j;

	json_array_foreach(rejects, i, j) {
		char text[VG_ERROR_MSG_SIZE];

		if (only_broken && json_is_true(json_object_get(j, "unsupported_source")))
			continue;
		reject_text(j, text, sizeof(text));
		printf(_("refused: %s\n"), text);
	}
}

static void print_totals(const json_t *r)
{
	printf(_("%lld rules in force (generation %lld), %lld refused\n"), (long long)json_integer_value(json_object_get(r, "rules")),
	       (long long)json_integer_value(json_object_get(r, "generation")),
	       (long long)json_integer_value(json_object_get(r, "refused")));
}

static int run_rules_list(struct vg_cli *cli, const struct vg_cli_args *args)
{
	json_t *req = json_object(), *r, *rule, *s;
	size_t i, k;
	int rc;

	vg_cli_opts_to_json(args, req, "state", NULL);
	if ((rc = vg_cli_call(cli, VG_CMD_DETECTION_RULES_LIST, req, &r)) != VG_EXIT_OK)
		return rc;
	if (vg_cli_json_done(cli, r))
		return VG_EXIT_OK;
	if (json_array_size(json_object_get(r, "list"))) {
		printf("%-36s  %-9s %-10s %-18s %s\n", _("ID"), _("LEVEL"), _("STATE"), _("SOURCE"), _("TITLE"));
		json_array_foreach(json_object_get(r, "list"), i, rule) {
			char sources[128] = "";
			size_t used = 0;

			json_array_foreach(json_object_get(rule, "sources"), k, s)
				used += (size_t)snprintf(sources + used, used < sizeof(sources) ? sizeof(sources) - used : 0, "%s%s",
							 k ? "," : "", json_string_value(s));
			printf("%-36s  %-9s %-10s %-18s %s\n", vg_present_str(rule, "id")[0] ? vg_present_str(rule, "id") : vg_present_str(rule, "name"),
			       vg_present_str(rule, "level"), vg_present_str(rule, "state"), sources, vg_present_str(rule, "title"));
		}
	}
	print_rejects(json_object_get(r, "rejects"), false);
	print_totals(r);
	json_decref(r);
	return VG_EXIT_OK;
}

static void print_list(const char *label, const json_t *a)
{
	size_t i;
	json_t *v;

	if (!json_array_size(a))
		return;
	printf("  %-14s", label);
	json_array_foreach(a, i, v)
		printf("%s%s", i ? ", " : "", json_string_value(v));
	printf("\n");
}

static int run_rules_show(struct vg_cli *cli, const struct vg_cli_args *args)
{
	json_t *r;
	int rc;

	if ((rc = vg_cli_call(cli, VG_CMD_DETECTION_RULES_SHOW, json_pack("{s:s}", "id", vg_cli_arg_str(args, 0)), &r)) !=
	    VG_EXIT_OK)
		return rc;
	if (vg_cli_json_done(cli, r))
		return VG_EXIT_OK;
	printf("%s\n", vg_present_str(r, "title"));
	printf("  %-14s %s\n", _("Id"), vg_present_str(r, "id"));
	printf("  %-14s %s\n", _("State"), vg_present_str(r, "state"));
	printf("  %-14s %s\n", _("Level"), vg_present_str(r, "level"));
	printf("  %-14s %s\n", _("Type"), vg_present_str(r, "type"));
	printf("  %-14s %s:%lld\n", _("File"), vg_present_str(r, "file"), (long long)json_integer_value(json_object_get(r, "line")));
	print_list(_("Sources"), json_object_get(r, "sources"));
	print_list(_("Tags"), json_object_get(r, "tags"));
	if (vg_present_str(r, "description")[0])
		printf("  %-14s %s\n", _("Description"), vg_present_str(r, "description"));
	printf("\n%s", vg_present_str(r, "yaml"));
	json_decref(r);
	return VG_EXIT_OK;
}

/* Offline: the files are read and compiled here with the library, as the agent would. */
static int run_rules_check(struct vg_cli *cli, const struct vg_cli_args *args)
{
	struct vg_sigma_set *set = NULL;
	struct vg_error err = { 0 };
	json_t *out = json_object(), *rules = json_array(), *rejects = json_array();
	size_t n, nrej;
	int rc = VG_EXIT_OK;

	if (vg_sigma_set_new(NULL, &set) < 0) {
		json_decref(out);
		return vg_cli_fail(cli, N_("out of memory"));
	}
	for (int i = 0; i < vg_cli_arg_count(args); i++) {
		const char *path = vg_cli_arg_str(args, i);

		struct stat st;

		vg_error_clear(&err);
		/* A directory is read as the agent reads detection.rules_dirs; what cannot be read is
		 * a reject like a broken rule. */
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			vg_sigma_set_add_dir(set, path, &err);
		else
			vg_sigma_set_add_file(set, path, &err);
	}
	vg_error_clear(&err);
	if (vg_sigma_set_compile(set, &err) < 0) {
		vg_sigma_set_free(set);
		json_decref(out);
		json_decref(rules);
		json_decref(rejects);
		return vg_cli_report(cli, VG_EXIT_FAILED, &err);
	}
	n = vg_sigma_set_rule_count(set);
	nrej = vg_sigma_set_reject_count(set);
	for (size_t i = 0; i < n; i++) {
		const struct vg_sigma_rule_info *info = vg_sigma_rule_info(vg_sigma_set_rule(set, i));
		json_t *sources = json_array();

		for (unsigned s = 1; s <= VG_SIGMA_SRC_ALL; s <<= 1)
			if (info->sources & s)
				json_array_append_new(sources, json_string(vg_sigma_source_name(s)));
		json_array_append_new(rules, json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:I}", "id", info->id, "title",
						       info->title, "type", vg_sigma_rule_type_name(info->type), "level",
						       vg_sigma_level_name(info->level), "status",
						       vg_sigma_status_name(info->status), "sources", sources, "file", info->file,
						       "line", (json_int_t)info->line));
		if (!cli->json)
			printf(_("%s:%u: ok: %s (%s, %s)\n"), info->file, info->line, info->title[0] ? info->title : info->name,
			       info->id[0] ? info->id : info->name, vg_sigma_rule_type_name(info->type));
	}
	for (size_t i = 0; i < nrej; i++) {
		const struct vg_sigma_reject *j = vg_sigma_set_reject(set, i);
		char text[VG_ERROR_MSG_SIZE];

		json_array_append_new(rejects, json_pack("{s:s, s:I, s:I, s:s, s:s, s:b}", "file", j->file, "line",
							 (json_int_t)j->line, "column", (json_int_t)j->column, "id", j->id,
							 "reason", j->error.message, "unsupported_source",
							 j->unsupported_source));
		if (!cli->json)
			fprintf(stderr, _("refused: %s\n"), vg_error_text(&j->error, text, sizeof(text)));
	}
	if (vg_sigma_set_reject_total(set) > 0)
		rc = VG_EXIT_FAILED;
	if (cli->json) {
		json_object_set_new(out, "rules", rules);
		json_object_set_new(out, "rejects", rejects);
		json_object_set_new(out, "refused", json_integer((json_int_t)vg_sigma_set_reject_total(set)));
		vg_cli_print_json(cli, out);
	} else {
		printf(_("Rules loaded: %zu, refused: %zu\n"), n, vg_sigma_set_reject_total(set));
		json_decref(rules);
		json_decref(rejects);
	}
	json_decref(out);
	vg_sigma_set_free(set);
	return rc;
}

static int print_reloaded(struct vg_cli *cli, json_t *r)
{
	if (vg_cli_json_done(cli, r))
		return VG_EXIT_OK;
	print_rejects(json_object_get(r, "rejects"), true);
	print_totals(r);
	json_decref(r);
	return VG_EXIT_OK;
}

static int run_rules_reload(struct vg_cli *cli, const struct vg_cli_args *args)
{
	json_t *r;
	int rc;

	(void)args;
	if ((rc = vg_cli_call(cli, VG_CMD_DETECTION_RULES_RELOAD, NULL, &r)) != VG_EXIT_OK)
		return rc;
	return print_reloaded(cli, r);
}

static int toggle(struct vg_cli *cli, const struct vg_cli_args *args, bool disable)
{
	json_t *r;
	int rc;

	if ((rc = vg_cli_call(cli, disable ? VG_CMD_DETECTION_RULES_DISABLE : VG_CMD_DETECTION_RULES_ENABLE,
			      json_pack("{s:s}", "id", vg_cli_arg_str(args, 0)), &r)) != VG_EXIT_OK)
		return rc;
	if (vg_cli_json_done(cli, r))
		return VG_EXIT_OK;
	if (disable)
		printf(_("Rule %s disabled.\n"), vg_present_str(r, "rule"));
	else
		printf(_("Rule %s enabled.\n"), vg_present_str(r, "rule"));
	print_totals(r);
	json_decref(r);
	return VG_EXIT_OK;
}

static int run_rules_disable(struct vg_cli *cli, const struct vg_cli_args *args)
{
	return toggle(cli, args, true);
}

static int run_rules_enable(struct vg_cli *cli, const struct vg_cli_args *args)
{
	return toggle(cli, args, false);
}

/* ---- live indicators ---- */

static int run_watch(struct vg_cli *cli, const struct vg_cli_args *args)
{
	json_t *docs = json_array(), *r, *e;
	struct vg_error err;
	size_t i;
	int rc;

	for (int k = 0; k < vg_cli_arg_count(args); k++) {
		const char *file = vg_cli_arg_str(args, k);
		char *content = NULL;
		size_t len = 0;
		json_t *c;

		if (vg_file_read_all(file, MAX_DOCUMENT, &content, &len, &err) < 0) {
			json_decref(docs);
			return vg_cli_report(cli, VG_EXIT_FAILED, &err);
		}
		c = json_stringn(content, len);
		free(content);
		if (!c) {
			json_decref(docs);
			return vg_cli_fail(cli, N_("%s is not UTF-8 text"), file);
		}
		json_array_append_new(docs, json_pack("{s:s, s:o}", "file", file, "content", c));
	}
	if ((rc = vg_cli_call(cli, VG_CMD_IOC_WATCH, json_pack("{s:o}", "documents", docs), &r)) != VG_EXIT_OK)
		return rc;
	rc = json_array_size(json_object_get(r, "refused")) ? VG_EXIT_FAILED : VG_EXIT_OK;
	if (vg_cli_json_done(cli, r))
		return rc;
	json_array_foreach(json_object_get(r, "armed"), i, e)
		printf(_("%s: armed as %s\n"), vg_present_str(e, "file"), vg_present_str(e, "id"));
	json_array_foreach(json_object_get(r, "refused"), i, e)
		fprintf(stderr, _("%s: refused: %s\n"), vg_present_str(e, "file"), vg_present_str(e, "error"));
	json_decref(r);
	return rc;
}

static int run_unwatch(struct vg_cli *cli, const struct vg_cli_args *args)
{
	json_t *r;
	int rc;

	if ((rc = vg_cli_call(cli, VG_CMD_IOC_UNWATCH, json_pack("{s:s}", "id", vg_cli_arg_str(args, 0)), &r)) !=
	    VG_EXIT_OK)
		return rc;
	if (vg_cli_json_done(cli, r))
		return VG_EXIT_OK;
	printf(_("%s disarmed.\n"), vg_present_str(r, "unwatched"));
	json_decref(r);
	return VG_EXIT_OK;
}

static int run_watches(struct vg_cli *cli, const struct vg_cli_args *args)
{
	json_t *r, *w;
	size_t i;
	int rc;

	(void)args;
	if ((rc = vg_cli_call(cli, VG_CMD_IOC_WATCHES, NULL, &r)) != VG_EXIT_OK)
		return rc;
	if (vg_cli_json_done(cli, r))
		return VG_EXIT_OK;
	if (json_array_size(r) == 0) {
		printf("%s\n", _("No OpenIOC document is armed."));
	} else {
		printf("%-36s %-8s %-8s %s\n", _("ID"), _("SOURCE"), _("ACTIVE"), _("FILE"));
		json_array_foreach(r, i, w)
			printf("%-36s %-8s %-8s %s\n", vg_present_str(w, "id"), vg_present_str(w, "source"),
			       json_is_true(json_object_get(w, "active")) ? _("yes") : _("no"), vg_present_str(w, "file"));
	}
	json_decref(r);
	return VG_EXIT_OK;
}

static const struct vg_cli_spec rule_id[] = {
	{ .name = "ID", .type = VG_CLI_STRING, .min_count = 1, .max_count = 1 },
	{ NULL },
};

const struct vg_cli_command vg_cli_cmds_detection[] = {
	{ .name = "detection list", .help = N_("List recent detections, newest first"), .proto = VG_CMD_DETECTION_LIST,
	  .options = (const struct vg_cli_spec[]){
		  { .name = "limit", .letter = 'n', .type = VG_CLI_INT, .min = 1, .max = 10000,
		    .help = N_("show at most N detections (default 50)") },
		  { .name = "since", .type = VG_CLI_SINCE, .help = N_("only detections since WHEN (10m, 2h, a date)") },
		  { .name = "rule", .type = VG_CLI_STRING, .metavar = "ID", .help = N_("only the detections of rule ID") },
		  { NULL } },
	  .run = run_list },
	{ .name = "detection show", .help = N_("Show a detection: its rule, response and evidence"),
	  .details = N_("UID is the detection's id as listed; its first 8 characters are enough when they name one."),
	  .proto = VG_CMD_DETECTION_SHOW,
	  .operands = (const struct vg_cli_spec[]){ { .name = "UID", .type = VG_CLI_STRING, .min_count = 1, .max_count = 1 },
						    { NULL } },
	  .run = run_show },
	{ .name = "detection follow", .help = N_("Show new detections as they are made, until Ctrl-C"),
	  .proto = VG_CMD_DETECTION_FOLLOW, .run = run_follow },
	{ .name = "detection rules list", .help = N_("List the detection rules in force and those refused, with the reason"),
	  .proto = VG_CMD_DETECTION_RULES_LIST,
	  .options = (const struct vg_cli_spec[]){
		  { .name = "state", .type = VG_CLI_ENUM,
		    .words = (const char *const[]){ "enabled", "disabled", "correlated", "refused", NULL },
		    .help = N_("only the rules in this state") },
		  { NULL } },
	  .run = run_rules_list },
	{ .name = "detection rules show", .help = N_("Show a rule: what it says of itself, and its YAML"),
	  .proto = VG_CMD_DETECTION_RULES_SHOW, .operands = rule_id, .run = run_rules_show },
	{ .name = "detection rules check", .help = N_("Check Sigma rule files without the agent (exit 1 if any is refused)"),
	  .details = N_("Each FILE (or directory, read recursively) is compiled with the same code as the agent uses;\n"
			"every rule that loads is listed, every refused rule with its file, line and reason."),
	  .proto = VG_CLI_NO_CMD, .flags = VG_CLI_LOCAL,
	  .operands = (const struct vg_cli_spec[]){
		  { .name = "FILE", .type = VG_CLI_PATH, .min_count = 1, .max_count = 256 }, { NULL } },
	  .run = run_rules_check },
	{ .name = "detection rules reload", .help = N_("Read the rules again (they are in force when it answers)"),
	  .proto = VG_CMD_DETECTION_RULES_RELOAD, .run = run_rules_reload },
	{ .name = "detection rules disable", .help = N_("Disable a rule (kept across restarts)"),
	  .proto = VG_CMD_DETECTION_RULES_DISABLE, .operands = rule_id, .run = run_rules_disable },
	{ .name = "detection rules enable", .help = N_("Enable a disabled rule"), .proto = VG_CMD_DETECTION_RULES_ENABLE,
	  .operands = rule_id, .run = run_rules_enable },
	{ .name = "ioc watch", .help = N_("Arm OpenIOC documents: evaluated on every process start and file write"),
	  .details = N_("The process and file terms of each document (hashes, names, paths, command lines) are evaluated\n"
			"on each event as it is collected; a match is a detection.  Terms an event does not carry, and\n"
			"tests that need another kind of object, are unknown and do not match."),
	  .proto = VG_CMD_IOC_WATCH,
	  .operands = (const struct vg_cli_spec[]){
		  { .name = "FILE", .type = VG_CLI_PATH, .min_count = 1, .max_count = 64 }, { NULL } },
	  .run = run_watch },
	{ .name = "ioc unwatch", .help = N_("Disarm an OpenIOC document"), .proto = VG_CMD_IOC_UNWATCH, .operands = rule_id,
	  .run = run_unwatch },
	{ .name = "ioc watches", .help = N_("List the armed OpenIOC documents"), .proto = VG_CMD_IOC_WATCHES,
	  .run = run_watches },
	{ NULL },
};
