/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <libgen.h>
#include <limits.h>
#include <sys/epoll.h>

#include "clock.h"
#include "ctl-server.h"
#include "fileio.h"
#include "linebuf.h"
#include "log.h"
#include "loop.h"
#include "nls.h"
#include "vigil/error.h"
#include "workers.h"

#define MAX_STREAMS 8
#define MAX_STREAM_NAME 32
/* A result larger than one frame travels in parts of about PART_BYTES, made only while less
 * than PUMP_LOW bytes wait for the peer: a large answer costs the agent one part of buffer. */
#define PART_BYTES (512u * 1024)
#define PUMP_LOW (256u * 1024)
#define SHRINK_ABOVE (64u * 1024) /* an emptied output buffer larger than this is given back */
#define TICK_MS 1000              /* idle and stalled connections are looked for this often */
#define MAX_ON_CLOSE 8
#define READ_MAX (64u * 1024)     /* bytes taken from one peer in one go */
/* A request line longer than this is parsed on a worker: JSON of several MiB (an OpenIOC
 * document) takes milliseconds that the loop owes to every other client. */
#define PARSE_ON_WORKER_BYTES (64 * 1024)

/* An array result being sent in parts. */
struct part_reply {
	json_int_t id;
	json_t *items;
	size_t next;                    /* the first item not sent yet */
	struct part_reply *after;
};

struct conn {
	struct vg_ctl_server *srv;
	uint64_t id;
	int fd;
	struct vg_watch *watch;
	struct vg_linebuf in;
	char *out;
	size_t out_len, out_cap;
	struct vg_ctl_peer peer;
	char streams[MAX_STREAMS][MAX_STREAM_NAME];
	struct part_reply *parts;       /* results waiting to be sent in parts, oldest first */
	bool root;                      /* the administrator: never refused or dropped for others */
	bool doomed;                    /* cut off to make room: closed at its next event */
	bool processing, in_handler, replied_in_handler;
	bool input_held;                /* the non-root pool is full: no more reading until the next tick */
	unsigned pending;               /* deferred requests not answered yet */
	uint64_t active_ms;             /* the last request, or the last bytes the peer took */
	bool parsing;                   /* a request is parsed on a worker: the next ones wait behind it */
	uint32_t events;                /* what the watch waits for */
	struct conn *next;
};

/* A long request line parsed on a worker. */
struct parse_job {
	struct vg_ctl_server *srv;  /* NULL once the server is gone */
	uint64_t conn_id;
	char *line;
	size_t len;
	json_t *msg;
	json_error_t jerr;
	struct parse_job *next;     /* the server's jobs under way */
};

struct vg_ctl_server {
	struct vg_loop *loop;
	int fd;
	struct vg_watch *watch;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	gid_t gid;
	char group[64];
	vg_ctl_handler_fn handler;
	void *data;
	const struct vg_proto_command *(*extra_find)(const char *name);
	struct conn *conns;
	unsigned nconns, nroot;
	size_t others_queued;           /* output bytes queued for non-root clients */
	uint64_t next_conn_id;
	struct vg_ctl_stats stats;
	struct vg_ctl_limits limits;
	struct vg_workers *workers;       /* for long requests; NULL: parsed here */
	struct parse_job *parsing;
	vg_ctl_limits_fn limits_fn;
	void *limits_data;
	struct vg_watch *tick;
	int reserve_fd;                 /* given up to accept (and refuse) a client when out of descriptors */
	struct {
		vg_ctl_close_fn fn;
		void *data;
	} on_close[MAX_ON_CLOSE];
};

json_t *vg_ctl_error_json(const struct vg_error *err)
{
	json_t *args = json_array();

	for (int i = 0; args && i < err->nargs; i++)
		json_array_append_new(args, json_string(err->args[i]));
	return json_pack("{s:s, s:s, s:s, s:s, s:o}", "code", vg_proto_error_name(err->code),
			 "message", err->message, "msgid", err->msgid, "prefix", err->prefix,
			 "args", args ? args : json_array());
}

void vg_ctl_set_time(json_t *obj, const char *key, int64_t ms)
{
	char text[40], key_ms[96];

	snprintf(key_ms, sizeof(key_ms), "%s_ms", key);
	if (ms == 0 || vg_time_rfc3339(ms, text, sizeof(text)) < 0) {
		json_object_set_new(obj, key, json_null());
		json_object_set_new(obj, key_ms, json_null());
		return;
	}
	json_object_set_new(obj, key, json_string(text));
	json_object_set_new(obj, key_ms, json_integer(ms));
}

/* Gives back the output queue (and the large results waiting to be sent). */
static void conn_drop_output(struct conn *c)
{
	if (!c->root)
		c->srv->others_queued -= c->out_len;
	free(c->out);
	c->out = NULL;
	c->out_len = c->out_cap = 0;
	while (c->parts) {
		struct part_reply *p = c->parts;

		c->parts = p->after;
		json_decref(p->items);
		free(p);
	}
}

