/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <openssl/x509_vfy.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "hostport.h"
#include "link/http.h"
#include "log.h"
#include "loop.h"
#include "nls.h"
#include "vigil/error.h"
#include "workers.h"

#define FAR_AWAY_MS (3600u * 1000)
#define FEED_PIECE (256u * 1024) /* read from the file at a time, on a worker */

struct vg_http {
	struct vg_loop *loop;
	struct vg_workers *workers;
	CURLM *multi;
	struct vg_watch *timer;
	struct vg_http_req *reqs;
};

/* A file streamed as a request body: a worker reads the next piece while curl sends this one. */
struct vg_http_feed {
	struct vg_http_req *req;    /* NULL once the request is gone: the read under way then frees all */
	int fd;
	uint64_t offset, size;      /* read so far, and the size announced */
	char *buf;                  /* the piece curl takes from: buf[pos..len) */
	size_t len, pos;
	char *next;                 /* the piece a worker reads */
	ssize_t got;                /* what it read: bytes, 0 at an early end, -errno */
	bool reading, paused, failed;
};

static void feed_free(struct vg_http_feed *f)
{
	if (f->fd >= 0)
		close(f->fd);
	free(f->buf);
	free(f->next);
	free(f);
}

static void free_req(struct vg_http_req *req)
{
	if (req->easy)
		curl_easy_cleanup(req->easy);
	curl_slist_free_all(req->headers);
	free(req->body);
	if (req->feed) {
		/* A read on a worker still uses the file and the buffer: it frees them when it ends. */
		if (req->feed->reading)
			req->feed->req = NULL;
		else
			feed_free(req->feed);
	}
	free(req->resp);
	free(req);
}

static void unlink_req(struct vg_http_req *req)
{
	struct vg_http *h = req->http;

	if (req->prev)
		req->prev->next = req->next;
	else if (h->reqs == req)
		h->reqs = req->next;
	if (req->next)
		req->next->prev = req->prev;
	req->next = req->prev = NULL;
}

static void check_done(struct vg_http *h)
{
	CURLMsg *msg;
	int left;

	while ((msg = curl_multi_info_read(h->multi, &left))) {
		struct vg_http_req *req = NULL;

		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&req);
		if (!req)
			continue;
		req->code = msg->data.result;
		curl_easy_getinfo(req->easy, CURLINFO_RESPONSE_CODE, &req->status);
		curl_easy_getinfo(req->easy, CURLINFO_HTTP_CONNECTCODE, &req->connect_code);
		curl_easy_getinfo(req->easy, CURLINFO_SSL_VERIFYRESULT, &req->verify_result);
		{
			curl_off_t tls = 0;

			curl_easy_getinfo(req->easy, CURLINFO_APPCONNECT_TIME_T, &tls);
			req->tls_done = tls > 0;
		}
		curl_multi_remove_handle(h->multi, req->easy);
		unlink_req(req);
		if (req->done)
			req->done(req, req->data);
		free_req(req);
	}
}

static void on_socket(struct vg_watch *w, int fd, uint32_t events, void *data)
{
	struct vg_http *h = data;
	int action = 0, running;

	(void)w;
	if (events & EPOLLIN)
		action |= CURL_CSELECT_IN;
	if (events & EPOLLOUT)
		action |= CURL_CSELECT_OUT;
	if (events & (EPOLLERR | EPOLLHUP))
		action |= CURL_CSELECT_ERR;
	curl_multi_socket_action(h->multi, fd, action, &running);
	check_done(h);
}

static int socket_cb(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
	struct vg_http *h = userp;
	struct vg_watch *w = socketp;
	uint32_t events = 0;

	(void)easy;
	if (what == CURL_POLL_REMOVE) {
		vg_watch_remove(w);
		curl_multi_assign(h->multi, s, NULL);
		return 0;
	}
	if (what & CURL_POLL_IN)
		events |= EPOLLIN;
	if (what & CURL_POLL_OUT)
		events |= EPOLLOUT;
	if (!w) {
		w = vg_loop_watch(h->loop, s, events, on_socket, h);
		if (!w)
			return -1;
		curl_multi_assign(h->multi, s, w);
	} else {
		vg_watch_set_events(w, events);
	}
	return 0;
}

static void on_timer(struct vg_watch *w, int fd, uint32_t events, void *data)
{
	struct vg_http *h = data;
	int running;

	(void)w;
	(void)fd;
	(void)events;
	curl_multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_done(h);
}

