/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Event export (internal): sinks that hand the spooled OCSF events to the pipelines people
 * already run (a JSON Lines file, syslog over TCP/TLS, RELP), each independent of the server
 * link and of the others.  Every sink reads the spool from its own acknowledged position (a
 * spool reader, spool.h) and moves that position only once its receiver has the events, so
 * nothing is lost across restarts and outages; what the spool's caps remove first is counted.
 *
 * The loop thread runs each sink's cycle (read on the spool thread, deliver on the sink's own
 * thread, acknowledge on the spool thread); only the delivery touches disk or network.
 */
#ifndef VIGIL_EXPORT_EXPORT_H
#define VIGIL_EXPORT_EXPORT_H

#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spool.h"
#include "vigil/error.h"

struct vg_agent;
struct vg_watch;
struct vg_workers;
struct vg_export_sink;

#define VG_EXPORT_BATCH 256                 /* events per delivery */
#define VG_EXPORT_BATCH_BYTES (1024 * 1024)
#define VG_EXPORT_TARGET_MAX 300

/* What a delivery needs, copied from the settings on the loop thread when a cycle starts. */
struct vg_export_conf {
	bool enabled;
	char target[VG_EXPORT_TARGET_MAX];  /* HOST:PORT, or a file path for JSON Lines */
	char host[256], port[8];
	bool tls;
	char ca_file[PATH_MAX];             /* the trust anchor, "" for the system's CAs */
	char client_file[PATH_MAX];         /* the client certificate and key (PEM), "" for none */
	long long max_bytes;                /* JSON Lines: size of a file before it rotates */
	long long keep;                     /* JSON Lines: rotated files kept */
	int facility;                       /* syslog and RELP: the facility of the messages */
	int timeout_s;
	char hostname[256];                 /* syslog and RELP: HOSTNAME of the messages */
	bool retrying;                      /* set for one delivery: the one before it failed */
};

/* One kind of sink: its calls run on the sink's thread, one at a time. */
struct vg_export_ops {
	const char *name;                   /* "jsonl", "syslog", "relp": the reader name too */
	/* Fills conf from the settings (loop thread); returns whether the sink is on. */
	bool (*configure)(struct vg_agent *agent, struct vg_export_conf *conf);
	/* Delivers the batch's events in order.  *sent receives how many, from the first, went to
	 * the receiver; *acked the highest sequence number the receiver has for sure (0: none new),
	 * which may lag behind what was sent (RELP's window); a sink without flush leaves it: what it
	 * sent is received.  Connects first when needed. */
	int (*deliver)(void **state, const struct vg_export_conf *conf, const struct vg_spool_batch *batch,
		       size_t *sent, uint64_t *acked, struct vg_error *err);
	/* May be NULL: when the sink is idle with events sent but not yet known received, makes sure
	 * of them (*acked as above); on failure they are sent again. */
	int (*flush)(void **state, const struct vg_export_conf *conf, uint64_t *acked, struct vg_error *err);
	/* Closes the connection (or file) and frees *state. */
	void (*close)(void **state);
};

extern const struct vg_export_ops vg_export_jsonl;
extern const struct vg_export_ops vg_export_syslog;
extern const struct vg_export_ops vg_export_relp;

struct vg_export {
	struct vg_agent *agent;
	struct vg_export_sink *sinks[3];
	size_t nsinks;
	struct vg_watch *heartbeat;
	struct vg_watch *check;             /* follows the settings */
	long long heartbeat_period_s;
};

/* A sink: made at start, freed at stop (sink.c). */
int vg_export_sink_new(struct vg_export_sink **out, struct vg_agent *agent, const struct vg_export_ops *ops,
		       struct vg_error *err);
void vg_export_sink_free(struct vg_export_sink *sink);
/* Re-reads the settings (after a change); a changed target reconnects. */
void vg_export_sink_reconfigure(struct vg_export_sink *sink);
/* The sink's line of "export status": {name, enabled, target, state, position, delivered, lost,
 * failures, last_error?, last_delivery, last_delivery_ms}. */
json_t *vg_export_sink_status(const struct vg_export_sink *sink);
const char *vg_export_sink_name(const struct vg_export_sink *sink);
/* Sends one test event through the sink now, outside the spool; done(result, err, data) runs on
 * the loop thread.  -EBUSY when a test is already running. */
typedef void (*vg_export_test_fn)(int r, const struct vg_error *err, void *data);
int vg_export_sink_test(struct vg_export_sink *sink, json_t *event, vg_export_test_fn done, void *data);

/* Fills conf's target, host, port, TLS files, timeout and host name from target "HOST:PORT" (the
 * link's certificates: its imported server certificate as trust anchor, its client certificate
 * when export.client_certificate is on); false when target is empty. */
bool vg_export_target_conf(struct vg_agent *agent, const char *target, bool tls, struct vg_export_conf *conf);

/* RFC 5424 message (syslog.c, also for RELP): "<PRI>1 TIMESTAMP HOSTNAME vigild PROCID MSGID -
 * MSG", with the event's time, its OCSF severity as the severity, its class as MSGID and its
 * JSON text as MSG.  Returns the length written (without the NUL), or -ENOSPC. */
int vg_export_rfc5424(char *out, size_t size, const char *event_text, int facility, const char *hostname,
		      long pid);

/* The heartbeat event (heartbeat.c): the agent's health as OCSF, for a SIEM to alert on a quiet agent. */
json_t *vg_export_heartbeat_event(struct vg_agent *agent);

#endif
