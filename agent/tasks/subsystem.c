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
#include "ocsf.h"
#include "settings.h"
#include "store.h"
#include "tasks/executors.h"
#include "tasks/journal.h"
#include "tasks/request.h"
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
#define RETENTION_PERIOD_MS (3600 * 1000)
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
	bool reader;                       /* the peer may read, not administer: redacted */
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
	json_t *result;                    /* the loop's: set once, by job_done, from work */
	struct vg_error err;
	int64_t created, started, ended;   /* ms since the epoch */
	struct vg_job *job;
	atomic_bool cancel;
	atomic_int phase;                  /* PHASE_*: who came first, the worker or a cancel */
	int rc;
	struct vg_task_ctx ctx;
	/* The worker's, until job_done hands them over on the loop thread: nothing the loop reads
	 * is being built by a worker (the loop may show a running task at any time). */
	struct {
		json_t *result;
		struct vg_error err;
		int rc;
	} work;
	struct waiter *waiters;
	char openc2_id[VG_TASK_ID_MAX + 1]; /* the server's request this task answers, "" when local */
	int pidfd;                         /* terminate: the process an IOC match held, or -1 */
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
	struct vg_protect *protect;        /* the protected files, shared by the task threads */
	struct vg_task_cgroups *cgroups;   /* where runs get their cgroups; NULL without cgroup v2 */
	struct retention_job *retention;   /* the retention pass under way, or NULL */
	bool retention_again;              /* a task ended during it: one more pass after it */
	struct vg_watch *retention_timer;  /* the hourly pass (the age caps) */
	struct vg_collected_usage collected;
	struct vg_journal_usage journal_usage;
	int64_t retention_checked;         /* ms, the end of the last pass; 0 before the first */
	struct vg_error retention_err;     /* what the last pass could not do */
};

static void retention_request(struct vg_tasks *tasks);

/* A user name as useradd accepts it, or a uid; whether it exists is checked when a task runs. */
static int validate_user(const char *value, struct vg_error *err)
{
	return vg_task_user_name_check(value, err);
}

