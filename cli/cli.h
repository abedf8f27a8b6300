/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * vigilctl: one command table drives parsing, dispatch, help, completion and the
 * man page.  Each command family lives in its own cmd-*.c and exports its entries;
 * each entry declares its options and operands, which one parser (args.c) reads
 * before the handler runs, and from which the synopsis, the help, the man page and
 * the completion are made.
 */
#ifndef VIGIL_CLI_H
#define VIGIL_CLI_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "present.h"
#include "vigil/client.h"
#include "vigil/error.h"

/* Exit codes, documented in vigilctl(8). */
enum {
	VG_EXIT_OK = 0,
	VG_EXIT_FAILED = 1,
	VG_EXIT_USAGE = 2,
	VG_EXIT_UNREACHABLE = 3,
	VG_EXIT_MATCHED = 4,      /* ioc scan: a document matched (as clamscan's 1 on a find) */
	/* task run passes its program's status through (as ssh and docker exec): 0-255, 128+N for
	 * a signal, VG_EXIT_TIMED_OUT at its timeout; VG_EXIT_NOT_RUN when the program did not run
	 * (refused, failed to start, usage error, agent unreachable) or its status is not known. */
	VG_EXIT_TIMED_OUT = 124,  /* as timeout(1) */
	VG_EXIT_NOT_RUN = 125,    /* as env(1), timeout(1) and docker run for their own failures */
};

#define VG_CLI_MAX_WORDS 256
#define VG_CLI_MAX_LINE (64 * 1024)
#define VG_CLI_TIMEOUT_MS 30000

struct vg_cli {
	const char *socket_path;
	struct vg_client *client;   /* connected on first use, reconnected after a loss */
	bool json;                  /* print the agent's result as JSON */
	bool json_indent;           /* one indented document (a terminal, one command), else JSON Lines */
	bool interactive;           /* the shell */
	bool script;                /* the commands come from a file or a pipe */
	bool quit;
	json_t *setting_keys;       /* asked of the agent once, for completion */
	FILE *raw_out, *raw_err;    /* the streams under stdout and stderr once they escape controls */
};

/* ---- Declarations: options and operands ---- */

/* The type of an option's value or of an operand. */
enum vg_cli_type {
	VG_CLI_FLAG,     /* an option without a value */
	VG_CLI_STRING,   /* any text */
	VG_CLI_PATH,     /* a file name (not empty) */
	VG_CLI_INT,      /* a decimal number from .min to .max (.max 0: no upper bound) */
	VG_CLI_ENUM,     /* one of .words, in any case; the table's spelling is kept */
	VG_CLI_DURATION, /* N with s, m, h or d; a bare N counts .unit seconds; number: seconds */
	VG_CLI_SIZE,     /* N with K, M or G (KiB, MB...); number: bytes */
	VG_CLI_SINCE,    /* a duration back from now or a local date; number: ms since the epoch */
};

/* Where completion finds the candidates of a value, besides .words. */
enum vg_cli_source {
	VG_CLI_SRC_DEFAULT,    /* .words, or files for VG_CLI_PATH */
	VG_CLI_SRC_FILES,
	VG_CLI_SRC_DIRS,
	VG_CLI_SRC_COMMANDS,   /* command words (help) */
	VG_CLI_SRC_SETTINGS,   /* the agent's setting keys */
	VG_CLI_SRC_ASSIGN,     /* the agent's setting keys, followed by "=" */
	VG_CLI_SRC_USERS,      /* the host's user names */
	VG_CLI_SRC_TASKS,      /* task ids */
	VG_CLI_SRC_QUARANTINE, /* quarantine entry ids */
	VG_CLI_SRC_SERVERS,    /* the configured central servers */
	VG_CLI_SRC_EXCEPTIONS, /* isolation exception ids */
	VG_CLI_SRC_EXCLUSIONS, /* telemetry exclusion ids */
	VG_CLI_SRC_SCANS,      /* IOC scan ids */
};

