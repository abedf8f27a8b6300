/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vigilctl commands of the task family: response tasks and the quarantine. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "nls.h"

#define WAIT_MS 20000 /* each call waits this long at most, under the client's own timeout */

/* A path for the agent, whose working directory is not ours: relative names are made
 * absolute here, without resolving links (the agent checks what it opens). */
static json_t *abs_path(const char *path)
{
	char cwd[PATH_MAX], buf[PATH_MAX * 2];

	if (path[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		return json_string(path);
	snprintf(buf, sizeof(buf), "%s/%s", strcmp(cwd, "/") == 0 ? "" : cwd, path);
	return json_string(buf);
}

static bool is_final(const char *state)
{
	return state && strcmp(state, "queued") != 0 && strcmp(state, "running") != 0;
}

static const char *state_text(const char *state)
{
	return vg_present_task_state(state, NULL);
}

/* A task's labelled lines (common/present-task.c), its head and its error aside: the kind, the
 * request, the times and what the kind produced, with local times and sizes in units. */
static void print_task_items(json_t *task, bool all)
{
	struct vg_present_item *items = calloc(VG_PRESENT_MAX_ITEMS, sizeof(*items));
	size_t n, k = 0;

	if (!items)
		return;
	n = vg_present_task(task, (int64_t)time(NULL), items, VG_PRESENT_MAX_ITEMS);
	/* The first two lines (the task, its state) are the heading already printed. */
	for (size_t i = all ? 0 : 2; i < n; i++)
		if (all || strcmp(items[i].label, _("Error")) != 0)
			items[k++] = items[i];
	vg_cli_print_items(stdout, items, k, 2, vg_cli_width(stdout));
	free(items);
}

/* A task for a person: its state, then what its kind produced. */
static void print_task(json_t *task)
{
	const char *kind = vg_present_str(task, "kind"), *state = vg_present_str(task, "state");
	json_t *r = json_object_get(task, "result");
	long long id = (long long)json_integer_value(json_object_get(task, "id"));
	char text[VG_ERROR_MSG_SIZE];

	if (strcmp(kind, "run") == 0 && json_is_object(r) && json_object_get(r, "stdout")) {
		/* The program's own output, as it wrote it, then a summary on stderr. */
		fputs(vg_present_str(r, "stdout"), stdout);
		fflush(stdout);
		fputs(vg_present_str(r, "stderr"), stderr);
		if (json_is_integer(json_object_get(r, "exit_code")))
			fprintf(stderr, _("Task %lld (%s): %s, exit code %lld.\n"), id, kind, state_text(state),
				(long long)json_integer_value(json_object_get(r, "exit_code")));
		else
			fprintf(stderr, _("Task %lld (%s): %s, killed by %s.\n"), id, kind, state_text(state),
				json_is_string(json_object_get(r, "signal")) ? vg_present_str(r, "signal") : "SIGKILL");
		if (json_is_true(json_object_get(r, "stdout_truncated")) || json_is_true(json_object_get(r, "stderr_truncated")))
			fprintf(stderr, "%s\n", _("(output cut at 1 MiB)"));
		if (json_array_size(json_object_get(r, "killed"))) {
			unsigned long n = (unsigned long)json_array_size(json_object_get(r, "killed"));

			fprintf(stderr, P_("(%lu process it left running was killed)\n",
					   "(%lu processes it left running were killed)\n", n), n);
		}
	} else {
		printf(_("Task %lld (%s): %s.\n"), id, kind, state_text(state));
		print_task_items(task, false);
		if (json_is_true(json_object_get(r, "output_withheld")))
			printf("  %s\n", _("(the output and environment of a run are shown to root only)"));
	}
	if (is_final(state) && strcmp(state, "succeeded") != 0)
		fprintf(stderr, _("vigilctl: %s\n"), vg_present_error(json_object_get(task, "error"), text, sizeof(text)));
}

/* Replaces a run's stdout and stderr, sent in part, by the whole (task.output pieces). */
static int fetch_output(struct vg_cli *cli, json_t *task)
{
	static const char *const streams[] = { "stdout", "stderr" };
	json_t *r = json_object_get(task, "result");

	for (size_t i = 0; i < 2; i++) {
		char key[32];
		json_int_t size;
		char *buf;
		size_t len;
		int rc;

		snprintf(key, sizeof(key), "%s_size", streams[i]);
		if (!json_is_integer(json_object_get(r, key)))
			continue;
		size = json_integer_value(json_object_get(r, key));
		if (size < 0 || size > 4 * 1024 * 1024 || !(buf = malloc((size_t)size + 1)))
			return vg_cli_fail(cli, N_("the agent sent a bad output size"));
		len = json_string_length(json_object_get(r, streams[i]));
		memcpy(buf, json_string_value(json_object_get(r, streams[i])), len);
		while ((json_int_t)len < size) {
			json_t *piece;
			size_t n;

			rc = vg_cli_call(cli, VG_CMD_TASK_OUTPUT,
					 json_pack("{s:O, s:s, s:I}", "id", json_object_get(task, "id"), "stream", streams[i],
						   "offset", (json_int_t)len), &piece);
			if (rc != VG_EXIT_OK) {
				free(buf);
				return rc;
			}
			n = json_string_length(json_object_get(piece, "data"));
			if (n == 0 || len + n > (size_t)size) {
				json_decref(piece);
				free(buf);
				return vg_cli_fail(cli, N_("the agent sent a bad output piece"));
			}
			memcpy(buf + len, json_string_value(json_object_get(piece, "data")), n);
			len += n;
			json_decref(piece);
		}
		json_object_set_new(r, streams[i], json_stringn(buf, len));
		json_object_del(r, key);
		free(buf);
	}
	return VG_EXIT_OK;
}

/* A run's exit status, passed through as ssh and docker exec do: the program's own code, 128+N
 * when signal N killed it, VG_EXIT_TIMED_OUT at its timeout, VG_EXIT_NOT_RUN when it never ran
 * (refused, failed to start) or its end is not known (interrupted by a restart of the agent). */
static int program_status(json_t *task)
{
	json_t *r = json_object_get(task, "result"), *code = json_object_get(r, "exit_code");
	const char *sig = json_string_value(json_object_get(r, "signal"));

	if (json_is_integer(code))
		return (int)(json_integer_value(code) & 0xff);
	if (strcmp(vg_present_str(task, "state"), "timed_out") == 0)
		return VG_EXIT_TIMED_OUT;
	for (int n = 1; sig && strncmp(sig, "SIG", 3) == 0 && n < NSIG; n++)
		if (sigabbrev_np(n) && strcmp(sig + 3, sigabbrev_np(n)) == 0)
			return 128 + n;
	return VG_EXIT_NOT_RUN;
}

/* Prints a task that ended; its exit status: 0 succeeded, 1 otherwise, or with program the
 * program's status (program_status). */
static int show_task(struct vg_cli *cli, json_t *task, bool program)
{
	const char *state = vg_present_str(task, "state");
	int rc = !is_final(state) || strcmp(state, "succeeded") == 0 ? VG_EXIT_OK : VG_EXIT_FAILED;
	int frc = fetch_output(cli, task);

	if (frc != VG_EXIT_OK)
		return program ? VG_EXIT_NOT_RUN : frc;
	if (program)
		rc = program_status(task);
	if (cli->json)
		vg_cli_print_json(cli, task);
	else
		print_task(task);
	return rc;
}

static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* Ctrl-C while waiting cancels the task (unless SIGINT is ignored, as under nohup). */
static void catch_interrupt(struct sigaction *old)
{
	struct sigaction sa = { .sa_handler = on_interrupt };

	interrupted = 0;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, NULL, old) == 0 && old->sa_handler != SIG_IGN)
		sigaction(SIGINT, &sa, NULL);
}

