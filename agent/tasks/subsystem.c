/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The tasks subsystem: response tasks (get file, delete file, run, terminate, quarantine
 * restore and purge) with an id each, queued → running → one final state, run on the
 * agent's workers so that the loop never waits, and reported as OCSF Remediation events.
 *
 * Every state change goes through task_transition(): the one place where the task journal
 * records it.  Requests from the server (OpenC2) enter through vg_tasks_submit like the
 * control commands do.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent.h"
#include "events.h"
#include "log.h"
#include "loop.h"
#include "nls.h"
#include "settings.h"
#include "store.h"
#include "tasks/executors.h"
#include "tasks/journal.h"
#include "tasks/tasks.h"
#include "tasks/tasks-settings.h"
#include "vigil/error.h"
#include "workers.h"

/* Tasks run on threads of their own: a run may last hours, and must not starve the agent's
 * shared workers (scans, uploads).  At most this many tasks run at once; others queue. */
#define TASK_THREADS 4
#define KEEP_FINISHED 1000    /* finished tasks kept in memory for task.list / task.show */
#define MAX_WAIT_MS 25000     /* a client's call times out after 30 s: answer before */
#define MAX_LIST 10000
/* Replies stay small: a run's output (up to 1 MiB each, and JSON escapes may grow it) travels
 * in pieces of this size; the rest is read with task.output. */
#define REPLY_OUTPUT_MAX (64 * 1024)
#define LIST_BYTES_MAX (768 * 1024) /* task.list stops before its reply would be too large */

enum task_state {
	ST_QUEUED,
	ST_RUNNING,
	ST_SUCCEEDED,
	ST_FAILED,
	ST_REFUSED,
	ST_CANCELLED,
	ST_TIMED_OUT,
	ST_INTERRUPTED,
};

static const char *const state_names[] = { "queued", "running", "succeeded", "failed", "refused",
					   "cancelled", "timed_out", "interrupted" };

struct task_kind {
	const char *name;
	enum vg_cmd cmd;      /* the control command that submits it */
	vg_task_fn fn;
	int ocsf_class;
	int activity_id;      /* OCSF remediation: 1 isolate, 2 evict, 3 restore, 99 other */
};

static const struct task_kind kinds[] = {
	{ "get-file", VG_CMD_TASK_GET_FILE, vg_task_get_file, VG_OCSF_FILE_REMEDIATION, 99 },
	{ "delete-file", VG_CMD_TASK_DELETE_FILE, vg_task_delete_file, VG_OCSF_FILE_REMEDIATION, 2 },
	{ "run", VG_CMD_TASK_RUN, vg_task_run, VG_OCSF_PROCESS_REMEDIATION, 99 },
	{ "terminate", VG_CMD_TASK_TERMINATE, vg_task_terminate, VG_OCSF_PROCESS_REMEDIATION, 2 },
	{ "quarantine-restore", VG_CMD_QUARANTINE_RESTORE, vg_task_quarantine_restore, VG_OCSF_FILE_REMEDIATION, 3 },
	{ "quarantine-purge", VG_CMD_QUARANTINE_PURGE, vg_task_quarantine_purge, VG_OCSF_FILE_REMEDIATION, 2 },
};

struct waiter {
	struct vg_tasks *tasks;
	struct task *task;
	uint64_t conn_id;
	json_int_t req_id;
	struct vg_watch *timer;
	struct waiter *next;
};

struct task {
	struct vg_tasks *owner;
	int64_t id;
	const struct task_kind *kind;
	char source[16];
	uid_t uid;
	json_t *request;
	enum task_state state;
	json_t *result;
	struct vg_error err;
	int64_t created, started, ended;   /* ms since the epoch */
	struct vg_job *job;
	atomic_bool cancel;
	atomic_int phase;                  /* PHASE_*: who came first, the worker or a cancel */
	int rc;
	struct vg_task_ctx ctx;
	struct waiter *waiters;
	char openc2_id[VG_TASK_ID_MAX + 1]; /* the server's request this task answers, "" when local */
	struct task *next;                 /* newest first */
};

enum { PHASE_QUEUED, PHASE_BEGAN, PHASE_CANCELLED };

#define JOURNAL_SERVER_TASK "server-task"  /* journal source of a task run for an OpenC2 command */

struct vg_tasks {
	struct vg_agent *agent;
	struct vg_task_self self;
	struct task *list;
	size_t count, active;
	int64_t next_id;
	int efd;                           /* workers tell the loop a task began */
	struct vg_watch *efd_watch;
	struct vg_workers *pool;           /* the tasks' own threads (see TASK_THREADS) */
	uint64_t counts[ST_INTERRUPTED + 1];
	struct vg_journal *journal;        /* every task, across restarts (ids come from it) */
};

