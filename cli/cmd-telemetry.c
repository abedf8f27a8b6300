/* SPDX-License-Identifier: GPL-3.0-or-later */
/* telemetry show | follow | stats | exclusion add | exclusion remove | exclusion list */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "clock.h"
#include "nls.h"
#include "textwidth.h"

static const char *type_label(json_int_t cls)
{
	switch (cls) {
	case 1007:
		return "process";
	case 4001:
		return "network";
	case 1001:
		return "file";
	default:
		return "other";
	}
}

/* An event's time: local, to the millisecond, for a person; RFC 3339 for a program. */
static void event_time(json_t *ev, bool machine, char *buf, size_t size)
{
	long long ms = json_integer_value(json_object_get(ev, "time"));
	struct vg_present_event e;

	if (machine) {
		if (vg_time_rfc3339(ms, buf, size) < 0)
			buf[0] = '\0';
		return;
	}
	vg_present_event(ev, &e);
	snprintf(buf, size, "%s", e.time_long);
}

static const struct vg_cli_column event_columns[] = {
	{ "time", N_("TIME"), false },   { "type", N_("TYPE"), false }, { "activity", N_("ACTIVITY"), false },
	{ "pid", N_("PID"), true },      { "details", N_("DETAILS"), false }, { NULL, NULL, false },
};

/* A cell of the list: the words of common/present-event.c (the console's too) in a table; the
 * agent's own words in CSV. */
static void event_cell(json_t *ev, int col, bool csv, char *buf, size_t size)
{
	struct vg_present_event e;

	if (col == 0) {
		event_time(ev, csv, buf, size);
		return;
	}
	vg_present_event(ev, &e);
	switch (col) {
	case 1:
		snprintf(buf, size, "%s", csv ? type_label(json_integer_value(json_object_get(ev, "class_uid"))) : e.type);
		break;
	case 2:
		snprintf(buf, size, "%s", csv ? vg_present_str(ev, "activity_name") : e.activity);
		break;
	case 3:
		snprintf(buf, size, "%s", e.pid[0] ? e.pid : (csv ? "" : "-"));
		break;
	default:
		snprintf(buf, size, "%s", e.details);
		break;
	}
}

static const struct vg_cli_list event_list = {
	.columns = event_columns, .cell = event_cell, .empty = N_("No event."),
};

/* One event as one line: time, type, activity (a create and an update differ), the acting
 * process, and what it is about (common/present-event.c, the console's words too). */
static void print_event_line(json_t *ev)
{
	struct vg_present_event e;

	vg_present_event(ev, &e);
	vg_text_pad(stdout, e.time_long, 23);
	fputs("  ", stdout);
	vg_text_pad(stdout, e.type, 10);
	vg_text_pad(stdout, e.activity, 12);
	printf("%7s  %s\n", e.pid[0] ? e.pid : "-", e.details);
}

static int run_show(struct vg_cli *cli, const struct vg_cli_args *args)
{
	json_t *req = json_object(), *r;
	int rc;

	vg_cli_opts_to_json(args, req, "type", "limit", "since", "grep", NULL);
	if ((rc = vg_cli_call(cli, VG_CMD_TELEMETRY_SHOW, req, &r)) != VG_EXIT_OK)
		return rc;
	/* Oldest first, newest last, as the agent gives them. */
	rc = vg_cli_print_list(cli, args, r, NULL, &event_list);
	json_decref(r);
	return rc;
}

struct follow_state {
	struct vg_cli *cli;
	const char *type;
};

static void on_stream(const char *stream, json_t *data, void *user)
{
	struct follow_state *fs = user;

	if (strcmp(stream, "events") != 0)
		return;
	if (fs->type && strcmp(fs->type, type_label(json_integer_value(json_object_get(data, "class_uid")))) != 0)
		return;
	if (fs->cli->json) {
		char *text = json_dumps(data, JSON_COMPACT);

		if (text)
			printf("%s\n", text);
		free(text);
	} else {
		print_event_line(data);
	}
	fflush(stdout);
}

static int run_follow(struct vg_cli *cli, const struct vg_cli_args *args)
{
	struct follow_state fs = { .cli = cli, .type = vg_cli_opt_str(args, "type") };

	return vg_cli_follow(cli, VG_CMD_TELEMETRY_FOLLOW, on_stream, &fs, _("Following new events; Ctrl-C stops."));
}

/* The labels of telemetry stats, for the width of their column (display columns: French
 * labels are longer and have accents). */
