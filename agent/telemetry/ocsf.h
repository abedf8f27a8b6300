/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The parts of OCSF events that both process and network sensors (audit, eBPF) build, so
 * that the same behaviour gives the same event whichever sensor saw it.
 */
#ifndef VIGIL_TELEMETRY_OCSF_H
#define VIGIL_TELEMETRY_OCSF_H

#include <jansson.h>
#include <stdint.h>

/* Network Activity's activities. */
enum {
	VG_NET_OPEN = 1,
	VG_NET_FAIL = 4,
	VG_NET_REFUSE = 5,
	VG_NET_LISTEN = 7,
	VG_NET_OTHER = 99,
};

/* A JSON string of text from the kernel, which need not be UTF-8: bytes that are not
 * become '?' rather than losing the whole value. */
json_t *vg_ocsf_text(const char *text);

/* An event of class_uid with its activity, severity informational, time in ms, and an empty
 * "unmapped" object. */
json_t *vg_ocsf_event(int class_uid, int activity_id, const char *activity, int64_t time_ms);

/* A process object: pid, name (the kernel's comm), file (path and name; left out when exe is
 * NULL or empty), user (uid as text, as OCSF wants) and parent_process (pid). */
json_t *vg_ocsf_process(long long pid, const char *comm, const char *exe, long long uid, long long ppid);

/* The arguments (a JSON array of strings) joined with spaces, at most 8192 bytes; malloc'd. */
char *vg_ocsf_cmd_line(const json_t *argv);

/* An IPv4 or IPv6 endpoint {ip, port}; addr holds 4 or 16 bytes.  NULL for other families. */
json_t *vg_ocsf_endpoint(int family, const void *addr, unsigned port);

/* The activity of a connection attempt that ended with err (0: established, else an errno):
 * Open, Refuse (the peer refused: ECONNREFUSED) or Fail.  *name receives its name. */
int vg_ocsf_connect_activity(int err, const char **name);

/* Sets connection_info: the direction (1 inbound, 2 outbound, 0 unknown) and, when protocol
 * is IPPROTO_TCP or IPPROTO_UDP, its name and number. */
void vg_ocsf_connection_info(json_t *event, int direction_id, int protocol);

/* For a failed attempt: status_code (the errno's name, "ECONNREFUSED") and status_detail. */
void vg_ocsf_status_error(json_t *event, int err);

#endif
