/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The console's link to the agent: asynchronous requests matched to their callbacks,
 * "not reachable" with reconnection and an exponential back-off, never blocking the
 * interface.
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "nls.h"

#define BACKOFF_MIN_MS 250
#define BACKOFF_MAX_MS 3000

uint64_t vg_console_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

bool vg_console_connected(const struct vg_console *con)
{
	return con->up;
}

bool vg_console_read_only(const struct vg_console *con)
{
	return con->read_only;
}

const char *vg_console_refusal(const struct vg_console *con)
{
	return con->refused ? con->refusal : NULL;
}

/* The agent is for root and its group (the socket's): another user is told so, in words,
 * once; trying again every few seconds would only repeat it. */
static void refuse(struct vg_console *con)
{
	struct stat st;
	struct group gr, *found = NULL;
	char buf[4096], gid[32];
	const char *name = "vigil";

	/* The socket's group is the agent's; its number when it has no name here. */
	if (stat(con->socket_path, &st) == 0 && st.st_gid != 0) {
		if (getgrgid_r(st.st_gid, &gr, buf, sizeof(buf), &found) == 0 && found) {
			name = found->gr_name;
		} else {
			snprintf(gid, sizeof(gid), "%u", (unsigned)st.st_gid);
			name = gid;
		}
	}
	snprintf(con->refusal, sizeof(con->refusal), _("permission denied: you are not in group %s"), name);
	con->refused = true;
	con->next_attempt_ms = UINT64_MAX;
	con->redraw = true;
}

void vg_conn_retry(struct vg_console *con)
{
	if (!con->refused)
		return;
	con->refused = false;
	con->refusal[0] = '\0';
	con->backoff_ms = BACKOFF_MIN_MS;
	con->next_attempt_ms = 0;
}

bool vg_console_unavailable(const struct vg_error *err)
{
	return err && (err->code == -ENOSYS || err->code == -EOPNOTSUPP);
}

static void on_response(uint64_t id, json_t *result, const struct vg_error *err, void *data)
{
	struct vg_console *con = data;

	for (size_t i = 0; i < VG_CONSOLE_MAX_PENDING; i++) {
		struct vg_pending p = con->pending[i];

		if (p.id != id)
			continue;
		con->pending[i].id = 0;
		con->npending--;
		if (p.lasting)
			con->nlasting--;
		if (p.fn)
			p.fn(p.ctx, result, err);
		con->redraw = true;
		return;
	}
}

/* Every request still waiting gets the error, so that the screens leave their loading state. */
static void fail_pending(struct vg_console *con)
{
	struct vg_error err;

	vg_error_set(&err, -ECONNRESET, N_("the agent is not reachable"));
	for (size_t i = 0; i < VG_CONSOLE_MAX_PENDING; i++) {
		struct vg_pending p = con->pending[i];

		if (!p.id)
			continue;
		con->pending[i].id = 0;
		if (p.fn)
			p.fn(p.ctx, NULL, &err);
	}
	con->npending = 0;
	con->nlasting = 0;
}

static void disconnect(struct vg_console *con, const struct vg_error *err)
{
	char buf[VG_ERROR_MSG_SIZE];

	vg_client_close(con->client);
	con->client = NULL;
	con->up = false;
	con->read_only = false;
	if (err)
		snprintf(con->last_error, sizeof(con->last_error), "%s", vg_error_text(err, buf, sizeof(buf)));
	con->next_attempt_ms = vg_console_now_ms() + con->backoff_ms;
	con->backoff_ms = con->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : con->backoff_ms * 2;
	fail_pending(con);
	con->redraw = true;
}

static void on_stream(const char *stream, json_t *data, void *user)
{
	struct vg_console *con = user;

	for (size_t i = 0; i < vg_console_screen_count(); i++) {
		const struct vg_screen_class *cls = vg_console_screen(i)->cls;

		if (cls->stream && con->screens[i])
			cls->stream(con->screens[i], stream, data);
	}
	con->redraw = true;
}

