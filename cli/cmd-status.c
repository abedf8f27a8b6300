/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "nls.h"

static const struct {
	const char *key;
	const char *label;
} section_labels[] = {
	{ "telemetry", N_("Telemetry") },
	{ "link", N_("Server link") },
	{ "isolation", N_("Isolation") },
	{ "tasks", N_("Tasks") },
	{ "ioc", N_("IOC scans") },
	{ "export", N_("Exports") },
};

static void print_section(const char *label, json_t *sec)
{
	const char *key;
	json_t *value;

	if (!json_is_true(json_object_get(sec, "available"))) {
		printf("%s: %s\n", _(label), _("not available in this version"));
		return;
	}
	printf("%s:\n", _(label));
	json_object_foreach(sec, key, value) {
		char *text;

		if (strcmp(key, "available") == 0)
			continue;
		text = json_dumps(value, JSON_ENCODE_ANY | JSON_COMPACT);
		if (!text)
			continue;
		printf("  %-24s %s\n", key, json_is_string(value) ? json_string_value(value) : text);
		free(text);
	}
}

static int run_status(struct vg_cli *cli, const struct vg_cli_args *args)
{
	json_t *r, *sections, *ctl;
	char up[64], started[64];
	int rc;

	(void)args;
	if ((rc = vg_cli_call(cli, VG_CMD_STATUS, NULL, &r)) != VG_EXIT_OK)
		return rc;
	if (vg_cli_json_done(cli, r))
		return VG_EXIT_OK;
	vg_cli_format_duration(json_integer_value(json_object_get(r, "uptime")), up, sizeof(up));
	vg_cli_format_time(json_integer_value(json_object_get(r, "started")), started, sizeof(started));
	printf(_("Vigil agent %s\n"), json_string_value(json_object_get(r, "version")));
	printf("  %-24s %lld\n", _("PID:"), (long long)json_integer_value(json_object_get(r, "pid")));
	printf("  %-24s %s (%s)\n", _("Uptime:"), up, started);
	printf("  %-24s %s\n", _("State directory:"), json_string_value(json_object_get(r, "state_dir")));
	printf("  %-24s %s\n", _("Control socket:"), json_string_value(json_object_get(r, "socket")));
	ctl = json_object_get(r, "control");
	printf("  %-24s %lld\n", _("Control clients:"), (long long)json_integer_value(json_object_get(ctl, "clients")));
	sections = json_object_get(r, "sections");
	for (size_t i = 0; i < sizeof(section_labels) / sizeof(section_labels[0]); i++) {
		json_t *sec = json_object_get(sections, section_labels[i].key);

		if (sec)
			print_section(section_labels[i].label, sec);
	}
	json_decref(r);
	return VG_EXIT_OK;
}

const struct vg_cli_command vg_cli_cmds_status[] = {
	{ .name = "status", .help = N_("Show the agent's state, one section per subsystem"), .proto = VG_CMD_STATUS,
	  .run = run_status },
	{ NULL },
};