static int timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
	struct vg_http *h = userp;

	(void)multi;
	/* No timer wanted (-1): park it far away; a spurious expiry is harmless. */
	vg_timer_arm(h->timer, timeout_ms < 0 ? FAR_AWAY_MS : (uint64_t)timeout_ms, 0);
	return 0;
}

int vg_http_new(struct vg_http **out, struct vg_loop *loop, struct vg_workers *workers)
{
	struct vg_http *h = calloc(1, sizeof(*h));

	if (!h)
		return -ENOMEM;
	h->loop = loop;
	h->workers = workers;
	h->multi = curl_multi_init();
	h->timer = vg_loop_timer(loop, FAR_AWAY_MS, 0, on_timer, h);
	if (!h->multi || !h->timer) {
		vg_http_free(h);
		return -ENOMEM;
	}
	curl_multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION, socket_cb);
	curl_multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h);
	curl_multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
	curl_multi_setopt(h->multi, CURLMOPT_TIMERDATA, h);
	*out = h;
	return 0;
}

void vg_http_cancel(struct vg_http_req *req)
{
	if (!req)
		return;
	curl_multi_remove_handle(req->http->multi, req->easy);
	unlink_req(req);
	free_req(req);
}

void vg_http_free(struct vg_http *h)
{
	if (!h)
		return;
	while (h->reqs)
		vg_http_cancel(h->reqs);
	if (h->multi)
		curl_multi_cleanup(h->multi);
	vg_watch_remove(h->timer);
	free(h);
}

static size_t on_write(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct vg_http_req *req = userdata;
	size_t len = size * nmemb;

	if (len > req->resp_max - req->resp_len) {
		req->overflow = true;
		return 0;
	}
	if (req->resp_len + len + 1 > req->resp_cap) {
		/* Grow by doubling, up to the bound: a few reallocations for any answer. */
		size_t cap = req->resp_cap ? req->resp_cap : 4096;
		char *p;

		while (cap < req->resp_len + len + 1)
			cap *= 2;
		if (cap > req->resp_max + 1)
			cap = req->resp_max + 1;
		if (!(p = realloc(req->resp, cap)))
			return 0;
		req->resp = p;
		req->resp_cap = cap;
	}
	memcpy(req->resp + req->resp_len, ptr, len);
	req->resp_len += len;
	req->resp[req->resp_len] = '\0';
	return len;
}

static size_t on_header(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct vg_http_req *req = userdata;
	size_t len = size * nmemb;

	if (len > 12 && len < 64 && strncasecmp(ptr, "Retry-After:", 12) == 0) {
		char buf[64], *end;
		long v;

		memcpy(buf, ptr + 12, len - 12);
		buf[len - 12] = '\0';
		v = strtol(buf, &end, 10);
		if (v > 0)
			req->retry_after = v > 3600 ? 3600 : v;
	}
	return len;
}

