/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The Sigma rule engine of libvigil: a loader for Sigma rules (YAML, one rule per document,
 * rule collections and correlation rules), a compiler into a rule set with prefilters, and a
 * matcher that evaluates events against the set.  See vg_sigma(3).
 *
 * Loading: a set (struct vg_sigma_set) takes files, directories or memory.  A rule that uses
 * anything the engine cannot honour (an unknown modifier, a field with no mapping, a log
 * source without events, a bad regular expression...) is refused whole and recorded as a
 * reject with its file, line, column and reason; the other rules load.  vg_sigma_set_compile()
 * then resolves correlations and builds the indexes; after it the set is read-only and may be
 * shared by threads.
 *
 * Matching: a matcher (struct vg_sigma_matcher, one per thread) holds the per-event caches and
 * the correlation windows.  The caller gives each event with the log source(s) it belongs to
 * and an accessor (struct vg_sigma_event), or an OCSF event as JSON
 * (vg_sigma_matcher_eval_ocsf), with the event's time: the library never reads a clock.
 */
#ifndef VIGIL_SIGMA_H
#define VIGIL_SIGMA_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vigil/error.h"

struct vg_sigma_set;
struct vg_sigma_rule;
struct vg_sigma_matcher;

/*
 * Log sources, as bits: an event may belong to several (a file update is both file_event and
 * file_change).  All are `product: linux`.
 */
enum vg_sigma_source {
	VG_SIGMA_SRC_PROCESS_CREATION = 1u << 0,    /* category: process_creation */
	VG_SIGMA_SRC_NETWORK_CONNECTION = 1u << 1,  /* category: network_connection */
	VG_SIGMA_SRC_FILE_EVENT = 1u << 2,          /* category: file_event */
	VG_SIGMA_SRC_FILE_CHANGE = 1u << 3,         /* category: file_change */
	VG_SIGMA_SRC_FILE_RENAME = 1u << 4,         /* category: file_rename */
	VG_SIGMA_SRC_FILE_DELETE = 1u << 5,         /* category: file_delete */
	VG_SIGMA_SRC_AUDITD = 1u << 6,              /* service: auditd, one audit record */
};
#define VG_SIGMA_SRC_COUNT 7
#define VG_SIGMA_SRC_ALL ((1u << VG_SIGMA_SRC_COUNT) - 1)

/* The Sigma name of one source bit ("process_creation", "auditd"); NULL for anything else. */
const char *vg_sigma_source_name(unsigned source);

/*
 * The field mapping: for each source, the Sigma field names a rule may use and where the
 * value is read in an OCSF event.  paths are tried in order and the first one present in the
 * event gives the values.  For auditd every field of the record may be used by its own name
 * (the table lists those the agent's records carry; others are accepted too).
 */
enum vg_sigma_convert {
	VG_SIGMA_CONVERT_NONE = 0,
	VG_SIGMA_CONVERT_INITIATED,  /* connection_info.direction_id: 2 gives "true", others "false" */
	VG_SIGMA_CONVERT_IS_IPV6,    /* an address: "true" when it is IPv6, else "false" */
	VG_SIGMA_CONVERT_HASHES,     /* an OCSF hashes array: one value "SHA256=…,MD5=…" as Sysmon */
};

struct vg_sigma_field_map {
	unsigned source;             /* one VG_SIGMA_SRC_* bit */
	const char *sigma;           /* "Image" */
	const char *paths[3];        /* "process.file.path", then fallbacks; NULL-terminated */
	enum vg_sigma_convert convert;
	const char *note;            /* what the mapping means on Linux, in English */
};

size_t vg_sigma_field_count(void);
const struct vg_sigma_field_map *vg_sigma_field_at(size_t i);
/* The mapping of a Sigma field name for a source (case-sensitive); NULL when it has none.  For
 * auditd, a name that is not in the table but is a valid audit field name gets a mapping of
 * its own (paths[0] is the name). */
const struct vg_sigma_field_map *vg_sigma_field_find(unsigned source, const char *sigma);

