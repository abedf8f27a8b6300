/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The interactive shell: readline's callback interface inside our own poll loop,
 * so that messages from the agent can be printed while a person types.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <readline/history.h>
#include <readline/readline.h>

#include "cli.h"
#include "nls.h"

#define HISTORY_FILE ".vigilctl_history"
#define HISTORY_MAX 1000

static struct vg_cli *shell_cli;
static char history_path[PATH_MAX];

/* Lines that carry secrets, or that start with a space, stay out of the history. */
static bool keep_in_history(const char *line)
{
	char buf[VG_CLI_MAX_LINE + 1];
	char *words[VG_CLI_MAX_WORDS];
	const char *error;
	const struct vg_cli_command *cmd;
	int argc, consumed;

	if (line[0] == ' ' || !line[0] || strlen(line) > VG_CLI_MAX_LINE)
		return false;
	argc = vg_cli_split(line, buf, sizeof(buf), words, VG_CLI_MAX_WORDS, &error);
	if (argc <= 0)
		return false;
	/* Resolved quietly: the error, if any, is printed when the line runs. */
	cmd = vg_cli_lookup(argc, words, &consumed, NULL);
	return !cmd || !(cmd->flags & VG_CLI_SECRET);
}

static void on_line(char *line)
{
	char *buf;
	char *words[VG_CLI_MAX_WORDS];
	const char *error;
	int argc;

	if (!line) {
		/* Ctrl-D */
		putchar('\n');
		shell_cli->quit = true;
		return;
	}
	if (keep_in_history(line))
		add_history(line);
	buf = malloc(strlen(line) + 1);
	if (buf) {
		argc = vg_cli_split(line, buf, strlen(line) + 1, words, VG_CLI_MAX_WORDS, &error);
		if (argc < 0)
			fprintf(stderr, "vigilctl: %s\n", _(error));
		else
			vg_cli_run(shell_cli, argc, words);
		free(buf);
	}
	free(line);
}

/* Completion: command words first, then the command's own arguments. */
static char *command_word_generator(const char *text, int state)
{
	static size_t index;
	static int level;
	static char prev[8][64];
	static int nprev;
	const struct vg_cli_command *c;

	if (state == 0) {
		char buf[VG_CLI_MAX_LINE + 1];
		char *words[VG_CLI_MAX_WORDS];
		const char *error;
		char upto[VG_CLI_MAX_LINE + 1];
		int n;

		index = 0;
		snprintf(upto, sizeof(upto), "%.*s", rl_point, rl_line_buffer);
		n = vg_cli_split(upto, buf, sizeof(buf), words, VG_CLI_MAX_WORDS, &error);
		if (n < 0)
			n = 0;
		/* The word being completed is not among the previous ones. */
		if (n > 0 && text[0] && strcmp(words[n - 1], text) == 0)
			n--;
		nprev = n < 8 ? n : 8;
		for (int i = 0; i < nprev; i++)
			snprintf(prev[i], sizeof(prev[i]), "%s", words[i]);
		level = nprev;
	}
	while ((c = vg_cli_command_at(index++))) {
		char name[128], *save = NULL, *w;
		int i = 0;
		bool ok = true;

		snprintf(name, sizeof(name), "%s", c->name);
		for (w = strtok_r(name, " ", &save); w && i < level; w = strtok_r(NULL, " ", &save), i++)
			if (strcmp(w, prev[i]) != 0)
				ok = false;
		if (!ok || !w || i != level)
			continue;
		if (strncmp(w, text, strlen(text)) != 0)
			continue;
		/* Several commands share their first words: offer each word once. */
		bool dup = false;

		for (size_t k = 0; k + 1 < index; k++) {
			const struct vg_cli_command *o = vg_cli_command_at(k);
			char oname[128], *osave = NULL, *ow;
			int j = 0;
			bool same = true;

			snprintf(oname, sizeof(oname), "%s", o->name);
			for (ow = strtok_r(oname, " ", &osave); ow && j < level; ow = strtok_r(NULL, " ", &osave), j++)
				if (strcmp(ow, prev[j]) != 0)
					same = false;
			if (same && ow && j == level && strcmp(ow, w) == 0)
				dup = true;
		}
		if (!dup)
			return strdup(w);
	}
	return NULL;
}