static void conn_close(struct conn *c)
{
	struct vg_ctl_server *srv = c->srv;

	for (struct conn **p = &srv->conns; *p; p = &(*p)->next)
		if (*p == c) {
			*p = c->next;
			break;
		}
	srv->nconns--;
	if (c->root)
		srv->nroot--;
	vg_watch_remove(c->watch);
	close(c->fd);
	vg_linebuf_fini(&c->in);
	conn_drop_output(c);
	/* What waits for this connection goes with it (it can no longer be found). */
	for (int i = 0; i < MAX_ON_CLOSE; i++)
		if (srv->on_close[i].fn)
			srv->on_close[i].fn(c->id, srv->on_close[i].data);
	free(c);
}

/* Cuts a connection off while another one is being served: its memory goes now, the rest at
 * its next event (the hang-up that shutdown causes) or tick. */
static void conn_doom(struct conn *c)
{
	if (c->doomed)
		return;
	c->doomed = true;
	conn_drop_output(c);
	shutdown(c->fd, SHUT_RDWR);
	if (vg_watch_set_events(c->watch, EPOLLIN) == 0)
		c->events = EPOLLIN;
}

static struct conn *conn_find(struct vg_ctl_server *srv, uint64_t id)
{
	for (struct conn *c = srv->conns; c; c = c->next)
		if (c->id == id && !c->doomed)
			return c;
	return NULL;
}

/* Reading more requests waits while the peer has many answers to take or to await. */
static bool conn_paused(const struct conn *c)
{
	return c->parsing || c->pending >= VG_CTL_MAX_PENDING || c->out_len >= PUMP_LOW || c->input_held;
}

/* What the non-root clients hold: their answers queued and their requests being read. */
static size_t others_held(const struct vg_ctl_server *srv)
{
	size_t n = srv->others_queued;

	for (const struct conn *c = srv->conns; c; c = c->next)
		if (!c->root)
			n += c->in.cap;
	return n;
}

/* Reads unless held back; writes while replies or parts of one are queued. */
static void conn_set_events(struct conn *c)
{
	uint32_t events = (conn_paused(c) ? 0 : EPOLLIN) | (c->out_len || c->parts ? EPOLLOUT : 0);

	if (events != c->events && vg_watch_set_events(c->watch, events) == 0)
		c->events = events;
}

static int conn_pump(struct conn *c);

/* Sends what is queued, and the next parts of a large result as room appears; returns -1 when
 * the connection had to be closed. */
static int conn_flush(struct conn *c)
{
	for (;;) {
		while (c->out_len) {
			ssize_t n = send(c->fd, c->out, c->out_len, MSG_NOSIGNAL | MSG_DONTWAIT);

			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
				break;
			if (n <= 0) {
				conn_close(c);
				return -1;
			}
			memmove(c->out, c->out + n, c->out_len - (size_t)n);
			c->out_len -= (size_t)n;
			if (!c->root)
				c->srv->others_queued -= (size_t)n;
			c->active_ms = vg_now_ms();
		}
		if (!c->parts || c->out_len >= PUMP_LOW)
			break;
		if (conn_pump(c) < 0)
			return -1;
		if (c->out_len >= PUMP_LOW)
			break;          /* wait for the peer to read before making more */
	}
	if (!c->out_len && c->out_cap > SHRINK_ABOVE) {
		/* A burst is over: a large buffer kept by every client is what a crowd would cost. */
		free(c->out);
		c->out = NULL;
		c->out_cap = 0;
	}
	conn_set_events(c);
	return 0;
}

/* Room for need more bytes among the non-root clients' queues: the client that holds the
 * most (and more than c) is cut off first.  False when c itself is the one holding most. */
static bool others_make_room(struct vg_ctl_server *srv, struct conn *c, size_t need)
{
	while (srv->others_queued + need > VG_CTL_MAX_OTHERS_OUTPUT) {
		struct conn *victim = NULL;

		for (struct conn *x = srv->conns; x; x = x->next)
			if (!x->root && !x->doomed && x != c && x->out_len > (victim ? victim->out_len : c->out_len))
				victim = x;
		if (!victim)
			return false;
		vg_warn("control: client pid %d (uid %u) does not read its replies; disconnecting to make room",
			(int)victim->peer.pid, (unsigned)victim->peer.uid);
		srv->stats.slow_dropped++;
		srv->stats.disconnected++;
		conn_doom(victim);
	}
	return true;
}

/* Appends one line of text to the output queue; a full queue means the peer does not read
 * (droppable: a stream message, lost and counted instead).  Returns -1 when it was closed. */
