/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libaudit.h>

#include "telemetry/audit-records.h"
#include "telemetry/stage.h"

#define TYPE_BITS 4096
#define MAX_RECORDS 64        /* records kept of one event */
#define MAX_VALUE 8192        /* bytes of one value (a joined EXECVE argument) */

/* The string wants, replaced whole under the lock. */
struct names {
	char **syscalls, **keys, **types;
	size_t nsyscalls, nkeys, ntypes;
};

struct vg_audit_records {
	atomic_bool active, any_type;
	atomic_bool syscall_records;     /* syscalls or keys are wanted: SYSCALL records matter */
	_Atomic uint64_t types[TYPE_BITS / 64];
	pthread_mutex_t lock;
	struct names names;
};

static void names_free(struct names *n)
{
	for (size_t i = 0; i < n->nsyscalls; i++)
		free(n->syscalls[i]);
	for (size_t i = 0; i < n->nkeys; i++)
		free(n->keys[i]);
	for (size_t i = 0; i < n->ntypes; i++)
		free(n->types[i]);
	free(n->syscalls);
	free(n->keys);
	free(n->types);
	memset(n, 0, sizeof(*n));
}

static int copy_list(char ***out, size_t *nout, const char *const *in, size_t n)
{
	*out = calloc(n + 1, sizeof(**out));
	*nout = 0;
	if (!*out)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (!((*out)[i] = strdup(in[i])))
			return -ENOMEM;
		(*nout)++;
	}
	return 0;
}

int vg_audit_records_new(struct vg_audit_records **out)
{
	struct vg_audit_records *r = calloc(1, sizeof(*r));

	if (!r)
		return -ENOMEM;
	pthread_mutex_init(&r->lock, NULL);
	*out = r;
	return 0;
}

void vg_audit_records_free(struct vg_audit_records *r)
{
	if (!r)
		return;
	names_free(&r->names);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

int vg_audit_records_set(struct vg_audit_records *r, const struct vg_tel_audit_wants *w)
{
	struct names n = { 0 }, old;
	uint64_t bits[TYPE_BITS / 64] = { 0 };
	bool any = w && w->any_type, active;

	if (w && (copy_list(&n.syscalls, &n.nsyscalls, w->syscalls, w->nsyscalls) < 0 ||
		  copy_list(&n.keys, &n.nkeys, w->keys, w->nkeys) < 0 ||
		  copy_list(&n.types, &n.ntypes, w->types, w->ntypes) < 0)) {
		names_free(&n);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n.ntypes; i++) {
		int t = audit_name_to_msg_type(n.types[i]);

		if (t > 0 && t < TYPE_BITS)
			bits[t / 64] |= 1ull << (t % 64);
	}
	active = w && (any || n.ntypes || n.nsyscalls || n.nkeys || w->nread_files);
	pthread_mutex_lock(&r->lock);
	old = r->names;
	r->names = n;
	for (size_t i = 0; i < TYPE_BITS / 64; i++)
		atomic_store(&r->types[i], bits[i]);
	atomic_store(&r->any_type, any);
	atomic_store(&r->syscall_records, n.nsyscalls || n.nkeys);
	atomic_store(&r->active, active);
	pthread_mutex_unlock(&r->lock);
	names_free(&old);
	return 0;
}

bool vg_audit_records_active(const struct vg_audit_records *r)
{
	return r && atomic_load(&r->active);
}

bool vg_audit_records_feeds(const struct vg_audit_records *r, int type)
{
	if (!r || !atomic_load(&r->active) || type <= 0)
		return false;
	if (atomic_load(&r->any_type))
		return true;
	return type < TYPE_BITS && (atomic_load(&r->types[type / 64]) & (1ull << (type % 64)));
}

/* A value as a JSON string; a decoded value that is not UTF-8 stays in the encoded form the
 * kernel gave (hexadecimal), as auditd logs it. */
static json_t *value_json(const char *v, const char *raw)
{
	json_t *j = json_string(v);

	if (!j && raw)
		j = json_string(raw);
	return j ? j : json_string("?");
}

/* An EXECVE argument split by the kernel (a1[0], a1[1]...) is joined into a1. */
static bool split_arg(const char *name, char *base, size_t size)
{
	const char *bracket = strchr(name, '[');

	if (name[0] != 'a' || !bracket || (size_t)(bracket - name) >= size)
		return false;
	snprintf(base, size, "%.*s", (int)(bracket - name), name);
	return true;
}

static void append(json_t *rec, const char *name, const char *value, const char *raw)
{
	json_t *old = json_object_get(rec, name);
	char *joined;

	if (!json_is_string(old)) {
		json_object_set_new(rec, name, value_json(value, raw));
		return;
	}
	if (json_string_length(old) >= MAX_VALUE || asprintf(&joined, "%s%s", json_string_value(old), value) < 0)
		return;
	json_object_set_new(rec, name, value_json(joined, NULL));
	free(joined);
}

/* The interpretations auditd's enriched format adds, named in upper case. */
static bool enriched(int ftype)
{
	return ftype == AUPARSE_TYPE_UID || ftype == AUPARSE_TYPE_GID || ftype == AUPARSE_TYPE_SYSCALL ||
	       ftype == AUPARSE_TYPE_ARCH || ftype == AUPARSE_TYPE_SOCKADDR;
}

static bool encoded(int ftype)
{
	return ftype == AUPARSE_TYPE_ESCAPED || ftype == AUPARSE_TYPE_ESCAPED_KEY ||
	       ftype == AUPARSE_TYPE_ESCAPED_FILE || ftype == AUPARSE_TYPE_PROCTITLE;
}

static json_t *record_json(auparse_state_t *au)
{
	const char *tname = auparse_get_type_name(au);
	json_t *rec = json_pack("{s:s}", "type", tname ? tname : "UNKNOWN");
	bool execve = tname && strcmp(tname, "EXECVE") == 0;

	if (!rec || auparse_first_field(au) <= 0)
		return rec;
	do {
		const char *name = auparse_get_field_name(au), *raw = auparse_get_field_str(au), *v;
		int ftype = auparse_get_field_type(au);
		char base[32], upper[64];

		if (!name || !raw || strcmp(name, "type") == 0 || strlen(name) >= sizeof(upper))
			continue;
		if (execve && strstr(name, "_len"))
			continue;
		v = encoded(ftype) ? auparse_interpret_field(au) : raw;
		if (!v)
			v = raw;
		if (execve && split_arg(name, base, sizeof(base))) {
			append(rec, base, v, raw);
			continue;
		}
		json_object_set_new(rec, name, value_json(v, raw));
		if (enriched(ftype) && (v = auparse_interpret_field(au))) {
			size_t i;

			for (i = 0; name[i]; i++)
				upper[i] = (char)(name[i] >= 'a' && name[i] <= 'z' ? name[i] - 32 : name[i]);
			upper[i] = '\0';
			if (strcmp(upper, "SADDR") == 0 || !json_object_get(rec, upper))
				json_object_set_new(rec, upper, value_json(v, NULL));
		}
	} while (auparse_next_field(au) > 0);
	return rec;
}

/* Sigma compares strings without case unless told otherwise: so do the wants. */
static bool listed(char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; s && i < n; i++)
		if (strcasecmp(v[i], s) == 0)
			return true;
	return false;
}