/* Sends a task command (it answers at once with the task's id); unless no_wait, waits in
 * steps (task.show) for the task to end, and cancels it on Ctrl-C.  With program (task run)
 * the exit status is the program's, and vigilctl's own failures are VG_EXIT_NOT_RUN. */
static int submit(struct vg_cli *cli, enum vg_cmd cmd, json_t *args, bool no_wait, bool program)
{
	struct sigaction old;
	bool cancel_sent = false;
	json_int_t id;
	json_t *task;
	int rc;

	json_object_set_new(args, "wait_ms", json_integer(0));
	if ((rc = vg_cli_call(cli, cmd, args, &task)) != VG_EXIT_OK)
		return program ? VG_EXIT_NOT_RUN : rc;
	id = json_integer_value(json_object_get(task, "id"));
	if (no_wait) {
		if (cli->json)
			vg_cli_print_json(cli, task);
		else
			printf(_("Task %lld queued.\n"), (long long)id);
		json_decref(task);
		return VG_EXIT_OK;
	}
	catch_interrupt(&old);
	while (!is_final(vg_present_str(task, "state"))) {
		json_t *next = NULL;

		if (interrupted && !cancel_sent) {
			fprintf(stderr, _("vigilctl: cancelling task %lld\n"), (long long)id);
			cancel_sent = true;
			rc = vg_cli_call(cli, VG_CMD_TASK_CANCEL, json_pack("{s:I, s:i}", "id", id, "wait_ms", WAIT_MS), &next);
		} else {
			rc = vg_cli_call(cli, VG_CMD_TASK_SHOW, json_pack("{s:I, s:i}", "id", id, "wait_ms", WAIT_MS), &next);
			if (rc != VG_EXIT_OK && interrupted && !cancel_sent)
				continue; /* the wait was interrupted: cancel now */
		}
		if (rc != VG_EXIT_OK) {
			json_decref(task);
			sigaction(SIGINT, &old, NULL);
			return program ? VG_EXIT_NOT_RUN : rc;
		}
		json_decref(task);
		task = next;
	}
	sigaction(SIGINT, &old, NULL);
	rc = show_task(cli, task, program);
	json_decref(task);
	return rc;
}

