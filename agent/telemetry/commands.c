/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Control commands of the telemetry family: views of the spool, live follow, statistics and
 * exclusions.  The spool is read with prepared statements only. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "agent.h"
#include "events.h"
#include "loop.h"
#include "nls.h"
#include "spooler.h"
#include "store.h"
#include "telemetry/audit.h"
#include "telemetry/exclusions.h"
#include "telemetry/queue.h"
#include "telemetry/telemetry.h"
#include "workers.h"
#include "vigil/error.h"

#define SHOW_DEFAULT_LIMIT 50
#define SHOW_MAX_LIMIT 10000
#define GREP_MAX 256

static struct vg_telemetry *tel_of(struct vg_agent *agent, struct vg_error *err)
{
	if (!agent->telemetry)
		vg_error_set(err, -ENODEV, N_("telemetry is not running"));
	return agent->telemetry;
}

/* The class filter of a type name: *cls is the class uid, or -1 for "other". */
static int type_class(const char *type, int *cls, struct vg_error *err)
{
	if (strcmp(type, "process") == 0)
		*cls = VG_OCSF_PROCESS_ACTIVITY;
	else if (strcmp(type, "network") == 0)
		*cls = VG_OCSF_NETWORK_ACTIVITY;
	else if (strcmp(type, "file") == 0)
		*cls = VG_OCSF_FILE_ACTIVITY;
	else if (strcmp(type, "other") == 0)
		*cls = -1;
	else
		return vg_error_set(err, -EINVAL, N_("unknown event type \"%s\" (process, network, file or other)"), type);
	return 0;
}

/* A view of the spool, read on a worker with a read-only connection of its own: a search
 * through a large spool must not hold the event loop. */
struct show_job {
	struct vg_agent *agent;
	uint64_t conn_id;
	json_int_t id;
	char db[PATH_MAX];
	int cls;
	json_int_t since, limit;
	char *grep;
	json_t *result;
	struct vg_error err;
};

static void show_work(struct vg_job *job, void *data)
{
	struct show_job *sj = data;
	struct vg_store *store = NULL;
	sqlite3 *db;
	sqlite3_stmt *st = NULL;
	json_t *list;
	int rc;

	(void)job;
	if (vg_store_open_reader(&store, sj->db, &sj->err) < 0)
		return;
	db = vg_store_db(store);
	/* Newest first with the limit, then reversed so that the newest comes last. */
	if (sqlite3_prepare_v2(db,
			       "SELECT event FROM spool_events WHERE time_ms >= ?1"
			       " AND (?2 = 0 OR (?2 > 0 AND class_uid = ?2)"
			       "  OR (?2 < 0 AND class_uid NOT IN (1001, 1007, 4001)))"
			       " AND (?3 IS NULL OR instr(event, ?3) > 0)"
			       " ORDER BY seq DESC LIMIT ?4", -1, &st, NULL) != SQLITE_OK) {
		vg_store_error(store, N_("reading events"), &sj->err);
		vg_store_close(store);
		return;
	}
	sqlite3_bind_int64(st, 1, sj->since);
	sqlite3_bind_int(st, 2, sj->cls);
	if (sj->grep)
		sqlite3_bind_text(st, 3, sj->grep, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, sj->limit);
	list = json_array();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *ev = json_loadb((const char *)sqlite3_column_text(st, 0), (size_t)sqlite3_column_bytes(st, 0),
					0, NULL);

		if (ev)
			json_array_insert_new(list, 0, ev);
	}
	if (rc != SQLITE_DONE) {
		vg_store_error(store, N_("reading events"), &sj->err);
		json_decref(list);
	} else {
		sj->result = list;
	}
	sqlite3_finalize(st);
	vg_store_close(store);
}

static void show_done(struct vg_job *job, void *data)
{
	struct show_job *sj = data;

	vg_agent_reply(sj->agent, sj->conn_id, sj->id, sj->result, &sj->err, vg_job_cancelled(job));
	free(sj->grep);
	free(sj);
}

