/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Certificates, servers and proxy: the servers list (server.list) with add, remove and a
 * "check now" (server.check) that shows each step; the server's CA and the client certificate
 * (cert.*.show), imported from a file chosen with the picker (the console reads the file and
 * sends its content, as vigilctl does; a PKCS#12 password is typed in a field that does not
 * echo) or removed; the proxy (proxy.show / proxy.set / proxy.clear), whose password is never
 * shown back: the agent only says whether one is set.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "console.h"
#include "fileio.h"
#include "ioc.h"
#include "nls.h"
#include "present.h"

#define MAX_CERT_FILE (1024 * 1024)

enum srv_form { F_NONE, F_ADD, F_REMOVE, F_CLIENT, F_PROXY, F_RM_SCERT, F_RM_CCERT, F_PROXY_CLEAR };
enum { PICK_NONE, PICK_SERVER, PICK_CLIENT };

struct servers_screen {
	struct vg_console *con;
	json_t *servers, *scert, *ccert, *proxy, *check;
	char scert_err[VG_ERROR_MSG_SIZE], ccert_err[VG_ERROR_MSG_SIZE];
	bool unavailable, checking;
	char error[VG_ERROR_MSG_SIZE];
	struct vg_list rows;           /* the servers */
	struct vg_form form;
	enum srv_form kind;
	struct vg_picker picker;
	int picking;
	char chosen[VG_FIELD_MAX];
	char target[VG_FIELD_MAX];     /* the server removed or checked */
};

#define SERVER_ROWS 5

static json_t *servers(const struct servers_screen *s)
{
	return json_object_get(s->servers, "servers");
}

static size_t count(void *ctx)
{
	struct servers_screen *s = ctx;

	return json_array_size(servers(s));
}

static void draw_row(void *ctx, size_t i, int y, int x, int cols, bool selected)
{
	struct servers_screen *s = ctx;
	const char *name = json_string_value(json_array_get(servers(s), i));
	char buf[1024];

	(void)selected;
	snprintf(buf, sizeof(buf), "%s%s", name ? name : "?",
		 name && strcmp(name, vg_ui_str(s->servers, "in_use")) == 0 ? _("  (in use)") : "");
	vg_ui_text(y, x + 3, buf, cols - 4);
}

static const struct vg_list_ops rows_ops = {
	.count = count,
	.draw_row = draw_row,
};

static void *create(struct vg_console *con)
{
	struct servers_screen *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->con = con;
	vg_list_init(&s->rows, &rows_ops, s);
	return s;
}

static void destroy(void *self)
{
	struct servers_screen *s = self;

	json_decref(s->servers);
	json_decref(s->scert);
	json_decref(s->ccert);
	json_decref(s->proxy);
	json_decref(s->check);
	vg_list_fini(&s->rows);
	vg_form_close(&s->form);
	vg_picker_fini(&s->picker);
	free(s);
}

static void keep(json_t **slot, json_t *result)
{
	json_decref(*slot);
	*slot = result ? json_incref(result) : NULL;
}

static void on_servers(void *ctx, json_t *result, const struct vg_error *err)
{
	struct servers_screen *s = ctx;

	if (err) {
		s->unavailable = vg_console_unavailable(err);
		vg_error_text(err, s->error, sizeof(s->error));
		return;
	}
	s->error[0] = '\0';
	keep(&s->servers, result);
	vg_list_changed(&s->rows);
}

static void on_scert(void *ctx, json_t *result, const struct vg_error *err)
{
	struct servers_screen *s = ctx;

	keep(&s->scert, err ? NULL : result);
	if (err)
		vg_error_text(err, s->scert_err, sizeof(s->scert_err));
}

static void on_ccert(void *ctx, json_t *result, const struct vg_error *err)
{
	struct servers_screen *s = ctx;

	keep(&s->ccert, err ? NULL : result);
	if (err)
		vg_error_text(err, s->ccert_err, sizeof(s->ccert_err));
}

static void on_proxy(void *ctx, json_t *result, const struct vg_error *err)
{
	struct servers_screen *s = ctx;

	keep(&s->proxy, err ? NULL : result);
}

static void show(void *self)
{
	struct servers_screen *s = self;

	vg_console_request(s->con, VG_CMD_SERVER_LIST, NULL, on_servers, s);
	vg_console_request(s->con, VG_CMD_CERT_SERVER_SHOW, NULL, on_scert, s);
	vg_console_request(s->con, VG_CMD_CERT_CLIENT_SHOW, NULL, on_ccert, s);
	vg_console_request(s->con, VG_CMD_PROXY_SHOW, NULL, on_proxy, s);
}