/* An option (.name is the long name without "--") or an operand (.name as the synopsis shows
 * it, "PATH").  A table of them ends with an entry whose name is NULL. */
struct vg_cli_spec {
	const char *name;
	char letter;               /* options: a short letter, or 0 */
	char old_letter;           /* options: a letter still accepted, with a warning, or 0 */
	enum vg_cli_type type;
	const char *metavar;       /* options: the value's name ("HEX"); NULL: made from the type */
	const char *const *words;  /* VG_CLI_ENUM: the words accepted; others: words to complete */
	long long min, max;        /* VG_CLI_INT, VG_CLI_DURATION: the range */
	long long unit;            /* VG_CLI_DURATION: seconds of a bare number (0: 1) */
	enum vg_cli_source source;
	unsigned flags;            /* VG_CLI_OPT_* */
	int group;                 /* options: those with the same non-zero group exclude each other */
	int min_count, max_count;  /* operands: how many (max_count -1: no limit, last operand only) */
	const char *help;          /* options: N_() one line */
};

#define VG_CLI_OPT_MULTI 0x1  /* may be repeated; every value is kept */
#define VG_CLI_OPT_HIDDEN 0x2 /* left out of the help, the synopsis and completion */

/* A value as parsed: the word given and, for numeric types, its number. */
struct vg_cli_value {
	const char *text;
	long long number;
};

struct vg_cli_command;

/* What the parser read from a command's words; the texts point into the words parsed. */
struct vg_cli_args {
	const struct vg_cli_command *cmd;
	bool help;                  /* -h or --help was given: the rest was not read */
	int nopts;
	struct {
		int spec;           /* index in cmd->options */
		struct vg_cli_value value;
	} opts[VG_CLI_MAX_WORDS];
	int noperands;
	struct vg_cli_value operands[VG_CLI_MAX_WORDS];
	int first_operand;          /* index in the words of the first operand (words parsed if none) */
	int ndeprecated;            /* options given by a letter still accepted with a warning */
	const struct vg_cli_spec *deprecated[4];
};

/* ---- The command table ---- */

typedef int (*vg_cli_run_fn)(struct vg_cli *cli, const struct vg_cli_args *args);

#define VG_CLI_NO_CMD (-1) /* a command of the shell itself, no agent command */

#define VG_CLI_SECRET 0x1        /* never written to the history file */
#define VG_CLI_LOCAL 0x2         /* runs without the agent */
#define VG_CLI_OPTIONS_FIRST 0x4 /* options end at the first operand (the rest belongs to a program) */
#define VG_CLI_PROGRAM_STATUS 0x8 /* exits with a program's status: vigilctl's own failures are VG_EXIT_NOT_RUN */