/* A user name as useradd accepts it, or a uid; whether it exists is checked when a task runs. */
static int validate_user(const char *value, struct vg_error *err)
{
	size_t n = strlen(value);

	if (n == 0 || n > 32 || strspn(value, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != n ||
	    value[0] == '-')
		return vg_error_set(err, -EINVAL, N_("\"%s\" is not a user name or number"), value);
	return 0;
}

VG_INT_SETTING(VG_S_TASKS_GET_FILE_MAX_MB, .key = "tasks.get_file_max_mb", .def = "100", .min = 1, .max = 16384,
	       .unit = "MiB", .help = N_("Largest file that get-file collects and that a quarantine copies"));
VG_STR_SETTING(VG_S_TASKS_RUN_DEFAULT_USER, .key = "tasks.run_default_user", .def = "root",
	       .help = N_("User that runs a process when the task names none"), .validate = validate_user);
VG_INT_SETTING(VG_S_TASKS_RUN_DEFAULT_TIMEOUT, .key = "tasks.run_default_timeout", .def = "600", .min = 1,
	       .max = 86400, .unit = "seconds", .help = N_("Time a run task may take when the task sets no timeout"));
VG_INT_SETTING(VG_S_TASKS_TERMINATE_GRACE_SECONDS, .key = "tasks.terminate_grace_seconds", .def = "5", .min = 0,
	       .max = 300, .unit = "seconds",
	       .help = N_("Time between SIGTERM and SIGKILL when a task terminates a process"));

static const char *const setting_prefixes[] = { "tasks", NULL };
static const struct vg_setting_def *const setting_defs[] = {
	VG_SETTING_DEF(VG_S_TASKS_GET_FILE_MAX_MB),
	VG_SETTING_DEF(VG_S_TASKS_RUN_DEFAULT_USER),
	VG_SETTING_DEF(VG_S_TASKS_RUN_DEFAULT_TIMEOUT),
	VG_SETTING_DEF(VG_S_TASKS_TERMINATE_GRACE_SECONDS),
	NULL,
};
static const struct vg_setting_table settings = { setting_prefixes, setting_defs };

static bool final_state(enum task_state s)
{
	return s >= ST_SUCCEEDED;
}

/* The length of s cut to at most max bytes, on a UTF-8 character boundary. */
static size_t utf8_cut(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return max;
}

/* Keeps the first REPLY_OUTPUT_MAX bytes of stdout and stderr, marking what was left out. */
static void trim_output(json_t *result)
{
	static const char *const streams[] = { "stdout", "stderr" };

	for (size_t i = 0; i < 2; i++) {
		json_t *v = json_object_get(result, streams[i]);
		char key[32];
		size_t len, cut;

		if (!json_is_string(v) || (len = json_string_length(v)) <= REPLY_OUTPUT_MAX)
			continue;
		cut = utf8_cut(json_string_value(v), len, REPLY_OUTPUT_MAX);
		snprintf(key, sizeof(key), "%s_size", streams[i]);
		json_object_set_new(result, key, json_integer((json_int_t)len));
		json_object_set_new(result, streams[i], json_stringn(json_string_value(v), cut));
	}
}

static json_t *task_json(const struct task *t)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:i, s:O, s:I}", "id", (json_int_t)t->id, "kind", t->kind->name,
			      "source", t->source, "state", state_names[t->state], "uid", (int)t->uid,
			      "request", t->request, "created", (json_int_t)t->created);
	json_t *result = t->result ? json_deep_copy(t->result) : NULL;

	if (!o)
		return NULL;
	json_object_set_new(o, "started", t->started ? json_integer(t->started) : json_null());
	json_object_set_new(o, "ended", t->ended ? json_integer(t->ended) : json_null());
	if (final_state(t->state) && t->state != ST_SUCCEEDED) {
		if (!result)
			result = json_object();
		json_object_set_new(result, "error", json_string(t->err.message));
		json_object_set_new(o, "error", vg_ctl_error_json(&t->err));
	}
	if (result)
		trim_output(result);
	json_object_set_new(o, "result", result ? result : json_null());
	return o;
}

static void reply_waiter(struct waiter *w)
{
	struct vg_ctl_server *srv = w->tasks->agent->ctl;

	if (srv)
		vg_ctl_server_reply(srv, w->conn_id, w->req_id, task_json(w->task), NULL);
	vg_watch_remove(w->timer);
	free(w);
}

/* OCSF Remediation Activity: one event per task (per process for terminate). */
static void emit_event(struct vg_tasks *tasks, const struct task *t, const json_t *pid_entry)
{
	const json_t *res = t->result;
	int activity = t->kind->activity_id;
	json_t *ev, *unmapped;

	if (strcmp(t->kind->name, "delete-file") == 0 && json_is_true(json_object_get(t->request, "quarantine")))
		activity = 1;
	ev = json_pack("{s:i, s:i, s:i, s:i, s:i, s:s, s:s}", "class_uid", t->kind->ocsf_class, "category_uid", 7,
		       "activity_id", activity, "type_uid", t->kind->ocsf_class * 100 + activity,
		       "status_id", t->state == ST_SUCCEEDED ? 1 : 2, "status", state_names[t->state],
		       "command_uid", "");
	if (!ev)
		return;
	json_object_set_new(ev, "command_uid", json_sprintf("%" PRId64, t->id));
	if (t->state != ST_SUCCEEDED)
		json_object_set_new(ev, "status_detail", json_string(t->err.message));
	if (t->kind->ocsf_class == VG_OCSF_FILE_REMEDIATION) {
		const char *path = json_string_value(json_object_get(res, "path"));
		json_t *file = json_object(), *hashes = json_array();

		if (!path)
			path = json_string_value(json_object_get(t->request, "path"));
		if (path) {
			const char *slash = strrchr(path, '/');

			json_object_set_new(file, "path", json_string(path));
			json_object_set_new(file, "name", json_string(slash ? slash + 1 : path));
		}
		if (json_is_integer(json_object_get(res, "size")))
			json_object_set(file, "size", json_object_get(res, "size"));
		if (json_is_string(json_object_get(res, "md5")))
			json_array_append_new(hashes, json_pack("{s:i, s:O}", "algorithm_id", 1, "value",
								json_object_get(res, "md5")));
		if (json_is_string(json_object_get(res, "sha256")))
			json_array_append_new(hashes, json_pack("{s:i, s:O}", "algorithm_id", 3, "value",
								json_object_get(res, "sha256")));
		json_object_set_new(file, "hashes", hashes);
		json_object_set_new(ev, "file", file);
	} else {
		json_t *proc = json_object();
		const json_t *pid = pid_entry ? json_object_get(pid_entry, "pid") : json_object_get(res, "pid");
		const char *exe = pid_entry ? json_string_value(json_object_get(pid_entry, "exe"))
					    : json_string_value(json_object_get(t->request, "exe"));

		if (json_is_integer(pid))
			json_object_set(proc, "pid", (json_t *)pid);
		if (exe && exe[0])
			json_object_set_new(proc, "file", json_pack("{s:s}", "path", exe));
		json_object_set_new(ev, "process", proc);
		if (pid_entry) {
			const char *outcome = json_string_value(json_object_get(pid_entry, "result"));
			bool ok = outcome && (strcmp(outcome, "terminated") == 0 || strcmp(outcome, "killed") == 0);

			json_object_set_new(ev, "status_id", json_integer(ok ? 1 : 2));
		}
	}
	unmapped = json_pack("{s:s, s:s}", "task_kind", t->kind->name, "source", t->source);
	if (pid_entry)
		json_object_set(unmapped, "pid_result", (json_t *)pid_entry);
	json_object_set_new(ev, "unmapped", unmapped);
	vg_event_emit(tasks->agent, ev);
}

/* OpenC2 status of a task's end: 200 done, 404 its target does not exist, 400 refused (it would
 * harm the host, or a check such as the SHA-256 did not match), 500 it failed while running. */
static int openc2_status(const struct task *t)
{
	if (t->state == ST_SUCCEEDED)
		return 200;
	if (t->err.code == -ENOENT || t->err.code == -ESRCH)
		return 404;
	if (t->state == ST_REFUSED || t->err.code == -EINVAL)
		return 400;
	return 500;
}

