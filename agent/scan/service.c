/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The ioc subsystem's place in the agent: its settings, commands, start, stop and status.
 * ioc.check has documents parsed in the parser sandbox; ioc.scan runs a scan on a worker, publishes its progress on the
 * "ioc.progress" stream, answers when it ends, keeps the result in the database and emits
 * each hit as an OCSF Detection Finding; ioc.cancel stops it; ioc.results lists past scans.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "clock.h"
#include "isolation/isolation.h"
#include "tasks/journal.h"
#include "tasks/tasks.h"
#include "events.h"
#include "sandbox.h"
#include "scan/check.h"
#include "scan/report.h"
#include "scan/scan.h"
#include "scan/scan-settings.h"
#include "log.h"
#include "loop.h"
#include "nls.h"
#include "ocsf.h"
#include "settings.h"
#include "store.h"
#include "workers.h"

#define MAX_DOCUMENTS 64
#define MAX_PATHS 64
#define MAX_SKIPPED_LISTED 1000

VG_INT_SETTING(VG_S_IOC_HASH_LIMIT_MIB, .key = "ioc.hash_limit_mib", .def = "200", .min = 1, .max = 1048576,
	       .unit = "MiB", .help = N_("files larger than this are not hashed by IOC scans (each one is reported)"));
VG_INT_SETTING(VG_S_IOC_MAX_DOCUMENT_KIB, .key = "ioc.max_document_kib", .def = "1024", .min = 1, .max = 4096,
	       .unit = "KiB", .help = N_("largest OpenIOC document accepted"));
VG_BOOL_SETTING(VG_S_IOC_FILE_STRINGS, .key = "ioc.file_strings", .def = "no",
		.help = N_("evaluate FileItem/StringList/string by reading whole files (slow)"));
VG_INT_SETTING(VG_S_IOC_KEEP_SCANS, .key = "ioc.keep_scans", .def = "100", .min = 1, .max = 100000,
	       .help = N_("number of past IOC scans kept in the database"));

static const char *const setting_prefixes[] = { "ioc", NULL };
static const struct vg_setting_def *const setting_defs[] = {
	VG_SETTING_DEF(VG_S_IOC_HASH_LIMIT_MIB),
	VG_SETTING_DEF(VG_S_IOC_MAX_DOCUMENT_KIB),
	VG_SETTING_DEF(VG_S_IOC_FILE_STRINGS),
	VG_SETTING_DEF(VG_S_IOC_KEEP_SCANS),
	NULL,
};
static const struct vg_setting_table settings = { setting_prefixes, setting_defs };

struct scan_job;

/* ioc.check has up to 64 documents of several MiB parsed: on a worker, which waits for the
 * parser sandbox, with a reference to the request's documents (read there, never changed),
 * and the reply once it is done. */
struct check_job {
	struct vg_agent *agent;
	uint64_t conn_id;
	json_int_t id;
	json_t *docs;
	json_t *list;
	struct vg_sandbox_limits limits;    /* from the settings, read on the loop */
};

struct vg_ioc_service {
	struct vg_agent *agent;
	struct scan_job *running;
	uint64_t scans_run;
};

struct scan_job {
	struct vg_ioc_service *svc;         /* NULL once the subsystem stopped */
	long long id;
	uint64_t conn_id;
	json_int_t req_id;
	struct vg_ctl_server *ctl;
	struct vg_ioc_scan scan;
	json_t *docs;                       /* the request's documents, parsed in the parser sandbox */
	struct vg_sandbox *sandbox;
	struct vg_sandbox_limits limits;    /* from the settings, read on the loop */
	struct vg_scan_regex regex_ctx;     /* `matches` tests go to the sandbox too */
	struct vg_ioc_regex regex;
	struct vg_ioc **iocs;
	char **files;
	json_t *failed;                     /* reports of the documents not used */
	char **paths, **excludes;
	char *hint;
	atomic_bool cancel;
	int rc;
	struct vg_error err;
	struct vg_watch *timer;
	pthread_mutex_t lock;               /* guards snap, current, entered and entered_mask */
	struct vg_ioc_scan_stats snap;
	char current[512];
	/* Each phase the scan entered, as it was then, until the loop has published it: a phase
	 * shorter than a tick (counting a small tree) is still told to the clients. */
	struct vg_ioc_scan_stats entered[VG_IOC_PHASE_DONE + 1];
	unsigned entered_mask;
	int efd;                            /* the worker wakes the loop when a phase begins */
	struct vg_watch *efd_watch;
	json_t *skipped;                    /* filled by the worker, read after it */
	time_t started;
	int64_t started_ms;
	int action;                         /* index in actions[]: 0 skip */
	char openc2_id[VG_TASK_ID_MAX + 1]; /* the server's request this scan answers, "" when local */
	bool follow;                        /* the client asked for the progress stream */
};

static const struct vg_migration migrations[] = {
	{ 1, "CREATE TABLE ioc_scans (id INTEGER PRIMARY KEY AUTOINCREMENT, started INTEGER NOT NULL,"
	     " finished INTEGER, state TEXT NOT NULL, matched INTEGER NOT NULL DEFAULT 0, result TEXT);" },
};

static void job_free(struct scan_job *j)
{
	if (!j)
		return;
	vg_ioc_scan_release(&j->scan);
	for (size_t i = 0; i < j->scan.niocs; i++) {
		vg_ioc_free(j->iocs[i]);
		free(j->files[i]);
	}
	free(j->iocs);
	free(j->files);
	for (size_t i = 0; j->paths && i < j->scan.npaths; i++)
		free(j->paths[i]);
	for (size_t i = 0; j->excludes && i < j->scan.nexcludes; i++)
		free(j->excludes[i]);
	free(j->paths);
	free(j->excludes);
	free(j->hint);
	json_decref(j->docs);
	json_decref(j->failed);
	json_decref(j->skipped);
	vg_watch_remove(j->timer);
	vg_watch_remove(j->efd_watch);
	if (j->efd >= 0)
		close(j->efd);
	pthread_mutex_destroy(&j->lock);
	free(j);
}