static void on_hello(void *ctx, json_t *result, const struct vg_error *err)
{
	struct vg_console *con = ctx;
	const char *version = json_string_value(json_object_get(result, "version"));
	const char *access = json_string_value(json_object_get(result, "access"));

	if (err) {
		/* Connected, but the agent refuses everything to this user (the socket's mode was
		 * opened to others): the same as a refused connection. */
		if (err->code == -EACCES || err->code == -EPERM) {
			con->broken = true;
			con->broken_err = *err;
			con->refused = true;
		}
		return;
	}
	snprintf(con->agent_version, sizeof(con->agent_version), "%s", version ? version : "?");
	con->read_only = !access || strcmp(access, "admin") != 0;
	/* A real answer: the next loss starts the back-off from the beginning again. */
	con->backoff_ms = BACKOFF_MIN_MS;
}

void vg_conn_init(struct vg_console *con, const char *socket_path)
{
	con->socket_path = socket_path;
	con->backoff_ms = BACKOFF_MIN_MS;
	con->next_attempt_ms = 0;
}

void vg_conn_fini(struct vg_console *con)
{
	vg_client_close(con->client);
	con->client = NULL;
	con->up = false;
	fail_pending(con);
}

bool vg_conn_tick(struct vg_console *con)
{
	struct vg_error err = { 0 };

	if (con->broken) {
		con->broken = false;
		disconnect(con, &con->broken_err);
		if (con->refused)
			refuse(con);
		return true;
	}

	if (con->up || vg_console_now_ms() < con->next_attempt_ms)
		return false;
	/* Connecting to a local socket answers at once: refused, absent, or accepted. */
	if (vg_client_connect(&con->client, con->socket_path, &err) < 0) {
		con->client = NULL;
		disconnect(con, &err);
		if (err.code == -EACCES || err.code == -EPERM)
			refuse(con);
		return true;
	}
	vg_client_on_response(con->client, on_response, con);
	vg_client_on_stream(con->client, on_stream, con);
	con->up = true;
	con->last_error[0] = '\0';
	vg_console_request(con, VG_CMD_HELLO, NULL, on_hello, con);
	return true;
}

int vg_conn_fd(const struct vg_console *con)
{
	return con->up && con->client ? vg_client_fd(con->client) : -1;
}

bool vg_conn_readable(struct vg_console *con)
{
	struct vg_error err = { 0 };

	if (!con->up)
		return false;
	if (vg_client_process(con->client, &err) < 0) {
		con->broken = false;
		disconnect(con, &err);
		return true;
	}
	if (con->broken) {
		con->broken = false;
		disconnect(con, &con->broken_err);
		if (con->refused)
			refuse(con);
		return true;
	}
	return false;
}

static int request(struct vg_console *con, enum vg_cmd cmd, json_t *args, vg_console_reply_fn fn, void *ctx,
		   bool lasting)
{
	struct vg_error err = { 0 };
	uint64_t id;
	size_t slot;

	if (!con->up) {
		json_decref(args);
		return -ENOTCONN;
	}
	for (slot = 0; slot < VG_CONSOLE_MAX_PENDING && con->pending[slot].id; slot++)
		;
	if (slot == VG_CONSOLE_MAX_PENDING) {
		json_decref(args);
		return -EBUSY;
	}
	if (con->broken) {
		json_decref(args);
		return -ENOTCONN;
	}
	if (vg_client_send(con->client, cmd, args, &id, &err) < 0) {
		/* Not now: this may run inside vg_client_process(), which still uses the client. */
		con->broken = true;
		con->broken_err = err;
		return -ENOTCONN;
	}
	con->pending[slot] = (struct vg_pending){ .id = id, .fn = fn, .ctx = ctx, .sent_ms = vg_console_now_ms(),
						  .lasting = lasting };
	con->npending++;
	if (lasting)
		con->nlasting++;
	return 0;
}

int vg_console_request(struct vg_console *con, enum vg_cmd cmd, json_t *args, vg_console_reply_fn fn, void *ctx)
{
	return request(con, cmd, args, fn, ctx, false);
}

int vg_console_request_lasting(struct vg_console *con, enum vg_cmd cmd, json_t *args, vg_console_reply_fn fn,
			       void *ctx)
{
	return request(con, cmd, args, fn, ctx, true);
}

uint64_t vg_conn_oldest_ms(const struct vg_console *con)
{
	uint64_t now = vg_console_now_ms(), oldest = 0;

	for (size_t i = 0; i < VG_CONSOLE_MAX_PENDING; i++)
		if (con->pending[i].id && !con->pending[i].lasting && now - con->pending[i].sent_ms > oldest)
			oldest = now - con->pending[i].sent_ms;
	return oldest;
}
