/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The export commands: each sink's state, and a test event through the sinks. */
#include "config.h"

#include <stdio.h>

#include "cli.h"
#include "nls.h"
#include "present.h"

static int run_export_status(struct vg_cli *cli, const struct vg_cli_args *args)
{
	enum vg_level level;
	json_t *r, *s;
	size_t i;
	int rc;

	(void)args;
	if ((rc = vg_cli_call(cli, VG_CMD_EXPORT_STATUS, NULL, &r)) != VG_EXIT_OK)
		return rc;
	if (vg_cli_json_done(cli, r))
		return VG_EXIT_OK;
	json_array_foreach(json_object_get(r, "sinks"), i, s) {
		const char *err = json_string_value(json_object_get(s, "last_error"));

		if (!json_is_true(json_object_get(s, "enabled"))) {
			printf("%-12s %s\n", vg_present_sink_label(json_string_value(json_object_get(s, "name"))), _("off"));
			continue;
		}
		printf(_("%-12s %s, %s: %lld delivered, %lld lost, position %lld\n"),
		       vg_present_sink_label(json_string_value(json_object_get(s, "name"))),
		       json_string_value(json_object_get(s, "target")),
		       vg_present_sink_state(json_string_value(json_object_get(s, "state")), &level),
		       (long long)json_integer_value(json_object_get(s, "delivered")),
		       (long long)json_integer_value(json_object_get(s, "lost")),
		       (long long)json_integer_value(json_object_get(s, "position")));
		if (err)
			printf(_("             last error: %s\n"), err);
	}
	if (json_integer_value(json_object_get(r, "heartbeat_period")) > 0)
		printf(_("Heartbeat every %lld s\n"), (long long)json_integer_value(json_object_get(r, "heartbeat_period")));
	else
		printf("%s\n", _("No heartbeat"));
	json_decref(r);
	return VG_EXIT_OK;
}

static int run_export_test(struct vg_cli *cli, const struct vg_cli_args *args)
{
	json_t *r, *s;
	size_t i;
	int rc;

	rc = vg_cli_call(cli, VG_CMD_EXPORT_TEST,
			 vg_cli_arg_count(args) ? json_pack("{s:s}", "sink", vg_cli_arg_str(args, 0)) : NULL, &r);
	if (rc != VG_EXIT_OK)
		return rc;
	json_array_foreach(r, i, s) {
		if (!json_is_true(json_object_get(s, "ok")))
			rc = VG_EXIT_FAILED;
		if (cli->json)
			continue;
		if (json_is_true(json_object_get(s, "ok")))
			printf(_("%-12s ok: the receiver has the test event\n"),
			       vg_present_sink_label(json_string_value(json_object_get(s, "sink"))));
		else
			printf(_("%-12s FAILED: %s\n"), vg_present_sink_label(json_string_value(json_object_get(s, "sink"))),
			       json_string_value(json_object_get(s, "error")));
	}
	if (cli->json)
		vg_cli_print_json(cli, r);
	json_decref(r);
	return rc;
}

const struct vg_cli_command vg_cli_cmds_export[] = {
	{ .name = "export status", .help = N_("Show each event export: receiver, state, deliveries, losses"),
	  .proto = VG_CMD_EXPORT_STATUS, .run = run_export_status },
	{ .name = "export test", .help = N_("Send a test event through the exports that are on, and wait for each receiver"),
	  .details = N_("Every sink that is on when none is named.  The test event goes past the spool: it is\n"
			"not sent again and moves no position."),
	  .proto = VG_CMD_EXPORT_TEST,
	  .operands = (const struct vg_cli_spec[]){
		  { .name = "SINK", .type = VG_CLI_ENUM, .words = (const char *const[]){ "jsonl", "syslog", "relp", NULL },
		    .max_count = 1 },
		  { NULL } },
	  .run = run_export_test },
	{ NULL },
};