/* A server's task ended: its OpenC2 response goes into the journal entry of the request, which
 * the link reports (lib/link/link.c, send_response). */
static void answer_openc2(struct vg_tasks *tasks, const struct task *t, const json_t *result)
{
	struct vg_error err = { 0 };
	int status = openc2_status(t);
	json_t *resp, *copy = json_is_object(result) ? json_copy((json_t *)result) : NULL;

	/* The server reads status_text; the error's translation details stay in the journal. */
	if (copy) {
		json_object_del(copy, "error_detail");
		result = copy;
	}
	resp = json_pack("{s:i, s:s, s:{s:{s:I, s:s, s:s, s:O}}}", "status", status, "status_text",
			 status == 200 ? "OK" : t->err.message, "results", "x-vigil", "task_id", (json_int_t)t->id,
			 "task_kind", t->kind->name, "state", state_names[t->state], "result",
			 result ? result : json_null());
	if (!resp || vg_journal_set_state(tasks->journal, t->openc2_id,
					  status == 200 ? VG_TASK_SUCCEEDED : t->state == ST_FAILED || status == 500
					  ? VG_TASK_FAILED : VG_TASK_REFUSED, resp, &err) < 0)
		vg_warn("task %" PRId64 ": cannot record the answer to request %s: %s", t->id, t->openc2_id,
			resp ? err.message : "out of memory");
	json_decref(resp);
	json_decref(copy);
}

int vg_tasks_answer_openc2(struct vg_agent *agent, const char *request_id, int status, const char *text,
			   const json_t *results)
{
	struct vg_error err = { 0 };
	json_t *resp;
	int r;

	if (!agent->tasks || !agent->tasks->journal)
		return -EAGAIN;
	resp = json_pack("{s:i, s:s}", "status", status, "status_text", text);
	if (resp && results)
		json_object_set(resp, "results", (json_t *)results);
	r = resp ? vg_journal_set_state(agent->tasks->journal, request_id,
					 status == 200 ? VG_TASK_SUCCEEDED : status >= 500 ? VG_TASK_FAILED : VG_TASK_REFUSED,
					 resp, &err)
		 : -ENOMEM;
	if (r < 0)
		vg_warn("cannot record the answer to request %s: %s", request_id, resp ? err.message : "out of memory");
	json_decref(resp);
	return r;
}

/* Writes the task's new state (a final one with its result and error) to the journal.  The
 * queued state was written when the id was taken (task_new_id). */
static void journal_record(struct vg_tasks *tasks, const struct task *t)
{
	struct vg_error err = { 0 };
	json_t *o, *result;
	char id[32];

	if (!tasks->journal || t->state == ST_QUEUED)
		return;
	snprintf(id, sizeof(id), "%" PRId64, t->id);
	o = final_state(t->state) ? task_json(t) : NULL;
	result = o ? json_object_get(o, "result") : NULL;
	/* The error with its id and arguments, so that a task read back is shown translated. */
	if (json_is_object(result) && json_object_get(o, "error"))
		json_object_set(result, "error_detail", json_object_get(o, "error"));
	if (json_is_object(result)) {
		/* The whole output, not the piece a reply carries. */
		json_object_set(result, "stdout", json_object_get(t->result, "stdout"));
		json_object_set(result, "stderr", json_object_get(t->result, "stderr"));
		json_object_del(result, "stdout_size");
		json_object_del(result, "stderr_size");
		if (!json_object_get(result, "stdout") || json_is_null(json_object_get(result, "stdout")))
			json_object_del(result, "stdout");
		if (!json_object_get(result, "stderr") || json_is_null(json_object_get(result, "stderr")))
			json_object_del(result, "stderr");
	}
	if (vg_journal_set_state(tasks->journal, id, (enum vg_task_state)t->state, result, &err) < 0)
		vg_warn("task %s: cannot record it in the task journal: %s", id, err.message);
	if (t->openc2_id[0] && final_state(t->state))
		answer_openc2(tasks, t, result);
	json_decref(o);
}

/*
 * The one place where a task changes state.  The journal (lib/tasks/journal.c) records the
 * transition here, before anything else sees it: queued is written before the task runs,
 * and a final state with its result.
 */
static void task_transition(struct vg_tasks *tasks, struct task *t, enum task_state to)
{
	enum task_state from = t->state;
	json_t *j;

	t->state = to;
	if (to == ST_RUNNING)
		t->started = vg_time_ms();
	if (final_state(to))
		t->ended = vg_time_ms();
	tasks->counts[to]++;
	journal_record(tasks, t);
	if (final_state(to)) {
		vg_info("task %" PRId64 " (%s) %s%s%s", t->id, t->kind->name, state_names[to],
			to == ST_SUCCEEDED ? "" : ": ", to == ST_SUCCEEDED ? "" : t->err.message);
	} else {
		vg_debug("task %" PRId64 " (%s) %s%s%s", t->id, t->kind->name, from == to ? "" : state_names[from],
			 from == to ? "" : " -> ", state_names[to]);
	}
	/* Subscribers get the change, not the (possibly large) request and result. */
	if (tasks->agent->ctl && (j = json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)t->id, "kind", t->kind->name,
						  "source", t->source, "state", state_names[t->state]))) {
		vg_ctl_server_publish(tasks->agent->ctl, "tasks", j);
		json_decref(j);
	}
	if (!final_state(to))
		return;
	if (t->kind->ocsf_class == VG_OCSF_PROCESS_REMEDIATION && strcmp(t->kind->name, "terminate") == 0 &&
	    json_array_size(json_object_get(t->result, "pids"))) {
		size_t i;
		json_t *e;

		json_array_foreach(json_object_get(t->result, "pids"), i, e)
			emit_event(tasks, t, e);
	} else {
		emit_event(tasks, t, NULL);
	}
	while (t->waiters) {
		struct waiter *w = t->waiters;

		t->waiters = w->next;
		reply_waiter(w);
	}
}

static void task_free(struct task *t)
{
	while (t->waiters) {
		struct waiter *w = t->waiters;

		t->waiters = w->next;
		vg_watch_remove(w->timer);
		free(w);
	}
	json_decref(t->request);
	json_decref(t->result);
	free(t);
}

