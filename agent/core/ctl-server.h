/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The agent side of the control socket: listening, framing, peer credentials,
 * access checks, replies (now or later) and streams to subscribers.
 * A misbehaving peer is answered or disconnected; it never harms the agent.
 */
#ifndef VIGIL_CTL_SERVER_H
#define VIGIL_CTL_SERVER_H

#include <jansson.h>
#include <stdint.h>
#include <sys/types.h>

#include "vigil/protocol.h"

struct vg_error;
struct vg_loop;
struct vg_workers;
struct vg_ctl_server;

/*
 * What one peer may cost the agent.  Root is the administrator: its connections are never
 * refused, timed out or dropped for anyone else's sake (it has a cap of its own).  Everyone
 * else (the read-only group, and strangers until their first request is refused) shares a
 * smaller pool, with a cap per uid, so that no member of the group can lock root out.
 */
#define VG_CTL_MAX_ROOT_CLIENTS 256          /* root's own connections */
#define VG_CTL_MAX_OTHER_CLIENTS 64          /* everyone else's, all uids together */
#define VG_CTL_MAX_PER_USER 16               /* default of agent.control_max_per_user */
#define VG_CTL_IDLE_SECONDS 300              /* default of agent.control_idle_seconds */
#define VG_CTL_MAX_OUTPUT (2u * 1024 * 1024) /* queued bytes for one client before it is cut off */
#define VG_CTL_MAX_OTHERS_OUTPUT (16u * 1024 * 1024) /* queued for all non-root clients together */
#define VG_CTL_MAX_PENDING 4                 /* requests of one connection awaiting their reply */
#define VG_CTL_DEFERRED 1                    /* a handler's "I will reply later" */

/* The limits that settings change (agent.control_*); the rest are the constants above. */
struct vg_ctl_limits {
	unsigned max_per_user;   /* connections of one non-root uid */
	unsigned idle_seconds;   /* a non-root connection with nothing pending is closed after this */
};

struct vg_ctl_peer {
	pid_t pid;
	uid_t uid;
	gid_t gid;
	enum vg_proto_access access;
};

struct vg_ctl_request {
	struct vg_ctl_server *server;
	uint64_t conn_id;               /* names the connection for a later reply */
	json_int_t id;
	const char *cmd;
	const struct vg_proto_command *def; /* its definition, access and arguments already checked */
	json_t *args;                   /* always an object (borrowed) */
	const struct vg_ctl_peer *peer;
};

/* Handles one request whose access was already checked.  Returns 0 with *result set
 * (a new reference, NULL for JSON null), a negative code with err filled, or
 * VG_CTL_DEFERRED after keeping conn_id and id for vg_ctl_server_reply. */
typedef int (*vg_ctl_handler_fn)(struct vg_ctl_request *req, json_t **result, struct vg_error *err,
				 void *data);

/* Creates the socket at path: its directory must exist or is created 0755, and must be
 * owned by us and not writable by others; a live agent already on path is refused, a
 * stale socket replaced.  The socket is 0660 with group gid (0600 when gid is -1). */
int vg_ctl_server_new(struct vg_ctl_server **out, struct vg_loop *loop, const char *path,
		      const char *group, gid_t gid,
		      vg_ctl_handler_fn handler, void *data, struct vg_error *err);
/* Closes every connection and removes the socket file. */
void vg_ctl_server_free(struct vg_ctl_server *srv);

/* Commands outside the protocol table (the test agent's): find returns their definition. */
void vg_ctl_server_set_extra(struct vg_ctl_server *srv, const struct vg_proto_command *(*find)(const char *name));

/* Workers that parse long requests (the requests after it on the same connection wait, so that
 * a connection's requests are still handled in order).  Without them, every request is parsed
 * on the loop. */
void vg_ctl_server_set_workers(struct vg_ctl_server *srv, struct vg_workers *workers);

/* The group whose members get read access (gid -1: none), named in refusals. */
void vg_ctl_server_set_group(struct vg_ctl_server *srv, const char *group, gid_t gid);

/* A reply to a deferred request; dropped when the connection is gone.  result is stolen. */
void vg_ctl_server_reply(struct vg_ctl_server *srv, uint64_t conn_id, json_int_t id, json_t *result,
			 const struct vg_error *err);

/* Where the limits come from: fn fills them, now and then once a second (settings may
 * change at any time).  Without it, the defaults above. */
typedef void (*vg_ctl_limits_fn)(struct vg_ctl_limits *limits, void *data);
void vg_ctl_server_set_limits(struct vg_ctl_server *srv, vg_ctl_limits_fn fn, void *data);

/* Called with the id of every connection that ends, so that what waits for it (a task wait,
 * a deferred reply) is freed with it rather than when its time is up.  At most 8. */
typedef void (*vg_ctl_close_fn)(uint64_t conn_id, void *data);
int vg_ctl_server_on_close(struct vg_ctl_server *srv, vg_ctl_close_fn fn, void *data);
void vg_ctl_server_remove_on_close(struct vg_ctl_server *srv, vg_ctl_close_fn fn, void *data);

/* Subscribes the requesting connection to a stream (at most 8 per connection). */
int vg_ctl_server_subscribe(struct vg_ctl_server *srv, uint64_t conn_id, const char *stream);
/* Sends data (borrowed) to every subscriber of stream; a subscriber whose queue is full loses it. */
void vg_ctl_server_publish(struct vg_ctl_server *srv, const char *stream, json_t *data);

/* Counters for status: clients connected, requests served, peers refused or cut off (slow
 * readers among them), idle connections closed, and connections refused for a full pool. */
struct vg_ctl_stats {
	unsigned clients;
	uint64_t requests, refused, disconnected, stream_drops, slow_dropped, idle_closed, busy_refused;
};
void vg_ctl_server_stats(const struct vg_ctl_server *srv, struct vg_ctl_stats *stats);

/* Serialises an error for the wire (a new reference). */
json_t *vg_ctl_error_json(const struct vg_error *err);

/* Sets key to the moment ms (milliseconds since the epoch) in the protocol's one form for times,
 * RFC 3339 in UTC with milliseconds ("2026-11-28T09:15:02.123Z"), and key_ms to the number for
 * programs that compute with it; both null when ms is 0 (never).  (doc/control-protocol.md) */
void vg_ctl_set_time(json_t *obj, const char *key, int64_t ms);

#endif
