/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The OpenIOC engine of libvigil: a safe loader for OpenIOC 1.0 and 1.1 documents and an
 * evaluator with three-valued logic and per-object correlation.  See vg_ioc(3).
 *
 * Loading: vg_ioc_load_file() / vg_ioc_load_memory() read a document within limits
 * (struct vg_ioc_limits), refuse any DTD or entity, accept both versions (1.0 is normalised
 * to 1.1 semantics) and report what is wrong in the document as defects instead of failing
 * on what can be tolerated.
 *
 * Evaluating: the caller collects objects (files, processes, ports ...) and hands each one
 * to vg_ioc_eval_object() as a struct vg_ioc_object whose get() gives the values of a field.
 * Inside an Indicator whose items all concern one document, the items must hold for the
 * same object.  vg_ioc_eval_finish() combines the results: match, no match or unknown.
 */
#ifndef VIGIL_IOC_H
#define VIGIL_IOC_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vg_error;
struct vg_ioc;
struct vg_ioc_eval;

enum vg_ioc_truth {
	VG_IOC_FALSE = 0,
	VG_IOC_TRUE = 1,
	VG_IOC_UNKNOWN = 2,
};

/* The documents (audit item types) that have a collector on Linux. */
enum vg_ioc_doc {
	VG_IOC_DOC_FILE = 0,
	VG_IOC_DOC_PROCESS,
	VG_IOC_DOC_PORT,
	VG_IOC_DOC_SYSTEM,
	VG_IOC_DOC_USER,
	VG_IOC_DOC_GROUP,
	VG_IOC_DOC_ROUTE,
	VG_IOC_DOC_ARP,
	VG_IOC_DOC_DNS,
	VG_IOC_DOC_VOLUME,
	VG_IOC_DOC_MODULE,
	VG_IOC_DOC_TASK,
	VG_IOC_DOC_COUNT,
};

/* The value types of terms and Content. */
enum vg_ioc_type {
	VG_IOC_TYPE_STRING = 0,
	VG_IOC_TYPE_INT,
	VG_IOC_TYPE_DATE,
	VG_IOC_TYPE_DURATION,
	VG_IOC_TYPE_BOOL,
	VG_IOC_TYPE_HASH,       /* md5, sha1, sha256: hex, case-insensitive */
	VG_IOC_TYPE_IP,
};

/* One supported term (Context/@search), from the table printed by `vigilctl ioc terms`. */
struct vg_ioc_term {
	const char *search;     /* "FileItem/Md5sum" */
	enum vg_ioc_doc doc;
	enum vg_ioc_type type;
	unsigned field;         /* the collector's field number, unique in the table */
	unsigned flags;         /* VG_IOC_TERM_* */
};

#define VG_IOC_TERM_COSTLY 0x1  /* reading it costs I/O (hashes): evaluated after the cheap items */
#define VG_IOC_TERM_MULTI 0x2   /* several values per object (lists) */

/* The table of supported terms: count and entries. */
size_t vg_ioc_term_count(void);
const struct vg_ioc_term *vg_ioc_term_at(size_t i);
/* Finds a term by its search path, case-insensitively, with an optional "eventItem/" prefix;
 * NULL when it is not supported. */
const struct vg_ioc_term *vg_ioc_term_find(const char *search);
/* The OpenIOC name of a document ("FileItem"). */
const char *vg_ioc_doc_name(enum vg_ioc_doc doc);

/* Limits applied while loading and evaluating; vg_ioc_limits_init() fills the defaults. */
struct vg_ioc_limits {
	size_t max_file_size;           /* 4 MiB */
	unsigned max_elements;          /* 100000 elements */
	unsigned max_depth;             /* 32 nested Indicators */
	unsigned max_items;             /* 10000 IndicatorItems */
	size_t max_content;             /* 65536 bytes of Content */
	size_t max_regex;               /* 4096 bytes of pattern */
	uint32_t regex_match_limit;     /* PCRE2 match limit: 1000000 */
	uint32_t regex_depth_limit;     /* PCRE2 depth limit: 10000 */
};