/* Limits applied while loading and matching; vg_sigma_limits_init() fills the defaults. */
struct vg_sigma_limits {
	size_t max_file_size;         /* 1 MiB of YAML per file or memory buffer */
	unsigned max_depth;           /* 32 nested YAML collections */
	unsigned max_nodes;           /* 100000 YAML nodes per file */
	size_t max_string;            /* 65536 bytes per YAML scalar */
	unsigned max_documents;       /* 1024 YAML documents per file */
	unsigned max_rules;           /* 100000 rules per set (more are rejected) */
	unsigned max_files;           /* 100000 files read by vg_sigma_set_add_dir */
	unsigned max_values;          /* 4096 values of one field item after expansion (windash...) */
	unsigned max_condition_depth; /* 64 nested parentheses or operators in a condition */
	size_t max_regex;             /* 4096 bytes of regular expression */
	uint32_t regex_match_limit;   /* PCRE2 match limit: 100000 */
	uint32_t regex_depth_limit;   /* PCRE2 depth limit: 1000 */
	size_t max_event_bytes;       /* 1 MiB of values read from one event (more are ignored) */
	unsigned corr_max_groups;     /* 1024 groups per correlation rule: the oldest is evicted */
	unsigned corr_max_events;     /* 256 events kept per group: the oldest is evicted */
	unsigned corr_max_evidence;   /* 16 event ids reported with a correlation match */
};

void vg_sigma_limits_init(struct vg_sigma_limits *limits);

/*
 * Sets of rules.
 */

/* A new empty set; limits may be NULL (defaults) and are copied.  Returns 0 or -ENOMEM. */
int vg_sigma_set_new(const struct vg_sigma_limits *limits, struct vg_sigma_set **set);
void vg_sigma_set_free(struct vg_sigma_set *set);

/* Gives the values of a placeholder (`%name%` under the expand modifier), before rules are
 * added.  Each value is a Sigma string (wildcards and escapes apply).  A rule that expands a
 * placeholder with no values is refused.  Returns 0, -EINVAL (bad name, set compiled) or
 * -ENOMEM. */
int vg_sigma_set_placeholder(struct vg_sigma_set *set, const char *name, const char *const *values, size_t n);

/* Keeps the rule with this id or name loaded but not reported: it gives no match of its own and
 * still feeds the correlations that reference it.  Call before vg_sigma_set_compile(); an id
 * that no rule has is accepted (nothing happens).  Returns 0, -EINVAL or -ENOMEM. */
int vg_sigma_set_disable(struct vg_sigma_set *set, const char *id_or_name);

/*
 * Regular expressions evaluated elsewhere (the agent's parser sandbox) instead of by PCRE2 in
 * this process.  match() tests value (len bytes, NUL allowed) against pattern (plen bytes, PCRE2
 * syntax, UTF with invalid sequences allowed, plus the PCRE2 options in flags: only
 * PCRE2_CASELESS, PCRE2_MULTILINE and PCRE2_DOTALL, from the i, m and s modifiers) within the
 * PCRE2 match and depth limits; it returns 1 (match), 0 (no match) or a negative code when it
 * could not tell (a limit, the evaluator unavailable): the test is then false, and counted in
 * the matcher's regex_limits.  Called with value NULL while a rule is added, it only checks
 * that the pattern compiles: 0, or -EINVAL when it does not (the rule is refused), another
 * negative code when it cannot tell (the rule is refused too, saying so).  It is called from
 * the thread adding rules and from each matcher's thread.  vg_sigma_regex_local() is such a
 * function that runs PCRE2 here (data unused): what the sandbox itself calls.
 */
typedef int (*vg_sigma_regex_fn)(void *data, const char *pattern, size_t plen, uint32_t flags,
				 uint32_t match_limit, uint32_t depth_limit, const char *value, size_t len);
struct vg_sigma_regex {
	vg_sigma_regex_fn match;
	void *data;
};

int vg_sigma_regex_local(void *data, const char *pattern, size_t plen, uint32_t flags, uint32_t match_limit,
			 uint32_t depth_limit, const char *value, size_t len);

/* The rules added to the set from now on hand their regular expressions to regex (copied; its
 * data must outlive the set), none compiled here; NULL: compiled and run here again.  Returns 0,
 * or -EINVAL once the set is compiled. */