/* Keeps at most KEEP_FINISHED finished tasks, forgetting the oldest. */
static void prune(struct vg_tasks *tasks)
{
	size_t finished = 0;

	for (struct task **p = &tasks->list; *p;) {
		struct task *t = *p;

		/* A task whose job is still in the pool stays: its done function will look at it. */
		if (final_state(t->state) && !t->job && ++finished > KEEP_FINISHED) {
			*p = t->next;
			tasks->count--;
			task_free(t);
			continue;
		}
		p = &t->next;
	}
}

static void tasks_free(struct vg_tasks *tasks)
{
	vg_workers_free(tasks->pool);
	while (tasks->list) {
		struct task *t = tasks->list;

		tasks->list = t->next;
		task_free(t);
	}
	vg_watch_remove(tasks->efd_watch);
	if (tasks->efd >= 0)
		close(tasks->efd);
	if (tasks->journal)
		vg_journal_close(tasks->journal);
	free(tasks);
}

static void cancel_queued(struct vg_tasks *tasks, struct task *t)
{
	vg_error_set(&t->err, -ECANCELED, N_("cancelled before it started"));
	task_transition(tasks, t, ST_CANCELLED);
}

static void job_work(struct vg_job *job, void *data)
{
	struct task *t = data;
	uint64_t one = 1;

	(void)job;
	if (!atomic_compare_exchange_strong(&t->phase, &(int){ PHASE_QUEUED }, PHASE_BEGAN))
		return; /* cancelled while queued */
	if (write(t->owner->efd, &one, sizeof(one)) < 0) {
		/* The loop also catches up in job_done. */
	}
	t->rc = t->kind->fn(&t->ctx, t->request, &t->result, &t->err);
}

static void job_done(struct vg_job *job, void *data)
{
	struct task *t = data;
	struct vg_tasks *tasks = t->owner;
	enum task_state to;

	(void)job;
	t->job = NULL;
	tasks->active--;
	if (atomic_load(&t->phase) != PHASE_BEGAN) {
		/* The executor never ran: cancelled in the queue (already recorded by cancel_queued),
		 * or dropped by the pool. */
		if (!final_state(t->state))
			cancel_queued(tasks, t);
		prune(tasks);
		return;
	}
	if (t->state == ST_QUEUED)
		task_transition(tasks, t, ST_RUNNING);
	if (t->rc == 0)
		to = ST_SUCCEEDED;
	else if (t->rc == -ECANCELED)
		to = ST_CANCELLED;
	else if (t->rc == -ETIMEDOUT)
		to = ST_TIMED_OUT;
	else if (t->ctx.refused)
		to = ST_REFUSED;
	else
		to = ST_FAILED;
	if (t->rc != 0 && !t->err.message[0])
		vg_error_set(&t->err, t->rc, N_("the task failed: %s"), strerror(-t->rc));
	task_transition(tasks, t, to);
	prune(tasks);
}

/* Workers woke us: record "running" for every task whose executor began. */
static void on_began(struct vg_watch *w, int fd, uint32_t events, void *data)
{
	struct vg_tasks *tasks = data;
	uint64_t n;

	(void)w;
	(void)events;
	if (read(fd, &n, sizeof(n)) < 0) {
		/* EAGAIN: nothing more to read. */
	}
	for (struct task *t = tasks->list; t; t = t->next)
		if (t->state == ST_QUEUED && atomic_load(&t->phase) == PHASE_BEGAN)
			task_transition(tasks, t, ST_RUNNING);
}

static struct task *find_task(struct vg_tasks *tasks, int64_t id)
{
	for (struct task *t = tasks->list; t; t = t->next)
		if (t->id == id)
			return t;
	return NULL;
}

static void fill_ctx(struct vg_tasks *tasks, struct task *t)
{
	const struct vg_settings *s = tasks->agent->settings;
	const char *user = vg_setting_str(s, VG_S_TASKS_RUN_DEFAULT_USER);

	t->ctx.cancel = &t->cancel;
	t->ctx.self = &tasks->self;
	snprintf(t->ctx.id, sizeof(t->ctx.id), "%" PRId64, t->id);
	snprintf(t->ctx.collect_dir, sizeof(t->ctx.collect_dir), "%s/collected", tasks->agent->cfg.state_dir);
	snprintf(t->ctx.quarantine_dir, sizeof(t->ctx.quarantine_dir), "%s/quarantine", tasks->agent->cfg.state_dir);
	t->ctx.file_max = (uint64_t)vg_setting_int(s, VG_S_TASKS_GET_FILE_MAX_MB) * 1024 * 1024;
	snprintf(t->ctx.run_default_user, sizeof(t->ctx.run_default_user), "%s", user[0] ? user : "root");
	t->ctx.run_default_timeout = (unsigned)vg_setting_int(s, VG_S_TASKS_RUN_DEFAULT_TIMEOUT);
	t->ctx.terminate_grace = (unsigned)vg_setting_int(s, VG_S_TASKS_TERMINATE_GRACE_SECONDS);
}

/* The journal records the queued task and numbers it: ids survive restarts.  Without a
 * journal (it could not be opened), ids are unique while the agent runs. */
static int task_new_id(struct vg_tasks *tasks, struct task *t, struct vg_error *err)
{
	if (!tasks->journal) {
		t->id = tasks->next_id++;
		return 0;
	}
	/* A server's task is journaled apart from the server's request (source "server"), which
	 * holds the OpenC2 response the link reports: the link must not report the task's row. */
	return vg_journal_add_numbered(tasks->journal, t->openc2_id[0] ? JOURNAL_SERVER_TASK : t->source,
				       t->kind->name, t->request, (unsigned)t->uid, &t->id, err);
}

static const struct task_kind *kind_named(const char *name)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].name, name) == 0 || strcmp(vg_proto_name(kinds[i].cmd), name) == 0)
			return &kinds[i];
	return NULL;
}