static int conn_queue(struct conn *c, const char *text, size_t len, bool droppable)
{
	if (c->out_len + len + 1 > VG_CTL_MAX_OUTPUT ||
	    (!c->root && !others_make_room(c->srv, c, len + 1))) {
		if (droppable) {
			c->srv->stats.stream_drops++;
			return 0;
		}
		vg_warn("control: client pid %d (uid %u) does not read its replies; disconnecting", (int)c->peer.pid,
			(unsigned)c->peer.uid);
		c->srv->stats.slow_dropped++;
		c->srv->stats.disconnected++;
		conn_close(c);
		return -1;
	}
	if (c->out_cap < c->out_len + len + 1) {
		size_t cap = c->out_cap ? c->out_cap : 4096;
		char *p;

		while (cap < c->out_len + len + 1)
			cap *= 2;
		p = realloc(c->out, cap);
		if (!p) {
			conn_close(c);
			return -1;
		}
		c->out = p;
		c->out_cap = cap;
	}
	memcpy(c->out + c->out_len, text, len);
	c->out[c->out_len + len] = '\n';
	c->out_len += len + 1;
	if (!c->root)
		c->srv->others_queued += len + 1;
	return 0;
}

/* Queues one message and sends what it can. */
static int conn_send(struct conn *c, json_t *msg, bool droppable)
{
	char *text = json_dumps(msg, JSON_COMPACT);
	int r;

	if (!text)
		return 0;
	r = conn_queue(c, text, strlen(text), droppable);
	free(text);
	return r < 0 ? r : conn_flush(c);
}

/* Queues the next part of the oldest large result: as many items as fit in PART_BYTES, with
 * "more": true until the last.  An item larger than a frame ends the result with an error. */
static int conn_pump(struct conn *c)
{
	struct part_reply *p = c->parts;
	json_t *items = json_array(), *msg;
	size_t bytes = 0, total = json_array_size(p->items);
	bool last;
	char *text;
	int r;

	while (p->next < total) {
		json_t *item = json_array_get(p->items, p->next);
		size_t size = json_dumpb(item, NULL, 0, JSON_COMPACT);

		if (size + 256 > VG_PROTO_MAX_MESSAGE) {
			struct vg_error err;

			json_decref(items);
			vg_error_set(&err, -EMSGSIZE, N_("one item of the answer is larger than the protocol allows"));
			msg = json_pack("{s:i, s:I, s:b, s:o}", "v", VG_PROTO_VERSION, "id", p->id, "ok", 0,
					"error", vg_ctl_error_json(&err));
			p->next = total;
			goto queue;
		}
		if (json_array_size(items) && bytes + size + 1 > PART_BYTES)
			break;
		json_array_append(items, item);
		bytes += size + 1;
		p->next++;
	}
	last = p->next >= total;
	msg = json_pack("{s:i, s:I, s:b, s:o}", "v", VG_PROTO_VERSION, "id", p->id, "ok", 1, "result", items);
	if (msg && !last)
		json_object_set_new(msg, "more", json_true());
queue:
	if (p->next >= total) {
		c->parts = p->after;
		json_decref(p->items);
		free(p);
	}
	if (!msg)
		return 0;
	text = json_dumps(msg, JSON_COMPACT);
	json_decref(msg);
	if (!text)
		return 0;
	r = conn_queue(c, text, strlen(text), false);
	free(text);
	return r;
}

/* A result larger than a frame: an array goes in parts (conn_pump), anything else is refused. */
static int conn_reply_large(struct conn *c, json_int_t id, json_t *result)
{
	struct part_reply *p, **tail;
	struct vg_error err;

	if (!json_is_array(result)) {
		vg_error_set(&err, -EMSGSIZE, N_("the answer is larger than the protocol allows; ask for less"));
		json_t *msg = json_pack("{s:i, s:I, s:b, s:o}", "v", VG_PROTO_VERSION, "id", id, "ok", 0,
					"error", vg_ctl_error_json(&err));
		int r = msg ? conn_send(c, msg, false) : 0;

		json_decref(msg);
		return r;
	}
	if (!(p = calloc(1, sizeof(*p)))) {
		conn_close(c);
		return -1;
	}
	p->id = id;
	p->items = json_incref(result);
	for (tail = &c->parts; *tail; tail = &(*tail)->after)
		;
	*tail = p;
	return conn_flush(c);
}

/* Answers request id with result (stolen) or err. */
static int conn_reply(struct conn *c, json_int_t id, bool has_id, json_t *result, const struct vg_error *err)
{
	json_t *msg;
	char *text;
	size_t len;
	int r;

	if (err)
		msg = json_pack("{s:i, s:o, s:b, s:o}", "v", VG_PROTO_VERSION,
				"id", has_id ? json_integer(id) : json_null(), "ok", 0, "error", vg_ctl_error_json(err));
	else
		msg = json_pack("{s:i, s:I, s:b, s:O}", "v", VG_PROTO_VERSION, "id", id, "ok", 1,
				"result", result ? result : json_null());
	if (!msg) {
		json_decref(result);
		return 0;
	}
	text = json_dumps(msg, JSON_COMPACT);
	json_decref(msg);
	len = text ? strlen(text) : 0;
	if (!text)
		r = 0;
	else if (!err && len + 1 > VG_PROTO_MAX_MESSAGE)
		r = conn_reply_large(c, id, result);
	else if ((r = conn_queue(c, text, len, false)) == 0)
		r = conn_flush(c);
	free(text);
	json_decref(result);
	return r;
}

