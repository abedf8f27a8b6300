/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The link's state machine: hello, a long poll always open for commands, event batches
 * from the spool, responses from the task journal; failover across servers and
 * exponential back-off with jitter.  On the loop thread, driven by a tick timer and by the
 * end of each request; the spool's reads and acknowledgements run on the spool thread.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <arpa/inet.h>
#include <unistd.h>
#include <zlib.h>

#include "agent.h"
#include "events.h"
#include "fileio.h"
#include "hostport.h"
#include "link/certs.h"
#include "link/link.h"
#include "link/link-settings.h"
#include "log.h"
#include "loop.h"
#include "nls.h"
#include "settings.h"
#include "spooler.h"
#include "store.h"
#include "isolation/isolation.h"
#include "tasks/journal.h"
#include "telemetry/telemetry-settings.h"
#include "workers.h"

#define TICK_MS 250
#define FAILOVER_DELAY_MS 200
#define MAX_BACKOFF_S 300
#define MAX_BATCH_BYTES (8u * 1024 * 1024)
#define SCANS_PER_TICK 8

static void step(struct vg_link *link);

static bool file_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static void wipe_password(struct vg_link *link)
{
	if (link->proxy_password) {
		OPENSSL_cleanse(link->proxy_password, strlen(link->proxy_password));
		free(link->proxy_password);
		link->proxy_password = NULL;
	}
}

static void record_error(struct vg_link *link, const struct vg_error *err)
{
	link->last_error = *err;
	link->have_error = true;
	link->last_error_at = time(NULL);
	vg_warn("link: %s", err->message);
}

static void cancel_all(struct vg_link *link)
{
	vg_http_cancel(link->hello_req);
	vg_http_cancel(link->poll_req);
	vg_http_cancel(link->events_req);
	vg_http_cancel(link->resp_req);
	link->hello_req = link->poll_req = link->events_req = link->resp_req = NULL;
}

static double jitter(void)
{
	uint32_t r = 0;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != sizeof(r))
		r = (uint32_t)vg_now_ms();
	return 0.5 + (double)r / 4294967296.0;
}

/* The server in use failed: forget the connection, go to the next server, and wait
 * (a short moment between servers, exponential back-off once all failed). */
static void fail(struct vg_link *link, const struct vg_error *err, long retry_after)
{
	uint64_t delay_ms;

	record_error(link, err);
	cancel_all(link);
	if (retry_after > 0) {
		/* 429 or 503 with Retry-After: the server is there and asks for a pause.  Nothing goes
		 * to it meanwhile; then the agent goes on where it was, without a new hello. */
		link->next_try_ms = vg_now_ms() + (uint64_t)retry_after * 1000;
		return;
	}
	link->state = VG_LINK_WAITING;
	link->failures++;
	link->current = link->nservers ? (link->current + 1) % link->nservers : 0;
	if (link->current != 0) {
		delay_ms = FAILOVER_DELAY_MS;
	} else {
		unsigned rounds = link->nservers ? (link->failures - 1) / link->nservers : 0;
		uint64_t base = rounds >= 9 ? MAX_BACKOFF_S : (1u << rounds);

		if (base > MAX_BACKOFF_S)
			base = MAX_BACKOFF_S;
		delay_ms = (uint64_t)((double)base * 1000.0 * jitter());
	}
	link->next_try_ms = vg_now_ms() + delay_ms;
}

/* A request failed (vg_http_describe filled err): 409 means the server does not know this agent
 * (it restarted, or another server took the address) and wants a hello first; 429 and 503 with
 * Retry-After ask for a pause; anything else is a failure of the server. */
static void fail_request(struct vg_link *link, const struct vg_http_req *req, const struct vg_error *err)
{
	if (req->status == 409) {
		record_error(link, err);
		cancel_all(link);
		link->state = VG_LINK_CONNECTING;
		return;
	}
	fail(link, err, req->status == 429 || req->status == 503 ? req->retry_after : 0);
}

/* A successful exchange with the server: isolation's "no contact" release timer starts again. */
static void contact(struct vg_link *link)
{
	link->last_contact = time(NULL);
	if (link->agent)
		vg_isolation_note_contact(link->agent);
}

static void make_url(const struct vg_link *link, const char *path, char *url, size_t size)
{
	snprintf(url, size, "%s%s", link->url_base, path);
}

static const char *server_name(const struct vg_link *link)
{
	return link->nservers ? link->servers[link->current] : "";
}

static void set_base(struct vg_link *link)
{
	const char *s = server_name(link);
	char port[8] = "";

	/* The settings checked the address; what matters here is whether it names a port. */
	vg_hostport_parse(s, false, NULL, 0, port, sizeof(port));
	if (port[0])
		snprintf(link->url_base, sizeof(link->url_base), "https://%s", s);
	else
		snprintf(link->url_base, sizeof(link->url_base), "https://%s:%lld", s,
			 vg_setting_int(link->agent->settings, VG_S_LINK_PORT));
}

/* Parses a JSON object answer; a failure is described against the server. */
static json_t *parse_answer(struct vg_link *link, struct vg_http_req *req, struct vg_error *err)
{
	json_error_t je;
	json_t *obj;

	obj = req->resp ? json_loadb(req->resp, req->resp_len, 0, &je) : NULL;
	if (!json_is_object(obj)) {
		json_decref(obj);
		vg_error_set(err, -EPROTO, N_("the server %s sent an invalid answer: %s"), server_name(link),
			     req->resp ? je.text : "empty body");
		return NULL;
	}
	return obj;
}

/* ---- hello ---- */