static void on_change(void *ctx, json_t *result, const struct vg_error *err)
{
	struct servers_screen *s = ctx;

	(void)result;
	s->form.busy = false;
	if (err) {
		if (s->form.open) {
			vg_error_text(err, s->form.error, sizeof(s->form.error));
		} else {
			char text[VG_ERROR_MSG_SIZE];

			vg_console_message(s->con, true, vg_error_text(err, text, sizeof(text)));
		}
		vg_console_redraw(s->con);
		return;
	}
	vg_form_close(&s->form);
	s->kind = F_NONE;
	vg_console_message(s->con, false, _("Done."));
	show(s);
}

static void on_check(void *ctx, json_t *result, const struct vg_error *err)
{
	struct servers_screen *s = ctx;
	char text[VG_ERROR_MSG_SIZE];

	s->checking = false;
	if (err) {
		json_decref(s->check);
		s->check = json_pack("{s:s, s:b, s:[{s:s, s:b, s:s}]}", "server", s->target, "ok", 0, "steps", "step",
				     "request", "ok", 0, "detail", vg_error_text(err, text, sizeof(text)));
		return;
	}
	keep(&s->check, result);
}

static json_t *selected_server(struct servers_screen *s)
{
	long i = vg_list_selected(&s->rows);

	return i < 0 ? NULL : json_array_get(servers(s), (size_t)i);
}

static void send_change(struct servers_screen *s, enum vg_cmd cmd, json_t *args)
{
	if (vg_console_request(s->con, cmd, args, on_change, s) == 0)
		s->form.busy = true;
	else
		vg_form_error(&s->form, "%s", _("The agent is not reachable."));
}

/* The content of path in base64 (the caller frees), or NULL with the reason in msg. */
static char *file_b64(const char *path, char *msg, size_t size)
{
	struct vg_error err;
	char *data = NULL, *out;
	size_t len = 0;

	if (vg_file_read_all(path, MAX_CERT_FILE, &data, &len, &err) < 0) {
		vg_error_text(&err, msg, size);
		return NULL;
	}
	if (!(out = vg_base64_encode(data, len)))
		snprintf(msg, size, "%s", _("out of memory"));
	/* A key file may be in it. */
	explicit_bzero(data, len);
	free(data);
	return out;
}

static void wipe_free(char *p)
{
	if (p) {
		explicit_bzero(p, strlen(p));
		free(p);
	}
}

static void submit(void *ctx, struct vg_form *f)
{
	struct servers_screen *s = ctx;
	json_t *args;
	char msg[VG_ERROR_MSG_SIZE];

	switch (s->kind) {
	case F_ADD:
		send_change(s, VG_CMD_SERVER_ADD, json_pack("{s:s}", "server", vg_form_value(f, 0)));
		return;
	case F_REMOVE:
		send_change(s, VG_CMD_SERVER_REMOVE, json_pack("{s:s}", "server", s->target));
		return;
	case F_RM_SCERT:
		send_change(s, VG_CMD_CERT_SERVER_REMOVE, NULL);
		return;
	case F_RM_CCERT:
		send_change(s, VG_CMD_CERT_CLIENT_REMOVE, NULL);
		return;
	case F_PROXY_CLEAR:
		send_change(s, VG_CMD_PROXY_CLEAR, NULL);
		return;
	case F_PROXY:
		args = json_pack("{s:s, s:s}", "url", vg_form_value(f, 0), "bypass", vg_form_value(f, 3));
		if (vg_form_value(f, 1)[0])
			json_object_set_new(args, "user", json_string(vg_form_value(f, 1)));
		/* The password field left as it was: the agent keeps the stored password; emptied:
		 * none; typed: the new one. */
		if (vg_form_kept(f, 2))
			json_object_set_new(args, "keep_password", json_true());
		else if (vg_form_value(f, 2)[0])
			json_object_set_new(args, "password", json_string(vg_form_value(f, 2)));
		send_change(s, VG_CMD_PROXY_SET, args);
		return;
	case F_CLIENT: {
		char *cert = file_b64(s->chosen, msg, sizeof(msg)), *key = NULL;
		const char *keypath = vg_form_value(f, 0), *pw = vg_form_value(f, 1);

		if (!cert || (keypath[0] && !(key = file_b64(keypath, msg, sizeof(msg))))) {
			vg_form_error(f, "%s", msg);
			wipe_free(cert);
			return;
		}
		/* With a key file: PEM certificate and key; without: a PKCS#12 file. */
		args = key ? json_pack("{s:s, s:s}", "cert", cert, "key", key) : json_pack("{s:s}", "data", cert);
		if (pw[0])
			json_object_set_new(args, "password", json_string(pw));
		wipe_free(cert);
		wipe_free(key);
		send_change(s, VG_CMD_CERT_CLIENT_IMPORT, args);
		return;
	}
	default:
		return;
	}
}

