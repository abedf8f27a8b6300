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

/* The setting keys, asked of the agent once per session (the agent owns the definitions, so a
 * shell of another version completes what this agent has). */
static json_t *setting_keys(struct vg_cli *cli)
{
	static json_t *keys;
	struct vg_error err;
	json_t *list = NULL, *s;
	size_t i;

	if (keys || !cli)
		return keys;
	if (!cli->client && vg_client_connect(&cli->client, cli->socket_path, &err) < 0)
		return NULL;
	if (vg_client_call(cli->client, VG_CMD_SETTINGS_SHOW, NULL, VG_CLI_TIMEOUT_MS, &list, &err) < 0)
		return NULL;
	keys = json_array();
	json_array_foreach(list, i, s)
		json_array_append(keys, json_object_get(s, "key"));
	json_decref(list);
	return keys;
}

char *vg_cli_complete_setting(struct vg_cli *cli, const char *text, int argi, int state)
{
	static size_t next;
	json_t *keys = setting_keys(cli);

	(void)argi;
	if (state == 0)
		next = 0;
	while (next < json_array_size(keys)) {
		const char *key = json_string_value(json_array_get(keys, next++));

		if (key && strncmp(key, text, strlen(text)) == 0)
			return strdup(key);
	}
	return NULL;
}

static char *complete_files(struct vg_cli *cli, const char *text, int argi, int state)
{
	(void)text;
	(void)argi;
	(void)state;
	return VG_CLI_COMPLETE_FILES;
}

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
	printf("  %-12s %s%s%s\n", _("value:"), value, unit ? " " : "", unit ? _(unit) : "");
	printf("  %-12s %s\n", _("default:"), def);
	if (json_object_get(s, "min"))
		printf("  %-12s %lld .. %lld\n", _("range:"), (long long)json_integer_value(json_object_get(s, "min")),
		       (long long)json_integer_value(json_object_get(s, "max")));
}

static int run_show(struct vg_cli *cli, const struct vg_cli_command *cmd, int argc, char **argv)
{
	json_t *r;
	int rc;

	(void)cmd;
	rc = vg_cli_call(cli, VG_CMD_SETTINGS_SHOW, argc ? json_pack("{s:s}", "key", argv[0]) : NULL, &r);
	if (rc != VG_EXIT_OK)
		return rc;
	if (cli->json)
		vg_cli_print_json(argc ? json_array_get(r, 0) : r);
	else if (argc)
		print_setting_detail(json_array_get(r, 0));
	else
		print_settings_table(r);
	json_decref(r);
	return VG_EXIT_OK;
}

static int run_set(struct vg_cli *cli, const struct vg_cli_command *cmd, int argc, char **argv)
{
	json_t *pairs = json_array(), *r;
	int rc;

	for (int i = 0; i < argc; i++) {
		char *eq = strchr(argv[i], '=');

		if (!eq || eq == argv[i]) {
			json_decref(pairs);
			return vg_cli_usage(cmd, _("expected KEY=VALUE, found \"%s\""), argv[i]);
		}
		json_array_append_new(pairs, json_pack("{s:s%, s:s}", "key", argv[i], (size_t)(eq - argv[i]),
						       "value", eq + 1));
	}
	rc = vg_cli_call(cli, VG_CMD_SETTINGS_SET, json_pack("{s:o}", "pairs", pairs), &r);
	if (rc != VG_EXIT_OK)
		return rc;
	if (cli->json)
		vg_cli_print_json(r);
	else
		print_settings_table(r);
	json_decref(r);
	return VG_EXIT_OK;
}

/* --format ini|json, or guessed from the file name. */
static int pick_format(const struct vg_cli_command *cmd, const char *given, const char *file, const char **format)
{
	if (given) {
		if (strcasecmp(given, "ini") != 0 && strcasecmp(given, "json") != 0)
			return vg_cli_usage(cmd, _("unknown format \"%s\" (ini or json)"), given);
		*format = strcasecmp(given, "json") == 0 ? "json" : "ini";
		return VG_EXIT_OK;
	}
	*format = "ini";
	if (file && strlen(file) > 5 && strcasecmp(file + strlen(file) - 5, ".json") == 0)
		*format = "json";
	return VG_EXIT_OK;
}

static int parse_format_args(const struct vg_cli_command *cmd, int argc, char **argv, const char **format,
			     const char **file)
{
	const char *given = NULL;

	*file = NULL;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
			given = argv[++i];
		} else if (strncmp(argv[i], "--format=", 9) == 0) {
			given = argv[i] + 9;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return vg_cli_usage(cmd, _("unknown option \"%s\""), argv[i]);
		} else if (!*file) {
			*file = argv[i];
		} else {
			return vg_cli_usage(cmd, _("too many arguments"));
		}
	}
	return pick_format(cmd, given, *file, format);
}