int vg_http_setup(CURL *e, const struct vg_http_conf *conf, const char *url, struct vg_http_req *req)
{
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	if (conf->ca_file) {
		/* Pinned: the imported certificate is the only trust anchor, no system directory. */
		curl_easy_setopt(e, CURLOPT_CAINFO, conf->ca_file);
		curl_easy_setopt(e, CURLOPT_CAPATH, NULL);
	}
	if (conf->client_file) {
		curl_easy_setopt(e, CURLOPT_SSLCERT, conf->client_file);
		curl_easy_setopt(e, CURLOPT_SSLCERTTYPE, "PEM");
		curl_easy_setopt(e, CURLOPT_SSLKEY, conf->client_file);
		curl_easy_setopt(e, CURLOPT_SSLKEYTYPE, "PEM");
	}
	/* Never a proxy from the environment: only the configured one. */
	curl_easy_setopt(e, CURLOPT_PROXY, conf->proxy ? conf->proxy : "");
	if (conf->proxy) {
		if (conf->proxy_user) {
			curl_easy_setopt(e, CURLOPT_PROXYUSERNAME, conf->proxy_user);
			curl_easy_setopt(e, CURLOPT_PROXYPASSWORD, conf->proxy_password ? conf->proxy_password : "");
			curl_easy_setopt(e, CURLOPT_PROXYAUTH, (long)CURLAUTH_BASIC);
		}
		if (conf->noproxy)
			curl_easy_setopt(e, CURLOPT_NOPROXY, conf->noproxy);
		curl_easy_setopt(e, CURLOPT_HTTPPROXYTUNNEL, 1L);
	}
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, conf->connect_timeout_ms);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, conf->timeout_ms);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, conf->low_speed_time_s);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "vigild/" PACKAGE_VERSION);
	/* The names of a refused server certificate, for the message that says whom it is for. */
	curl_easy_setopt(e, CURLOPT_CERTINFO, 1L);
	if (req) {
		curl_easy_setopt(e, CURLOPT_ERRORBUFFER, req->errbuf);
		curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
		curl_easy_setopt(e, CURLOPT_WRITEDATA, req);
		curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
		curl_easy_setopt(e, CURLOPT_HEADERDATA, req);
		curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)req->resp_max);
		curl_easy_setopt(e, CURLOPT_PRIVATE, req);
		req->used_proxy = conf->proxy != NULL;
		if (conf->proxy) {
			const char *p = strstr(conf->proxy, "://");

			/* "http://user@proxy:3128/" -> "proxy:3128" */
			p = p ? p + 3 : conf->proxy;
			if (strchr(p, '@'))
				p = strchr(p, '@') + 1;
			snprintf(req->proxy_name, sizeof(req->proxy_name), "%.*s", (int)strcspn(p, "/"), p);
		}
		req->sent_client_cert = conf->client_file != NULL;
	}
	return 0;
}

