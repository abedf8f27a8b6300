/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vigilctl commands of the ioc family: check, scan, results, terms. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "fileio.h"
#include "nls.h"
#include "present.h"

/* The control protocol carries at most 1 MiB per message; the documents travel inside one. */
#define MAX_DOCUMENT (1000u * 1024)
#define MAX_DOCUMENTS_TOTAL (1000u * 1024)

/* The number that picks a plural form (P_). */
static unsigned long plural(long long n)
{
	return n < 0 ? 0 : (unsigned long)n;
}

static long long count_of(json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

/* "2 indicators, 3 items, 0 with an unsupported term, 1 defect" */
static void print_document_counts(json_t *d)
{
	long long ind = count_of(d, "indicators"), items = count_of(d, "items");
	long long unsup = count_of(d, "unsupported_items"), defects = count_of(d, "defect_count");

	fputs("  ", stdout);
	printf(P_("%lld indicator", "%lld indicators", plural(ind)), ind);
	fputs(", ", stdout);
	printf(P_("%lld item", "%lld items", plural(items)), items);
	fputs(", ", stdout);
	printf(P_("%lld with an unsupported term", "%lld with an unsupported term", plural(unsup)), unsup);
	fputs(", ", stdout);
	printf(P_("%lld defect", "%lld defects", plural(defects)), defects);
	putchar('\n');
}

/* "12 files seen, 1 hashed, 0 skipped, 0.1 MiB read in 0.2 s" */
static void print_scan_counts(json_t *st)
{
	long long seen = count_of(st, "files_seen"), hashed = count_of(st, "files_hashed");
	long long skipped = count_of(st, "files_skipped");

	printf(P_("%lld file seen", "%lld files seen", plural(seen)), seen);
	fputs(", ", stdout);
	printf(P_("%lld hashed", "%lld hashed", plural(hashed)), hashed);
	fputs(", ", stdout);
	printf(P_("%lld skipped", "%lld skipped", plural(skipped)), skipped);
	fputs(", ", stdout);
	printf(_("%.1f MiB read in %.1f s\n"), (double)count_of(st, "bytes_read") / 1048576.0,
	       (double)count_of(st, "duration_ms") / 1000.0);
}

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* Reads each file named by the operands (bounded) into [{"file", "content"}]. */
static int read_documents(struct vg_cli *cli, const struct vg_cli_args *args, json_t **out)
{
	json_t *docs = json_array();
	size_t total = 0;
	struct vg_error err;

	for (int i = 0; i < vg_cli_arg_count(args); i++) {
		const char *file = vg_cli_arg_str(args, i);
		char *content = NULL;
		size_t len = 0;
		if (vg_file_read_all(file, MAX_DOCUMENT, &content, &len, &err) < 0) {
			json_decref(docs);
			return vg_cli_report(cli, VG_EXIT_FAILED, &err);
		}
		total += len;
		if (total > MAX_DOCUMENTS_TOTAL) {
			free(content);
			json_decref(docs);
			return vg_cli_fail(cli, N_("the IOC documents are larger than %s KiB together: scan them in several runs"),
					   "1000");
		}
		json_t *c = json_stringn(content, len);
		free(content);
		if (!c) {
			json_decref(docs);
			return vg_cli_fail(cli, N_("%s is not UTF-8 text"), file);
		}
		json_array_append_new(docs, json_pack("{s:s, s:o}", "file", file, "content", c));
	}
	*out = docs;
	return VG_EXIT_OK;
}

static void print_strings(json_t *a, const char *indent)
{
	size_t i;
	json_t *s;
	json_array_foreach(a, i, s)
		printf("%s%s\n", indent, json_string_value(s));
}

static int run_check(struct vg_cli *cli, const struct vg_cli_args *args)
{
	json_t *docs, *r, *d;
	size_t i;
	int rc, worst = VG_EXIT_OK;

	if ((rc = read_documents(cli, args, &docs)) != VG_EXIT_OK)
		return rc;
	if ((rc = vg_cli_call(cli, VG_CMD_IOC_CHECK, json_pack("{s:o}", "documents", docs), &r)) != VG_EXIT_OK)
		return rc;
	if (cli->json) {
		vg_cli_print_json(cli, r);
	}
	json_array_foreach(json_object_get(r, "documents"), i, d) {
		if (!json_is_true(json_object_get(d, "loaded"))) {
			worst = VG_EXIT_FAILED;
			if (!cli->json) {
				struct vg_error e;
				char text[VG_ERROR_MSG_SIZE];

				/* The agent's message in our language, from its id. */
				vg_client_error_of(json_object_get(d, "error_json"), &e);
				fprintf(stderr, _("%s: refused: %s\n"), json_string_value(json_object_get(d, "file")),
					vg_error_text(&e, text, sizeof(text)));
			}
			continue;
		}
		if (cli->json)
			continue;
		printf(_("%s: OpenIOC %s, id %s\n"), json_string_value(json_object_get(d, "file")),
		       json_string_value(json_object_get(d, "version")), json_string_value(json_object_get(d, "id")));
		print_document_counts(d);
		json_t *terms = json_object_get(d, "supported_terms"), *t;
		size_t k;
		if (json_array_size(terms)) {
			printf("%s", _("  supported terms:"));
			json_array_foreach(terms, k, t)
				printf(" %s", json_string_value(t));
			printf("\n");
		}
		print_strings(json_object_get(d, "warnings"), _("  warning: "));
		print_strings(json_object_get(d, "defects"), _("  defect: "));
	}
	json_decref(r);
	return worst;
}

static const char *result_text(const char *result)
{
	if (strcmp(result, "match") == 0)
		return _("MATCH");
	if (strcmp(result, "no-match") == 0)
		return _("no match");
	return _("unknown");
}

static void print_result(json_t *r)
{
	json_t *ioc, *m, *it;
	size_t i, k, n;
	printf(_("Scan %lld: %s\n"), (long long)json_integer_value(json_object_get(r, "scan_id")),
	       vg_present_scan_state(json_string_value(json_object_get(r, "state"))));
	json_array_foreach(json_object_get(r, "iocs"), i, ioc) {
		/* TRANSLATORS: an IOC document's result: its file, its id, no match or matched. */
		printf(_("%s (%s): %s\n"), json_string_value(json_object_get(ioc, "file")),
		       json_string_value(json_object_get(ioc, "id")),
		       result_text(json_string_value(json_object_get(ioc, "result"))));
		json_array_foreach(json_object_get(ioc, "matches"), k, m) {
			printf(_("  indicator %s:\n"), json_string_value(json_object_get(m, "indicator")));
			json_array_foreach(json_object_get(m, "items"), n, it) {
				const char *doc = json_string_value(json_object_get(it, "document"));
				if (json_object_get(it, "pid"))
					printf(_("    %s pid %lld\n"), doc, (long long)json_integer_value(json_object_get(it, "pid")));
				else if (json_object_get(it, "local"))
					printf(_("    %s %s -> %s\n"), doc, json_string_value(json_object_get(it, "local")),
					       json_string_value(json_object_get(it, "remote")));
				else {
					const char *key;
					json_t *v;
					printf("    %s", doc);
					json_object_foreach(it, key, v)
						if (strcmp(key, "document") != 0)
							printf(" %s", json_string_value(v));
					printf("\n");
				}
			}
		}
		print_strings(json_object_get(ioc, "warnings"), _("  warning: "));
	}
	json_t *skipped = json_object_get(r, "skipped"), *s;
	json_array_foreach(skipped, i, s)
		printf(_("not hashed: %s (%s)\n"), json_string_value(json_object_get(s, "path")),
		       _(json_string_value(json_object_get(s, "reason"))));
	json_t *st = json_object_get(r, "stats");
	if (st)
		print_scan_counts(st);
}

/* The exit status of a scan, as clamscan's tells a find from a clean host (vigilctl(8)):
 * VG_EXIT_MATCHED when a document matched (even in a scan cut short), else 0 for a scan that
 * went to its end, 1 for one cancelled or failed. */
static int scan_status(json_t *result)
{
	const char *state = json_string_value(json_object_get(result, "state"));
	json_t *ioc;
	size_t i;

	json_array_foreach(json_object_get(result, "iocs"), i, ioc)
		if (strcmp(json_string_value(json_object_get(ioc, "result")) ?: "", "match") == 0)
			return VG_EXIT_MATCHED;
	return state && strcmp(state, "done") == 0 ? VG_EXIT_OK : VG_EXIT_FAILED;
}

struct follow {
	struct vg_cli *cli;
	bool done;
	json_t *result;
	struct vg_error err;
	bool failed;
	long long scan_id;
	uint64_t req_id;
	bool tty;
	bool drawn;
	unsigned ticks;                     /* redraws, to move the block of an unknown total */
};

static void on_response(uint64_t id, json_t *result, const struct vg_error *err, void *data)
{
	struct follow *f = data;
	/* The answer to ioc.cancel is not the scan's. */
	if (id != f->req_id)
		return;
	f->done = true;
	if (err) {
		f->err = *err;
		f->failed = true;
	} else {
		f->result = json_incref(result);
	}
}

/* A bar of BAR_WIDTH: filled to seen/total, or, while the total is not known, a block that
 * moves at each redraw (as the console draws it). */
#define BAR_WIDTH 20

static void draw_bar(char *bar, long long seen, long long total, unsigned tick)
{
	for (int i = 0; i < BAR_WIDTH; i++) {
		bool on = total > 0 ? i < (int)(BAR_WIDTH * seen / total)
				    : (i + BAR_WIDTH - (int)(tick % BAR_WIDTH)) % BAR_WIDTH < BAR_WIDTH / 5;

		bar[i] = on ? '#' : '.';
	}
	bar[BAR_WIDTH] = '\0';
}

/* What the scan does now, for the progress line: the agent's phase (a word of the protocol). */
static const char *phase_text(const char *phase)
{
	static const struct {
		const char *word, *text;
	} phases[] = {
		{ "start", N_("starting") },
		{ "system", N_("reading the system facts") },
		{ "processes", N_("reading the processes") },
		{ "ports", N_("reading the ports") },
		{ "counting", N_("counting the files") },
		{ "files", N_("reading the files") },
		{ "done", N_("done") },
	};

	for (size_t i = 0; phase && i < sizeof(phases) / sizeof(phases[0]); i++)
		if (strcmp(phase, phases[i].word) == 0)
			return _(phases[i].text);
	return _("starting");
}

/* The progress line, redrawn in place on a terminal: a bar (exact once the files are counted, a
 * moving block before), what the scan does, and the figures that go with it. */
static void on_stream(const char *stream, json_t *data, void *user)
{
	struct follow *f = user;
	const char *phase = json_string_value(json_object_get(data, "phase"));
	long long seen = json_integer_value(json_object_get(data, "files_seen"));
	long long total = json_integer_value(json_object_get(data, "files_total"));
	long long el = json_integer_value(json_object_get(data, "elapsed_ms")) / 1000;
	double mib = (double)json_integer_value(json_object_get(data, "bytes_read")) / 1048576.0;
	bool finished = json_is_true(json_object_get(data, "finished"));
	char bar[BAR_WIDTH + 1], dur[64], eta[64];

	if (strcmp(stream, "ioc.progress") != 0)
		return;
	f->scan_id = json_integer_value(json_object_get(data, "scan_id"));
	if (!f->tty || f->cli->json)
		return;
	if (finished && strcmp(json_string_value(json_object_get(data, "state")) ?: "", "done") == 0 && total > 0)
		seen = total;
	draw_bar(bar, seen, total > 0 && (seen > 0 || finished) ? total : 0, f->ticks++);
	vg_cli_format_duration(el, dur, sizeof(dur));
	fputs("\r\033[K", f->cli->raw_err ? f->cli->raw_err : stderr); /* ours, not escaped */
	if (phase && strcmp(phase, "counting") == 0) {
		fprintf(stderr, _("scan %lld [%s] %s: %lld so far, %s"), f->scan_id, bar, phase_text(phase),
			(long long)json_integer_value(json_object_get(data, "files_counted")), dur);
	} else if (finished && total > 0) {
		fprintf(stderr, _("scan %lld [%s] %lld/%lld files, %.1f MiB, %.1f MiB/s, %s"), f->scan_id, bar, seen, total,
			mib, el > 0 ? mib / (double)el : mib, dur);
	} else if (total > 0 && seen > 0 && seen <= total) {
		/* The files are counted (a hashing scan): how far, and the time left. */
		vg_cli_format_duration((long long)((double)el * (double)(total - seen) / (double)seen), eta, sizeof(eta));
		fprintf(stderr, _("scan %lld [%s] %lld/%lld files, %.1f MiB, %.1f MiB/s, %s left"), f->scan_id, bar,
			seen, total, mib, el > 0 ? mib / (double)el : mib, eta);
	} else if (seen > 0) {
		long long hashed = (long long)json_integer_value(json_object_get(data, "files_hashed"));

		fprintf(stderr, P_("scan %lld: %lld file", "scan %lld: %lld files", plural(seen)), f->scan_id, seen);
		fprintf(stderr, P_(", %lld hashed", ", %lld hashed", plural(hashed)), hashed);
		fprintf(stderr, _(", %.1f MiB, %.1f MiB/s, %s"), mib, el > 0 ? mib / (double)el : mib, dur);
	} else {
		fprintf(stderr, _("scan %lld [%s] %s, %s"), f->scan_id, bar, phase_text(phase), dur);
	}
	f->drawn = true;
}

/* The absolute path of a --path or --exclude, links resolved, appended to list.  A --path
 * that is not there is an error before the scan (a typo would look like a clean host); an
 * --exclude that is not there is harmless and goes as it was typed. */
static int add_path(struct vg_cli *cli, json_t *list, const char *path, bool must_exist)
{
	char *abs = realpath(path, NULL);

	if (!abs && must_exist)
		return vg_cli_fail(cli, N_("the path %s cannot be scanned: %s"), path, strerror(errno));
	json_array_append_new(list, json_string(abs ? abs : path));
	free(abs);
	return VG_EXIT_OK;
}

static int run_scan(struct vg_cli *cli, const struct vg_cli_args *opts)
{
	json_t *args = json_object(), *paths = json_array(), *excludes = json_array();
	json_t *docs;
	int rc;

	json_object_set_new(args, "paths", paths);
	json_object_set_new(args, "excludes", excludes);
	for (int i = 0; i < vg_cli_opt_count(opts, "path"); i++)
		if ((rc = add_path(cli, paths, vg_cli_opt_str_at(opts, "path", i), true)) != VG_EXIT_OK) {
			json_decref(args);
			return rc;
		}
	for (int i = 0; i < vg_cli_opt_count(opts, "exclude"); i++)
		add_path(cli, excludes, vg_cli_opt_str_at(opts, "exclude", i), false);
	vg_cli_opts_to_json(opts, args, "hint", "action", "hash-limit", "no-processes", "no-ports", "no-files",
			    "no-system", "containers", "strings", NULL);
	if ((rc = read_documents(cli, opts, &docs)) != VG_EXIT_OK) {
		json_decref(args);
		return rc;
	}
	json_object_set_new(args, "documents", docs);
	json_object_set_new(args, "follow", json_true());

	struct vg_error err;
	if ((rc = vg_cli_connect(cli)) != VG_EXIT_OK) {
		json_decref(args);
		return rc;
	}
	struct follow f = { .cli = cli, .tty = isatty(STDERR_FILENO) };
	vg_client_on_response(cli->client, on_response, &f);
	vg_client_on_stream(cli->client, on_stream, &f);
	if (vg_client_send(cli->client, VG_CMD_IOC_SCAN, args, &f.req_id, &err) < 0)
		return vg_cli_report(cli, VG_EXIT_UNREACHABLE, &err);
	/* Ctrl-C asks the agent to cancel the scan; the answer then arrives as usual. */
	struct sigaction sa = { .sa_handler = on_sigint }, old;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old);
	interrupted = 0;
	bool cancel_sent = false;
	rc = VG_EXIT_OK;
	while (!f.done) {
		struct pollfd p = { .fd = vg_client_fd(cli->client), .events = POLLIN };
		int n = poll(&p, 1, 250);
		if (interrupted && !cancel_sent) {
			uint64_t cid;
			cancel_sent = true;
			if (f.tty)
				fprintf(stderr, "%s", _("\ncancelling the scan...\n"));
			vg_client_send(cli->client, VG_CMD_IOC_CANCEL, f.scan_id ? json_pack("{s:I}", "scan_id", (json_int_t)f.scan_id)
								    : json_object(), &cid, &err);
		}
		if (n > 0 && vg_client_process(cli->client, &err) < 0) {
			vg_cli_report(cli, VG_EXIT_UNREACHABLE, &err);
			vg_client_close(cli->client);
			cli->client = NULL;
			rc = VG_EXIT_UNREACHABLE;
			break;
		}
	}
	sigaction(SIGINT, &old, NULL);
	if (cli->client) {
		vg_client_on_response(cli->client, NULL, NULL);
		vg_client_on_stream(cli->client, NULL, NULL);
	}
	if (f.drawn)
		fprintf(stderr, "\n");
	if (rc != VG_EXIT_OK)
		return rc;
	if (f.failed)
		return vg_cli_report(cli, VG_EXIT_FAILED, &f.err);
	if (cli->json)
		vg_cli_print_json(cli, f.result);
	else
		print_result(f.result);
	rc = scan_status(f.result);
	json_decref(f.result);
	return rc;
}