void vg_ioc_limits_init(struct vg_ioc_limits *limits);

/* Loads a document from a file (read into memory, at most limits->max_file_size bytes) or from
 * memory; name is used in messages.  limits may be NULL (defaults).  On success *ioc owns the
 * document (vg_ioc_free).  Errors: -EFBIG (too large), -EINVAL (not XML, DTD, not OpenIOC, over
 * a limit, unknown condition), -ENOMEM, or the errno of reading the file; err says what and where. */
int vg_ioc_load_file(const char *path, const struct vg_ioc_limits *limits, struct vg_ioc **ioc,
		     struct vg_error *err);
int vg_ioc_load_memory(const char *data, size_t len, const char *name, const struct vg_ioc_limits *limits,
		       struct vg_ioc **ioc, struct vg_error *err);
void vg_ioc_free(struct vg_ioc *ioc);

/* The `matches` tests of a document evaluated elsewhere (the agent's parser sandbox) instead of
 * by PCRE2 in this process.  match() tests n values (bytes: lens[i] long, NUL allowed) against
 * pattern (Perl syntax on bytes, unanchored, dot matching newlines, without case unless
 * preserve_case) within the PCRE2 match and depth limits, and fills out[i] with VG_IOC_TRUE,
 * VG_IOC_FALSE or VG_IOC_UNKNOWN (a limit reached); it returns 0, or a negative code when it
 * could test none (they are then all unknown).  vg_ioc_regex_local() is such a function that
 * runs PCRE2 here (data unused): what the sandbox itself calls. */
typedef int (*vg_ioc_regex_fn)(void *data, const char *pattern, size_t plen, bool preserve_case, uint32_t match_limit,
			       uint32_t depth_limit, const char *const *values, const size_t *lens, size_t n,
			       enum vg_ioc_truth *out);
struct vg_ioc_regex {
	vg_ioc_regex_fn match;
	void *data;
};

int vg_ioc_regex_local(void *data, const char *pattern, size_t plen, bool preserve_case, uint32_t match_limit,
		       uint32_t depth_limit, const char *const *values, const size_t *lens, size_t n,
		       enum vg_ioc_truth *out);

/* A loaded document as a plain JSON tree (jansson's json_t; new reference, NULL when out of
 * memory): its metadata, defects, warnings and every Indicator and item, no compiled regular
 * expression.  vg_ioc_load_tree() rebuilds a document from such a tree made by another process
 * (the agent's parser sandbox), which it reads as hostile: any member of the wrong name, type
 * or size, a term not in the table, counts or depth over limits (may be NULL: defaults) or an
 * item called valid that is not refuse it with -EPROTO, err naming the document (name) and
 * what was wrong.  regex NULL: the regular expressions are compiled and evaluated here (PCRE2);
 * otherwise none is compiled here and each `matches` test goes to regex->match (which must
 * outlive the document), the values of one item on one object in a batch.  The tree's format
 * is described in lib/ioc/tree.c. */
struct json_t;
struct json_t *vg_ioc_tree(const struct vg_ioc *ioc);
int vg_ioc_load_tree(const struct json_t *tree, const char *name, const struct vg_ioc_limits *limits,
		     const struct vg_ioc_regex *regex, struct vg_ioc **ioc, struct vg_error *err);

/* What a loaded document holds. */
struct vg_ioc_info {
	int version;                    /* 10 or 11 */
	const char *id;                 /* the document id ("" when absent) */
	const char *description;        /* short_description ("" when absent) */
	size_t indicators;
	size_t items;
	size_t empty_content;           /* items with an empty Content (defects) */
	size_t unsupported;             /* items whose term has no collector here */
	size_t defects;                 /* all defects found, even those not kept */
};

void vg_ioc_get_info(const struct vg_ioc *ioc, struct vg_ioc_info *info);

