/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vigilctl commands of the link family: cert server|client, server, proxy. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "base64.h"
#include "cli.h"
#include "fileio.h"
#include "nls.h"
#include "textwidth.h"

#define MAX_CERT_FILE (256 * 1024)
#define MAX_PASSWORD 1024

static void wipe(char *p, size_t len)
{
	if (p) {
		explicit_bzero(p, len);
		free(p);
	}
}

/* Reads a file and returns it as base64 (a new string) in *b64. */
static int file_b64(struct vg_cli *cli, const char *path, char **b64)
{
	struct vg_error err;
	char *data = NULL;
	size_t len = 0;

	if (vg_file_read_all(path, MAX_CERT_FILE, &data, &len, &err) < 0)
		return vg_cli_report(cli, VG_EXIT_FAILED, &err);
	*b64 = vg_base64_encode(data, len);
	wipe(data, len);
	if (!*b64)
		return vg_cli_fail(cli, N_("out of memory"));
	return VG_EXIT_OK;
}

/* The password from --password-file (first line), or asked on the terminal without echo. */
static int get_password(struct vg_cli *cli, const char *file, const char *prompt, char **out)
{
	struct vg_error err;
	char *data = NULL;
	size_t len = 0;
	struct termios old, quiet;
	FILE *tty;
	char buf[MAX_PASSWORD + 2];

	if (file) {
		if (vg_file_read_all(file, MAX_PASSWORD, &data, &len, &err) < 0)
			return vg_cli_report(cli, VG_EXIT_FAILED, &err);
		data[strcspn(data, "\r\n")] = '\0';
		*out = data;
		return VG_EXIT_OK;
	}
	tty = fopen("/dev/tty", "r+");
	if (!tty)
		return vg_cli_fail(cli, N_("no terminal to ask the password on: use --password-file FILE"));
	fputs(prompt, tty);
	fflush(tty);
	tcgetattr(fileno(tty), &old);
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
	if (!fgets(buf, sizeof(buf), tty))
		buf[0] = '\0';
	tcsetattr(fileno(tty), TCSAFLUSH, &old);
	fputc('\n', tty);
	fclose(tty);
	buf[strcspn(buf, "\r\n")] = '\0';
	*out = strdup(buf);
	explicit_bzero(buf, sizeof(buf));
	return *out ? VG_EXIT_OK : vg_cli_fail(cli, N_("out of memory"));
}

static void print_cert(json_t *r)
{
	char from[64], to[64];

	vg_cli_time_of(r, "not_before", from, sizeof(from));
	vg_cli_time_of(r, "not_after", to, sizeof(to));
	vg_cli_label(_("Subject:"), 20);
	printf("%s\n", json_string_value(json_object_get(r, "subject")));
	vg_cli_label(_("Issuer:"), 20);
	printf("%s\n", json_string_value(json_object_get(r, "issuer")));
	vg_cli_label(_("Valid from:"), 20);
	printf("%s\n", from);
	vg_cli_label(_("Valid until:"), 20);
	printf("%s\n", to);
	vg_cli_label(_("SHA-256:"), 20);
	printf("%s\n", json_string_value(json_object_get(r, "sha256")));
	vg_cli_label(_("Certificates:"), 20);
	printf("%lld\n", (long long)json_integer_value(json_object_get(r, "certificates")));
	if (json_object_get(r, "warning")) {
		long long days = (long long)json_integer_value(json_object_get(r, "expires_in_days"));

		printf(P_("Warning: this certificate expires in %lld day.\n", "Warning: this certificate expires in %lld days.\n",
			  (unsigned long)(days < 0 ? 0 : days)),
		       days);
	}
	if (json_is_false(json_object_get(r, "two_way")))
		printf("%s\n", _("Note: two-way TLS is off; turn it on with: vigilctl settings set link.client_certificate=yes"));
}

