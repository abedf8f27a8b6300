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
#include "present.h"

#define MAX_SETTINGS_FILE (1024 * 1024)

/* A setting's value as text: lists comma-separated, booleans yes/no for a person (as they are
 * typed) or true/false for a program (csv, as JSON has them). */
static void value_text_as(json_t *v, bool csv, char *buf, size_t size)
{
	if (json_is_array(v)) {
		size_t i, used = 0;
		json_t *item;

		buf[0] = '\0';
		json_array_foreach(v, i, item)
			used += (size_t)snprintf(buf + used, used < size ? size - used : 0, "%s%s", i ? "," : "",
						 json_string_value(item));
		if (json_array_size(v) == 0 && !csv)
			snprintf(buf, size, "%s", _("(none)"));
	} else if (json_is_boolean(v)) {
		snprintf(buf, size, "%s", csv ? (json_is_true(v) ? "true" : "false") : json_is_true(v) ? "yes" : "no");
	} else if (json_is_integer(v)) {
		snprintf(buf, size, "%lld", (long long)json_integer_value(v));
	} else if (csv) {
		snprintf(buf, size, "%s", json_is_string(v) ? json_string_value(v) : "");
	} else {
		snprintf(buf, size, "%s", json_is_string(v) && json_string_length(v) ? json_string_value(v) : _("(none)"));
	}
}

static void value_text(json_t *v, char *buf, size_t size)
{
	value_text_as(v, false, buf, size);
}

static const struct vg_cli_column setting_columns[] = {
	{ "key", N_("KEY"), false }, { "value", N_("VALUE"), false }, { "changed", N_("STATE"), false },
	{ "source", N_("SOURCE"), false }, { NULL, NULL, false },
};

static const struct vg_cli_column setting_csv_columns[] = {
	{ "key", NULL, false },     { "type", NULL, false },    { "value", NULL, false },
	{ "default", NULL, false }, { "changed", NULL, false }, { "source", NULL, false }, { NULL, NULL, false },
};

/* Where a value came from: in the user's language for a person, as sent for a program. */
static void source_text(json_t *item, bool csv, char *buf, size_t size)
{
	if (csv)
		snprintf(buf, size, "%s", json_string_value(json_object_get(item, "source")) ?: "");
	else
		vg_present_setting_source(item, buf, size);
}

static void setting_cell(json_t *s, int col, bool csv, char *buf, size_t size)
{
	const char *key = (csv ? setting_csv_columns : setting_columns)[col].key;
	json_t *v = json_object_get(s, key);

	if (strcmp(key, "source") == 0)
		source_text(s, csv, buf, size);
	else if (strcmp(key, "changed") == 0)
		snprintf(buf, size, "%s", csv ? (json_is_true(v) ? "true" : "false") : json_is_true(v) ? _("changed") : _("default"));
	else
		value_text_as(v, csv, buf, size);
}

static int by_key(json_t *a, json_t *b)
{
	return strcmp(json_string_value(json_object_get(a, "key")) ?: "", json_string_value(json_object_get(b, "key")) ?: "");
}

/* Sorted by key, so that a setting is found where one looks for it. */
static const struct vg_cli_list setting_list = {
	.columns = setting_columns, .csv_columns = setting_csv_columns, .cell = setting_cell, .compare = by_key,
};

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
	if (json_object_get(s, "source")) {
		char source[512];

		source_text(s, false, source, sizeof(source));
		vg_cli_label(_("source:"), 12);
		printf("%s\n", source);
	}
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
	/* One setting in a table is its detail; as JSON, the setting itself. */
	if (key && vg_cli_list_format(cli, args) == VG_CLI_FORMAT_TABLE)
		print_setting_detail(json_array_get(r, 0));
	else if (key && vg_cli_list_format(cli, args) == VG_CLI_FORMAT_JSON)
		vg_cli_print_json(cli, json_array_get(r, 0));
	else
		rc = vg_cli_print_list(cli, args, r, NULL, &setting_list);
	json_decref(r);
	return rc;
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
	/* Accepted, with what it names that is not on the host (a directory still to be made). */
	for (size_t i = 0; i < json_array_size(r); i++)
		vg_cli_print_warnings(json_object_get(json_array_get(r, i), "warnings"));
	rc = vg_cli_print_list(cli, args, r, NULL, &setting_list);
	json_decref(r);
	return rc;
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

static const struct vg_cli_column history_columns[] = {
	{ "time", N_("WHEN"), false }, { "user", N_("USER"), false }, { "uid", N_("UID"), true },
	{ "key", N_("SETTING"), false }, { "old", N_("OLD"), false }, { "new", N_("NEW"), false },
	{ "source", N_("SOURCE"), false }, { NULL, NULL, false },
};

static void history_cell(json_t *e, int col, bool csv, char *buf, size_t size)
{
	json_int_t uid = json_integer_value(json_object_get(e, "uid"));
	struct passwd *pw;

	switch (col) {
	case 0:
		if (csv)
			snprintf(buf, size, "%s", json_string_value(json_object_get(e, "time")) ?: "");
		else
			vg_cli_time_of(e, "time", buf, size);
		break;
	case 1:
		pw = getpwuid((uid_t)uid);
		snprintf(buf, size, "%s", pw ? pw->pw_name : csv ? "" : "?");
		break;
	case 2:
		snprintf(buf, size, "%lld", (long long)uid);
		break;
	case 3:
		snprintf(buf, size, "%s", json_string_value(json_object_get(e, "key")) ?: "");
		break;
	case 6:
		source_text(e, csv, buf, size);
		break;
	default:
		value_text_as(json_object_get(e, col == 4 ? "old" : "new"), csv, buf, size);
		break;
	}
}

static const struct vg_cli_list history_list = {
	/* Oldest first, as a log reads; the agent gives the newest first (the last N). */
	.columns = history_columns, .cell = history_cell, .reverse = true,
	.empty = N_("No setting was ever changed."),
};

static int run_history(struct vg_cli *cli, const struct vg_cli_args *args)
{
	long long limit = 50;
	json_t *r;
	int rc;

	vg_cli_opt_num(args, "limit", &limit);
	if ((rc = vg_cli_call(cli, VG_CMD_SETTINGS_HISTORY, json_pack("{s:I}", "limit", (json_int_t)limit), &r)) !=
	    VG_EXIT_OK)
		return rc;
	rc = vg_cli_print_list(cli, args, r, NULL, &history_list);
	json_decref(r);
	return rc;
}

static const char *const formats[] = { "ini", "json", NULL };

#define OPT_FORMAT                                                                                               \
	{ .name = "format", .type = VG_CLI_ENUM, .words = formats,                                                 \
	  .help = N_("the file's format (default: json for a name ending in .json, else ini)") }

const struct vg_cli_command vg_cli_cmds_settings[] = {
	{ .name = "settings show", .help = N_("Show every setting, or one in detail"), .proto = VG_CMD_SETTINGS_SHOW,
	  .details = N_("Every setting is listed sorted by key, in a table (default), as JSON or as CSV."),
	  .options = (const struct vg_cli_spec[]){ VG_CLI_OPT_LIST_FORMAT, { NULL } },
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
		  VG_CLI_OPT_LIST_FORMAT, { NULL } },
	  .run = run_history },
	{ NULL },
};
