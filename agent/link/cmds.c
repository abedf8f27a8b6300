/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Control commands of the link: certificates, servers, proxy and the server check.  Secrets
 * (passwords, keys) arrive in the request and are wiped once used; never logged or sent back.
 */
#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"
#include "events.h"
#include "fileio.h"
#include "hostport.h"
#include "link/certs.h"
#include "link/link.h"
#include "link/link-settings.h"
#include "log.h"
#include "nls.h"
#include "settings.h"
#include "spool.h"
#include "workers.h"

#define MAX_B64 (2 * 1024 * 1024)

static struct vg_link *get_link(struct vg_agent *agent, struct vg_error *err)
{
	if (!agent->link)
		vg_error_set(err, -ENODEV, N_("the server link is not running"));
	return agent->link;
}

/* Decodes the base64 string args[key]; the caller wipes and frees *out. */
static int b64_arg(json_t *args, const char *key, unsigned char **out, size_t *len, bool required,
		   struct vg_error *err)
{
	const char *s = json_string_value(json_object_get(args, key));
	size_t n = s ? strlen(s) : 0, pad = 0;
	int r;

	*out = NULL;
	*len = 0;
	if (!s) {
		if (!required)
			return 0;
		return vg_error_set(err, -EINVAL, N_("missing argument \"%s\""), key);
	}
	if (n == 0 || n > MAX_B64 || n % 4)
		return vg_error_set(err, -EINVAL, N_("argument \"%s\" is not base64 of a bounded size"), key);
	*out = malloc(n / 4 * 3 + 1);
	if (!*out)
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	r = EVP_DecodeBlock(*out, (const unsigned char *)s, (int)n);
	if (r < 0) {
		free(*out);
		*out = NULL;
		return vg_error_set(err, -EINVAL, N_("argument \"%s\" is not base64 of a bounded size"), key);
	}
	pad = (s[n - 1] == '=') + (s[n - 2] == '=');
	*len = (size_t)r - pad;
	return 0;
}

static void wipe_free(unsigned char *p, size_t len)
{
	if (p) {
		OPENSSL_cleanse(p, len);
		free(p);
	}
}

/* The password in args, wiped from the request once copied. */
static char *take_password(json_t *args)
{
	json_t *pw = json_object_get(args, "password");
	char *copy;

	if (!json_is_string(pw))
		return NULL;
	copy = strndup(json_string_value(pw), VG_LINK_SECRET_MAX);
	/* jansson keeps its own copy: overwrite it before the request is freed. */
	{
		size_t n = json_string_length(pw);
		char *zeros = calloc(1, n + 1);

		if (zeros) {
			memset(zeros, '*', n);
			json_string_setn_nocheck(pw, zeros, n);
			free(zeros);
		}
	}
	return copy;
}

static void free_password(char *pw)
{
	if (pw) {
		OPENSSL_cleanse(pw, strlen(pw));
		free(pw);
	}
}

static int cmd_cert_server_import(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result,
				  struct vg_error *err)
{
	struct vg_link *link = get_link(agent, err);
	unsigned char *data;
	size_t len;
	int r;

	if (!link)
		return err->code;
	if ((r = b64_arg(req->args, "data", &data, &len, true, err)) < 0)
		return r;
	r = vg_cert_import_server(data, len, link->server_cert, result, err);
	free(data);
	if (r < 0)
		return r;
	vg_notice("link: server certificate imported by uid %u", (unsigned)req->peer->uid);
	link->generation++;
	return 0;
}

static int show(const char *path, const char *none, json_t **result, struct vg_error *err)
{
	int r = vg_cert_info(path, result, err);

	if (r == -ENOENT)
		return vg_error_set(err, -ENOENT, "%s", none);
	return r;
}

static int cmd_cert_server_show(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result,
				struct vg_error *err)
{
	struct vg_link *link = get_link(agent, err);

	(void)req;
	return link ? show(link->server_cert, N_("no server certificate is imported"), result, err) : err->code;
}

static int remove_file(struct vg_link *link, const char *path, const char *none, struct vg_error *err)
{
	if (unlink(path) < 0)
		return errno == ENOENT ? vg_error_set(err, -ENOENT, "%s", none)
				       : vg_error_set(err, -errno, N_("cannot remove %s"), path);
	link->generation++;
	return 0;
}

static int cmd_cert_server_remove(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result,
				  struct vg_error *err)
{
	struct vg_link *link = get_link(agent, err);
	int r;