static int run_get_file(struct vg_cli *cli, const struct vg_cli_args *args)
{
	json_t *req = json_pack("{s:o}", "path", abs_path(vg_cli_arg_str(args, 0)));

	vg_cli_opts_to_json(args, req, "sha256", NULL);
	return submit(cli, VG_CMD_TASK_GET_FILE, req, vg_cli_opt_flag(args, "no-wait"), false);
}

static int run_delete_file(struct vg_cli *cli, const struct vg_cli_args *args)
{
	bool quarantine = vg_cli_opt_flag(args, "quarantine");
	const char *path = vg_cli_arg_str(args, 0);
	char question[VG_CLI_MAX_LINE / 16];
	json_t *req;
	int rc;

	if (!quarantine) {
		snprintf(question, sizeof(question), _("Delete %s for good (no copy is kept)?"), path);
		if ((rc = vg_cli_confirm(cli, args, question)) != VG_EXIT_OK)
			return rc;
	}
	req = json_pack("{s:o, s:b}", "path", abs_path(path), "quarantine", quarantine);
	vg_cli_opts_to_json(args, req, "sha256", NULL);
	if (vg_cli_opt_flag(args, "force"))
		json_object_set_new(req, "force", json_true());
	return submit(cli, VG_CMD_TASK_DELETE_FILE, req, vg_cli_opt_flag(args, "no-wait"), false);
}

/* Options come before the executable (VG_CLI_OPTIONS_FIRST); everything after it is the program's. */
static int run_run(struct vg_cli *cli, const struct vg_cli_args *args)
{
	const char *exe = vg_cli_arg_str(args, 0);
	json_t *req, *env, *pargs;

	for (int i = 0; i < vg_cli_opt_count(args, "env"); i++) {
		const char *value = vg_cli_opt_str_at(args, "env", i);

		if (!strchr(value, '=') || value[0] == '=') {
			vg_cli_usage(cli, args->cmd, N_("--env takes NAME=VALUE"));
			return VG_EXIT_NOT_RUN;
		}
	}
	if (exe[0] != '/') {
		vg_cli_usage(cli, args->cmd, N_("give the program's absolute path (no shell looks it up): %s"), exe);
		return VG_EXIT_NOT_RUN;
	}
	req = json_pack("{s:s}", "exe", exe);
	env = json_array();
	pargs = json_array();
	if (vg_cli_opt_str(args, "cwd"))
		json_object_set_new(req, "cwd", abs_path(vg_cli_opt_str(args, "cwd")));
	vg_cli_opts_to_json(args, req, "user", "timeout", NULL);
	for (int i = 0; i < vg_cli_opt_count(args, "env"); i++)
		json_array_append_new(env, json_string(vg_cli_opt_str_at(args, "env", i)));
	for (int i = 1; i < vg_cli_arg_count(args); i++)
		json_array_append_new(pargs, json_string(vg_cli_arg_str(args, i)));
	json_object_set_new(req, "args", pargs);
	json_object_set_new(req, "env", env);
	return submit(cli, VG_CMD_TASK_RUN, req, vg_cli_opt_flag(args, "no-wait"), true);
}