static int run_export(struct vg_cli *cli, const struct vg_cli_command *cmd, int argc, char **argv)
{
	const char *format, *file;
	struct vg_error err;
	char text[VG_ERROR_MSG_SIZE];
	const char *content;
	json_t *r;
	int rc;

	if ((rc = parse_format_args(cmd, argc, argv, &format, &file)) != VG_EXIT_OK)
		return rc;
	if ((rc = vg_cli_call(cli, VG_CMD_SETTINGS_EXPORT, json_pack("{s:s}", "format", format), &r)) != VG_EXIT_OK)
		return rc;
	content = json_string_value(json_object_get(r, "content"));
	if (!content) {
		json_decref(r);
		return vg_cli_fail(_("the agent sent no content"));
	}
	if (!file || strcmp(file, "-") == 0) {
		fputs(content, stdout);
		if (content[0] && content[strlen(content) - 1] != '\n')
			fputc('\n', stdout);
	} else if (vg_file_write_atomic(file, content, strlen(content), 0644, &err) < 0) {
		json_decref(r);
		return vg_cli_fail("%s", vg_error_text(&err, text, sizeof(text)));
	} else if (!cli->json) {
		printf(_("Settings exported to %s (%s).\n"), file, format);
	}
	json_decref(r);
	return VG_EXIT_OK;
}

static int run_import(struct vg_cli *cli, const struct vg_cli_command *cmd, int argc, char **argv)
{
	const char *format, *file;
	struct vg_error err;
	char text[VG_ERROR_MSG_SIZE];
	char *content = NULL;
	size_t len = 0;
	json_t *r;
	int rc;

	if ((rc = parse_format_args(cmd, argc, argv, &format, &file)) != VG_EXIT_OK)
		return rc;
	if (!file)
		return vg_cli_usage(cmd, _("which file?"));
	if (vg_file_read_all(file, MAX_SETTINGS_FILE, &content, &len, &err) < 0)
		return vg_cli_fail("%s", vg_error_text(&err, text, sizeof(text)));
	/* Without --format, a document that starts with "{" is JSON. */
	if (strcmp(format, "ini") == 0 && !strstr(file, ".ini")) {
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
		vg_cli_print_json(r);
	else
		printf(_("Settings imported from %s.\n"), file);
	json_decref(r);
	return VG_EXIT_OK;
}

static int run_history(struct vg_cli *cli, const struct vg_cli_command *cmd, int argc, char **argv)
{
	long limit = 50;
	json_t *r, *e;
	size_t i;
	int rc;

	for (int a = 0; a < argc; a++) {
		char *end;

		if (strcmp(argv[a], "--limit") == 0 && a + 1 < argc) {
			limit = strtol(argv[++a], &end, 10);
			if (*end || limit <= 0 || limit > 10000)
				return vg_cli_usage(cmd, _("--limit takes a number from 1 to 10000"));
		} else {
			return vg_cli_usage(cmd, _("unknown option \"%s\""), argv[a]);
		}
	}
	if ((rc = vg_cli_call(cli, VG_CMD_SETTINGS_HISTORY, json_pack("{s:i}", "limit", (int)limit), &r)) != VG_EXIT_OK)
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

const struct vg_cli_command vg_cli_cmds_settings[] = {
	{ "settings show", "[KEY]", N_("Show every setting, or one in detail"), NULL, VG_CMD_SETTINGS_SHOW, 0, 0, 1,
	  vg_cli_complete_setting, run_show },
	{ "settings set", "KEY=VALUE...", N_("Change settings, all or none"),
	  N_("Each value is checked (type, range); one bad value and nothing changes.\n"
	     "Booleans take yes/no, true/false, on/off or 1/0; lists are comma-separated."),
	  VG_CMD_SETTINGS_SET, 0, 1, -1, vg_cli_complete_setting, run_set },
	{ "settings export", "[--format ini|json] [FILE]", N_("Write every setting to FILE or standard output"),
	  NULL, VG_CMD_SETTINGS_EXPORT, 0, 0, 3, complete_files, run_export },
	{ "settings import", "[--format ini|json] FILE", N_("Load settings from FILE, all or none"),
	  N_("The format follows the file name (.json) or the content; an unknown key or a bad value\n"
	     "is reported with its line and nothing changes."),
	  VG_CMD_SETTINGS_IMPORT, 0, 1, 3, complete_files, run_import },
	{ "settings history", "[--limit N]", N_("Show who changed which setting, and when"), NULL,
	  VG_CMD_SETTINGS_HISTORY, 0, 0, 2, NULL, run_history },
	{ NULL },
};