static int submit(struct vg_agent *agent, const char *kind, const char *source, uid_t uid, const json_t *request,
		  const char *openc2_id, int64_t *id, struct vg_error *err)
{
	struct vg_tasks *tasks = agent->tasks;
	const struct task_kind *k = kind_named(kind);
	struct task *t;

	if (!tasks)
		return vg_error_set(err, -EAGAIN, N_("the tasks subsystem is not running"));
	if (!k)
		return vg_error_set(err, -EINVAL, N_("unknown task kind \"%s\""), kind);
	if (!json_is_object(request))
		return vg_error_set(err, -EINVAL, N_("a task request must be an object"));
	if (!(t = calloc(1, sizeof(*t))))
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	t->owner = tasks;
	if (openc2_id)
		snprintf(t->openc2_id, sizeof(t->openc2_id), "%s", openc2_id);
	t->kind = k;
	snprintf(t->source, sizeof(t->source), "%s", source);
	t->uid = uid;
	t->request = json_deep_copy(request);
	json_object_del(t->request, "wait_ms");
	if (!t->request || task_new_id(tasks, t, err) < 0) {
		int r = t->request ? err->code : vg_error_set(err, -ENOMEM, N_("out of memory"));

		json_decref(t->request);
		free(t);
		return r;
	}
	t->created = vg_time_ms();
	t->state = ST_QUEUED;
	atomic_init(&t->cancel, false);
	atomic_init(&t->phase, PHASE_QUEUED);
	fill_ctx(tasks, t);
	t->next = tasks->list;
	tasks->list = t;
	tasks->count++;
	task_transition(tasks, t, ST_QUEUED);
	t->job = vg_workers_submit(tasks->pool, job_work, job_done, t);
	if (!t->job) {
		vg_error_set(&t->err, -ENOMEM, N_("out of memory"));
		task_transition(tasks, t, ST_FAILED);
	} else {
		tasks->active++;
	}
	*id = t->id;
	return 0;
}

int vg_tasks_submit(struct vg_agent *agent, const char *kind, const char *source, uid_t uid, const json_t *request,
		    int64_t *id, struct vg_error *err)
{
	return submit(agent, kind, source, uid, request, NULL, id, err);
}

int vg_tasks_submit_openc2(struct vg_agent *agent, const char *kind, const json_t *request, const char *request_id,
			   int64_t *id, struct vg_error *err)
{
	if (!request_id[0] || strlen(request_id) > VG_TASK_ID_MAX)
		return vg_error_set(err, -EINVAL, N_("invalid task id"));
	return submit(agent, kind, "server", 0, request, request_id, id, err);
}

static void on_wait_timeout(struct vg_watch *timer, int fd, uint32_t events, void *data)
{
	struct waiter *w = data;

	(void)timer;
	(void)fd;
	(void)events;
	for (struct waiter **p = &w->task->waiters; *p; p = &(*p)->next)
		if (*p == w) {
			*p = w->next;
			break;
		}
	reply_waiter(w);
}

/* Replies with the task now if it is final or wait_ms is 0, else when it ends or at wait_ms. */
static int reply_task(struct vg_tasks *tasks, struct task *t, struct vg_ctl_request *req, json_t **result,
		      struct vg_error *err)
{
	const json_t *jwait = json_object_get(req->args, "wait_ms");
	json_int_t wait_ms = json_is_integer(jwait) ? json_integer_value(jwait) : 0;
	struct waiter *w;

	if (wait_ms <= 0 || final_state(t->state)) {
		*result = task_json(t);
		return 0;
	}
	if (wait_ms > MAX_WAIT_MS)
		wait_ms = MAX_WAIT_MS;
	if (!(w = calloc(1, sizeof(*w))))
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	w->tasks = tasks;
	w->task = t;
	w->conn_id = req->conn_id;
	w->req_id = req->id;
	w->timer = vg_loop_timer(tasks->agent->loop, (uint64_t)wait_ms, 0, on_wait_timeout, w);
	if (!w->timer) {
		free(w);
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	}
	w->next = t->waiters;
	t->waiters = w;
	return VG_CTL_DEFERRED;
}

static int cmd_submit(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result, struct vg_error *err)
{
	int64_t id;
	int r;

	if ((r = vg_tasks_submit(agent, req->cmd, "local", req->peer->uid, req->args, &id, err)) < 0)
		return r;
	vg_notice("task %" PRId64 " (%s) requested by uid %u", id, req->cmd, (unsigned)req->peer->uid);
	return reply_task(agent->tasks, find_task(agent->tasks, id), req, result, err);
}

/* A task from the journal (no longer in memory, or from a previous run) as task_json shows it;
 * NULL when the journal does not know it or it is not a local task. */
static json_t *journal_task_json(const json_t *row)
{
	const char *id = json_string_value(json_object_get(row, "id"));
	const char *kind = json_string_value(json_object_get(row, "kind"));
	json_t *o, *result = json_object_get(row, "result"), *detail;
	const char *source;
	char *end;
	long long n;

	if (!id || !kind || !kind_named(kind))
		return NULL;
	errno = 0;
	n = strtoll(id, &end, 10);
	if (errno || *end || n <= 0)
		return NULL;
	source = json_string_value(json_object_get(row, "source"));
	o = json_pack("{s:I, s:s, s:s, s:O, s:O, s:O, s:O}", "id", (json_int_t)n, "kind", kind_named(kind)->name,
		      "source", source && strcmp(source, JOURNAL_SERVER_TASK) == 0 ? "server" : source ? source : "", "state", json_object_get(row, "state"),
		      "uid", json_object_get(row, "uid"), "request", json_object_get(row, "request"),
		      "created", json_object_get(row, "created"));
	if (!o)
		return NULL;
	json_object_set_new(o, "started", json_integer_value(json_object_get(row, "started"))
				  ? json_copy(json_object_get(row, "started")) : json_null());
	json_object_set_new(o, "ended", json_integer_value(json_object_get(row, "ended"))
				? json_copy(json_object_get(row, "ended")) : json_null());
	result = json_is_object(result) ? json_deep_copy(result) : json_null();
	if (strcmp(json_string_value(json_object_get(row, "state")), "succeeded") != 0 && json_is_object(result)) {
		/* An interrupted task carries the journal's OpenC2-style text. */
		if (!json_object_get(result, "error") && json_is_string(json_object_get(result, "status_text")))
			json_object_set(result, "error", json_object_get(result, "status_text"));
		detail = json_object_get(result, "error_detail");
		json_object_set_new(o, "error", detail ? json_incref(detail)
						       : json_pack("{s:O}", "message", json_object_get(result, "error")));
		json_object_del(result, "error_detail");
	}
	if (json_is_object(result))
		trim_output(result);
	json_object_set_new(o, "result", result);
	return o;
}

/* A task no longer in memory (ended long ago, or in a previous run of the agent) is read from
 * the journal on a worker, on a read-only connection of the job's own: its result may carry a
 * run's whole output, which the loop neither reads nor parses.  The reply is made there too. */