/* Documents come as [{"file": NAME, "content": TEXT}], read by the client.  Checks the list's
 * shape and sizes only (quick, on the loop); parsing comes later, on a worker. */
static int check_documents(struct vg_agent *agent, json_t *args, struct vg_error *err)
{
	json_t *docs = json_object_get(args, "documents"), *d;
	size_t i;
	long long max = vg_setting_int(agent->settings, VG_S_IOC_MAX_DOCUMENT_KIB) * 1024;

	if (!json_is_array(docs) || json_array_size(docs) == 0)
		return vg_error_set(err, -EINVAL, N_("no OpenIOC document given"));
	if (json_array_size(docs) > MAX_DOCUMENTS)
		return vg_error_set(err, -E2BIG, N_("too many OpenIOC documents (at most %s)"), "64");
	json_array_foreach(docs, i, d) {
		const char *file = json_string_value(json_object_get(d, "file"));
		json_t *c = json_object_get(d, "content");
		if (!file || !json_is_string(c))
			return vg_error_set(err, -EINVAL, N_("each document needs a file name and a content"));
		if ((long long)json_string_length(c) > max) {
			char n[32];
			snprintf(n, sizeof(n), "%lld", max);
			return vg_error_set(err, -EFBIG, N_("%s is larger than the limit of %s bytes"), file, n);
		}
	}
	return 0;
}

/* Calls fn on each document of a list that check_documents accepted. */
static int each_document(const json_t *docs, int (*fn)(const char *file, const char *content, size_t len, void *data),
			 void *data)
{
	const json_t *d;
	size_t i;
	int r;

	json_array_foreach(docs, i, d) {
		const json_t *c = json_object_get(d, "content");

		if ((r = fn(json_string_value(json_object_get(d, "file")), json_string_value(c), json_string_length(c),
			    data)) < 0)
			return r;
	}
	return 0;
}

/* Each document in the parser sandbox: the agent itself parses none (doc/security.md). */
static int check_one(const char *file, const char *content, size_t len, void *data)
{
	struct check_job *cj = data;

	json_array_append_new(cj->list, vg_scan_check_sandboxed(cj->agent->sandbox, &cj->limits, file, content, len));
	return 0;
}


static void check_work(struct vg_job *job, void *data)
{
	struct check_job *cj = data;

	(void)job;
	each_document(cj->docs, check_one, cj);
}

static void check_done(struct vg_job *job, void *data)
{
	struct check_job *cj = data;
	struct vg_error err = { 0 };

	json_decref(cj->docs);
	if (vg_job_cancelled(job)) {
		json_decref(cj->list);
		cj->list = NULL;
	}
	vg_agent_reply(cj->agent, cj->conn_id, cj->id, cj->list ? json_pack("{s:o}", "documents", cj->list) : NULL, &err,
		       vg_job_cancelled(job));
	free(cj);
}

static int cmd_check(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result, struct vg_error *err)
{
	struct check_job *cj;
	int r;

	(void)result;
	if ((r = check_documents(agent, req->args, err)) < 0)
		return r;
	if (!(cj = calloc(1, sizeof(*cj))) || !(cj->list = json_array())) {
		free(cj);
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	}
	cj->agent = agent;
	cj->conn_id = req->conn_id;
	cj->id = req->id;
	cj->docs = json_incref(json_object_get(req->args, "documents"));
	vg_agent_sandbox_limits(agent, &cj->limits);
	if (!vg_workers_submit(agent->workers, check_work, check_done, cj)) {
		json_decref(cj->docs);
		json_decref(cj->list);
		free(cj);
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	}
	return VG_CTL_DEFERRED;
}

static int cmd_terms(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result, struct vg_error *err)
{
	static const char *const types[] = { "string", "int", "date", "duration", "bool", "hash", "IP" };
	json_t *list = json_array();
	(void)agent;
	(void)req;
	(void)err;
	for (size_t i = 0; i < vg_ioc_term_count(); i++) {
		const struct vg_ioc_term *t = vg_ioc_term_at(i);
		json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:b}", "term", t->search, "document",
						      vg_ioc_doc_name(t->doc), "type", types[t->type], "multi",
						      (t->flags & VG_IOC_TERM_MULTI) != 0));
	}
	*result = list;
	return 0;
}

struct add_ctx {
	struct scan_job *j;
	struct vg_error *err;
};

static int add_one(const char *file, const char *content, size_t len, void *data)
{
	struct add_ctx *a = data;
	struct scan_job *j = a->j;
	struct vg_ioc *ioc;
	struct vg_error e;
	vg_error_clear(&e);
	/* Parsed in the sandbox; what comes back is checked before it is a document here. */
	if (vg_scan_load_sandboxed(j->sandbox, &j->limits, file, content, len, &j->regex, &ioc, &e) < 0) {
		/* A document that does not load is an error before the scan (its message names it):
		 * a scan without it would look like a clean host. */
		*a->err = e;
		return e.code < 0 ? e.code : -EINVAL;
	}
	struct vg_ioc_info info;
	vg_ioc_get_info(ioc, &info);
	/* IOC ids must be unique in a scan: a duplicate is reported and skipped. */
	for (size_t i = 0; i < j->scan.niocs; i++) {
		struct vg_ioc_info o;
		vg_ioc_get_info(j->iocs[i], &o);
		if (info.id[0] && strcmp(o.id, info.id) == 0) {
			struct vg_error d;
			vg_error_set(&d, -EEXIST, N_("duplicate IOC id %s: this document is skipped"), info.id);
			json_array_append_new(j->failed, vg_scan_report_failed(file, info.id, d.message));
			vg_ioc_free(ioc);
			return 0;
		}
	}
	j->iocs[j->scan.niocs] = ioc;
	if (!(j->files[j->scan.niocs] = strdup(file))) {
		vg_ioc_free(ioc);
		return vg_error_set(a->err, -ENOMEM, N_("out of memory"));
	}
	j->scan.niocs++;
	return 0;
}