int vg_sigma_set_regex(struct vg_sigma_set *set, const struct vg_sigma_regex *regex);

/*
 * Adding rules: each returns the number of rules accepted from the input (>= 0), or a negative
 * code when the input itself could not be read (-ENOENT, -EACCES, -EFBIG, -EINVAL for a
 * directory given as a file...) with err filled; every refused rule, and an input that could
 * not be read, is recorded as a reject.  -ENOMEM leaves the set usable.  name names a memory
 * buffer in messages.  vg_sigma_set_add_dir() reads the regular files ending in .yml or .yaml
 * under dir (recursively, in name order, symbolic links not followed).
 */
int vg_sigma_set_add_file(struct vg_sigma_set *set, const char *path, struct vg_error *err);
int vg_sigma_set_add_memory(struct vg_sigma_set *set, const char *data, size_t len, const char *name,
			    struct vg_error *err);
int vg_sigma_set_add_dir(struct vg_sigma_set *set, const char *dir, struct vg_error *err);

/* Resolves correlation rules (by id or name, across every input of the set), refuses those
 * that reference a missing or refused rule or a cycle, and builds the indexes.  Adding is no
 * longer possible afterwards.  Returns 0 or -ENOMEM (err filled). */
int vg_sigma_set_compile(struct vg_sigma_set *set, struct vg_error *err);

/* The rules accepted, in the order they were added (valid while the set lives). */
size_t vg_sigma_set_rule_count(const struct vg_sigma_set *set);
const struct vg_sigma_rule *vg_sigma_set_rule(const struct vg_sigma_set *set, size_t i);
/* A rule by id (exact) or name; NULL when none. */
const struct vg_sigma_rule *vg_sigma_set_find(const struct vg_sigma_set *set, const char *id_or_name);

/* A refused rule or input: where, which rule when it could be read, and why (err.message is
 * "FILE:LINE:COLUMN: reason", err.msgid and err.args let a client translate it). */
struct vg_sigma_reject {
	const char *file;
	unsigned line, column;       /* 1-based; 0 when not known */
	const char *id;              /* "" when the rule has none or it could not be read */
	const char *title;           /* "" likewise */
	const char *source_name;     /* the rule's log source ("process_creation", "syslog"...), or "" */
	bool unsupported_source;     /* refused only because its log source has no events here */
	struct vg_error error;
};

/* At most 4096 rejects are kept; vg_sigma_set_reject_total() counts them all. */
size_t vg_sigma_set_reject_count(const struct vg_sigma_set *set);
size_t vg_sigma_set_reject_total(const struct vg_sigma_set *set);
const struct vg_sigma_reject *vg_sigma_set_reject(const struct vg_sigma_set *set, size_t i);

/* The sources that at least one reported rule (or a rule feeding a correlation) listens to:
 * an event of no other source needs no evaluation. */
unsigned vg_sigma_set_sources(const struct vg_sigma_set *set);

/* What the auditd rules of the set look at, so that the agent collects those records: the
 * record types named by `type` (exact values), the syscalls named by `SYSCALL` or `syscall`,
 * and the audit keys named by `key`.  any_type is true when some auditd rule does not restrict
 * the record type.  The strings belong to the set. */
struct vg_sigma_audit_needs {
	bool any_type;
	const char *const *types;
	size_t ntypes;
	const char *const *syscalls;
	size_t nsyscalls;
	const char *const *keys;
	size_t nkeys;
};

void vg_sigma_set_audit_needs(const struct vg_sigma_set *set, struct vg_sigma_audit_needs *needs);

/*
 * Rules.
 */
enum vg_sigma_rule_type {
	VG_SIGMA_DETECTION = 0,      /* a rule with a detection section */
	VG_SIGMA_EVENT_COUNT,        /* correlations */
	VG_SIGMA_VALUE_COUNT,
	VG_SIGMA_TEMPORAL,
	VG_SIGMA_TEMPORAL_ORDERED,
};