static int conn_process_input(struct conn *c);

void vg_ctl_server_reply(struct vg_ctl_server *srv, uint64_t conn_id, json_int_t id, json_t *result,
			 const struct vg_error *err)
{
	struct conn *c = conn_find(srv, conn_id);

	if (!c) {
		json_decref(result);
		return;
	}
	if (c->in_handler)
		c->replied_in_handler = true; /* answered before its handler even returned */
	else if (c->pending)
		c->pending--;
	if (conn_reply(c, id, true, result, err) < 0)
		return;
	/* One answer less to await: requests held back may go on. */
	if (!c->in_handler && !conn_paused(c) && conn_process_input(c) == 0)
		conn_set_events(c);
}

/* Handles one line; returns -1 when the connection was closed. */
/* Handles one parsed request (msg is stolen; NULL with jerr when it did not parse); returns
 * -1 when the connection was closed. */
static int conn_dispatch(struct conn *c, json_t *msg, const json_error_t *jerr)
{
	struct vg_ctl_server *srv = c->srv;
	struct vg_error err;
	json_t *jid, *args, *result = NULL;
	const char *cmd;
	const struct vg_proto_command *def;
	struct vg_ctl_request req;
	json_int_t id = 0;
	uint64_t cid;
	bool has_id;
	int r;

	if (!json_is_object(msg)) {
		json_decref(msg);
		vg_error_set(&err, -EPROTO, N_("malformed request: %s"), msg ? _("not a JSON object") : jerr->text);
		return conn_reply(c, 0, false, NULL, &err);
	}
	jid = json_object_get(msg, "id");
	has_id = json_is_integer(jid);
	if (has_id)
		id = json_integer_value(jid);
	cmd = json_string_value(json_object_get(msg, "cmd"));
	args = json_object_get(msg, "args");
	if (!has_id || !cmd || (args && !json_is_object(args))) {
		vg_error_set(&err, -EPROTO, N_("malformed request: it needs an integer \"id\", a string \"cmd\" and an object \"args\""));
		r = conn_reply(c, id, has_id, NULL, &err);
		goto out;
	}
	if (json_integer_value(json_object_get(msg, "v")) > VG_PROTO_VERSION) {
		char v[16];

		snprintf(v, sizeof(v), "%d", VG_PROTO_VERSION);
		vg_error_set(&err, -EPROTONOSUPPORT, N_("this agent speaks protocol version %s only"), v);
		r = conn_reply(c, id, true, NULL, &err);
		goto out;
	}
	def = vg_proto_command_find(cmd);
	if (!def && srv->extra_find)
		def = srv->extra_find(cmd);
	if (!def) {
		vg_error_set(&err, -ENOSYS, N_("unknown command \"%s\""), cmd);
		r = conn_reply(c, id, true, NULL, &err);
		goto out;
	}
	if (c->peer.access < def->access) {
		char uid[16], gname[64];

		snprintf(uid, sizeof(uid), "%u", (unsigned)c->peer.uid);
		snprintf(gname, sizeof(gname), "%s", srv->group);
		srv->stats.refused++;
		vg_notice("control: refused \"%s\" to uid %u (pid %d)", cmd, (unsigned)c->peer.uid, (int)c->peer.pid);
		if (c->peer.access == VG_ACCESS_NONE)
			vg_error_set(&err, -EACCES, N_("permission denied: uid %s is neither root nor a member of group %s"),
				     uid, gname);
		else
			vg_error_set(&err, -EACCES,
				     N_("permission denied: this command changes the agent and needs root (uid %s may only read)"),
				     uid);
		r = conn_reply(c, id, true, NULL, &err);
		goto out;
	}
	if (vg_proto_check_args(def, args, &err) < 0) {
		r = conn_reply(c, id, true, NULL, &err);
		goto out;
	}
	vg_error_clear(&err);
	cid = c->id;
	req = (struct vg_ctl_request){
		.server = srv, .conn_id = cid, .id = id, .cmd = cmd, .def = def,
		.args = args ? args : json_object(), .peer = &c->peer,
	};
	c->in_handler = true;
	c->replied_in_handler = false;
	r = srv->handler(&req, &result, &err, srv->data);
	if (!args)
		json_decref(req.args);
	/* The handler may have answered, and the answer closed the connection. */
	if (!(c = conn_find(srv, cid))) {
		json_decref(result);
		r = -1;
		goto out;
	}
	c->in_handler = false;
	if (r == VG_CTL_DEFERRED) {
		if (!c->replied_in_handler)
			c->pending++;
		r = 0;
		goto out;
	}
	if (r < 0) {
		if (!err.code)
			vg_error_set(&err, r, N_("the command failed: %s"), strerror(-r));
		r = conn_reply(c, id, true, NULL, &err);
	} else {
		r = conn_reply(c, id, true, result, NULL);
	}
out:
	json_decref(msg);
	return r;
}