struct vg_cli_command {
	const char *name;          /* words, e.g. "settings set" */
	const char *help;          /* N_() one line */
	const char *details;       /* N_() longer text for "help COMMAND", or NULL; "\n" is a space */
	int proto;                 /* the agent command it runs (enum vg_cmd), or VG_CLI_NO_CMD */
	unsigned flags;
	const struct vg_cli_spec *options;  /* NULL or ended by { NULL } */
	const struct vg_cli_spec *operands; /* NULL or ended by { NULL } */
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
extern const struct vg_cli_command vg_cli_cmds_detection[];

/* vigilctl itself: its options, read by the same parser (main.c). */
extern const struct vg_cli_command vg_cli_program;

/* The table: visits every command in order. */
const struct vg_cli_command *vg_cli_command_at(size_t i);

/* What words name. */
struct vg_cli_match {
	const struct vg_cli_command *cmd; /* the command, or NULL for a group */
	int consumed;                     /* the words its name (or the group's) took */
	char group[128];                  /* a group's full words ("isolation exception") */
};

/* Resolves words (unambiguous prefixes accepted): 1 a command, 0 a group of commands (the words
 * stop before a command is complete, or go on with an option), -1 unknown or ambiguous, with the
 * reason in err. */
int vg_cli_resolve(int argc, char **argv, struct vg_cli_match *m, struct vg_error *err);

/* Does cmd belong to the group ("settings" holds "settings set")? */
bool vg_cli_in_group(const struct vg_cli_command *cmd, const char *group);

/* Splits a line into words (single and double quotes, backslash escapes).  Returns the count,
 * or -1 with *error set to a static message.  words[i] point into buf (size len + 1). */
int vg_cli_split(const char *line, char *buf, size_t bufsize, char **words, int max, const char **error);

/* Runs one command line already split; returns an exit code. */
int vg_cli_run(struct vg_cli *cli, int argc, char **argv);

/* ---- The parser (args.c) ---- */

/* Reads a command's words (after its name) against its declaration: options anywhere (only
 * before the first operand with VG_CLI_OPTIONS_FIRST), "--" ends them, --name=value or --name
 * value, -x, -xyz for flags, unambiguous prefixes of long names; values checked by type;
 * operand counts checked.  -h and --help stop the reading (args->help).  Returns 0, or
 * -EINVAL with err saying what is wrong (message id and arguments). */
int vg_cli_parse(const struct vg_cli_command *cmd, int argc, char **argv, struct vg_cli_args *args,
		 struct vg_error *err);

/* The values of options, by long name; a name the command does not declare is a programming
 * error (the program stops, naming it). */
bool vg_cli_opt_flag(const struct vg_cli_args *args, const char *name);
const char *vg_cli_opt_str(const struct vg_cli_args *args, const char *name);  /* the last, or NULL */
bool vg_cli_opt_num(const struct vg_cli_args *args, const char *name, long long *number);
int vg_cli_opt_count(const struct vg_cli_args *args, const char *name);
const char *vg_cli_opt_str_at(const struct vg_cli_args *args, const char *name, int index);
/* Operands, in order. */
int vg_cli_arg_count(const struct vg_cli_args *args);
const char *vg_cli_arg_str(const struct vg_cli_args *args, int index);
long long vg_cli_arg_num(const struct vg_cli_args *args, int index);

/* Puts the options named (a NULL-terminated list) that were given into an agent request, each
 * under the key of its name ("remote-port" as "remote_port"): true for a flag, a number for the
 * numeric types, else the text. */
void vg_cli_opts_to_json(const struct vg_cli_args *args, json_t *request, ...) __attribute__((sentinel));

/* Reads a value of spec's type from text (used by the parser and by completion). */
int vg_cli_parse_value(const struct vg_cli_spec *spec, const char *what, const char *text, long long *number,
		       struct vg_error *err);

/* The option of a table by long name (exact), or NULL. */
const struct vg_cli_spec *vg_cli_find_option(const struct vg_cli_spec *options, const char *name);

/* ---- Help (help.c) ---- */

/* The synopsis made from the declaration: "[--sha256 HEX] [--no-wait] PATH".  glue joins the
 * words that belong together ("--sha256 HEX"): " " for people, another byte for the wrapper. */
void vg_cli_synopsis(const struct vg_cli_command *cmd, char glue, char *buf, size_t size);
/* The value's name for an option or operand: "HEX", "in|out|both". */
const char *vg_cli_metavar(const struct vg_cli_spec *spec, char *buf, size_t size);

/* The width to wrap to: the terminal's when out is one, else 80. */
int vg_cli_width(FILE *out);
/* Prints text from column col (already there) wrapped at width, the next lines at column indent;
 * breaks at spaces only, never inside a word joined by glue (printed as a space), and cuts a
 * word longer than a line.  Ends with a newline. */
void vg_cli_wrap(FILE *out, const char *text, int col, int indent, int width, char glue);

/* "Usage: NAME SYNOPSIS", wrapped. */
void vg_cli_print_usage(FILE *out, const struct vg_cli_command *cmd);
void vg_cli_help_all(FILE *out);
/* Help for words: a command's full help, or the commands of a group.  Returns an exit code. */
int vg_cli_help_words(struct vg_cli *cli, FILE *out, int argc, char **argv);
void vg_cli_help_command(FILE *out, const struct vg_cli_command *cmd);
void vg_cli_help_group(FILE *out, const char *group);
/* The options of a declaration, one per line with their help (used for vigilctl --help too). */
void vg_cli_help_options(FILE *out, const struct vg_cli_command *cmd, int width);
void vg_cli_print_roff(FILE *out);

/* ---- Talking to the agent, errors, output ---- */

/* Talks to the agent: connects when needed, reports errors in the user's language (and as
 * JSON with --json), and returns an exit code (VG_EXIT_*).  *result is a new reference on success. */
int vg_cli_call(struct vg_cli *cli, enum vg_cmd cmd, json_t *args, json_t **result);
/* The same without reporting: the caller decides (an error it expects is an answer). */
int vg_cli_request(struct vg_cli *cli, enum vg_cmd cmd, json_t *args, json_t **result, struct vg_error *err);
/* Connects when not connected; reports a failure and returns VG_EXIT_UNREACHABLE. */
int vg_cli_connect(struct vg_cli *cli);

/* Reports an error on stderr in the user's language and, with --json, as an object
 * {"error": {code, msgid, message, args}} on stdout; returns status. */
int vg_cli_report(struct vg_cli *cli, int status, const struct vg_error *err);
/* Prints each warning of list (errors in the wire form) on stderr, "vigilctl: warning: TEXT", in
 * the user's language. */
void vg_cli_print_warnings(json_t *list);
/* A usage error (message id with %s arguments only), with cmd's synopsis; returns VG_EXIT_USAGE. */
int vg_cli_usage(struct vg_cli *cli, const struct vg_cli_command *cmd, const char *msgid, ...)
	__attribute__((format(printf, 3, 4)));
/* A failure (message id with %s arguments only); returns VG_EXIT_FAILED. */
int vg_cli_fail(struct vg_cli *cli, const char *msgid, ...) __attribute__((format(printf, 2, 3)));

/* Subscribes to a stream with cmd (telemetry follow, detection follow) and hands each message to
 * on_message until Ctrl-C or the agent goes; banner (translated) is said first on stderr.
 * Returns an exit code (follow.c). */
int vg_cli_follow(struct vg_cli *cli, enum vg_cmd cmd, vg_client_stream_fn on_message, void *data, const char *banner);
/* From here on stdout and stderr escape every control character (common/escape.h): names
 * chosen by others never drive the terminal.  JSON and CSV go to cli->raw_out exact (JSON
 * all in ASCII on a terminal, CSV escaped there), as do the terminal sequences of our own. */
void vg_cli_escape_output(struct vg_cli *cli);
/* Writes what the escaping streams still hold (an unfinished character as \xNN). */
void vg_cli_output_end(struct vg_cli *cli);

/* Prints a JSON value on stdout: indented, or on one line (JSON Lines), as cli says. */
void vg_cli_print_json(const struct vg_cli *cli, json_t *value);
/* With --json: prints result, releases it and returns true (the command is done);
 * otherwise returns false and leaves result to the caller's table. */
bool vg_cli_json_done(const struct vg_cli *cli, json_t *result);

/* ---- Lists (table.c): --format table|json|csv ---- */

enum vg_cli_format { VG_CLI_FORMAT_TABLE, VG_CLI_FORMAT_JSON, VG_CLI_FORMAT_CSV };

/* The words of a list command's --format and its help (VG_CLI_OPT_LIST_FORMAT declares it). */
extern const char *const vg_cli_list_formats[];
extern const char vg_cli_list_format_help[];
#define VG_CLI_OPT_LIST_FORMAT                                                                                  \
	{ .name = "format", .type = VG_CLI_ENUM, .words = vg_cli_list_formats, .help = vg_cli_list_format_help }

/* A column: key names it in CSV (the result's field), title heads it in the table (N_()). */
struct vg_cli_column {
	const char *key;
	const char *title;
	bool right;                /* a number: aligned on the right in the table */
};

struct vg_cli_list {
	const struct vg_cli_column *columns;     /* the table's, ended by { NULL } */
	const struct vg_cli_column *csv_columns; /* CSV's when they differ (more, raw), or NULL */
	/* The text of column col of item into buf: for a person (local times, words translated),
	 * or with csv for a program (the agent's values: RFC 3339 times, words as sent). */
	void (*cell)(json_t *item, int col, bool csv, char *buf, size_t size);
	/* The order of the rows in the table and CSV (JSON keeps the agent's): sorted by compare,
	 * or the agent's order reversed (its newest first read as a log), or the agent's. */
	int (*compare)(json_t *a, json_t *b);
	bool reverse;
	const char *empty;                       /* N_(): what the table says of an empty list */
};

/* The format a list command was asked for: --format, else JSON with --json, else a table. */
enum vg_cli_format vg_cli_list_format(const struct vg_cli *cli, const struct vg_cli_args *args);
/* Prints the items of list as the format says; JSON prints result (the agent's whole answer,
 * when the list is part of it) or list.  Returns an exit code. */
int vg_cli_print_list(struct vg_cli *cli, const struct vg_cli_args *args, json_t *list, json_t *result,
		      const struct vg_cli_list *spec);

/* Asks "question [y/N]" when a person is there (a terminal on stdin, not a script); returns
 * VG_EXIT_OK to go on.  --yes (given) skips it; without a person and without --yes, a usage
 * error saying so.  A refusal returns VG_EXIT_FAILED. */
int vg_cli_confirm(struct vg_cli *cli, const struct vg_cli_args *args, const char *question);

/* Prints labelled lines ("Size:  3.2 MiB", common/present.h) from column indent, the values
 * aligned by the width the labels take on screen and wrapped at width. */
void vg_cli_print_items(FILE *out, const struct vg_present_item *items, size_t n, int indent, int width);

/* Starts a labelled line on stdout: two blanks, label padded to width columns (as wide as it
 * shows, not its bytes), a blank. */
void vg_cli_label(const char *label, int width);

/* Prints a duration like "2 h 5 min" / "12 s". */
void vg_cli_format_duration(long long seconds, char *buf, size_t size);
/* Prints a time (seconds since the epoch) in local time. */
void vg_cli_format_time(long long when, char *buf, size_t size);
/* The time an agent's result gives under key (its key_ms, milliseconds since the epoch) in local
 * time; false, with buf "", when it is null or missing (never). */
bool vg_cli_time_of(const json_t *obj, const char *key, char *buf, size_t size);

/* ---- Modes ---- */
int vg_cli_shell(struct vg_cli *cli);
int vg_cli_script(struct vg_cli *cli, FILE *in, const char *name);

/* ---- Completion (complete.c) ---- */

enum vg_cli_completion_kind { VG_CLI_COMPLETE_WORDS, VG_CLI_COMPLETE_FILES, VG_CLI_COMPLETE_DIRS };

struct vg_cli_candidates {
	enum vg_cli_completion_kind kind; /* FILES, DIRS: the caller lists the file names of cur */
	char **words;                     /* WORDS: the candidates, each starting with cur */
	size_t n, cap;
	char prefix[128];                 /* what precedes the value in cur ("--format="), or "" */
};

/* The candidates for the word cur after the words before it (of a command line, without
 * "vigilctl" and its own options).  Free with vg_cli_candidates_free. */
void vg_cli_complete(struct vg_cli *cli, int argc, char **argv, const char *cur, struct vg_cli_candidates *out);
void vg_cli_candidates_free(struct vg_cli_candidates *c);
/* vigilctl --complete: the words of a whole command line (bash's); prints the kind on the first
 * line ("words", "files" or "dirs") then one candidate per line. */
int vg_cli_complete_main(struct vg_cli *cli, int argc, char **argv);

#endif
