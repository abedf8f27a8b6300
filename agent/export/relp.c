/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The RELP export (librelp), to rsyslog's imrelp and others: RFC 5424 messages, each answered by
 * the receiver, over TLS unless turned off.  librelp keeps at most WINDOW messages unanswered and
 * only sends the next one once there is room, so when a send returns, every message at least
 * WINDOW places older has been answered: that is the acknowledged position.  When the sink is
 * idle, a graceful close (whose answer comes after every earlier answer) confirms the rest.  A
 * receiver that goes away leaves the unconfirmed messages to be sent again: at least once,
 * never lost.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h> /* librelp.h uses size_t without it */
#include <librelp.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"
#include "export/conn.h"
#include "export/export.h"
#include "export/export-settings.h"
#include "nls.h"

#define WINDOW 128

struct relp {
	relpEngine_t *engine;
	relpClt_t *clt;
	bool broken;                        /* librelp reported an error on the session */
	char error[512];
	uint64_t ring[WINDOW];              /* sequence numbers sent, not yet known answered */
	size_t head, count;
	char *msg;
	size_t msg_size;
};

static bool configure(struct vg_agent *agent, struct vg_export_conf *conf)
{
	bool on = vg_export_target_conf(agent, vg_setting_str(agent->settings, VG_S_EXPORT_RELP_TARGET),
					vg_setting_bool(agent->settings, VG_S_EXPORT_RELP_TLS), conf);

	conf->facility = (int)vg_setting_int(agent->settings, VG_S_EXPORT_FACILITY);
	return on;
}

static void on_err(void *usr, char *objinfo, char *errmsg, relpRetVal code)
{
	struct relp *r = usr;

	if (!r)
		return;
	r->broken = true;
	/* The first error says why; those after it follow from it. */
	if (!r->error[0])
		snprintf(r->error, sizeof(r->error), "%s: %s (%d)", objinfo ? objinfo : "", errmsg ? errmsg : "",
			 (int)code);
}

static void on_auth_err(void *usr, char *authinfo, char *errmsg, relpRetVal code)
{
	on_err(usr, authinfo, errmsg, code);
}

static void on_generic_err(char *objinfo, char *errmsg, relpRetVal code)
{
	(void)objinfo, (void)errmsg, (void)code;
}

/* librelp calls its debug printer unconditionally: one that says nothing. */
static void no_debug(char *fmt, ...)
{
	(void)fmt;
}

/* Closes the session: gracefully when it is sound (*confirmed then tells whether the receiver
 * answered the close, and with it every message before). */
static void end_session(struct relp *r, bool *confirmed)
{
	bool sound = !r->broken;

	if (r->clt)
		relpEngineCltDestruct(r->engine, &r->clt);
	r->clt = NULL;
	if (confirmed)
		*confirmed = sound && !r->broken;
	r->broken = false;
	r->count = 0;
	r->head = 0;
}

static void close_relp(void **state)
{
	struct relp *r = *state;

	if (!r)
		return;
	end_session(r, NULL);
	if (r->engine)
		relpEngineDestruct(&r->engine);
	free(r->msg);
	free(r);
	*state = NULL;
}

static int relp_error(struct relp *r, const struct vg_export_conf *conf, const char *what, relpRetVal code,
		      struct vg_error *err)
{
	char detail[600];

	if (r->error[0])
		snprintf(detail, sizeof(detail), "%s", r->error);
	else
		snprintf(detail, sizeof(detail), "librelp error %d", (int)code);
	return vg_error_set(err, -EPROTO, N_("RELP to %s failed (%s): %s"), conf->target, what, detail);
}

