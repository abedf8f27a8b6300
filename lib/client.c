/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "paths.h"
#include "linebuf.h"
#include "nls.h"
#include "vigil/client.h"

/* A large result arrives in parts ("more": true); at most this many grow at once, each at most
 * VG_CLIENT_MAX_RESULT bytes of text. */
#define MAX_PARTIAL 8
#define VG_CLIENT_MAX_RESULT (256u * 1024 * 1024)

struct partial {
	uint64_t id;
	json_t *items;
	size_t bytes;
};

struct vg_client {
	int fd;
	struct partial partial[MAX_PARTIAL];
	uint64_t next_id;
	struct vg_linebuf in;
	vg_client_response_fn on_response;
	void *response_data;
	vg_client_stream_fn on_stream;
	void *stream_data;
	/* While vg_client_call waits, the response it waits for lands here. */
	uint64_t waiting_id;
	int waiting_done;
	json_t *waiting_result;
	struct vg_error waiting_err;
};

const char *vg_client_default_socket(void)
{
	const char *env = getenv("VIGIL_SOCKET");

	return env && env[0] ? env : VG_DEFAULT_SOCKET;
}

int vg_client_connect(struct vg_client **out, const char *path, struct vg_error *err)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct vg_client *c;
	int fd, r;

	if (strlen(path) >= sizeof(addr.sun_path))
		return vg_error_set(err, -ENAMETOOLONG, N_("socket path too long: %s"), path);
	memcpy(addr.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return vg_error_set(err, -errno, N_("cannot create a socket: %s"), strerror(errno));
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		r = -errno;
		if (r == -EACCES || r == -EPERM)
			vg_error_set(err, r, N_("cannot connect to the agent at %s: permission denied (only root and members of group vigil may use it)"), path);
		else
			vg_error_set(err, r, N_("cannot connect to the agent at %s: %s"), path, strerror(-r));
		close(fd);
		return r;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	}
	c->fd = fd;
	c->next_id = 1;
	vg_linebuf_init(&c->in, VG_PROTO_MAX_MESSAGE);
	*out = c;
	return 0;
}

void vg_client_close(struct vg_client *c)
{
	if (!c)
		return;
	close(c->fd);
	vg_linebuf_fini(&c->in);
	json_decref(c->waiting_result);
	for (size_t i = 0; i < MAX_PARTIAL; i++)
		json_decref(c->partial[i].items);
	free(c);
}

int vg_client_fd(const struct vg_client *c)
{
	return c->fd;
}

void vg_client_on_response(struct vg_client *c, vg_client_response_fn fn, void *data)
{
	c->on_response = fn;
	c->response_data = data;
}

void vg_client_on_stream(struct vg_client *c, vg_client_stream_fn fn, void *data)
{
	c->on_stream = fn;
	c->stream_data = data;
}