	if (!link)
		return err->code;
	if ((r = remove_file(link, link->server_cert, N_("no server certificate is imported"), err)) < 0)
		return r;
	vg_notice("link: server certificate removed by uid %u", (unsigned)req->peer->uid);
	*result = json_pack("{s:b}", "removed", 1);
	return 0;
}

static int cmd_cert_client_import(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result,
				  struct vg_error *err)
{
	struct vg_link *link = get_link(agent, err);
	unsigned char *data = NULL, *cert = NULL, *key = NULL;
	size_t dlen = 0, clen = 0, klen = 0;
	char *pw = take_password(req->args);
	int r;

	if (!link) {
		free_password(pw);
		return err->code;
	}
	if ((r = b64_arg(req->args, "data", &data, &dlen, false, err)) < 0 ||
	    (r = b64_arg(req->args, "cert", &cert, &clen, false, err)) < 0 ||
	    (r = b64_arg(req->args, "key", &key, &klen, false, err)) < 0)
		goto out;
	if (data)
		r = vg_cert_import_p12(data, dlen, pw, link->client_cert, result, err);
	else if (cert && key)
		r = vg_cert_import_pem_pair(cert, clen, key, klen, pw, link->client_cert, result, err);
	else
		r = vg_error_set(err, -EINVAL, N_("give a PKCS#12 file, or a certificate and its key"));
	if (r == 0) {
		vg_notice("link: client certificate imported by uid %u", (unsigned)req->peer->uid);
		json_object_set_new(*result, "two_way",
				    json_boolean(vg_setting_bool(agent->settings, VG_S_LINK_CLIENT_CERTIFICATE)));
		link->generation++;
	}
out:
	wipe_free(data, dlen);
	wipe_free(cert, clen);
	wipe_free(key, klen);
	free_password(pw);
	return r;
}

static int cmd_cert_client_show(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result,
				struct vg_error *err)
{
	struct vg_link *link = get_link(agent, err);
	int r;

	(void)req;
	if (!link)
		return err->code;
	if ((r = show(link->client_cert, N_("no client certificate is imported"), result, err)) == 0)
		json_object_set_new(*result, "two_way",
				    json_boolean(vg_setting_bool(agent->settings, VG_S_LINK_CLIENT_CERTIFICATE)));
	return r;
}

static int cmd_cert_client_remove(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result,
				  struct vg_error *err)
{
	struct vg_link *link = get_link(agent, err);
	int r;

	if (!link)
		return err->code;
	if ((r = remove_file(link, link->client_cert, N_("no client certificate is imported"), err)) < 0)
		return r;
	vg_notice("link: client certificate removed by uid %u", (unsigned)req->peer->uid);
	*result = json_pack("{s:b, s:b}", "removed", 1, "two_way",
			    vg_setting_bool(agent->settings, VG_S_LINK_CLIENT_CERTIFICATE));
	return 0;
}

/* ---- servers ---- */

static int set_one(struct vg_agent *agent, struct vg_ctl_request *req, const struct vg_setting_def *def,
		   const char *value, struct vg_error *err)
{
	struct vg_setting_pair p = { def, value };

	return vg_settings_set(agent->settings, &p, 1, req->peer->uid, err);
}

/* The list with server added (add) or removed; -EEXIST / -ENOENT. */
static int edit_list(const char *list, const char *server, bool add, char *out, size_t size, struct vg_error *err)
{
	bool found = false;
	size_t used = 0;

	out[0] = '\0';
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ",");

		if (n == strlen(server) && strncmp(p, server, n) == 0)
			found = true;
		else if (n)
			used += (size_t)snprintf(out + used, used < size ? size - used : 0, "%s%.*s", used ? "," : "",
						 (int)n, p);
		p += n;
		if (*p == ',')
			p++;
	}
	if (add && found)
		return vg_error_set(err, -EEXIST, N_("server %s is already in the list"), server);
	if (!add && !found)
		return vg_error_set(err, -ENOENT, N_("server %s is not in the list"), server);
	if (add)
		used += (size_t)snprintf(out + used, used < size ? size - used : 0, "%s%s", used ? "," : "", server);
	return used < size ? 0 : vg_error_set(err, -E2BIG, N_("too many servers"));
}

