/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Enrichment of collected events, on the enrichment thread: the SHA-256 and MD5 of
 * executables and written files (with a cache keyed by device, inode, size and mtime so
 * that a binary run a thousand times is read once), and the local end of network
 * connections from /proc.  Collectors leave hints for it in the event's "_vg" member,
 * which enrichment removes.
 */
#ifndef VIGIL_TELEMETRY_ENRICH_H
#define VIGIL_TELEMETRY_ENRICH_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct vg_telemetry;
struct vg_hash_cache;

int vg_hash_cache_new(struct vg_hash_cache **out, size_t slots);
void vg_hash_cache_free(struct vg_hash_cache *c);

/* Hashes of the file at path, no larger than max_bytes: fills sha256 (65 bytes) and md5
 * (33 bytes) with lowercase hex.  Returns 0, -EFBIG when too large, or a negative errno. */
int vg_hash_file(struct vg_hash_cache *c, const char *path, uint64_t max_bytes, char *sha256, char *md5);

/* Completes event in place (the hints in "_vg" are consumed). */
void vg_tel_enrich(struct vg_telemetry *tel, json_t *event);

/* A "hashes" array in OCSF form (MD5 is algorithm 1, SHA-256 is 3). */
json_t *vg_tel_hashes_json(const char *sha256, const char *md5);

#endif