static const struct vg_cli_command *arg_command;
static int arg_index;

static char *argument_generator(const char *text, int state)
{
	char *r = arg_command->complete(shell_cli, text, arg_index, state);

	return r == VG_CLI_COMPLETE_FILES ? NULL : r;
}

static char **complete(const char *text, int start, int end)
{
	char buf[VG_CLI_MAX_LINE + 1];
	char *words[VG_CLI_MAX_WORDS];
	char upto[VG_CLI_MAX_LINE + 1];
	const char *error;
	const struct vg_cli_command *cmd;
	int n, consumed;

	(void)end;
	rl_attempted_completion_over = 1;
	snprintf(upto, sizeof(upto), "%.*s", start, rl_line_buffer);
	n = vg_cli_split(upto, buf, sizeof(buf), words, VG_CLI_MAX_WORDS, &error);
	if (n < 0)
		return NULL;
	cmd = n > 0 ? vg_cli_lookup(n, words, &consumed, NULL) : NULL;
	/* Past the command's own words: its arguments. */
	if (cmd && consumed > 0 && consumed <= n && cmd->complete) {
		arg_command = cmd;
		arg_index = n - consumed;
		if (cmd->complete(shell_cli, text, arg_index, 0) == VG_CLI_COMPLETE_FILES) {
			rl_attempted_completion_over = 0;
			return NULL;
		}
		return rl_completion_matches(text, argument_generator);
	}
	return rl_completion_matches(text, command_word_generator);
}

int vg_cli_shell(struct vg_cli *cli)
{
	const char *home = getenv("HOME");
	json_t *hello = NULL;

	shell_cli = cli;
	cli->interactive = true;
	rl_readline_name = "vigilctl";
	rl_attempted_completion_function = complete;
	if (home && snprintf(history_path, sizeof(history_path), "%s/%s", home, HISTORY_FILE) < (int)sizeof(history_path))
		read_history(history_path);
	else
		history_path[0] = '\0';

	printf(_("Vigil shell %s. Type \"help\" for the commands, \"quit\" to leave.\n"), PACKAGE_VERSION);
	if (vg_cli_call(cli, VG_CMD_HELLO, NULL, &hello) == VG_EXIT_OK) {
		if (strcmp(json_string_value(json_object_get(hello, "access")) ?: "", "admin") != 0)
			printf("%s\n", _("You may read but not change: changes need root."));
		json_decref(hello);
	}
	rl_callback_handler_install("vigil> ", on_line);
	while (!cli->quit) {
		struct pollfd pfd[2] = { { .fd = 0, .events = POLLIN }, { .fd = -1 } };
		int r;

		if (cli->client) {
			pfd[1].fd = vg_client_fd(cli->client);
			pfd[1].events = POLLIN;
		}
		r = poll(pfd, 2, -1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		if (pfd[0].revents & (POLLIN | POLLHUP))
			rl_callback_read_char();
		if (cli->client && (pfd[1].revents & (POLLIN | POLLHUP | POLLERR))) {
			struct vg_error err;

			/* Nothing is awaited here: the agent went away, or streamed something. */
			if (vg_client_process(cli->client, &err) < 0) {
				rl_save_prompt();
				rl_clear_message();
				fprintf(stderr, "\n%s\n", _("The agent closed the connection; the next command reconnects."));
				rl_restore_prompt();
				rl_on_new_line();
				rl_redisplay();
				vg_client_close(cli->client);
				cli->client = NULL;
			}
		}
	}
	rl_callback_handler_remove();
	if (history_path[0]) {
		stifle_history(HISTORY_MAX);
		write_history(history_path);
	}
	return VG_EXIT_OK;
}