static json_t *server_list(struct vg_agent *agent)
{
	struct vg_link *link = agent->link;
	const char *list = vg_setting_list(agent->settings, VG_S_LINK_SERVERS);
	json_t *arr = json_array();

	for (const char *p = list; p && *p;) {
		size_t n = strcspn(p, ",");

		if (n)
			json_array_append_new(arr, json_stringn(p, n));
		p += n;
		if (*p == ',')
			p++;
	}
	return json_pack("{s:o, s:I, s:s}", "servers", arr, "port",
			 (json_int_t)vg_setting_int(agent->settings, VG_S_LINK_PORT), "in_use",
			 link && link->state == VG_LINK_CONNECTED ? link->servers[link->current] : "");
}

static int cmd_server_edit(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result, struct vg_error *err,
			   bool add)
{
	const char *server = json_string_value(json_object_get(req->args, "server"));
	char list[VG_SETTING_MAX_VALUE];
	int r;

	if (!server || !server[0])
		return vg_error_set(err, -EINVAL, N_("missing argument \"%s\""), "server");
	if ((r = edit_list(vg_setting_list(agent->settings, VG_S_LINK_SERVERS), server, add, list, sizeof(list), err)) < 0 ||
	    (r = set_one(agent, req, VG_SETTING_DEF(VG_S_LINK_SERVERS), list, err)) < 0)
		return r;
	*result = server_list(agent);
	return 0;
}

static int cmd_server_add(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result, struct vg_error *err)
{
	return cmd_server_edit(agent, req, result, err, true);
}

static int cmd_server_remove(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result,
			     struct vg_error *err)
{
	return cmd_server_edit(agent, req, result, err, false);
}

static int cmd_server_list(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result,
			   struct vg_error *err)
{
	(void)req;
	(void)err;
	*result = server_list(agent);
	return 0;
}

/* ---- server check, on a worker: each step in order, stopping at the first that fails ---- */

struct check_job {
	struct vg_agent *agent;
	uint64_t conn_id;
	json_int_t id;
	char server[300], host[300], port[8], url[400], agent_header[80];
	char ca[PATH_MAX], client[PATH_MAX], proxy[2048], proxy_user[256], noproxy[1024];
	char *proxy_password;
	bool pinned, two_way, refused;
	struct vg_error refusal;
	long connect_ms, timeout_ms;
	json_t *steps;
	bool ok;
};

/* A step of the check and what it found: a message id with its arguments, which the front ends
 * show in their user's language; the English text; and the library's own words apart (what the
 * English text carries after the sentence, see vg_http_describe). */
static void add_step(struct check_job *job, const char *step, bool ok, const struct vg_error *e)
{
	json_t *args = json_array(), *o;
	char sentence[VG_ERROR_MSG_SIZE];
	const char *argv[VG_ERROR_MAX_ARGS];

	for (int i = 0; i < e->nargs && i < VG_ERROR_MAX_ARGS; i++) {
		argv[i] = e->args[i];
		json_array_append_new(args, json_string(e->args[i]));
	}
	vg_error_format(sentence, sizeof(sentence), e->msgid, argv, e->nargs);
	o = json_pack("{s:s, s:b, s:s, s:s, s:o}", "step", step, "ok", ok, "detail", sentence, "msgid", e->msgid,
		      "args", args);
	if (o && strlen(e->message) > strlen(sentence) + 3 && strncmp(e->message, sentence, strlen(sentence)) == 0) {
		const char *rest = e->message + strlen(sentence) + 2;

		json_object_set_new(o, "library", json_stringn(rest, strlen(rest) - 1));
	}
	json_array_append_new(job->steps, o);
	if (!ok)
		job->ok = false;
}