enum journal_op { JOURNAL_SHOW, JOURNAL_OUTPUT, JOURNAL_CANCEL, JOURNAL_LIST };

struct journal_job {
	struct vg_agent *agent;
	uint64_t conn_id;
	json_int_t req_id;
	char db[PATH_MAX];
	enum journal_op op;
	json_int_t id;                     /* show, output, cancel: the task */
	char stream[8];                    /* output */
	json_int_t offset;
	char state[16];                    /* list: a state to keep, "" for all */
	json_int_t limit;
	json_t *list;                      /* list: the tasks in memory, then those read here */
	size_t used;                       /* bytes of list so far */
	int64_t *skip;                     /* list: the ids in memory, not listed twice */
	size_t nskip;
	json_t *result;
	struct vg_error err;
};

static bool skipped(const struct journal_job *jj, int64_t id)
{
	for (size_t i = 0; i < jj->nskip; i++)
		if (jj->skip[i] == id)
			return true;
	return false;
}

/* The older tasks of task.list, newest first, after those in memory. */
static void journal_list_rows(struct journal_job *jj, struct vg_journal *view)
{
	json_t *rows = vg_journal_list(view, (unsigned)(jj->limit + (json_int_t)jj->nskip), false), *row;
	size_t i;

	json_array_foreach(rows, i, row) {
		json_t *item;
		size_t size;

		if ((json_int_t)json_array_size(jj->list) >= jj->limit)
			break;
		if (jj->state[0] && strcmp(jj->state, json_string_value(json_object_get(row, "state"))) != 0)
			continue;
		if (!(item = journal_task_json(row)))
			continue;
		if (skipped(jj, json_integer_value(json_object_get(item, "id")))) {
			json_decref(item);
			continue;
		}
		json_object_del(json_object_get(item, "result"), "stdout");
		json_object_del(json_object_get(item, "result"), "stderr");
		size = json_dumpb(item, NULL, 0, JSON_COMPACT);
		if (jj->used + size > LIST_BYTES_MAX) {
			json_decref(item);
			break;
		}
		jj->used += size;
		json_array_append_new(jj->list, item);
	}
	json_decref(rows);
}

/* task.output of a task read back from the journal, which keeps its whole output. */
static void journal_output(struct journal_job *jj, const json_t *row)
{
	const json_t *v = json_object_get(json_object_get(row, "result"), jj->stream);
	const char *text = json_string_value(v);
	size_t len = text ? json_string_length(v) : 0, n;

	if (jj->offset < 0 || (size_t)jj->offset > len) {
		vg_error_set(&jj->err, -EINVAL, N_("\"offset\" is outside the output"));
		return;
	}
	n = utf8_cut(text ? text + jj->offset : "", len - (size_t)jj->offset, REPLY_OUTPUT_MAX);
	jj->result = json_pack("{s:s%, s:I, s:I}", "data", text ? text + jj->offset : "", n, "offset", jj->offset,
			       "size", (json_int_t)len);
}

static void journal_work(struct vg_job *job, void *data)
{
	struct journal_job *jj = data;
	struct vg_store *store = NULL;
	struct vg_journal *view = NULL;
	json_t *row = NULL, *old = NULL;
	char text[32];

	(void)job;
	if (vg_store_open_reader(&store, jj->db, &jj->err) < 0 || vg_journal_view(&view, store, &jj->err) < 0)
		goto out;
	if (jj->op == JOURNAL_LIST) {
		journal_list_rows(jj, view);
		jj->result = json_incref(jj->list);
		goto out;
	}
	snprintf(text, sizeof(text), "%" JSON_INTEGER_FORMAT, jj->id);
	row = vg_journal_get(view, text);
	if (!row || !(old = journal_task_json(row))) {
		vg_error_set(&jj->err, -ENOENT, N_("no task %s"), text);
		goto out;
	}
	switch (jj->op) {
	case JOURNAL_SHOW:
		jj->result = json_incref(old);
		break;
	case JOURNAL_OUTPUT:
		journal_output(jj, row);
		break;
	case JOURNAL_CANCEL:
		vg_error_set(&jj->err, -EINVAL, N_("task %s has already ended (%s)"), text,
			     json_string_value(json_object_get(old, "state")));
		break;
	case JOURNAL_LIST:
		break;
	}
out:
	json_decref(old);
	json_decref(row);
	vg_journal_close(view);
	vg_store_close(store);
}

static void journal_done(struct vg_job *job, void *data)
{
	struct journal_job *jj = data;

	vg_agent_reply(jj->agent, jj->conn_id, jj->req_id, jj->result, &jj->err, vg_job_cancelled(job));
	json_decref(jj->list);
	free(jj->skip);
	free(jj);
}

static struct journal_job *journal_job_new(struct vg_agent *agent, struct vg_ctl_request *req, enum journal_op op,
					   json_int_t id)
{
	struct journal_job *jj = calloc(1, sizeof(*jj));

	if (!jj)
		return NULL;
	jj->agent = agent;
	jj->conn_id = req->conn_id;
	jj->req_id = req->id;
	jj->op = op;
	jj->id = id;
	snprintf(jj->db, sizeof(jj->db), "%s", vg_store_path(agent->store));
	return jj;
}

static int journal_submit(struct vg_agent *agent, struct journal_job *jj, struct vg_error *err)
{
	if (!vg_workers_submit(agent->workers, journal_work, journal_done, jj)) {
		json_decref(jj->list);
		free(jj->skip);
		free(jj);
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	}
	return VG_CTL_DEFERRED;
}

/* The task of req's "id" when it is in memory (*out), or NULL with 0 when only the journal may
 * know it. */
static int task_arg(struct vg_agent *agent, struct vg_ctl_request *req, struct task **out, struct vg_error *err)
{
	const json_t *jid = json_object_get(req->args, "id");

	*out = NULL;
	if (!agent->tasks)
		return vg_error_set(err, -EAGAIN, N_("the tasks subsystem is not running"));
	if (!json_is_integer(jid))
		return vg_error_set(err, -EINVAL, N_("missing argument \"%s\" (a task id)"), "id");
	*out = find_task(agent->tasks, json_integer_value(jid));
	return 0;
}

