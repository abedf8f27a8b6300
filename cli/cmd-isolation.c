/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vigilctl commands of the isolation family: on, off, status, exceptions and profiles. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "nls.h"
#include "vigil/error.h"

/* "12" (hours), "90m", "2h", "3d", "30s": seconds, or -1. */
static long long parse_duration(const char *text, bool hours_only)
{
	char *end;
	long long n;

	if (!isdigit((unsigned char)*text))
		return -1;
	errno = 0;
	n = strtoll(text, &end, 10);
	if (errno || n < 0 || n > 100000000)
		return -1;
	if (!*end)
		return n * 3600;
	if (hours_only || end[1])
		return -1;
	switch (*end) {
	case 's':
		return n;
	case 'm':
		return n * 60;
	case 'h':
		return n * 3600;
	case 'd':
		return n * 86400;
	default:
		return -1;
	}
}

static void print_warnings(json_t *r)
{
	json_t *w, *list = json_object_get(r, "warnings");
	size_t i;

	json_array_foreach(list, i, w) {
		struct vg_error err = { 0 };
		const char *msgid = json_string_value(json_object_get(w, "msgid"));
		json_t *args = json_object_get(w, "args"), *a;
		size_t k;
		char text[VG_ERROR_MSG_SIZE];

		/* Shown in the user's language, from the message id and its arguments. */
		if (!msgid)
			continue;
		snprintf(err.msgid, sizeof(err.msgid), "%s", msgid);
		json_array_foreach(args, k, a)
			if (k < VG_ERROR_MAX_ARGS && json_is_string(a))
				snprintf(err.args[err.nargs++], VG_ERROR_ARG_SIZE, "%s", json_string_value(a));
		snprintf(err.message, sizeof(err.message), "%s", json_string_value(json_object_get(w, "message")));
		fprintf(stderr, _("warning: %s\n"), vg_error_text(&err, text, sizeof(text)));
	}
}

static void print_exception(json_t *e)
{
	const char *remote = json_string_value(json_object_get(e, "remote"));
	const char *lp = json_string_value(json_object_get(e, "local_port"));
	const char *rp = json_string_value(json_object_get(e, "remote_port"));
	const char *comment = json_string_value(json_object_get(e, "comment"));

	printf("%4lld  %-4s  %-6s  %-24s  %-11s  %-11s  %s\n", (long long)json_integer_value(json_object_get(e, "id")),
	       json_string_value(json_object_get(e, "direction")), json_string_value(json_object_get(e, "protocol")),
	       remote ? remote : _("any"), lp ? lp : _("any"), rp ? rp : _("any"), comment ? comment : "");
}

static void print_exceptions(json_t *list)
{
	json_t *e;
	size_t i;

	if (json_array_size(list) == 0) {
		printf("%s\n", _("No isolation exception."));
		return;
	}
	printf("%4s  %-4s  %-6s  %-24s  %-11s  %-11s  %s\n", _("ID"), _("DIR"), _("PROTO"), _("REMOTE"), _("LOCAL PORT"),
	       _("REMOTE PORT"), _("COMMENT"));
	json_array_foreach(list, i, e)
		print_exception(e);
}

