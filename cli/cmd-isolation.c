/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vigilctl commands of the isolation family: on, off, status, exceptions and profiles. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "nls.h"
#include "vigil/error.h"

static void print_warnings(json_t *r)
{
	vg_cli_print_warnings(json_object_get(r, "warnings"));
}

static const struct vg_cli_column exception_columns[] = {
	{ "id", N_("ID"), true },
	{ "direction", N_("DIR"), false },
	{ "protocol", N_("PROTO"), false },
	{ "remote", N_("REMOTE"), false },
	{ "local_port", N_("LOCAL PORT"), false },
	{ "remote_port", N_("REMOTE PORT"), false },
	{ "comment", N_("COMMENT"), false },
	{ NULL, NULL, false },
};

static const struct vg_cli_column exception_csv_columns[] = {
	{ "id", NULL, false },          { "direction", NULL, false },   { "protocol", NULL, false },
	{ "remote", NULL, false },      { "local_port", NULL, false },  { "remote_port", NULL, false },
	{ "comment", NULL, false },     { "created", NULL, false },     { NULL, NULL, false },
};

/* A cell of an exception: what is not restricted reads "any" in the table, empty in CSV. */
static void exception_cell(json_t *e, int col, bool csv, char *buf, size_t size)
{
	const char *key = (csv ? exception_csv_columns : exception_columns)[col].key;
	json_t *v = json_object_get(e, key);

	if (json_is_integer(v))
		snprintf(buf, size, "%lld", (long long)json_integer_value(v));
	else if (json_is_string(v))
		snprintf(buf, size, "%s", json_string_value(v));
	else
		snprintf(buf, size, "%s", csv || strcmp(key, "comment") == 0 ? "" : _("any"));
}

static const struct vg_cli_list exception_list = {
	.columns = exception_columns, .csv_columns = exception_csv_columns, .cell = exception_cell,
	.empty = N_("No isolation exception."),
};

/* The state in the words of "vigilctl status" (common/present-status.c): never an epoch date
 * for an agent that was never isolated. */
static void print_state(struct vg_cli *cli, const struct vg_cli_args *args, json_t *r, bool full)
{
	json_t *check = json_object_get(r, "check");
	struct vg_present_part *p = calloc(1, sizeof(*p));
	if (!p)
		return;
	vg_present_section("isolation", _("Isolation"), r, (int64_t)time(NULL), p);
	if (p->summary[0])
		printf(_("Isolation: %s, %s\n"), p->state, p->summary);
	else
		printf(_("Isolation: %s\n"), p->state);
	if (full && check && p->nitems < VG_PRESENT_MAX_ITEMS) {
		struct vg_present_item *it = &p->items[p->nitems++];

		snprintf(it->label, sizeof(it->label), "%s", _("Rules check"));
		if (json_object_get(check, "error"))
			snprintf(it->value, sizeof(it->value), _("cannot read the kernel's rules: %s"),
				 json_string_value(json_object_get(check, "error")));
		else if (json_is_true(json_object_get(check, "ok")))
			snprintf(it->value, sizeof(it->value),
				 P_("the kernel holds what the agent meant (%lld rule)",
				    "the kernel holds what the agent meant (%lld rules)",
				    (unsigned long)json_integer_value(json_object_get(check, "rules_in_kernel"))),
				 (long long)json_integer_value(json_object_get(check, "rules_in_kernel")));
		else
			snprintf(it->value, sizeof(it->value),
				 P_("MISMATCH: %lld rule in the kernel, %lld expected",
				    "MISMATCH: %lld rules in the kernel, %lld expected",
				    (unsigned long)json_integer_value(json_object_get(check, "rules_in_kernel"))),
				 (long long)json_integer_value(json_object_get(check, "rules_in_kernel")),
				 (long long)json_integer_value(json_object_get(check, "rules_expected")));
	}
	vg_cli_print_items(stdout, p->items, p->nitems, 2, vg_cli_width(stdout));
	free(p);
	if (!full)
		return;
	printf("\n");
	vg_cli_print_list(cli, args, json_object_get(r, "exceptions"), NULL, &exception_list);
}