static int string_list(json_t *args, const char *key, char ***out, size_t *n, struct vg_error *err)
{
	json_t *a = json_object_get(args, key), *v;
	size_t i;
	*n = 0;
	if (!a)
		return 0;
	if (!json_is_array(a) || json_array_size(a) > MAX_PATHS)
		return vg_error_set(err, -EINVAL, N_("%s must be a list of at most %s paths"), key, "64");
	*out = calloc(json_array_size(a) + 1, sizeof(**out));
	if (!*out)
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	json_array_foreach(a, i, v) {
		const char *s = json_string_value(v);
		if (!s || s[0] != '/' || strlen(s) >= 4096)
			return vg_error_set(err, -EINVAL, N_("the path %s is not absolute"), s ? s : "");
		if (!((*out)[(*n)++] = strdup(s)))
			return vg_error_set(err, -ENOMEM, N_("out of memory"));
	}
	return 0;
}

static void on_progress(const struct vg_ioc_scan_stats *st, const char *current, void *data)
{
	struct scan_job *j = data;
	bool begins = false;
	uint64_t one = 1;

	pthread_mutex_lock(&j->lock);
	if (st->phase != j->snap.phase && st->phase <= VG_IOC_PHASE_DONE) {
		j->entered[st->phase] = *st;
		j->entered_mask |= 1u << st->phase;
		begins = true;
	}
	j->snap = *st;
	snprintf(j->current, sizeof(j->current), "%s", current ? current : "");
	pthread_mutex_unlock(&j->lock);
	if (begins && write(j->efd, &one, sizeof(one)) < 0) {
		/* The eventfd is full: the loop has a wake-up pending anyway. */
	}
}

static void on_skipped(const char *path, const char *why, void *data)
{
	struct scan_job *j = data;
	if (json_array_size(j->skipped) < MAX_SKIPPED_LISTED)
		json_array_append_new(j->skipped, json_pack("{s:s, s:s}", "path", path, "reason", why));
}

/* A progress message from stats (a copy taken under the lock). */
static json_t *stats_progress(struct scan_job *j, const struct vg_ioc_scan_stats *st, const char *current,
			      const char *state)
{
	json_t *o = vg_scan_report_stats(st);

	json_object_set_new(o, "current", json_string(current));
	json_object_set_new(o, "scan_id", json_integer(j->id));
	json_object_set_new(o, "state", json_string(state));
	json_object_set_new(o, "elapsed_ms", json_integer((json_int_t)(vg_time_ms() - j->started_ms)));
	return o;
}

static json_t *progress_json(struct scan_job *j, const char *state)
{
	struct vg_ioc_scan_stats st;
	char current[sizeof(j->current)];

	pthread_mutex_lock(&j->lock);
	st = j->snap;
	memcpy(current, j->current, sizeof(current));
	pthread_mutex_unlock(&j->lock);
	return stats_progress(j, &st, current, state);
}

/* Publishes each phase the worker entered since the last time, in order, as it was at its start:
 * before any later figure, so that the clients see the phases in the order they came. */
static void publish_phases(struct scan_job *j)
{
	struct vg_ioc_scan_stats entered[VG_IOC_PHASE_DONE + 1];
	unsigned mask;

	pthread_mutex_lock(&j->lock);
	mask = j->entered_mask;
	j->entered_mask = 0;
	memcpy(entered, j->entered, sizeof(entered));
	pthread_mutex_unlock(&j->lock);
	for (unsigned p = 0; j->svc && p <= VG_IOC_PHASE_DONE; p++)
		if (mask & (1u << p)) {
			json_t *o = stats_progress(j, &entered[p], "", "running");

			vg_ctl_server_publish(j->svc->agent->ctl, "ioc.progress", o);
			json_decref(o);
		}
}

static void progress_tick(struct vg_watch *w, int fd, uint32_t events, void *data)
{
	struct scan_job *j = data;
	(void)w;
	(void)fd;
	(void)events;
	if (!j->svc)
		return;
	publish_phases(j);
	json_t *o = progress_json(j, "running");
	vg_ctl_server_publish(j->svc->agent->ctl, "ioc.progress", o);
	json_decref(o);
}

/* The worker entered a phase: told at once rather than at the next tick. */
static void phase_begun(struct vg_watch *w, int fd, uint32_t events, void *data)
{
	uint64_t n;

	(void)w;
	(void)events;
	if (read(fd, &n, sizeof(n)) < 0) {
		/* EAGAIN: already read. */
	}
	publish_phases(data);
}

/* Before a scan exists, on a worker: the documents are parsed in the parser sandbox (up to 64
 * of several MiB each) and the paths looked at (the disk may be slow).  A document that does not load or a path that is
 * not there refuses the scan, naming it: a scan without them would look like a clean host. */
static void prepare_work(struct vg_job *job, void *data)
{
	struct scan_job *j = data;
	struct add_ctx a = { j, &j->err };
	struct stat st;

	(void)job;
	if ((j->rc = each_document(j->docs, add_one, &a)) < 0)
		return;
	for (size_t i = 0; i < j->scan.npaths; i++)
		if (lstat(j->paths[i], &st) < 0) {
			j->rc = vg_error_set(&j->err, -errno, N_("the path %s cannot be scanned: %s"), j->paths[i],
					     strerror(errno));
			return;
		}
}

static void scan_work(struct vg_job *job, void *data)
{
	struct scan_job *j = data;
	(void)job;
	j->rc = vg_ioc_scan_run(&j->scan, &j->err);
}

