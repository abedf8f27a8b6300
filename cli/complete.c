/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Completion from the declarations: command words, then a command's options, their values and
 * its operands, each value from its type or its source (setting keys, task ids, user names...).
 * The shell (readline) and bash (vigilctl --complete) ask the same engine.
 */
#include "config.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "nls.h"

#define COMPLETE_TIMEOUT_MS 2000 /* completion never makes a person wait long */
#define MAX_CANDIDATES 4096

static void add(struct vg_cli_candidates *c, const char *cur, const char *word)
{
	char **grown;

	if (!word || strncmp(word, cur, strlen(cur)) != 0 || c->n >= MAX_CANDIDATES)
		return;
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->words[i], word) == 0)
			return;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;

		if (!(grown = realloc(c->words, cap * sizeof(*grown))))
			return;
		c->words = grown;
		c->cap = cap;
	}
	if ((c->words[c->n] = strdup(word)))
		c->n++;
}

void vg_cli_candidates_free(struct vg_cli_candidates *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->words[i]);
	free(c->words);
	memset(c, 0, sizeof(*c));
}

/* An answer of the agent, quietly: completion offers nothing rather than an error. */
static json_t *ask(struct vg_cli *cli, enum vg_cmd cmd, json_t *args)
{
	struct vg_error err;
	json_t *r = NULL;
	int rc;

	if (!cli->client && vg_client_connect(&cli->client, cli->socket_path, &err) < 0) {
		json_decref(args);
		return NULL;
	}
	rc = vg_client_call(cli->client, cmd, args, COMPLETE_TIMEOUT_MS, &r, &err);
	if (rc == -ECONNRESET || rc == -ETIMEDOUT || rc == -EPROTO) {
		vg_client_close(cli->client);
		cli->client = NULL;
	}
	return rc < 0 ? NULL : r;
}

/* The values of key in each object of the array the agent answers (numbers as text). */
static void add_field(struct vg_cli_candidates *c, const char *cur, json_t *list, const char *key, const char *suffix)
{
	json_t *e, *v;
	size_t i;

	json_array_foreach(list, i, e) {
		char buf[512];

		v = key ? json_object_get(e, key) : e;
		if (json_is_integer(v))
			snprintf(buf, sizeof(buf), "%lld%s", (long long)json_integer_value(v), suffix);
		else if (json_is_string(v))
			snprintf(buf, sizeof(buf), "%s%s", json_string_value(v), suffix);
		else
			continue;
		add(c, cur, buf);
	}
}

static void add_from_agent(struct vg_cli *cli, struct vg_cli_candidates *c, const char *cur, enum vg_cmd cmd,
			   json_t *args, const char *array, const char *key, const char *suffix)
{
	json_t *r = ask(cli, cmd, args);

	add_field(c, cur, array ? json_object_get(r, array) : r, key, suffix);
	json_decref(r);
}

static void add_users(struct vg_cli_candidates *c, const char *cur)
{
	struct passwd *pw;

	setpwent();
	for (int n = 0; n < MAX_CANDIDATES && (pw = getpwent()); n++)
		add(c, cur, pw->pw_name);
	endpwent();
}

/* The words that may follow words as a command's name (the next word of the commands of a group). */
static void add_command_words(struct vg_cli_candidates *c, int argc, char **argv, const char *cur)
{
	struct vg_cli_match m = { 0 };
	const struct vg_cli_command *cmd;
	int level = 0;

	if (argc > 0 && vg_cli_resolve(argc, argv, &m, NULL) != 0)
		return;
	for (const char *p = m.group; *p; p++)
		level += *p == ' ';
	level += m.group[0] != '\0';
	for (size_t i = 0; (cmd = vg_cli_command_at(i)); i++) {
		const char *p = cmd->name;
		char word[64];

		if (!vg_cli_in_group(cmd, m.group))
			continue;
		for (int k = 0; k < level && p; k++)
			p = strchr(p, ' ') ? strchr(p, ' ') + 1 : NULL;
		if (!p)
			continue;
		snprintf(word, sizeof(word), "%.*s", (int)strcspn(p, " "), p);
		add(c, cur, word);
	}
}

