/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The detection subsystem's private parts, shared by its files.
 *
 * Events flow through it on the telemetry's enrichment thread (stage.c): each one is
 * evaluated against the compiled Sigma rules and the armed OpenIOC documents, and a match
 * becomes an OCSF Detection Finding (finding.c) handed to the loop thread through a bounded
 * queue.  On the loop (subsystem.c) a finding gets its response (response.c: alert, block,
 * terminate, quarantine, isolate), is emitted to the spool, stored in the detections table
 * (db.c, on a worker) and published to the "detections" stream.
 *
 * What the enrichment thread reads — the rules, the armed documents — is an immutable,
 * reference-counted snapshot (struct vg_det_rules) built on a worker and swapped in whole.
 */
#ifndef VIGIL_DETECT_H
#define VIGIL_DETECT_H

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <limits.h>
#include <sys/types.h>

#include "agent.h"
#include "sandbox.h"
#include "vigil/ioc.h"
#include "vigil/sigma.h"

struct vg_error;
struct vg_watch;
struct vg_tq;
struct vg_det_db;
struct vg_det_stage;
struct det_waiter;

#define VG_DET_MAX_DIRS 32
#define VG_DET_MAX_WATCHES 64
#define VG_DET_FINDINGS_MAX 4096       /* findings waiting for the loop; more are dropped (counted) */
#define VG_DET_SERVER_RULE_MAX (1024 * 1024)

/* An armed OpenIOC document. */
struct vg_det_watch {
	char id[80];                    /* the document's id, or a name made from its file */
	char file[256];                 /* where it came from (a file name, "server") */
	struct vg_ioc *ioc;
	bool process, file_doc;         /* needs ProcessItem, FileItem objects */
	int64_t armed_ms;
};

/* The regular expressions of the server's Sigma rules and of the armed OpenIOC documents,
 * compiled and matched in a sandbox of the detection's own (regex.c).  Counted references: the
 * rule sets and the jobs that load them hold one. */
struct vg_det_regex;

int vg_det_regex_new(struct vg_agent *agent, struct vg_det_regex **out, struct vg_error *err);
struct vg_det_regex *vg_det_regex_ref(struct vg_det_regex *rx);
void vg_det_regex_unref(struct vg_det_regex *rx);
/* Kills its worker, so that a request under way ends at once (the agent stops). */
void vg_det_regex_shutdown(struct vg_det_regex *rx);
const struct vg_sigma_regex *vg_det_regex_sigma(const struct vg_det_regex *rx);
const struct vg_ioc_regex *vg_det_regex_ioc(const struct vg_det_regex *rx);
/* Its worker (pid, starts, deaths, last death), round trips, answers remembered, unknown. */
json_t *vg_det_regex_status(struct vg_det_regex *rx);

/* What the enrichment thread evaluates: compiled rules and armed documents.  Read-only once
 * published; freed when the last reference goes. */
struct vg_det_rules {
	atomic_int refs;
	struct vg_det_regex *regex;     /* evaluates the server's and the documents' expressions */
	uint64_t generation;
	struct vg_sigma_set *set;       /* NULL when no rule could be read */
	unsigned sources;               /* vg_sigma_set_sources() */
	bool correlations;              /* some rule is a correlation: keep evidence of past events */
	struct vg_det_watch *watches;
	size_t nwatches;
	int64_t loaded_ms;
	unsigned files;                 /* rule files read */
	json_t *inputs;                 /* [{dir, rules, error?}] what was read, for status */
	json_t *disabled;               /* array of rule ids or names disabled when it was built */
};

struct vg_det_rules *vg_det_rules_ref(struct vg_det_rules *r);
void vg_det_rules_unref(struct vg_det_rules *r);

/* What a build reads: directories (in order), the server's rule directory, the disabled
 * rules and the armed documents (copied; the loop thread keeps its own). */
struct vg_det_build {
	char *dirs[VG_DET_MAX_DIRS + 1];
	size_t ndirs;
	char *server_dir;
	char **disabled;
	size_t ndisabled;
	json_t *watches;                /* [{id, file, document}] */
	uint64_t generation;
	struct vg_sandbox *sandbox;     /* where the watches' documents are parsed */
	struct vg_sandbox_limits limits;
	struct vg_det_regex *regex;     /* a reference */
};

void vg_det_build_free(struct vg_det_build *b);
/* Loads and compiles (on a worker).  A rule or a directory that fails is a reject of the set;
 * only running out of memory fails the build. */