static int run_on(struct vg_cli *cli, const struct vg_cli_args *args)
{
	json_t *req = json_object(), *r;
	long long n;
	int rc;

	if (vg_cli_opt_num(args, "for", &n))
		json_object_set_new(req, "duration_seconds", json_integer(n));
	if (vg_cli_opt_num(args, "duration", &n))
		json_object_set_new(req, "duration_seconds", json_integer(n * 3600));
	if (vg_cli_opt_str(args, "reason"))
		json_object_set_new(req, "reason", json_string(vg_cli_opt_str(args, "reason")));
	if ((rc = vg_cli_call(cli, VG_CMD_ISOLATION_ON, req, &r)) != VG_EXIT_OK)
		return rc;
	print_warnings(r);
	if (cli->json)
		vg_cli_print_json(cli, r);
	else
		print_state(cli, args, r, false);
	json_decref(r);
	return VG_EXIT_OK;
}

static int run_simple(struct vg_cli *cli, const struct vg_cli_args *args, enum vg_cmd proto, bool full)
{
	json_t *r;
	int rc;

	if ((rc = vg_cli_call(cli, proto, NULL, &r)) != VG_EXIT_OK)
		return rc;
	if (cli->json)
		vg_cli_print_json(cli, r);
	else
		print_state(cli, args, r, full);
	json_decref(r);
	return VG_EXIT_OK;
}

static int run_off(struct vg_cli *cli, const struct vg_cli_args *args)
{
	return run_simple(cli, args, VG_CMD_ISOLATION_OFF, false);
}

static int run_status(struct vg_cli *cli, const struct vg_cli_args *args)
{
	return run_simple(cli, args, VG_CMD_ISOLATION_STATUS, true);
}

static int run_exception_add(struct vg_cli *cli, const struct vg_cli_args *args)
{
	json_t *req = json_object(), *r;
	int rc;

	vg_cli_opts_to_json(args, req, "direction", "protocol", "remote", "remote-port", "local-port", "comment", NULL);
	if ((rc = vg_cli_call(cli, VG_CMD_ISOLATION_EXCEPTION_ADD, req, &r)) != VG_EXIT_OK)
		return rc;
	print_warnings(r);
	if (cli->json)
		vg_cli_print_json(cli, r);
	else if (json_object_get(r, "state"))
		printf(_("Exception %lld added and applied.\n"),
		       (long long)json_integer_value(json_object_get(json_object_get(r, "exception"), "id")));
	else
		printf(_("Exception %lld added.\n"), (long long)json_integer_value(json_object_get(r, "id")));
	json_decref(r);
	return VG_EXIT_OK;
}

static int run_exception_remove(struct vg_cli *cli, const struct vg_cli_args *args)
{
	long long id = vg_cli_arg_num(args, 0);
	json_t *r;
	int rc;

	if ((rc = vg_cli_call(cli, VG_CMD_ISOLATION_EXCEPTION_REMOVE, json_pack("{s:I}", "id", (json_int_t)id), &r)) !=
	    VG_EXIT_OK)
		return rc;
	if (cli->json)
		vg_cli_print_json(cli, r);
	else
		printf(_("Exception %lld removed.\n"), id);
	json_decref(r);
	return VG_EXIT_OK;
}

/* The most exceptions the agent gives in one answer (isolation.exception.list's limit). */
#define EXCEPTION_PAGE 5000

