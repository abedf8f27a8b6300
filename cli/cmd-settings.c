/* SPDX-License-Identifier: GPL-3.0-or-later */
/* settings show | set | export | import | history */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"
#include "fileio.h"
#include "nls.h"

#define MAX_SETTINGS_FILE (1024 * 1024)

static void value_text(json_t *v, char *buf, size_t size)
{
	if (json_is_array(v)) {
		size_t i, used = 0;
		json_t *item;

		buf[0] = '\0';
		json_array_foreach(v, i, item)
			used += (size_t)snprintf(buf + used, used < size ? size - used : 0, "%s%s", i ? "," : "",
						 json_string_value(item));
		if (json_array_size(v) == 0)
			snprintf(buf, size, "%s", _("(none)"));
	} else if (json_is_boolean(v)) {
		snprintf(buf, size, "%s", json_is_true(v) ? "yes" : "no");
	} else if (json_is_integer(v)) {
		snprintf(buf, size, "%lld", (long long)json_integer_value(v));
	} else {
		snprintf(buf, size, "%s", json_is_string(v) && json_string_length(v) ? json_string_value(v) : _("(none)"));
	}
}

static void print_settings_table(json_t *list)
{
	size_t i;
	json_t *s;

	json_array_foreach(list, i, s) {
		char value[4096];

		value_text(json_object_get(s, "value"), value, sizeof(value));
		printf("%-28s %s%s\n", json_string_value(json_object_get(s, "key")), value,
		       json_is_true(json_object_get(s, "changed")) ? "" : _("  (default)"));
	}
}

static void print_setting_detail(json_t *s)
{
	char value[4096], def[4096];
	const char *unit = json_string_value(json_object_get(s, "unit"));

	value_text(json_object_get(s, "value"), value, sizeof(value));
	value_text(json_object_get(s, "default"), def, sizeof(def));
	printf("%s\n", json_string_value(json_object_get(s, "key")));
	printf("  %s\n", _(json_string_value(json_object_get(s, "help"))));
	vg_cli_label(_("value:"), 12);
	printf("%s%s%s\n", value, unit ? " " : "", unit ? _(unit) : "");
	vg_cli_label(_("default:"), 12);
	printf("%s\n", def);
	if (json_object_get(s, "min")) {
		vg_cli_label(_("range:"), 12);
		printf("%lld .. %lld\n", (long long)json_integer_value(json_object_get(s, "min")),
		       (long long)json_integer_value(json_object_get(s, "max")));
	}
}

static int run_show(struct vg_cli *cli, const struct vg_cli_args *args)
{
	const char *key = vg_cli_arg_str(args, 0);
	json_t *r;
	int rc;

	rc = vg_cli_call(cli, VG_CMD_SETTINGS_SHOW, key ? json_pack("{s:s}", "key", key) : NULL, &r);
	if (rc != VG_EXIT_OK)
		return rc;
	if (cli->json)
		vg_cli_print_json(cli, key ? json_array_get(r, 0) : r);
	else if (key)
		print_setting_detail(json_array_get(r, 0));
	else
		print_settings_table(r);
	json_decref(r);
	return VG_EXIT_OK;
}

static int run_set(struct vg_cli *cli, const struct vg_cli_args *args)
{
	json_t *pairs = json_array(), *r;
	int rc;

	for (int i = 0; i < vg_cli_arg_count(args); i++) {
		const char *pair = vg_cli_arg_str(args, i), *eq = strchr(pair, '=');

		if (!eq || eq == pair) {
			json_decref(pairs);
			return vg_cli_usage(cli, args->cmd, N_("expected KEY=VALUE, found \"%s\""), pair);
		}
		json_array_append_new(pairs, json_pack("{s:s%, s:s}", "key", pair, (size_t)(eq - pair), "value", eq + 1));
	}
	rc = vg_cli_call(cli, VG_CMD_SETTINGS_SET, json_pack("{s:o}", "pairs", pairs), &r);
	if (rc != VG_EXIT_OK)
		return rc;
	if (cli->json)
		vg_cli_print_json(cli, r);
	else
		print_settings_table(r);
	json_decref(r);
	return VG_EXIT_OK;
}

/* --format, or guessed from the file name. */
static const char *pick_format(const struct vg_cli_args *args, const char *file)
{
	const char *given = vg_cli_opt_str(args, "format");

	if (given)
		return given;
	if (file && strlen(file) > 5 && strcasecmp(file + strlen(file) - 5, ".json") == 0)
		return "json";
	return "ini";
}

static int run_export(struct vg_cli *cli, const struct vg_cli_args *args)
{
	const char *file = vg_cli_arg_str(args, 0), *format = pick_format(args, file);
	struct vg_error err;
	const char *content;
	json_t *r;
	int rc;

	if ((rc = vg_cli_call(cli, VG_CMD_SETTINGS_EXPORT, json_pack("{s:s}", "format", format), &r)) != VG_EXIT_OK)
		return rc;
	content = json_string_value(json_object_get(r, "content"));
	if (!content) {
		json_decref(r);
		return vg_cli_fail(cli, N_("the agent sent no content"));
	}
	if (!file || strcmp(file, "-") == 0) {
		fputs(content, stdout);
		if (content[0] && content[strlen(content) - 1] != '\n')
			fputc('\n', stdout);
	} else if (vg_file_write_atomic(file, content, strlen(content), 0644, &err) < 0) {
		json_decref(r);
		return vg_cli_report(cli, VG_EXIT_FAILED, &err);
	} else if (!cli->json) {
		printf(_("Settings exported to %s (%s).\n"), file, format);
	}
	json_decref(r);
	return VG_EXIT_OK;
}