static const char *const stats_labels[] = {
	N_("processes:"), N_("network:"), N_("files:"), N_("kernel (sensor lost):"), N_("audit socket overruns:"),
	N_("agent queues full:"), N_("spool full (oldest dropped):"), N_("excluded by rules:"), N_("events stored:"),
	N_("events not yet sent:"), N_("size:"), N_("oldest event:"), N_("processes and network:"), N_("audit mode:"),
};

static int stats_label_width(void)
{
	int widest = 0;

	for (size_t i = 0; i < sizeof(stats_labels) / sizeof(stats_labels[0]); i++) {
		const char *label = _(stats_labels[i]);
		int w = vg_text_width(label, strlen(label));

		widest = w > widest ? w : widest;
	}
	return widest;
}

static void print_counter(const char *label, int width, json_t *obj, const char *key)
{
	vg_cli_label(label, width);
	printf("%lld\n", (long long)json_integer_value(json_object_get(obj, key)));
}

static int run_stats(struct vg_cli *cli, const struct vg_cli_args *args)
{
	json_t *r, *rates, *counts, *audit, *sensor, *spool;
	char when[64], size[32];
	int rc, lw;

	(void)args;
	if ((rc = vg_cli_call(cli, VG_CMD_TELEMETRY_STATS, NULL, &r)) != VG_EXIT_OK)
		return rc;
	if (vg_cli_json_done(cli, r))
		return VG_EXIT_OK;
	rates = json_object_get(r, "rates_per_s");
	counts = json_object_get(r, "events");
	audit = json_object_get(r, "audit");
	sensor = json_object_get(r, "sensor");
	spool = json_object_get(r, "spool");
	lw = stats_label_width();
	printf("%s\n", _("Events since the agent started (rate over the last minute):"));
	for (int t = 0; t < 3; t++) {
		static const char *const types[] = { "process", "network", "file" };
		char rate[32];

		vg_present_rate(rate, sizeof(rate), json_number_value(json_object_get(rates, types[t])));
		vg_cli_label(_(stats_labels[t]), lw);
		printf(_("%lld  (%s/s)\n"), (long long)json_integer_value(json_object_get(counts, types[t])), rate);
	}
	printf("%s\n", _("Losses:"));
	print_counter(_("kernel (sensor lost):"), lw, r, "kernel_lost");
	print_counter(_("audit socket overruns:"), lw, audit, "socket_overruns");
	print_counter(_("agent queues full:"), lw, r, "queue_dropped");
	print_counter(_("spool full (oldest dropped):"), lw, spool, "dropped");
	print_counter(_("excluded by rules:"), lw, r, "excluded");
	printf("%s\n", _("Spool:"));
	print_counter(_("events stored:"), lw, spool, "events");
	print_counter(_("events not yet sent:"), lw, spool, "pending");
	vg_cli_label(_("size:"), lw);
	vg_present_size(size, sizeof(size), json_integer_value(json_object_get(spool, "bytes")));
	printf("%s\n", size);
	if (vg_cli_time_of(spool, "oldest", when, sizeof(when))) {
		vg_cli_label(_("oldest event:"), lw);
		printf("%s\n", when);
	}
	printf("%s\n", _("Sensor:"));
	vg_cli_label(_("processes and network:"), lw);
	printf("%s (%s)\n", vg_present_msgid(vg_present_str(sensor, "running")), vg_present_msgid(vg_present_str(sensor, "reason")));
	if (strcmp(vg_present_str(sensor, "running"), "audit") == 0) {
		vg_cli_label(_("audit mode:"), lw);
		printf("%s%s\n", vg_present_str(audit, "mode")[0] ? vg_present_str(audit, "mode") : vg_present_msgid(vg_present_str(audit, "state")),
		       json_is_true(json_object_get(audit, "immutable")) ? _(" (immutable configuration)") : "");
	}
	json_decref(r);
	return VG_EXIT_OK;
}

/* The conditions of an exclusion: option names, also the agent's keys (with "_"). */
static const char *const exclusion_options[] = { "exe", "cmdline", "user", "sha256", "type", "remote-ip",
						 "remote-port", "path-prefix", "comment" };
#define N_EXCLUSION_OPTIONS (sizeof(exclusion_options) / sizeof(exclusion_options[0]))

