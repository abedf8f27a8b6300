/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The control protocol between vigild and its clients (vigilctl, vigil-console, scripts):
 * its one definition.  Every command — its name, the access it needs, the version it appeared
 * in, its arguments with their types — is an entry of the table in protocol.c, reached through
 * enum vg_cmd.  The agent's handlers, the shell, the console and doc/control-protocol.md are
 * all keyed by that table; a unit test fails when one of them disagrees with it.
 *
 * Transport: an AF_UNIX stream socket.  Framing: one JSON object per line
 * ("\n"-terminated UTF-8), at most VG_PROTO_MAX_REQUEST bytes with the newline from a client,
 * VG_PROTO_MAX_MESSAGE from the agent; a peer that sends a longer line gets an error and is
 * disconnected.
 *
 *   request   {"v": 2, "id": 7, "cmd": "settings.set", "args": {...}}
 *   response  {"v": 2, "id": 7, "ok": true, "result": ...}
 *             {"v": 2, "id": 7, "ok": false, "error": {"code": "invalid-argument",
 *                 "message": "English text", "msgid": "format with %s", "args": ["..."]}}
 *   stream    {"v": 2, "stream": "NAME", "data": ...}      (no id; after a subscription)
 *
 * A result that is an array larger than one frame comes in parts: every message but the last
 * carries "more": true and a slice of the array; the client joins them (vg_client_call does).
 * The agent makes the next part only when the client has read the previous ones.
 *
 * Access: the agent reads the peer's credentials (SO_PEERCRED, SO_PEERGROUPS).
 * root runs every command; members of the agent's group run read-only commands;
 * everyone else is refused.  The agent checks the arguments against the table before a
 * handler runs: an unknown key, a value of the wrong type or a missing required argument is
 * answered invalid-argument.
 *
 * Version history:
 *   1  first version: hello, status, settings.*, telemetry.*, cert.*, server.*, proxy.*,
 *      isolation.*, task.*, quarantine.*, ioc.*, and link.test-emit.
 *   2  one table for every command with typed arguments, checked by the agent before the
 *      handler runs; large array results in parts ("more"); link.test-emit removed (events
 *      are observed, never fabricated).
 */
#ifndef VIGIL_PROTOCOL_H
#define VIGIL_PROTOCOL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct vg_error;

#define VG_PROTO_VERSION 2
#define VG_PROTO_MAX_MESSAGE (1024 * 1024)       /* a message from the agent (a reply, or one part) */
/* A request to the agent: room for one OpenIOC document of 4 MiB (the engine's limit) with its
 * JSON escapes.  The agent parses a long request on a worker. */
#define VG_PROTO_MAX_REQUEST (8 * 1024 * 1024)

/* Error codes on the wire, and the errno values they stand for. */
#define VG_PROTO_E_INVALID "invalid-argument"      /* EINVAL */
#define VG_PROTO_E_NOT_FOUND "not-found"           /* ENOENT */
#define VG_PROTO_E_DENIED "permission-denied"      /* EPERM, EACCES */
#define VG_PROTO_E_UNKNOWN_COMMAND "unknown-command" /* ENOSYS */
#define VG_PROTO_E_TOO_LARGE "too-large"           /* EMSGSIZE, E2BIG, EFBIG */
#define VG_PROTO_E_BUSY "busy"                     /* EBUSY, EAGAIN */
#define VG_PROTO_E_UNSUPPORTED "not-supported"     /* EOPNOTSUPP */
#define VG_PROTO_E_EXISTS "exists"                 /* EEXIST */
#define VG_PROTO_E_BAD_REQUEST "bad-request"       /* EPROTO: framing or JSON */
#define VG_PROTO_E_VERSION "unsupported-version"   /* EPROTONOSUPPORT */
#define VG_PROTO_E_INTERNAL "internal"             /* anything else */

enum vg_proto_access {
	VG_ACCESS_NONE = 0,  /* refused */
	VG_ACCESS_READ,      /* read-only commands */
	VG_ACCESS_ADMIN,     /* every command */
};