static void parse_work(struct vg_job *job, void *data)
{
	struct parse_job *pj = data;

	(void)job;
	pj->msg = json_loadb(pj->line, pj->len, JSON_REJECT_DUPLICATES, &pj->jerr);
}

static void parse_done(struct vg_job *job, void *data)
{
	struct parse_job *pj = data;
	struct vg_ctl_server *srv = pj->srv;
	struct conn *c;

	(void)job;
	if (srv) {
		for (struct parse_job **p = &srv->parsing; *p; p = &(*p)->next)
			if (*p == pj) {
				*p = pj->next;
				break;
			}
	}
	c = srv ? conn_find(srv, pj->conn_id) : NULL;
	free(pj->line);
	if (!c) {
		json_decref(pj->msg);
		free(pj);
		return;
	}
	c->parsing = false;
	/* Then the requests that waited behind it, and reading again. */
	if (conn_dispatch(c, pj->msg, &pj->jerr) == 0 && conn_process_input(c) == 0)
		conn_set_events(c);
	free(pj);
}

/* Handles one line, parsing it here or, when long, on a worker; returns -1 when the
 * connection was closed. */
static int conn_request(struct conn *c, const char *line, size_t len)
{
	struct vg_ctl_server *srv = c->srv;
	struct parse_job *pj;
	json_error_t jerr;

	srv->stats.requests++;
	c->active_ms = vg_now_ms();
	if (srv->workers && len >= PARSE_ON_WORKER_BYTES && (pj = calloc(1, sizeof(*pj)))) {
		if ((pj->line = malloc(len))) {
			memcpy(pj->line, line, len);
			pj->len = len;
			pj->srv = srv;
			pj->conn_id = c->id;
			if (vg_workers_submit(srv->workers, parse_work, parse_done, pj)) {
				pj->next = srv->parsing;
				srv->parsing = pj;
				c->parsing = true;
				return 0;
			}
			free(pj->line);
		}
		free(pj);
	}
	return conn_dispatch(c, json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr), &jerr);
}

/* Serves the whole requests already read, as long as the peer is not held back (nor waiting
 * for a worker's parse); returns -1 when the connection was closed. */
static int conn_process_input(struct conn *c)
{
	struct vg_error err;
	char *line;
	size_t len;
	int r = 0;

	if (c->processing)
		return 0; /* an answer given inside a handler: the outer round goes on */
	c->processing = true;
	while (!conn_paused(c) && (r = vg_linebuf_next(&c->in, &line, &len)) > 0) {
		if (len == 0)
			continue;
		if (conn_request(c, line, len) < 0)
			return -1;
	}
	c->processing = false;
	if (r == 0 && c->in.start == c->in.len && c->in.cap > SHRINK_ABOVE) {
		/* Every request read was served: a large buffer goes back. */
		vg_linebuf_fini(&c->in);
		vg_linebuf_init(&c->in, VG_PROTO_MAX_REQUEST);
	}
	if (!conn_paused(c) && r < 0) {
		char max[16];

		snprintf(max, sizeof(max), "%d", VG_PROTO_MAX_REQUEST);
		if (r == -EMSGSIZE)
			vg_error_set(&err, -EMSGSIZE, N_("message larger than %s bytes; disconnecting"), max);
		else
			vg_error_set(&err, -EPROTO, N_("message with a NUL byte; disconnecting"));
		vg_notice("control: client pid %d broke the framing; disconnecting", (int)c->peer.pid);
		c->srv->stats.disconnected++;
		if (conn_reply(c, 0, false, NULL, &err) == 0) {
			/* Best effort: the error was queued; the peer is cut off now. */
			conn_close(c);
		}
		return -1;
	}
	return 0;
}

static void conn_event(struct vg_watch *w, int fd, uint32_t events, void *data)
{
	struct conn *c = data;
	size_t room;
	ssize_t n;
	char *p;

	(void)w;
	if (c->doomed || (events & EPOLLERR)) {
		conn_close(c);
		return;
	}
	if (events & EPOLLOUT) {
		if (conn_flush(c) < 0)
			return;
		/* The peer took some answers: requests held back may go on. */
		if (conn_process_input(c) < 0)
			return;
	}
	if (!(events & (EPOLLIN | EPOLLHUP)))
		return;
	if (conn_paused(c)) {
		/* Held back, and yet something happened: only a hang-up matters now. */
		if (events & EPOLLHUP)
			conn_close(c);
		return;
	}
	if (!c->root && c->in.len + READ_MAX > c->in.cap && others_held(c->srv) + READ_MAX > VG_CTL_MAX_OTHERS_OUTPUT) {
		/* Reading would grow a buffer beyond what all users but root may hold together: wait
		 * (the tick lets it try again; an idle peer is closed in time). */
		c->input_held = true;
		conn_set_events(c);
		return;
	}
	if (!(p = vg_linebuf_space(&c->in, &room))) {
		conn_close(c);
		return;
	}
	n = recv(fd, p, room < READ_MAX ? room : READ_MAX, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		/* A peer gone mid-message: whatever it half sent is dropped with it. */
		conn_close(c);
		return;
	}
	vg_linebuf_commit(&c->in, (size_t)n);
	if (conn_process_input(c) == 0)
		conn_set_events(c);
}