static int validate_abs_path(const char *value, struct vg_error *err)
{
	if (value[0] != '/' || strlen(value) > VG_TASK_PATH_MAX)
		return vg_error_set(err, -EINVAL, N_("\"%s\" is not an absolute path"), value);
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
VG_INT_SETTING(VG_S_TASKS_RUN_MEMORY_MAX_MB, .key = "tasks.run_memory_max_mb", .def = "1024", .min = 0,
	       .max = 1048576, .unit = "MiB",
	       .help = N_("Memory that the programs of one run task may use together (their cgroup's memory.max; "
			  "0: no limit)"));
VG_INT_SETTING(VG_S_TASKS_RUN_TASKS_MAX, .key = "tasks.run_tasks_max", .def = "512", .min = 0, .max = 4194304,
	       .help = N_("Processes and threads that one run task may have at once (its cgroup's pids.max; "
			  "0: no limit)"));
VG_INT_SETTING(VG_S_TASKS_COLLECTED_MAX_MB, .key = "tasks.collected_max_mb", .def = "2048", .min = 1,
	       .max = 1048576, .unit = "MiB",
	       .help = N_("Disk space that the get-file copies kept in the state directory may take; the oldest go first"));
VG_INT_SETTING(VG_S_TASKS_COLLECTED_MAX_DAYS, .key = "tasks.collected_max_days", .def = "14", .min = 1, .max = 3650,
	       .unit = "days", .help = N_("Age after which a get-file copy kept in the state directory is removed"));
VG_INT_SETTING(VG_S_TASKS_JOURNAL_MAX_MB, .key = "tasks.journal_max_mb", .def = "256", .min = 1, .max = 1048576,
	       .unit = "MiB",
	       .help = N_("Size of the requests and results that the task journal keeps; the oldest tasks go first"));
VG_INT_SETTING(VG_S_TASKS_JOURNAL_MAX_DAYS, .key = "tasks.journal_max_days", .def = "90", .min = 1, .max = 3650,
	       .unit = "days", .help = N_("Age after which an ended task leaves the task journal"));
VG_LIST_SETTING(VG_S_TASKS_PROTECTED_PATHS, .key = "tasks.protected_paths", .def = "", .max = 64,
		.help = N_("Files and directories that delete-file refuses without force, besides the built-in ones "
			   "(comma-separated absolute paths)"),
		.validate = validate_abs_path);

static const char *const setting_prefixes[] = { "tasks", NULL };
static const struct vg_setting_def *const setting_defs[] = {
	VG_SETTING_DEF(VG_S_TASKS_GET_FILE_MAX_MB),
	VG_SETTING_DEF(VG_S_TASKS_RUN_DEFAULT_USER),
	VG_SETTING_DEF(VG_S_TASKS_RUN_DEFAULT_TIMEOUT),
	VG_SETTING_DEF(VG_S_TASKS_TERMINATE_GRACE_SECONDS),
	VG_SETTING_DEF(VG_S_TASKS_RUN_MEMORY_MAX_MB),
	VG_SETTING_DEF(VG_S_TASKS_RUN_TASKS_MAX),
	VG_SETTING_DEF(VG_S_TASKS_PROTECTED_PATHS),
	VG_SETTING_DEF(VG_S_TASKS_COLLECTED_MAX_MB),
	VG_SETTING_DEF(VG_S_TASKS_COLLECTED_MAX_DAYS),
	VG_SETTING_DEF(VG_S_TASKS_JOURNAL_MAX_MB),
	VG_SETTING_DEF(VG_S_TASKS_JOURNAL_MAX_DAYS),
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

/* The times of a result in the protocol's form: the executors give a file's mtime, ctime, atime
 * and a quarantine entry's quarantined_at in seconds; each becomes RFC 3339 text with its _ms
 * beside it (vg_ctl_set_time).  A value already converted (a string) is left alone. */
static void result_times(json_t *result)
{
	static const char *const keys[] = { "mtime", "ctime", "atime", "quarantined_at" };

	for (size_t i = 0; json_is_object(result) && i < sizeof(keys) / sizeof(keys[0]); i++) {
		json_t *v = json_object_get(result, keys[i]);

		if (json_is_integer(v))
			vg_ctl_set_time(result, keys[i], (int64_t)json_integer_value(v) * 1000);
	}
}

static json_t *task_json(const struct task *t)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:i, s:O, s:n, s:n, s:n}", "id", (json_int_t)t->id, "kind",
			      t->kind->name, "source", t->source, "state", state_names[t->state], "uid", (int)t->uid,
			      "request", t->request, "created", "started", "ended");
	json_t *result = t->result ? json_deep_copy(t->result) : NULL;

	if (!o)
		return NULL;
	vg_ctl_set_time(o, "created", t->created);
	vg_ctl_set_time(o, "started", t->started);
	vg_ctl_set_time(o, "ended", t->ended);
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

/* What a member of the read-only group sees of a task: root's secrets are not theirs.  A run's
 * environment values (API_TOKEN=...) are replaced, and its output withheld (it may print
 * /etc/shadow); the task's state, exit code and the rest stay. */
static json_t *redacted(json_t *o)
{
	json_t *req = json_object_get(o, "request"), *env, *res = json_object_get(o, "result"), *v;
	size_t i;

	if (!o)
		return NULL;
	if (json_is_array(json_object_get(req, "env"))) {
		req = json_deep_copy(req);   /* the task's own request stays whole */
		env = json_object_get(req, "env");
		json_array_foreach(env, i, v) {
			const char *text = json_string_value(v), *eq = text ? strchr(text, '=') : NULL;

			if (eq)
				json_array_set_new(env, i, json_sprintf("%.*s=(hidden)", (int)(eq - text), text));
		}
		json_object_set_new(o, "request", req);
	}
	if (json_is_object(res) && (json_object_get(res, "stdout") || json_object_get(res, "stderr"))) {
		static const char *const keys[] = { "stdout", "stderr", "stdout_size", "stderr_size" };

		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			json_object_del(res, keys[k]);
		json_object_set_new(res, "output_withheld", json_true());
	}
	return o;
}

static bool reader(const struct vg_ctl_request *req)
{
	return !req->peer || req->peer->access < VG_ACCESS_ADMIN;
}

static void reply_waiter(struct waiter *w)
{
	struct vg_ctl_server *srv = w->tasks->agent->ctl;

	if (srv)
		vg_ctl_server_reply(srv, w->conn_id, w->req_id,
				    w->reader ? redacted(task_json(w->task)) : task_json(w->task), NULL);
	vg_watch_remove(w->timer);
	free(w);
}

/* The remediation's status: Success, Does Not Exist (the file or process was not there) or
 * Failure; for one process of a terminate, from its outcome. */