/* Every command, in the order of the table (and of doc/control-protocol.md). */
enum vg_cmd {
	VG_CMD_HELLO,
	VG_CMD_STATUS,
	VG_CMD_SETTINGS_SHOW,
	VG_CMD_SETTINGS_SET,
	VG_CMD_SETTINGS_EXPORT,
	VG_CMD_SETTINGS_IMPORT,
	VG_CMD_SETTINGS_HISTORY,
	VG_CMD_TELEMETRY_SHOW,
	VG_CMD_TELEMETRY_FOLLOW,
	VG_CMD_TELEMETRY_STATS,
	VG_CMD_TELEMETRY_EXCLUSION_ADD,
	VG_CMD_TELEMETRY_EXCLUSION_REMOVE,
	VG_CMD_TELEMETRY_EXCLUSION_LIST,
	VG_CMD_CERT_SERVER_IMPORT,
	VG_CMD_CERT_SERVER_SHOW,
	VG_CMD_CERT_SERVER_REMOVE,
	VG_CMD_CERT_CLIENT_IMPORT,
	VG_CMD_CERT_CLIENT_SHOW,
	VG_CMD_CERT_CLIENT_REMOVE,
	VG_CMD_SERVER_ADD,
	VG_CMD_SERVER_REMOVE,
	VG_CMD_SERVER_LIST,
	VG_CMD_SERVER_CHECK,
	VG_CMD_PROXY_SET,
	VG_CMD_PROXY_SHOW,
	VG_CMD_PROXY_CLEAR,
	VG_CMD_ISOLATION_ON,
	VG_CMD_ISOLATION_OFF,
	VG_CMD_ISOLATION_STATUS,
	VG_CMD_ISOLATION_EXCEPTION_ADD,
	VG_CMD_ISOLATION_EXCEPTION_REMOVE,
	VG_CMD_ISOLATION_EXCEPTION_LIST,
	VG_CMD_ISOLATION_PROFILE_LIST,
	VG_CMD_ISOLATION_PROFILE_SET,
	VG_CMD_TASK_GET_FILE,
	VG_CMD_TASK_DELETE_FILE,
	VG_CMD_TASK_RUN,
	VG_CMD_TASK_TERMINATE,
	VG_CMD_TASK_CANCEL,
	VG_CMD_TASK_LIST,
	VG_CMD_TASK_SHOW,
	VG_CMD_TASK_OUTPUT,
	VG_CMD_QUARANTINE_LIST,
	VG_CMD_QUARANTINE_RESTORE,
	VG_CMD_QUARANTINE_PURGE,
	VG_CMD_IOC_CHECK,
	VG_CMD_IOC_TERMS,
	VG_CMD_IOC_SCAN,
	VG_CMD_IOC_CANCEL,
	VG_CMD_IOC_RESULTS,
	VG_CMD_IOC_WATCH,
	VG_CMD_IOC_UNWATCH,
	VG_CMD_IOC_WATCHES,
	VG_CMD_DETECTION_LIST,
	VG_CMD_DETECTION_SHOW,
	VG_CMD_DETECTION_FOLLOW,
	VG_CMD_DETECTION_RULES_LIST,
	VG_CMD_DETECTION_RULES_SHOW,
	VG_CMD_DETECTION_RULES_RELOAD,
	VG_CMD_DETECTION_RULES_DISABLE,
	VG_CMD_DETECTION_RULES_ENABLE,
	VG_CMD_COUNT
};

/* The JSON types an argument accepts (a mask). */
#define VG_ARG_STRING 0x01
#define VG_ARG_INT 0x02
#define VG_ARG_BOOL 0x04
#define VG_ARG_ARRAY 0x08      /* of strings, unless VG_ARG_ANY_ITEMS */
#define VG_ARG_OBJECT 0x10
#define VG_ARG_NULL 0x20

/* Argument flags. */
#define VG_ARG_REQUIRED 0x01   /* the command is refused without it */
#define VG_ARG_SECRET 0x02     /* a password or key material: never logged or echoed */
#define VG_ARG_ANY_ITEMS 0x04  /* an array whose items may be of any type */

struct vg_proto_arg {
	const char *key;
	unsigned types;            /* VG_ARG_* type mask */
	unsigned flags;            /* VG_ARG_REQUIRED, VG_ARG_SECRET, VG_ARG_ANY_ITEMS */
	const char *help;          /* one line, English (the protocol's documentation) */
};

/* Command flags. */
#define VG_CMD_STREAMS 0x01     /* subscribes the connection to a stream (see stream) */
#define VG_CMD_MAY_WAIT 0x02    /* may answer later (a task waited for, a check) */

#define VG_PROTO_MAX_ARGS 24

struct vg_proto_command {
	enum vg_cmd id;
	const char *name;          /* on the wire: "isolation.exception.add" */
	enum vg_proto_access access; /* the least access that may run it */
	unsigned since;            /* the protocol version it appeared in */
	unsigned flags;            /* VG_CMD_* */
	const char *stream;        /* with VG_CMD_STREAMS: the stream's name */
	const char *summary;       /* one line, English */
	const char *result;        /* what the result holds, English */
	const struct vg_proto_arg *args; /* ends with a NULL key */
};

/* The definition of cmd (never NULL for a value below VG_CMD_COUNT). */
const struct vg_proto_command *vg_proto_command(enum vg_cmd cmd);
/* The definition named name, or NULL when this version has no such command. */
const struct vg_proto_command *vg_proto_command_find(const char *name);
/* The wire name of cmd ("" for an invalid value). */
const char *vg_proto_name(enum vg_cmd cmd);
/* The definition of key among cmd's arguments, or NULL. */
const struct vg_proto_arg *vg_proto_arg_find(const struct vg_proto_command *cmd, const char *key);

/* Checks a request's args (a JSON object, or NULL for none) against cmd: every key known, of
 * an accepted type, every required one present.  Returns 0, or -EINVAL with err naming the
 * argument and the command. */
int vg_proto_check_args(const struct vg_proto_command *cmd, const json_t *args,
			struct vg_error *err);

/* Error code name for a negative errno value, and back. */
const char *vg_proto_error_name(int code);
int vg_proto_error_code(const char *name);

#endif