static void print_state(json_t *r, bool full)
{
	bool on = strcmp(json_string_value(json_object_get(r, "state")) ?: "", "on") == 0;
	json_t *until = json_object_get(r, "until"), *check = json_object_get(r, "check");
	const char *reason = json_string_value(json_object_get(r, "reason"));
	long long who = json_integer_value(json_object_get(r, "who"));
	char since[64], when[64];

	vg_cli_format_time(json_integer_value(json_object_get(r, "since")), since, sizeof(since));
	printf(on ? _("Isolation: on since %s\n") : _("Isolation: off since %s\n"), since);
	if (on && json_is_integer(until)) {
		vg_cli_format_time(json_integer_value(until), when, sizeof(when));
		printf(_("  Auto-release:  %s\n"), when);
	} else if (on) {
		printf(_("  Auto-release:  %s\n"), _("never"));
	}
	if (reason && *reason)
		printf(_("  Reason:        %s\n"), reason);
	if (who >= 0) {
		struct passwd *pw = getpwuid((uid_t)who);

		printf(_("  By:            %s (uid %lld)\n"), pw ? pw->pw_name : "?", who);
	}
	if (json_is_true(json_object_get(r, "applying")))
		printf("  %s\n", _("Applying the rules..."));
	if (json_object_get(r, "last_error"))
		printf(_("  Last error:    %s\n"), json_string_value(json_object_get(r, "last_error")));
	if (!full)
		return;
	if (check) {
		if (json_object_get(check, "error"))
			printf(_("  Rules check:   cannot read the kernel's rules: %s\n"),
			       json_string_value(json_object_get(check, "error")));
		else if (json_is_true(json_object_get(check, "ok")))
			printf(_("  Rules check:   the kernel holds what the agent meant (%lld rules)\n"),
			       (long long)json_integer_value(json_object_get(check, "rules_in_kernel")));
		else
			printf(_("  Rules check:   MISMATCH: %lld rules in the kernel, %lld expected\n"),
			       (long long)json_integer_value(json_object_get(check, "rules_in_kernel")),
			       (long long)json_integer_value(json_object_get(check, "rules_expected")));
	}
	printf("\n");
	print_exceptions(json_object_get(r, "exceptions"));
}

static int run_on(struct vg_cli *cli, const struct vg_cli_command *cmd, int argc, char **argv)
{
	json_t *args = json_object(), *r;
	int rc;

	for (int i = 0; i < argc; i++) {
		bool is_for = strcmp(argv[i], "--for") == 0, is_hours = strcmp(argv[i], "--duration") == 0;

		if ((is_for || is_hours) && i + 1 < argc) {
			long long s = parse_duration(argv[++i], is_hours);

			if (s < 0) {
				json_decref(args);
				return vg_cli_usage(cmd, _("the duration \"%s\" is not valid (hours, or a number with s, m, h or d)"),
						    argv[i]);
			}
			json_object_set_new(args, "duration_seconds", json_integer(s));
		} else if (strcmp(argv[i], "--reason") == 0 && i + 1 < argc) {
			json_object_set_new(args, "reason", json_string(argv[++i]));
		} else {
			json_decref(args);
			return vg_cli_usage(cmd, _("unknown option \"%s\""), argv[i]);
		}
	}
	if ((rc = vg_cli_call(cli, VG_CMD_ISOLATION_ON, args, &r)) != VG_EXIT_OK)
		return rc;
	print_warnings(r);
	if (cli->json)
		vg_cli_print_json(r);
	else
		print_state(r, false);
	json_decref(r);
	return VG_EXIT_OK;
}

static int run_simple(struct vg_cli *cli, enum vg_cmd proto, json_t *args, bool full)
{
	json_t *r;
	int rc;

	if ((rc = vg_cli_call(cli, proto, args, &r)) != VG_EXIT_OK)
		return rc;
	if (cli->json)
		vg_cli_print_json(r);
	else
		print_state(r, full);
	json_decref(r);
	return VG_EXIT_OK;
}

static int run_off(struct vg_cli *cli, const struct vg_cli_command *cmd, int argc, char **argv)
{
	(void)cmd;
	(void)argc;
	(void)argv;
	return run_simple(cli, VG_CMD_ISOLATION_OFF, NULL, false);
}

static int run_status(struct vg_cli *cli, const struct vg_cli_command *cmd, int argc, char **argv)
{
	(void)cmd;
	(void)argc;
	(void)argv;
	return run_simple(cli, VG_CMD_ISOLATION_STATUS, NULL, true);
}

