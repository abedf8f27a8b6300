/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "export/conn.h"
#include "export/export.h"
#include "nls.h"

struct vg_export_conn {
	int fd;
	SSL_CTX *ctx;
	SSL *ssl;
	char where[300];
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The first address of host:port that accepts a connection within timeout_s. */
static int tcp_connect(struct vg_export_conn *c, const struct vg_export_conf *conf, struct vg_error *err)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM }, *res = NULL, *ai;
	struct timeval tv = { .tv_sec = conf->timeout_s };
	int r, last = ECONNREFUSED;

	if ((r = getaddrinfo(conf->host, conf->port, &hints, &res)) != 0)
		return vg_error_set(err, -EHOSTUNREACH, N_("cannot resolve %s: %s"), conf->host, gai_strerror(r));
	for (ai = res; ai; ai = ai->ai_next) {
		struct pollfd p;
		socklen_t len = sizeof(last);

		c->fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
		if (c->fd < 0) {
			last = errno;
			continue;
		}
		if (connect(c->fd, ai->ai_addr, ai->ai_addrlen) < 0 && errno != EINPROGRESS) {
			last = errno;
		} else {
			p = (struct pollfd){ .fd = c->fd, .events = POLLOUT };
			r = poll(&p, 1, conf->timeout_s * 1000);
			if (r == 1 && getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &last, &len) == 0 && last == 0)
				break;
			if (r == 0)
				last = ETIMEDOUT;
		}
		close(c->fd);
		c->fd = -1;
	}
	freeaddrinfo(res);
	if (c->fd < 0)
		return vg_error_set(err, -last, N_("cannot connect to %s: %s"), c->where, strerror(last));
	/* Blocking from now on, with the timeouts bounding every read and write. */
	fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) & ~O_NONBLOCK);
	setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return 0;
}

static int tls_error(struct vg_export_conn *c, const char *what, struct vg_error *err)
{
	char detail[256] = "";
	unsigned long e = ERR_get_error();
	long verify = c->ssl ? SSL_get_verify_result(c->ssl) : X509_V_OK;

	if (verify != X509_V_OK)
		snprintf(detail, sizeof(detail), "%s", X509_verify_cert_error_string(verify));
	else if (e)
		ERR_error_string_n(e, detail, sizeof(detail));
	else
		snprintf(detail, sizeof(detail), "%s", strerror(errno ? errno : EPROTO));
	ERR_clear_error();
	return vg_error_set(err, -EPROTO, N_("TLS with %s failed (%s): %s"), c->where, what, detail);
}

static int tls_start(struct vg_export_conn *c, const struct vg_export_conf *conf, struct vg_error *err)
{
	unsigned char addr[16];
	bool is_ip = inet_pton(AF_INET, conf->host, addr) == 1 || inet_pton(AF_INET6, conf->host, addr) == 1;

	if (!(c->ctx = SSL_CTX_new(TLS_client_method())))
		return tls_error(c, "context", err);
	SSL_CTX_set_min_proto_version(c->ctx, TLS1_2_VERSION);
	SSL_CTX_set_verify(c->ctx, SSL_VERIFY_PEER, NULL);
	if (conf->ca_file[0] ? SSL_CTX_load_verify_locations(c->ctx, conf->ca_file, NULL) != 1
			     : SSL_CTX_set_default_verify_paths(c->ctx) != 1)
		return tls_error(c, "trust anchors", err);
	if (conf->client_file[0] &&
	    (SSL_CTX_use_certificate_chain_file(c->ctx, conf->client_file) != 1 ||
	     SSL_CTX_use_PrivateKey_file(c->ctx, conf->client_file, SSL_FILETYPE_PEM) != 1))
		return tls_error(c, "client certificate", err);
	if (!(c->ssl = SSL_new(c->ctx)) || SSL_set_fd(c->ssl, c->fd) != 1)
		return tls_error(c, "session", err);
	if (is_ip) {
		if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl), conf->host) != 1)
			return tls_error(c, "address check", err);
	} else if (SSL_set_tlsext_host_name(c->ssl, conf->host) != 1 || SSL_set1_host(c->ssl, conf->host) != 1) {
		return tls_error(c, "name check", err);
	}
	if (SSL_connect(c->ssl) != 1)
		return tls_error(c, "handshake", err);
	return 0;
}

int vg_export_conn_open(struct vg_export_conn **out, const struct vg_export_conf *conf, struct vg_error *err)
{
	struct vg_export_conn *c = calloc(1, sizeof(*c));
	int r;

	if (!c)
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	c->fd = -1;
	snprintf(c->where, sizeof(c->where), "%s", conf->target);
	if ((r = tcp_connect(c, conf, err)) < 0 || (conf->tls && (r = tls_start(c, conf, err)) < 0)) {
		vg_export_conn_close(c);
		return r;
	}
	*out = c;
	return 0;
}

int vg_export_conn_write(struct vg_export_conn *c, const void *buf, size_t len, struct vg_error *err)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n;

		if (c->ssl) {
			size_t done = 0;

			if (SSL_write_ex(c->ssl, p, len, &done) != 1)
				return tls_error(c, "write", err);
			n = (ssize_t)done;
		} else {
			n = send(c->fd, p, len, MSG_NOSIGNAL);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return vg_error_set(err, -errno, N_("cannot send to %s: %s"), c->where, strerror(errno));
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int vg_export_conn_drain(struct vg_export_conn *c, int timeout_ms, struct vg_error *err)
{
	long long end = now_ms() + timeout_ms;

	for (;;) {
		struct pollfd p = { .fd = c->fd, .events = POLLIN | POLLRDHUP };
		int queued = 0;
		char b;

		/* A syslog receiver never writes: readable means closed (or broken). */
		if (poll(&p, 1, 0) == 1 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR) ||
					    recv(c->fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) <= 0))
			return vg_error_set(err, -ECONNRESET, N_("%s closed the connection"), c->where);
		if (ioctl(c->fd, SIOCOUTQ, &queued) < 0)
			return vg_error_set(err, -errno, N_("cannot send to %s: %s"), c->where, strerror(errno));
		if (queued == 0)
			return 0;
		if (now_ms() >= end)
			return vg_error_set(err, -ETIMEDOUT, N_("%s does not take what was sent"), c->where);
		poll(NULL, 0, 2);
	}
}

void vg_export_conn_close(struct vg_export_conn *c)
{
	if (!c)
		return;
	if (c->ssl) {
		SSL_shutdown(c->ssl);
		SSL_free(c->ssl);
	}
	SSL_CTX_free(c->ctx);
	if (c->fd >= 0)
		close(c->fd);
	free(c);
}