static const struct vg_cli_column scan_columns[] = {
	{ "scan_id", N_("SCAN"), true },     { "started", N_("STARTED"), false }, { "finished", N_("FINISHED"), false },
	{ "state", N_("STATE"), false },     { "matched", N_("MATCHED"), true },  { NULL, NULL, false },
};

static void scan_cell(json_t *e, int col, bool csv, char *buf, size_t size)
{
	const char *key = scan_columns[col].key;
	json_t *v = json_object_get(e, key);

	if (col == 1 || col == 2) {
		if (csv)
			snprintf(buf, size, "%s", json_string_value(v) ?: "");
		else
			vg_cli_time_of(e, key, buf, size);
	} else if (json_is_integer(v)) {
		snprintf(buf, size, "%lld", (long long)json_integer_value(v));
	} else {
		snprintf(buf, size, "%s", json_string_value(v) ?: "");
	}
}

/* Newest first, as the agent gives them. */
static const struct vg_cli_list scan_list = {
	.columns = scan_columns, .cell = scan_cell, .empty = N_("No IOC scan yet."),
};

/* One scan as rows: its documents and what each gave. */
static const struct vg_cli_column document_columns[] = {
	{ "file", N_("FILE"), false },   { "id", N_("ID"), false },           { "version", N_("VERSION"), false },
	{ "result", N_("RESULT"), false }, { "matches", N_("INDICATORS"), true }, { NULL, NULL, false },
};