enum vg_sigma_level {
	VG_SIGMA_LEVEL_NONE = 0,     /* not given */
	VG_SIGMA_LEVEL_INFORMATIONAL,
	VG_SIGMA_LEVEL_LOW,
	VG_SIGMA_LEVEL_MEDIUM,
	VG_SIGMA_LEVEL_HIGH,
	VG_SIGMA_LEVEL_CRITICAL,
};

enum vg_sigma_status {
	VG_SIGMA_STATUS_NONE = 0,    /* not given */
	VG_SIGMA_STATUS_STABLE,
	VG_SIGMA_STATUS_TEST,
	VG_SIGMA_STATUS_EXPERIMENTAL,
	VG_SIGMA_STATUS_DEPRECATED,
};

/* A list of strings owned by the set. */
struct vg_sigma_strings {
	const char *const *v;
	size_t n;
};

/* What a rule says about itself.  Every string is "" when the rule does not give it; the
 * pointers stay valid while the set lives. */
struct vg_sigma_rule_info {
	enum vg_sigma_rule_type type;
	const char *id;
	const char *name;
	const char *title;
	const char *description;
	const char *author;
	const char *date;
	const char *modified;
	enum vg_sigma_status status;
	enum vg_sigma_level level;
	struct vg_sigma_strings tags;            /* as written: "attack.t1059.004" */
	struct vg_sigma_strings techniques;      /* ATT&CK technique ids from the tags: "T1059.004" */
	struct vg_sigma_strings tactics;         /* ATT&CK tactics from the tags: "execution" */
	struct vg_sigma_strings references;
	struct vg_sigma_strings falsepositives;
	struct vg_sigma_strings fields;          /* the rule's `fields` */
	const char *product, *category, *service; /* the logsource as written */
	unsigned sources;                        /* VG_SIGMA_SRC_* the rule listens to (for a
						    correlation: those of the rules it counts) */
	struct vg_sigma_strings selections;      /* detection: the search identifiers */
	/* Correlations: */
	struct vg_sigma_strings rules;           /* the referenced rules as written */
	struct vg_sigma_strings group_by;
	int64_t timespan_ms;
	const char *file;
	unsigned line;                           /* of the document's first line */
	const char *yaml;                        /* the document's text as written */
	bool reported;                           /* gives matches of its own (not disabled, and not
						    only the input of a correlation without generate) */
};

const struct vg_sigma_rule_info *vg_sigma_rule_info(const struct vg_sigma_rule *rule);
const char *vg_sigma_level_name(enum vg_sigma_level level);     /* "high"; "" for NONE */
const char *vg_sigma_status_name(enum vg_sigma_status status);  /* "test"; "" for NONE */
const char *vg_sigma_rule_type_name(enum vg_sigma_rule_type type); /* "detection", "event_count"... */

/*
 * Events.  get() gives the values of one field: it calls emit once per value (value NULL for
 * a JSON null; numbers and booleans as their text) and returns 1 when the field exists, 0 when
 * it does not, or a negative code when it cannot be read (the field is then taken as absent).
 * path is a mapping path ("process.file.path") or, for an auditd record, the record's field
 * name ("a0", "type").  each(), optional, gives every value of the event for keyword search;
 * without it keywords are searched in the source's mapped fields.  emit returns non-zero to
 * stop early.  Values are copied: they need to live only during the call.
 */
typedef int (*vg_sigma_emit_fn)(void *sink, const char *value, size_t len);

struct vg_sigma_event {
	unsigned sources;            /* VG_SIGMA_SRC_* bits the event belongs to */
	int (*get)(const struct vg_sigma_event *ev, const char *path, vg_sigma_emit_fn emit, void *sink);
	int (*each)(const struct vg_sigma_event *ev, vg_sigma_emit_fn emit, void *sink);
	const void *data;
	uint64_t id;                 /* the caller's id of the event, reported by correlations */
	int record;                  /* the audit record index, reported back; -1 otherwise */
};

/*
 * OCSF events (JSON as the agent emits them): the sources an event belongs to, from class_uid
 * and activity_id (Process Activity Launch: process_creation; Network Activity Open:
 * network_connection; File System Activity Create/Update/Rename: file_event, and
 * Update: file_change, Rename: file_rename, Delete: file_delete), and accessors over it.  The
 * raw audit records behind an event are in `unmapped.audit`, an array of objects, one per
 * record: {"type": "SYSCALL", "syscall": "59", "SYSCALL": "execve", "exe": "/usr/bin/dd", ...}
 * (see vg_sigma(3) for what they hold); each is matched by the auditd rules on its own.
 */