int vg_det_rules_build(const struct vg_det_build *b, struct vg_det_rules **out, struct vg_error *err);

/* JSON views of a rule set (ruleset.c). */
/* "enabled", "disabled" (by an administrator) or "correlated" (only feeds a correlation). */
const char *vg_det_rule_state(const struct vg_det_rules *r, const struct vg_sigma_rule_info *info);
json_t *vg_det_rule_summary(const struct vg_det_rules *r, const struct vg_sigma_rule *rule);
json_t *vg_det_rule_detail(const struct vg_det_rules *r, const struct vg_sigma_rule *rule);
json_t *vg_det_rejects_json(const struct vg_sigma_set *set, size_t max);
json_t *vg_det_watches_json(const struct vg_det_rules *r);
/* Loads one OpenIOC document for live evaluation, parsed in the parser sandbox sb (on a
 * worker: it waits for the sandbox); fills w. */
int vg_det_watch_load(struct vg_det_watch *w, struct vg_sandbox *sb, const struct vg_sandbox_limits *limits,
		      const struct vg_det_regex *regex, const char *id, const char *file, const char *document, size_t len,
		      struct vg_error *err);
void vg_det_watch_free(struct vg_det_watch *w);

/*
 * The stage (stage.c): evaluation on the enrichment thread.
 */
struct vg_det_stage_stats {
	uint64_t events, evaluated, matches, ioc_matches, dropped, errors;
	uint64_t max_eval_us;           /* the longest evaluation of one event */
	uint64_t total_eval_us;
};

int vg_det_stage_new(struct vg_det_stage **out, int notify_fd);
void vg_det_stage_free(struct vg_det_stage *st);
/* Publishes a new snapshot (a reference is taken); the enrichment thread takes it at its
 * next event.  NULL: evaluate nothing. */
void vg_det_stage_publish(struct vg_det_stage *st, struct vg_det_rules *rules);
/* The telemetry's hooks (enrichment thread). */
bool vg_det_stage_event(void *data, json_t *event);
void vg_det_stage_idle(void *data);
/* Findings made, for the loop thread (up to max, references given). */
size_t vg_det_stage_take(struct vg_det_stage *st, json_t **out, size_t max);
void vg_det_stage_stats(struct vg_det_stage *st, struct vg_det_stage_stats *stats);

/*
 * Findings (finding.c).
 */

/* A finding for a Sigma match over event (the evidence is copied from it); NULL when out of
 * memory.  The finding's uid is new. */
json_t *vg_det_finding_sigma(const struct vg_sigma_match *m, const json_t *event, const json_t *const *past,
			     size_t npast, int64_t now_ms);
/* A finding for an armed OpenIOC document that matched event. */
json_t *vg_det_finding_ioc(const struct vg_det_watch *w, const struct vg_ioc_eval *ev, const json_t *event,
			   int64_t now_ms);
/* The evidence object of one event: the OCSF objects it carries (process, actor, file,
 * endpoints...) and, for an audit record, the record. */
json_t *vg_det_evidence(const json_t *event, int record);
/* Severity of a Sigma level: informational 1 ... critical 5, 0 when unknown. */
int vg_det_severity(enum vg_sigma_level level);
/* The ATT&CK attacks of a rule's tags (OCSF attack objects); a new array. */
json_t *vg_det_attacks(const struct vg_sigma_rule_info *info);

/* The process a finding is about, for responses: pid and start time (clock ticks since boot,
 * field 22 of /proc/PID/stat), checked to have started no later than the event.  Read on the
 * enrichment thread right when the finding is made; false when the process is gone or is
 * another one. */
bool vg_det_process_start(pid_t pid, int64_t event_ms, unsigned long long *start_ticks);

/*
 * Live indicators (ioc-live.c): an event as an OpenIOC object.
 */

/* Evaluates the armed documents on event (a process launch or a file write); returns the
 * findings made (a new array, empty when nothing matched). */
json_t *vg_det_ioc_eval(const struct vg_det_rules *r, const json_t *event, int64_t now_ms);

/*
 * Responses (response.c).
 */
enum vg_det_action {
	VG_DET_ALERT = 0,
	VG_DET_BLOCK,
	VG_DET_TERMINATE,
	VG_DET_QUARANTINE,
	VG_DET_ISOLATE,
	VG_DET_NACTIONS,
};