static void confirm(struct servers_screen *s, enum srv_form kind, const char *title)
{
	s->kind = kind;
	vg_form_open(&s->form, title, submit, s);
}

/* A file was chosen in the picker: the server's CA goes at once; the client's asks for more. */
static void picked(struct servers_screen *s)
{
	char msg[VG_ERROR_MSG_SIZE], *b64;

	snprintf(s->chosen, sizeof(s->chosen), "%s", s->picker.chosen[0]);
	vg_picker_fini(&s->picker);
	s->picker.open = false;
	if (s->picking == PICK_SERVER) {
		s->picking = PICK_NONE;
		if (!(b64 = file_b64(s->chosen, msg, sizeof(msg)))) {
			vg_console_message(s->con, true, msg);
			return;
		}
		if (vg_console_request(s->con, VG_CMD_CERT_SERVER_IMPORT, json_pack("{s:s}", "data", b64), on_change, s) < 0)
			vg_console_message(s->con, true, _("The agent is not reachable."));
		free(b64);
		return;
	}
	s->picking = PICK_NONE;
	s->kind = F_CLIENT;
	vg_form_open(&s->form, _(" Import the client certificate "), submit, s);
	vg_form_add(&s->form, N_("Key file (PEM; empty for PKCS#12)"), "", false);
	vg_form_add(&s->form, N_("Password"), "", true);
	snprintf(s->form.note, sizeof(s->form.note), "%s %s", _("File:"), s->chosen);
}

static int command(struct servers_screen *s, int cmd)
{
	json_t *srv = selected_server(s);
	char title[512];

	if (cmd != VG_UI_CHECK && vg_console_read_only(s->con)) {
		vg_console_read_only_message(s->con);
		return VG_KEY_HANDLED | VG_KEY_REDRAW;
	}
	switch (cmd) {
	case VG_UI_ADD:
		s->kind = F_ADD;
		vg_form_open(&s->form, _(" Add a server "), submit, s);
		vg_form_add(&s->form, N_("Server (HOST or HOST:PORT)"), "", false);
		break;
	case VG_UI_REMOVE:
		if (!srv) {
			vg_console_message(s->con, false, _("Select a server first."));
			break;
		}
		snprintf(s->target, sizeof(s->target), "%s", json_string_value(srv));
		snprintf(title, sizeof(title), _(" Remove the server %s? Enter: yes, Esc: no "), s->target);
		confirm(s, F_REMOVE, title);
		break;
	case VG_UI_CHECK: {
		json_t *args = NULL;

		if (vg_console_read_only(s->con)) {
			vg_console_read_only_message(s->con);
			break;
		}
		snprintf(s->target, sizeof(s->target), "%s", srv ? json_string_value(srv) : "");
		if (srv)
			args = json_pack("{s:s}", "server", s->target);
		json_decref(s->check);
		s->check = NULL;
		if (vg_console_request_lasting(s->con, VG_CMD_SERVER_CHECK, args, on_check, s) == 0)
			s->checking = true;
		break;
	}
	case VG_UI_IMPORT_SERVER:
	case VG_UI_IMPORT_CLIENT:
		s->picking = cmd == VG_UI_IMPORT_SERVER ? PICK_SERVER : PICK_CLIENT;
		vg_picker_open(&s->picker);
		break;
	case VG_UI_REMOVE_SERVER_CERT:
		confirm(s, F_RM_SCERT, _(" Remove the server's CA certificate? Enter: yes, Esc: no "));
		break;
	case VG_UI_REMOVE_CLIENT_CERT:
		confirm(s, F_RM_CCERT, _(" Remove the client certificate? Enter: yes, Esc: no "));
		break;
	case VG_UI_PROXY:
		s->kind = F_PROXY;
		vg_form_open(&s->form, _(" Proxy "), submit, s);
		vg_form_add(&s->form, N_("URL (http://host:port)"), vg_ui_str(s->proxy, "url"), false);
		vg_form_add(&s->form, N_("User"), vg_ui_str(s->proxy, "user"), false);
		/* Never shown back: left as it is, the agent keeps it. */
		vg_form_add_kept(&s->form, N_("Password"), json_is_true(json_object_get(s->proxy, "password")));
		vg_form_add(&s->form, N_("Bypass (hosts, comma-separated)"), vg_ui_str(s->proxy, "bypass"), false);
		snprintf(s->form.note, sizeof(s->form.note), "%s",
			 _("The password is never shown back: left as it is, it is kept; typed, it replaces the stored one; emptied (Backspace), there is none."));
		break;
	case VG_UI_PROXY_CLEAR:
		confirm(s, F_PROXY_CLEAR, _(" Use no proxy? Enter: yes, Esc: no "));
		break;
	default:
		return VG_KEY_IGNORED;
	}
	return VG_KEY_HANDLED | VG_KEY_REDRAW;
}