static json_t *addresses(void)
{
	struct ifaddrs *ifa, *i;
	json_t *list = json_array();
	char buf[INET6_ADDRSTRLEN];

	if (getifaddrs(&ifa) < 0)
		return list;
	for (i = ifa; i && json_array_size(list) < 64; i = i->ifa_next) {
		const void *a = NULL;

		if (!i->ifa_addr)
			continue;
		if (i->ifa_addr->sa_family == AF_INET) {
			a = &((struct sockaddr_in *)(void *)i->ifa_addr)->sin_addr;
			if (*(const uint8_t *)a == 127)
				continue;
		} else if (i->ifa_addr->sa_family == AF_INET6) {
			a = &((struct sockaddr_in6 *)(void *)i->ifa_addr)->sin6_addr;
			if (IN6_IS_ADDR_LOOPBACK((const struct in6_addr *)a))
				continue;
		} else {
			continue;
		}
		if (inet_ntop(i->ifa_addr->sa_family, a, buf, sizeof(buf)))
			json_array_append_new(list, json_string(buf));
	}
	freeifaddrs(ifa);
	return list;
}

static void hello_done(struct vg_http_req *req, void *data)
{
	struct vg_link *link = data;
	struct vg_error err = { 0 };
	json_t *obj;
	json_int_t v;

	link->hello_req = NULL;
	if (vg_http_describe(req, server_name(link), link->pinned, &err) < 0) {
		/* A 409 to hello itself is a failure: asking for hello again would loop. */
		fail(link, &err, req->status == 429 || req->status == 503 ? req->retry_after : 0);
		return;
	}
	if (!(obj = parse_answer(link, req, &err))) {
		fail(link, &err, 0);
		return;
	}
	/* Told: the next hello lists only the commands that end from now on. */
	link->tasks_since_ms = link->hello_sent_ms;
	v = json_integer_value(json_object_get(obj, "poll_wait"));
	if (v >= 1 && v <= 60)
		link->poll_wait = (unsigned)v;
	v = json_integer_value(json_object_get(obj, "min_interval"));
	link->min_interval = v >= 0 && v <= 3600 ? (unsigned)v : 0;
	json_decref(obj);
	if (link->state != VG_LINK_CONNECTED) {
		link->connected_since = time(NULL);
		vg_notice("link: connected to %s", server_name(link));
	}
	link->state = VG_LINK_CONNECTED;
	link->failures = 0;
	link->last_hello_ms = vg_now_ms();
	contact(link);
	step(link);
}

static void send_hello(struct vg_link *link)
{
	struct utsname u;
	json_t *body;
	char url[512], *text;

	uname(&u);
	body = json_pack("{s:i, s:s, s:s, s:s, s:{s:s, s:s, s:s}, s:o, s:{s:{s:[s], s:[s, s]}, s:{s:s, s:i}}, s:o}",
			 "protocol", 1, "agent_id", vg_agent_id(link->agent), "hostname",
			 vg_agent_hostname(link->agent), "agent_version", PACKAGE_VERSION,
			 "os", "name", u.sysname, "release", u.release, "machine", u.machine,
			 "addresses", addresses(),
			 "capabilities", "openc2", "versions", "1.0", "profiles", "er", "x-vigil",
			 "events", "format", "ocsf", "max_batch", VG_LINK_MAX_BATCH,
			 "tasks", vg_journal_states(link->journal, link->tasks_since_ms, 256));
	text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	if (!text)
		return;
	if (link->state != VG_LINK_CONNECTED)
		link->state = VG_LINK_CONNECTING;
	set_base(link);
	make_url(link, "/api/v1/hello", url, sizeof(url));
	link->hello_sent_ms = vg_time_ms();
	link->hello_req = vg_http_start(link->http, &link->conf, "POST", url, text, strlen(text),
					"application/json", false, VG_LINK_MAX_RESPONSE, hello_done, link);
	free(text);
}

/* ---- commands (long poll) ---- */

static void poll_done(struct vg_http_req *req, void *data)
{
	struct vg_link *link = data;
	struct vg_error err = { 0 };
	json_t *obj, *cmds;

	link->poll_req = NULL;
	if (vg_http_describe(req, server_name(link), link->pinned, &err) < 0) {
		fail_request(link, req, &err);
		return;
	}
	contact(link);
	if (req->status == 204) {
		step(link);
		return;
	}
	if (!(obj = parse_answer(link, req, &err))) {
		fail(link, &err, 0);
		return;
	}
	cmds = json_object_get(obj, "commands");
	if (!json_is_array(cmds)) {
		vg_error_set(&err, -EPROTO, N_("the server %s sent an invalid answer: %s"), server_name(link),
			     "no \"commands\" array");
		json_decref(obj);
		fail(link, &err, 0);
		return;
	}
	vg_link_handle_commands(link, cmds);
	json_decref(obj);
	step(link);
}

static void start_poll(struct vg_link *link)
{
	char url[512];

	snprintf(url, sizeof(url), "%s/api/v1/commands?wait=%u", link->url_base, link->poll_wait);
	link->poll_conf = link->conf;
	link->poll_conf.timeout_ms = link->conf.timeout_ms + (long)link->poll_wait * 1000;
	/* The server is silent for up to the whole wait: that is not a slow transfer. */
	link->poll_conf.low_speed_time_s = link->conf.low_speed_time_s + (long)link->poll_wait;
	link->poll_req = vg_http_start(link->http, &link->poll_conf, "GET", url, NULL, 0, NULL, false,
				       VG_LINK_MAX_COMMANDS_RESPONSE, poll_done, link);
}

/* ---- responses ---- */