static int cmd_show(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result, struct vg_error *err)
{
	const char *type = json_string_value(json_object_get(req->args, "type"));
	const char *grep = json_string_value(json_object_get(req->args, "grep"));
	json_t *jl = json_object_get(req->args, "limit"), *js = json_object_get(req->args, "since");
	json_int_t limit = jl ? json_integer_value(jl) : SHOW_DEFAULT_LIMIT;
	json_int_t since = js ? json_integer_value(js) : 0;
	struct show_job *sj;
	int cls = 0, r;

	(void)result;
	if ((jl && !json_is_integer(jl)) || limit < 1 || limit > SHOW_MAX_LIMIT)
		return vg_error_set(err, -EINVAL, N_("the limit must be a number from 1 to 10000"));
	if (js && !json_is_integer(js))
		return vg_error_set(err, -EINVAL, N_("the start time must be a number of milliseconds"));
	if (grep && (strlen(grep) == 0 || strlen(grep) > GREP_MAX))
		return vg_error_set(err, -EINVAL, N_("the search text must have 1 to 256 characters"));
	if (type && (r = type_class(type, &cls, err)) < 0)
		return r;
	sj = calloc(1, sizeof(*sj));
	if (!sj || (grep && !(sj->grep = strdup(grep)))) {
		free(sj);
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	}
	sj->agent = agent;
	sj->conn_id = req->conn_id;
	sj->id = req->id;
	snprintf(sj->db, sizeof(sj->db), "%s", vg_store_path(agent->store));
	sj->cls = cls;
	sj->since = since;
	sj->limit = limit;
	if (!vg_workers_submit(agent->workers, show_work, show_done, sj)) {
		free(sj->grep);
		free(sj);
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	}
	return VG_CTL_DEFERRED;
}

static int cmd_follow(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result, struct vg_error *err)
{
	int r;

	(void)agent;
	if ((r = vg_ctl_server_subscribe(req->server, req->conn_id, "events")) < 0)
		return vg_error_set(err, r, N_("cannot subscribe to the event stream"));
	*result = json_pack("{s:s}", "stream", "events");
	return 0;
}

/* The spool's statistics are read by the spool thread, which owns its connection. */
struct stats_call {
	struct vg_agent *agent;
	uint64_t conn_id;
	json_int_t id;
	int r;
	struct vg_spool_stats ss;
	struct vg_error err;
};

static void stats_work(struct vg_spool *spool, void *data)
{
	struct stats_call *sc = data;

	vg_error_clear(&sc->err);
	sc->r = vg_spool_stats(spool, &sc->ss, &sc->err);
}

static void stats_done(void *data)
{
	struct stats_call *sc = data;
	struct vg_agent *agent = sc->agent;
	const struct vg_spool_stats *ss = &sc->ss;
	json_t *st, *spool;

	if (!agent->ctl) {
		/* At shutdown: nobody waits for the answer. */
	} else if (sc->r < 0) {
		vg_ctl_server_reply(agent->ctl, sc->conn_id, sc->id, NULL, &sc->err);
	} else if (!agent->telemetry) {
		vg_error_set(&sc->err, -ENODEV, N_("telemetry is not running"));
		vg_ctl_server_reply(agent->ctl, sc->conn_id, sc->id, NULL, &sc->err);
	} else {
		st = vg_subsystem_telemetry.status(agent);
		spool = json_pack("{s:I, s:I, s:I, s:n, s:n, s:I, s:I}", "events", (json_int_t)ss->events, "pending",
				  (json_int_t)ss->pending, "bytes", (json_int_t)ss->bytes, "oldest", "oldest_pending",
				  "dropped", (json_int_t)ss->dropped, "last_seq", (json_int_t)ss->last_seq);
		vg_ctl_set_time(spool, "oldest", ss->oldest_ms);
		vg_ctl_set_time(spool, "oldest_pending", ss->oldest_pending_ms);
		json_object_set_new(st, "spool", spool);
		vg_ctl_server_reply(agent->ctl, sc->conn_id, sc->id, st, NULL);
	}
	free(sc);
}

