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

/* The control protocol carries at most 1 MiB per message; the documents travel inside one. */
#define MAX_DOCUMENT (1000u * 1024)
#define MAX_DOCUMENTS_TOTAL (1000u * 1024)

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
}

static char *complete_files(struct vg_cli *cli, const char *text, int argi, int state)
{
	(void)text;
	(void)argi;
	(void)state;
	return VG_CLI_COMPLETE_FILES;
}

/* Reads each file (bounded) into [{"file", "content"}]. */
static int read_documents(int argc, char **argv, json_t **out)
{
	json_t *docs = json_array();
	size_t total = 0;
	struct vg_error err;
	char text[VG_ERROR_MSG_SIZE];

	for (int i = 0; i < argc; i++) {
		char *content = NULL;
		size_t len = 0;
		if (vg_file_read_all(argv[i], MAX_DOCUMENT, &content, &len, &err) < 0) {
			json_decref(docs);
			return vg_cli_fail("%s", vg_error_text(&err, text, sizeof(text)));
		}
		total += len;
		if (total > MAX_DOCUMENTS_TOTAL) {
			free(content);
			json_decref(docs);
			return vg_cli_fail(_("the IOC documents are larger than %s KiB together: scan them in several runs"),
					   "1000");
		}
		json_t *c = json_stringn(content, len);
		free(content);
		if (!c) {
			json_decref(docs);
			return vg_cli_fail(_("%s is not UTF-8 text"), argv[i]);
		}
		json_array_append_new(docs, json_pack("{s:s, s:o}", "file", argv[i], "content", c));
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

static int run_check(struct vg_cli *cli, const struct vg_cli_command *cmd, int argc, char **argv)
{
	json_t *docs, *r, *d;
	size_t i;
	int rc, worst = VG_EXIT_OK;
	(void)cmd;

	if ((rc = read_documents(argc, argv, &docs)) != VG_EXIT_OK)
		return rc;
	if ((rc = vg_cli_call(cli, VG_CMD_IOC_CHECK, json_pack("{s:o}", "documents", docs), &r)) != VG_EXIT_OK)
		return rc;
	if (cli->json) {
		vg_cli_print_json(r);
	}
	json_array_foreach(json_object_get(r, "documents"), i, d) {
		if (!json_is_true(json_object_get(d, "loaded"))) {
			worst = VG_EXIT_FAILED;
			if (!cli->json) {
				struct vg_error e;
				char text[VG_ERROR_MSG_SIZE];
				vg_error_clear(&e);
				json_t *ej = json_object_get(d, "error_json");
				const char *msgid = json_string_value(json_object_get(ej, "msgid"));
				/* Show the agent's message in our language when it came with its id. */
				snprintf(e.message, sizeof(e.message), "%s", json_string_value(json_object_get(d, "error")));
				if (msgid) {
					json_t *args = json_object_get(ej, "args"), *a;
					size_t k;
					snprintf(e.msgid, sizeof(e.msgid), "%s", msgid);
					json_array_foreach(args, k, a)
						if (k < VG_ERROR_MAX_ARGS) {
							snprintf(e.args[k], sizeof(e.args[k]), "%s", json_string_value(a));
							e.nargs = (int)k + 1;
						}
				}
				fprintf(stderr, _("%s: refused: %s\n"), json_string_value(json_object_get(d, "file")),
					vg_error_text(&e, text, sizeof(text)));
			}
			continue;
		}
		if (cli->json)
			continue;
		printf(_("%s: OpenIOC %s, id %s\n"), json_string_value(json_object_get(d, "file")),
		       json_string_value(json_object_get(d, "version")), json_string_value(json_object_get(d, "id")));
		printf(_("  %lld indicators, %lld items, %lld with an unsupported term, %lld defects\n"),
		       (long long)json_integer_value(json_object_get(d, "indicators")),
		       (long long)json_integer_value(json_object_get(d, "items")),
		       (long long)json_integer_value(json_object_get(d, "unsupported_items")),
		       (long long)json_integer_value(json_object_get(d, "defect_count")));
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
	       json_string_value(json_object_get(r, "state")));
	json_array_foreach(json_object_get(r, "iocs"), i, ioc) {
		printf("%s (%s): %s\n", json_string_value(json_object_get(ioc, "file")),
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
		printf(_("%lld files seen, %lld hashed, %lld skipped, %.1f MiB read in %.1f s\n"),
		       (long long)json_integer_value(json_object_get(st, "files_seen")),
		       (long long)json_integer_value(json_object_get(st, "files_hashed")),
		       (long long)json_integer_value(json_object_get(st, "files_skipped")),
		       (double)json_integer_value(json_object_get(st, "bytes_read")) / 1048576.0,
		       json_number_value(json_object_get(st, "seconds")));
}

static int parse_size(const char *s, long long *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || v < 0)
		return -EINVAL;
	switch (*end) {
	case 'k': case 'K': v *= 1024; end++; break;
	case 'm': case 'M': v *= 1048576; end++; break;
	case 'g': case 'G': v *= 1073741824.0; end++; break;
	default: break;
	}
	if (*end == 'i' || *end == 'B')
		end++;
	if (*end == 'B')
		end++;
	if (*end || v < 1 || v > 1e15)
		return -EINVAL;
	*out = (long long)v;
	return 0;
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

static void on_stream(const char *stream, json_t *data, void *user)
{
	struct follow *f = user;
	if (strcmp(stream, "ioc.progress") != 0)
		return;
	f->scan_id = json_integer_value(json_object_get(data, "scan_id"));
	if (!f->tty || f->cli->json)
		return;
	double mib = (double)json_integer_value(json_object_get(data, "bytes_read")) / 1048576.0;
	long long el = json_integer_value(json_object_get(data, "elapsed"));
	char dur[64];
	vg_cli_format_duration(el, dur, sizeof(dur));
	/* One line redrawn in place: files, bytes, rate, elapsed. */
	long long seen = json_integer_value(json_object_get(data, "files_seen"));
	long long total = json_integer_value(json_object_get(data, "files_total"));
	fputs("\r\033[K", stderr);
	if (total > 0 && seen > 0 && seen <= total) {
		/* A bar when the number of files is known (hashing scans), with the time left. */
		char bar[21], eta[64];
		int fill = (int)(20 * seen / total);
		for (int i = 0; i < 20; i++)
			bar[i] = i < fill ? '#' : '.';
		bar[20] = '\0';
		vg_cli_format_duration((long long)((double)el * (double)(total - seen) / (double)seen), eta, sizeof(eta));
		fprintf(stderr, _("scan %lld [%s] %lld/%lld files, %.1f MiB, %.1f MiB/s, %s left"), f->scan_id, bar,
			seen, total, mib, el > 0 ? mib / (double)el : mib, eta);
	} else {
		fprintf(stderr, _("scan %lld: %lld files, %lld hashed, %.1f MiB, %.1f MiB/s, %s"), f->scan_id, seen,
			(long long)json_integer_value(json_object_get(data, "files_hashed")), mib,
			el > 0 ? mib / (double)el : mib, dur);
	}
	f->drawn = true;
}

static int run_scan(struct vg_cli *cli, const struct vg_cli_command *cmd, int argc, char **argv)
{
	json_t *args = json_object(), *paths = json_array(), *excludes = json_array();
	json_t *docs;
	char *files[64];
	int nfiles = 0, rc;

	json_object_set_new(args, "paths", paths);
	json_object_set_new(args, "excludes", excludes);
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--path") == 0 || strcmp(a, "--exclude") == 0 || strcmp(a, "--hint") == 0 ||
		    strcmp(a, "--action") == 0 || strcmp(a, "--hash-limit") == 0) {
			if (!val) {
				json_decref(args);
				return vg_cli_usage(cmd, _("%s needs a value"), a);
			}
			i++;
			if (strcmp(a, "--path") == 0 || strcmp(a, "--exclude") == 0) {
				char *abs = realpath(val, NULL);
				json_array_append_new(strcmp(a, "--path") == 0 ? paths : excludes, json_string(abs ? abs : val));
				free(abs);
			} else if (strcmp(a, "--hint") == 0) {
				json_object_set_new(args, "hint", json_string(val));
			} else if (strcmp(a, "--action") == 0) {
				json_object_set_new(args, "action", json_string(val));
			} else {
				long long size;
				if (parse_size(val, &size) < 0) {
					json_decref(args);
					return vg_cli_usage(cmd, _("--hash-limit takes a size such as 200M or 1G"));
				}
				json_object_set_new(args, "hash_limit", json_integer(size));
			}
		} else if (strcmp(a, "--no-processes") == 0) {
			json_object_set_new(args, "no_processes", json_true());
		} else if (strcmp(a, "--no-ports") == 0) {
			json_object_set_new(args, "no_ports", json_true());
		} else if (strcmp(a, "--no-files") == 0) {
			json_object_set_new(args, "no_files", json_true());
		} else if (strcmp(a, "--no-system") == 0) {
			json_object_set_new(args, "no_system", json_true());
		} else if (strcmp(a, "--containers") == 0) {
			json_object_set_new(args, "containers", json_true());
		} else if (strcmp(a, "--strings") == 0) {
			json_object_set_new(args, "strings", json_true());
		} else if (a[0] == '-' && a[1] == '-') {
			json_decref(args);
			return vg_cli_usage(cmd, _("unknown option \"%s\""), a);
		} else if (nfiles < 64) {
			files[nfiles++] = argv[i];
		} else {
			json_decref(args);
			return vg_cli_usage(cmd, _("too many IOC files (at most 64)"));
		}
	}
	if (!nfiles) {
		json_decref(args);
		return vg_cli_usage(cmd, _("which IOC file?"));
	}
	if ((rc = read_documents(nfiles, files, &docs)) != VG_EXIT_OK) {
		json_decref(args);
		return rc;
	}
	json_object_set_new(args, "documents", docs);
	json_object_set_new(args, "follow", json_true());

	struct vg_error err;
	char text[VG_ERROR_MSG_SIZE];
	if (!cli->client && vg_client_connect(&cli->client, cli->socket_path, &err) < 0) {
		json_decref(args);
		fprintf(stderr, "vigilctl: %s\n", vg_error_text(&err, text, sizeof(text)));
		return VG_EXIT_UNREACHABLE;
	}
	struct follow f = { .cli = cli, .tty = isatty(STDERR_FILENO) };
	vg_client_on_response(cli->client, on_response, &f);
	vg_client_on_stream(cli->client, on_stream, &f);
	if (vg_client_send(cli->client, VG_CMD_IOC_SCAN, args, &f.req_id, &err) < 0) {
		fprintf(stderr, "vigilctl: %s\n", vg_error_text(&err, text, sizeof(text)));
		return VG_EXIT_UNREACHABLE;
	}
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
			fprintf(stderr, "vigilctl: %s\n", vg_error_text(&err, text, sizeof(text)));
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
	if (f.failed) {
		fprintf(stderr, "vigilctl: %s\n", vg_error_text(&f.err, text, sizeof(text)));
		return VG_EXIT_FAILED;
	}
	if (cli->json)
		vg_cli_print_json(f.result);
	else
		print_result(f.result);
	const char *state = json_string_value(json_object_get(f.result, "state"));
	rc = state && strcmp(state, "done") == 0 ? VG_EXIT_OK : VG_EXIT_FAILED;
	json_decref(f.result);
	return rc;
}

static int run_results(struct vg_cli *cli, const struct vg_cli_command *cmd, int argc, char **argv)
{
	json_t *r, *e;
	size_t i;
	int rc;
	char *end;

	if (argc == 1) {
		long long id = strtoll(argv[0], &end, 10);
		if (*end || id <= 0)
			return vg_cli_usage(cmd, _("SCAN_ID is a number"));
		if ((rc = vg_cli_call(cli, VG_CMD_IOC_RESULTS, json_pack("{s:I}", "scan_id", (json_int_t)id), &r)) != VG_EXIT_OK)
			return rc;
		if (cli->json)
			vg_cli_print_json(r);
		else
			print_result(r);
		json_decref(r);
		return VG_EXIT_OK;
	}
	if ((rc = vg_cli_call(cli, VG_CMD_IOC_RESULTS, json_object(), &r)) != VG_EXIT_OK)
		return rc;
	if (cli->json) {
		vg_cli_print_json(r);
	} else {
		printf("%-8s %-20s %-12s %s\n", _("SCAN"), _("STARTED"), _("STATE"), _("MATCHED"));
		json_array_foreach(r, i, e) {
			char when[64];
			vg_cli_format_time(json_integer_value(json_object_get(e, "started")), when, sizeof(when));
			printf("%-8lld %-20s %-12s %lld\n", (long long)json_integer_value(json_object_get(e, "scan_id")), when,
			       json_string_value(json_object_get(e, "state")),
			       (long long)json_integer_value(json_object_get(e, "matched")));
		}
	}
	json_decref(r);
	return VG_EXIT_OK;
}

static int run_terms(struct vg_cli *cli, const struct vg_cli_command *cmd, int argc, char **argv)
{
	json_t *r, *e;
	size_t i;
	int rc;
	(void)cmd;
	(void)argc;
	(void)argv;
	if ((rc = vg_cli_call(cli, VG_CMD_IOC_TERMS, json_object(), &r)) != VG_EXIT_OK)
		return rc;
	if (cli->json) {
		vg_cli_print_json(r);
	} else {
		json_array_foreach(r, i, e)
			printf("%-64s %s%s\n", json_string_value(json_object_get(e, "term")),
			       json_string_value(json_object_get(e, "type")),
			       json_is_true(json_object_get(e, "multi")) ? _(" (list)") : "");
	}
	json_decref(r);
	return VG_EXIT_OK;
}

const struct vg_cli_command vg_cli_cmds_ioc[] = {
	{ "ioc check", "FILE...", N_("Parse OpenIOC documents and report their terms and defects (no scan)"), NULL,
	  VG_CMD_IOC_CHECK, 0, 1, 64, complete_files, run_check },
	{ "ioc scan",
	  "FILE... [--path DIR]... [--exclude DIR]... [--hint REGEX] [--no-processes] [--no-ports] [--no-files] "
	  "[--no-system] [--action skip|quarantine|terminate|isolate] [--containers] [--hash-limit SIZE] [--strings]",
	  N_("Scan this host with OpenIOC documents"),
	  N_("Files are walked under each --path (default /), never under /proc, /sys or /dev; only the hashes\n"
	     "the documents need are computed, in one read per file, and files over the hash limit (default\n"
	     "200M) are listed as not hashed.  Ctrl-C cancels the scan in the agent.  The result says, for each\n"
	     "document, match, no match or unknown (tests that could not be evaluated).  --strings evaluates\n"
	     "FileItem/StringList/string, reading whole files."),
	  VG_CMD_IOC_SCAN, 0, 1, -1, complete_files, run_scan },
	{ "ioc results", "[SCAN_ID]", N_("List past IOC scans, or show one scan's result"), NULL, VG_CMD_IOC_RESULTS, 0, 0, 1,
	  NULL, run_results },
	{ "ioc terms", "", N_("List the OpenIOC terms this agent can evaluate"), NULL, VG_CMD_IOC_TERMS, 0, 0, 0, NULL,
	  run_terms },
	{ NULL },
};