static void check_work(struct vg_job *vj, void *data)
{
	struct check_job *job = data;
	struct vg_http_conf conf = { 0 };
	struct vg_http_req *req;
	struct vg_error err = { 0 }, say;
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai = NULL;
	curl_off_t tcp = 0, tls = 0;
	char url[512], addr[64] = "";
	json_t *body;
	int g;

	(void)vj;
	job->ok = true;
	if (job->refused) {
		add_step(job, "configuration", false, &job->refusal);
		return;
	}
	if (job->proxy[0]) {
		vg_error_set(&say, 0, N_("resolved through the proxy"));
		add_step(job, "dns", true, &say);
	} else if ((g = getaddrinfo(job->host, job->port, &hints, &ai)) != 0) {
		vg_error_set(&say, -EHOSTUNREACH, N_("cannot resolve the name %s: check the name and this host's DNS"),
			     job->host);
		/* The resolver's own words, as the library's. */
		snprintf(say.message + strlen(say.message), sizeof(say.message) - strlen(say.message), " (%s)",
			 gai_strerror(g));
		add_step(job, "dns", false, &say);
		return;
	} else {
		getnameinfo(ai->ai_addr, ai->ai_addrlen, addr, sizeof(addr), NULL, 0, NI_NUMERICHOST);
		freeaddrinfo(ai);
		vg_error_set(&say, 0, "%s", addr);
		add_step(job, "dns", true, &say);
	}
	req = calloc(1, sizeof(*req));
	if (!req || !(req->easy = curl_easy_init())) {
		free(req);
		vg_error_set(&say, -ENOMEM, N_("out of memory"));
		add_step(job, "tcp", false, &say);
		return;
	}
	req->resp_max = 64 * 1024;
	conf.ca_file = job->pinned ? job->ca : NULL;
	conf.client_file = job->two_way ? job->client : NULL;
	conf.proxy = job->proxy[0] ? job->proxy : NULL;
	conf.proxy_user = job->proxy_user[0] ? job->proxy_user : NULL;
	conf.proxy_password = job->proxy_password;
	conf.noproxy = job->noproxy[0] ? job->noproxy : NULL;
	conf.connect_timeout_ms = job->connect_ms;
	conf.timeout_ms = job->timeout_ms;
	conf.low_speed_time_s = job->timeout_ms / 1000;
	snprintf(url, sizeof(url), "%s/api/v1/ping", job->url);
	vg_http_setup(req->easy, &conf, url, req);
	req->headers = curl_slist_append(NULL, job->agent_header);
	req->headers = curl_slist_append(req->headers, "Accept: application/json");
	curl_easy_setopt(req->easy, CURLOPT_HTTPHEADER, req->headers);
	req->code = curl_easy_perform(req->easy);
	curl_easy_getinfo(req->easy, CURLINFO_RESPONSE_CODE, &req->status);
	curl_easy_getinfo(req->easy, CURLINFO_HTTP_CONNECTCODE, &req->connect_code);
	curl_easy_getinfo(req->easy, CURLINFO_SSL_VERIFYRESULT, &req->verify_result);
	curl_easy_getinfo(req->easy, CURLINFO_CONNECT_TIME_T, &tcp);
	curl_easy_getinfo(req->easy, CURLINFO_APPCONNECT_TIME_T, &tls);
	vg_http_describe(req, job->server, job->pinned, &err);
	if (req->code == CURLE_COULDNT_CONNECT || req->code == CURLE_COULDNT_RESOLVE_HOST ||
	    req->code == CURLE_COULDNT_RESOLVE_PROXY || req->connect_code >= 300 ||
	    (req->code == CURLE_OPERATION_TIMEDOUT && !tcp)) {
		add_step(job, "tcp", false, &err);
		goto out;
	}
	if (job->proxy[0])
		vg_error_set(&say, 0, N_("connected through the proxy"));
	else
		vg_error_set(&say, 0, N_("connected"));
	add_step(job, "tcp", true, &say);
	if (req->code == CURLE_PEER_FAILED_VERIFICATION) {
		vg_error_set(&say, 0, N_("the handshake reached the certificate"));
		add_step(job, "tls", true, &say);
		add_step(job, "certificate", false, &err);
		goto out;
	}
	if (req->code == CURLE_SSL_CONNECT_ERROR || req->code == CURLE_SSL_CERTPROBLEM || req->code == CURLE_SSL_CIPHER ||
	    req->code == CURLE_SSL_CACERT_BADFILE || (req->code == CURLE_RECV_ERROR && strstr(req->errbuf, "alert")) ||
	    (req->code == CURLE_OPERATION_TIMEDOUT && !tls)) {
		add_step(job, "tls", false, &err);
		goto out;
	}
	vg_error_set(&say, 0, N_("TLS 1.2 or newer"));
	add_step(job, "tls", true, &say);
	if (job->pinned)
		vg_error_set(&say, 0, N_("matches the imported certificate"));
	else
		vg_error_set(&say, 0, N_("trusted by the system CAs"));
	add_step(job, "certificate", true, &say);
	if (req->code != CURLE_OK || req->status != 200) {
		add_step(job, "http", false, &err);
		goto out;
	}
	vg_error_set(&say, 0, "%s", "200");
	add_step(job, "http", true, &say);
	body = req->resp ? json_loadb(req->resp, req->resp_len, 0, NULL) : NULL;
	if (json_integer_value(json_object_get(body, "protocol")) == 1) {
		vg_error_set(&say, 0, "%s", "/api/v1");
		add_step(job, "protocol", true, &say);
	} else {
		vg_error_set(&say, -EPROTO, N_("the answer is not a Vigil /api/v1 ping"));
		add_step(job, "protocol", false, &say);
	}
	json_decref(body);
out:
	curl_easy_cleanup(req->easy);
	curl_slist_free_all(req->headers);
	free(req->resp);
	free(req);
}