/* An "ADDR:PORT" or "[ADDR]:PORT" of a PortItem as an endpoint. */
static json_t *port_endpoint(const char *text)
{
	char ip[64];
	const char *colon = text ? strrchr(text, ':') : NULL;
	size_t len;

	if (!colon)
		return NULL;
	len = (size_t)(colon - text);
	if (len >= 2 && text[0] == '[' && text[len - 1] == ']') {
		text++;
		len -= 2;
	}
	if (len == 0 || len >= sizeof(ip))
		return NULL;
	memcpy(ip, text, len);
	ip[len] = '\0';
	return json_pack("{s:s, s:i}", "ip", ip, "port", atoi(colon + 1));
}

/* One match item as OCSF evidence: its OpenIOC document is the evidence's name, the object it
 * names (a file, a process, a socket's ends, the host, a user) the evidence itself; the rest of
 * what the item says is its data. */
static json_t *evidence_json(const json_t *item)
{
	const char *doc = json_string_value(json_object_get(item, "document"));
	const char *path = json_string_value(json_object_get(item, "path"));
	const json_t *pid = json_object_get(item, "pid");
	json_t *ev = json_pack("{s:s}", "name", doc ? doc : ""), *data = json_deep_copy(item);

	if (!ev)
		return NULL;
	json_object_del(data, "document");
	if (doc && strcmp(doc, "FileItem") == 0 && path) {
		json_object_set_new(ev, "file", vg_ocsf_file(path, VG_FILE_TYPE_REGULAR));
	} else if (doc && strcmp(doc, "ProcessItem") == 0 && json_is_integer(pid)) {
		json_object_set_new(ev, "process", json_pack("{s:O}", "pid", pid));
	} else if (doc && strcmp(doc, "PortItem") == 0) {
		json_t *local = port_endpoint(json_string_value(json_object_get(item, "local")));
		json_t *remote = port_endpoint(json_string_value(json_object_get(item, "remote")));

		if (local)
			json_object_set_new(ev, "src_endpoint", local);
		if (remote)
			json_object_set_new(ev, "dst_endpoint", remote);
	} else if (doc && strcmp(doc, "SystemInfoItem") == 0 && json_object_get(item, "hostname")) {
		json_object_set_new(ev, "device",
				    json_pack("{s:O, s:i, s:s}", "hostname", json_object_get(item, "hostname"),
					      "type_id", 0, "type", "Unknown"));
	} else if (doc && strcmp(doc, "UserItem") == 0 && json_object_get(item, "user")) {
		json_object_set_new(ev, "user", json_pack("{s:O}", "name", json_object_get(item, "user")));
	}
	/* What no evidence object holds (a group, a route, a module...), and the rest. */
	if (json_object_size(data) || json_object_size(ev) == 1)
		json_object_set_new(ev, "data", data);
	else
		json_decref(data);
	return ev;
}

/* Detection Findings (2004), one per matched indicator: the IOC is the analytic (a rule), the
 * matched items the evidences. */
static void emit_findings(struct vg_agent *agent, struct scan_job *j, json_t *ioc_result)
{
	const char *id = json_string_value(json_object_get(ioc_result, "id"));
	json_t *matches = json_object_get(ioc_result, "matches"), *m, *item;
	size_t i, k;
	json_array_foreach(matches, i, m) {
		char uid[160];
		snprintf(uid, sizeof(uid), "ioc-scan-%lld-%s-%zu", j->id, id ? id : "", i);
		const char *indicator = json_string_value(json_object_get(m, "indicator"));
		json_t *ev = vg_ocsf_event(VG_OCSF_DETECTION_FINDING, 1, "Create", vg_time_ms());
		json_t *evidences = json_array();
		if (!ev || !evidences) {
			json_decref(ev);
			json_decref(evidences);
			continue;
		}
		vg_ocsf_set_severity(ev, VG_SEVERITY_HIGH);
		json_object_set_new(ev, "status_id", json_integer(1));
		json_object_set_new(ev, "status", json_string("New"));
		json_object_set_new(ev, "is_alert", json_true());
		json_object_set_new(ev, "message", json_string(N_("OpenIOC indicator matched")));
		json_object_set_new(ev, "finding_info",
				    json_pack("{s:s, s:s, s:{s:s, s:i, s:s}, s:[s]}", "uid", uid, "title", id ? id : "",
					      "analytic", "name", indicator ? indicator : "",
					      "type_id", 1, "type", "Rule", "types", "OpenIOC"));
		json_array_foreach(json_object_get(m, "items"), k, item)
			json_array_append_new(evidences, evidence_json(item));
		json_object_set_new(ev, "evidences", evidences);
		json_object_update_new(json_object_get(ev, "unmapped"),
				       json_pack("{s:I, s:s?, s:s}", "scan_id", (json_int_t)j->id, "ioc_file",
						 json_string_value(json_object_get(ioc_result, "file")), "ioc_id",
						 id ? id : ""));
		vg_event_emit(agent, ev);
	}
}

static void store_result(struct vg_agent *agent, struct scan_job *j, const char *state, int matched, json_t *res)
{
	sqlite3 *db = vg_store_db(agent->store);
	sqlite3_stmt *st = NULL;
	char *text = json_dumps(res, JSON_COMPACT);
	if (sqlite3_prepare_v2(db, "UPDATE ioc_scans SET finished = ?, state = ?, matched = ?, result = ? WHERE id = ?",
			       -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, (sqlite3_int64)time(NULL));
		sqlite3_bind_text(st, 2, state, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 3, matched);
		sqlite3_bind_text(st, 4, text ? text : "{}", -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 5, j->id);
		if (sqlite3_step(st) != SQLITE_DONE)
			vg_warn("ioc: cannot store the result of scan %lld: %s", j->id, sqlite3_errmsg(db));
	}
	sqlite3_finalize(st);
	free(text);
	long long keep = vg_setting_int(agent->settings, VG_S_IOC_KEEP_SCANS);
	if (sqlite3_prepare_v2(db, "DELETE FROM ioc_scans WHERE id <= (SELECT max(id) FROM ioc_scans) - ?", -1, &st,
			       NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, keep);
		sqlite3_step(st);
	}
	sqlite3_finalize(st);
}