static int run_terminate(struct vg_cli *cli, const struct vg_cli_args *args)
{
	const char *exe = vg_cli_opt_str(args, "exe"), *sha = vg_cli_opt_str(args, "sha256");
	bool pid = vg_cli_arg_count(args) > 0;
	json_t *req;

	if (pid + (exe != NULL) + (sha != NULL) != 1 || (vg_cli_opt_flag(args, "start-time") && !pid))
		return vg_cli_usage(cli, args->cmd, N_("give one of PID, --exe PATH and --sha256 HEX"));
	req = json_object();
	if (pid)
		json_object_set_new(req, "pid", json_integer(vg_cli_arg_num(args, 0)));
	vg_cli_opts_to_json(args, req, "start-time", "sha256", NULL);
	if (exe)
		json_object_set_new(req, "exe", abs_path(exe));
	return submit(cli, VG_CMD_TASK_TERMINATE, req, vg_cli_opt_flag(args, "no-wait"), false);
}

static int run_show(struct vg_cli *cli, const struct vg_cli_args *args)
{
	json_int_t id = vg_cli_arg_num(args, 0);
	json_t *task;
	int rc;

	if ((rc = vg_cli_call(cli, VG_CMD_TASK_SHOW, json_pack("{s:I}", "id", id), &task)) != VG_EXIT_OK)
		return rc;
	if ((rc = fetch_output(cli, task)) != VG_EXIT_OK) {
		json_decref(task);
		return rc;
	}
	if (cli->json) {
		vg_cli_print_json(cli, task);
	} else {
		json_t *r = json_object_get(task, "result");

		/* A run's output as the program wrote it, then every fact of the task. */
		if (json_is_object(r) && json_is_string(json_object_get(r, "stdout"))) {
			fputs(vg_present_str(r, "stdout"), stdout);
			fputs(vg_present_str(r, "stderr"), stderr);
			fflush(stdout);
		}
		print_task_items(task, true);
		if (json_is_true(json_object_get(r, "output_withheld")))
			printf("  %s\n", _("(the output and environment of a run are shown to root only)"));
	}
	json_decref(task);
	return VG_EXIT_OK;
}

static int run_cancel(struct vg_cli *cli, const struct vg_cli_args *args)
{
	json_int_t id = vg_cli_arg_num(args, 0);
	json_t *task;
	int rc;

	if ((rc = vg_cli_call(cli, VG_CMD_TASK_CANCEL, json_pack("{s:I, s:i}", "id", id, "wait_ms", WAIT_MS), &task)) !=
	    VG_EXIT_OK)
		return rc;
	if (cli->json)
		vg_cli_print_json(cli, task);
	else
		printf(_("Task %lld: %s.\n"), (long long)id, state_text(vg_present_str(task, "state")));
	json_decref(task);
	return VG_EXIT_OK;
}

/* One line of task list: what the task was about. */
static void task_subject(json_t *task, char *buf, size_t size)
{
	json_t *req = json_object_get(task, "request");

	if (json_is_string(json_object_get(req, "path")))
		snprintf(buf, size, "%s", vg_present_str(req, "path"));
	else if (json_is_string(json_object_get(req, "exe")))
		snprintf(buf, size, "%s", vg_present_str(req, "exe"));
	else if (json_is_integer(json_object_get(req, "pid")))
		snprintf(buf, size, "pid %lld", (long long)json_integer_value(json_object_get(req, "pid")));
	else if (json_is_string(json_object_get(req, "sha256")))
		snprintf(buf, size, "sha256 %s", vg_present_str(req, "sha256"));
	else if (json_is_string(json_object_get(req, "id")))
		snprintf(buf, size, "%s", vg_present_str(req, "id"));
	else
		buf[0] = '\0';
}

