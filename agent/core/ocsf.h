/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The OCSF (1.8.0) objects and events that Vigil's producers build: the sensors (audit, eBPF,
 * fanotify), the tasks, the isolation and the scans.  One place decides how a process, a file,
 * a user, an endpoint or a connection attempt is written, so that the same behaviour gives the
 * same event whoever saw it, and every event is valid against the schema (tests/ocsf/).
 *
 * What the agent cannot know is never made up: an enum it cannot tell gets the schema's
 * "Unknown" (0), an optional attribute it cannot tell is left out (doc/telemetry.md lists them).
 */
#ifndef VIGIL_OCSF_H
#define VIGIL_OCSF_H

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

/* file.type_id */
enum {
	VG_FILE_TYPE_UNKNOWN = 0,
	VG_FILE_TYPE_REGULAR = 1,
	VG_FILE_TYPE_FOLDER = 2,
	VG_FILE_TYPE_CHARACTER_DEVICE = 3,
	VG_FILE_TYPE_BLOCK_DEVICE = 4,
	VG_FILE_TYPE_LOCAL_SOCKET = 5,
	VG_FILE_TYPE_NAMED_PIPE = 6,
	VG_FILE_TYPE_SYMBOLIC_LINK = 7,
	VG_FILE_TYPE_EXECUTABLE = 8,
};

/* severity_id */
enum {
	VG_SEVERITY_UNKNOWN = 0,
	VG_SEVERITY_INFORMATIONAL = 1,
	VG_SEVERITY_LOW = 2,
	VG_SEVERITY_MEDIUM = 3,
	VG_SEVERITY_HIGH = 4,
	VG_SEVERITY_CRITICAL = 5,
};

/* status_id of every class (Remediation Activity adds 3 to 6). */
enum {
	VG_STATUS_UNKNOWN = 0,
	VG_STATUS_SUCCESS = 1,
	VG_STATUS_FAILURE = 2,
	VG_STATUS_DOES_NOT_EXIST = 3, /* the target of a remediation does not exist */
	VG_STATUS_PARTIAL = 4,
	VG_STATUS_UNSUPPORTED = 5,
	VG_STATUS_ERROR = 6,
};

/* A JSON string of text from the kernel or a file system, which need not be UTF-8: bytes that
 * are not become '?' rather than losing the whole value. */
json_t *vg_ocsf_text(const char *text);
/* The same for len bytes of text (no NUL needed at their end). */
json_t *vg_ocsf_textn(const char *text, size_t len);

/* An event of class_uid with its activity (activity_id and activity_name), severity
 * informational, time in ms, and an empty "unmapped" object. */
json_t *vg_ocsf_event(int class_uid, int activity_id, const char *activity, int64_t time_ms);

/* Sets severity_id and its caption "severity". */
void vg_ocsf_set_severity(json_t *event, int severity_id);

/* Sets status_id and its caption "status"; status_code (the source's own word, or NULL) and
 * status_detail (or NULL) beside. */
void vg_ocsf_set_status(json_t *event, int status_id, const char *code, const char *detail);

/* For a failed attempt: status Failure, status_code (the errno's name, "ECONNREFUSED") and
 * status_detail (its description). */
void vg_ocsf_status_error(json_t *event, int err);

/* The file.type_id of a file of this st_mode (VG_FILE_TYPE_UNKNOWN when mode is 0). */
int vg_ocsf_file_type(unsigned mode);

/* A file object: path, name (the last component; the path when it has none) and type_id with
 * its caption. */
json_t *vg_ocsf_file(const char *path, int type_id);

/* Sets type_id and its caption "type" in a file object. */
void vg_ocsf_file_set_type(json_t *file, int type_id);

/* A user object: uid (as text, as OCSF wants). */
json_t *vg_ocsf_user(long long uid);

/* A process object: pid, name (the kernel's comm; left out when NULL or empty), file (the
 * executable: path, name, type Executable File; left out when exe is NULL or empty), user (uid)
 * and parent_process (pid; left out when ppid is negative). */
json_t *vg_ocsf_process(long long pid, const char *comm, const char *exe, long long uid, long long ppid);

/* Process Activity (1007) of process (reference stolen): Launch (1) or Terminate (2) at
 * time_ms.  Its actor is, for a launch, the parent that started the program (the object is
 * shared with process.parent_process: what is learnt of the parent later shows in both); for
 * an exit, the process itself. */
json_t *vg_ocsf_process_activity(int activity_id, json_t *process, int64_t time_ms);

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

/* The socket calls that Network Activity reports. */
enum vg_ocsf_net_call {
	VG_OCSF_NET_CONNECT, /* outbound: the address is the peer, the destination */
	VG_OCSF_NET_ACCEPT,  /* inbound: the address is the peer, the source */
	VG_OCSF_NET_BIND,    /* a listening end: the address is local, the destination of what comes */
};

/*
 * Network Activity (4001) of one socket call by actor_process (reference stolen) at time_ms,
 * with the address the call named (reference stolen; NULL: no event) at its place.  The
 * activity follows the call and its result err (0 or an errno): a connect is Open, Refuse or
 * Fail, or Other "Connecting" while a non-blocking one is under way (EINPROGRESS: its outcome
 * is not known yet); an accept is Open; a bind is Listen.  The status says the same.
 */
json_t *vg_ocsf_network_activity(enum vg_ocsf_net_call call, int err, json_t *addr, json_t *actor_process,
				 int64_t time_ms);

/* Puts the local end of a call's socket (reference stolen) at its place: the source of a
 * connect, the destination of an accept; a bind's address is already the local end. */
void vg_ocsf_network_set_local(json_t *event, enum vg_ocsf_net_call call, json_t *local);

/* A random (version 4) UUID, for what needs an id and has none. */
void vg_ocsf_uuid(char out[37]);

#endif