/* The defects of the document (what breaks the format) and the warnings about its evaluation
 * (unsupported terms, a test that is only negated).  At most 64 of each are kept. */
size_t vg_ioc_defect_count(const struct vg_ioc *ioc);
const struct vg_error *vg_ioc_defect(const struct vg_ioc *ioc, size_t i);
size_t vg_ioc_warning_count(const struct vg_ioc *ioc);
const struct vg_error *vg_ioc_warning(const struct vg_ioc *ioc, size_t i);

/* Whether evaluating the document needs objects of doc, and the given field of it. */
bool vg_ioc_needs_doc(const struct vg_ioc *ioc, enum vg_ioc_doc doc);
bool vg_ioc_needs_field(const struct vg_ioc *ioc, unsigned field);
/* The supported search terms used by the document, each once: fills terms (at most max) and
 * returns how many there are. */
size_t vg_ioc_terms_used(const struct vg_ioc *ioc, const struct vg_ioc_term **terms, size_t max);

/* A collected object.  get() calls emit once per value of field (none for an empty list) and
 * returns 0, or a negative code when the value cannot be known (unreadable, over a limit):
 * the item is then unknown for this object.  emit returns non-zero to stop early. */
typedef int (*vg_ioc_emit_fn)(void *sink, const char *value, size_t len);

struct vg_ioc_object {
	enum vg_ioc_doc doc;
	int (*get)(const struct vg_ioc_object *obj, unsigned field, vg_ioc_emit_fn emit, void *sink);
	void *data;
	/* What identifies the object in a match: up to two key/value pairs ("path", "/x"). */
	const char *label_key[2];
	const char *label[2];
};

/* One evaluation of a document; the document must outlive it.  Several evaluations of one
 * document may run at the same time in different threads. */
int vg_ioc_eval_new(const struct vg_ioc *ioc, struct vg_ioc_eval **ev);
void vg_ioc_eval_free(struct vg_ioc_eval *ev);
/* Evaluates the document's tests about obj->doc on obj; returns VG_IOC_TRUE when a test
 * matched it. */
enum vg_ioc_truth vg_ioc_eval_object(struct vg_ioc_eval *ev, const struct vg_ioc_object *obj);
/* Combines everything seen.  collected has bit (1u << doc) set for each document whose objects
 * were all given; tests on the others are unknown. */
enum vg_ioc_truth vg_ioc_eval_finish(struct vg_ioc_eval *ev, unsigned collected);

/* What identifies a matched object beyond its labels, taken when it matched (a scan with
 * vg_ioc_scan.identify): an action on it can then check that it acts on that very object. */
struct vg_ioc_identity {
	bool known;                     /* false: not asked for, or the object could not be held */
	uint64_t dev, ino;              /* a file: its device and inode */
	char sha256[65];                /* a file: its content's SHA-256 ("" above the hash limit) */
	unsigned long long start_time;  /* a process: clock ticks after boot (/proc/PID/stat field 22) */
	int pidfd;                      /* a process: a pidfd held since the match, or -1; the evaluation
					 * owns it (vg_ioc_eval_free closes it): dup it to keep it */
};

/* After vg_ioc_eval_finish(): the objects that made the document match, each with the id of
 * the Indicator it satisfied (at most 32 per Indicator). */
struct vg_ioc_match {
	const char *indicator;
	enum vg_ioc_doc doc;
	const char *label_key[2];
	const char *label[2];
	struct vg_ioc_identity identity;
};

size_t vg_ioc_eval_match_count(const struct vg_ioc_eval *ev);
const struct vg_ioc_match *vg_ioc_eval_match(const struct vg_ioc_eval *ev, size_t i);
/* Warnings of the evaluation (regex limits hit, documents not collected). */
size_t vg_ioc_eval_warning_count(const struct vg_ioc_eval *ev);
const struct vg_error *vg_ioc_eval_warning(const struct vg_ioc_eval *ev, size_t i);