static int show_result(struct vg_cli *cli, int rc, json_t *r, const char *title)
{
	if (rc != VG_EXIT_OK)
		return rc;
	if (cli->json) {
		vg_cli_print_json(cli, r);
	} else {
		printf("%s\n", title);
		print_cert(r);
	}
	json_decref(r);
	return VG_EXIT_OK;
}

static int run_server_import(struct vg_cli *cli, const struct vg_cli_args *args)
{
	char *b64 = NULL;
	json_t *r;
	int rc;

	if ((rc = file_b64(cli, vg_cli_arg_str(args, 0), &b64)) != VG_EXIT_OK)
		return rc;
	rc = vg_cli_call(cli, VG_CMD_CERT_SERVER_IMPORT, json_pack("{s:s}", "data", b64), &r);
	free(b64);
	return show_result(cli, rc, r, _("Server certificate imported:"));
}

/* Nothing imported is an answer, not an error: "none" (null with --json), exit 0. */
static int run_cert_show(struct vg_cli *cli, enum vg_cmd proto, const char *title, const char *none)
{
	struct vg_error err;
	json_t *r = NULL;
	int rc = vg_cli_request(cli, proto, NULL, &r, &err);

	if (rc == VG_EXIT_FAILED && err.code == -ENOENT) {
		if (cli->json)
			vg_cli_print_json(cli, json_null());
		else
			printf("%s\n", none);
		return VG_EXIT_OK;
	}
	if (rc != VG_EXIT_OK)
		return vg_cli_report(cli, rc, &err);
	return show_result(cli, rc, r, title);
}

static int run_server_show(struct vg_cli *cli, const struct vg_cli_args *args)
{
	(void)args;
	return run_cert_show(cli, VG_CMD_CERT_SERVER_SHOW, _("Server certificate:"),
			     _("No server certificate is imported."));
}

static int run_client_show(struct vg_cli *cli, const struct vg_cli_args *args)
{
	(void)args;
	return run_cert_show(cli, VG_CMD_CERT_CLIENT_SHOW, _("Client certificate:"),
			     _("No client certificate is imported."));
}

static int run_remove(struct vg_cli *cli, enum vg_cmd proto, const char *done)
{
	json_t *r;
	int rc = vg_cli_call(cli, proto, NULL, &r);

	if (rc != VG_EXIT_OK)
		return rc;
	if (cli->json)
		vg_cli_print_json(cli, r);
	else
		printf("%s\n", done);
	if (json_is_true(json_object_get(r, "two_way")))
		fprintf(stderr, "%s\n", _("Warning: two-way TLS is on: the link stays down until a client certificate is imported."));
	json_decref(r);
	return VG_EXIT_OK;
}

static int run_server_remove(struct vg_cli *cli, const struct vg_cli_args *args)
{
	(void)args;
	return run_remove(cli, VG_CMD_CERT_SERVER_REMOVE, _("Server certificate removed."));
}

static int run_client_remove(struct vg_cli *cli, const struct vg_cli_args *args)
{
	(void)args;
	return run_remove(cli, VG_CMD_CERT_CLIENT_REMOVE, _("Client certificate removed."));
}

/* A line typed at the terminal (echoed), for a question that is not a secret. */
static int ask_line(struct vg_cli *cli, const char *prompt, char *out, size_t size)
{
	FILE *tty = fopen("/dev/tty", "r+");

	if (!tty)
		return vg_cli_fail(cli, N_("no terminal to ask on"));
	fputs(prompt, tty);
	fflush(tty);
	if (!fgets(out, (int)size, tty))
		out[0] = '\0';
	fclose(tty);
	out[strcspn(out, "\r\n")] = '\0';
	return VG_EXIT_OK;
}

static bool holds(const char *data, size_t len, const char *what)
{
	return memmem(data, len, what, strlen(what)) != NULL;
}

/* What the file given to cert client import is: a PKCS#12 container (binary), or PEM text with
 * a certificate and perhaps its private key (encrypted or not). */
struct client_file {
	char *data;
	size_t len;
	bool pem, has_cert, has_key, key_encrypted;
};