static const char *const actions[] = { "skip", "quarantine", "terminate", "isolate" };
enum { ACTION_SKIP, ACTION_QUARANTINE, ACTION_TERMINATE, ACTION_ISOLATE };

/* One response to a match, carried out by the tasks subsystem (its task id is recorded; the task's
 * outcome is in `vigilctl task show`) or by isolation.  The task carries what identified the
 * object when it matched — a file's device, inode and SHA-256, a process's start time and the
 * pidfd taken then — and acts only on that object. */
static json_t *act_on_match(struct vg_agent *agent, struct scan_job *j, const struct vg_ioc_match *m)
{
	const struct vg_ioc_identity *id = &m->identity;
	const char *label = m->label_key[0] && m->label[0] ? m->label[0] : NULL;
	struct vg_error err = { 0 };
	json_t *req, *out;
	const char *kind;
	int pidfd = -1;
	int64_t tid;

	if (j->action == ACTION_QUARANTINE && m->doc == VG_IOC_DOC_FILE && label) {
		kind = "delete-file";
		out = json_pack("{s:s, s:s}", "action", "quarantine", "path", label);
		req = json_pack("{s:s, s:b, s:I, s:I}", "path", label, "quarantine", 1, "dev", (json_int_t)id->dev,
				"inode", (json_int_t)id->ino);
		if (req && id->sha256[0])
			json_object_set_new(req, "sha256", json_string(id->sha256));
	} else if (j->action == ACTION_TERMINATE && m->doc == VG_IOC_DOC_PROCESS && label) {
		kind = "terminate";
		out = json_pack("{s:s, s:I}", "action", "terminate", "pid", (json_int_t)strtoll(label, NULL, 10));
		req = json_pack("{s:I, s:I}", "pid", (json_int_t)strtoll(label, NULL, 10), "start_time",
				(json_int_t)id->start_time);
		if (out)
			json_object_set_new(out, "start_time", json_integer((json_int_t)id->start_time));
	} else {
		return NULL;
	}
	if (!req || !out) {
		json_decref(req);
		json_decref(out);
		return NULL;
	}
	if (!id->known) {
		/* Gone, or unreadable, by the time it matched: there is nothing sure to act on. */
		vg_error_set(&err, -ESTALE, N_("the object could not be held when it matched; nothing was done"));
		json_object_set_new(out, "error", json_string(err.message));
		json_decref(req);
		return out;
	}
	if (id->pidfd >= 0 && (pidfd = fcntl(id->pidfd, F_DUPFD_CLOEXEC, 0)) < 0)
		vg_error_set(&err, -errno, N_("the process could not be held: %s"), strerror(errno));
	else if (vg_tasks_submit_held(agent, kind, "ioc", 0, req, pidfd, &tid, &err) == 0)
		err.message[0] = '\0';
	if (err.message[0]) {
		json_object_set_new(out, "error", json_string(err.message));
		vg_warn("ioc: scan %lld: %s failed: %s", j->id, kind, err.message);
	} else {
		json_object_set_new(out, "task_id", json_integer((json_int_t)tid));
		vg_notice("ioc: scan %lld: %s is task %lld", j->id, kind, (long long)tid);
	}
	json_decref(req);
	return out;
}

/* The scan's --action on its matches; what was done is listed in the result's "actions". */
static json_t *act_on_matches(struct vg_agent *agent, struct scan_job *j)
{
	json_t *done = json_array(), *a;
	bool any = false;

	for (size_t i = 0; j->scan.results && i < j->scan.niocs; i++) {
		if (j->scan.results[i] != VG_IOC_TRUE)
			continue;
		any = true;
		for (size_t k = 0; k < vg_ioc_eval_match_count(j->scan.evals[i]); k++)
			if ((a = act_on_match(agent, j, vg_ioc_eval_match(j->scan.evals[i], k))))
				json_array_append_new(done, a);
	}
	if (any && j->action == ACTION_ISOLATE) {
		struct vg_error err = { 0 };
		char reason[64];
		json_t *state = NULL;

		char scan_uid[32];

		snprintf(reason, sizeof(reason), "IOC scan %lld matched", j->id);
		snprintf(scan_uid, sizeof(scan_uid), "ioc-scan-%lld", j->id);
		a = json_pack("{s:s}", "action", "isolate");
		if (vg_isolation_set(agent, VG_ISO_BY_SCAN, true, reason, NULL, 0, scan_uid, &state, &err) < 0)
			json_object_set_new(a, "error", json_string(err.message));
		else
			json_object_set_new(a, "state", json_string("on"));
		json_decref(state);
		json_array_append_new(done, a);
	}
	return done;
}