/* A task not in memory: asks the journal, on a worker. */
static int from_journal(struct vg_agent *agent, struct vg_ctl_request *req, enum journal_op op, struct vg_error *err)
{
	json_int_t id = json_integer_value(json_object_get(req->args, "id"));
	struct journal_job *jj;
	char text[32];

	if (!agent->tasks->journal) {
		snprintf(text, sizeof(text), "%" JSON_INTEGER_FORMAT, id);
		return vg_error_set(err, -ENOENT, N_("no task %s"), text);
	}
	if (!(jj = journal_job_new(agent, req, op, id)))
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	if (op == JOURNAL_OUTPUT) {
		snprintf(jj->stream, sizeof(jj->stream), "%s", json_string_value(json_object_get(req->args, "stream")));
		jj->offset = json_integer_value(json_object_get(req->args, "offset"));
	}
	return journal_submit(agent, jj, err);
}

static int cmd_show(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result, struct vg_error *err)
{
	struct task *t;
	int r;

	if ((r = task_arg(agent, req, &t, err)) < 0)
		return r;
	if (!t)
		return from_journal(agent, req, JOURNAL_SHOW, err);
	return reply_task(agent->tasks, t, req, result, err);
}

/* task.output {id, stream, offset}: a piece of a run's stdout or stderr. */
static int cmd_output(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result, struct vg_error *err)
{
	const char *stream = json_string_value(json_object_get(req->args, "stream"));
	const json_t *joff = json_object_get(req->args, "offset");
	json_int_t off = json_is_integer(joff) ? json_integer_value(joff) : 0;
	const json_t *v;
	struct task *t;
	size_t len, n;
	const char *text;
	int r;

	if ((r = task_arg(agent, req, &t, err)) < 0)
		return r;
	if (!stream || (strcmp(stream, "stdout") != 0 && strcmp(stream, "stderr") != 0))
		return vg_error_set(err, -EINVAL, N_("\"stream\" must be stdout or stderr"));
	if (!t)
		return from_journal(agent, req, JOURNAL_OUTPUT, err);
	v = json_object_get(t->result, stream);
	text = json_string_value(v);
	len = text ? json_string_length(v) : 0;
	if (off < 0 || (size_t)off > len)
		return vg_error_set(err, -EINVAL, N_("\"offset\" is outside the output"));
	n = utf8_cut(text ? text + off : "", len - (size_t)off, REPLY_OUTPUT_MAX);
	*result = json_pack("{s:s%, s:I, s:I}", "data", text ? text + off : "", n, "offset", off,
			    "size", (json_int_t)len);
	return 0;
}

static int cmd_cancel(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result, struct vg_error *err)
{
	struct task *t;
	char text[32];
	int r;

	if ((r = task_arg(agent, req, &t, err)) < 0)
		return r;
	if (!t)
		return from_journal(agent, req, JOURNAL_CANCEL, err);
	if (final_state(t->state)) {
		snprintf(text, sizeof(text), "%" PRId64, t->id);
		return vg_error_set(err, -EINVAL, N_("task %s has already ended (%s)"), text, state_names[t->state]);
	}
	vg_notice("task %" PRId64 " cancelled by uid %u", t->id, (unsigned)req->peer->uid);
	atomic_store(&t->cancel, true);
	if (t->job)
		vg_job_cancel(t->job);
	/* Not started yet: it never will, and that is final now, not when a worker is free. */
	if (atomic_compare_exchange_strong(&t->phase, &(int){ PHASE_QUEUED }, PHASE_CANCELLED))
		cancel_queued(agent->tasks, t);
	return reply_task(agent->tasks, t, req, result, err);
}

static int cmd_list(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result, struct vg_error *err)
{
	const char *state = json_string_value(json_object_get(req->args, "state"));
	const json_t *jlimit = json_object_get(req->args, "limit");
	json_int_t limit = json_is_integer(jlimit) ? json_integer_value(jlimit) : 100;
	struct journal_job *jj;
	json_t *list;
	bool known = !state;
	size_t used = 0;

	if (!agent->tasks)
		return vg_error_set(err, -EAGAIN, N_("the tasks subsystem is not running"));
	for (size_t i = 0; state && i < sizeof(state_names) / sizeof(state_names[0]); i++)
		known = known || strcmp(state, state_names[i]) == 0;
	if (!known)
		return vg_error_set(err, -EINVAL, N_("unknown task state \"%s\""), state);
	if (limit < 1 || limit > MAX_LIST)
		return vg_error_set(err, -EINVAL, N_("\"limit\" must be a number from 1 to 10000"));
	list = json_array();
	for (struct task *t = agent->tasks->list; t && (json_int_t)json_array_size(list) < limit; t = t->next) {
		json_t *item;
		size_t size;

		if (state && strcmp(state, state_names[t->state]) != 0)
			continue;
		/* A list shows what each task was; task.show gives a run's output. */
		item = task_json(t);
		json_object_del(json_object_get(item, "result"), "stdout");
		json_object_del(json_object_get(item, "result"), "stderr");
		size = json_dumpb(item, NULL, 0, JSON_COMPACT);
		if (used + size > LIST_BYTES_MAX) {
			json_decref(item);
			break;
		}
		used += size;
		json_array_append_new(list, item);
	}
	/* Older tasks (and those of previous runs) come from the journal, newest first, on a worker. */
	if (!agent->tasks->journal || (json_int_t)json_array_size(list) >= limit || used > LIST_BYTES_MAX) {
		*result = list;
		return 0;
	}
	if (!(jj = journal_job_new(agent, req, JOURNAL_LIST, 0)) ||
	    !(jj->skip = calloc(agent->tasks->count + 1, sizeof(*jj->skip)))) {
		free(jj);
		json_decref(list);
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	}
	for (struct task *t = agent->tasks->list; t && jj->nskip < agent->tasks->count + 1; t = t->next)
		jj->skip[jj->nskip++] = t->id;
	snprintf(jj->state, sizeof(jj->state), "%s", state ? state : "");
	jj->limit = limit;
	jj->list = list;
	jj->used = used;
	return journal_submit(agent, jj, err);
}

/* quarantine.list reads the quarantine directory on a worker. */
struct list_job {
	struct vg_agent *agent;
	uint64_t conn_id;
	json_int_t req_id;
	char dir[VG_TASK_PATH_MAX + 1];
	unsigned limit;
	json_t *result;
	struct vg_error err;
};

static void quarantine_list_work(struct vg_job *job, void *data)
{
	struct list_job *lj = data;

	(void)job;
	lj->result = vg_task_quarantine_list(lj->dir, lj->limit, &lj->err);
}

static void quarantine_list_done(struct vg_job *job, void *data)
{
	struct list_job *lj = data;

	vg_agent_reply(lj->agent, lj->conn_id, lj->req_id, lj->result, &lj->err, vg_job_cancelled(job));
	free(lj);
}

