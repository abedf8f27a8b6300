/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * HTTPS requests on the agent's event loop: libcurl's multi interface with its sockets
 * and its timer watched by vg_loop, so that the loop never waits on the network.
 * Every response is read into a bounded buffer; a larger one fails the request.
 */
#ifndef VIGIL_LINK_HTTP_H
#define VIGIL_LINK_HTTP_H

#include <curl/curl.h>
#include <stdbool.h>
#include <stddef.h>

struct vg_error;
struct vg_loop;
struct vg_workers;
struct vg_http;
struct vg_http_req;
struct vg_http_feed;

/* How to reach a server: everything a request needs besides its URL and body. */
struct vg_http_conf {
	const char *ca_file;        /* the imported server certificate, or NULL for the system CAs */
	const char *client_file;    /* client certificate and key (PEM), or NULL */
	const char *proxy;          /* proxy URL or NULL */
	const char *proxy_user;
	const char *proxy_password;
	const char *noproxy;
	long connect_timeout_ms;
	long timeout_ms;            /* the whole request */
	long low_speed_time_s;      /* abandon a transfer below 1 byte/s for this long */
	const char *agent_id;
};

typedef void (*vg_http_done_fn)(struct vg_http_req *req, void *data);

struct vg_http_req {
	CURL *easy;
	struct vg_http *http;
	struct curl_slist *headers;
	char *body;                 /* request body, owned */
	struct vg_http_feed *feed;  /* or a file streamed as the body (vg_http_start_file) */
	size_t body_len;
	char *resp;                 /* response body, NUL-terminated */
	size_t resp_len, resp_cap, resp_max;
	bool overflow;              /* the response went past resp_max */
	long status;                /* HTTP status, 0 when none */
	long connect_code;          /* the proxy's answer to CONNECT */
	long verify_result;         /* X509_V_* of the server certificate */
	long retry_after;           /* seconds, from Retry-After, 0 when none */
	CURLcode code;
	bool used_proxy;
	char proxy_name[256];       /* the proxy's host:port, for messages */
	bool sent_client_cert;      /* a client certificate was configured */
	bool tls_done;              /* the TLS handshake completed (as far as the client knows) */
	char errbuf[CURL_ERROR_SIZE];
	vg_http_done_fn done;
	void *data;
	struct vg_http_req *next, *prev; /* the requests under way (http.c) */
};

/* workers read the files that vg_http_start_file streams. */
int vg_http_new(struct vg_http **out, struct vg_loop *loop, struct vg_workers *workers);
/* Cancels every request (without calling their done functions) and frees. */
void vg_http_free(struct vg_http *http);

/* Starts a request: method "GET", "POST" or "PUT"; body (copied, may be NULL) with content_type
 * and, when gzip, Content-Encoding: gzip.  done runs on the loop once it ends (success or not);
 * the request is freed after done returns.  NULL when out of memory. */
struct vg_http_req *vg_http_start(struct vg_http *http, const struct vg_http_conf *conf, const char *method,
				  const char *url, const void *body, size_t len, const char *content_type,
				  bool gzip, size_t resp_max, vg_http_done_fn done, void *data);

/* Starts a PUT whose body is streamed from fd (size bytes; fd is owned by the request and
 * closed with it, also on failure), with up to 4 extra header lines.  The file is read on a
 * worker, a piece ahead of what curl sends: the loop never waits on the disk. */
struct vg_http_req *vg_http_start_file(struct vg_http *http, const struct vg_http_conf *conf, const char *url,
				       int fd, uint64_t size, const char *const *extra, size_t nextra, size_t resp_max,
				       vg_http_done_fn done, void *data);

/* Stops a request without calling done, and frees it.  NULL is allowed. */
void vg_http_cancel(struct vg_http_req *req);

/* Applies conf to an easy handle (also for blocking checks on a worker). */
int vg_http_setup(CURL *easy, const struct vg_http_conf *conf, const char *url, struct vg_http_req *req);

/* Describes why req failed, in words (a transport failure, a TLS refusal, an HTTP status or an
 * oversized answer); server names the server.  Returns a negative code, or 0 when req succeeded
 * with a 2xx status. */
int vg_http_describe(const struct vg_http_req *req, const char *server, bool pinned, struct vg_error *err);

#endif