const char *vg_ioc_truth_name(enum vg_ioc_truth t);  /* "match", "no-match", "unknown" */

/*
 * Scanning the live host: the collectors walk files, processes, ports and the system, and give
 * every object to each document's evaluation.  Runs on the calling thread, which should be a
 * worker; the progress callback and the cancel flag let the caller watch and stop it.
 */
/* What a scan is doing, in the order it does it (stats.phase). */
enum vg_ioc_phase {
	VG_IOC_PHASE_START = 0,
	VG_IOC_PHASE_SYSTEM,            /* the system facts, users, routes... */
	VG_IOC_PHASE_PROCESSES,
	VG_IOC_PHASE_PORTS,
	VG_IOC_PHASE_COUNTING,          /* counting the files before a hashing walk (for the ETA) */
	VG_IOC_PHASE_FILES,             /* the walk proper */
	VG_IOC_PHASE_DONE,
};

struct vg_ioc_scan_stats {
	uint64_t files_seen;
	uint64_t files_total;           /* known before the walk only for hashing scans, else 0 */
	uint64_t files_hashed;
	uint64_t files_skipped;         /* over the hash limit or unreadable */
	uint64_t bytes_read;
	uint64_t bytes_total;           /* of the files seen (estimate for the ETA) */
	uint64_t processes;
	uint64_t ports;
	uint64_t objects;               /* of the other documents */
	double seconds;
	enum vg_ioc_phase phase;        /* progress is also called when it changes */
	uint64_t files_counted;         /* in VG_IOC_PHASE_COUNTING: the files counted so far */
};

struct vg_ioc_scan {
	/* What to scan. */
	const char *const *paths;       /* default "/" */
	size_t npaths;
	const char *const *excludes;
	size_t nexcludes;
	const char *hint;               /* PCRE2: only files whose full path matches */
	bool no_files, no_processes, no_ports, no_system;
	bool containers;                /* also walk container storage (/var/lib/docker ...) */
	bool strings;                   /* FileItem/StringList/string: extract strings (costly) */
	uint64_t hash_limit;            /* bytes; 0: 200 MiB */

	/* How it is watched. */
	atomic_bool *cancel;
	void (*progress)(const struct vg_ioc_scan_stats *st, const char *current, void *data);
	void (*skipped)(const char *path, const char *why, void *data);   /* each file not hashed */
	void *data;

	/* The documents, and one evaluation each (filled by the scan). */
	struct vg_ioc *const *iocs;
	size_t niocs;
	struct vg_ioc_eval **evals;
	enum vg_ioc_truth *results;
	unsigned collected;             /* documents whose objects were all given */
	struct vg_ioc_scan_stats stats;

	/* How many threads hash files (0: one per online CPU, at most 16).  The calling thread
	 * walks and evaluates, in the walk's order, and is one of them: it hashes the file the
	 * evaluation waits for when no other thread has taken it yet.  1: it alone. */
	unsigned threads;

	/* Record each match's identity (vg_ioc_match.identity): the device, inode and SHA-256 of
	 * a file, the start time of a process and a pidfd on it, for a caller that acts on matches. */
	bool identify;

	/* Where hint is tested (match NULL: PCRE2 in this process): with preserve_case, the
	 * default PCRE2 limits, one file's path at a time; a file is evaluated only when its path
	 * matches.  A hint that does not compile there (-EINVAL at a first call with no value)
	 * refuses the scan; any other error, at that call or on a path, ends the walk and the scan
	 * with that error (the files not tested would pass for clean). */
	struct vg_ioc_regex hint_regex;
};

/* Runs the scan on the calling thread (a worker: it walks the file
 * systems); returns 0, -ECANCELED when cancelled (results then unknown), or another negative
 * code with err filled. */
int vg_ioc_scan_run(struct vg_ioc_scan *scan, struct vg_error *err);
/* Frees what the scan filled (evals, results); the caller's documents stay. */
void vg_ioc_scan_release(struct vg_ioc_scan *scan);


#endif