static void complete_value(struct vg_cli *cli, const struct vg_cli_spec *spec, const char *cur,
			   struct vg_cli_candidates *c)
{
	for (int i = 0; spec->words && spec->words[i]; i++)
		add(c, cur, spec->words[i]);
	switch (spec->source) {
	case VG_CLI_SRC_DEFAULT:
		if (spec->type == VG_CLI_PATH && !spec->words)
			c->kind = VG_CLI_COMPLETE_FILES;
		break;
	case VG_CLI_SRC_FILES:
		c->kind = VG_CLI_COMPLETE_FILES;
		break;
	case VG_CLI_SRC_DIRS:
		c->kind = VG_CLI_COMPLETE_DIRS;
		break;
	case VG_CLI_SRC_COMMANDS:
		break; /* the caller knows the words before */
	case VG_CLI_SRC_SETTINGS:
	case VG_CLI_SRC_ASSIGN:
		/* The agent owns the definitions: a shell of another version completes what this agent has. */
		if (!cli->setting_keys) {
			json_t *list = ask(cli, VG_CMD_SETTINGS_SHOW, NULL), *s;
			size_t i;

			cli->setting_keys = json_array();
			json_array_foreach(list, i, s)
				json_array_append(cli->setting_keys, json_object_get(s, "key"));
			json_decref(list);
		}
		add_field(c, cur, cli->setting_keys, NULL, spec->source == VG_CLI_SRC_ASSIGN ? "=" : "");
		break;
	case VG_CLI_SRC_USERS:
		add_users(c, cur);
		break;
	case VG_CLI_SRC_TASKS:
		add_from_agent(cli, c, cur, VG_CMD_TASK_LIST, json_pack("{s:i}", "limit", 100), NULL, "id", "");
		break;
	case VG_CLI_SRC_QUARANTINE:
		add_from_agent(cli, c, cur, VG_CMD_QUARANTINE_LIST, NULL, NULL, "id", "");
		break;
	case VG_CLI_SRC_SERVERS:
		add_from_agent(cli, c, cur, VG_CMD_SERVER_LIST, NULL, "servers", NULL, "");
		break;
	case VG_CLI_SRC_EXCEPTIONS:
		add_from_agent(cli, c, cur, VG_CMD_ISOLATION_EXCEPTION_LIST, NULL, NULL, "id", "");
		break;
	case VG_CLI_SRC_EXCLUSIONS:
		add_from_agent(cli, c, cur, VG_CMD_TELEMETRY_EXCLUSION_LIST, NULL, NULL, "id", "");
		break;
	case VG_CLI_SRC_SCANS:
		add_from_agent(cli, c, cur, VG_CMD_IOC_RESULTS, json_object(), NULL, "scan_id", "");
		break;
	}
}

/* Where the words of a command leave the cursor. */
struct place {
	const struct vg_cli_spec *pending; /* the option whose value comes next */
	bool ended;                        /* no more options ("--", or an operand with OPTIONS_FIRST) */
	int operands;                      /* operands before the cursor */
	int first_operand;                 /* index of the first operand, or argc */
};

static const struct vg_cli_spec *option_named(const struct vg_cli_spec *o, const char *name, size_t len)
{
	const struct vg_cli_spec *found = NULL;
	int matches = 0;

	for (int i = 0; o && o[i].name; i++) {
		if (strncmp(o[i].name, name, len) != 0)
			continue;
		if (strlen(o[i].name) == len)
			return &o[i];
		found = &o[i];
		matches++;
	}
	return matches == 1 ? found : NULL;
}

static const struct vg_cli_spec *letter_option(const struct vg_cli_spec *o, char letter)
{
	for (int i = 0; o && o[i].name; i++)
		if (o[i].letter == letter || o[i].old_letter == letter)
			return &o[i];
	return NULL;
}

static void locate(const struct vg_cli_command *cmd, int argc, char **argv, struct place *pl)
{
	memset(pl, 0, sizeof(*pl));
	pl->first_operand = argc;
	for (int i = 0; i < argc; i++) {
		const char *w = argv[i];

		if (pl->pending) {
			pl->pending = NULL;
			continue;
		}
		if (pl->ended || w[0] != '-' || !w[1]) {
			if (pl->operands++ == 0)
				pl->first_operand = i;
			pl->ended |= (cmd->flags & VG_CLI_OPTIONS_FIRST) != 0;
			continue;
		}
		if (strcmp(w, "--") == 0) {
			pl->ended = true;
			continue;
		}
		if (w[1] == '-') {
			const struct vg_cli_spec *o = option_named(cmd->options, w + 2, strcspn(w + 2, "="));

			if (o && o->type != VG_CLI_FLAG && !strchr(w, '='))
				pl->pending = o;
			continue;
		}
		for (const char *p = w + 1; *p; p++) {
			const struct vg_cli_spec *o = letter_option(cmd->options, *p);

			if (o && o->type != VG_CLI_FLAG) {
				if (!p[1])
					pl->pending = o;
				break; /* the rest of the word is its value */
			}
		}
	}
}