/* Does the current record interest a loaded rule: its type named, or (a SYSCALL record) its
 * syscall or its key?  Asked of the parser before the record is built, so that the records
 * no rule can match cost nothing: with a rule on one key, the SYSCALL record of every exec
 * is looked at, not converted. */
static bool wanted(struct vg_audit_records *r, auparse_state_t *au)
{
	int type = auparse_get_type(au);
	bool yes = false;

	if (vg_audit_records_feeds(r, type))
		return true;
	if (type != AUDIT_SYSCALL || !atomic_load(&r->syscall_records) || auparse_first_field(au) <= 0)
		return false;
	pthread_mutex_lock(&r->lock);
	do {
		const char *name = auparse_get_field_name(au), *v;

		if (!name || (strcmp(name, "syscall") != 0 && strcmp(name, "key") != 0) ||
		    !(v = auparse_interpret_field(au)))
			continue;
		if (name[0] == 's' ? listed(r->names.syscalls, r->names.nsyscalls, v)
				   : listed(r->names.keys, r->names.nkeys, v))
			yes = true;
	} while (!yes && auparse_next_field(au) > 0);
	pthread_mutex_unlock(&r->lock);
	return yes;
}

/* The process behind an evaluation-only event, from its SYSCALL record (or the record that
 * names a pid): what a finding shows as evidence. */
static json_t *actor_json(const json_t *records)
{
	size_t i;
	json_t *rec;

	json_array_foreach(records, i, rec) {
		const char *pid = json_string_value(json_object_get(rec, "pid"));
		const char *exe = json_string_value(json_object_get(rec, "exe"));
		const char *comm = json_string_value(json_object_get(rec, "comm"));
		const char *uid = json_string_value(json_object_get(rec, "uid"));
		json_t *proc;

		if (!pid)
			continue;
		proc = json_pack("{s:I}", "pid", (json_int_t)strtoll(pid, NULL, 10));
		if (comm)
			json_object_set_new(proc, "name", json_string(comm));
		if (exe && exe[0] == '/') {
			const char *slash = strrchr(exe, '/');

			json_object_set_new(proc, "file", json_pack("{s:s, s:s, s:i, s:s}", "path", exe, "name", slash + 1,
								    "type_id", 1, "type", "Regular File"));
		}
		if (uid)
			json_object_set_new(proc, "user", json_pack("{s:s}", "uid", uid));
		return json_pack("{s:o}", "process", proc);
	}
	return NULL;
}

json_t *vg_audit_records_event(struct vg_audit_records *r, auparse_state_t *au, json_t *out, int64_t time_ms,
			       unsigned long serial)
{
	json_t *records, *ev, *actor;

	if (!vg_audit_records_active(r))
		return out;
	if (auparse_first_record(au) <= 0 || !(records = json_array()))
		return out;
	/* Only the records a rule may match are attached: a rule reads one record at a time. */
	do {
		json_t *rec;

		if (!wanted(r, au) || !(rec = record_json(au)))
			continue;
		if (json_array_size(records) < MAX_RECORDS)
			json_array_append_new(records, rec);
		else
			json_decref(rec);
	} while (auparse_next_record(au) > 0);
	if (json_array_size(records) == 0) {
		json_decref(records);
		return out;
	}
	if (out) {
		json_t *unmapped = json_object_get(out, "unmapped");

		if (!json_is_object(unmapped)) {
			unmapped = json_object();
			json_object_set_new(out, "unmapped", unmapped);
		}
		json_object_set_new(unmapped, "audit", records);
		return out;
	}
	/* Not an event of the telemetry: one for the rules only, never stored. */
	ev = json_pack("{s:i, s:i, s:i, s:i, s:I, s:b, s:{s:o, s:I}}", "class_uid", 0, "category_uid", 0,
		       "activity_id", 0, "severity_id", 1, "time", (json_int_t)time_ms, VG_TEL_DETECT_ONLY, 1,
		       "unmapped", "audit", records, "audit_serial", (json_int_t)serial);
	if (ev && (actor = actor_json(records)))
		json_object_set_new(ev, "actor", actor);
	return ev;
}