static int connect_relp(struct relp *r, const struct vg_export_conf *conf, struct vg_error *err)
{
	relpRetVal rc;

	/* librelp leaks its TLS session (some 50 KiB) when a handshake fails: after a failure, the
	 * receiver's certificate is checked first on a connection of our own, so that a receiver
	 * that keeps failing costs one leak, not one per retry. */
	if (conf->tls && conf->retrying) {
		struct vg_export_conn *check;
		int r2;

		if ((r2 = vg_export_conn_open(&check, conf, err)) < 0)
			return r2;
		vg_export_conn_close(check);
	}
	r->error[0] = '\0';
	r->broken = false;
	if ((rc = relpEngineCltConstruct(r->engine, &r->clt)) != RELP_RET_OK)
		return relp_error(r, conf, "client", rc, err);
	relpCltSetUsrPtr(r->clt, r);
	relpCltSetTimeout(r->clt, (unsigned)conf->timeout_s);
	relpCltSetConnTimeout(r->clt, conf->timeout_s);
	relpCltSetWindowSize(r->clt, WINDOW);
	if (conf->tls) {
		/* The link's trust anchor, or the system's CAs; the receiver's name (or address)
		 * must be in its certificate. */
		char *ca = conf->ca_file[0] ? (char *)conf->ca_file : (char *)X509_get_default_cert_file();

		if ((rc = relpCltEnableTLS(r->clt)) != RELP_RET_OK || (rc = relpCltSetCACert(r->clt, ca)) != RELP_RET_OK ||
		    (rc = relpCltSetAuthMode(r->clt, (char *)"name")) != RELP_RET_OK ||
		    (rc = relpCltAddPermittedPeer(r->clt, (char *)conf->host)) != RELP_RET_OK ||
		    (conf->client_file[0] &&
		     ((rc = relpCltSetOwnCert(r->clt, (char *)conf->client_file)) != RELP_RET_OK ||
		      (rc = relpCltSetPrivKey(r->clt, (char *)conf->client_file)) != RELP_RET_OK))) {
			end_session(r, NULL);
			return relp_error(r, conf, "TLS", rc, err);
		}
	}
	if ((rc = relpCltConnect(r->clt, 0, (unsigned char *)conf->port, (unsigned char *)conf->host)) != RELP_RET_OK) {
		/* A failed connect leaves no session: the client goes without a close. */
		relpEngineCltDestruct(r->engine, &r->clt);
		r->clt = NULL;
		return relp_error(r, conf, "connect", rc, err);
	}
	return 0;
}

static int start(void **state, struct vg_error *err)
{
	struct relp *r = *state;

	if (r)
		return 0;
	if (!(r = calloc(1, sizeof(*r))))
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	if (relpEngineConstruct(&r->engine) != RELP_RET_OK) {
		free(r);
		return vg_error_set(err, -ENOMEM, N_("cannot start librelp"));
	}
	relpEngineSetDbgprint(r->engine, no_debug);
	relpEngineSetEnableCmd(r->engine, (unsigned char *)"syslog", eRelpCmdState_Required);
	relpEngineSetOnErr(r->engine, on_err);
	relpEngineSetOnAuthErr(r->engine, on_auth_err);
	relpEngineSetOnGenericErr(r->engine, on_generic_err);
	/* GnuTLS: librelp's OpenSSL backend keeps one context for the whole process, loaded once,
	 * so that a certificate imported later would not count; with GnuTLS each connection reads
	 * the trust anchor and the client certificate afresh. */
	relpEngineSetTLSLibByName(r->engine, "gnutls");
	*state = r;
	return 0;
}

static int deliver(void **state, const struct vg_export_conf *conf, const struct vg_spool_batch *batch,
		   size_t *sent, uint64_t *acked, struct vg_error *err)
{
	struct relp *r;
	int rc;

	*sent = 0;
	*acked = 0;
	if ((rc = start(state, err)) < 0)
		return rc;
	r = *state;
	if (!r->clt && (rc = connect_relp(r, conf, err)) < 0)
		return rc;
	for (size_t i = 0; i < batch->n; i++) {
		size_t need = strlen(batch->texts[i]) + 1024;
		relpRetVal rr;
		int n;

		if (r->msg_size < need) {
			char *m = realloc(r->msg, need);

			if (!m)
				return vg_error_set(err, -ENOMEM, N_("out of memory"));
			r->msg = m;
			r->msg_size = need;
		}
		n = vg_export_rfc5424(r->msg, r->msg_size, batch->texts[i], conf->facility, conf->hostname,
				      (long)getpid());
		if (n < 0)
			return vg_error_set(err, -ENOMEM, N_("out of memory"));
		rr = relpCltSendSyslog(r->clt, (unsigned char *)r->msg, (size_t)n);
		if (rr != RELP_RET_OK || r->broken) {
			rc = relp_error(r, conf, "send", rr, err);
			end_session(r, NULL);
			return rc;
		}
		(*sent)++;
		/* The ring holds the last WINDOW sent; the one it pushes out was answered. */
		if (r->count == WINDOW) {
			*acked = r->ring[r->head];
			r->head = (r->head + 1) % WINDOW;
			r->count--;
		}
		r->ring[(r->head + r->count) % WINDOW] = batch->seqs[i];
		r->count++;
	}
	return 0;
}

static int flush(void **state, const struct vg_export_conf *conf, uint64_t *acked, struct vg_error *err)
{
	struct relp *r = *state;
	uint64_t last;
	bool confirmed;

	*acked = 0;
	if (!r || !r->clt || r->count == 0)
		return 0;
	last = r->ring[(r->head + r->count - 1) % WINDOW];
	end_session(r, &confirmed);
	if (!confirmed)
		return relp_error(r, conf, "close", RELP_RET_SESSION_BROKEN, err);
	*acked = last;
	return 0;
}

const struct vg_export_ops vg_export_relp = {
	.name = "relp",
	.configure = configure,
	.deliver = deliver,
	.flush = flush,
	.close = close_relp,
};