static const struct vg_cli_column task_columns[] = {
	{ "id", N_("ID"), true }, { "kind", N_("KIND"), false }, { "state", N_("STATE"), false },
	{ "created", N_("REQUESTED"), false }, { "subject", N_("SUBJECT"), false }, { NULL, NULL, false },
};

static void task_cell(json_t *task, int col, bool csv, char *buf, size_t size)
{
	switch (col) {
	case 0:
		snprintf(buf, size, "%lld", (long long)json_integer_value(json_object_get(task, "id")));
		break;
	case 1:
		snprintf(buf, size, "%s", vg_present_str(task, "kind"));
		break;
	case 2:
		snprintf(buf, size, "%s", csv ? vg_present_str(task, "state") : state_text(vg_present_str(task, "state")));
		break;
	case 3:
		if (csv)
			snprintf(buf, size, "%s", vg_present_str(task, "created"));
		else
			vg_cli_time_of(task, "created", buf, size);
		break;
	default:
		task_subject(task, buf, size);
		break;
	}
}

static const struct vg_cli_list task_list = {
	.columns = task_columns, .cell = task_cell, .empty = N_("No task."),
};

static int run_list(struct vg_cli *cli, const struct vg_cli_args *args)
{
	json_t *req = json_object(), *list;
	int rc;

	vg_cli_opts_to_json(args, req, "state", "limit", NULL);
	if ((rc = vg_cli_call(cli, VG_CMD_TASK_LIST, req, &list)) != VG_EXIT_OK)
		return rc;
	/* Newest first, as the agent gives them. */
	rc = vg_cli_print_list(cli, args, list, NULL, &task_list);
	json_decref(list);
	return rc;
}

static const struct vg_cli_column quarantine_columns[] = {
	{ "id", N_("ID"), false }, { "quarantined_at", N_("QUARANTINED"), false }, { "size", N_("SIZE"), true },
	{ "sha256", "SHA-256", false }, { "path", N_("ORIGINAL PATH"), false }, { NULL, NULL, false },
};

static void quarantine_cell(json_t *e, int col, bool csv, char *buf, size_t size)
{
	switch (col) {
	case 0:
		snprintf(buf, size, "%s", vg_present_str(e, "id"));
		break;
	case 1:
		if (csv)
			snprintf(buf, size, "%s", vg_present_str(e, "quarantined_at"));
		else
			vg_cli_time_of(e, "quarantined_at", buf, size);
		break;
	case 2:
		snprintf(buf, size, "%lld", (long long)json_integer_value(json_object_get(e, "size")));
		break;
	case 3:
		/* The table shows enough of the hash to tell entries apart; CSV all of it. */
		snprintf(buf, size, csv ? "%s" : "%.16s", vg_present_str(e, "sha256"));
		break;
	default:
		snprintf(buf, size, "%s", vg_present_str(e, "path"));
		break;
	}
}

static const struct vg_cli_list quarantine_list = {
	.columns = quarantine_columns, .cell = quarantine_cell, .empty = N_("The quarantine is empty."),
};

static int run_quarantine_list(struct vg_cli *cli, const struct vg_cli_args *args)
{
	json_t *list;
	int rc;

	if ((rc = vg_cli_call(cli, VG_CMD_QUARANTINE_LIST, NULL, &list)) != VG_EXIT_OK)
		return rc;
	/* Newest first, as the agent gives them. */
	rc = vg_cli_print_list(cli, args, list, NULL, &quarantine_list);
	json_decref(list);
	return rc;
}

static int run_quarantine_restore(struct vg_cli *cli, const struct vg_cli_args *args)
{
	return submit(cli, VG_CMD_QUARANTINE_RESTORE, json_pack("{s:s}", "id", vg_cli_arg_str(args, 0)),
		      vg_cli_opt_flag(args, "no-wait"), false);
}

static int run_quarantine_purge(struct vg_cli *cli, const struct vg_cli_args *args)
{
	const char *id = vg_cli_arg_str(args, 0);
	char question[256];
	int rc;

	snprintf(question, sizeof(question), _("Delete quarantine entry %s for good?"), id);
	if ((rc = vg_cli_confirm(cli, args, question)) != VG_EXIT_OK)
		return rc;
	return submit(cli, VG_CMD_QUARANTINE_PURGE, json_pack("{s:s}", "id", id), vg_cli_opt_flag(args, "no-wait"), false);
}