static int run_import(struct vg_cli *cli, const struct vg_cli_args *args)
{
	const char *file = vg_cli_arg_str(args, 0), *format = pick_format(args, file);
	struct vg_error err;
	char *content = NULL;
	size_t len = 0;
	json_t *r;
	int rc;

	if (vg_file_read_all(file, MAX_SETTINGS_FILE, &content, &len, &err) < 0)
		return vg_cli_report(cli, VG_EXIT_FAILED, &err);
	/* Without --format, a document that starts with "{" is JSON. */
	if (!vg_cli_opt_str(args, "format") && strcmp(format, "ini") == 0 && !strstr(file, ".ini")) {
		const char *p = content + strspn(content, " \t\r\n");

		if (*p == '{')
			format = "json";
	}
	rc = vg_cli_call(cli, VG_CMD_SETTINGS_IMPORT,
			 json_pack("{s:s, s:s%, s:s}", "format", format, "content", content, len, "source", file), &r);
	free(content);
	if (rc != VG_EXIT_OK)
		return rc;
	if (cli->json)
		vg_cli_print_json(cli, r);
	else
		printf(_("Settings imported from %s.\n"), file);
	json_decref(r);
	return VG_EXIT_OK;
}

static int run_history(struct vg_cli *cli, const struct vg_cli_args *args)
{
	long long limit = 50;
	json_t *r, *e;
	size_t i;
	int rc;

	vg_cli_opt_num(args, "limit", &limit);
	if ((rc = vg_cli_call(cli, VG_CMD_SETTINGS_HISTORY, json_pack("{s:I}", "limit", (json_int_t)limit), &r)) !=
	    VG_EXIT_OK)
		return rc;
	if (vg_cli_json_done(cli, r))
		return VG_EXIT_OK;
	if (json_array_size(r) == 0)
		printf("%s\n", _("No setting was ever changed."));
	/* Oldest first reads like a log. */
	for (i = json_array_size(r); i-- > 0;) {
		char when[64], who[64];
		struct passwd *pw;
		json_int_t uid;

		e = json_array_get(r, i);
		uid = json_integer_value(json_object_get(e, "uid"));
		pw = getpwuid((uid_t)uid);
		snprintf(who, sizeof(who), "%s", pw ? pw->pw_name : "?");
		vg_cli_format_time(json_integer_value(json_object_get(e, "time")), when, sizeof(when));
		printf("%s  %-8s (%lld)  %s: %s -> %s\n", when, who, (long long)uid,
		       json_string_value(json_object_get(e, "key")), json_string_value(json_object_get(e, "old")),
		       json_string_value(json_object_get(e, "new")));
	}
	json_decref(r);
	return VG_EXIT_OK;
}

static const char *const formats[] = { "ini", "json", NULL };

#define OPT_FORMAT                                                                                               \
	{ .name = "format", .type = VG_CLI_ENUM, .words = formats,                                                 \
	  .help = N_("the file's format (default: json for a name ending in .json, else ini)") }

const struct vg_cli_command vg_cli_cmds_settings[] = {
	{ .name = "settings show", .help = N_("Show every setting, or one in detail"), .proto = VG_CMD_SETTINGS_SHOW,
	  .operands = (const struct vg_cli_spec[]){
		  { .name = "KEY", .type = VG_CLI_STRING, .source = VG_CLI_SRC_SETTINGS, .max_count = 1 }, { NULL } },
	  .run = run_show },
	{ .name = "settings set", .help = N_("Change settings, all or none"),
	  .details = N_("Each value is checked (type, range); one bad value and nothing changes.\n"
			"Booleans take yes/no, true/false, on/off or 1/0; lists are comma-separated."),
	  .proto = VG_CMD_SETTINGS_SET,
	  .operands = (const struct vg_cli_spec[]){
		  { .name = "KEY=VALUE", .type = VG_CLI_STRING, .source = VG_CLI_SRC_ASSIGN, .min_count = 1,
		    .max_count = -1 },
		  { NULL } },
	  .run = run_set },
	{ .name = "settings export", .help = N_("Write every setting to FILE or standard output"),
	  .proto = VG_CMD_SETTINGS_EXPORT,
	  .options = (const struct vg_cli_spec[]){ OPT_FORMAT, { NULL } },
	  .operands = (const struct vg_cli_spec[]){ { .name = "FILE", .type = VG_CLI_PATH, .max_count = 1 }, { NULL } },
	  .run = run_export },
	{ .name = "settings import", .help = N_("Load settings from FILE, all or none"),
	  .details = N_("The format follows the file name (.json) or the content; an unknown key or a bad value\n"
			"is reported with its line and nothing changes."),
	  .proto = VG_CMD_SETTINGS_IMPORT,
	  .options = (const struct vg_cli_spec[]){ OPT_FORMAT, { NULL } },
	  .operands = (const struct vg_cli_spec[]){
		  { .name = "FILE", .type = VG_CLI_PATH, .min_count = 1, .max_count = 1 }, { NULL } },
	  .run = run_import },
	{ .name = "settings history", .help = N_("Show who changed which setting, and when"),
	  .proto = VG_CMD_SETTINGS_HISTORY,
	  .options = (const struct vg_cli_spec[]){
		  { .name = "limit", .type = VG_CLI_INT, .min = 1, .max = 10000,
		    .help = N_("show the last N changes (default 50)") },
		  { NULL } },
	  .run = run_history },
	{ NULL },
};