static void check_done(struct vg_job *vj, void *data)
{
	struct check_job *job = data;

	(void)vj;
	if (job->agent->ctl)
		vg_ctl_server_reply(job->agent->ctl, job->conn_id, job->id,
				    json_pack("{s:s, s:b, s:o}", "server", job->server, "ok", job->ok, "steps", job->steps),
				    NULL);
	else
		json_decref(job->steps);
	free_password(job->proxy_password);
	free(job);
}

static int cmd_server_check(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result,
			    struct vg_error *err)
{
	struct vg_link *link = get_link(agent, err);
	const char *server = json_string_value(json_object_get(req->args, "server"));
	struct check_job *job;
	struct vg_link *cur;
	bool named_port;

	(void)result;
	if (!link)
		return err->code;
	job = calloc(1, sizeof(*job));
	/* The check reads the settings as they are now, on a copy: the live link is not touched. */
	cur = malloc(sizeof(*cur));
	if (!job || !cur) {
		free(job);
		free(cur);
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	}
	*cur = *link;
	cur->proxy_password = NULL;
	job->refused = vg_link_configure(cur, &job->refusal) < 0;
	if (!server)
		server = cur->nservers ? cur->servers[0] : NULL;
	if (!server || !server[0] || strlen(server) >= sizeof(job->server)) {
		free_password(cur->proxy_password);
		free(cur);
		free(job);
		return vg_error_set(err, -ENOENT, N_("no server is configured (vigilctl server add HOST[:PORT])"));
	}
	if (vg_hostport_parse(server, false, job->host, sizeof(job->host), job->port, sizeof(job->port)) < 0) {
		free_password(cur->proxy_password);
		free(cur);
		free(job);
		return vg_error_set(err, -EINVAL, N_("\"%s\" is not a server address (HOST, HOST:PORT or [IPv6]:PORT)"),
				    server);
	}
	job->agent = agent;
	/* The ping says who asks, like every request (doc/protocol.md). */
	snprintf(job->agent_header, sizeof(job->agent_header), "X-Vigil-Agent: %s", vg_agent_id(agent));
	job->conn_id = req->conn_id;
	job->id = req->id;
	snprintf(job->server, sizeof(job->server), "%s", server);
	named_port = job->port[0] != '\0';
	if (!named_port)
		snprintf(job->port, sizeof(job->port), "%lld", vg_setting_int(agent->settings, VG_S_LINK_PORT));
	snprintf(job->url, sizeof(job->url), "https://%s%s%s", server, named_port ? "" : ":", named_port ? "" : job->port);
	snprintf(job->ca, sizeof(job->ca), "%s", cur->server_cert);
	snprintf(job->client, sizeof(job->client), "%s", cur->client_cert);
	snprintf(job->proxy, sizeof(job->proxy), "%s", cur->proxy);
	snprintf(job->proxy_user, sizeof(job->proxy_user), "%s", cur->proxy_user);
	snprintf(job->noproxy, sizeof(job->noproxy), "%s", cur->noproxy);
	job->proxy_password = cur->proxy_password;
	job->pinned = cur->pinned;
	job->two_way = cur->two_way;
	job->connect_ms = cur->conf.connect_timeout_ms;
	job->timeout_ms = cur->conf.timeout_ms;
	free(cur);
	job->steps = json_array();
	if (!vg_workers_submit(agent->workers, check_work, check_done, job)) {
		json_decref(job->steps);
		free_password(job->proxy_password);
		free(job);
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	}
	return VG_CTL_DEFERRED;
}

/* ---- proxy ---- */

static json_t *proxy_info(struct vg_agent *agent)
{
	struct vg_link *link = agent->link;

	return json_pack("{s:s, s:s, s:s, s:b}", "url", vg_setting_str(agent->settings, VG_S_PROXY_URL), "user",
			 vg_setting_str(agent->settings, VG_S_PROXY_USER), "bypass",
			 vg_setting_list(agent->settings, VG_S_PROXY_BYPASS), "password",
			 link && access(link->proxy_password_file, F_OK) == 0);
}