static void document_cell(json_t *d, int col, bool csv, char *buf, size_t size)
{
	const char *key = document_columns[col].key;

	if (strcmp(key, "matches") == 0)
		snprintf(buf, size, "%zu", json_array_size(json_object_get(d, key)));
	else if (strcmp(key, "result") == 0 && !csv)
		snprintf(buf, size, "%s", result_text(json_string_value(json_object_get(d, key)) ?: ""));
	else
		snprintf(buf, size, "%s", json_string_value(json_object_get(d, key)) ?: "");
}

static const struct vg_cli_list document_list = {
	.columns = document_columns, .cell = document_cell,
};

static int run_results(struct vg_cli *cli, const struct vg_cli_args *args)
{
	json_t *r;
	int rc;

	if (vg_cli_arg_count(args) == 1) {
		json_int_t id = vg_cli_arg_num(args, 0);
		if ((rc = vg_cli_call(cli, VG_CMD_IOC_RESULTS, json_pack("{s:I}", "scan_id", id), &r)) != VG_EXIT_OK)
			return rc;
		/* A scan in a table is its report; as CSV, a row a document. */
		if (vg_cli_list_format(cli, args) == VG_CLI_FORMAT_TABLE)
			print_result(r);
		else
			rc = vg_cli_print_list(cli, args, json_object_get(r, "iocs"), r, &document_list);
		json_decref(r);
		return rc;
	}
	if ((rc = vg_cli_call(cli, VG_CMD_IOC_RESULTS, json_object(), &r)) != VG_EXIT_OK)
		return rc;
	rc = vg_cli_print_list(cli, args, r, NULL, &scan_list);
	json_decref(r);
	return rc;
}