static int lost(struct vg_error *err)
{
	return vg_error_set(err, -ECONNRESET, N_("the connection to the agent was lost"));
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int vg_client_send(struct vg_client *c, enum vg_cmd cmd, json_t *args, uint64_t *id, struct vg_error *err)
{
	json_t *req;
	char *text;
	size_t len;
	int r;

	if ((unsigned)cmd >= VG_CMD_COUNT) {
		json_decref(args);
		return vg_error_set(err, -EINVAL, N_("no such command in this protocol version"));
	}
	req = json_pack("{s:i, s:I, s:s, s:o}", "v", VG_PROTO_VERSION, "id", (json_int_t)c->next_id,
			"cmd", vg_proto_name(cmd), "args", args ? args : json_object());
	if (!req)
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	text = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	if (!text)
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	len = strlen(text);
	if (len + 1 > VG_PROTO_MAX_REQUEST) {
		free(text);
		return vg_error_set(err, -EMSGSIZE, N_("the request is larger than the protocol allows"));
	}
	text[len] = '\n';
	r = write_all(c->fd, text, len + 1);
	free(text);
	if (r < 0)
		return lost(err);
	if (id)
		*id = c->next_id;
	c->next_id++;
	return 0;
}

void vg_client_error_of(const json_t *error, struct vg_error *err)
{
	json_t *e = (json_t *)error;
	const char *code = json_string_value(json_object_get(e, "code"));
	const char *message = json_string_value(json_object_get(e, "message"));
	const char *msgid = json_string_value(json_object_get(e, "msgid"));
	const char *prefix = json_string_value(json_object_get(e, "prefix"));
	json_t *args = json_object_get(e, "args");

	memset(err, 0, sizeof(*err));
	err->code = code ? vg_proto_error_code(code) : -EIO;
	snprintf(err->message, sizeof(err->message), "%s", message ? message : _("unknown error"));
	if (msgid && json_is_array(args) && json_array_size(args) <= VG_ERROR_MAX_ARGS) {
		size_t i;
		json_t *a;

		snprintf(err->msgid, sizeof(err->msgid), "%s", msgid);
		snprintf(err->prefix, sizeof(err->prefix), "%s", prefix ? prefix : "");
		json_array_foreach(args, i, a)
			snprintf(err->args[i], sizeof(err->args[i]), "%s", json_is_string(a) ? json_string_value(a) : "");
		err->nargs = (int)json_array_size(args);
	}
}

static struct partial *partial_find(struct vg_client *c, uint64_t id)
{
	for (size_t i = 0; i < MAX_PARTIAL; i++)
		if (c->partial[i].items && c->partial[i].id == id)
			return &c->partial[i];
	return NULL;
}

/* One part of a large result (an array); returns 0, or -1 when it cannot be kept (the result
 * then ends as an error). */
static int partial_add(struct vg_client *c, uint64_t id, json_t *items, size_t bytes)
{
	struct partial *p = partial_find(c, id);

	if (!json_is_array(items))
		return -1;
	for (size_t i = 0; !p && i < MAX_PARTIAL; i++)
		if (!c->partial[i].items) {
			p = &c->partial[i];
			*p = (struct partial){ .id = id, .items = json_array() };
		}
	if (!p || !p->items || p->bytes + bytes > VG_CLIENT_MAX_RESULT)
		return -1;
	p->bytes += bytes;
	return json_array_extend(p->items, items);
}

/* Takes the parts gathered for id, if any (a new reference, or NULL). */
static json_t *partial_take(struct vg_client *c, uint64_t id)
{
	struct partial *p = partial_find(c, id);
	json_t *items;

	if (!p)
		return NULL;
	items = p->items;
	*p = (struct partial){ 0 };
	return items;
}

static void handle_message(struct vg_client *c, json_t *msg, size_t bytes)
{
	json_t *jid = json_object_get(msg, "id");
	const char *stream = json_string_value(json_object_get(msg, "stream"));
	struct vg_error err;
	json_t *parts;
	uint64_t id;

	if (stream) {
		if (c->on_stream)
			c->on_stream(stream, json_object_get(msg, "data"), c->stream_data);
		return;
	}
	if (!json_is_integer(jid))
		return;
	id = (uint64_t)json_integer_value(jid);
	if (json_is_true(json_object_get(msg, "ok"))) {
		json_t *result = json_object_get(msg, "result");

		if (json_is_true(json_object_get(msg, "more"))) {
			if (partial_add(c, id, result, bytes) == 0)
				return;
			json_decref(partial_take(c, id));
			vg_error_set(&err, -EMSGSIZE, N_("the agent's answer is larger than this client accepts"));
			goto failed;
		}
		parts = partial_take(c, id);
		if (parts && json_array_extend(parts, result) == 0) {
			result = parts;
		} else {
			json_decref(parts);
			result = json_incref(result ? result : json_null());
		}
		if (c->waiting_id && id == c->waiting_id) {
			c->waiting_result = result;
			c->waiting_done = 1;
			return;
		}
		if (c->on_response)
			c->on_response(id, result, NULL, c->response_data);
		json_decref(result);
		return;
	}
	json_decref(partial_take(c, id));
	vg_client_error_of(json_object_get(msg, "error"), &err);
failed:
	if (c->waiting_id && id == c->waiting_id) {
		c->waiting_err = err;
		c->waiting_done = -1;
	} else if (c->on_response) {
		c->on_response(id, NULL, &err, c->response_data);
	}
}

int vg_client_process(struct vg_client *c, struct vg_error *err)
{
	char *line;
	size_t len, room;
	ssize_t n;
	int r;

	char *p = vg_linebuf_space(&c->in, &room);

	if (!p)
		return vg_error_set(err, -EMSGSIZE, N_("the agent sent a message larger than the protocol allows"));
	n = recv(c->fd, p, room, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0)
		return lost(err);
	vg_linebuf_commit(&c->in, (size_t)n);
	while ((r = vg_linebuf_next(&c->in, &line, &len)) > 0) {
		json_t *msg = json_loadb(line, len, 0, NULL);

		if (!json_is_object(msg)) {
			json_decref(msg);
			return vg_error_set(err, -EPROTO, N_("the agent sent a malformed message"));
		}
		handle_message(c, msg, len);
		json_decref(msg);
	}
	if (r < 0)
		return vg_error_set(err, -EPROTO, N_("the agent sent a malformed message"));
	return 0;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int vg_client_call(struct vg_client *c, enum vg_cmd cmd, json_t *args, int timeout_ms,
		   json_t **result, struct vg_error *err)
{
	long long deadline = now_ms() + timeout_ms;
	uint64_t id;
	int r;

	*result = NULL;
	if ((r = vg_client_send(c, cmd, args, &id, err)) < 0)
		return r;
	c->waiting_id = id;
	c->waiting_done = 0;
	while (!c->waiting_done) {
		struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
		long long left = deadline - now_ms();

		if (timeout_ms >= 0 && left <= 0) {
			c->waiting_id = 0;
			return vg_error_set(err, -ETIMEDOUT, N_("the agent did not answer in time"));
		}
		r = poll(&pfd, 1, timeout_ms < 0 ? -1 : (int)left);
		if (r < 0 && errno == EINTR) {
			c->waiting_id = 0;
			return vg_error_set(err, -EINTR, N_("interrupted"));
		}
		if (r > 0 && (r = vg_client_process(c, err)) < 0) {
			c->waiting_id = 0;
			return r;
		}
	}
	c->waiting_id = 0;
	if (c->waiting_done < 0) {
		if (err)
			*err = c->waiting_err;
		return c->waiting_err.code ? c->waiting_err.code : -EIO;
	}
	*result = c->waiting_result;
	c->waiting_result = NULL;
	return 0;
}