static int run_exclusion_add(struct vg_cli *cli, const struct vg_cli_args *args)
{
	json_t *req = json_object(), *r;
	int rc;

	vg_cli_opts_to_json(args, req, "exe", "cmdline", "user", "sha256", "type", "remote-ip", "remote-port",
			    "path-prefix", "comment", NULL);
	if (json_object_size(req) == 0) {
		json_decref(req);
		return vg_cli_usage(cli, args->cmd, N_("give at least one condition"));
	}
	if ((rc = vg_cli_call(cli, VG_CMD_TELEMETRY_EXCLUSION_ADD, req, &r)) != VG_EXIT_OK)
		return rc;
	if (cli->json) {
		vg_cli_print_json(cli, r);
	} else {
		char id[32];

		snprintf(id, sizeof(id), "%lld", (long long)json_integer_value(json_object_get(r, "id")));
		printf(_("Exclusion %s added.\n"), id);
	}
	json_decref(r);
	return VG_EXIT_OK;
}

static int run_exclusion_remove(struct vg_cli *cli, const struct vg_cli_args *args)
{
	json_t *r;
	int rc;

	if ((rc = vg_cli_call(cli, VG_CMD_TELEMETRY_EXCLUSION_REMOVE,
			      json_pack("{s:I}", "id", (json_int_t)vg_cli_arg_num(args, 0)), &r)) != VG_EXIT_OK)
		return rc;
	if (cli->json)
		vg_cli_print_json(cli, r);
	else
		printf(_("Exclusion %s removed.\n"), vg_cli_arg_str(args, 0));
	json_decref(r);
	return VG_EXIT_OK;
}

static const struct vg_cli_column exclusion_columns[] = {
	{ "id", N_("ID"), true }, { "conditions", N_("CONDITIONS"), false }, { "comment", N_("COMMENT"), false },
	{ NULL, NULL, false },
};

/* CSV: one field a condition, named as the agent names them. */
static const struct vg_cli_column exclusion_csv_columns[] = {
	{ "id", NULL, false },        { "created", NULL, false }, { "exe", NULL, false },
	{ "cmdline", NULL, false },   { "user", NULL, false },    { "sha256", NULL, false },
	{ "type", NULL, false },      { "remote_ip", NULL, false }, { "remote_port", NULL, false },
	{ "path_prefix", NULL, false }, { "comment", NULL, false }, { NULL, NULL, false },
};

static void json_field(json_t *v, char *buf, size_t size)
{
	if (json_is_integer(v))
		snprintf(buf, size, "%lld", (long long)json_integer_value(v));
	else
		snprintf(buf, size, "%s", json_is_string(v) ? json_string_value(v) : "");
}

static void exclusion_cell(json_t *x, int col, bool csv, char *buf, size_t size)
{
	size_t used = 0;

	if (csv) {
		json_field(json_object_get(x, exclusion_csv_columns[col].key), buf, size);
		return;
	}
	if (col == 0) {
		json_field(json_object_get(x, "id"), buf, size);
		return;
	}
	if (col == 2) {
		json_field(json_object_get(x, "comment"), buf, size);
		return;
	}
	/* The conditions as the options that make them, to be read or typed again. */
	buf[0] = '\0';
	for (size_t k = 0; k < N_EXCLUSION_OPTIONS && used < size; k++) {
		char key[32];
		json_t *v;

		if (strcmp(exclusion_options[k], "comment") == 0)
			continue;
		snprintf(key, sizeof(key), "%s", exclusion_options[k]);
		for (char *p = key; (p = strchr(p, '-'));)
			*p = '_';
		v = json_object_get(x, key);
		if (json_is_integer(v))
			used += (size_t)snprintf(buf + used, size - used, "%s--%s %lld", used ? " " : "", exclusion_options[k],
						 (long long)json_integer_value(v));
		else if (json_is_string(v))
			used += (size_t)snprintf(buf + used, size - used, "%s--%s '%s'", used ? " " : "", exclusion_options[k],
						 json_string_value(v));
	}
}

static const struct vg_cli_list exclusion_list = {
	.columns = exclusion_columns, .csv_columns = exclusion_csv_columns, .cell = exclusion_cell,
	.empty = N_("No telemetry exclusion."),
};

static int run_exclusion_list(struct vg_cli *cli, const struct vg_cli_args *args)
{
	json_t *r;
	int rc;

	if ((rc = vg_cli_call(cli, VG_CMD_TELEMETRY_EXCLUSION_LIST, NULL, &r)) != VG_EXIT_OK)
		return rc;
	/* In the order they were added (their ids), as the agent gives them. */
	rc = vg_cli_print_list(cli, args, r, NULL, &exclusion_list);
	json_decref(r);
	return rc;
}

static const char *const event_types[] = { "process", "network", "file", "other", NULL };
static const char *const exclusion_types[] = { "process", "network", "file", NULL };

