/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The syslog export: RFC 5424 messages over TCP, framed by octet counting (RFC 6587), in TLS
 * (RFC 5425) unless turned off, for syslog-ng, rsyslog and others.  Syslog has no
 * acknowledgement: a batch counts as delivered once the receiver's TCP has every byte of it (the
 * socket's send queue is empty).  RELP is the export that survives a receiver's restart.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"
#include "export/conn.h"
#include "export/export.h"
#include "export/export-settings.h"
#include "nls.h"


struct syslog_out {
	struct vg_export_conn *conn;
	char *buf;                          /* the batch's frames, written at once */
	size_t len, size;
};


static bool configure(struct vg_agent *agent, struct vg_export_conf *conf)
{
	bool on = vg_export_target_conf(agent, vg_setting_str(agent->settings, VG_S_EXPORT_SYSLOG_TARGET),
					vg_setting_bool(agent->settings, VG_S_EXPORT_SYSLOG_TLS), conf);

	conf->facility = (int)vg_setting_int(agent->settings, VG_S_EXPORT_FACILITY);
	return on;
}

static void close_out(void **state)
{
	struct syslog_out *s = *state;

	if (!s)
		return;
	vg_export_conn_close(s->conn);
	free(s->buf);
	free(s);
	*state = NULL;
}

/* Appends "LEN SP MSG" for one event. */
static int add_frame(struct syslog_out *s, const struct vg_export_conf *conf, const char *text)
{
	size_t need = strlen(text) + 1024;
	int n;

	if (s->size - s->len < need + 16) {
		size_t size = s->size ? s->size : 64 * 1024;
		char *b;

		while (size - s->len < need + 16)
			size *= 2;
		if (!(b = realloc(s->buf, size)))
			return -ENOMEM;
		s->buf = b;
		s->size = size;
	}
	/* The message goes 16 bytes in, then its length is written before it. */
	n = vg_export_rfc5424(s->buf + s->len + 16, s->size - s->len - 16, text, conf->facility, conf->hostname,
			      (long)getpid());
	if (n < 0)
		return n;
	{
		char head[16];
		int h = snprintf(head, sizeof(head), "%d ", n);

		memmove(s->buf + s->len + (size_t)h, s->buf + s->len + 16, (size_t)n);
		memcpy(s->buf + s->len, head, (size_t)h);
		s->len += (size_t)h + (size_t)n;
	}
	return 0;
}

static int deliver(void **state, const struct vg_export_conf *conf, const struct vg_spool_batch *batch,
		   size_t *delivered, uint64_t *acked, struct vg_error *err)
{
	struct syslog_out *s = *state;
	int r;

	(void)acked; /* what is written is received (no flush) */
	*delivered = 0;
	if (!s) {
		if (!(s = calloc(1, sizeof(*s))))
			return vg_error_set(err, -ENOMEM, N_("out of memory"));
		if ((r = vg_export_conn_open(&s->conn, conf, err)) < 0) {
			free(s);
			return r;
		}
		*state = s;
	}
	s->len = 0;
	for (size_t i = 0; i < batch->n; i++)
		if (add_frame(s, conf, batch->texts[i]) < 0)
			return vg_error_set(err, -ENOMEM, N_("out of memory"));
	if ((r = vg_export_conn_write(s->conn, s->buf, s->len, err)) < 0 ||
	    (r = vg_export_conn_drain(s->conn, conf->timeout_s * 1000, err)) < 0) {
		close_out(state);
		return r;
	}
	*delivered = batch->n;
	return 0;
}

const struct vg_export_ops vg_export_syslog = {
	.name = "syslog",
	.configure = configure,
	.deliver = deliver,
	.close = close_out,
};