static void scan_done(struct vg_job *job, void *data)
{
	struct scan_job *j = data;
	(void)job;
	if (!j->svc) {
		job_free(j);
		return;
	}
	struct vg_agent *agent = j->svc->agent;
	j->svc->running = NULL;
	const char *state = j->rc == 0 ? "done" : j->rc == -ECANCELED ? "cancelled" : "failed";
	json_t *iocs = json_array();
	int matched = 0;
	for (size_t i = 0; j->scan.results && i < j->scan.niocs; i++) {
		enum vg_ioc_truth t = j->rc == 0 || j->rc == -ECANCELED ? j->scan.results[i] : VG_IOC_UNKNOWN;
		json_t *r = vg_scan_report_eval(j->iocs[i], j->files[i], j->scan.evals[i], t);
		if (t == VG_IOC_TRUE) {
			matched++;
			emit_findings(agent, j, r);
		}
		json_array_append_new(iocs, r);
	}
	json_array_extend(iocs, j->failed);
	json_t *res = json_pack("{s:I, s:s, s:o, s:o, s:O}", "scan_id", (json_int_t)j->id, "state", state, "iocs", iocs,
				"stats", vg_scan_report_stats(&j->scan.stats), "skipped", j->skipped);
	if (j->rc < 0 && j->rc != -ECANCELED)
		json_object_set_new(res, "error", json_string(j->err.message));
	if (j->action != ACTION_SKIP && j->rc == 0) {
		json_object_set_new(res, "action", json_string(actions[j->action]));
		json_object_set_new(res, "actions", act_on_matches(agent, j));
	}
	store_result(agent, j, state, matched, res);
	/* The phases not told yet, then the end with the scan's final figures. */
	publish_phases(j);
	json_t *fin = stats_progress(j, &j->scan.stats, "", state);
	json_object_set_new(fin, "finished", json_true());
	vg_ctl_server_publish(agent->ctl, "ioc.progress", fin);
	json_decref(fin);
	vg_info("ioc: scan %lld %s, %d of %zu documents matched", j->id, state, matched, j->scan.niocs);
	if (j->openc2_id[0]) {
		/* The server's scan device: the result is the response to its request, under the
		 * agent's namespace (results.x-vigil). */
		json_t *ns = json_pack("{s:o}", "x-vigil", res);

		vg_tasks_answer_openc2(agent, j->openc2_id, j->rc == 0 ? 200 : 500, j->rc == 0 ? "OK" : state, ns);
		json_decref(ns);
	} else {
		vg_ctl_server_reply(agent->ctl, j->conn_id, j->req_id, res, NULL);
	}
	job_free(j);
}

/* The documents loaded and the paths are there: the scan begins, with its id. */
static int begin_scan(struct vg_agent *agent, struct scan_job *j, struct vg_error *err)
{
	j->started = time(NULL);
	j->started_ms = vg_time_ms();
	if ((j->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0 ||
	    !(j->efd_watch = vg_loop_watch(agent->loop, j->efd, EPOLLIN, phase_begun, j)))
		return vg_error_set(err, -ENOMEM, N_("out of memory"));

	sqlite3 *db = vg_store_db(agent->store);
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, "INSERT INTO ioc_scans (started, state) VALUES (?, 'running')", -1, &st, NULL) !=
		    SQLITE_OK ||
	    sqlite3_bind_int64(st, 1, (sqlite3_int64)j->started) != SQLITE_OK || sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_finalize(st);
		return vg_store_error(agent->store, "ioc scan", err);
	}
	sqlite3_finalize(st);
	j->id = (long long)sqlite3_last_insert_rowid(db);
	if (j->follow)
		vg_ctl_server_subscribe(agent->ctl, j->conn_id, "ioc.progress");
	j->timer = vg_loop_timer(agent->loop, 200, 500, progress_tick, j);
	/* The first progress message names the scan, so that the client can cancel it: the start,
	 * before any phase the worker enters. */
	json_t *o = stats_progress(j, &(struct vg_ioc_scan_stats){ .phase = VG_IOC_PHASE_START }, "", "running");
	vg_ctl_server_publish(agent->ctl, "ioc.progress", o);
	json_decref(o);
	if (!vg_workers_submit(agent->workers, scan_work, scan_done, j))
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	/* j is the scan's worker's now, until scan_done: the worker may have ended the scan already
	 * (a hint refused at once), and the loop touches j only under its lock or through its
	 * cancel flag meanwhile.  The test agent holds the loop here to show it. */
	agent->ioc->scans_run++;
	if (agent->test_pause)
		agent->test_pause("ioc-scan:handed");
	return 0;
}

static void prepare_done(struct vg_job *job, void *data)
{
	struct scan_job *j = data;
	struct vg_agent *agent;

	if (!j->svc) {
		/* The subsystem stopped meanwhile. */
		job_free(j);
		return;
	}
	agent = j->svc->agent;
	if (j->rc == 0 && (vg_job_cancelled(job) || atomic_load(&j->cancel)))
		j->rc = vg_error_set(&j->err, -ECANCELED, N_("the IOC scan was cancelled before it began"));
	if (j->rc == 0) {
		/* Not j->rc = begin_scan(): once begun, the scan's outcome is the worker's to write
		 * in j->rc, and it may be there before begin_scan returns. */
		int r = begin_scan(agent, j, &j->err);

		if (r == 0)
			return;
		j->rc = r;
	}
	j->svc->running = NULL;
	vg_warn("ioc: scan refused: %s", j->err.message);
	if (j->openc2_id[0]) {
		/* What was refused is the status text, as the profile says a refusal is told. */
		vg_tasks_answer_openc2(agent, j->openc2_id, j->rc == -ENOMEM ? 500 : 400, j->err.message, NULL);
	} else {
		vg_agent_reply(agent, j->conn_id, j->req_id, NULL, &j->err, false);
	}
	job_free(j);
}

static int start_scan(struct vg_agent *agent, json_t *args, struct vg_ctl_request *req, const char *openc2_id,
		      struct vg_error *err)
{
	struct vg_ioc_service *svc = agent->ioc;
	const char *action = json_string_value(json_object_get(args, "action"));
	size_t k = 0;
	int r;