static int read_client_file(struct vg_cli *cli, const char *path, struct client_file *f)
{
	struct vg_error err;

	if (vg_file_read_all(path, MAX_CERT_FILE, &f->data, &f->len, &err) < 0)
		return vg_cli_report(cli, VG_EXIT_FAILED, &err);
	f->pem = holds(f->data, f->len, "-----BEGIN ");
	f->has_cert = holds(f->data, f->len, "-----BEGIN CERTIFICATE-----") ||
		      holds(f->data, f->len, "-----BEGIN TRUSTED CERTIFICATE-----");
	f->has_key = holds(f->data, f->len, "PRIVATE KEY-----");
	f->key_encrypted = holds(f->data, f->len, "-----BEGIN ENCRYPTED PRIVATE KEY-----") ||
			   holds(f->data, f->len, "Proc-Type: 4,ENCRYPTED");
	return VG_EXIT_OK;
}

static char *to_b64(const struct client_file *f)
{
	return vg_base64_encode(f->data, f->len);
}

/* A PKCS#12 file (its password asked or read from --password-file), or a PEM certificate with
 * its private key: in the same file (nothing more to give), in --key, or asked for at the
 * terminal.  An encrypted key's password is asked too. */
static int run_client_import(struct vg_cli *cli, const struct vg_cli_args *opts)
{
	const char *file = vg_cli_arg_str(opts, 0), *key = vg_cli_opt_str(opts, "key");
	const char *pwfile = vg_cli_opt_str(opts, "password-file");
	struct client_file cf = { 0 }, kf = { 0 };
	char *b64 = NULL, *kb64 = NULL, *pw = NULL, asked[4096];
	json_t *args = NULL, *r;
	int rc;

	if ((rc = read_client_file(cli, file, &cf)) != VG_EXIT_OK)
		return rc;
	if (cf.pem && !cf.has_cert) {
		rc = vg_cli_fail(cli, N_("%s holds no certificate (a PEM file needs a BEGIN CERTIFICATE block)"), file);
		goto out;
	}
	if (cf.pem && !key && !cf.has_key) {
		/* A PEM certificate alone: its key is in another file. */
		if (cli->script || !isatty(STDIN_FILENO)) {
			rc = vg_cli_usage(cli, opts->cmd,
					  N_("%s is a PEM certificate without its private key: give the key with --key KEY.pem"),
					  file);
			goto out;
		}
		if ((rc = ask_line(cli, _("The private key of this certificate (a PEM file): "), asked, sizeof(asked))) !=
		    VG_EXIT_OK)
			goto out;
		if (!asked[0]) {
			rc = vg_cli_fail(cli, N_("no private key given: nothing was imported"));
			goto out;
		}
		key = asked;
	}
	if (key && (rc = read_client_file(cli, key, &kf)) != VG_EXIT_OK)
		goto out;
	if (key && !kf.has_key) {
		rc = vg_cli_fail(cli, N_("%s holds no private key in PEM form"), key);
		goto out;
	}
	if (!cf.pem && !key) {
		/* A PKCS#12 container: its password, asked or from a file. */
		if ((rc = get_password(cli, pwfile, _("Password of the PKCS#12 file: "), &pw)) != VG_EXIT_OK)
			goto out;
	} else if (pwfile || (key ? kf.key_encrypted : cf.key_encrypted)) {
		if ((rc = get_password(cli, pwfile, _("Password of the private key: "), &pw)) != VG_EXIT_OK)
			goto out;
	}
	b64 = to_b64(&cf);
	kb64 = key ? to_b64(&kf) : NULL;
	if (!b64 || (key && !kb64)) {
		rc = vg_cli_fail(cli, N_("out of memory"));
		goto out;
	}
	if (key)
		args = json_pack("{s:s, s:s}", "cert", b64, "key", kb64);
	else if (cf.pem)
		args = json_pack("{s:s, s:s}", "cert", b64, "key", b64); /* both in the same file */
	else
		args = json_pack("{s:s}", "data", b64);
	if (pw)
		json_object_set_new(args, "password", json_string(pw));
	rc = vg_cli_call(cli, VG_CMD_CERT_CLIENT_IMPORT, args, &r);
	args = NULL;
	rc = show_result(cli, rc, r, _("Client certificate imported:"));
out:
	json_decref(args);
	wipe(cf.data, cf.len);
	wipe(kf.data, kf.len);
	wipe(b64, b64 ? strlen(b64) : 0);
	wipe(kb64, kb64 ? strlen(kb64) : 0);
	wipe(pw, pw ? strlen(pw) : 0);
	return rc;
}

