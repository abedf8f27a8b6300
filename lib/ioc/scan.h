/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A scan of the live host against loaded OpenIOC documents: the collectors (items-*.c) give
 * their objects to every document's evaluation.  Runs on a worker thread; the progress callback
 * and the cancel flag are how the agent watches and stops it.  Internal to libvigil.
 */
#ifndef VIGIL_IOC_SCAN_H
#define VIGIL_IOC_SCAN_H

#include <jansson.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "vigil/ioc.h"

struct vg_error;

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
};

/* Runs the scan; returns 0, -ECANCELED when cancelled (results then unknown), or another
 * negative code with err filled. */
int ioc_scan_run(struct vg_ioc_scan *scan, struct vg_error *err);
void ioc_scan_release(struct vg_ioc_scan *scan);

/* The hashes a document set needs, as HASH_* bits, and one read of a file computing them. */
#define IOC_HASH_MD5 0x1
#define IOC_HASH_SHA1 0x2
#define IOC_HASH_SHA256 0x4

struct ioc_hashes {
	char md5[33], sha1[41], sha256[65];
};

/* Reads fd once to its end, computing the hashes in want; -EFBIG over limit bytes, -ECANCELED
 * when *cancel is set. */
int ioc_hash_fd(int fd, unsigned want, uint64_t limit, atomic_bool *cancel, struct ioc_hashes *out,
		   uint64_t *bytes);

/* The collectors: each calls emit for every object of its document. */
typedef void (*ioc_object_fn)(const struct vg_ioc_object *obj, void *data);
struct ioc_collect {
	struct vg_ioc_scan *scan;
	ioc_object_fn emit;
	void *data;
	unsigned hashes;                /* IOC_HASH_* needed for files and process images */
	bool need_fields[256];
};

int ioc_items_files(struct ioc_collect *c, struct vg_error *err);
int ioc_items_processes(struct ioc_collect *c);
int ioc_items_ports(struct ioc_collect *c);
int ioc_items_system(struct ioc_collect *c);

/* Shared by the collectors: emits a C string. */
int ioc_emit_str(vg_ioc_emit_fn emit, void *sink, const char *s);
int ioc_emit_u64(vg_ioc_emit_fn emit, void *sink, uint64_t v);
int ioc_emit_time(vg_ioc_emit_fn emit, void *sink, int64_t t);

/* subsystem.c: an IOC scan for the server's OpenC2 "scan device" request_id (already in the task
 * journal, running) over the OpenIOC document (text), with the scan options of `ioc.scan` in
 * options (may be NULL).  When it ends, its result is the OpenC2 response to request_id. */
struct vg_agent;
int vg_ioc_scan_openc2(struct vg_agent *agent, const char *request_id, const char *document, const json_t *options,
		       struct vg_error *err);

#endif