/* After a key or a click in the picker: a file chosen goes on at once. */
static int after_picker(struct servers_screen *s, int r)
{
	if (s->picker.nchosen)
		picked(s);
	else if (!s->picker.open)
		s->picking = PICK_NONE;
	return r | VG_KEY_REDRAW;
}

static int key(void *self, const struct vg_key *k)
{
	struct servers_screen *s = self;
	int r;

	if (s->picker.open)
		return after_picker(s, vg_picker_key(&s->picker, k));
	if (s->form.open)
		return vg_form_key(&s->form, k);
	if ((r = vg_list_key(&s->rows, k)))
		return r;
	if (k->action == VG_ACT_COMMAND)
		return command(s, k->arg);
	if (k->action == VG_ACT_RELOAD) {
		show(s);
		return VG_KEY_HANDLED | VG_KEY_REDRAW;
	}
	return VG_KEY_IGNORED;
}

static int heading(int y, const char *text, int cols)
{
	attrset(vg_ui_attr(VG_ROLE_HEADING));
	vg_ui_text(y, 1, text, cols - 2);
	attrset(A_NORMAL);
	return y + 1;
}

static int cert_line(int y, const json_t *cert, const char *err, int cols)
{
	char buf[1024];

	if (!cert) {
		attrset(vg_ui_attr(VG_ROLE_DIM));
		vg_ui_text(y, 3, err[0] ? err : _("Asking the agent…"), cols - 4);
		attrset(A_NORMAL);
		return y + 1;
	}
	json_int_t days = json_integer_value(json_object_get(cert, "expires_in_days"));
	char d[32];

	snprintf(d, sizeof(d), "%" JSON_INTEGER_FORMAT, days);
	snprintf(buf, sizeof(buf), "%s %s   %s %s   %s %s", _("subject:"), vg_ui_str(cert, "subject"), _("days left:"), d,
		 _("SHA-256:"), vg_ui_str(cert, "sha256"));
	/* The warning colour under 30 days. */
	attrset(days < 30 ? vg_ui_attr(VG_ROLE_WARN) : A_NORMAL);
	vg_ui_text(y, 3, buf, cols - 4);
	attrset(A_NORMAL);
	return y + 1;
}

/* A step of the server check in words (the agent names it by a word of the protocol). */
static const char *step_label(const char *step)
{
	static const struct {
		const char *key, *label;
	} steps[] = {
		{ "configuration", N_("configuration") }, { "dns", N_("DNS") }, { "tcp", N_("TCP") }, { "tls", N_("TLS") },
		{ "certificate", N_("certificate") },     { "http", N_("HTTP") }, { "protocol", N_("protocol") },
	};

	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (strcmp(steps[i].key, step) == 0)
			return _(steps[i].label);
	return step;
}