/* ---- servers ---- */

static const struct vg_cli_column server_columns[] = {
	{ "order", "#", true }, { "server", N_("SERVER"), false }, { "in_use", N_("IN USE"), false },
	{ NULL, NULL, false },
};

static void server_cell(json_t *s, int col, bool csv, char *buf, size_t size)
{
	bool in_use = json_is_true(json_object_get(s, "in_use"));

	if (col == 0)
		snprintf(buf, size, "%lld", (long long)json_integer_value(json_object_get(s, "order")));
	else if (col == 1)
		snprintf(buf, size, "%s", json_string_value(json_object_get(s, "server")) ?: "");
	else
		snprintf(buf, size, "%s", csv ? (in_use ? "true" : "false") : in_use ? _("in use") : "");
}

/* In failover order: the order is the point, so never sorted. */
static const struct vg_cli_list server_list = {
	.columns = server_columns, .cell = server_cell, .empty = N_("No server is configured."),
};

/* The servers (the agent's list of names) as rows: their place in the order, and which is in use. */
static int print_servers(struct vg_cli *cli, const struct vg_cli_args *args, json_t *r)
{
	const char *in_use = json_string_value(json_object_get(r, "in_use"));
	json_t *rows = json_array(), *s;
	size_t i;
	int rc;

	json_array_foreach(json_object_get(r, "servers"), i, s)
		json_array_append_new(rows, json_pack("{s:I, s:O, s:b}", "order", (json_int_t)i + 1, "server", s, "in_use",
						      in_use && json_is_string(s) && strcmp(in_use, json_string_value(s)) == 0));
	rc = vg_cli_print_list(cli, args, rows, r, &server_list);
	if (rc == VG_EXIT_OK && vg_cli_list_format(cli, args) == VG_CLI_FORMAT_TABLE)
		printf(_("Default port: %lld\n"), (long long)json_integer_value(json_object_get(r, "port")));
	json_decref(rows);
	return rc;
}

static int run_servers(struct vg_cli *cli, const struct vg_cli_args *args, enum vg_cmd proto, json_t *req)
{
	json_t *r;
	int rc = vg_cli_call(cli, proto, req, &r);

	if (rc != VG_EXIT_OK)
		return rc;
	rc = print_servers(cli, args, r);
	json_decref(r);
	return rc;
}

static int run_server_add(struct vg_cli *cli, const struct vg_cli_args *args)
{
	return run_servers(cli, args, VG_CMD_SERVER_ADD, json_pack("{s:s}", "server", vg_cli_arg_str(args, 0)));
}

static int run_server_del(struct vg_cli *cli, const struct vg_cli_args *args)
{
	return run_servers(cli, args, VG_CMD_SERVER_REMOVE, json_pack("{s:s}", "server", vg_cli_arg_str(args, 0)));
}

static int run_server_list(struct vg_cli *cli, const struct vg_cli_args *args)
{
	return run_servers(cli, args, VG_CMD_SERVER_LIST, NULL);
}