	if (svc->running) {
		char n[32];
		snprintf(n, sizeof(n), "%lld", svc->running->id);
		return vg_error_set(err, -EBUSY, N_("an IOC scan is already running (scan %s)"), n);
	}
	if (action) {
		for (k = 0; k < sizeof(actions) / sizeof(actions[0]); k++)
			if (strcmp(action, actions[k]) == 0)
				break;
		if (k == sizeof(actions) / sizeof(actions[0]))
			return vg_error_set(err, -EINVAL, N_("unknown action %s (skip, quarantine, terminate or isolate)"),
					    action);
		/* Responses go through the tasks and isolation subsystems. */
		if ((k == ACTION_QUARANTINE || k == ACTION_TERMINATE) && !agent->tasks)
			return vg_error_set(err, -EAGAIN, N_("the tasks subsystem is not running"));
		if (k == ACTION_ISOLATE && !agent->isolation)
			return vg_error_set(err, -EAGAIN, N_("the isolation subsystem is not running"));
	}
	struct scan_job *j = calloc(1, sizeof(*j));
	if (!j)
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	pthread_mutex_init(&j->lock, NULL);
	j->efd = -1;
	j->action = (int)k;
	atomic_init(&j->cancel, false);
	j->failed = json_array();
	j->skipped = json_array();
	j->iocs = calloc(MAX_DOCUMENTS, sizeof(*j->iocs));
	j->files = calloc(MAX_DOCUMENTS, sizeof(*j->files));
	if (!j->failed || !j->skipped || !j->iocs || !j->files) {
		r = vg_error_set(err, -ENOMEM, N_("out of memory"));
		goto fail;
	}
	if ((r = check_documents(agent, args, err)) < 0)
		goto fail;
	j->docs = json_incref(json_object_get(args, "documents"));
	j->sandbox = agent->sandbox;
	vg_agent_sandbox_limits(agent, &j->limits);
	j->regex_ctx = (struct vg_scan_regex){ .sandbox = j->sandbox, .limits = j->limits };
	j->regex = (struct vg_ioc_regex){ .match = vg_scan_regex_sandboxed, .data = &j->regex_ctx };
	j->scan.hint_regex = j->regex;      /* the hint too: PCRE2 never runs in vigild for a scan */
	if ((r = string_list(args, "paths", &j->paths, &j->scan.npaths, err)) < 0 ||
	    (r = string_list(args, "excludes", &j->excludes, &j->scan.nexcludes, err)) < 0)
		goto fail;
	const char *hint = json_string_value(json_object_get(args, "hint"));
	if (hint && (strlen(hint) > 4096 || !(j->hint = strdup(hint)))) {
		r = vg_error_set(err, -EINVAL, N_("the hint is too long"));
		goto fail;
	}
	json_int_t hl = json_integer_value(json_object_get(args, "hash_limit"));
	j->scan.paths = (const char *const *)j->paths;
	j->scan.excludes = (const char *const *)j->excludes;
	j->scan.hint = j->hint;
	j->scan.no_files = json_is_true(json_object_get(args, "no_files"));
	j->scan.no_processes = json_is_true(json_object_get(args, "no_processes"));
	j->scan.no_ports = json_is_true(json_object_get(args, "no_ports"));
	j->scan.no_system = json_is_true(json_object_get(args, "no_system"));
	j->scan.containers = json_is_true(json_object_get(args, "containers"));
	j->scan.strings = json_is_true(json_object_get(args, "strings")) ||
			  vg_setting_bool(agent->settings, VG_S_IOC_FILE_STRINGS);
	j->scan.hash_limit = hl > 0 ? (uint64_t)hl
				    : (uint64_t)vg_setting_int(agent->settings, VG_S_IOC_HASH_LIMIT_MIB) << 20;
	j->scan.cancel = &j->cancel;
	j->scan.progress = on_progress;
	j->scan.skipped = on_skipped;
	j->scan.data = j;
	j->scan.iocs = j->iocs;
	/* An action needs to know what matched, to act on that and nothing else. */
	j->scan.identify = k == ACTION_QUARANTINE || k == ACTION_TERMINATE;
	if (req) {
		j->conn_id = req->conn_id;
		j->req_id = req->id;
		j->follow = json_is_true(json_object_get(args, "follow"));
	}
	if (openc2_id)
		snprintf(j->openc2_id, sizeof(j->openc2_id), "%s", openc2_id);
	j->svc = svc;       /* set before the worker has j: nothing of it is written here after */
	if (!vg_workers_submit(agent->workers, prepare_work, prepare_done, j)) {
		r = vg_error_set(err, -ENOMEM, N_("out of memory"));
		goto fail;
	}
	/* The scan is the one running from now on: a second one is refused while this one prepares. */
	svc->running = j;
	return VG_CTL_DEFERRED;
fail:
	job_free(j);
	return r;
}

static int cmd_scan(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result, struct vg_error *err)
{
	*result = NULL;
	return start_scan(agent, req->args, req, NULL, err);
}

int vg_ioc_scan_openc2(struct vg_agent *agent, const char *request_id, const char *document, const json_t *options,
		       struct vg_error *err)
{
	json_t *args;
	int r;

	if (!agent->ioc)
		return vg_error_set(err, -EAGAIN, N_("the IOC subsystem is not running"));
	args = json_is_object(options) ? json_deep_copy(options) : json_object();
	if (!args)
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	/* Only these options come from the server; the documents are the one given. */
	json_object_del(args, "documents");
	json_object_del(args, "follow");
	json_object_set_new(args, "documents", json_pack("[{s:s, s:s}]", "file", "openc2", "content", document));
	r = start_scan(agent, args, NULL, request_id, err);
	json_decref(args);
	return r == VG_CTL_DEFERRED ? 0 : r;
}

static int cmd_cancel(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result, struct vg_error *err)
{
	struct vg_ioc_service *svc = agent->ioc;
	json_t *id = json_object_get(req->args, "scan_id");
	if (!svc->running || (id && json_integer_value(id) != svc->running->id))
		return vg_error_set(err, -ENOENT, N_("no IOC scan is running"));
	atomic_store(&svc->running->cancel, true);
	*result = json_pack("{s:I, s:s}", "scan_id", (json_int_t)svc->running->id, "state", "cancelling");
	return 0;
}

/* A stored result may be large (every match, every skipped path): it is read and parsed on a
 * worker, on a read-only connection of the job's own. */