static void resp_done(struct vg_http_req *req, void *data)
{
	struct vg_link *link = data;
	struct vg_error err = { 0 };
	json_t *obj;

	link->resp_req = NULL;
	if (vg_http_describe(req, server_name(link), link->pinned, &err) < 0) {
		fail_request(link, req, &err);
		return;
	}
	if (!(obj = parse_answer(link, req, &err))) {
		fail(link, &err, 0);
		return;
	}
	json_decref(obj);
	contact(link);
	if (link->resp_is_ack) {
		/* The acknowledgement went: the oldest waiting one is done. */
		if (link->nacks_due && strcmp(link->acks_due[0], link->resp_id) == 0)
			memmove(link->acks_due[0], link->acks_due[1], --link->nacks_due * sizeof(link->acks_due[0]));
	} else if (vg_journal_set_reported(link->journal, link->resp_id, true, &err) < 0) {
		record_error(link, &err);
	}
	step(link);
}

/* The collected copy of a get-file waiting to be uploaded before its response, or NULL. */
static json_t *pending_upload(json_t *row)
{
	json_t *x = json_object_get(json_object_get(json_object_get(row, "result"), "results"), "x-vigil");
	const char *kind = json_string_value(json_object_get(x, "task_kind"));

	if (!kind || strcmp(kind, "get-file") != 0 || json_integer_value(json_object_get(json_object_get(row, "result"),
											 "status")) != 200 ||
	    json_object_get(x, "upload"))
		return NULL;
	return json_object_get(x, "result");
}

/* Records how the upload of request id ended in its response (status 500 when it failed). */
static void record_upload(struct vg_link *link, const char *id, json_t *upload, const char *failure)
{
	json_t *row = vg_journal_get(link->journal, VG_JOURNAL_REQUESTS, id), *resp, *x, *res;
	struct vg_error err = { 0 };
	const char *copy;

	if (!row) {
		json_decref(upload);
		return;
	}
	resp = json_deep_copy(json_object_get(row, "result"));
	x = json_object_get(json_object_get(resp, "results"), "x-vigil");
	res = json_object_get(x, "result");
	if ((copy = json_string_value(json_object_get(res, "copy"))) && !failure)
		unlink(copy); /* uploaded: the server holds the evidence now */
	json_object_set_new(x, "upload", upload ? upload : json_pack("{s:s}", "error", failure ? failure : "?"));
	if (failure) {
		json_object_set_new(resp, "status", json_integer(500));
		json_object_set_new(resp, "status_text", json_string(failure));
	}
	if (vg_journal_set_state(link->journal, VG_JOURNAL_REQUESTS, id, failure ? VG_TASK_FAILED : VG_TASK_SUCCEEDED, resp,
				 &err) < 0)
		record_error(link, &err);
	json_decref(resp);
	json_decref(row);
}

static void upload_done(struct vg_http_req *req, void *data)
{
	struct vg_link *link = data;
	struct vg_error err = { 0 };
	json_t *obj;

	link->resp_req = NULL;
	if (vg_http_describe(req, server_name(link), link->pinned, &err) < 0) {
		/* The server refused the content (400: the digest did not match): say so, do not retry. */
		if (req->status == 400) {
			record_upload(link, link->resp_id, NULL, "the server refused the uploaded file");
			step(link);
			return;
		}
		fail_request(link, req, &err);
		return;
	}
	if (!(obj = parse_answer(link, req, &err))) {
		fail(link, &err, 0);
		return;
	}
	contact(link);
	record_upload(link, link->resp_id, obj, NULL);
	step(link);
}

