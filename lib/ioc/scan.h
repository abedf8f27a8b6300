/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A scan of the live host against loaded OpenIOC documents: the collectors (items-*.c) give
 * their objects to every document's evaluation.  Runs on a worker thread; the progress callback
 * and the cancel flag are how the agent watches and stops it.  The scan itself is public
 * (vigil/ioc.h); this header holds what its collectors share, internal to libvigil.
 */
#ifndef VIGIL_IOC_SCAN_H
#define VIGIL_IOC_SCAN_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "vigil/ioc.h"

struct vg_error;

/* The hashes a document set needs, as HASH_* bits, and one read of a file computing them. */
#define IOC_HASH_MD5 0x1
#define IOC_HASH_SHA1 0x2
#define IOC_HASH_SHA256 0x4

struct ioc_hashes {
	char md5[33], sha1[41], sha256[65];
};

/* A hasher: the digests, contexts and read buffer one thread reuses from file to file. */
#define IOC_NALGOS 3
struct ioc_hasher {
	unsigned want;
	EVP_MD *md[IOC_NALGOS];
	EVP_MD_CTX *ctx[IOC_NALGOS];
	unsigned char *buf;
	size_t size;
};
int ioc_hasher_init(struct ioc_hasher *h, unsigned want);
void ioc_hasher_fini(struct ioc_hasher *h);
/* Reads fd once to its end, computing the hashes in h->want; -EFBIG over limit bytes,
 * -ECANCELED when *cancel is set.  *bytes grows by what was read. */
int ioc_hasher_run(struct ioc_hasher *h, int fd, uint64_t limit, atomic_bool *cancel, struct ioc_hashes *out,
		   uint64_t *bytes);
/* The same with a hasher of its own, for a single file. */
int ioc_hash_fd(int fd, unsigned want, uint64_t limit, atomic_bool *cancel, struct ioc_hashes *out,
		   uint64_t *bytes);

/* eval.c: evaluates obj without recording anything, to learn which fields the evaluation
 * asks for (the collector's get notes them); the answer of a later vg_ioc_eval_object asks
 * for no field outside them as long as the fields the probe could not read are the only
 * values that differ. */
void ioc_eval_probe(struct vg_ioc_eval *ev, const struct vg_ioc_object *obj);

/* The collectors: each calls emit for every object of its document. */
typedef void (*ioc_object_fn)(const struct vg_ioc_object *obj, void *data);
struct ioc_collect {
	struct vg_ioc_scan *scan;
	ioc_object_fn emit;
	ioc_object_fn probe;            /* evaluates without recording (ioc_eval_probe) */
	void *data;
	unsigned hashes;                /* IOC_HASH_* needed for files and process images */
	bool need_fields[256];
};

/* Identities of matched objects (vg_ioc_scan.identify): the evaluation asks the collector of
 * the object when it records a match. */
typedef void (*ioc_identify_fn)(const struct vg_ioc_object *obj, struct vg_ioc_identity *id, void *data);
void ioc_eval_set_identify(struct vg_ioc_eval *ev, ioc_identify_fn fn, void *data);
void ioc_file_identify(const struct vg_ioc_object *obj, struct vg_ioc_identity *id);
void ioc_proc_identify(const struct vg_ioc_object *obj, struct vg_ioc_identity *id);

/* Enters a phase of the scan and tells the caller's progress callback at once. */
void ioc_scan_phase(struct vg_ioc_scan *scan, enum vg_ioc_phase p);

int ioc_items_files(struct ioc_collect *c, struct vg_error *err);
int ioc_items_processes(struct ioc_collect *c);
int ioc_items_ports(struct ioc_collect *c);
int ioc_items_system(struct ioc_collect *c);

/* Shared by the collectors: emits a C string. */
int ioc_emit_str(vg_ioc_emit_fn emit, void *sink, const char *s);
int ioc_emit_u64(vg_ioc_emit_fn emit, void *sink, uint64_t v);
int ioc_emit_time(vg_ioc_emit_fn emit, void *sink, int64_t t);

#endif