static int run_server_check(struct vg_cli *cli, const struct vg_cli_args *args)
{
	static const struct { const char *key, *label; } steps[] = {
		{ "configuration", N_("configuration") }, { "dns", N_("DNS") }, { "tcp", N_("TCP") },
		{ "tls", N_("TLS") }, { "certificate", N_("certificate") }, { "http", N_("HTTP") },
		{ "protocol", N_("protocol") },
	};
	json_t *r, *s;
	size_t i;
	int rc;

	rc = vg_cli_call(cli, VG_CMD_SERVER_CHECK,
			 vg_cli_arg_count(args) ? json_pack("{s:s}", "server", vg_cli_arg_str(args, 0)) : NULL, &r);
	if (rc != VG_EXIT_OK)
		return rc;
	if (cli->json) {
		vg_cli_print_json(cli, r);
	} else {
		const char *ok = _("ok"), *failed = _("FAILED");
		int label_w = 0, word_w = vg_text_width(ok, strlen(ok)), width = vg_cli_width(stdout);

		if (vg_text_width(failed, strlen(failed)) > word_w)
			word_w = vg_text_width(failed, strlen(failed));
		for (size_t k = 0; k < sizeof(steps) / sizeof(steps[0]); k++) {
			const char *step = _(steps[k].label);

			if (vg_text_width(step, strlen(step)) > label_w)
				label_w = vg_text_width(step, strlen(step));
		}
		printf(_("Checking %s:\n"), json_string_value(json_object_get(r, "server")));
		json_array_foreach(json_object_get(r, "steps"), i, s) {
			const char *key = json_string_value(json_object_get(s, "step")) ?: "", *label = key;
			const char *library = json_string_value(json_object_get(s, "library"));
			char text[VG_ERROR_MSG_SIZE];

			for (size_t k = 0; k < sizeof(steps) / sizeof(steps[0]); k++)
				if (strcmp(steps[k].key, key) == 0)
					label = _(steps[k].label);
			/* The agent's words, as a message id: in the user's language. */
			if (json_is_string(json_object_get(s, "msgid")))
				vg_present_error(s, text, sizeof(text));
			else
				snprintf(text, sizeof(text), "%s", json_string_value(json_object_get(s, "detail")) ?: "");
			fputs("  ", stdout);
			vg_text_pad(stdout, label, label_w + 1);
			vg_text_pad(stdout, json_is_true(json_object_get(s, "ok")) ? _("ok") : _("FAILED"), word_w + 1);
			vg_cli_wrap(stdout, text, 2 + label_w + 1 + word_w + 1, 2 + label_w + 1 + word_w + 1, width, 0);
			if (library && vg_cli_opt_flag(args, "verbose")) {
				char line[VG_ERROR_MSG_SIZE + 64];

				snprintf(line, sizeof(line), _("(the library said: %s)"), library);
				fprintf(stdout, "%*s", 2 + label_w + 1 + word_w + 1, "");
				vg_cli_wrap(stdout, line, 2 + label_w + 1 + word_w + 1, 2 + label_w + 1 + word_w + 1, width, 0);
			}
		}
	}
	rc = json_is_true(json_object_get(r, "ok")) ? VG_EXIT_OK : VG_EXIT_FAILED;
	json_decref(r);
	return rc;
}

/* ---- proxy ---- */

static int print_proxy(struct vg_cli *cli, int rc, json_t *r)
{
	const char *url;

	if (rc != VG_EXIT_OK)
		return rc;
	if (cli->json) {
		vg_cli_print_json(cli, r);
	} else {
		url = json_string_value(json_object_get(r, "url"));
		if (!url || !url[0]) {
			printf("%s\n", _("No proxy: the server is reached directly."));
		} else {
			const char *user = json_string_value(json_object_get(r, "user"));
			const char *bypass = json_string_value(json_object_get(r, "bypass"));

			vg_cli_label(_("Proxy:"), 12);
			printf("%s\n", url);
			vg_cli_label(_("User:"), 12);
			printf("%s\n", user && user[0] ? user : _("(none)"));
			vg_cli_label(_("Password:"), 12);
			printf("%s\n", json_is_true(json_object_get(r, "password")) ? _("(set)") : _("(none)"));
			vg_cli_label(_("Bypass:"), 12);
			printf("%s\n", bypass && bypass[0] ? bypass : _("(none)"));
		}
	}
	json_decref(r);
	return VG_EXIT_OK;
}

