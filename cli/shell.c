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
#include <sys/stat.h>
#include <readline/history.h>
#include <readline/readline.h>

#include "cli.h"
#include "nls.h"

#define HISTORY_FILE ".vigilctl_history"
#define HISTORY_MAX 1000

static struct vg_cli *shell_cli;
static char history_path[PATH_MAX];

/* Ctrl-C at the prompt: the handler only sets this; the loop clears the line.  SIGINT is
 * blocked except while the loop waits (ppoll) and while a command runs. */
static volatile sig_atomic_t interrupted;
static sigset_t sigint_only;

static void on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* Lines that carry secrets, or that start with a space, stay out of the history. */
static bool keep_in_history(const char *line)
{
	char buf[VG_CLI_MAX_LINE + 1];
	char *words[VG_CLI_MAX_WORDS];
	const char *error;
	struct vg_cli_match m;
	int argc;

	if (line[0] == ' ' || !line[0] || strlen(line) > VG_CLI_MAX_LINE)
		return false;
	argc = vg_cli_split(line, buf, sizeof(buf), words, VG_CLI_MAX_WORDS, &error);
	if (argc <= 0)
		return false;
	/* Resolved quietly: the error, if any, is printed when the line runs. */
	return vg_cli_resolve(argc, words, &m, NULL) != 1 || !(m.cmd->flags & VG_CLI_SECRET);
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
		interrupted = 0;
		sigprocmask(SIG_UNBLOCK, &sigint_only, NULL);
		if (argc < 0)
			fprintf(stderr, _("vigilctl: %s\n"), _(error));
		else
			vg_cli_run(shell_cli, argc, words);
		sigprocmask(SIG_BLOCK, &sigint_only, NULL);
		interrupted = 0;
		free(buf);
	}
	free(line);
}

/* ---- Completion: the engine of complete.c, handed to readline ---- */

static struct vg_cli_candidates candidates;

static char *candidate_generator(const char *text, int state)
{
	static size_t next;

	(void)text;
	if (state == 0)
		next = 0;
	return next < candidates.n ? strdup(candidates.words[next++]) : NULL;
}

/* Readline's file names, keeping the directories. */
static char *dir_generator(const char *text, int state)
{
	char *name;
	struct stat st;

	while ((name = rl_filename_completion_function(text, state))) {
		char *path = tilde_expand(name);
		bool dir = path && stat(path, &st) == 0 && S_ISDIR(st.st_mode);

		free(path);
		if (dir)
			return name;
		free(name);
		state = 1;
	}
	return NULL;
}

static char **complete(const char *text, int start, int end)
{
	char buf[VG_CLI_MAX_LINE + 1], upto[VG_CLI_MAX_LINE + 1], cur[VG_CLI_MAX_LINE + 1];
	char *words[VG_CLI_MAX_WORDS];
	const char *error;
	int n, word_start = start;

	rl_attempted_completion_over = 1;
	/* The whole word, "--format=js" when readline completes "js". */
	while (word_start > 0 && rl_line_buffer[word_start - 1] != ' ' && rl_line_buffer[word_start - 1] != '\t')
		word_start--;
	snprintf(upto, sizeof(upto), "%.*s", word_start, rl_line_buffer);
	snprintf(cur, sizeof(cur), "%.*s", end - word_start, rl_line_buffer + word_start);
	n = vg_cli_split(upto, buf, sizeof(buf), words, VG_CLI_MAX_WORDS, &error);
	if (n < 0)
		return NULL;
	vg_cli_candidates_free(&candidates);
	vg_cli_complete(shell_cli, n, words, cur, &candidates);
	if (candidates.kind == VG_CLI_COMPLETE_FILES) {
		rl_attempted_completion_over = 0;
		return NULL;
	}
	if (candidates.kind == VG_CLI_COMPLETE_DIRS)
		return rl_completion_matches(text, dir_generator);
	/* "link.port=" goes on with the value: no space after it. */
	if (candidates.n == 1 && candidates.words[0][strlen(candidates.words[0]) - 1] == '=')
		rl_completion_suppress_append = 1;
	return rl_completion_matches(text, candidate_generator);
}

/* Ctrl-C at the prompt: the line is dropped, the history stays, a new prompt comes (as in bash). */
static void clear_line(void)
{
	rl_free_line_state();
	rl_callback_sigcleanup();
	rl_replace_line("", 0);
	rl_echo_signal_char(SIGINT);
	rl_crlf();
	rl_on_new_line();
	rl_redisplay();
}

int vg_cli_shell(struct vg_cli *cli)
{
	const char *home = getenv("HOME");
	json_t *hello = NULL;
	struct sigaction sa = { .sa_handler = on_sigint }, old;
	sigset_t old_mask, wait_mask;

	shell_cli = cli;
	cli->interactive = true;
	rl_readline_name = "vigilctl";
	rl_attempted_completion_function = complete;
	/* "=" ends a word, so that "--format=" and "KEY=" complete what follows. */
	rl_completer_word_break_characters = " \t\n=";
	/* Our handler, without SA_RESTART: Ctrl-C wakes the poll below (or a call waiting on the
	 * agent, which then fails as interrupted) instead of ending the shell. */
	rl_catch_signals = 0;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old);
	sigemptyset(&sigint_only);
	sigaddset(&sigint_only, SIGINT);
	sigprocmask(SIG_BLOCK, &sigint_only, &old_mask);
	wait_mask = old_mask;
	sigdelset(&wait_mask, SIGINT);
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
	/* Readline draws with terminal sequences of its own: it writes under the escaping. */
	if (cli->raw_out)
		rl_outstream = cli->raw_out;
	rl_callback_handler_install("vigil> ", on_line);
	while (!cli->quit) {
		struct pollfd pfd[2] = { { .fd = 0, .events = POLLIN }, { .fd = -1 } };
		int r;

		if (cli->client) {
			pfd[1].fd = vg_client_fd(cli->client);
			pfd[1].events = POLLIN;
		}
		r = ppoll(pfd, 2, NULL, &wait_mask);
		if (interrupted) {
			interrupted = 0;
			clear_line();
			continue;
		}
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
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	sigaction(SIGINT, &old, NULL);
	vg_cli_candidates_free(&candidates);
	if (history_path[0]) {
		stifle_history(HISTORY_MAX);
		write_history(history_path);
	}
	return VG_EXIT_OK;
}
