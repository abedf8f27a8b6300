/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Telemetry exclusions: rules of AND-ed conditions (executable glob, command-line glob,
 * user, SHA-256, event type, remote address and port, path prefix).  An event that any
 * rule matches is never stored.  Rules live in SQLite (table telemetry_exclusions); a copy
 * in memory is matched on the enrichment thread, replaced as a whole on every change.
 */
#ifndef VIGIL_TELEMETRY_EXCLUSIONS_H
#define VIGIL_TELEMETRY_EXCLUSIONS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct vg_error;
struct vg_store;
struct vg_tel_exclusions;

int vg_tel_exclusions_open(struct vg_tel_exclusions **out, struct vg_store *store, struct vg_error *err);
void vg_tel_exclusions_close(struct vg_tel_exclusions *x);

/* Checks the user condition of a rule: a uid, or a name the host knows (-ENOENT otherwise).  May
 * wait for the user database (NSS): call it on a worker. */
int vg_tel_exclusion_user_check(const char *user, struct vg_error *err);

/* Adds a rule from a JSON object of conditions (at least one), each checked (the path prefix
 * absolute, the remote address an IPv4 or IPv6 address, the user's form, the SHA-256); *id
 * receives its number. */
int vg_tel_exclusions_add(struct vg_tel_exclusions *x, const json_t *rule, int64_t *id, struct vg_error *err);
int vg_tel_exclusions_remove(struct vg_tel_exclusions *x, int64_t id, struct vg_error *err);
/* Every rule, as an array of objects (a new reference). */
json_t *vg_tel_exclusions_list(struct vg_tel_exclusions *x, struct vg_error *err);

/* Whether a rule matches event; thread-safe. */
bool vg_tel_exclusions_match(struct vg_tel_exclusions *x, const json_t *event);

#endif
