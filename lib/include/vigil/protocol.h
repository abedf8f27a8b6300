/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The control protocol between vigild and its clients (vigilctl, vigil-console).
 *
 * Transport: an AF_UNIX stream socket.  Framing: one JSON object per line
 * ("\n"-terminated UTF-8), at most VG_PROTO_MAX_MESSAGE bytes with the newline;
 * a peer that sends a longer line gets an error and is disconnected.
 *
 *   request   {"v": 1, "id": 7, "cmd": "settings.set", "args": {...}}
 *   response  {"v": 1, "id": 7, "ok": true, "result": ...}
 *             {"v": 1, "id": 7, "ok": false, "error": {"code": "invalid-argument",
 *                 "message": "English text", "msgid": "format with %s", "args": ["..."]}}
 *   stream    {"v": 1, "stream": "NAME", "data": ...}      (no id; after a subscription)
 *
 * Access: the agent reads the peer's credentials (SO_PEERCRED, SO_PEERGROUPS).
 * root runs every command; members of the agent's group run read-only commands;
 * everyone else is refused.  Each command is tagged in vg_proto_commands.
 *
 * Version history:
 *   1  first version: hello, status, settings.*
 */
#ifndef VIGIL_PROTOCOL_H
#define VIGIL_PROTOCOL_H

#include <stddef.h>

#define VG_PROTO_VERSION 1
#define VG_PROTO_MAX_MESSAGE (1024 * 1024)

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

struct vg_proto_command {
	const char *name;
	enum vg_proto_access access; /* the least access that may run it */
};

/* The command name and the access it needs, from the agent's command tables; NULL when unknown. */
const struct vg_proto_command *vg_proto_command_find(const char *name);

/* Error code name for a negative errno value, and back. */
const char *vg_proto_error_name(int code);
int vg_proto_error_code(const char *name);

#endif