static int run_terms(struct vg_cli *cli, const struct vg_cli_args *args)
{
	json_t *r, *e;
	size_t i;
	int rc;
	(void)args;
	if ((rc = vg_cli_call(cli, VG_CMD_IOC_TERMS, json_object(), &r)) != VG_EXIT_OK)
		return rc;
	if (cli->json) {
		vg_cli_print_json(cli, r);
	} else {
		json_array_foreach(r, i, e)
			printf("%-64s %s%s\n", json_string_value(json_object_get(e, "term")),
			       json_string_value(json_object_get(e, "type")),
			       json_is_true(json_object_get(e, "multi")) ? _(" (list)") : "");
	}
	json_decref(r);
	return VG_EXIT_OK;
}

static const struct vg_cli_spec ioc_files[] = {
	{ .name = "FILE", .type = VG_CLI_PATH, .min_count = 1, .max_count = 64 },
	{ NULL },
};

const struct vg_cli_command vg_cli_cmds_ioc[] = {
	{ .name = "ioc check", .help = N_("Parse OpenIOC documents and report their terms and defects (no scan)"),
	  .proto = VG_CMD_IOC_CHECK, .operands = ioc_files, .run = run_check },
	{ .name = "ioc scan", .help = N_("Scan this host with OpenIOC documents"),
	  .details = N_("Files are walked under each --path (default /), never under /proc, /sys or /dev; only the hashes\n"
			"the documents need are computed, in one read per file, and files over the hash limit (default\n"
			"200M) are listed as not hashed.  Ctrl-C cancels the scan in the agent.  The result says, for each\n"
			"document, match, no match or unknown (tests that could not be evaluated).  --strings evaluates\n"
			"FileItem/StringList/string, reading whole files.  A --path that does not exist and a document\n"
			"that does not load are errors before the scan.  Exit status: 0 nothing matched, 4 a document\n"
			"matched, 1 the scan failed or was cancelled (see vigilctl(8))."),
	  .proto = VG_CMD_IOC_SCAN,
	  .options = (const struct vg_cli_spec[]){
		  { .name = "path", .type = VG_CLI_PATH, .metavar = "DIR", .source = VG_CLI_SRC_DIRS,
		    .flags = VG_CLI_OPT_MULTI, .help = N_("walk DIR (default /); a file may be given too") },
		  { .name = "exclude", .type = VG_CLI_PATH, .metavar = "DIR", .source = VG_CLI_SRC_DIRS,
		    .flags = VG_CLI_OPT_MULTI, .help = N_("do not walk DIR") },
		  { .name = "hint", .type = VG_CLI_STRING, .metavar = "REGEX",
		    .help = N_("evaluate only the files whose full path matches REGEX (PCRE2)") },
		  { .name = "no-processes", .help = N_("skip the processes (their tests are then unknown)") },
		  { .name = "no-ports", .help = N_("skip the ports (their tests are then unknown)") },
		  { .name = "no-files", .help = N_("skip the files (their tests are then unknown)") },
		  { .name = "no-system", .help = N_("skip the system facts (their tests are then unknown)") },
		  { .name = "action", .type = VG_CLI_ENUM,
		    .words = (const char *const[]){ "skip", "quarantine", "terminate", "isolate", NULL },
		    .help = N_("what to do on a hit (default skip)") },
		  { .name = "containers", .help = N_("also walk the container storage") },
		  { .name = "hash-limit", .type = VG_CLI_SIZE, .help = N_("list files larger than SIZE as not hashed (default ioc.hash_limit_mib)") },
		  { .name = "strings", .help = N_("evaluate FileItem/StringList/string, reading whole files") },
		  { NULL } },
	  .operands = ioc_files, .run = run_scan },
	{ .name = "ioc results", .help = N_("List past IOC scans, or show one scan's result"), .proto = VG_CMD_IOC_RESULTS,
	  .details = N_("With SCAN_ID, --format csv gives a row for each document of the scan."),
	  .options = (const struct vg_cli_spec[]){ VG_CLI_OPT_LIST_FORMAT, { NULL } },
	  .operands = (const struct vg_cli_spec[]){
		  { .name = "SCAN_ID", .type = VG_CLI_INT, .min = 1, .source = VG_CLI_SRC_SCANS, .max_count = 1 },
		  { NULL } },
	  .run = run_results },
	{ .name = "ioc terms", .help = N_("List the OpenIOC terms this agent can evaluate"), .proto = VG_CMD_IOC_TERMS,
	  .run = run_terms },
	{ NULL },
};
