/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * vigilctl: one command table drives parsing, dispatch, help, completion and the
 * man page.  Each command family lives in its own cmd-*.c and exports its entries.
 */
#ifndef VIGIL_CLI_H
#define VIGIL_CLI_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "vigil/client.h"

/* Exit codes, documented in vigilctl(8). */
enum {
	VG_EXIT_OK = 0,
	VG_EXIT_FAILED = 1,
	VG_EXIT_USAGE = 2,
	VG_EXIT_UNREACHABLE = 3,
};

#define VG_CLI_MAX_WORDS 256
#define VG_CLI_MAX_LINE (64 * 1024)
#define VG_CLI_TIMEOUT_MS 30000

struct vg_cli {
	const char *socket_path;
	struct vg_client *client;   /* connected on first use, reconnected after a loss */
	bool json;                  /* print the agent's result as JSON */
	bool interactive;
	bool quit;
};

struct vg_cli_command;
typedef int (*vg_cli_run_fn)(struct vg_cli *cli, const struct vg_cli_command *cmd, int argc, char **argv);
/* Completion of argument index argi: returns the state-th candidate starting with text (malloc'd),
 * or NULL when there are no more.  May return the special value VG_CLI_COMPLETE_FILES. */
typedef char *(*vg_cli_complete_fn)(struct vg_cli *cli, const char *text, int argi, int state);

#define VG_CLI_COMPLETE_FILES ((char *)1)

#define VG_CLI_NO_CMD (-1) /* a command of the shell itself, no agent command */

#define VG_CLI_SECRET 0x1 /* never written to the history file */
#define VG_CLI_LOCAL 0x2  /* runs without the agent */

struct vg_cli_command {
	const char *name;          /* words, e.g. "settings set" */
	const char *synopsis;      /* arguments, e.g. "KEY=VALUE..." */
	const char *help;          /* N_() one line */
	const char *details;       /* N_() longer text for "help COMMAND", or NULL */
	int proto;                 /* the agent command it runs (enum vg_cmd), or VG_CLI_NO_CMD */
	unsigned flags;
	int min_args, max_args;    /* max -1: no limit */
	vg_cli_complete_fn complete;
	vg_cli_run_fn run;
};

/* Command families. */
extern const struct vg_cli_command vg_cli_cmds_general[];
extern const struct vg_cli_command vg_cli_cmds_status[];
extern const struct vg_cli_command vg_cli_cmds_settings[];
extern const struct vg_cli_command vg_cli_cmds_telemetry[];
extern const struct vg_cli_command vg_cli_cmds_link[];
extern const struct vg_cli_command vg_cli_cmds_isolation[];
extern const struct vg_cli_command vg_cli_cmds_task[];
extern const struct vg_cli_command vg_cli_cmds_ioc[];

/* The table: visits every command in order. */
const struct vg_cli_command *vg_cli_command_at(size_t i);

/* Resolves words (unambiguous prefixes accepted).  Returns the command and sets *consumed to the
 * number of words its name took; NULL when unknown, ambiguous or incomplete, with the reason
 * printed to errors (NULL: quietly, as completion does). */
const struct vg_cli_command *vg_cli_lookup(int argc, char **argv, int *consumed, FILE *errors);

/* Splits a line into words (single and double quotes, backslash escapes).  Returns the count,
 * or -1 with *error set to a static message.  words[i] point into buf (size len + 1). */
int vg_cli_split(const char *line, char *buf, size_t bufsize, char **words, int max, const char **error);

/* Runs one command line already split; returns an exit code. */
int vg_cli_run(struct vg_cli *cli, int argc, char **argv);

/* Talks to the agent: connects when needed, reports errors on stderr in the user's
 * language, and returns an exit code (VG_EXIT_*).  *result is a new reference on success. */
int vg_cli_call(struct vg_cli *cli, enum vg_cmd cmd, json_t *args, json_t **result);

/* Prints a usage error for cmd and returns VG_EXIT_USAGE. */
int vg_cli_usage(const struct vg_cli_command *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints an error (translated already) and returns VG_EXIT_FAILED. */
int vg_cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints a JSON value on stdout (indented). */
void vg_cli_print_json(json_t *value);
/* With --json: prints result, releases it and returns true (the command is done);
 * otherwise returns false and leaves result to the caller's table. */
bool vg_cli_json_done(const struct vg_cli *cli, json_t *result);

/* Prints a duration like "2 h 5 min" / "12 s". */
void vg_cli_format_duration(long long seconds, char *buf, size_t size);
/* Prints a time (seconds since the epoch) in local time. */
void vg_cli_format_time(long long when, char *buf, size_t size);

/* Help. */
void vg_cli_help_all(FILE *out);
int vg_cli_help_command(FILE *out, int argc, char **argv);
void vg_cli_print_roff(FILE *out);

/* Modes. */
int vg_cli_shell(struct vg_cli *cli);
int vg_cli_script(struct vg_cli *cli, FILE *in, const char *name);

/* Completion of setting names (shared by settings show/set). */
char *vg_cli_complete_setting(struct vg_cli *cli, const char *text, int argi, int state);

#endif