/* Streams the collected copy to PUT /api/v1/files/REQUEST-ID with its SHA-256. */
static void send_upload(struct vg_link *link, const json_t *res)
{
	const char *copy = json_string_value(json_object_get(res, "copy"));
	const char *sha = json_string_value(json_object_get(res, "sha256"));
	const char *path = json_string_value(json_object_get(res, "path"));
	char url[512], h_sha[128], h_path[4200];
	const char *extra[2];
	size_t nextra = 0;
	struct stat st;
	int fd;

	if (!copy || !sha || strlen(sha) != 64 ||
	    (fd = open(copy, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0) {
		record_upload(link, link->resp_id, NULL, "the collected copy of the file is missing");
		return;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		record_upload(link, link->resp_id, NULL, "the collected copy of the file is missing");
		return;
	}
	snprintf(h_sha, sizeof(h_sha), "X-Vigil-SHA256: %s", sha);
	extra[nextra++] = h_sha;
	/* A header carries printable ASCII only: a stranger path is left out (it is in the response). */
	if (path && strlen(path) < 4096 && strspn(path, " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ"
						     "[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~") == strlen(path)) {
		snprintf(h_path, sizeof(h_path), "X-Vigil-Path: %s", path);
		extra[nextra++] = h_path;
	}
	snprintf(url, sizeof(url), "%s/api/v1/files/%s", link->url_base, link->resp_id);
	link->resp_req = vg_http_start_file(link->http, &link->conf, url, fd, (uint64_t)st.st_size, extra, nextra,
					    VG_LINK_MAX_RESPONSE, upload_done, link);
}

/* The next response is read from the journal on a worker: a result may carry a run's whole
 * output (MiB of JSON), which the loop neither parses nor serialises. */
struct resp_job {
	struct vg_link *link;             /* NULL once the link stopped */
	char db[PATH_MAX];
	char id[160];
	json_t *upload;                   /* a collected file to upload before the response, or NULL */
	char *text;                       /* else the response's body */
	bool unwanted;                    /* else the command asked for no final response (none, ack) */
	struct vg_error err;
};

static void resp_read_work(struct vg_job *job, void *data)
{
	struct resp_job *rj = data;
	struct vg_store *store = NULL;
	struct vg_journal *view = NULL;
	json_t *list, *t, *body, *up;

	(void)job;
	if (vg_store_open_reader(&store, rj->db, &rj->err) < 0 || vg_journal_view(&view, store, &rj->err) < 0) {
		vg_store_close(store);
		return;
	}
	list = vg_journal_unreported(view, 1);
	if ((t = json_array_get(list, 0))) {
		snprintf(rj->id, sizeof(rj->id), "%s", json_string_value(json_object_get(t, "id")));
		/* A collected file goes to the server before the response that announces it. */
		const char *wanted = vg_openc2_response_requested(json_object_get(json_object_get(t, "request"),
										    "command"));

		if (wanted && (strcmp(wanted, "none") == 0 || strcmp(wanted, "ack") == 0)) {
			rj->unwanted = true;
		} else if ((up = pending_upload(t))) {
			rj->upload = json_deep_copy(up);
		} else {
			body = json_pack("{s:s, s:O}", "request_id", rj->id, "response", json_object_get(t, "result"));
			rj->text = body ? json_dumps(body, JSON_COMPACT) : NULL;
			json_decref(body);
		}
	}
	json_decref(list);
	vg_journal_close(view);
	vg_store_close(store);
}

static void resp_read_done(struct vg_job *job, void *data)
{
	struct resp_job *rj = data;
	struct vg_link *link = rj->link;
	char url[512];

	(void)job;
	if (link) {
		link->resp_job = NULL;
		if (rj->err.code)
			record_error(link, &rj->err);
		/* Sent only if the link is still up and nothing else went meanwhile; else the next step reads again. */
		if (rj->unwanted && rj->id[0] && vg_journal_set_reported(link->journal, rj->id, true, &rj->err) < 0)
			record_error(link, &rj->err);
		if (link->state == VG_LINK_CONNECTED && !link->resp_req && rj->id[0] && (rj->upload || rj->text)) {
			snprintf(link->resp_id, sizeof(link->resp_id), "%s", rj->id);
			link->resp_is_ack = false;
			if (rj->upload) {
				send_upload(link, rj->upload);
			} else {
				make_url(link, "/api/v1/responses", url, sizeof(url));
				link->resp_req = vg_http_start(link->http, &link->conf, "POST", url, rj->text, strlen(rj->text),
							       "application/json", false, VG_LINK_MAX_RESPONSE, resp_done, link);
			}
		}
	}
	json_decref(rj->upload);
	free(rj->text);
	free(rj);
}

/* A 102 for the oldest command that asked for an acknowledgement. */
static void send_ack(struct vg_link *link)
{
	json_t *body = json_pack("{s:s, s:{s:i, s:s}}", "request_id", link->acks_due[0], "response", "status", 102,
				 "status_text", "Processing");
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	char url[512];

	json_decref(body);
	if (!text)
		return;
	snprintf(link->resp_id, sizeof(link->resp_id), "%s", link->acks_due[0]);
	link->resp_is_ack = true;
	make_url(link, "/api/v1/responses", url, sizeof(url));
	link->resp_req = vg_http_start(link->http, &link->conf, "POST", url, text, strlen(text), "application/json",
				       false, VG_LINK_MAX_RESPONSE, resp_done, link);
	free(text);
}

static void send_response(struct vg_link *link)
{
	struct resp_job *rj;

	if (link->nacks_due) {
		send_ack(link);
		return;
	}

	/* One indexed lookup here; the row itself is read on a worker. */
	if (link->resp_job || !vg_journal_has_unreported(link->journal) || !(rj = calloc(1, sizeof(*rj))))
		return;
	rj->link = link;
	snprintf(rj->db, sizeof(rj->db), "%s", vg_store_path(link->agent->store));
	if (!vg_workers_submit(link->agent->workers, resp_read_work, resp_read_done, rj)) {
		free(rj);
		return;
	}
	link->resp_job = rj;
}

/* ---- events ---- */

static void batch_clear(struct vg_link *link)
{
	free(link->batch.seqs);
	free(link->batch.gz);
	memset(&link->batch, 0, sizeof(link->batch));
}

static int gzip_buf(const char *in, size_t len, unsigned char **out, size_t *out_len)
{
	z_stream z = { 0 };
	uLong bound;
	unsigned char *buf;

	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -ENOMEM;
	bound = deflateBound(&z, (uLong)len);
	buf = malloc(bound);
	if (!buf) {
		deflateEnd(&z);
		return -ENOMEM;
	}
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	z.next_out = buf;
	z.avail_out = (uInt)bound;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
		deflateEnd(&z);
		free(buf);
		return -EIO;
	}
	*out = buf;
	*out_len = z.total_out;
	deflateEnd(&z);
	return 0;
}

struct strbuf {
	char *p;
	size_t len, cap;
	bool oom;
};

static void sb_add(struct strbuf *sb, const char *s, size_t n)
{
	if (sb->oom)
		return;
	if (sb->len + n + 1 > sb->cap) {
		size_t cap = (sb->cap ? sb->cap * 2 : 4096);
		char *p;

		while (cap < sb->len + n + 1)
			cap *= 2;
		if (!(p = realloc(sb->p, cap))) {
			sb->oom = true;
			return;
		}
		sb->p = p;
		sb->cap = cap;
	}
	memcpy(sb->p + sb->len, s, n);
	sb->len += n;
	sb->p[sb->len] = '\0';
}

static void sb_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(struct strbuf *sb, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		sb_add(sb, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

/* The spool belongs to the spool thread (spooler.h): the link asks it for the next batch (a
 * scan: is an upload due, and which events go) and for the acknowledgements of the batches the
 * server stored.  Calls run in order there, so a scan made after an acknowledgement never sees
 * the acknowledged events as pending.  Reading, parsing and compressing a batch (up to 8 MiB)
 * happen on that thread too, never on the loop. */
struct scan_call {
	struct vg_link *link;             /* NULL once the link stopped */
	unsigned generation;              /* link->scan_generation when asked: a reset discards the answer */
	/* What the loop knows, copied. */
	uint64_t cursor;
	struct vg_link_throttle throttle;
	bool limits, draining, urgent; /* urgent: a detection waits, send what is pending */
	uint64_t per_hour;
	unsigned share;
	int64_t delay_ms;
	size_t batch_limit;
	int64_t now_ms;                   /* the agent's clock: the hourly limits count on it */
	char agent_id[40];
	/* What the spool thread found. */
	bool due, built;
	uint64_t *seqs;
	size_t n;
	unsigned char *gz;
	size_t gz_len;
	struct vg_error err;
};

/* The first pending event after seq, if any: its sequence number and time.  One indexed
 * lookup, however large the spool is. */
static bool first_pending(struct vg_spool *spool, uint64_t after, uint64_t *seq, int64_t *time_ms)
{
	struct vg_spool_batch b = { 0 };
	bool found = false;

	if (vg_spool_read_pending(spool, after, 1, 1, &b, NULL) == 0 && b.n == 1) {
		json_t *ev = json_loads(b.texts[0], 0, NULL);

		*seq = b.seqs[0];
		*time_ms = json_integer_value(json_object_get(ev, "time"));
		json_decref(ev);
		found = true;
	}
	vg_spool_batch_free(&b);
	return found;
}

/* A batch is due when a full packet is pending, when a backlog is being sent, or when the
 * oldest pending event has waited max_transfer_delay. */
static bool upload_due(struct vg_spool *spool, struct scan_call *c)
{
	uint64_t seq, more;
	int64_t t;

	/* A new hour lets held events go: look from the start again. */
	if (c->now_ms - c->throttle.hour_start_ms >= 3600 * 1000)
		c->cursor = 0;
	if (!first_pending(spool, c->cursor, &seq, &t))
		return false;
	if (vg_time_ms() - t >= c->delay_ms || c->draining || c->urgent)
		return true;
	/* Sequence numbers after the cursor are dense: one at first + limit - 1 means a full packet. */
	return c->batch_limit > 1 && first_pending(spool, seq + c->batch_limit - 2, &more, &t);
}

/* Reads pending events after the cursor, holds back what the limits forbid, and makes the
 * next batch, gzipped. */
static void build_batch(struct vg_spool *spool, struct scan_call *c)
{
	struct strbuf sb = { 0 };
	uint64_t *seqs;
	size_t n = 0;
	bool first = true;

	seqs = calloc(c->batch_limit, sizeof(*seqs));
	if (!seqs)
		return;
	sb_printf(&sb, "{\"agent_id\":\"%s\",\"events\":[", c->agent_id);
	for (int scan = 0; scan < SCANS_PER_TICK && n < c->batch_limit; scan++) {
		struct vg_spool_batch b = { 0 };

		if (vg_spool_read_pending(spool, c->cursor, c->batch_limit - n, MAX_BATCH_BYTES, &b, &c->err) < 0)
			break;
		if (b.n == 0) {
			vg_spool_batch_free(&b);
			break;
		}
		for (size_t i = 0; i < b.n; i++) {
			json_t *ev = json_loads(b.texts[i], 0, NULL);
			int64_t cls = json_integer_value(json_object_get(ev, "class_uid"));
			int64_t type = json_integer_value(json_object_get(ev, "type_uid"));

			json_decref(ev);
			if (!vg_link_throttle_allow(&c->throttle, cls, type, c->limits, c->per_hour, c->share,
						    c->now_ms)) {
				c->cursor = b.seqs[i];
				continue;
			}
			sb_printf(&sb, "%s{\"seq\":%llu,\"event\":", first ? "" : ",", (unsigned long long)b.seqs[i]);
			sb_add(&sb, b.texts[i], strlen(b.texts[i]));
			sb_add(&sb, "}", 1);
			first = false;
			seqs[n++] = b.seqs[i];
			if (b.seqs[i] > c->cursor)
				c->cursor = b.seqs[i];
		}
		vg_spool_batch_free(&b);
	}
	if (n == 0 || sb.oom) {
		free(sb.p);
		free(seqs);
		return;
	}
	sb_printf(&sb, "],\"batch\":%llu}", (unsigned long long)seqs[n - 1]);
	if (sb.oom || gzip_buf(sb.p, sb.len, &c->gz, &c->gz_len) < 0) {
		free(sb.p);
		free(seqs);
		return;
	}
	free(sb.p);
	c->seqs = seqs;
	c->n = n;
	c->built = true;
}

static void scan_work(struct vg_spool *spool, void *data)
{
	struct scan_call *c = data;

	vg_error_clear(&c->err);
	c->due = upload_due(spool, c);
	if (c->due)
		build_batch(spool, c);
}

static void scan_done(void *data)
{
	struct scan_call *c = data;
	struct vg_link *link = c->link;

	if (link) {
		link->scan = NULL;
		if (c->generation == link->scan_generation) {
			link->cursor = c->cursor;
			link->throttle = c->throttle;
			if (c->err.code)
				record_error(link, &c->err);
			if (c->built) {
				link->batch.seqs = c->seqs;
				link->batch.gz = c->gz;
				link->batch.gz_len = c->gz_len;
				link->batch.n = c->n;
				link->batch.number = c->seqs[c->n - 1];
				link->batch.ready = true;
				/* A full batch: more may be waiting, send the next one without waiting for the delay. */
				link->draining = c->n == c->batch_limit;
				c->seqs = NULL;
				c->gz = NULL;
			} else if (c->due) {
				link->next_scan_ms = vg_now_ms() + 1000;
			}
			step(link);
		}
	}
	free(c->seqs);
	free(c->gz);
	free(c);
}

static void start_scan(struct vg_link *link)
{
	struct vg_settings *s = link->agent->settings;
	struct scan_call *c = calloc(1, sizeof(*c));

	if (!c)
		return;
	c->link = link;
	c->generation = link->scan_generation;
	c->cursor = link->cursor;
	c->throttle = link->throttle;
	c->limits = vg_setting_bool(s, VG_S_LINK_REQUEST_LIMITS);
	c->per_hour = (uint64_t)vg_setting_int(s, VG_S_LINK_MAX_EVENTS_PER_HOUR);
	c->share = (unsigned)vg_setting_int(s, VG_S_LINK_TYPE_SHARE_PERCENT);
	c->delay_ms = vg_setting_int(s, VG_S_LINK_MAX_TRANSFER_DELAY) * 1000;
	c->draining = link->draining;
	c->urgent = vg_now_ms() < link->urgent_until_ms;
	c->batch_limit = link->batch_limit;
	c->now_ms = vg_agent_now_ms(link->agent);
	snprintf(c->agent_id, sizeof(c->agent_id), "%s", vg_agent_id(link->agent));
	if (vg_spooler_call(link->agent->spooler, scan_work, scan_done, c) < 0) {
		free(c);
		return;
	}
	link->scan = c;
}

/* The acknowledgement of a batch the server stored, on the spool thread. */
struct ack_call {
	struct vg_link *link;             /* NULL once the link stopped */
	uint64_t *seqs;
	size_t n;
	int r;
	struct vg_error err;
	struct ack_call *next;            /* the link's acknowledgements under way */
};

static void ack_work(struct vg_spool *spool, void *data)
{
	struct ack_call *a = data;

	vg_error_clear(&a->err);
	a->r = vg_spool_ack_seqs(spool, a->seqs, a->n, &a->err);
}

static void ack_done(void *data)
{
	struct ack_call *a = data;
	struct vg_link *link = a->link;

	if (link) {
		for (struct ack_call **p = &link->acks; *p; p = &(*p)->next)
			if (*p == a) {
				*p = a->next;
				break;
			}
		if (a->r < 0)
			record_error(link, &a->err);
		link->sent_events += a->n;
		link->sent_batches++;
	}
	free(a->seqs);
	free(a);
}

/* The server stored the batch in flight: it leaves the spool's pending events.  The batch's
 * sequence numbers go with the call. */
static void ack_batch(struct vg_link *link)
{
	struct ack_call *a = calloc(1, sizeof(*a));

	if (!a)
		return;
	a->link = link;
	a->seqs = link->batch.seqs;
	a->n = link->batch.n;
	if (vg_spooler_call(link->agent->spooler, ack_work, ack_done, a) < 0) {
		free(a);
		return;
	}
	link->batch.seqs = NULL;
	a->next = link->acks;
	link->acks = a;
}

static void events_done(struct vg_http_req *req, void *data)
{
	struct vg_link *link = data;
	struct vg_error err = { 0 };
	json_t *obj;
	char want[32], got[32];

	link->events_req = NULL;
	if (req->status == 413 && req->code == CURLE_OK) {
		/* Too large for this server: smaller batches, built again from the same events. */
		link->batch_limit = link->batch_limit > 1 ? link->batch_limit / 2 : 1;
		link->cursor = link->batch.seqs[0] - 1;
		batch_clear(link);
		contact(link);
		return;
	}
	if (vg_http_describe(req, server_name(link), link->pinned, &err) < 0) {
		fail_request(link, req, &err);
		return;
	}
	if (!(obj = parse_answer(link, req, &err))) {
		fail(link, &err, 0);
		return;
	}
	if ((uint64_t)json_integer_value(json_object_get(obj, "ack")) != link->batch.number) {
		snprintf(want, sizeof(want), "%llu", (unsigned long long)link->batch.number);
		snprintf(got, sizeof(got), "%lld", (long long)json_integer_value(json_object_get(obj, "ack")));
		json_decref(obj);
		vg_error_set(&err, -EPROTO, N_("the server %s acknowledged batch %s instead of %s"), server_name(link),
			     got, want);
		fail(link, &err, 0);
		return;
	}
	json_decref(obj);
	contact(link);
	ack_batch(link);
	batch_clear(link);
	step(link);
}

static void send_events(struct vg_link *link)
{
	uint64_t now = vg_now_ms();
	char url[512];

	if (!vg_setting_bool(link->agent->settings, VG_S_TELEMETRY_ENABLED))
		return;
	if (link->min_interval && now - link->last_upload_ms < (uint64_t)link->min_interval * 1000)
		return;
	if (!link->batch.ready) {
		/* The spool thread looks; its answer comes back through scan_done. */
		if (!link->scan && (now >= link->next_scan_ms || now < link->urgent_until_ms))
			start_scan(link);
		return;
	}
	make_url(link, "/api/v1/events", url, sizeof(url));
	link->last_upload_ms = now;
	link->events_req = vg_http_start(link->http, &link->conf, "POST", url, link->batch.gz, link->batch.gz_len,
					 "application/json", true, VG_LINK_MAX_RESPONSE, events_done, link);
}

/* ---- configuration ---- */

static void fingerprint(struct vg_link *link, char *out, size_t size)
{
	static const struct vg_setting_def *const defs[] = {
		VG_SETTING_DEF(VG_S_LINK_SERVERS), VG_SETTING_DEF(VG_S_LINK_PORT),
		VG_SETTING_DEF(VG_S_LINK_CLIENT_CERTIFICATE), VG_SETTING_DEF(VG_S_LINK_SYSTEM_CA),
		VG_SETTING_DEF(VG_S_LINK_CONNECT_TIMEOUT), VG_SETTING_DEF(VG_S_LINK_REQUEST_TIMEOUT),
		VG_SETTING_DEF(VG_S_PROXY_URL), VG_SETTING_DEF(VG_S_PROXY_USER), VG_SETTING_DEF(VG_S_PROXY_BYPASS),
	};
	size_t used = (size_t)snprintf(out, size, "%u", link->generation);

	for (size_t i = 0; i < sizeof(defs) / sizeof(defs[0]) && used < size; i++)
		used += (size_t)snprintf(out + used, size - used, "|%s", vg_setting_text(link->agent->settings, defs[i]));
}

int vg_link_configure(struct vg_link *link, struct vg_error *err)
{
	struct vg_settings *s = link->agent->settings;
	const char *servers = vg_setting_list(s, VG_S_LINK_SERVERS);
	const char *dir = link->agent->cfg.state_dir;
	char *pw = NULL;
	size_t len;

	link->nservers = 0;
	for (const char *p = servers; p && *p && link->nservers < VG_LINK_MAX_SERVERS;) {
		size_t n = strcspn(p, ",");

		if (n > 0 && n < sizeof(link->servers[0]))
			snprintf(link->servers[link->nservers++], sizeof(link->servers[0]), "%.*s", (int)n, p);
		p += n;
		if (*p == ',')
			p++;
	}
	snprintf(link->server_cert, sizeof(link->server_cert), "%s/%s", dir, VG_LINK_SERVER_CERT);
	snprintf(link->client_cert, sizeof(link->client_cert), "%s/%s", dir, VG_LINK_CLIENT_CERT);
	snprintf(link->proxy_password_file, sizeof(link->proxy_password_file), "%s/%s", dir, VG_LINK_PROXY_PASSWORD);
	snprintf(link->proxy, sizeof(link->proxy), "%s", vg_setting_str(s, VG_S_PROXY_URL));
	snprintf(link->proxy_user, sizeof(link->proxy_user), "%s", vg_setting_str(s, VG_S_PROXY_USER));
	snprintf(link->noproxy, sizeof(link->noproxy), "%s", vg_setting_list(s, VG_S_PROXY_BYPASS));
	wipe_password(link);
	if (link->proxy[0] && link->proxy_user[0] &&
	    vg_file_read_all(link->proxy_password_file, VG_LINK_SECRET_MAX, &pw, &len, NULL) == 0) {
		pw[strcspn(pw, "\r\n")] = '\0';
		link->proxy_password = pw;
	}
	link->pinned = file_exists(link->server_cert);
	link->two_way = vg_setting_bool(s, VG_S_LINK_CLIENT_CERTIFICATE);
	memset(&link->conf, 0, sizeof(link->conf));
	link->conf.ca_file = link->pinned ? link->server_cert : NULL;
	link->conf.client_file = link->two_way ? link->client_cert : NULL;
	link->conf.proxy = link->proxy[0] ? link->proxy : NULL;
	link->conf.proxy_user = link->proxy_user[0] ? link->proxy_user : NULL;
	link->conf.proxy_password = link->proxy_password;
	link->conf.noproxy = link->noproxy[0] ? link->noproxy : NULL;
	link->conf.connect_timeout_ms = (long)vg_setting_int(s, VG_S_LINK_CONNECT_TIMEOUT) * 1000;
	link->conf.timeout_ms = (long)vg_setting_int(s, VG_S_LINK_REQUEST_TIMEOUT) * 1000;
	link->conf.low_speed_time_s = (long)vg_setting_int(s, VG_S_LINK_REQUEST_TIMEOUT);
	link->conf.agent_id = vg_agent_id(link->agent);
	if (link->nservers == 0)
		return 0;
	if (!link->pinned && !vg_setting_bool(s, VG_S_LINK_SYSTEM_CA))
		return vg_error_set(err, -EPERM,
				    N_("no server certificate is imported (vigilctl cert server import FILE), and link.system_ca is off"));
	if (link->two_way && !file_exists(link->client_cert))
		return vg_error_set(err, -EPERM,
				    N_("two-way TLS is on (link.client_certificate) but no client certificate is imported (vigilctl cert client import FILE)"));
	return 0;
}

void vg_link_reset(struct vg_link *link)
{
	struct vg_error err = { 0 };

	cancel_all(link);
	batch_clear(link);
	link->scan_generation++; /* a scan under way answers for the old cursor: its answer is dropped */
	link->cursor = 0;
	link->next_scan_ms = 0;
	link->current = 0;
	link->failures = 0;
	link->next_try_ms = 0;
	link->poll_wait = (unsigned)vg_setting_int(link->agent->settings, VG_S_LINK_POLL_WAIT);
	fingerprint(link, link->fingerprint, sizeof(link->fingerprint));
	if (vg_link_configure(link, &err) < 0) {
		record_error(link, &err);
		link->state = VG_LINK_REFUSED;
		return;
	}
	link->state = link->nservers ? VG_LINK_CONNECTING : VG_LINK_OFF;
}

/* ---- the tick ---- */

static void step(struct vg_link *link)
{
	uint64_t now = vg_now_ms();

	if (link->state == VG_LINK_OFF || link->state == VG_LINK_REFUSED || now < link->next_try_ms)
		return;
	if (link->state != VG_LINK_CONNECTED) {
		if (!link->hello_req)
			send_hello(link);
		return;
	}
	if (!link->hello_req &&
	    now - link->last_hello_ms >= (uint64_t)vg_setting_int(link->agent->settings, VG_S_LINK_SYNC_PERIOD) * 60000)
		send_hello(link);
	if (!link->poll_req)
		start_poll(link);
	if (!link->events_req)
		send_events(link);
	if (!link->resp_req)
		send_response(link);
}

#define URGENT_MS 3000

void vg_link_send_soon(struct vg_agent *agent)
{
	struct vg_link *link = agent->link;

	if (!link)
		return;
	link->urgent_until_ms = vg_now_ms() + URGENT_MS;
	step(link);
}

static void on_tick(struct vg_watch *w, int fd, uint32_t events, void *data)
{
	struct vg_link *link = data;
	char fp[sizeof(link->fingerprint)];

	(void)w;
	(void)fd;
	(void)events;
	fingerprint(link, fp, sizeof(fp));
	if (strcmp(fp, link->fingerprint) != 0)
		vg_link_reset(link);
	step(link);
}

/* Two-way TLS cannot be turned on without a client certificate to present. */
static int veto_setting(const struct vg_setting_def *def, const char *value, void *data, struct vg_error *err)
{
	struct vg_link *link = data;

	if (def == VG_SETTING_DEF(VG_S_LINK_CLIENT_CERTIFICATE) && strcmp(value, "yes") == 0 && !file_exists(link->client_cert))
		return vg_error_set(err, -EPERM,
				    N_("link.client_certificate cannot be turned on: no client certificate is imported (vigilctl cert client import FILE)"));
	return 0;
}

int vg_link_start(struct vg_agent *agent, struct vg_error *err)
{
	struct vg_link *link;
	unsigned interrupted = 0;
	int r;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return vg_error_set(err, -EIO, N_("cannot initialise libcurl"));
	link = calloc(1, sizeof(*link));
	if (!link)
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	link->agent = agent;
	link->batch_limit = VG_LINK_MAX_BATCH;
	/* The first hello lists the commands that ended since the agent started (those it
	 * interrupts when opening the journal among them). */
	link->tasks_since_ms = vg_time_ms() / 1000 * 1000; /* the journal marks interrupted ones in whole seconds */
	if ((r = vg_journal_open(&link->journal, agent->store, &interrupted, err)) < 0) {
		free(link);
		return r;
	}
	if (interrupted)
		vg_warn("link: %u task(s) were running when the agent stopped: marked interrupted", interrupted);
	if ((r = vg_http_new(&link->http, agent->loop, agent->workers)) < 0 ||
	    !(link->tick = vg_loop_timer(agent->loop, TICK_MS, TICK_MS, on_tick, link))) {
		agent->link = link;
		vg_link_stop(agent);
		return vg_error_set(err, r < 0 ? r : -ENOMEM, N_("out of memory"));
	}
	agent->link = link;
	vg_link_reset(link);
	if (vg_settings_add_veto(agent->settings, veto_setting, link) < 0)
		vg_warn("link: no room for its settings check");
	return 0;
}

void vg_link_stop(struct vg_agent *agent)
{
	struct vg_link *link = agent->link;

	if (!link)
		return;
	vg_settings_remove_veto(agent->settings, veto_setting, link);
	/* Calls still queued on the spool thread run there (an acknowledgement the server earned is
	 * still written), but their answers no longer come here. */
	if (link->scan)
		link->scan->link = NULL;
	if (link->resp_job)
		link->resp_job->link = NULL;
	for (struct ack_call *a = link->acks; a; a = a->next)
		a->link = NULL;
	cancel_all(link);
	vg_http_free(link->http);
	vg_watch_remove(link->tick);
	batch_clear(link);
	wipe_password(link);
	vg_journal_close(link->journal);
	free(link);
	agent->link = NULL;
	curl_global_cleanup();
}

/* Message ids: the front ends show them translated. */
static const char *state_word(enum vg_link_state s)
{
	switch (s) {
	case VG_LINK_OFF: return N_("not configured");
	case VG_LINK_CONNECTING: return N_("connecting");
	case VG_LINK_CONNECTED: return N_("connected");
	case VG_LINK_WAITING: return N_("waiting to retry");
	case VG_LINK_REFUSED: return N_("refused");
	}
	return N_("unknown");
}

static json_t *cert_summary(const char *path)
{
	json_t *info = NULL, *brief;

	if (vg_cert_info(path, &info, NULL) < 0)
		return json_string("none");
	brief = json_pack("{s:O, s:O, s:O, s:O}", "subject", json_object_get(info, "subject"), "not_after",
			  json_object_get(info, "not_after"), "not_after_ms", json_object_get(info, "not_after_ms"),
			  "expires_in_days", json_object_get(info, "expires_in_days"));
	json_decref(info);
	return brief;
}

json_t *vg_link_status(struct vg_agent *agent)
{
	struct vg_link *link = agent->link;
	struct vg_spooler_stats ss;
	const struct vg_spool_stats *st = &ss.spool;
	json_t *o;

	if (!link)
		return NULL;
	/* The spool as the spool thread last saw it: status never waits for the database. */
	vg_spooler_stats(agent->spooler, &ss);
	o = json_pack("{s:b, s:s, s:s, s:n, s:I, s:n, s:I, s:I, s:I, s:I, s:s}",
		      "available", 1, "state", state_word(link->state), "server", server_name(link),
		      "last_contact",
		      "events_waiting", (json_int_t)st->pending,
		      "oldest_waiting",
		      "events_sent", (json_int_t)link->sent_events, "batches_sent", (json_int_t)link->sent_batches,
		      "events_held", (json_int_t)link->throttle.held,
		      "commands_received", (json_int_t)link->commands_received,
		      "proxy", link->proxy[0] ? link->proxy : "none");
	if (!o)
		return NULL;
	vg_ctl_set_time(o, "last_contact", (int64_t)link->last_contact * 1000);
	vg_ctl_set_time(o, "oldest_waiting", st->oldest_pending_ms);
	json_object_set_new(o, "last_error", json_string(link->have_error ? link->last_error.message : ""));
	if (link->have_error) {
		vg_ctl_set_time(o, "last_error_at", (int64_t)link->last_error_at * 1000);
		json_object_set_new(o, "last_error_detail", vg_ctl_error_json(&link->last_error));
	}
	json_object_set_new(o, "server_certificate", cert_summary(link->server_cert));
	json_object_set_new(o, "client_certificate", cert_summary(link->client_cert));
	return o;
}