struct result_job {
	struct vg_agent *agent;
	uint64_t conn_id;
	json_int_t id;
	char db[PATH_MAX];
	json_int_t scan_id;
	json_t *result;
	struct vg_error err;
};

static void result_work(struct vg_job *job, void *data)
{
	struct result_job *rj = data;
	struct vg_store *store = NULL;
	sqlite3_stmt *st = NULL;
	char n[32];

	(void)job;
	if (vg_store_open_reader(&store, rj->db, &rj->err) < 0)
		return;
	if (sqlite3_prepare_v2(vg_store_db(store), "SELECT state, result FROM ioc_scans WHERE id = ?", -1, &st, NULL) !=
	    SQLITE_OK) {
		vg_store_error(store, "ioc results", &rj->err);
		vg_store_close(store);
		return;
	}
	sqlite3_bind_int64(st, 1, rj->scan_id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		snprintf(n, sizeof(n), "%lld", (long long)rj->scan_id);
		vg_error_set(&rj->err, -ENOENT, N_("no IOC scan %s"), n);
	} else {
		const char *text = (const char *)sqlite3_column_text(st, 1);

		rj->result = text ? json_loads(text, 0, NULL) : NULL;
		if (!rj->result)
			rj->result = json_pack("{s:I, s:s}", "scan_id", rj->scan_id, "state",
					       (const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	vg_store_close(store);
}

static void result_done(struct vg_job *job, void *data)
{
	struct result_job *rj = data;

	vg_agent_reply(rj->agent, rj->conn_id, rj->id, rj->result, &rj->err, vg_job_cancelled(job));
	free(rj);
}

static int cmd_results(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result, struct vg_error *err)
{
	sqlite3 *db = vg_store_db(agent->store);
	sqlite3_stmt *st = NULL;
	json_t *id = json_object_get(req->args, "scan_id");
	if (id) {
		struct result_job *rj = calloc(1, sizeof(*rj));

		if (!rj)
			return vg_error_set(err, -ENOMEM, N_("out of memory"));
		rj->agent = agent;
		rj->conn_id = req->conn_id;
		rj->id = req->id;
		rj->scan_id = json_integer_value(id);
		snprintf(rj->db, sizeof(rj->db), "%s", vg_store_path(agent->store));
		if (!vg_workers_submit(agent->workers, result_work, result_done, rj)) {
			free(rj);
			return vg_error_set(err, -ENOMEM, N_("out of memory"));
		}
		return VG_CTL_DEFERRED;
	}
	/* The list: a few small columns of at most 1000 rows. */
	json_t *list = json_array();
	if (sqlite3_prepare_v2(db, "SELECT id, started, finished, state, matched FROM ioc_scans ORDER BY id DESC LIMIT 1000",
			       -1, &st, NULL) != SQLITE_OK) {
		json_decref(list);
		return vg_store_error(agent->store, "ioc results", err);
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_t *o = json_pack("{s:I, s:n, s:n, s:s, s:i}", "scan_id", (json_int_t)sqlite3_column_int64(st, 0),
				      "started", "finished", "state", (const char *)sqlite3_column_text(st, 3), "matched",
				      sqlite3_column_int(st, 4));

		vg_ctl_set_time(o, "started", (int64_t)sqlite3_column_int64(st, 1) * 1000);
		vg_ctl_set_time(o, "finished", (int64_t)sqlite3_column_int64(st, 2) * 1000);
		json_array_append_new(list, o);
	}
	sqlite3_finalize(st);
	*result = list;
	return 0;
}

static int ioc_start(struct vg_agent *agent, struct vg_error *err)
{
	int r;
	if ((r = vg_store_migrate(agent->store, "ioc", migrations, sizeof(migrations) / sizeof(migrations[0]), err)) < 0)
		return r;
	/* A scan that was running when the agent stopped never finished. */
	sqlite3_exec(vg_store_db(agent->store), "UPDATE ioc_scans SET state = 'interrupted' WHERE state = 'running'",
		     NULL, NULL, NULL);
	agent->ioc = calloc(1, sizeof(*agent->ioc));
	if (!agent->ioc)
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	agent->ioc->agent = agent;
	return 0;
}

static void ioc_stop(struct vg_agent *agent)
{
	struct vg_ioc_service *svc = agent->ioc;
	if (!svc)
		return;
	if (svc->running) {
		/* The worker finishes on its own; its done function then only frees. */
		atomic_store(&svc->running->cancel, true);
		vg_watch_remove(svc->running->timer);
		svc->running->timer = NULL;
		vg_watch_remove(svc->running->efd_watch);
		svc->running->efd_watch = NULL;
		svc->running->svc = NULL;
	}
	free(svc);
	agent->ioc = NULL;
}

static json_t *ioc_status(struct vg_agent *agent)
{
	struct vg_ioc_service *svc = agent->ioc;
	json_t *o = json_pack("{s:b, s:I, s:I}", "available", 1, "terms", (json_int_t)vg_ioc_term_count(), "scans_run",
			      (json_int_t)(svc ? svc->scans_run : 0));
	if (svc && svc->running && svc->running->id)
		json_object_set_new(o, "running_scan", json_integer(svc->running->id));
	if (agent->sandbox)
		json_object_set_new(o, "sandbox", vg_sandbox_status(agent->sandbox));
	return o;
}

static const struct vg_agent_command commands[] = {
	{ VG_CMD_IOC_CHECK, cmd_check },
	{ VG_CMD_IOC_TERMS, cmd_terms },
	{ VG_CMD_IOC_SCAN, cmd_scan },
	{ VG_CMD_IOC_CANCEL, cmd_cancel },
	{ VG_CMD_IOC_RESULTS, cmd_results },
	{ VG_CMD_COUNT, NULL },
};

const struct vg_subsystem vg_subsystem_ioc = {
	.name = "ioc",
	.start = ioc_start,
	.stop = ioc_stop,
	.status = ioc_status,
	.commands = commands,
	.settings = &settings,
};
