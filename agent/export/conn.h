/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A stream to a receiver (internal to the exports): TCP, with TLS (1.2 or later) when asked,
 * verified like the server link: against the imported server certificate when there is one,
 * else the system's CAs, and the receiver's name or address; the client certificate when set.
 * Blocking, with timeouts: for the sink's own thread only.
 */
#ifndef VIGIL_EXPORT_CONN_H
#define VIGIL_EXPORT_CONN_H

#include <stddef.h>

struct vg_error;
struct vg_export_conf;
struct vg_export_conn;

int vg_export_conn_open(struct vg_export_conn **out, const struct vg_export_conf *conf, struct vg_error *err);
/* Writes all of buf. */
int vg_export_conn_write(struct vg_export_conn *c, const void *buf, size_t len, struct vg_error *err);
/* Waits until the receiver's TCP has acknowledged every byte written (the send queue is empty),
 * at most timeout_ms; fails when the receiver closed the connection. */
int vg_export_conn_drain(struct vg_export_conn *c, int timeout_ms, struct vg_error *err);
void vg_export_conn_close(struct vg_export_conn *c);

#endif