#define OPT_JSON { .name = "json", .help = N_("print the events as OCSF JSON (as vigilctl --json)") }
#define OPT_TYPE(types) { .name = "type", .type = VG_CLI_ENUM, .words = types, .help = N_("only events of this type") }

const struct vg_cli_command vg_cli_cmds_telemetry[] = {
	{ .name = "telemetry show", .help = N_("Show stored events, newest last"),
	  .details = N_("TIME is a duration back from now (30s, 10m, 2h, 7d) or a local date (YYYY-MM-DD [HH:MM[:SS]]).\n"
			"--grep keeps the events whose JSON text contains TEXT; --json prints them as OCSF JSON."),
	  .proto = VG_CMD_TELEMETRY_SHOW,
	  .options = (const struct vg_cli_spec[]){
		  OPT_TYPE(event_types),
		  { .name = "limit", .type = VG_CLI_INT, .min = 1, .max = 10000,
		    .help = N_("show the last N events (default 50)") },
		  { .name = "since", .type = VG_CLI_SINCE, .help = N_("only events from TIME on") },
		  { .name = "grep", .type = VG_CLI_STRING, .help = N_("only events whose JSON text contains TEXT") },
		  OPT_JSON, VG_CLI_OPT_LIST_FORMAT,
		  { NULL } },
	  .run = run_show },
	{ .name = "telemetry follow", .help = N_("Show new events as they come, until Ctrl-C"),
	  .proto = VG_CMD_TELEMETRY_FOLLOW,
	  .options = (const struct vg_cli_spec[]){ OPT_TYPE(event_types), OPT_JSON, { NULL } },
	  .run = run_follow },
	{ .name = "telemetry stats", .help = N_("Show event rates, losses and the spool's size"),
	  .proto = VG_CMD_TELEMETRY_STATS, .run = run_stats },
	{ .name = "telemetry exclusion add", .help = N_("Stop storing the events that match every condition given"),
	  .details = N_("Globs follow the shell's rules (* ? [...]); --remote-ip and --remote-port apply to network\n"
			"events, --path-prefix to file events.  Excluded events are never stored."),
	  .proto = VG_CMD_TELEMETRY_EXCLUSION_ADD,
	  .options = (const struct vg_cli_spec[]){
		  { .name = "exe", .type = VG_CLI_STRING, .metavar = "GLOB", .source = VG_CLI_SRC_FILES,
		    .help = N_("the process's executable") },
		  { .name = "cmdline", .type = VG_CLI_STRING, .metavar = "GLOB", .help = N_("the process's command line") },
		  { .name = "user", .type = VG_CLI_STRING, .metavar = "USER", .source = VG_CLI_SRC_USERS,
		    .help = N_("the process's user (name or uid)") },
		  { .name = "sha256", .type = VG_CLI_STRING, .metavar = "HASH", .help = N_("the executable's SHA-256") },
		  { .name = "type", .type = VG_CLI_ENUM, .words = exclusion_types, .help = N_("the event's type") },
		  { .name = "remote-ip", .type = VG_CLI_STRING, .metavar = "IP", .help = N_("the remote address") },
		  { .name = "remote-port", .type = VG_CLI_INT, .metavar = "PORT", .min = 1, .max = 65535,
		    .help = N_("the remote port") },
		  { .name = "path-prefix", .type = VG_CLI_STRING, .metavar = "PATH", .source = VG_CLI_SRC_FILES,
		    .help = N_("the file's path starts with PATH") },
		  { .name = "comment", .type = VG_CLI_STRING, .help = N_("why (kept with the exclusion)") },
		  { NULL } },
	  .run = run_exclusion_add },
	{ .name = "telemetry exclusion remove", .help = N_("Remove a telemetry exclusion"),
	  .proto = VG_CMD_TELEMETRY_EXCLUSION_REMOVE,
	  .operands = (const struct vg_cli_spec[]){
		  { .name = "ID", .type = VG_CLI_INT, .min = 1, .source = VG_CLI_SRC_EXCLUSIONS, .min_count = 1,
		    .max_count = 1 },
		  { NULL } },
	  .run = run_exclusion_remove },
	{ .name = "telemetry exclusion list", .help = N_("List the telemetry exclusions"),
	  .proto = VG_CMD_TELEMETRY_EXCLUSION_LIST,
	  .options = (const struct vg_cli_spec[]){ VG_CLI_OPT_LIST_FORMAT, { NULL } }, .run = run_exclusion_list },
	{ NULL },
};