static int cmd_stats(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result, struct vg_error *err)
{
	struct stats_call *sc;

	(void)result;
	if (!tel_of(agent, err))
		return -ENODEV;
	if (!(sc = calloc(1, sizeof(*sc))))
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	sc->agent = agent;
	sc->conn_id = req->conn_id;
	sc->id = req->id;
	if (vg_spooler_call(agent->spooler, stats_work, stats_done, sc) < 0) {
		free(sc);
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	}
	return VG_CTL_DEFERRED;
}

/* An exclusion naming a user waits for the user database on a worker, then is added here. */
struct user_job {
	struct vg_agent *agent;
	uint64_t conn_id;
	json_int_t id;
	json_t *rule;
	struct vg_error err;
};

static void user_work(struct vg_job *job, void *data)
{
	struct user_job *uj = data;

	(void)job;
	vg_tel_exclusion_user_check(json_string_value(json_object_get(uj->rule, "user")), &uj->err);
}

static void user_done(struct vg_job *job, void *data)
{
	struct user_job *uj = data;
	struct vg_telemetry *tel = uj->agent->telemetry;
	int64_t id;

	(void)job;
	if (!uj->err.code && !tel)
		vg_error_set(&uj->err, -ENODEV, N_("telemetry is not running"));
	if (!uj->err.code)
		vg_tel_exclusions_add(tel->excl, uj->rule, &id, &uj->err);
	if (uj->agent->ctl)
		vg_ctl_server_reply(uj->agent->ctl, uj->conn_id, uj->id,
				    uj->err.code ? NULL : json_pack("{s:I}", "id", (json_int_t)id),
				    uj->err.code ? &uj->err : NULL);
	json_decref(uj->rule);
	free(uj);
}

static int cmd_exclusion_add(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result,
			     struct vg_error *err)
{
	struct vg_telemetry *tel = tel_of(agent, err);
	const char *user = json_string_value(json_object_get(req->args, "user"));
	struct user_job *uj;
	int64_t id;
	int r;

	if (!tel)
		return -ENODEV;
	if (!user) {
		if ((r = vg_tel_exclusions_add(tel->excl, req->args, &id, err)) < 0)
			return r;
		*result = json_pack("{s:I}", "id", (json_int_t)id);
		return 0;
	}
	if (!(uj = calloc(1, sizeof(*uj))) || !(uj->rule = json_deep_copy(req->args))) {
		free(uj);
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	}
	uj->agent = agent;
	uj->conn_id = req->conn_id;
	uj->id = req->id;
	if (!vg_workers_submit(agent->workers, user_work, user_done, uj)) {
		json_decref(uj->rule);
		free(uj);
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	}
	return VG_CTL_DEFERRED;
}

static int cmd_exclusion_remove(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result,
				struct vg_error *err)
{
	struct vg_telemetry *tel = tel_of(agent, err);
	json_t *id = json_object_get(req->args, "id");
	int r;

	if (!tel)
		return -ENODEV;
	if (!json_is_integer(id))
		return vg_error_set(err, -EINVAL, N_("an exclusion number is needed"));
	if ((r = vg_tel_exclusions_remove(tel->excl, json_integer_value(id), err)) < 0)
		return r;
	*result = json_pack("{s:I}", "removed", json_integer_value(id));
	return 0;
}

static int cmd_exclusion_list(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result,
			      struct vg_error *err)
{
	struct vg_telemetry *tel = tel_of(agent, err);

	(void)req;
	if (!tel)
		return -ENODEV;
	*result = vg_tel_exclusions_list(tel->excl, err);
	return *result ? 0 : -EIO;
}

const struct vg_agent_command vg_telemetry_commands[] = {
	{ VG_CMD_TELEMETRY_SHOW, cmd_show },
	{ VG_CMD_TELEMETRY_FOLLOW, cmd_follow },
	{ VG_CMD_TELEMETRY_STATS, cmd_stats },
	{ VG_CMD_TELEMETRY_EXCLUSION_ADD, cmd_exclusion_add },
	{ VG_CMD_TELEMETRY_EXCLUSION_REMOVE, cmd_exclusion_remove },
	{ VG_CMD_TELEMETRY_EXCLUSION_LIST, cmd_exclusion_list },
	{ VG_CMD_COUNT, NULL },
};
