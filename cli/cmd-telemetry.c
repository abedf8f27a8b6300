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
#include "nls.h"

#define FOLLOW_POLL_MS 250

/* Ctrl-C during follow only sets this; the loop notices it. */
static volatile sig_atomic_t follow_interrupted;

static void on_sigint(int sig)
{
	(void)sig;
	follow_interrupted = 1;
}

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

static const char *str(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? s : "";
}

static void endpoint_text(json_t *ep, char *buf, size_t size)
{
	const char *ip = str(ep, "ip");

	if (!ep)
		snprintf(buf, size, "?");
	else if (strchr(ip, ':'))
		snprintf(buf, size, "[%s]:%lld", ip, (long long)json_integer_value(json_object_get(ep, "port")));
	else
		snprintf(buf, size, "%s:%lld", ip, (long long)json_integer_value(json_object_get(ep, "port")));
}

/* One event as one line: time, type, activity, pid, and what it is about. */
static void print_event_line(json_t *ev)
{
	json_int_t cls = json_integer_value(json_object_get(ev, "class_uid"));
	json_t *proc = json_object_get(ev, "process");
	char when[64], what[1024], a[128], b[128];
	long long ms = json_integer_value(json_object_get(ev, "time"));
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;

	if (!proc)
		proc = json_object_get(json_object_get(ev, "actor"), "process");
	localtime_r(&secs, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	switch (cls) {
	case 1007:
		if (json_object_get(ev, "exit_code"))
			snprintf(what, sizeof(what), "%s %s %lld", str(json_object_get(proc, "file"), "path"), _("exit"),
				 (long long)json_integer_value(json_object_get(ev, "exit_code")));
		else
			snprintf(what, sizeof(what), "%s", str(proc, "cmd_line"));
		break;
	case 4001:
		endpoint_text(json_object_get(ev, "src_endpoint"), a, sizeof(a));
		endpoint_text(json_object_get(ev, "dst_endpoint"), b, sizeof(b));
		snprintf(what, sizeof(what), "%s %s -> %s %s", str(json_object_get(ev, "connection_info"), "protocol_name"),
			 a, b, str(json_object_get(proc, "file"), "path"));
		break;
	case 1001:
		snprintf(what, sizeof(what), "%s%s%s", str(json_object_get(ev, "file"), "path"),
			 json_object_get(ev, "file_result") ? " -> " : "", str(json_object_get(ev, "file_result"), "path"));
		break;
	default:
		snprintf(what, sizeof(what), "%s", str(ev, "message"));
		break;
	}
	printf("%s.%03lld  %-8s %-10s %7lld  %s\n", when, ms % 1000, type_label(cls), str(ev, "activity_name"),
	       (long long)json_integer_value(json_object_get(proc, "pid")), what);
}

/* --since: a duration back from now (30s, 10m, 2h, 7d) or a local time (YYYY-MM-DD[ HH:MM[:SS]]). */
static int parse_since(const char *text, long long *ms)
{
	char *end;
	long long n = strtoll(text, &end, 10);
	struct tm tm;
	const char *rest;

	if (end != text && n >= 0 && end[0] && !end[1] && strchr("smhd", end[0])) {
		long long unit = end[0] == 's' ? 1 : end[0] == 'm' ? 60 : end[0] == 'h' ? 3600 : 86400;

		if (n > 3650LL * 86400 / unit)
			return -1;
		*ms = ((long long)time(NULL) - n * unit) * 1000;
		return 0;
	}
	memset(&tm, 0, sizeof(tm));
	rest = strptime(text, "%Y-%m-%d", &tm);
	if (!rest)
		return -1;
	if (*rest) {
		const char *r2 = strptime(rest, " %H:%M:%S", &tm);

		if (!r2)
			r2 = strptime(rest, " %H:%M", &tm);
		if (!r2 || *r2)
			return -1;
	}
	tm.tm_isdst = -1;
	*ms = (long long)mktime(&tm) * 1000;
	return 0;
}

static int run_show(struct vg_cli *cli, const struct vg_cli_command *cmd, int argc, char **argv)
{
	json_t *args = json_object(), *r, *ev;
	size_t i;
	int rc;

	for (int a = 0; a < argc; a++) {
		const char *opt = argv[a];
		char *end;

		if (strcmp(opt, "--json") == 0) {
			cli->json = true;
			continue;
		}
		if (a + 1 >= argc || (strcmp(opt, "--type") && strcmp(opt, "--limit") && strcmp(opt, "--since") &&
				      strcmp(opt, "--grep"))) {
			json_decref(args);
			return vg_cli_usage(cmd, _("unknown option \"%s\""), opt);
		}
		if (strcmp(opt, "--type") == 0) {
			json_object_set_new(args, "type", json_string(argv[++a]));
		} else if (strcmp(opt, "--limit") == 0) {
			long limit = strtol(argv[++a], &end, 10);

			if (*end || limit <= 0 || limit > 10000) {
				json_decref(args);
				return vg_cli_usage(cmd, _("--limit takes a number from 1 to 10000"));
			}
			json_object_set_new(args, "limit", json_integer(limit));
		} else if (strcmp(opt, "--since") == 0) {
			long long ms;

			if (parse_since(argv[++a], &ms) < 0) {
				json_decref(args);
				return vg_cli_usage(cmd, _("--since takes a duration (30s, 10m, 2h, 7d) or a date (YYYY-MM-DD [HH:MM[:SS]]), not \"%s\""),
						    argv[a]);
			}
			json_object_set_new(args, "since", json_integer(ms));
		} else {
			json_object_set_new(args, "grep", json_string(argv[++a]));
		}
	}
	if ((rc = vg_cli_call(cli, VG_CMD_TELEMETRY_SHOW, args, &r)) != VG_EXIT_OK)
		return rc;
	if (cli->json) {
		vg_cli_print_json(r);
	} else if (json_array_size(r) == 0) {
		printf("%s\n", _("No event."));
	} else {
		printf("%-23s  %-8s %-10s %7s  %s\n", _("TIME"), _("TYPE"), _("ACTIVITY"), _("PID"), _("DETAILS"));
		json_array_foreach(r, i, ev)
			print_event_line(ev);
	}
	json_decref(r);
	return VG_EXIT_OK;
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

static int run_follow(struct vg_cli *cli, const struct vg_cli_command *cmd, int argc, char **argv)
{
	struct follow_state fs = { .cli = cli };
	struct sigaction sa, old;
	struct vg_error err;
	char text[VG_ERROR_MSG_SIZE];
	json_t *r;
	int rc;

	for (int a = 0; a < argc; a++) {
		if (strcmp(argv[a], "--json") == 0)
			cli->json = true;
		else if (strcmp(argv[a], "--type") == 0 && a + 1 < argc)
			fs.type = argv[++a];
		else
			return vg_cli_usage(cmd, _("unknown option \"%s\""), argv[a]);
	}
	if (fs.type && strcmp(fs.type, "process") && strcmp(fs.type, "network") && strcmp(fs.type, "file") &&
	    strcmp(fs.type, "other"))
		return vg_cli_usage(cmd, _("unknown event type \"%s\" (process, network, file or other)"), fs.type);
	if ((rc = vg_cli_call(cli, VG_CMD_TELEMETRY_FOLLOW, NULL, &r)) != VG_EXIT_OK)
		return rc;
	json_decref(r);
	vg_client_on_stream(cli->client, on_stream, &fs);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	follow_interrupted = 0;
	sigaction(SIGINT, &sa, &old);
	if (!cli->json)
		fprintf(stderr, "%s\n", _("Following new events; Ctrl-C stops."));
	rc = VG_EXIT_OK;
	while (!follow_interrupted) {
		struct pollfd p = { .fd = vg_client_fd(cli->client), .events = POLLIN };
		int n = poll(&p, 1, FOLLOW_POLL_MS);

		if (n < 0 && errno != EINTR) {
			rc = VG_EXIT_FAILED;
			break;
		}
		if (n > 0 && vg_client_process(cli->client, &err) < 0) {
			fprintf(stderr, "vigilctl: %s\n", vg_error_text(&err, text, sizeof(text)));
			rc = VG_EXIT_UNREACHABLE;
			break;
		}
	}
	sigaction(SIGINT, &old, NULL);
	/* The subscription ends with the connection; the next command opens a fresh one. */
	vg_client_close(cli->client);
	cli->client = NULL;
	return rc;
}

static void print_counter(const char *label, json_t *obj, const char *key)
{
	printf("  %-28s %lld\n", label, (long long)json_integer_value(json_object_get(obj, key)));
}

static int run_stats(struct vg_cli *cli, const struct vg_cli_command *cmd, int argc, char **argv)
{
	json_t *r, *rates, *counts, *audit, *sensor, *spool;
	char when[64];
	int rc;

	(void)cmd;
	(void)argc;
	(void)argv;
	if ((rc = vg_cli_call(cli, VG_CMD_TELEMETRY_STATS, NULL, &r)) != VG_EXIT_OK)
		return rc;
	if (vg_cli_json_done(cli, r))
		return VG_EXIT_OK;
	rates = json_object_get(r, "rates_per_s");
	counts = json_object_get(r, "events");
	audit = json_object_get(r, "audit");
	sensor = json_object_get(r, "sensor");
	spool = json_object_get(r, "spool");
	printf("%s\n", _("Events since the agent started (rate over the last minute):"));
	for (int t = 0; t < 3; t++) {
		static const char *const types[] = { "process", "network", "file" };

		printf("  %-28s %lld  (%.2f/s)\n", types[t], (long long)json_integer_value(json_object_get(counts, types[t])),
		       json_real_value(json_object_get(rates, types[t])));
	}
	printf("%s\n", _("Losses:"));
	print_counter(_("kernel (sensor lost):"), r, "kernel_lost");
	print_counter(_("audit socket overruns:"), audit, "socket_overruns");
	print_counter(_("agent queues full:"), r, "queue_dropped");
	print_counter(_("spool full (oldest dropped):"), spool, "dropped");
	print_counter(_("excluded by rules:"), r, "excluded");
	printf("%s\n", _("Spool:"));
	print_counter(_("events stored:"), spool, "events");
	print_counter(_("events not yet sent:"), spool, "pending");
	printf("  %-28s %.1f MiB\n", _("size:"), (double)json_integer_value(json_object_get(spool, "bytes")) / 1048576.0);
	if (json_integer_value(json_object_get(spool, "oldest")) > 0) {
		vg_cli_format_time(json_integer_value(json_object_get(spool, "oldest")) / 1000, when, sizeof(when));
		printf("  %-28s %s\n", _("oldest event:"), when);
	}
	printf("%s\n", _("Sensor:"));
	printf("  %-28s %s (%s)\n", _("processes and network:"), str(sensor, "running"), str(sensor, "reason"));
	if (strcmp(str(sensor, "running"), "audit") == 0)
		printf("  %-28s %s%s\n", _("audit mode:"), str(audit, "mode"),
		       json_is_true(json_object_get(audit, "immutable")) ? _(" (immutable configuration)") : "");
	json_decref(r);
	return VG_EXIT_OK;
}

static const struct {
	const char *option, *key;
} exclusion_options[] = {
	{ "--exe", "exe" },           { "--cmdline", "cmdline" },         { "--user", "user" },
	{ "--sha256", "sha256" },     { "--type", "type" },               { "--remote-ip", "remote_ip" },
	{ "--remote-port", "remote_port" }, { "--path-prefix", "path_prefix" }, { "--comment", "comment" },
};

static int run_exclusion_add(struct vg_cli *cli, const struct vg_cli_command *cmd, int argc, char **argv)
{
	json_t *args = json_object(), *r;
	int rc;

	for (int a = 0; a < argc; a++) {
		size_t k, n = sizeof(exclusion_options) / sizeof(exclusion_options[0]);

		for (k = 0; k < n; k++)
			if (strcmp(argv[a], exclusion_options[k].option) == 0)
				break;
		if (k == n || a + 1 >= argc) {
			json_decref(args);
			return vg_cli_usage(cmd, _("unknown option \"%s\""), argv[a]);
		}
		a++;
		if (strcmp(exclusion_options[k].key, "remote_port") == 0) {
			char *end;
			long port = strtol(argv[a], &end, 10);

			if (*end || port < 1 || port > 65535) {
				json_decref(args);
				return vg_cli_usage(cmd, _("--remote-port takes a number from 1 to 65535"));
			}
			json_object_set_new(args, "remote_port", json_integer(port));
		} else {
			json_object_set_new(args, exclusion_options[k].key, json_string(argv[a]));
		}
	}
	if ((rc = vg_cli_call(cli, VG_CMD_TELEMETRY_EXCLUSION_ADD, args, &r)) != VG_EXIT_OK)
		return rc;
	if (cli->json) {
		vg_cli_print_json(r);
	} else {
		char id[32];

		snprintf(id, sizeof(id), "%lld", (long long)json_integer_value(json_object_get(r, "id")));
		printf(_("Exclusion %s added.\n"), id);
	}
	json_decref(r);
	return VG_EXIT_OK;
}

static int run_exclusion_remove(struct vg_cli *cli, const struct vg_cli_command *cmd, int argc, char **argv)
{
	char *end;
	long long id = strtoll(argv[0], &end, 10);
	json_t *r;
	int rc;

	(void)argc;
	if (*end || id <= 0)
		return vg_cli_usage(cmd, _("\"%s\" is not an exclusion number"), argv[0]);
	if ((rc = vg_cli_call(cli, VG_CMD_TELEMETRY_EXCLUSION_REMOVE, json_pack("{s:I}", "id", (json_int_t)id), &r)) !=
	    VG_EXIT_OK)
		return rc;
	if (cli->json)
		vg_cli_print_json(r);
	else
		printf(_("Exclusion %s removed.\n"), argv[0]);
	json_decref(r);
	return VG_EXIT_OK;
}

static int run_exclusion_list(struct vg_cli *cli, const struct vg_cli_command *cmd, int argc, char **argv)
{
	json_t *r, *x;
	size_t i;
	int rc;

	(void)cmd;
	(void)argc;
	(void)argv;
	if ((rc = vg_cli_call(cli, VG_CMD_TELEMETRY_EXCLUSION_LIST, NULL, &r)) != VG_EXIT_OK)
		return rc;
	if (vg_cli_json_done(cli, r))
		return VG_EXIT_OK;
	if (json_array_size(r) == 0)
		printf("%s\n", _("No telemetry exclusion."));
	json_array_foreach(r, i, x) {
		printf("%4lld ", (long long)json_integer_value(json_object_get(x, "id")));
		for (size_t k = 0; k < sizeof(exclusion_options) / sizeof(exclusion_options[0]); k++) {
			json_t *v = json_object_get(x, exclusion_options[k].key);

			if (json_is_integer(v))
				printf(" %s %lld", exclusion_options[k].option, (long long)json_integer_value(v));
			else if (json_is_string(v))
				printf(" %s '%s'", exclusion_options[k].option, json_string_value(v));
		}
		printf("\n");
	}
	json_decref(r);
	return VG_EXIT_OK;
}

const struct vg_cli_command vg_cli_cmds_telemetry[] = {
	{ "telemetry show", "[--type process|network|file|other] [--limit N] [--since TIME] [--grep TEXT] [--json]",
	  N_("Show stored events, newest last"),
	  N_("TIME is a duration back from now (30s, 10m, 2h, 7d) or a local date (YYYY-MM-DD [HH:MM[:SS]]).\n"
	     "--grep keeps the events whose JSON text contains TEXT; --json prints them as OCSF JSON."),
	  VG_CMD_TELEMETRY_SHOW, 0, 0, 9, NULL, run_show },
	{ "telemetry follow", "[--type process|network|file|other] [--json]", N_("Show new events as they come, until Ctrl-C"),
	  NULL, VG_CMD_TELEMETRY_FOLLOW, 0, 0, 3, NULL, run_follow },
	{ "telemetry stats", "", N_("Show event rates, losses and the spool's size"), NULL, VG_CMD_TELEMETRY_STATS, 0, 0, 0,
	  NULL, run_stats },
	{ "telemetry exclusion add",
	  "[--exe GLOB] [--cmdline GLOB] [--user USER] [--sha256 HASH] [--type TYPE] [--remote-ip IP] "
	  "[--remote-port PORT] [--path-prefix PATH] [--comment TEXT]",
	  N_("Stop storing the events that match every condition given"),
	  N_("Globs follow the shell's rules (* ? [...]); --remote-ip and --remote-port apply to network\n"
	     "events, --path-prefix to file events.  Excluded events are never stored."),
	  VG_CMD_TELEMETRY_EXCLUSION_ADD, 0, 2, 18, NULL, run_exclusion_add },
	{ "telemetry exclusion remove", "ID", N_("Remove a telemetry exclusion"), NULL, VG_CMD_TELEMETRY_EXCLUSION_REMOVE, 0,
	  1, 1, NULL, run_exclusion_remove },
	{ "telemetry exclusion list", "", N_("List the telemetry exclusions"), NULL, VG_CMD_TELEMETRY_EXCLUSION_LIST, 0, 0,
	  0, NULL, run_exclusion_list },
	{ NULL },
};