const char *vg_det_action_name(enum vg_det_action a);
/* Checks one item of detection.policies: SELECTOR=ACTION, SELECTOR being id:ID, tag:TAG,
 * level:LEVEL or * (every rule). */
int vg_det_policy_validate(const char *item, struct vg_error *err);
/* The action for a finding under the policies (a comma-separated list; the most specific
 * selector wins: id, then tag, then level, then *). */
enum vg_det_action vg_det_policy_action(const char *policies, const json_t *finding);
/* Carries the action out (loop thread): tasks for terminate, block and quarantine, isolation
 * for isolate.  Returns what was done ({action, task_id | state | error}), a new object. */
json_t *vg_det_respond(struct vg_agent *agent, enum vg_det_action action, json_t *finding);

/*
 * The detections table and the subsystem's own state (db.c): one connection of its own,
 * used on workers only.
 */
int vg_det_db_open(struct vg_det_db **out, const char *path, struct vg_error *err);
void vg_det_db_close(struct vg_det_db *db);
int vg_det_db_store(struct vg_det_db *db, const json_t *finding, int64_t stored_ms, unsigned keep,
		    struct vg_error *err);
json_t *vg_det_db_list(struct vg_det_db *db, unsigned limit, int64_t since_ms, const char *rule, struct vg_error *err);
json_t *vg_det_db_get(struct vg_det_db *db, const char *uid, struct vg_error *err);
int64_t vg_det_db_count(struct vg_det_db *db);
/* Disabled rules: the list, and a change (who asked). */
json_t *vg_det_db_disabled(struct vg_det_db *db, struct vg_error *err);
int vg_det_db_set_disabled(struct vg_det_db *db, const char *rule, bool disabled, uid_t uid, struct vg_error *err);
/* Armed documents: [{id, file, document, armed, source}]. */
json_t *vg_det_db_watches(struct vg_det_db *db, struct vg_error *err);
int vg_det_db_add_watch(struct vg_det_db *db, const char *id, const char *file, const char *document,
			const char *source, uid_t uid, struct vg_error *err);
int vg_det_db_remove_watch(struct vg_det_db *db, const char *id, struct vg_error *err);

/*
 * The subsystem (subsystem.c) and its commands (commands.c).
 */
struct vg_detect {
	struct vg_agent *agent;
	struct vg_det_db *db;
	struct vg_det_stage *stage;
	int efd;                         /* the stage tells the loop findings wait */
	struct vg_watch *efd_watch;
	struct vg_watch *tick;
	struct vg_det_rules *rules;      /* the snapshot in force (loop thread's reference) */
	struct vg_det_regex *regex;      /* the sandbox of the rules' regular expressions */
	json_t *disabled;                /* what the db holds, read at start and kept in step */
	json_t *watches;                 /* likewise: [{id, file, document, armed, source}] */
	char fingerprint[8192];          /* the settings the rules were loaded with */
	uint64_t generation;
	bool loading, reload_again;
	struct det_waiter *waiting;      /* answered when the load in progress ends */
	void *shared;                    /* what jobs on workers share with it (subsystem.c) */
	char server_dir[PATH_MAX];
	uint64_t findings, responses, stored, store_errors, findings_dropped_reported;
	int64_t last_finding_ms;
	char last_error[256];
	bool audit_wanted;               /* what was asked of the telemetry last */
};

/* Starts a load of the rules with the current settings and state; answer (may be NULL) is
 * called on the loop thread when it ends, with d NULL when the subsystem stopped first. */
typedef void (*vg_det_loaded_fn)(struct vg_detect *d, const struct vg_error *err, void *data);
void vg_det_reload(struct vg_detect *d, vg_det_loaded_fn answer, void *data);
/* A job on the agent's workers with the database: work runs there, done on the loop thread
 * (with d NULL when the subsystem stopped meanwhile: it only frees data then). */
int vg_det_db_job(struct vg_detect *d, void (*work)(struct vg_det_db *db, void *data),
		  void (*done)(struct vg_detect *d, void *data), void *data);

/* Rules and documents pushed by the server (OpenC2 update x-vigil:...): answered to request_id
 * when applied (the tasks journal carries the answer). */
int vg_detect_server_rules(struct vg_agent *agent, const char *request_id, const json_t *spec, struct vg_error *err);
int vg_detect_server_watch(struct vg_agent *agent, const char *request_id, const json_t *spec, struct vg_error *err);

extern const struct vg_agent_command vg_detect_commands[];

#endif
