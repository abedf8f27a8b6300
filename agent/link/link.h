/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The server link inside the agent (internal): the state of the connection to the central
 * server, the uploader of spooled events, the long poll for commands and the responses.
 * It runs on the loop thread; network I/O goes through http.h, the spool's reads and
 * acknowledgements through the spool thread (spooler.h).
 */
#ifndef VIGIL_LINK_LINK_H
#define VIGIL_LINK_LINK_H

#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "agent.h"
#include "link/http.h"
#include "tasks/journal.h"
#include "vigil/error.h"

struct vg_agent;
struct vg_journal;
struct vg_watch;
struct scan_call;
struct ack_call;
struct resp_job;

#define VG_LINK_MAX_SERVERS 16
#define VG_LINK_MAX_BATCH 1024
#define VG_LINK_MAX_RESPONSE (1024 * 1024)
#define VG_LINK_MAX_COMMANDS_RESPONSE (4 * 1024 * 1024)
#define VG_LINK_MAX_COMMANDS 64
#define VG_LINK_SECRET_MAX 1024
#define VG_LINK_MAX_ACKS 256

/* Files of the link in the state directory. */
#define VG_LINK_SERVER_CERT "link-server.pem"
#define VG_LINK_CLIENT_CERT "link-client.pem"
#define VG_LINK_PROXY_PASSWORD "link-proxy-password"

enum vg_link_state {
	VG_LINK_OFF,          /* no server configured */
	VG_LINK_CONNECTING,
	VG_LINK_CONNECTED,
	VG_LINK_WAITING,      /* backing off after a failure */
	VG_LINK_REFUSED,      /* cannot even try: a missing certificate, a bad setting */
};

struct vg_link_throttle {
	int64_t hour_start_ms;
	uint64_t sent;
	struct { int64_t type_uid; uint64_t count; } types[64];
	unsigned ntypes;
	uint64_t held;        /* events held back this hour */
};

struct vg_link {
	struct vg_agent *agent;
	struct vg_http *http;
	struct vg_journal *journal;
	struct vg_watch *tick;
	enum vg_link_state state;
	char fingerprint[8192];           /* the settings the current connection was made with */
	unsigned generation;              /* bumped by certificate and proxy commands */

	char servers[VG_LINK_MAX_SERVERS][300];
	unsigned nservers, current;
	char url_base[340];
	char server_cert[PATH_MAX], client_cert[PATH_MAX], proxy_password_file[PATH_MAX];
	bool pinned, two_way;
	char proxy[2048], proxy_user[256], noproxy[1024];
	char *proxy_password;             /* wiped on free */
	struct vg_http_conf conf, poll_conf;

	unsigned failures;
	uint64_t next_try_ms;
	uint64_t last_hello_ms;
	int64_t hello_sent_ms;            /* wall clock (ms) when the hello in flight was sent */
	int64_t tasks_since_ms;           /* hello lists the commands that ended from then on */
	uint64_t last_upload_ms;
	int64_t last_contact;             /* seconds since the epoch, 0: never */
	int64_t connected_since;
	struct vg_error last_error;
	bool have_error;
	int64_t last_error_at;            /* seconds since the epoch */
	unsigned poll_wait;               /* seconds */
	unsigned min_interval;

	struct vg_http_req *hello_req, *poll_req, *events_req, *resp_req;
	struct resp_job *resp_job;        /* the next response, read from the journal on a worker */
	char resp_id[160];
	bool resp_is_ack;                 /* the request in flight is a 102 for resp_id */
	/* Commands that asked for an acknowledgement (102) not sent yet, oldest first; kept in
	 * memory only: after a restart the final response is what the server gets. */
	char acks_due[VG_LINK_MAX_ACKS][VG_TASK_ID_MAX + 1];
	unsigned nacks_due;

	/* The batch in flight or waiting to be resent: same number, same events. */
	struct {
		bool ready;
		uint64_t number;
		uint64_t *seqs;
		size_t n;
		unsigned char *gz;
		size_t gz_len;
	} batch;
	uint64_t cursor;                  /* events up to here were batched or held this hour */
	struct scan_call *scan;           /* the spool thread is looking for the next batch */
	unsigned scan_generation;         /* bumped by a reset: a scan made before is ignored */
	struct ack_call *acks;            /* acknowledgements the spool thread has not written yet */
	uint64_t next_scan_ms;
	uint64_t urgent_until_ms;         /* a detection waits: send what is pending without delay */
	bool draining;                    /* the last batch was full: a backlog is being sent */
	size_t batch_limit;
	struct vg_link_throttle throttle;

	uint64_t sent_events, sent_batches, commands_received;
};

/* Starts and stops the link (subsystem.c calls these). */
int vg_link_start(struct vg_agent *agent, struct vg_error *err);
void vg_link_stop(struct vg_agent *agent);
json_t *vg_link_status(struct vg_agent *agent);

/* A detection or a response to one was just emitted: what is pending goes to the server now,
 * not after link.max_transfer_delay (for a few seconds, while the spool stores it). */
void vg_link_send_soon(struct vg_agent *agent);

/* Drops the connection and starts again from the first server with the current settings. */
void vg_link_reset(struct vg_link *link);

/* Makes the request configuration from the settings and files; a refusal (no certificate
 * imported, two-way TLS without a client certificate) fills err. */
int vg_link_configure(struct vg_link *link, struct vg_error *err);

/* Handles the commands of a long-poll answer (openc2.c). */
void vg_link_handle_commands(struct vg_link *link, json_t *commands);
/* The result of query features. */
json_t *vg_openc2_features(void);
/* A command's args.response_requested: none, ack, status or complete (the default); NULL when
 * it is none of them. */
const char *vg_openc2_response_requested(const json_t *command);

/* The link's control commands (cmds.c). */
extern const struct vg_agent_command vg_link_commands[]; /* agent.h */

/* Throttling of uploads (throttle.c): may this event go now?  Counts it when yes. */
bool vg_link_throttle_allow(struct vg_link_throttle *t, int64_t class_uid, int64_t type_uid, bool limits,
			    uint64_t per_hour, unsigned share_percent, int64_t now_ms);

#endif