static int run_exception_add(struct vg_cli *cli, const struct vg_cli_command *cmd, int argc, char **argv)
{
	static const char *const options[][2] = {
		{ "--direction", "direction" }, { "--protocol", "protocol" }, { "--remote", "remote" },
		{ "--remote-port", "remote_port" }, { "--local-port", "local_port" }, { "--comment", "comment" },
	};
	json_t *args = json_object(), *r;
	int rc;

	for (int i = 0; i < argc; i++) {
		size_t k;

		for (k = 0; k < sizeof(options) / sizeof(options[0]); k++)
			if (strcmp(argv[i], options[k][0]) == 0)
				break;
		if (k == sizeof(options) / sizeof(options[0]) || i + 1 >= argc) {
			json_decref(args);
			return vg_cli_usage(cmd, _("unknown option \"%s\""), argv[i]);
		}
		json_object_set_new(args, options[k][1], json_string(argv[++i]));
	}
	if ((rc = vg_cli_call(cli, VG_CMD_ISOLATION_EXCEPTION_ADD, args, &r)) != VG_EXIT_OK)
		return rc;
	print_warnings(r);
	if (cli->json)
		vg_cli_print_json(r);
	else if (json_object_get(r, "state"))
		printf(_("Exception %lld added and applied.\n"),
		       (long long)json_integer_value(json_object_get(json_object_get(r, "exception"), "id")));
	else
		printf(_("Exception %lld added.\n"), (long long)json_integer_value(json_object_get(r, "id")));
	json_decref(r);
	return VG_EXIT_OK;
}

static int run_exception_remove(struct vg_cli *cli, const struct vg_cli_command *cmd, int argc, char **argv)
{
	char *end;
	long long id;
	json_t *r;
	int rc;

	(void)argc;
	errno = 0;
	id = strtoll(argv[0], &end, 10);
	if (*end || errno || id <= 0)
		return vg_cli_usage(cmd, _("\"%s\" is not an exception number"), argv[0]);
	if ((rc = vg_cli_call(cli, VG_CMD_ISOLATION_EXCEPTION_REMOVE, json_pack("{s:I}", "id", (json_int_t)id), &r)) !=
	    VG_EXIT_OK)
		return rc;
	if (cli->json)
		vg_cli_print_json(r);
	else
		printf(_("Exception %lld removed.\n"), id);
	json_decref(r);
	return VG_EXIT_OK;
}

static int run_exception_list(struct vg_cli *cli, const struct vg_cli_command *cmd, int argc, char **argv)
{
	json_t *r;
	int rc;

	(void)cmd;
	(void)argc;
	(void)argv;
	if ((rc = vg_cli_call(cli, VG_CMD_ISOLATION_EXCEPTION_LIST, NULL, &r)) != VG_EXIT_OK)
		return rc;
	if (cli->json)
		vg_cli_print_json(r);
	else
		print_exceptions(r);
	json_decref(r);
	return VG_EXIT_OK;
}

static int print_profiles(struct vg_cli *cli, json_t *r)
{
	json_t *p;
	size_t i;

	if (cli->json) {
		vg_cli_print_json(r);
	} else {
		json_array_foreach(r, i, p)
			printf("%-8s %s\n", json_string_value(json_object_get(p, "name")),
			       json_is_true(json_object_get(p, "enabled")) ? _("enabled") : _("disabled"));
	}
	json_decref(r);
	return VG_EXIT_OK;
}

static int run_profile_list(struct vg_cli *cli, const struct vg_cli_command *cmd, int argc, char **argv)
{
	json_t *r;
	int rc;

	(void)cmd;
	(void)argc;
	(void)argv;
	if ((rc = vg_cli_call(cli, VG_CMD_ISOLATION_PROFILE_LIST, NULL, &r)) != VG_EXIT_OK)
		return rc;
	return print_profiles(cli, r);
}