static int run_exception_list(struct vg_cli *cli, const struct vg_cli_args *args)
{
	json_t *all = json_array(), *page;
	size_t n;
	int rc;

	if (!all)
		return VG_EXIT_FAILED;
	/* Every page, until one is not full: a list is whole, however long. */
	do {
		json_t *req = json_pack("{s:I, s:i}", "offset", (json_int_t)json_array_size(all), "limit", EXCEPTION_PAGE);

		if ((rc = vg_cli_call(cli, VG_CMD_ISOLATION_EXCEPTION_LIST, req, &page)) != VG_EXIT_OK) {
			json_decref(all);
			return rc;
		}
		n = json_array_size(page);
		json_array_extend(all, page);
		json_decref(page);
	} while (n == EXCEPTION_PAGE);
	/* In the order they were added (their ids), as the agent gives them. */
	rc = vg_cli_print_list(cli, args, all, NULL, &exception_list);
	json_decref(all);
	return rc;
}

static const struct vg_cli_column profile_columns[] = {
	{ "name", N_("PROFILE"), false },
	{ "enabled", N_("STATE"), false },
	{ NULL, NULL, false },
};

/* A profile's cell: its state a word in the table, true or false in CSV. */
static void profile_cell(json_t *p, int col, bool csv, char *buf, size_t size)
{
	bool on = json_is_true(json_object_get(p, "enabled"));

	if (col == 0)
		snprintf(buf, size, "%s", json_string_value(json_object_get(p, "name")) ?: "");
	else
		snprintf(buf, size, "%s", csv ? (on ? "true" : "false") : on ? _("enabled") : _("disabled"));
}

static const struct vg_cli_list profile_list = {
	.columns = profile_columns, .cell = profile_cell, .empty = N_("No isolation profile."),
};

static int run_profile_list(struct vg_cli *cli, const struct vg_cli_args *args)
{
	json_t *r;
	int rc;

	if ((rc = vg_cli_call(cli, VG_CMD_ISOLATION_PROFILE_LIST, NULL, &r)) != VG_EXIT_OK)
		return rc;
	/* In the agent's order (a fixed one). */
	rc = vg_cli_print_list(cli, args, r, NULL, &profile_list);
	json_decref(r);
	return rc;
}

static int run_profile_set(struct vg_cli *cli, const struct vg_cli_args *args)
{
	bool enable = strcmp(args->cmd->name, "isolation profile enable") == 0;
	const char *name = vg_cli_arg_str(args, 0);
	json_t *r;
	int rc;

	if ((rc = vg_cli_call(cli, VG_CMD_ISOLATION_PROFILE_SET, json_pack("{s:s, s:b}", "name", name, "enabled", enable),
			      &r)) != VG_EXIT_OK)
		return rc;
	if (cli->json)
		vg_cli_print_json(cli, r);
	else
		printf(enable ? _("Profile %s enabled.\n") : _("Profile %s disabled.\n"), name);
	json_decref(r);
	return VG_EXIT_OK;
}

static const char *const directions[] = { "in", "out", "both", NULL };
static const char *const protocols[] = { "tcp", "udp", "icmp", "icmpv6", "any", NULL };

static const struct vg_cli_spec profile[] = {
	{ .name = "PROFILE", .type = VG_CLI_ENUM, .words = (const char *const[]){ "dhcp", "dns", "ipv6-nd", NULL },
	  .min_count = 1, .max_count = 1 },
	{ NULL },
};

static const struct vg_cli_spec exception_id[] = {
	{ .name = "ID", .type = VG_CLI_INT, .min = 1, .source = VG_CLI_SRC_EXCEPTIONS, .min_count = 1, .max_count = 1 },
	{ NULL },
};