static int remediation_status(const struct task *t, const char *outcome)
{
	if (outcome) {
		if (strcmp(outcome, "terminated") == 0 || strcmp(outcome, "killed") == 0)
			return VG_STATUS_SUCCESS;
		return strcmp(outcome, "gone") == 0 ? VG_STATUS_DOES_NOT_EXIST : VG_STATUS_FAILURE;
	}
	if (t->state == ST_SUCCEEDED)
		return VG_STATUS_SUCCESS;
	return t->err.code == -ENOENT || t->err.code == -ESRCH ? VG_STATUS_DOES_NOT_EXIST : VG_STATUS_FAILURE;
}

static const char *activity_name(const struct task *t, int activity)
{
	static const char *const names[] = { "Unknown", "Isolate", "Evict", "Restore" };

	if (activity >= 0 && activity <= 3)
		return names[activity];
	return strcmp(t->kind->name, "get-file") == 0 ? "Get File" : "Run";
}

/* The file a file task acted on: where it was (the result's path, else the request's), or for
 * a quarantine entry that does not exist, the entry's id, which is all the command named. */
static json_t *task_file(const struct task *t)
{
	const json_t *res = t->result;
	const char *path = json_string_value(json_object_get(res, "path"));
	json_t *file, *hashes = json_array();

	if (!path)
		path = json_string_value(json_object_get(t->request, "path"));
	if (path) {
		/* The tasks act on regular files only: one they read or removed was one. */
		file = vg_ocsf_file(path, t->state == ST_SUCCEEDED ? VG_FILE_TYPE_REGULAR : VG_FILE_TYPE_UNKNOWN);
	} else {
		const char *id = json_string_value(json_object_get(t->request, "id"));

		file = json_pack("{s:o, s:o}", "name", vg_ocsf_text(id ? id : ""), "uid", vg_ocsf_text(id ? id : ""));
		vg_ocsf_file_set_type(file, VG_FILE_TYPE_UNKNOWN);
	}
	if (json_is_integer(json_object_get(res, "size")))
		json_object_set(file, "size", json_object_get(res, "size"));
	if (json_is_string(json_object_get(res, "md5")))
		json_array_append_new(hashes, json_pack("{s:i, s:s, s:O}", "algorithm_id", 1, "algorithm", "MD5",
							"value", json_object_get(res, "md5")));
	if (json_is_string(json_object_get(res, "sha256")))
		json_array_append_new(hashes, json_pack("{s:i, s:s, s:O}", "algorithm_id", 3, "algorithm", "SHA-256",
							"value", json_object_get(res, "sha256")));
	if (json_array_size(hashes))
		json_object_set(file, "hashes", hashes);
	json_decref(hashes);
	return file;
}

/* The process a process task acted on: its pid, program and, for a run, command line. */
static json_t *task_process(const struct task *t, const json_t *pid, const char *exe)
{
	json_t *proc = json_pack("{s:O}", "pid", pid), *argv;

	if (exe && exe[0])
		json_object_set_new(proc, "file", vg_ocsf_file(exe, VG_FILE_TYPE_EXECUTABLE));
	if (strcmp(t->kind->name, "run") == 0 && exe && (argv = json_pack("[s]", exe))) {
		const json_t *args = json_object_get(t->request, "args");
		json_t *a;
		char *cmd;
		size_t i;

		json_array_foreach(args, i, a)
			if (json_is_string(a))
				json_array_append(argv, a);
		if ((cmd = vg_ocsf_cmd_line(argv)))
			json_object_set_new(proc, "cmd_line", vg_ocsf_text(cmd));
		free(cmd);
		json_decref(argv);
	}
	return proc;
}

/*
 * OCSF Remediation Activity: one event per task (per process for terminate), File Remediation
 * (7002) or Process Remediation (7003) by the task's kind.  A run that never started a program
 * acted on no process: its event is the generic Remediation Activity (7001).  command_uid is
 * the server's request id for a task it sent, else the task's id.
 */