static int run_proxy_set(struct vg_cli *cli, const struct vg_cli_args *opts)
{
	const char *url = vg_cli_arg_str(opts, 0), *user = vg_cli_opt_str(opts, "user");
	const char *pwfile = vg_cli_opt_str(opts, "password-file"), *bypass = vg_cli_opt_str(opts, "bypass");
	char *pw = NULL;
	json_t *args, *r;
	int rc;

	if (pwfile && !user)
		return vg_cli_usage(cli, opts->cmd, N_("--password-file needs --user"));
	if (user && (rc = get_password(cli, pwfile, _("Proxy password: "), &pw)) != VG_EXIT_OK)
		return rc;
	args = json_pack("{s:s}", "url", url);
	if (user)
		json_object_set_new(args, "user", json_string(user));
	if (bypass)
		json_object_set_new(args, "bypass", json_string(bypass));
	if (pw && pw[0])
		json_object_set_new(args, "password", json_string(pw));
	wipe(pw, pw ? strlen(pw) : 0);
	rc = vg_cli_call(cli, VG_CMD_PROXY_SET, args, &r);
	return print_proxy(cli, rc, r);
}

static int run_proxy_show(struct vg_cli *cli, const struct vg_cli_args *args)
{
	json_t *r;

	(void)args;
	int rc = vg_cli_call(cli, VG_CMD_PROXY_SHOW, NULL, &r);

	return print_proxy(cli, rc, r);
}

static int run_proxy_clear(struct vg_cli *cli, const struct vg_cli_args *args)
{
	json_t *r;

	(void)args;
	int rc = vg_cli_call(cli, VG_CMD_PROXY_CLEAR, NULL, &r);

	return print_proxy(cli, rc, r);
}

#define OPT_PASSWORD_FILE(text)                                                                                  \
	{ .name = "password-file", .type = VG_CLI_PATH, .metavar = "F", .help = text }

static const struct vg_cli_spec cert_file[] = {
	{ .name = "FILE", .type = VG_CLI_PATH, .min_count = 1, .max_count = 1 },
	{ NULL },
};

static const struct vg_cli_spec one_server[] = {
	{ .name = "HOST[:PORT]", .type = VG_CLI_STRING, .source = VG_CLI_SRC_SERVERS, .min_count = 1, .max_count = 1 },
	{ NULL },
};