static void draw(void *self, const struct vg_view *v)
{
	struct servers_screen *s = self;
	int y = v->top, w = v->cols - 4;
	json_t *e;
	char buf[1024];
	size_t i;

	if (s->picker.open) {
		vg_picker_draw(&s->picker, v);
		return;
	}
	if (!s->servers) {
		const char *text = s->unavailable                  ? _("The server link is not available in this agent.")
				   : s->error[0]                   ? s->error
				   : !vg_console_connected(s->con) ? _("The agent is not reachable.")
								   : _("Asking the agent…");

		attrset(vg_ui_attr(s->error[0] ? VG_ROLE_WARN : VG_ROLE_DIM));
		vg_ui_text(y + 1, 2, text, w);
		attrset(A_NORMAL);
		goto form;
	}
	snprintf(buf, sizeof(buf), "%s (%s %" JSON_INTEGER_FORMAT ")", _("Servers"), _("port"),
		 json_integer_value(json_object_get(s->servers, "port")));
	y = heading(y, buf, v->cols);
	if (!json_array_size(servers(s))) {
		attrset(vg_ui_attr(VG_ROLE_DIM));
		vg_ui_text(y++, 3, _("No server: press a to add one."), w);
		attrset(A_NORMAL);
	} else {
		int n = (int)json_array_size(servers(s));

		/* A few rows; more scroll. */
		n = n < SERVER_ROWS ? n : SERVER_ROWS;
		vg_list_draw(&s->rows, y, v->left, n, v->cols);
		y += n;
	}
	y = heading(y + 1, _("Server CA certificate"), v->cols);
	y = cert_line(y, s->scert, s->scert_err, v->cols);
	y = heading(y + 1, _("Client certificate"), v->cols);
	y = cert_line(y, s->ccert, s->ccert_err, v->cols);
	y = heading(y + 1, _("Proxy"), v->cols);
	snprintf(buf, sizeof(buf), "%s %s   %s %s   %s %s   %s %s", _("URL:"),
		 vg_ui_str(s->proxy, "url")[0] ? vg_ui_str(s->proxy, "url") : _("(none)"), _("user:"),
		 vg_ui_str(s->proxy, "user"), _("password:"),
		 json_is_true(json_object_get(s->proxy, "password")) ? _("(set)") : _("(none)"), _("bypass:"),
		 vg_ui_str(s->proxy, "bypass"));
	vg_ui_text(y++, 3, buf, w);
	y = heading(y + 1, _("Check"), v->cols);
	if (s->checking) {
		attrset(vg_ui_attr(VG_ROLE_DIM));
		snprintf(buf, sizeof(buf), "%s %s", _("Checking"), s->target[0] ? s->target : _("the servers"));
		vg_ui_text(y++, 3, buf, w);
		attrset(A_NORMAL);
	} else if (!s->check) {
		attrset(vg_ui_attr(VG_ROLE_DIM));
		vg_ui_text(y++, 3, _("Press n to check the selected server now."), w);
		attrset(A_NORMAL);
	} else {
		int word_w = vg_ui_width(_("ok")) > vg_ui_width(_("FAIL")) ? vg_ui_width(_("ok")) : vg_ui_width(_("FAIL"));

		json_array_foreach(json_object_get(s->check, "steps"), i, e) {
			bool ok = json_is_true(json_object_get(e, "ok"));
			char text[VG_ERROR_MSG_SIZE];

			if (y >= v->top + v->rows)
				break;
			/* The agent's words travel as a message id: shown in the user's language. */
			if (json_is_string(json_object_get(e, "msgid")))
				vg_present_error(e, text, sizeof(text));
			else
				snprintf(text, sizeof(text), "%s", vg_ui_str(e, "detail"));
			attrset(vg_ui_attr(ok ? VG_ROLE_OK : VG_ROLE_ERROR));
			vg_ui_text(y, 3, ok ? _("ok") : _("FAIL"), word_w);
			attrset(A_NORMAL);
			vg_ui_text(y, 3 + word_w + 1, step_label(vg_ui_str(e, "step")), 14);
			vg_ui_text_cut(y++, 3 + word_w + 1 + 15, text, w - word_w - 16);
		}
	}
form:
	if (s->form.open)
		vg_form_draw(&s->form, v);
}

static int click(void *self, int y, int x)
{
	struct servers_screen *s = self;

	if (s->picker.open)
		return after_picker(s, vg_picker_click(&s->picker, y, x));
	if (s->form.open)
		return vg_form_click(&s->form, y, x);
	return vg_list_click(&s->rows, y, x) == VG_LIST_MISS ? VG_KEY_IGNORED : VG_KEY_HANDLED | VG_KEY_REDRAW;
}

const struct vg_screen_class vg_screen_servers = {
	.label = N_("Servers"),
	.title = N_("Certificates, servers and proxy"),
	.create = create,
	.destroy = destroy,
	.show = show,
	.draw = draw,
	.key = key,
	.click = click,
};