unsigned vg_sigma_ocsf_sources(const json_t *event);
/* Makes ev read the OCSF event (sources from vg_sigma_ocsf_sources()); json must outlive ev. */
void vg_sigma_ocsf_event(struct vg_sigma_event *ev, const json_t *json, uint64_t id);
/* Makes ev read one audit record (an element of unmapped.audit) as an auditd event. */
void vg_sigma_ocsf_record(struct vg_sigma_event *ev, const json_t *record, uint64_t id, int index);

/*
 * Matching.
 */

/* One match: a rule that held for the event (or, for a correlation, for the events counted). */
struct vg_sigma_match {
	const struct vg_sigma_rule *rule;
	unsigned source;             /* the source bit the event was matched as (0 for a correlation
					fired by vg_sigma_matcher_tick) */
	uint64_t event_id;           /* the event's id (for a correlation: of the last event) */
	int record;                  /* the audit record's index, or -1 */
	struct vg_sigma_strings selections; /* detection: the search identifiers that held */
	/* Correlations: */
	const char *group;           /* "User=root" for the group-by values ("" without group-by) */
	uint64_t count;              /* the events, distinct values or rules counted */
	int64_t first_ms, last_ms;   /* times of the first and last events counted */
	const uint64_t *event_ids;   /* ids of the events counted, newest last (at most
					limits.corr_max_evidence) */
	size_t nevent_ids;
};

/* A matcher over a compiled set (which must outlive it).  Returns 0, -EINVAL (set not
 * compiled) or -ENOMEM. */
int vg_sigma_matcher_new(const struct vg_sigma_set *set, struct vg_sigma_matcher **m);
void vg_sigma_matcher_free(struct vg_sigma_matcher *m);

/* Evaluates one event at time_ms (the event's time, in milliseconds) and returns the number
 * of matches (>= 0; read them with vg_sigma_matcher_match) or -ENOMEM.  Correlations whose
 * condition is met by this event are among the matches. */
int vg_sigma_matcher_eval(struct vg_sigma_matcher *m, const struct vg_sigma_event *ev, int64_t time_ms);

/* Evaluates an OCSF event: the event itself for its sources, then each record of
 * unmapped.audit for the auditd rules.  Same result as vg_sigma_matcher_eval(). */
int vg_sigma_matcher_eval_ocsf(struct vg_sigma_matcher *m, const json_t *event, uint64_t id, int64_t time_ms);

/* Lets time pass: closes the correlation windows that end before time_ms (a condition such as
 * `lt` or `eq` can only be decided then), and forgets groups older than their timespan.  Call
 * it now and then (every second) with the same clock as the events.  Returns the number of
 * matches (correlations) or a negative code. */
int vg_sigma_matcher_tick(struct vg_sigma_matcher *m, int64_t time_ms);

/* The matches of the last eval or tick, in rule order; valid until the next call. */
size_t vg_sigma_matcher_count(const struct vg_sigma_matcher *m);
const struct vg_sigma_match *vg_sigma_matcher_match(const struct vg_sigma_matcher *m, size_t i);

/* Counters since the matcher was made. */
struct vg_sigma_stats {
	uint64_t events;             /* events and audit records evaluated */
	uint64_t candidates;         /* rules the prefilters let through to full evaluation */
	uint64_t matches;            /* matches reported (detections and correlations) */
	uint64_t regex_limits;       /* regex matches stopped by a limit (counted as no match) */
	uint64_t values_truncated;   /* event values ignored over limits.max_event_bytes */
	uint64_t corr_groups;        /* correlation groups alive now */
	uint64_t corr_groups_evicted; /* groups dropped because corr_max_groups was reached */
	uint64_t corr_events_evicted; /* events dropped from a group over corr_max_events */
};

void vg_sigma_matcher_stats(const struct vg_sigma_matcher *m, struct vg_sigma_stats *stats);

#endif