/* The declaration of the n-th operand. */
static const struct vg_cli_spec *operand_at(const struct vg_cli_command *cmd, int n)
{
	int upto = 0;

	for (int i = 0; cmd->operands && cmd->operands[i].name; i++) {
		if (cmd->operands[i].max_count < 0)
			return &cmd->operands[i];
		upto += cmd->operands[i].max_count;
		if (n < upto)
			return &cmd->operands[i];
	}
	return NULL;
}

/* The options, their values and the operands of cmd, after its words argv. */
static void complete_args(struct vg_cli *cli, const struct vg_cli_command *cmd, int argc, char **argv,
			  const char *cur, struct vg_cli_candidates *c)
{
	struct place pl;
	const struct vg_cli_spec *op;

	locate(cmd, argc, argv, &pl);
	if (pl.pending) {
		complete_value(cli, pl.pending, cur, c);
		return;
	}
	if (!pl.ended && cur[0] == '-') {
		const char *eq = strchr(cur, '=');

		if (cur[1] == '-' && eq) {
			const struct vg_cli_spec *o = option_named(cmd->options, cur + 2, (size_t)(eq - cur - 2));

			snprintf(c->prefix, sizeof(c->prefix), "%.*s", (int)(eq - cur + 1), cur);
			if (o && o->type != VG_CLI_FLAG)
				complete_value(cli, o, eq + 1, c);
			return;
		}
		for (int i = 0; cmd->options && cmd->options[i].name; i++) {
			char name[96];

			if (cmd->options[i].flags & VG_CLI_OPT_HIDDEN)
				continue;
			snprintf(name, sizeof(name), "--%s", cmd->options[i].name);
			add(c, cur, name);
		}
		add(c, cur, "--help");
		return;
	}
	op = operand_at(cmd, pl.operands);
	if (!op)
		return;
	if (op->source == VG_CLI_SRC_COMMANDS) {
		/* help's words, and vigilctl's: command words after the ones given. */
		add_command_words(c, argc - pl.first_operand, argv + pl.first_operand, cur);
		return;
	}
	complete_value(cli, op, cur, c);
}

void vg_cli_complete(struct vg_cli *cli, int argc, char **argv, const char *cur, struct vg_cli_candidates *out)
{
	struct vg_cli_match m;
	int r;

	memset(out, 0, sizeof(*out));
	if (argc == 0) {
		add_command_words(out, 0, argv, cur);
		return;
	}
	r = vg_cli_resolve(argc, argv, &m, NULL);
	if (r == 0 && m.consumed == argc)
		add_command_words(out, argc, argv, cur);
	else if (r == 1)
		complete_args(cli, m.cmd, argc - m.consumed, argv + m.consumed, cur, out);
}

int vg_cli_complete_main(struct vg_cli *cli, int argc, char **argv)
{
	static const char *const kinds[] = { "words", "files", "dirs" };
	struct vg_cli_candidates c;
	struct vg_cli_args *args;
	struct vg_error err;
	struct place pl;
	const char *cur;
	char *end;
	long index;

	if (argc < 1 || (index = strtol(argv[0], &end, 10)) < 0 || *end || index > argc - 1)
		return VG_EXIT_USAGE;
	argv++;
	argc--;
	cur = index < argc ? argv[index] : "";
	/* vigilctl's own options first; their socket is the one asked. */
	locate(&vg_cli_program, (int)index, argv, &pl);
	args = malloc(sizeof(*args));
	if (args && vg_cli_parse(&vg_cli_program, pl.first_operand, argv, args, &err) == 0 &&
	    vg_cli_opt_str(args, "socket"))
		cli->socket_path = vg_cli_opt_str(args, "socket");
	if (pl.operands > 0)
		vg_cli_complete(cli, (int)index - pl.first_operand, argv + pl.first_operand, cur, &c);
	else {
		memset(&c, 0, sizeof(c));
		complete_args(cli, &vg_cli_program, (int)index, argv, cur, &c);
	}
	printf("%s\n%s\n", kinds[c.kind], c.prefix);
	for (size_t i = 0; i < c.n; i++)
		printf("%s\n", c.words[i]);
	vg_cli_candidates_free(&c);
	free(args);
	json_decref(cli->setting_keys);
	cli->setting_keys = NULL;
	return VG_EXIT_OK;
}
