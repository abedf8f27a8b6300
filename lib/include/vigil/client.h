/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The control client: how vigilctl, vigil-console and scripts talk to vigild.
 *
 * Calls are synchronous with a timeout (vg_client_call), or asynchronous for
 * front ends with their own event loop (vg_client_send + vg_client_process when
 * vg_client_fd() is readable).  Stream messages (after a subscription) go to the
 * stream handler in both modes.
 */
#ifndef VIGIL_CLIENT_H
#define VIGIL_CLIENT_H

#include <jansson.h>
#include <stdint.h>

#include "vigil/error.h"
#include "vigil/protocol.h"

struct vg_client;

/* The socket path to use: $VIGIL_SOCKET when set, else the built-in default. */
const char *vg_client_default_socket(void);

/* Connects to the agent at path.  -ENOENT, -ECONNREFUSED, -EACCES...: the agent cannot be reached. */
int vg_client_connect(struct vg_client **out, const char *path, struct vg_error *err);
void vg_client_close(struct vg_client *c);
int vg_client_fd(const struct vg_client *c);

/* Sends cmd (a command of the protocol table, vigil/protocol.h) with args (a JSON object, or NULL; the reference is stolen) and waits at most
 * timeout_ms for its response.  On success *result holds a new reference (may be JSON null).
 * An error from the agent fills err with its code, message and message id (so that
 * vg_error_text shows it in the caller's language); a lost connection is -ECONNRESET. */
int vg_client_call(struct vg_client *c, enum vg_cmd cmd, json_t *args, int timeout_ms,
		   json_t **result, struct vg_error *err);

/* An error in the wire form ({code, message, msgid, args, prefix}: a response's error, or one
 * that a result carries, such as a warning) as a struct vg_error, so that vg_error_text shows it
 * in the caller's language.  A missing code is -EIO. */
void vg_client_error_of(const json_t *error, struct vg_error *err);

/* Asynchronous use.  The response handler gets the request id, and either the result
 * (ok) or an error. */
typedef void (*vg_client_response_fn)(uint64_t id, json_t *result, const struct vg_error *err, void *data);
typedef void (*vg_client_stream_fn)(const char *stream, json_t *data, void *user);

void vg_client_on_response(struct vg_client *c, vg_client_response_fn fn, void *data);
void vg_client_on_stream(struct vg_client *c, vg_client_stream_fn fn, void *data);

/* Queues a request; *id receives its id.  The args reference is stolen. */
int vg_client_send(struct vg_client *c, enum vg_cmd cmd, json_t *args, uint64_t *id, struct vg_error *err);

/* Reads what the agent sent and runs the handlers; call when the fd is readable.
 * Returns 0, or a negative code when the connection is lost or broken. */
int vg_client_process(struct vg_client *c, struct vg_error *err);

#endif