static int cmd_proxy_set(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result, struct vg_error *err)
{
	struct vg_link *link = get_link(agent, err);
	const char *url = json_string_value(json_object_get(req->args, "url"));
	const char *user = json_string_value(json_object_get(req->args, "user"));
	const char *bypass = json_string_value(json_object_get(req->args, "bypass"));
	/* Without a password: keep the stored one (a form that never shows it back), or none. */
	bool keep = json_is_true(json_object_get(req->args, "keep_password"));
	char *pw = take_password(req->args);
	struct vg_setting_pair p[3];
	int r;

	if (!link || !url || !url[0]) {
		free_password(pw);
		return link ? vg_error_set(err, -EINVAL, N_("missing argument \"%s\""), "url") : err->code;
	}
	p[0] = (struct vg_setting_pair){ VG_SETTING_DEF(VG_S_PROXY_URL), url };
	p[1] = (struct vg_setting_pair){ VG_SETTING_DEF(VG_S_PROXY_USER), user ? user : "" };
	p[2] = (struct vg_setting_pair){ VG_SETTING_DEF(VG_S_PROXY_BYPASS), bypass ? bypass : "" };
	if ((pw && !user) ||
	    (!pw && keep && (!user || !user[0]) && access(link->proxy_password_file, F_OK) == 0)) {
		free_password(pw);
		return vg_error_set(err, -EINVAL, N_("a proxy password needs a user (--user)"));
	}
	/* Settings first (validated all together), then the password file. */
	if ((r = vg_settings_set(agent->settings, p, 3, req->peer->uid, err)) < 0) {
		free_password(pw);
		return r;
	}
	if (pw)
		r = vg_file_write_atomic(link->proxy_password_file, pw, strlen(pw), 0600, err);
	else if (!keep && unlink(link->proxy_password_file) < 0 && errno != ENOENT)
		r = vg_error_set(err, -errno, N_("cannot remove %s"), link->proxy_password_file);
	free_password(pw);
	if (r < 0)
		return r;
	link->generation++;
	vg_notice("link: proxy set by uid %u", (unsigned)req->peer->uid);
	*result = proxy_info(agent);
	return 0;
}

static int cmd_proxy_show(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result, struct vg_error *err)
{
	(void)req;
	(void)err;
	*result = proxy_info(agent);
	return 0;
}

static int cmd_proxy_clear(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result,
			   struct vg_error *err)
{
	struct vg_link *link = get_link(agent, err);
	const struct vg_setting_pair p[3] = {
		{ VG_SETTING_DEF(VG_S_PROXY_URL), "" },
		{ VG_SETTING_DEF(VG_S_PROXY_USER), "" },
		{ VG_SETTING_DEF(VG_S_PROXY_BYPASS), "" },
	};
	int r;

	if (!link)
		return err->code;
	if ((r = vg_settings_set(agent->settings, p, 3, req->peer->uid, err)) < 0)
		return r;
	if (unlink(link->proxy_password_file) < 0 && errno != ENOENT)
		return vg_error_set(err, -errno, N_("cannot remove %s"), link->proxy_password_file);
	link->generation++;
	*result = proxy_info(agent);
	return 0;
}

const struct vg_agent_command vg_link_commands[] = {
	{ VG_CMD_CERT_SERVER_IMPORT, cmd_cert_server_import },
	{ VG_CMD_CERT_SERVER_SHOW, cmd_cert_server_show },
	{ VG_CMD_CERT_SERVER_REMOVE, cmd_cert_server_remove },
	{ VG_CMD_CERT_CLIENT_IMPORT, cmd_cert_client_import },
	{ VG_CMD_CERT_CLIENT_SHOW, cmd_cert_client_show },
	{ VG_CMD_CERT_CLIENT_REMOVE, cmd_cert_client_remove },
	{ VG_CMD_SERVER_ADD, cmd_server_add },
	{ VG_CMD_SERVER_REMOVE, cmd_server_remove },
	{ VG_CMD_SERVER_LIST, cmd_server_list },
	{ VG_CMD_SERVER_CHECK, cmd_server_check },
	{ VG_CMD_PROXY_SET, cmd_proxy_set },
	{ VG_CMD_PROXY_SHOW, cmd_proxy_show },
	{ VG_CMD_PROXY_CLEAR, cmd_proxy_clear },
	{ VG_CMD_COUNT, NULL },
};