const struct vg_cli_command vg_cli_cmds_isolation[] = {
	{ .name = "isolation on", .help = N_("Cut the host off the network, except what is allowed"),
	  .details = N_("Allowed while isolated: loopback, the central servers, the exceptions and the enabled profiles.\n"
			"--for takes hours (12) or a number with s, m, h or d (90m, 2d), from 1 h to 9999 h;\n"
			"--duration HOURS is the same in hours.  Without either, isolation.auto_release_hours applies.\n"
			"Warnings say what the isolation would cut that the agent needs (proxy, resolvers)."),
	  .proto = VG_CMD_ISOLATION_ON,
	  .options = (const struct vg_cli_spec[]){
		  { .name = "for", .type = VG_CLI_DURATION, .unit = 3600, .group = 1,
		    .help = N_("release by itself after DURATION (a bare number counts hours)") },
		  { .name = "duration", .type = VG_CLI_INT, .metavar = "HOURS", .min = 1, .group = 1,
		    .help = N_("release by itself after HOURS hours") },
		  { .name = "reason", .type = VG_CLI_STRING, .help = N_("why, kept with the state") },
		  { NULL } },
	  .run = run_on },
	{ .name = "isolation off", .help = N_("End the network isolation"), .proto = VG_CMD_ISOLATION_OFF,
	  .run = run_off },
	{ .name = "isolation status", .help = N_("Show the isolation state, its exceptions and the rules' check"),
	  .details = N_("The rules' check compares the table in the kernel with what the agent meant.\n"
			"With --json, \"state\" is \"on\" or \"off\"."),
	  .proto = VG_CMD_ISOLATION_STATUS, .run = run_status },
	{ .name = "isolation exception add", .help = N_("Allow a flow while isolated"),
	  .details = N_("--direction says who may open the flow: out (this host), in (the remote end) or both\n"
			"(the default); the answers of an allowed flow always pass.  Addresses are IPv4 or IPv6,\n"
			"with an optional prefix.  Ports need tcp, udp or sctp; invalid combinations are refused."),
	  .proto = VG_CMD_ISOLATION_EXCEPTION_ADD,
	  .options = (const struct vg_cli_spec[]){
		  { .name = "direction", .type = VG_CLI_ENUM, .words = directions,
		    .help = N_("who may open the flow (default both)") },
		  { .name = "protocol", .type = VG_CLI_STRING, .metavar = "tcp|udp|icmp|icmpv6|any|NUM", .words = protocols,
		    .help = N_("the protocol, by name or number (default any)") },
		  { .name = "remote", .type = VG_CLI_STRING, .metavar = "ADDR[/PREFIX]",
		    .help = N_("the address or network at the other end") },
		  { .name = "remote-port", .type = VG_CLI_STRING, .metavar = "N[-M]",
		    .help = N_("the port or port range at the other end") },
		  { .name = "local-port", .type = VG_CLI_STRING, .metavar = "N[-M]",
		    .help = N_("the port or port range on this host") },
		  { .name = "comment", .type = VG_CLI_STRING, .help = N_("why (kept with the exception)") },
		  { NULL } },
	  .run = run_exception_add },
	{ .name = "isolation exception remove", .help = N_("Remove an isolation exception"),
	  .proto = VG_CMD_ISOLATION_EXCEPTION_REMOVE, .operands = exception_id, .run = run_exception_remove },
	{ .name = "isolation exception list", .help = N_("List the isolation exceptions"),
	  .proto = VG_CMD_ISOLATION_EXCEPTION_LIST,
	  .options = (const struct vg_cli_spec[]){ VG_CLI_OPT_LIST_FORMAT, { NULL } }, .run = run_exception_list },
	{ .name = "isolation profile list", .help = N_("Show which predefined profiles are enabled"),
	  .proto = VG_CMD_ISOLATION_PROFILE_LIST,
	  .options = (const struct vg_cli_spec[]){ VG_CLI_OPT_LIST_FORMAT, { NULL } }, .run = run_profile_list },
	{ .name = "isolation profile enable", .help = N_("Allow a predefined profile while isolated"),
	  .proto = VG_CMD_ISOLATION_PROFILE_SET, .operands = profile, .run = run_profile_set },
	{ .name = "isolation profile disable", .help = N_("Stop allowing a predefined profile while isolated"),
	  .proto = VG_CMD_ISOLATION_PROFILE_SET, .operands = profile, .run = run_profile_set },
	{ NULL },
};