static const char *const task_states[] = { "queued",    "running",   "succeeded",   "failed", "refused",
					   "cancelled", "timed_out", "interrupted", NULL };

#define OPT_NO_WAIT { .name = "no-wait", .help = N_("return once the task is queued, without waiting for its end") }
#define OPT_YES { .name = "yes", .help = N_("do not ask for confirmation (needed in scripts)") }
#define OPT_SHA256(text) { .name = "sha256", .type = VG_CLI_STRING, .metavar = "HEX", .help = text }

static const struct vg_cli_spec one_path[] = {
	{ .name = "PATH", .type = VG_CLI_PATH, .min_count = 1, .max_count = 1 },
	{ NULL },
};

static const struct vg_cli_spec task_id[] = {
	{ .name = "ID", .type = VG_CLI_INT, .min = 1, .source = VG_CLI_SRC_TASKS, .min_count = 1, .max_count = 1 },
	{ NULL },
};

static const struct vg_cli_spec quarantine_id[] = {
	{ .name = "ID", .type = VG_CLI_STRING, .source = VG_CLI_SRC_QUARANTINE, .min_count = 1, .max_count = 1 },
	{ NULL },
};

const struct vg_cli_command vg_cli_cmds_task[] = {
	{ .name = "task get-file", .help = N_("Collect a file: its hashes, facts and a copy"),
	  .details = N_("Regular files only, up to tasks.get_file_max_mb.  Without a server, the copy goes into the\n"
			"agent's collection directory (STATE_DIR/collected, 0600).  With --sha256 the copy is kept\n"
			"only when the content matches."),
	  .proto = VG_CMD_TASK_GET_FILE,
	  .options = (const struct vg_cli_spec[]){
		  OPT_SHA256(N_("keep the copy only when the content has this SHA-256")), OPT_NO_WAIT, { NULL } },
	  .operands = one_path, .run = run_get_file },
	{ .name = "task delete-file", .help = N_("Delete a file or a symbolic link (never its target)"),
	  .details = N_("With --sha256 nothing is deleted unless the content matches; with --quarantine a copy goes\n"
			"first into the quarantine (see \"quarantine list\").  Directories, device files, files under\n"
			"/proc, /sys and /dev, paths through a symbolic link and the agent's own files are refused.\n"
			"Protected files (the dynamic loader, libc, /etc/passwd, /etc/shadow, /etc/group, packages'\n"
			"files, /boot, the kernel modules, tasks.protected_paths) need --force.\n\n"
			"Without --quarantine nothing can bring the file back: a person at a terminal is asked\n"
			"to confirm; a script gives --yes."),
	  .proto = VG_CMD_TASK_DELETE_FILE,
	  .options = (const struct vg_cli_spec[]){
		  OPT_SHA256(N_("delete only when the content has this SHA-256")),
		  { .name = "quarantine", .help = N_("keep a copy in the quarantine first") },
		  { .name = "force", .help = N_("act even on a protected file") },
		  OPT_NO_WAIT, OPT_YES, { NULL } },
	  .operands = one_path, .run = run_delete_file },
	{ .name = "task run", .help = N_("Run a program on the host, without a shell"),
	  .details = N_("Options come before the program; everything after it is the program's own.  The program runs\n"
			"as USER (default: tasks.run_default_user) in a cgroup of its own: everything it started is\n"
			"killed when it ends, at the timeout (default: tasks.run_default_timeout) or on a cancel,\n"
			"and the task says what.  The first MiB of stdout and stderr is kept.\n\n"
			"vigilctl exits with the program's status, as ssh does: its exit code, 128+N when signal N\n"
			"killed it, 124 at the timeout, and 125 when it did not run (the reason is on stderr: refused,\n"
			"failed to start, usage error, agent unreachable).  With --no-wait, 0 once it is queued."),
	  .proto = VG_CMD_TASK_RUN, .flags = VG_CLI_OPTIONS_FIRST | VG_CLI_PROGRAM_STATUS,
	  .options = (const struct vg_cli_spec[]){
		  { .name = "cwd", .type = VG_CLI_PATH, .metavar = "DIR", .source = VG_CLI_SRC_DIRS,
		    .help = N_("the working directory") },
		  { .name = "user", .type = VG_CLI_STRING, .metavar = "USER", .source = VG_CLI_SRC_USERS,
		    .help = N_("the user to run as") },
		  { .name = "timeout", .type = VG_CLI_INT, .metavar = "SECONDS", .min = 1, .max = 86400,
		    .help = N_("kill the program after SECONDS") },
		  { .name = "env", .type = VG_CLI_STRING, .metavar = "NAME=VALUE", .flags = VG_CLI_OPT_MULTI,
		    .help = N_("a variable of the program's environment") },
		  OPT_NO_WAIT, { NULL } },
	  .operands = (const struct vg_cli_spec[]){
		  { .name = "EXE", .type = VG_CLI_PATH, .min_count = 1, .max_count = 1 },
		  { .name = "ARGS", .type = VG_CLI_STRING, .source = VG_CLI_SRC_FILES, .max_count = -1 },
		  { NULL } },
	  .run = run_run },
	{ .name = "task terminate", .help = N_("Terminate a process, or every process running a given executable"),
	  .details = N_("SIGTERM, then SIGKILL after tasks.terminate_grace_seconds.  With --start-time (clock ticks\n"
			"after boot, field 22 of /proc/PID/stat) a pid now used by another process is left alone.\n"
			"Pid 1, kernel threads and the agent itself are refused.  Give one of PID, --exe and --sha256."),
	  .proto = VG_CMD_TASK_TERMINATE,
	  .options = (const struct vg_cli_spec[]){
		  { .name = "exe", .type = VG_CLI_PATH, .metavar = "PATH", .group = 1,
		    .help = N_("every process running this executable") },
		  { .name = "sha256", .type = VG_CLI_STRING, .metavar = "HEX", .group = 1,
		    .help = N_("every process whose executable has this SHA-256") },
		  { .name = "start-time", .type = VG_CLI_INT, .metavar = "TICKS",
		    .help = N_("the process's start time, to spare a reused pid") },
		  OPT_NO_WAIT, { NULL } },
	  .operands = (const struct vg_cli_spec[]){
		  { .name = "PID", .type = VG_CLI_INT, .min = 1, .max_count = 1 }, { NULL } },
	  .run = run_terminate },
	{ .name = "task list", .help = N_("List the tasks, newest first"), .proto = VG_CMD_TASK_LIST,
	  .options = (const struct vg_cli_spec[]){
		  { .name = "state", .type = VG_CLI_ENUM, .words = task_states, .help = N_("only the tasks in this state") },
		  { .name = "limit", .type = VG_CLI_INT, .min = 1, .max = 10000, .help = N_("show the last N tasks") },
		  VG_CLI_OPT_LIST_FORMAT, { NULL } },
	  .run = run_list },
	{ .name = "task show", .help = N_("Show a task and its result"), .proto = VG_CMD_TASK_SHOW, .operands = task_id,
	  .run = run_show },
	{ .name = "task cancel", .help = N_("Cancel a queued or running task"), .proto = VG_CMD_TASK_CANCEL,
	  .operands = task_id, .run = run_cancel },
	{ .name = "quarantine list", .help = N_("List the files in quarantine"), .proto = VG_CMD_QUARANTINE_LIST,
	  .options = (const struct vg_cli_spec[]){ VG_CLI_OPT_LIST_FORMAT, { NULL } }, .run = run_quarantine_list },
	{ .name = "quarantine restore", .help = N_("Put a quarantined file back, with its mode and owner"),
	  .details = N_("The original path must not exist; the entry leaves the quarantine once restored."),
	  .proto = VG_CMD_QUARANTINE_RESTORE, .options = (const struct vg_cli_spec[]){ OPT_NO_WAIT, { NULL } },
	  .operands = quarantine_id, .run = run_quarantine_restore },
	{ .name = "quarantine purge", .help = N_("Delete a quarantined file for good"),
	  .details = N_("A person at a terminal is asked to confirm; a script gives --yes."),
	  .proto = VG_CMD_QUARANTINE_PURGE, .options = (const struct vg_cli_spec[]){ OPT_NO_WAIT, OPT_YES, { NULL } },
	  .operands = quarantine_id, .run = run_quarantine_purge },
	{ NULL },
};