static int run_profile_set(struct vg_cli *cli, const struct vg_cli_command *cmd, int argc, char **argv)
{
	bool enable = strstr(cmd->name, "enable") && !strstr(cmd->name, "disable");
	json_t *r;
	int rc;

	(void)argc;
	if ((rc = vg_cli_call(cli, VG_CMD_ISOLATION_PROFILE_SET, json_pack("{s:s, s:b}", "name", argv[0], "enabled", enable),
			      &r)) != VG_EXIT_OK)
		return rc;
	if (cli->json)
		vg_cli_print_json(r);
	else
		printf(enable ? _("Profile %s enabled.\n") : _("Profile %s disabled.\n"), argv[0]);
	json_decref(r);
	return VG_EXIT_OK;
}

static char *complete_profile(struct vg_cli *cli, const char *text, int argi, int state)
{
	static const char *const names[] = { "dhcp", "dns", "ipv6-nd" };
	static size_t next;

	if (state == 0)
		next = 0;
	while (argi == 0 && next < sizeof(names) / sizeof(names[0])) {
		const char *n = names[next++];

		if (strncmp(n, text, strlen(text)) == 0)
			return strdup(n);
	}
	return NULL;
}

const struct vg_cli_command vg_cli_cmds_isolation[] = {
	{ "isolation on", "[--for DURATION | --duration HOURS] [--reason TEXT]", N_("Cut the host off the network, except what is allowed"),
	  N_("Allowed while isolated: loopback, the central servers, the exceptions and the enabled profiles.\n"
	     "--for takes hours (12) or a number with s, m, h or d (90m, 2d), from 1 h to 9999 h;\n"
	     "--duration HOURS is the same in hours.  Without either, isolation.auto_release_hours applies.\n"
	     "Warnings say what the isolation would cut that the agent needs (proxy, resolvers)."),
	  VG_CMD_ISOLATION_ON, 0, 0, 6, NULL, run_on },
	{ "isolation off", "", N_("End the network isolation"), NULL, VG_CMD_ISOLATION_OFF, 0, 0, 0, NULL, run_off },
	{ "isolation status", "", N_("Show the isolation state, its exceptions and the rules' check"),
	  N_("The rules' check compares the table in the kernel with what the agent meant.\n"
	     "With --json, \"state\" is \"on\" or \"off\"."),
	  VG_CMD_ISOLATION_STATUS, 0, 0, 0, NULL, run_status },
	{ "isolation exception add",
	  "[--direction in|out|both] [--protocol tcp|udp|icmp|icmpv6|any|NUM] [--remote ADDR[/PREFIX]] "
	  "[--local-port N[-M]] [--remote-port N[-M]] [--comment TEXT]",
	  N_("Allow a flow while isolated"),
	  N_("--direction says who may open the flow: out (this host), in (the remote end) or both\n"
	     "(the default); the answers of an allowed flow always pass.  Addresses are IPv4 or IPv6,\n"
	     "with an optional prefix.  Ports need tcp, udp or sctp; invalid combinations are refused."),
	  VG_CMD_ISOLATION_EXCEPTION_ADD, 0, 0, 12, NULL, run_exception_add },
	{ "isolation exception remove", "ID", N_("Remove an isolation exception"), NULL, VG_CMD_ISOLATION_EXCEPTION_REMOVE,
	  0, 1, 1, NULL, run_exception_remove },
	{ "isolation exception list", "", N_("List the isolation exceptions"), NULL, VG_CMD_ISOLATION_EXCEPTION_LIST, 0, 0,
	  0, NULL, run_exception_list },
	{ "isolation profile list", "", N_("Show which predefined profiles are enabled"), NULL,
	  VG_CMD_ISOLATION_PROFILE_LIST, 0, 0, 0, NULL, run_profile_list },
	{ "isolation profile enable", "dhcp|dns|ipv6-nd", N_("Allow a predefined profile while isolated"), NULL,
	  VG_CMD_ISOLATION_PROFILE_SET, 0, 1, 1, complete_profile, run_profile_set },
	{ "isolation profile disable", "dhcp|dns|ipv6-nd", N_("Stop allowing a predefined profile while isolated"),
	  NULL, VG_CMD_ISOLATION_PROFILE_SET, 0, 1, 1, complete_profile, run_profile_set },
	{ NULL },
};