static int cmd_quarantine_list(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result,
			       struct vg_error *err)
{
	const json_t *jlimit = json_object_get(req->args, "limit");
	json_int_t limit = json_is_integer(jlimit) ? json_integer_value(jlimit) : 1000;
	struct list_job *lj;

	(void)result;
	if (limit < 1 || limit > MAX_LIST)
		return vg_error_set(err, -EINVAL, N_("\"limit\" must be a number from 1 to 10000"));
	if (!(lj = calloc(1, sizeof(*lj))))
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	lj->agent = agent;
	lj->conn_id = req->conn_id;
	lj->req_id = req->id;
	lj->limit = (unsigned)limit;
	snprintf(lj->dir, sizeof(lj->dir), "%s/quarantine", agent->cfg.state_dir);
	if (!agent->tasks || !vg_workers_submit(agent->tasks->pool, quarantine_list_work, quarantine_list_done, lj)) {
		free(lj);
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	}
	return VG_CTL_DEFERRED;
}

static const struct vg_agent_command commands[] = {
	{ VG_CMD_TASK_GET_FILE, cmd_submit },
	{ VG_CMD_TASK_DELETE_FILE, cmd_submit },
	{ VG_CMD_TASK_RUN, cmd_submit },
	{ VG_CMD_TASK_TERMINATE, cmd_submit },
	{ VG_CMD_TASK_CANCEL, cmd_cancel },
	{ VG_CMD_TASK_LIST, cmd_list },
	{ VG_CMD_TASK_SHOW, cmd_show },
	{ VG_CMD_TASK_OUTPUT, cmd_output },
	{ VG_CMD_QUARANTINE_LIST, cmd_quarantine_list },
	{ VG_CMD_QUARANTINE_RESTORE, cmd_submit },
	{ VG_CMD_QUARANTINE_PURGE, cmd_submit },
	{ VG_CMD_COUNT, NULL },
};

/* What no task may touch: the state directory, the agent's binary and its socket. */
static void find_self(struct vg_agent *agent, struct vg_task_self *self)
{
	struct stat st;
	char *real = realpath(agent->cfg.state_dir, NULL);

	snprintf(self->state_dir, sizeof(self->state_dir), "%s", real ? real : agent->cfg.state_dir);
	free(real);
	const char *files[] = { "/proc/self/exe", agent->cfg.socket_path, agent->cfg.pid_file, agent->config_path };

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (files[i][0] && stat(files[i], &st) == 0 && (S_ISREG(st.st_mode) || S_ISSOCK(st.st_mode))) {
			self->own[self->nown].dev = st.st_dev;
			self->own[self->nown].ino = st.st_ino;
			self->nown++;
		}
	self->pid = getpid();
}

/* A connection ended: its waits end with it (their timers are descriptors a crowd of
 * waiting clients would otherwise keep until wait_ms). */
static void drop_waiters(uint64_t conn_id, void *data)
{
	struct vg_tasks *tasks = data;

	for (struct task *t = tasks->list; t; t = t->next)
		for (struct waiter **p = &t->waiters; *p;) {
			struct waiter *w = *p;

			if (w->conn_id != conn_id) {
				p = &w->next;
				continue;
			}
			*p = w->next;
			vg_watch_remove(w->timer);
			free(w);
		}
}

static int tasks_start(struct vg_agent *agent, struct vg_error *err)
{
	struct vg_tasks *tasks = calloc(1, sizeof(*tasks));
	unsigned interrupted = 0;
	int r = 0;

	if (!tasks)
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	tasks->efd = -1;
	tasks->agent = agent;
	tasks->next_id = 1;
	tasks->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (tasks->efd < 0 || !(tasks->efd_watch = vg_loop_watch(agent->loop, tasks->efd, EPOLLIN, on_began, tasks)) ||
	    (r = vg_workers_new(&tasks->pool, agent->loop, TASK_THREADS)) < 0) {
		int e = r < 0 ? -r : errno;

		tasks_free(tasks);
		return vg_error_set(err, -e, N_("cannot start the tasks subsystem: %s"), strerror(e));
	}
	/* Tasks left queued or running by the previous run are marked interrupted (never run again). */
	if ((r = vg_journal_open(&tasks->journal, agent->store, &interrupted, err)) < 0) {
		tasks_free(tasks);
		return r;
	}
	if (interrupted)
		vg_warn("tasks: %u task(s) were running when the agent stopped: marked interrupted", interrupted);
	find_self(agent, &tasks->self);
	if (agent->ctl && vg_ctl_server_on_close(agent->ctl, drop_waiters, tasks) < 0) {
		tasks_free(tasks);
		return vg_error_set(err, -ENOSPC, N_("cannot start the tasks subsystem: %s"), strerror(ENOSPC));
	}
	agent->tasks = tasks;
	return 0;
}

static void tasks_stop(struct vg_agent *agent)
{
	struct vg_tasks *tasks = agent->tasks;

	if (!tasks)
		return;
	/* Running executors see their cancel flag and end (a run kills its process group); the
	 * pool joins them and runs their done functions, which record the final states. */
	for (struct task *t = tasks->list; t; t = t->next) {
		atomic_store(&t->cancel, true);
		if (t->job)
			vg_job_cancel(t->job);
	}
	vg_workers_free(tasks->pool);
	tasks->pool = NULL;
	vg_ctl_server_remove_on_close(agent->ctl, drop_waiters, tasks);
	agent->tasks = NULL;
	tasks_free(tasks);
}

static json_t *tasks_status(struct vg_agent *agent)
{
	struct vg_tasks *tasks = agent->tasks;
	json_t *o = json_pack("{s:b}", "available", tasks != NULL);

	if (!tasks)
		return o;
	json_object_set_new(o, "active", json_integer((json_int_t)tasks->active));
	json_object_set_new(o, "kept", json_integer((json_int_t)tasks->count));
	for (size_t i = ST_SUCCEEDED; i < sizeof(state_names) / sizeof(state_names[0]); i++)
		json_object_set_new(o, state_names[i], json_integer((json_int_t)tasks->counts[i]));
	return o;
}

const struct vg_subsystem vg_subsystem_tasks = {
	.name = "tasks",
	.start = tasks_start,
	.stop = tasks_stop,
	.status = tasks_status,
	.commands = commands,
	.settings = &settings,
};