const struct vg_cli_command vg_cli_cmds_link[] = {
	{ .name = "cert server import",
	  .help = N_("Import the server certificate the link trusts (PEM or DER, a chain is fine)"),
	  .details = N_("The certificate (or the CA that signed the server's) becomes the only trust anchor of the link.\n"
			"It must parse and be valid now; a warning is printed when it expires within 30 days."),
	  .proto = VG_CMD_CERT_SERVER_IMPORT, .operands = cert_file, .run = run_server_import },
	{ .name = "cert server show", .help = N_("Show the imported server certificate"),
	  .details = N_("When none is imported it says so and exits 0 (null with --json)."),
	  .proto = VG_CMD_CERT_SERVER_SHOW, .run = run_server_show },
	{ .name = "cert server remove", .help = N_("Remove the imported server certificate"),
	  .proto = VG_CMD_CERT_SERVER_REMOVE, .run = run_server_remove },
	{ .name = "cert client import",
	  .help = N_("Import the client certificate for two-way TLS (PKCS#12, or PEM with its key)"),
	  .details = N_("FILE is a PKCS#12 container, whose password is asked without echo or read from\n"
			"--password-file; or a PEM certificate, with its private key in the same file, in --key, or\n"
			"asked for at the terminal (an encrypted key's password is asked too).  The key must match\n"
			"the certificate, which must be valid now."),
	  .proto = VG_CMD_CERT_CLIENT_IMPORT, .flags = VG_CLI_SECRET,
	  .options = (const struct vg_cli_spec[]){
		  { .name = "key", .type = VG_CLI_PATH, .metavar = "KEY.pem",
		    .help = N_("the private key, when FILE is a PEM certificate without it") },
		  OPT_PASSWORD_FILE(N_("read the password from the first line of F")),
		  { NULL } },
	  .operands = cert_file, .run = run_client_import },
	{ .name = "cert client show", .help = N_("Show the imported client certificate"),
	  .details = N_("When none is imported it says so and exits 0 (null with --json)."),
	  .proto = VG_CMD_CERT_CLIENT_SHOW, .run = run_client_show },
	{ .name = "cert client remove", .help = N_("Remove the imported client certificate"),
	  .proto = VG_CMD_CERT_CLIENT_REMOVE, .run = run_client_remove },
	{ .name = "server add", .help = N_("Add a central server at the end of the failover list"),
	  .proto = VG_CMD_SERVER_ADD,
	  .operands = (const struct vg_cli_spec[]){
		  { .name = "HOST[:PORT]", .type = VG_CLI_STRING, .min_count = 1, .max_count = 1 }, { NULL } },
	  .run = run_server_add },
	{ .name = "server remove", .help = N_("Remove a central server from the list"), .proto = VG_CMD_SERVER_REMOVE,
	  .operands = one_server, .run = run_server_del },
	{ .name = "server list", .help = N_("List the central servers in failover order"), .proto = VG_CMD_SERVER_LIST,
	  .options = (const struct vg_cli_spec[]){ VG_CLI_OPT_LIST_FORMAT, { NULL } }, .run = run_server_list },
	{ .name = "server check", .help = N_("Connect to a server now and report each step"),
	  .details = N_("Steps: DNS, TCP, TLS, certificate verdict, HTTP, protocol.  The first server when none is named.\n"
			"A failed step says what happened and what to check; --verbose adds the TLS library's own words."),
	  .proto = VG_CMD_SERVER_CHECK,
	  .options = (const struct vg_cli_spec[]){
		  { .name = "verbose", .letter = 'v', .help = N_("add the TLS library's own words to a failed step") },
		  { NULL } },
	  .operands = (const struct vg_cli_spec[]){
		  { .name = "HOST[:PORT]", .type = VG_CLI_STRING, .source = VG_CLI_SRC_SERVERS, .max_count = 1 },
		  { NULL } },
	  .run = run_server_check },
	{ .name = "proxy set", .help = N_("Reach the servers through a proxy (http://, https://, socks5://, socks5h://)"),
	  .details = N_("With --user, the password is asked without echo or read from --password-file; it is kept\n"
			"in a file only root can read and never shown back."),
	  .proto = VG_CMD_PROXY_SET, .flags = VG_CLI_SECRET,
	  .options = (const struct vg_cli_spec[]){
		  { .name = "user", .type = VG_CLI_STRING, .metavar = "USER", .help = N_("the proxy's user name") },
		  OPT_PASSWORD_FILE(N_("read the proxy's password from the first line of F")),
		  { .name = "bypass", .type = VG_CLI_STRING, .metavar = "LIST",
		    .help = N_("hosts reached directly, comma-separated") },
		  { NULL } },
	  .operands = (const struct vg_cli_spec[]){
		  { .name = "URL", .type = VG_CLI_STRING, .words = (const char *const[]){ "http://", "https://", "socks5://",
											  "socks5h://", NULL },
		    .min_count = 1, .max_count = 1 },
		  { NULL } },
	  .run = run_proxy_set },
	{ .name = "proxy show", .help = N_("Show the proxy settings (never the password)"), .proto = VG_CMD_PROXY_SHOW,
	  .run = run_proxy_show },
	{ .name = "proxy clear", .help = N_("Stop using a proxy"), .proto = VG_CMD_PROXY_CLEAR, .run = run_proxy_clear },
	{ NULL },
};