static bool peer_in_group(int fd, gid_t pgid, gid_t gid)
{
	gid_t groups[256];
	socklen_t len = sizeof(groups);

	if (gid == (gid_t)-1)
		return false;
	if (pgid == gid)
		return true;
	/* Supplementary groups of the peer, as the kernel saw them at connect time.
	 * Any failure counts as "not a member": fail closed. */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) < 0)
		return false;
	for (size_t i = 0; i < len / sizeof(gid_t); i++)
		if (groups[i] == gid)
			return true;
	return false;
}

/* Tells a client it is one too many, and hangs up. */
static void refuse_busy(struct vg_ctl_server *srv, int cfd)
{
	static const char busy[] = "{\"v\":1,\"id\":null,\"ok\":false,\"error\":{\"code\":\"busy\","
				   "\"message\":\"too many clients\",\"msgid\":\"too many clients\","
				   "\"prefix\":\"\",\"args\":[]}}\n";

	if (send(cfd, busy, sizeof(busy) - 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		vg_debug("control: could not tell a client it is one too many");
	srv->stats.refused++;
	srv->stats.busy_refused++;
	close(cfd);
}

static unsigned connections_of(const struct vg_ctl_server *srv, uid_t uid)
{
	unsigned n = 0;

	for (const struct conn *c = srv->conns; c; c = c->next)
		n += c->peer.uid == uid && !c->doomed;
	return n;
}

static void accept_one(struct vg_ctl_server *srv, int cfd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	struct conn *c;
	bool known = getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 && len == sizeof(cred);
	bool root = known && cred.uid == 0;

	/* Root has a pool of its own; everyone else shares one, with a share per uid. */
	if (root ? srv->nroot >= VG_CTL_MAX_ROOT_CLIENTS
		 : srv->nconns - srv->nroot >= VG_CTL_MAX_OTHER_CLIENTS ||
			   connections_of(srv, known ? cred.uid : (uid_t)-1) >= srv->limits.max_per_user) {
		if (!root)
			vg_notice("control: refused a connection of uid %u: it has too many already",
				  known ? (unsigned)cred.uid : (unsigned)-1);
		refuse_busy(srv, cfd);
		return;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(cfd);
		return;
	}
	c->srv = srv;
	c->fd = cfd;
	c->id = ++srv->next_conn_id;
	c->root = root;
	c->active_ms = vg_now_ms();
	if (!known) {
		c->peer.access = VG_ACCESS_NONE;
		c->peer.uid = (uid_t)-1;
		c->peer.pid = -1;
	} else {
		c->peer.pid = cred.pid;
		c->peer.uid = cred.uid;
		c->peer.gid = cred.gid;
		c->peer.access = cred.uid == 0 ? VG_ACCESS_ADMIN
			       : peer_in_group(cfd, cred.gid, srv->gid) ? VG_ACCESS_READ : VG_ACCESS_NONE;
	}
	/* The long requests (OpenIOC documents) are for peers who may send them: a peer with no
	 * access is refused anyway, after at most an ordinary message. */
	vg_linebuf_init(&c->in, c->peer.access == VG_ACCESS_NONE ? VG_PROTO_MAX_MESSAGE : VG_PROTO_MAX_REQUEST);
	c->watch = vg_loop_watch(srv->loop, cfd, EPOLLIN, conn_event, c);
	c->events = EPOLLIN;
	if (!c->watch) {
		vg_linebuf_fini(&c->in);
		close(cfd);
		free(c);
		return;
	}
	c->next = srv->conns;
	srv->conns = c;
	srv->nconns++;
	srv->nroot += root;
}

static void server_accept(struct vg_watch *w, int fd, uint32_t events, void *data)
{
	struct vg_ctl_server *srv = data;

	(void)w;
	(void)events;
	/* Drain the backlog: a crowd of clients arriving at once is served in one round. */
	for (int i = 0; i < 1024; i++) {
		int cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

		if (cfd < 0 && (errno == EMFILE || errno == ENFILE) && srv->reserve_fd >= 0) {
			/* Out of descriptors: the one kept in reserve takes the client, to tell it so
			 * and hang up, rather than leave it in the backlog and the loop spinning. */
			close(srv->reserve_fd);
			cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
			if (cfd >= 0)
				refuse_busy(srv, cfd);
			srv->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
			vg_warn("control: out of file descriptors; a client was refused");
			return;
		}
		if (cfd < 0)
			return;
		accept_one(srv, cfd);
	}
}

static void refresh_limits(struct vg_ctl_server *srv);

/* Once a second: non-root connections idle (nothing pending, no subscription) or stalled
 * (answers queued that the peer does not take) for agent.control_idle_seconds are closed, and
 * those cut off meanwhile are finished. */
static void server_tick(struct vg_watch *w, int fd, uint32_t events, void *data)
{
	struct vg_ctl_server *srv = data;
	uint64_t now = vg_now_ms(), idle_ms;
	struct conn *c, *next;

	(void)w;
	(void)fd;
	(void)events;
	refresh_limits(srv);
	idle_ms = (uint64_t)srv->limits.idle_seconds * 1000;
	for (c = srv->conns; c; c = next) {
		bool waiting_for_peer = c->out_len || c->parts;

		next = c->next;
		if (c->doomed) {
			conn_close(c);
			continue;
		}
		if (c->input_held) {
			c->input_held = false;
			conn_set_events(c);
		}
		if (c->root || now - c->active_ms < idle_ms)
			continue;
		if (waiting_for_peer) {
			vg_notice("control: client pid %d (uid %u) took no answer for %u s; disconnecting", (int)c->peer.pid,
				  (unsigned)c->peer.uid, srv->limits.idle_seconds);
			srv->stats.slow_dropped++;
			srv->stats.disconnected++;
			conn_close(c);
		} else if (!c->pending && !c->streams[0][0]) {
			vg_debug("control: closing the idle connection of pid %d (uid %u)", (int)c->peer.pid,
				 (unsigned)c->peer.uid);
			srv->stats.idle_closed++;
			conn_close(c);
		}
	}
}

/* The socket's directory: ours, not writable by anyone else (created 0755 so that the group
 * can reach the socket). */
static int check_socket_dir(const char *path, struct vg_error *err)
{
	char copy[PATH_MAX];

	snprintf(copy, sizeof(copy), "%s", path);
	return vg_dir_ensure_private(dirname(copy), 0755, err);
}

/* A socket file already there: another agent (refused) or a stale file (removed). */
static int clear_stale_socket(const char *path, struct vg_error *err)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct stat st;
	int fd, live;

	if (lstat(path, &st) < 0)
		return 0;
	if (!S_ISSOCK(st.st_mode))
		return vg_error_set(err, -EEXIST, N_("%s exists and is not a socket"), path);
	memcpy(addr.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return vg_error_set(err, -errno, N_("cannot create a socket: %s"), strerror(errno));
	live = connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0;
	close(fd);
	if (live)
		return vg_error_set(err, -EADDRINUSE, N_("another agent is already running on %s"), path);
	if (unlink(path) < 0)
		return vg_error_set(err, -errno, N_("cannot remove the stale socket %s: %s"), path, strerror(errno));
	return 0;
}

int vg_ctl_server_new(struct vg_ctl_server **out, struct vg_loop *loop, const char *path,
		      const char *group, gid_t gid,
		      vg_ctl_handler_fn handler, void *data, struct vg_error *err)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct vg_ctl_server *srv;
	mode_t old;
	int r;

	if (strlen(path) >= sizeof(addr.sun_path))
		return vg_error_set(err, -ENAMETOOLONG, N_("socket path too long: %s"), path);
	if ((r = check_socket_dir(path, err)) < 0 || (r = clear_stale_socket(path, err)) < 0)
		return r;
	srv = calloc(1, sizeof(*srv));
	if (!srv)
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	srv->loop = loop;
	srv->gid = gid;
	srv->limits.max_per_user = VG_CTL_MAX_PER_USER;
	srv->limits.idle_seconds = VG_CTL_IDLE_SECONDS;
	srv->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	snprintf(srv->group, sizeof(srv->group), "%s", group);
	srv->handler = handler;
	srv->data = data;
	memcpy(srv->path, path, strlen(path) + 1);
	memcpy(addr.sun_path, path, strlen(path) + 1);
	srv->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (srv->fd < 0) {
		r = vg_error_set(err, -errno, N_("cannot create a socket: %s"), strerror(errno));
		free(srv);
		return r;
	}
	/* Created without any access for others, then opened to the group: no window. */
	old = umask(0177);
	r = bind(srv->fd, (struct sockaddr *)&addr, sizeof(addr));
	umask(old);
	if (r < 0 || listen(srv->fd, SOMAXCONN) < 0) {
		r = vg_error_set(err, -errno, N_("cannot listen on %s: %s"), path, strerror(errno));
		goto fail;
	}
	if (gid != (gid_t)-1 && (chown(path, geteuid(), gid) < 0 || chmod(path, 0660) < 0)) {
		r = vg_error_set(err, -errno, N_("cannot set the owner of %s: %s"), path, strerror(errno));
		goto fail;
	}
	srv->watch = vg_loop_watch(loop, srv->fd, EPOLLIN, server_accept, srv);
	srv->tick = vg_loop_timer(loop, TICK_MS, TICK_MS, server_tick, srv);
	if (!srv->watch || !srv->tick) {
		r = vg_error_set(err, -ENOMEM, N_("out of memory"));
		goto fail;
	}
	*out = srv;
	return 0;
fail:
	vg_watch_remove(srv->watch);
	vg_watch_remove(srv->tick);
	close(srv->fd);
	if (srv->reserve_fd >= 0)
		close(srv->reserve_fd);
	unlink(path);
	free(srv);
	return r;
}

void vg_ctl_server_free(struct vg_ctl_server *srv)
{
	if (!srv)
		return;
	/* Parses still on a worker end without us. */
	for (struct parse_job *pj = srv->parsing; pj; pj = pj->next)
		pj->srv = NULL;
	while (srv->conns)
		conn_close(srv->conns);
	vg_watch_remove(srv->watch);
	vg_watch_remove(srv->tick);
	close(srv->fd);
	if (srv->reserve_fd >= 0)
		close(srv->reserve_fd);
	unlink(srv->path);
	free(srv);
}

static void refresh_limits(struct vg_ctl_server *srv)
{
	if (!srv->limits_fn)
		return;
	srv->limits_fn(&srv->limits, srv->limits_data);
	if (srv->limits.max_per_user < 1)
		srv->limits.max_per_user = 1;
	if (srv->limits.idle_seconds < 1)
		srv->limits.idle_seconds = 1;
}

void vg_ctl_server_set_limits(struct vg_ctl_server *srv, vg_ctl_limits_fn fn, void *data)
{
	srv->limits_fn = fn;
	srv->limits_data = data;
	refresh_limits(srv);
}

int vg_ctl_server_on_close(struct vg_ctl_server *srv, vg_ctl_close_fn fn, void *data)
{
	for (int i = 0; i < MAX_ON_CLOSE; i++)
		if (!srv->on_close[i].fn) {
			srv->on_close[i].fn = fn;
			srv->on_close[i].data = data;
			return 0;
		}
	return -ENOSPC;
}

void vg_ctl_server_remove_on_close(struct vg_ctl_server *srv, vg_ctl_close_fn fn, void *data)
{
	for (int i = 0; srv && i < MAX_ON_CLOSE; i++)
		if (srv->on_close[i].fn == fn && srv->on_close[i].data == data)
			srv->on_close[i].fn = NULL;
}

void vg_ctl_server_set_extra(struct vg_ctl_server *srv, const struct vg_proto_command *(*find)(const char *name))
{
	srv->extra_find = find;
}

void vg_ctl_server_set_workers(struct vg_ctl_server *srv, struct vg_workers *workers)
{
	srv->workers = workers;
}

void vg_ctl_server_set_group(struct vg_ctl_server *srv, const char *group, gid_t gid)
{
	srv->gid = gid;
	snprintf(srv->group, sizeof(srv->group), "%s", group);
	if (gid != (gid_t)-1 && (chown(srv->path, geteuid(), gid) < 0 || chmod(srv->path, 0660) < 0))
		vg_warn("control: cannot give group %u access to %s", (unsigned)gid, srv->path);
}

int vg_ctl_server_subscribe(struct vg_ctl_server *srv, uint64_t conn_id, const char *stream)
{
	struct conn *c = conn_find(srv, conn_id);

	if (!c)
		return -ENOENT;
	if (strlen(stream) >= MAX_STREAM_NAME)
		return -EINVAL;
	for (int i = 0; i < MAX_STREAMS; i++) {
		if (strcmp(c->streams[i], stream) == 0)
			return 0;
		if (!c->streams[i][0]) {
			memcpy(c->streams[i], stream, strlen(stream) + 1);
			return 0;
		}
	}
	return -E2BIG;
}

void vg_ctl_server_publish(struct vg_ctl_server *srv, const char *stream, json_t *data)
{
	json_t *msg = NULL;
	struct conn *c, *next;

	for (c = srv->conns; c; c = next) {
		next = c->next;
		if (c->doomed)
			continue;
		for (int i = 0; i < MAX_STREAMS && c->streams[i][0]; i++) {
			if (strcmp(c->streams[i], stream) != 0)
				continue;
			if (!msg)
				msg = json_pack("{s:i, s:s, s:O}", "v", VG_PROTO_VERSION, "stream", stream, "data", data);
			if (msg)
				conn_send(c, msg, true);
			break;
		}
	}
	json_decref(msg);
}

void vg_ctl_server_stats(const struct vg_ctl_server *srv, struct vg_ctl_stats *stats)
{
	*stats = srv->stats;
	stats->clients = srv->nconns;
}