static void emit_event(struct vg_tasks *tasks, const struct task *t, const json_t *pid_entry)
{
	const json_t *res = t->result;
	const json_t *pid = pid_entry ? json_object_get(pid_entry, "pid") : json_object_get(res, "pid");
	const char *outcome = pid_entry ? json_string_value(json_object_get(pid_entry, "result")) : NULL;
	int cls = t->kind->ocsf_class, activity = t->kind->activity_id, status;
	json_t *ev, *unmapped;

	if (strcmp(t->kind->name, "delete-file") == 0 && json_is_true(json_object_get(t->request, "quarantine")))
		activity = 1;
	if (!pid_entry && !json_is_integer(pid))
		pid = json_object_get(t->request, "pid");
	if (cls == VG_OCSF_PROCESS_REMEDIATION && !json_is_integer(pid))
		cls = VG_OCSF_REMEDIATION_ACTIVITY;
	ev = vg_ocsf_event(cls, activity, activity_name(t, activity), t->ended ? t->ended : vg_time_ms());
	if (!ev)
		return;
	if (t->openc2_id[0])
		json_object_set_new(ev, "command_uid", json_string(t->openc2_id));
	else
		json_object_set_new(ev, "command_uid", json_sprintf("%" PRId64, t->id));
	status = remediation_status(t, outcome);
	vg_ocsf_set_status(ev, status, outcome ? outcome : state_names[t->state],
			   pid_entry ? json_string_value(json_object_get(pid_entry, "error"))
				     : t->state != ST_SUCCEEDED ? t->err.message : NULL);
	/* A remediation that did not happen leaves the threat it was for. */
	vg_ocsf_set_severity(ev, status == VG_STATUS_SUCCESS ? VG_SEVERITY_INFORMATIONAL : VG_SEVERITY_MEDIUM);
	if (cls == VG_OCSF_FILE_REMEDIATION)
		json_object_set_new(ev, "file", task_file(t));
	else if (cls == VG_OCSF_PROCESS_REMEDIATION)
		json_object_set_new(ev, "process", task_process(t, pid, json_string_value(json_object_get(
								      pid_entry ? pid_entry : t->request, "exe"))));
	unmapped = json_object_get(ev, "unmapped");
	json_object_set_new(unmapped, "task_kind", json_string(t->kind->name));
	json_object_set_new(unmapped, "source", json_string(t->source));
	if (cls == VG_OCSF_REMEDIATION_ACTIVITY && json_is_string(json_object_get(t->request, "exe")))
		json_object_set(unmapped, "exe", json_object_get(t->request, "exe"));
	/* A response to a detection names the finding it answers (detection subsystem). */
	if (json_is_string(json_object_get(t->request, "finding_uid"))) {
		json_object_set_new(ev, "metadata", json_pack("{s:O}", "correlation_uid",
							      json_object_get(t->request, "finding_uid")));
		json_object_set(unmapped, "finding_uid", json_object_get(t->request, "finding_uid"));
	}
	if (pid_entry)
		json_object_set(unmapped, "pid_result", (json_t *)pid_entry);
	vg_event_emit(tasks->agent, ev);
}

/* OpenC2 status of a task's end, from the codes of the Endpoint Response profile: 200 done, 400
 * refused (it would harm the host, or a check such as the SHA-256 did not match), 500 it failed
 * while running, a target that does not exist included ("cannot access", with the error's text). */