struct vg_http_req *vg_http_start(struct vg_http *h, const struct vg_http_conf *conf, const char *method,
				  const char *url, const void *body, size_t len, const char *content_type,
				  bool gzip, size_t resp_max, vg_http_done_fn done, void *data)
{
	struct vg_http_req *req = calloc(1, sizeof(*req));
	char hdr[128];

	if (!req)
		return NULL;
	req->http = h;
	req->resp_max = resp_max;
	req->done = done;
	req->data = data;
	req->easy = curl_easy_init();
	if (!req->easy)
		goto fail;
	vg_http_setup(req->easy, conf, url, req);
	snprintf(hdr, sizeof(hdr), "X-Vigil-Agent: %s", conf->agent_id);
	req->headers = curl_slist_append(NULL, hdr);
	req->headers = curl_slist_append(req->headers, "Accept: application/json");
	req->headers = curl_slist_append(req->headers, "Expect:");
	if (content_type) {
		snprintf(hdr, sizeof(hdr), "Content-Type: %s", content_type);
		req->headers = curl_slist_append(req->headers, hdr);
	}
	if (gzip)
		req->headers = curl_slist_append(req->headers, "Content-Encoding: gzip");
	if (!req->headers)
		goto fail;
	curl_easy_setopt(req->easy, CURLOPT_HTTPHEADER, req->headers);
	if (strcmp(method, "GET") != 0) {
		req->body = malloc(len ? len : 1);
		if (!req->body)
			goto fail;
		if (len)
			memcpy(req->body, body, len);
		req->body_len = len;
		curl_easy_setopt(req->easy, CURLOPT_POST, 1L);
		curl_easy_setopt(req->easy, CURLOPT_POSTFIELDS, req->body);
		curl_easy_setopt(req->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
		if (strcmp(method, "POST") != 0)
			curl_easy_setopt(req->easy, CURLOPT_CUSTOMREQUEST, method);
	}
	if (curl_multi_add_handle(h->multi, req->easy) != CURLM_OK)
		goto fail;
	req->next = h->reqs;
	if (h->reqs)
		h->reqs->prev = req;
	h->reqs = req;
	return req;
fail:
	free_req(req);
	return NULL;
}

static void feed_read_work(struct vg_job *job, void *data)
{
	struct vg_http_feed *f = data;
	uint64_t left = f->size - f->offset;
	size_t want = left < FEED_PIECE ? (size_t)left : FEED_PIECE;

	(void)job;
	do
		f->got = pread(f->fd, f->next, want, (off_t)f->offset);
	while (f->got < 0 && errno == EINTR);
	if (f->got < 0)
		f->got = -errno;
}

static void feed_read_done(struct vg_job *job, void *data);

/* Has a worker read the next piece, unless one is reading, a piece waits, or all is read. */
static void feed_ahead(struct vg_http_feed *f)
{
	if (f->reading || f->got > 0 || f->failed || f->offset >= f->size)
		return;
	if ((!f->next && !(f->next = malloc(FEED_PIECE))) ||
	    !vg_workers_submit(f->req->http->workers, feed_read_work, feed_read_done, f)) {
		f->failed = true;
		return;
	}
	f->reading = true;
}

/* Once curl has sent the current piece: the piece read ahead becomes current, and the next
 * one is read. */
static void feed_take(struct vg_http_feed *f)
{
	char *swap;

	/* got belongs to the worker while it reads. */
	if (!f->reading && f->got > 0) {
		swap = f->buf;
		f->buf = f->next;
		f->next = swap;
		f->len = (size_t)f->got;
		f->pos = 0;
		f->offset += (uint64_t)f->got;
		f->got = 0;
	}
	feed_ahead(f);
}

static void feed_read_done(struct vg_job *job, void *data)
{
	struct vg_http_feed *f = data;

	f->reading = false;
	if (!f->req) {
		feed_free(f);
		return;
	}
	if (vg_job_cancelled(job) || f->got <= 0) {
		/* A read error, or a file shorter than announced: the upload cannot be whole. */
		f->failed = true;
		f->got = 0;
	} else if (f->pos == f->len) {
		feed_take(f);
	}
	if (f->paused) {
		/* curl takes the piece (or the failure) now: unpausing arms its timer at once. */
		f->paused = false;
		curl_easy_pause(f->req->easy, CURLPAUSE_CONT);
	}
}

/* curl asks for more of a streamed body: what a worker read, or a pause until it has. */
static size_t read_body(char *buf, size_t size, size_t n, void *data)
{
	struct vg_http_req *req = data;
	struct vg_http_feed *f = req->feed;
	size_t k;

	if (f->pos == f->len)
		feed_take(f);
	if (f->pos < f->len) {
		k = size * n < f->len - f->pos ? size * n : f->len - f->pos;
		memcpy(buf, f->buf + f->pos, k);
		f->pos += k;
		return k;
	}
	if (f->failed)
		return CURL_READFUNC_ABORT;
	if (f->offset >= f->size && !f->reading)
		return 0;
	f->paused = true;
	return CURL_READFUNC_PAUSE;
}

struct vg_http_req *vg_http_start_file(struct vg_http *h, const struct vg_http_conf *conf, const char *url,
				       int fd, uint64_t size, const char *const *extra, size_t nextra, size_t resp_max,
				       vg_http_done_fn done, void *data)
{
	struct vg_http_req *req = calloc(1, sizeof(*req));
	char hdr[160];

	if (!req || !(req->feed = calloc(1, sizeof(*req->feed)))) {
		free(req);
		close(fd);
		return NULL;
	}
	req->feed->fd = fd;
	req->feed->size = size;
	req->feed->req = req;
	req->http = h;
	req->resp_max = resp_max;
	req->done = done;
	req->data = data;
	if (!(req->easy = curl_easy_init()) || nextra > 4)
		goto fail;
	vg_http_setup(req->easy, conf, url, req);
	snprintf(hdr, sizeof(hdr), "X-Vigil-Agent: %s", conf->agent_id);
	req->headers = curl_slist_append(NULL, hdr);
	req->headers = curl_slist_append(req->headers, "Accept: application/json");
	req->headers = curl_slist_append(req->headers, "Expect:");
	req->headers = curl_slist_append(req->headers, "Content-Type: application/octet-stream");
	for (size_t i = 0; i < nextra; i++)
		req->headers = curl_slist_append(req->headers, extra[i]);
	if (!req->headers)
		goto fail;
	curl_easy_setopt(req->easy, CURLOPT_HTTPHEADER, req->headers);
	curl_easy_setopt(req->easy, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(req->easy, CURLOPT_READFUNCTION, read_body);
	curl_easy_setopt(req->easy, CURLOPT_READDATA, req);
	curl_easy_setopt(req->easy, CURLOPT_INFILESIZE_LARGE, (curl_off_t)size);
	/* The first piece is read before curl asks for it. */
	feed_ahead(req->feed);
	if (curl_multi_add_handle(h->multi, req->easy) != CURLM_OK)
		goto fail;
	req->next = h->reqs;
	if (h->reqs)
		h->reqs->prev = req;
	h->reqs = req;
	return req;
fail:
	free_req(req);
	return NULL;
}

static bool has(const char *text, const char *what)
{
	return strcasestr(text, what) != NULL;
}

/* The library's own words (libcurl, OpenSSL) stay in the English message after the sentence:
 * the log has them, and status --verbose shows them as a technical detail.  People read the
 * sentence, from its message id, in their language. */
static int with_detail(struct vg_error *err, int code, const char *library)
{
	size_t used;

	if (!err || !library || !library[0])
		return code;
	used = strlen(err->message);
	if (used + 4 < sizeof(err->message))
		snprintf(err->message + used, sizeof(err->message) - used, " (%s)", library);
	return code;
}

/* The host of "host:port" or "[v6]:port", into buf (server as it is when it is neither). */
static const char *host_of(const char *server, char *buf, size_t size)
{
	if (vg_hostport_parse(server, false, buf, size, NULL, 0) < 0)
		snprintf(buf, size, "%s", server);
	return buf;
}

/* The names the server's certificate is for (its subject alternative names, else its common
 * name), from what libcurl kept of the chain; "" when unknown. */
static const char *cert_names(const struct vg_http_req *req, char *buf, size_t size)
{
	struct curl_certinfo *ci = NULL;
	const char *cn = NULL;

	buf[0] = '\0';
	if (curl_easy_getinfo(req->easy, CURLINFO_CERTINFO, &ci) != CURLE_OK || !ci || ci->num_of_certs < 1)
		return buf;
	for (struct curl_slist *l = ci->certinfo[0]; l; l = l->next) {
		static const char san[] = "X509v3 Subject Alternative Name:";

		if (strncmp(l->data, san, sizeof(san) - 1) == 0) {
			size_t used = 0;

			/* "DNS:a.example, IP Address:10.0.0.1" -> "a.example, 10.0.0.1" */
			for (const char *p = l->data + sizeof(san) - 1; *p && used + 1 < size;) {
				const char *colon = strchr(p, ':'), *comma;
				size_t n;

				if (!colon)
					break;
				p = colon + 1;
				comma = strchr(p, ',');
				n = comma ? (size_t)(comma - p) : strlen(p);
				used += (size_t)snprintf(buf + used, size - used, "%s%.*s", used ? ", " : "", (int)n, p);
				if (used >= size)
					break;
				p = comma ? comma + 1 : p + n;
				while (*p == ' ')
					p++;
			}
			return buf;
		}
		if (strncmp(l->data, "Subject:", 8) == 0 && (cn = strstr(l->data, "CN = ")))
			snprintf(buf, size, "%.*s", (int)strcspn(cn + 5, ",/"), cn + 5);
	}
	return buf;
}

/* A connection that did not open: to the proxy or to the server, and why (the system's errno). */
static int connect_failed(const struct vg_http_req *req, const char *server, struct vg_error *err, const char *eb)
{
	long os = 0;
	const char *to = req->used_proxy && req->proxy_name[0] ? req->proxy_name : server;

	curl_easy_getinfo(req->easy, CURLINFO_OS_ERRNO, &os);
	switch (os) {
	case ECONNREFUSED:
		if (req->used_proxy)
			return with_detail(err, vg_error_set(err, -ECONNREFUSED,
							     N_("nothing listens on %s: check the proxy's address and port (vigilctl proxy show)"),
							     to), eb);
		return with_detail(err, vg_error_set(err, -ECONNREFUSED,
						     N_("nothing listens on %s: check the server's address and port"), to), eb);
	case EHOSTUNREACH:
	case ENETUNREACH:
		return with_detail(err, vg_error_set(err, -EHOSTUNREACH,
						     N_("there is no route to %s: check the network, and whether this host is isolated"),
						     to), eb);
	case ETIMEDOUT:
		return with_detail(err, vg_error_set(err, -ETIMEDOUT,
						     N_("%s does not answer: check the address, and the firewalls on the way"), to), eb);
	default:
		return with_detail(err, vg_error_set(err, -ECONNREFUSED, N_("cannot connect to %s: %s"), to,
						     os > 0 ? strerror((int)os) : eb), eb);
	}
}

/* The server's certificate was refused: say which check failed, and what to do. */
static int certificate_refused(const struct vg_http_req *req, const char *server, bool pinned, struct vg_error *err,
			       const char *eb)
{
	char names[512], host[300];

	host_of(server, host, sizeof(host));
	/* libcurl checks the name itself, after OpenSSL verified the chain: its words say so. */
	if (req->verify_result == X509_V_ERR_HOSTNAME_MISMATCH || req->verify_result == X509_V_ERR_IP_ADDRESS_MISMATCH ||
	    has(eb, "subject name") || has(eb, "host name") || has(eb, "hostname")) {
		if (cert_names(req, names, sizeof(names))[0])
			return with_detail(err, vg_error_set(err, -EPERM,
							     N_("the server certificate is for %s, not %s: use a name it holds, or give the server a certificate for %s"),
							     names, host, host), eb);
		return with_detail(err, vg_error_set(err, -EPERM, N_("the server certificate is not valid for the name %s"),
						     host), eb);
	}
	switch (req->verify_result) {
	case X509_V_ERR_CERT_HAS_EXPIRED:
		return with_detail(err, vg_error_set(err, -EPERM,
						     N_("the server certificate has expired: the server needs a new one")), eb);
	case X509_V_ERR_CERT_NOT_YET_VALID:
		return with_detail(err, vg_error_set(err, -EPERM,
						     N_("the server certificate is not valid yet: check this host's clock")), eb);
	default:
		break;
	}
	if (pinned)
		return with_detail(err, vg_error_set(err, -EPERM,
						     N_("the server certificate does not match the imported certificate: import the CA that signed it (vigilctl cert server import FILE)")),
				   eb);
	return with_detail(err, vg_error_set(err, -EPERM,
					     N_("the server certificate is not trusted by the system CAs: import its CA (vigilctl cert server import FILE)")),
			   eb);
}

int vg_http_describe(const struct vg_http_req *req, const char *server, bool pinned, struct vg_error *err)
{
	const char *eb = req->errbuf[0] ? req->errbuf : curl_easy_strerror(req->code);
	char num[32], host[300];

	/* 407 is the standard answer; tinyproxy answers 401 to bad credentials. */
	if (req->connect_code == 407 || (req->used_proxy && req->connect_code == 401)) {
		snprintf(num, sizeof(num), "%ld", req->connect_code);
		return vg_error_set(err, -EACCES,
				    N_("proxy authentication failed: the proxy refused the user and password (HTTP %s); check them with vigilctl proxy set"),
				    num);
	}
	if (req->used_proxy && req->connect_code >= 300) {
		snprintf(num, sizeof(num), "%ld", req->connect_code);
		return vg_error_set(err, -ECONNREFUSED,
				    N_("the proxy refused to connect to %s (HTTP %s): check its rules, or add the server to the bypass list"),
				    server, num);
	}
	/* With TLS 1.3 a server that requires a client certificate refuses it after the client
	 * finished its handshake: the client then sees its request fail in one of several ways. */
	if (!req->sent_client_cert && req->tls_done && req->status == 0 && !has(eb, "alert") &&
	    (req->code == CURLE_SEND_ERROR || req->code == CURLE_RECV_ERROR || req->code == CURLE_GOT_NOTHING))
		return with_detail(err, vg_error_set(err, -EPERM,
						     N_("the server %s closed the connection after the TLS handshake: it may require a client certificate (vigilctl cert client import)"),
						     server), eb);
	switch (req->code) {
	case CURLE_OK:
		break;
	case CURLE_PROXY: {
		long px = 0;

		/* A SOCKS proxy's own answer: a refused user is an authentication failure. */
		curl_easy_getinfo(req->easy, CURLINFO_PROXY_ERROR, &px);
		if (px == CURLPX_USER_REJECTED || px == CURLPX_NO_AUTH)
			return with_detail(err, vg_error_set(err, -EACCES,
							     N_("proxy authentication failed: the proxy refused the user and password; check them with vigilctl proxy set")),
					   eb);
		return with_detail(err, vg_error_set(err, -ECONNREFUSED,
						     N_("the proxy refused to connect to %s: check its rules, or add the server to the bypass list"),
						     server), eb);
	}
	case CURLE_COULDNT_RESOLVE_PROXY:
		return with_detail(err, vg_error_set(err, -EHOSTUNREACH,
						     N_("cannot resolve the name of the proxy %s: check the name and this host's DNS"),
						     req->proxy_name), eb);
	case CURLE_COULDNT_RESOLVE_HOST:
		return with_detail(err, vg_error_set(err, -EHOSTUNREACH,
						     N_("cannot resolve the name of the server %s: check the name and this host's DNS"),
						     host_of(server, host, sizeof(host))), eb);
	case CURLE_COULDNT_CONNECT:
		return connect_failed(req, server, err, eb);
	case CURLE_OPERATION_TIMEDOUT:
		return with_detail(err, vg_error_set(err, -ETIMEDOUT,
						     N_("the server %s did not answer in time: check that it runs, and the firewalls on the way"),
						     server), eb);
	case CURLE_WRITE_ERROR:
	case CURLE_FILESIZE_EXCEEDED:
		if (req->overflow || req->code == CURLE_FILESIZE_EXCEEDED)
			return vg_error_set(err, -EMSGSIZE, N_("the server %s sent an oversized response"), server);
		return with_detail(err, vg_error_set(err, -EIO, N_("cannot receive the answer of %s"), server), eb);
	case CURLE_PEER_FAILED_VERIFICATION:
		return certificate_refused(req, server, pinned, err, eb);
	case CURLE_SSL_CONNECT_ERROR:
		if (has(eb, "wrong version number") || has(eb, "packet length too long") || has(eb, "http request"))
			return with_detail(err, vg_error_set(err, -EPROTO,
							     N_("the server %s answered without TLS (plain HTTP?): check the port, and that the server has TLS on"),
							     server), eb);
		if (has(eb, "protocol version") || has(eb, "unsupported protocol") || has(eb, "no protocols available"))
			return with_detail(err, vg_error_set(err, -EPROTO,
							     N_("the server %s does not offer TLS 1.2 or newer"), server), eb);
		if (has(eb, "certificate required") || has(eb, "handshake failure") || has(eb, "unknown ca") ||
		    has(eb, "bad certificate"))
			return with_detail(err, vg_error_set(err, -EPERM,
							     N_("the server %s refused the TLS handshake: it may require a valid client certificate (vigilctl cert client import)"),
							     server), eb);
		if (has(eb, "unexpected eof") || has(eb, "connection reset") || has(eb, "syscall"))
			return with_detail(err, vg_error_set(err, -EPROTO,
							     N_("the server %s closed the connection during the TLS handshake: check that this port is its TLS port"),
							     server), eb);
		return with_detail(err, vg_error_set(err, -EPROTO, N_("the TLS handshake with %s failed"), server), eb);
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
		return with_detail(err, vg_error_set(err, -EINVAL,
						     N_("the client certificate cannot be used: import it again (vigilctl cert client import)")),
				   eb);
	case CURLE_SSL_CACERT_BADFILE:
		return with_detail(err, vg_error_set(err, -EINVAL,
						     N_("the imported server certificate cannot be read: import it again (vigilctl cert server import)")),
				   eb);
	case CURLE_RECV_ERROR:
		/* TLS 1.3 reports a refused client certificate after the handshake, as a read error. */
		if (has(eb, "alert"))
			return with_detail(err, vg_error_set(err, -EPERM,
							     N_("the server %s refused the TLS handshake: it may require a valid client certificate (vigilctl cert client import)"),
							     server), eb);
		return with_detail(err, vg_error_set(err, -EIO, N_("the connection to %s was lost"), server), eb);
	case CURLE_GOT_NOTHING:
		return with_detail(err, vg_error_set(err, -EIO,
						     N_("the server %s closed the connection without answering: check that it is a Vigil server"),
						     server), eb);
	default:
		return with_detail(err, vg_error_set(err, -EIO, N_("the connection to %s was lost"), server), eb);
	}
	if (req->status >= 200 && req->status < 300)
		return 0;
	snprintf(num, sizeof(num), "%ld", req->status);
	if (req->status == 401 || req->status == 403)
		return vg_error_set(err, -EACCES, N_("the server %s refused this agent (HTTP %s)"), server, num);
	if (req->status == 429 || req->status == 503)
		return vg_error_set(err, -EAGAIN, N_("the server %s asked the agent to slow down (HTTP %s)"), server, num);
	if (req->status == 404)
		return vg_error_set(err, -EPROTO,
				    N_("the server %s answered HTTP 404: check that it is a Vigil server (the protocol /api/v1)"),
				    server);
	return vg_error_set(err, -EPROTO, N_("the server %s answered HTTP %s"), server, num);
}