static int openc2_status(const struct task *t)
{
	if (t->state == ST_SUCCEEDED)
		return 200;
	if (t->err.code == -ENOENT || t->err.code == -ESRCH)
		return 500;
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
	if (!resp || vg_journal_set_state(tasks->journal, VG_JOURNAL_REQUESTS, t->openc2_id,
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
	r = resp ? vg_journal_set_state(agent->tasks->journal, VG_JOURNAL_REQUESTS, request_id,
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
	if (vg_journal_set_state(tasks->journal, VG_JOURNAL_TASKS, id, (enum vg_task_state)t->state, result, &err) < 0)
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
	retention_request(tasks);
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
	json_decref(t->work.result);
	if (t->pidfd >= 0)
		close(t->pidfd);
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

/* ---- retention: collected/ and the task journal within their caps (doc/tasks.md) ---- */

struct retention_job {
	struct vg_tasks *tasks;            /* NULL once the subsystem stopped */
	char db[PATH_MAX];
	char collect_dir[VG_TASK_PATH_MAX + 1];
	uint64_t collected_max_bytes, collected_max_age_s, journal_max_bytes, journal_max_age_s;
	struct vg_collected_usage collected;
	struct vg_journal_usage journal;
	struct vg_error err;
};

/* On a worker, with a connection of its own: it reads every row of the journal. */
static void retention_work(struct vg_job *job, void *data)
{
	struct retention_job *rj = data;
	struct vg_store *store = NULL;
	struct vg_journal *view = NULL;
	struct vg_error err = { 0 };

	(void)job;
	vg_task_collected_enforce(rj->collect_dir, rj->collected_max_bytes, rj->collected_max_age_s, &rj->collected,
				  &rj->err);
	if (vg_store_open(&store, rj->db, &err) < 0 || vg_journal_view(&view, store, &err) < 0 ||
	    vg_journal_enforce(view, rj->journal_max_bytes, rj->journal_max_age_s, &rj->journal, &err) < 0)
		rj->err = err;
	vg_journal_close(view);
	vg_store_close(store);
}

static void retention_done(struct vg_job *job, void *data)
{
	struct retention_job *rj = data;
	struct vg_tasks *tasks = rj->tasks;

	(void)job;
	if (tasks) {
		tasks->retention = NULL;
		if (rj->collected.removed || rj->journal.removed)
			vg_info("tasks: retention removed %" PRIu64 " collected file(s) and %" PRIu64
				" task journal entr(ies)", rj->collected.removed, rj->journal.removed);
		if (rj->err.code && strcmp(rj->err.message, tasks->retention_err.message) != 0)
			vg_warn("tasks: retention: %s", rj->err.message);
		tasks->retention_err = rj->err;
		rj->collected.removed += tasks->collected.removed;
		rj->journal.removed += tasks->journal_usage.removed;
		tasks->collected = rj->collected;
		tasks->journal_usage = rj->journal;
		tasks->retention_checked = vg_time_ms();
		if (tasks->retention_again) {
			tasks->retention_again = false;
			retention_request(tasks);
		}
	}
	free(rj);
}

/* Starts a pass with the caps as set now, or asks for one more after the pass under way. */
static void retention_request(struct vg_tasks *tasks)
{
	const struct vg_settings *s = tasks->agent->settings;
	struct retention_job *rj;

	if (tasks->retention) {
		tasks->retention_again = true;
		return;
	}
	if (!tasks->agent->workers || !(rj = calloc(1, sizeof(*rj))))
		return;
	rj->tasks = tasks;
	snprintf(rj->db, sizeof(rj->db), "%s", vg_store_path(tasks->agent->store));
	snprintf(rj->collect_dir, sizeof(rj->collect_dir), "%s/collected", tasks->agent->cfg.state_dir);
	rj->collected_max_bytes = (uint64_t)vg_setting_int(s, VG_S_TASKS_COLLECTED_MAX_MB) << 20;
	rj->collected_max_age_s = (uint64_t)vg_setting_int(s, VG_S_TASKS_COLLECTED_MAX_DAYS) * 86400;
	rj->journal_max_bytes = (uint64_t)vg_setting_int(s, VG_S_TASKS_JOURNAL_MAX_MB) << 20;
	rj->journal_max_age_s = (uint64_t)vg_setting_int(s, VG_S_TASKS_JOURNAL_MAX_DAYS) * 86400;
	if (!vg_workers_submit(tasks->agent->workers, retention_work, retention_done, rj)) {
		free(rj);
		return;
	}
	tasks->retention = rj;
}

static void on_retention_tick(struct vg_watch *w, int fd, uint32_t events, void *data)
{
	(void)w;
	(void)fd;
	(void)events;
	retention_request(data);
}

static json_t *retention_status(struct vg_tasks *tasks)
{
	const struct vg_settings *s = tasks->agent->settings;
	json_t *o;

	o = json_pack("{s:{s:I, s:I, s:I, s:I, s:I}, s:{s:I, s:I, s:I, s:I, s:I}}", "collected", "files",
		      (json_int_t)tasks->collected.files, "bytes", (json_int_t)tasks->collected.bytes, "removed",
		      (json_int_t)tasks->collected.removed, "max_bytes",
		      (json_int_t)vg_setting_int(s, VG_S_TASKS_COLLECTED_MAX_MB) << 20, "max_days",
		      (json_int_t)vg_setting_int(s, VG_S_TASKS_COLLECTED_MAX_DAYS), "journal", "entries",
		      (json_int_t)tasks->journal_usage.rows, "bytes", (json_int_t)tasks->journal_usage.bytes, "removed",
		      (json_int_t)tasks->journal_usage.removed, "max_bytes",
		      (json_int_t)vg_setting_int(s, VG_S_TASKS_JOURNAL_MAX_MB) << 20, "max_days",
		      (json_int_t)vg_setting_int(s, VG_S_TASKS_JOURNAL_MAX_DAYS));
	if (!o)
		return NULL;
	json_object_set_new(o, "checked", tasks->retention_checked ? json_integer(tasks->retention_checked) : json_null());
	if (tasks->retention_err.code)
		json_object_set_new(o, "error", json_string(tasks->retention_err.message));
	return o;
}

static void tasks_free(struct vg_tasks *tasks)
{
	vg_workers_free(tasks->pool);
	if (tasks->retention)
		tasks->retention->tasks = NULL;
	vg_watch_remove(tasks->retention_timer);
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
	vg_protect_free(tasks->protect);
	vg_task_cgroups_close(tasks->cgroups);
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
	vg_task_pause(&t->ctx, t->kind->name);
	t->work.rc = t->kind->fn(&t->ctx, t->request, &t->work.result, &t->work.err);
	/* The result is built and still the thread's: the loop must not see it yet. */
	vg_task_pause(&t->ctx, "task:built");
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
	/* The worker is done with them: they become the task's, once. */
	t->result = t->work.result;
	t->work.result = NULL;
	t->err = t->work.err;
	t->rc = t->work.rc;
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
	result_times(t->result);
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
	t->ctx.pidfd = t->pidfd;
	t->ctx.protect = tasks->protect;
	snprintf(t->ctx.protected_paths, sizeof(t->ctx.protected_paths), "%s",
		 vg_setting_list(s, VG_S_TASKS_PROTECTED_PATHS));
	t->ctx.pause = tasks->agent->test_pause;
	t->ctx.cgroups = tasks->cgroups;
	t->ctx.run_memory_max = (uint64_t)vg_setting_int(s, VG_S_TASKS_RUN_MEMORY_MAX_MB) * 1024 * 1024;
	t->ctx.run_pids_max = (uint64_t)vg_setting_int(s, VG_S_TASKS_RUN_TASKS_MAX);
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

/* Queues a task; pidfd (>= 0) is the process a terminate acts on, owned by the task from now
 * on (closed here when the task cannot be queued). */
static int submit(struct vg_agent *agent, const char *kind, const char *source, uid_t uid, const json_t *request,
		  const char *openc2_id, int pidfd, int64_t *id, struct vg_error *err)
{
	struct vg_tasks *tasks = agent->tasks;
	const struct task_kind *k = kind_named(kind);
	struct task *t;
	int r;

	if (!tasks)
		r = vg_error_set(err, -EAGAIN, N_("the tasks subsystem is not running"));
	else if (!k)
		r = vg_error_set(err, -EINVAL, N_("unknown task kind \"%s\""), kind);
	else if (!json_is_object(request))
		r = vg_error_set(err, -EINVAL, N_("a task request must be an object"));
	/* A malformed request never becomes a task (nor a line in the journal). */
	else if (vg_task_request_check(k->name, request, err) < 0)
		r = err->code;
	else if (!(t = calloc(1, sizeof(*t))))
		r = vg_error_set(err, -ENOMEM, N_("out of memory"));
	else
		r = 0;
	if (r < 0) {
		if (pidfd >= 0)
			close(pidfd);
		return r;
	}
	t->owner = tasks;
	t->pidfd = pidfd;
	if (openc2_id)
		snprintf(t->openc2_id, sizeof(t->openc2_id), "%s", openc2_id);
	t->kind = k;
	snprintf(t->source, sizeof(t->source), "%s", source);
	t->uid = uid;
	t->request = json_deep_copy(request);
	json_object_del(t->request, "wait_ms");
	if (!t->request || task_new_id(tasks, t, err) < 0) {
		r = t->request ? err->code : vg_error_set(err, -ENOMEM, N_("out of memory"));
		json_decref(t->request);
		if (pidfd >= 0)
			close(pidfd);
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
	return submit(agent, kind, source, uid, request, NULL, -1, id, err);
}

int vg_tasks_submit_held(struct vg_agent *agent, const char *kind, const char *source, uid_t uid,
			 const json_t *request, int pidfd, int64_t *id, struct vg_error *err)
{
	return submit(agent, kind, source, uid, request, NULL, pidfd, id, err);
}

int vg_tasks_submit_openc2(struct vg_agent *agent, const char *kind, const json_t *request, const char *request_id,
			   int64_t *id, struct vg_error *err)
{
	if (!request_id[0] || strlen(request_id) > VG_TASK_ID_MAX)
		return vg_error_set(err, -EINVAL, N_("invalid task id"));
	return submit(agent, kind, "server", 0, request, request_id, -1, id, err);
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
		*result = reader(req) ? redacted(task_json(t)) : task_json(t);
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
	w->reader = reader(req);
	w->timer = vg_loop_timer(tasks->agent->loop, (uint64_t)wait_ms, 0, on_wait_timeout, w);
	if (!w->timer) {
		free(w);
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	}
	w->next = t->waiters;
	t->waiters = w;
	return VG_CTL_DEFERRED;
}

static int submit_local(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result, struct vg_error *err)
{
	int64_t id;
	int r;

	if ((r = vg_tasks_submit(agent, req->cmd, "local", req->peer->uid, req->args, &id, err)) < 0)
		return r;
	vg_notice("task %" PRId64 " (%s) requested by uid %u", id, req->cmd, (unsigned)req->peer->uid);
	return reply_task(agent->tasks, find_task(agent->tasks, id), req, result, err);
}

/*
 * What a request names on the host is looked up before the task is made, on a worker (the
 * loop never waits for the disk or a user database): the quarantine entry that an id or a
 * prefix of one names, and the user a run asks for.  A request naming nothing becomes an
 * error, not a task.
 */
struct lookup {
	struct vg_agent *agent;
	struct vg_ctl_server *server;
	uint64_t conn_id;
	json_int_t req_id;
	struct vg_ctl_peer peer;
	const char *cmd;                   /* the protocol table's name: static */
	json_t *args;                      /* a copy, completed by the worker (the whole id) */
	char quarantine_dir[VG_TASK_PATH_MAX + 1];
	int rc;
	struct vg_error err;
};

static void lookup_user(const char *name, struct vg_error *err)
{
	struct passwd pw, *found;
	char buf[4096];

	if (vg_task_user_lookup(name, &pw, buf, sizeof(buf), &found) < 0)
		vg_error_set(err, -ENOENT, N_("no user \"%s\" on this host"), name);
}

static void lookup_work(struct vg_job *job, void *data)
{
	struct lookup *l = data;
	const char *user = json_string_value(json_object_get(l->args, "user"));
	char id[17];

	(void)job;
	if (l->quarantine_dir[0]) {
		l->rc = vg_task_quarantine_find(l->quarantine_dir, json_string_value(json_object_get(l->args, "id")), id,
						&l->err);
		if (l->rc == 0)
			json_object_set_new(l->args, "id", json_string(id));
	} else if (user && user[0]) {
		lookup_user(user, &l->err);
		l->rc = l->err.code;
	}
}

static void lookup_done(struct vg_job *job, void *data)
{
	struct lookup *l = data;
	struct vg_ctl_request req = { .server = l->server, .conn_id = l->conn_id, .id = l->req_id, .cmd = l->cmd,
				      .args = l->args, .peer = &l->peer };
	json_t *result = NULL;
	int r = l->rc;

	if (vg_job_cancelled(job) && r == 0)
		r = vg_error_set(&l->err, -ECANCELED, N_("cancelled"));
	if (r == 0 && l->agent->tasks)
		r = submit_local(l->agent, &req, &result, &l->err);
	else if (r == 0)
		r = vg_error_set(&l->err, -EAGAIN, N_("the tasks subsystem is not running"));
	if (r != VG_CTL_DEFERRED && l->agent->ctl)
		vg_ctl_server_reply(l->agent->ctl, l->conn_id, l->req_id, r < 0 ? NULL : result, r < 0 ? &l->err : NULL);
	else if (r != VG_CTL_DEFERRED)
		json_decref(result);
	json_decref(l->args);
	free(l);
}

static int cmd_submit(struct vg_agent *agent, struct vg_ctl_request *req, json_t **result, struct vg_error *err)
{
	const struct task_kind *k = kind_named(req->cmd);
	bool quarantine = k && strncmp(k->name, "quarantine-", 11) == 0;
	const char *user = json_string_value(json_object_get(req->args, "user"));
	struct lookup *l;
	int r;

	if (!k || !agent->tasks || (!quarantine && !(user && user[0] && strcmp(k->name, "run") == 0)))
		return submit_local(agent, req, result, err);
	/* The form first, at once; then what needs the host. */
	if ((r = quarantine ? vg_task_quarantine_prefix_check(json_string_value(json_object_get(req->args, "id")), err)
			    : vg_task_request_check(k->name, req->args, err)) < 0)
		return r;
	if (!(l = calloc(1, sizeof(*l))) || !(l->args = json_deep_copy(req->args))) {
		free(l);
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	}
	l->agent = agent;
	l->server = req->server;
	l->conn_id = req->conn_id;
	l->req_id = req->id;
	l->peer = *req->peer;
	l->cmd = req->def->name;
	if (quarantine)
		snprintf(l->quarantine_dir, sizeof(l->quarantine_dir), "%s/quarantine", agent->cfg.state_dir);
	if (!vg_workers_submit(agent->workers, lookup_work, lookup_done, l)) {
		json_decref(l->args);
		free(l);
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	}
	return VG_CTL_DEFERRED;
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
	o = json_pack("{s:I, s:s, s:s, s:O, s:O, s:O, s:n, s:n, s:n}", "id", (json_int_t)n, "kind",
		      kind_named(kind)->name, "source",
		      source && strcmp(source, JOURNAL_SERVER_TASK) == 0 ? "server" : source ? source : "", "state",
		      json_object_get(row, "state"), "uid", json_object_get(row, "uid"), "request",
		      json_object_get(row, "request"), "created", "started", "ended");
	if (!o)
		return NULL;
	vg_ctl_set_time(o, "created", (int64_t)json_integer_value(json_object_get(row, "created")));
	vg_ctl_set_time(o, "started", (int64_t)json_integer_value(json_object_get(row, "started")));
	vg_ctl_set_time(o, "ended", (int64_t)json_integer_value(json_object_get(row, "ended")));
	result = json_is_object(result) ? json_deep_copy(result) : json_null();
	result_times(result);
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
	bool reader;                       /* show, list: redacted for the read-only group */
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
	json_t *rows = vg_journal_list(view, VG_JOURNAL_TASKS, (unsigned)(jj->limit + (json_int_t)jj->nskip), false), *row;
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
		if (jj->reader)
			redacted(item);
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
	row = vg_journal_get(view, VG_JOURNAL_TASKS, text);
	if (!row || !(old = journal_task_json(row))) {
		vg_error_set(&jj->err, -ENOENT, N_("no task %s"), text);
		goto out;
	}
	switch (jj->op) {
	case JOURNAL_SHOW:
		jj->result = jj->reader ? redacted(json_incref(old)) : json_incref(old);
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
	jj->reader = reader(req);
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
	if (reader(req))
		return vg_error_set(err, -EPERM, N_("the output of a task is shown to root only"));
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
		item = reader(req) ? redacted(task_json(t)) : task_json(t);
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

	for (size_t i = 0; i < json_array_size(lj->result); i++)
		result_times(json_array_get(lj->result, i));
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

static void protect_refresh_work(struct vg_job *job, void *data)
{
	(void)job;
	vg_protect_refresh(data);
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
	struct vg_error cg_err = { 0 };
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
	if ((r = vg_protect_new(&tasks->protect, &(struct vg_protect_config){ 0 })) < 0) {
		tasks_free(tasks);
		return vg_error_set(err, r, N_("out of memory"));
	}
	/* Without cgroup v2 a run's process group is what is killed, and status says so. */
	if (vg_task_cgroups_open(&tasks->cgroups, &cg_err) < 0)
		vg_warn("tasks: runs get no cgroup of their own: %s", cg_err.message);
	/* The package index is read once now, off the loop; deletes refresh it when dpkg ran. */
	vg_workers_submit(tasks->pool, protect_refresh_work, NULL, tasks->protect);
	/* The caps are applied now, after every task that ends, and every hour (the ages). */
	tasks->retention_timer = vg_loop_timer(agent->loop, RETENTION_PERIOD_MS, RETENTION_PERIOD_MS, on_retention_tick,
					       tasks);
	retention_request(tasks);
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
	json_object_set_new(o, "protected", vg_protect_status(tasks->protect));
	json_object_set_new(o, "run_cgroups",
			    vg_task_cgroups_status(tasks->cgroups,
						   (uint64_t)vg_setting_int(agent->settings, VG_S_TASKS_RUN_MEMORY_MAX_MB) << 20,
						   (uint64_t)vg_setting_int(agent->settings, VG_S_TASKS_RUN_TASKS_MAX)));
	json_object_set_new(o, "retention", retention_status(tasks));
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
