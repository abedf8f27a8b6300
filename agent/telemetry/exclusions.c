/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl-server.h"
#include "events.h"
#include "nls.h"
#include "store.h"
#include "telemetry/exclusions.h"
#include "telemetry/telemetry.h"
#include "vigil/error.h"

#define MAX_RULES 1024
#define MAX_VALUE 1024

static const struct vg_migration migrations[] = {
	{ 1, "CREATE TABLE telemetry_exclusions (id INTEGER PRIMARY KEY AUTOINCREMENT,"
	     " created INTEGER NOT NULL, exe TEXT, cmdline TEXT, user TEXT, sha256 TEXT, type TEXT,"
	     " remote_ip TEXT, remote_port INTEGER, path_prefix TEXT, comment TEXT);" },
};

/* The text conditions, in the order of the table's columns. */
static const char *const text_keys[] = { "exe", "cmdline", "user", "sha256", "type", "remote_ip", "path_prefix" };
#define NTEXT (sizeof(text_keys) / sizeof(text_keys[0]))
enum { C_EXE, C_CMDLINE, C_USER, C_SHA256, C_TYPE, C_REMOTE_IP, C_PATH_PREFIX };

struct rule {
	int64_t id;
	char *text[NTEXT];
	int remote_port; /* 0: any */
};

struct vg_tel_exclusions {
	struct vg_store *store;
	pthread_mutex_t lock;
	struct rule *rules;
	size_t n;
};

static void free_rules(struct rule *rules, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < NTEXT; k++)
			free(rules[i].text[k]);
	free(rules);
}

static int reload(struct vg_tel_exclusions *x, struct vg_error *err)
{
	sqlite3_stmt *st;
	struct rule *rules = calloc(MAX_RULES, sizeof(*rules)), *old;
	size_t n = 0, oldn;
	int rc;

	if (!rules)
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	if (sqlite3_prepare_v2(vg_store_db(x->store),
			       "SELECT id, exe, cmdline, user, sha256, type, remote_ip, path_prefix, remote_port"
			       " FROM telemetry_exclusions ORDER BY id LIMIT ?1", -1, &st, NULL) != SQLITE_OK) {
		free(rules);
		return vg_store_error(x->store, N_("reading telemetry exclusions"), err);
	}
	sqlite3_bind_int(st, 1, MAX_RULES);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct rule *r = &rules[n++];

		r->id = sqlite3_column_int64(st, 0);
		for (size_t k = 0; k < NTEXT; k++)
			if (sqlite3_column_type(st, 1 + (int)k) == SQLITE_TEXT)
				r->text[k] = strdup((const char *)sqlite3_column_text(st, 1 + (int)k));
		r->remote_port = sqlite3_column_int(st, 8);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free_rules(rules, n);
		return vg_store_error(x->store, N_("reading telemetry exclusions"), err);
	}
	pthread_mutex_lock(&x->lock);
	old = x->rules;
	oldn = x->n;
	x->rules = rules;
	x->n = n;
	pthread_mutex_unlock(&x->lock);
	free_rules(old, oldn);
	return 0;
}

int vg_tel_exclusions_open(struct vg_tel_exclusions **out, struct vg_store *store, struct vg_error *err)
{
	struct vg_tel_exclusions *x;
	int r;

	if ((r = vg_store_migrate(store, "telemetry_exclusions", migrations,
				  sizeof(migrations) / sizeof(migrations[0]), err)) < 0)
		return r;
	x = calloc(1, sizeof(*x));
	if (!x)
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	x->store = store;
	pthread_mutex_init(&x->lock, NULL);
	if ((r = reload(x, err)) < 0) {
		vg_tel_exclusions_close(x);
		return r;
	}
	*out = x;
	return 0;
}

void vg_tel_exclusions_close(struct vg_tel_exclusions *x)
{
	if (!x)
		return;
	free_rules(x->rules, x->n);
	pthread_mutex_destroy(&x->lock);
	free(x);
}

static bool valid_ip(const char *v)
{
	unsigned char addr[16];

	return inet_pton(AF_INET, v, addr) == 1 || inet_pton(AF_INET6, v, addr) == 1;
}

/* A user name as useradd makes them, or a uid; that the name exists is checked by the caller,
 * which may wait for the user database (vg_tel_exclusion_user_check). */
static bool valid_user(const char *v)
{
	size_t n = strlen(v);

	return n > 0 && n <= 32 && v[0] != '-' &&
	       strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == n;
}

int vg_tel_exclusion_user_check(const char *user, struct vg_error *err)
{
	struct passwd pw, *found = NULL;
	char buf[4096];

	if (!valid_user(user))
		return vg_error_set(err, -EINVAL, N_("\"%s\" is not a user name or number"), user);
	/* A number is a uid as it is: processes in containers run as uids that have no name here. */
	if (strspn(user, "0123456789") == strlen(user))
		return 0;
	getpwnam_r(user, &pw, buf, sizeof(buf), &found);
	if (!found)
		return vg_error_set(err, -ENOENT, N_("no user \"%s\" on this host"), user);
	return 0;
}

static int check_value(const char *key, const char *v, struct vg_error *err)
{
	size_t len = strlen(v);

	if (len == 0 || len > MAX_VALUE)
		return vg_error_set(err, -EINVAL, N_("the condition %s must have 1 to 1024 characters"), key);
	for (size_t i = 0; i < len; i++)
		if (iscntrl((unsigned char)v[i]))
			return vg_error_set(err, -EINVAL, N_("the condition %s contains a control character"), key);
	if (strcmp(key, "type") == 0 && strcmp(v, "process") && strcmp(v, "network") && strcmp(v, "file"))
		return vg_error_set(err, -EINVAL, N_("unknown event type \"%s\" (process, network or file)"), v);
	if (strcmp(key, "path_prefix") == 0 && v[0] != '/')
		return vg_error_set(err, -EINVAL, N_("the path prefix %s is not an absolute path"), v);
	if (strcmp(key, "remote_ip") == 0 && !valid_ip(v))
		return vg_error_set(err, -EINVAL, N_("\"%s\" is not an IPv4 or IPv6 address"), v);
	if (strcmp(key, "user") == 0 && !valid_user(v))
		return vg_error_set(err, -EINVAL, N_("\"%s\" is not a user name or number"), v);
	if (strcmp(key, "sha256") == 0) {
		if (len != 64)
			return vg_error_set(err, -EINVAL, N_("\"%s\" is not a SHA-256 (64 hexadecimal digits)"), v);
		for (size_t i = 0; i < len; i++)
			if (!isxdigit((unsigned char)v[i]))
				return vg_error_set(err, -EINVAL, N_("\"%s\" is not a SHA-256 (64 hexadecimal digits)"), v);
	}
	return 0;
}

int vg_tel_exclusions_add(struct vg_tel_exclusions *x, const json_t *rule, int64_t *id, struct vg_error *err)
{
	const char *key;
	json_t *v, *port;
	sqlite3_stmt *st;
	unsigned conditions = 0;
	int r, rc;

	json_object_foreach((json_t *)rule, key, v) {
		bool known = strcmp(key, "remote_port") == 0 || strcmp(key, "comment") == 0;

		for (size_t k = 0; k < NTEXT; k++)
			known |= strcmp(key, text_keys[k]) == 0;
		if (!known)
			return vg_error_set(err, -EINVAL, N_("unknown exclusion condition \"%s\""), key);
	}
	for (size_t k = 0; k < NTEXT; k++) {
		v = json_object_get(rule, text_keys[k]);
		if (!v)
			continue;
		if (!json_is_string(v))
			return vg_error_set(err, -EINVAL, N_("the condition %s must be a string"), text_keys[k]);
		if ((r = check_value(text_keys[k], json_string_value(v), err)) < 0)
			return r;
		conditions++;
	}
	port = json_object_get(rule, "remote_port");
	if (port) {
		if (!json_is_integer(port) || json_integer_value(port) < 1 || json_integer_value(port) > 65535)
			return vg_error_set(err, -EINVAL, N_("the remote port must be a number from 1 to 65535"));
		conditions++;
	}
	if (json_object_get(rule, "comment") && (!json_is_string(json_object_get(rule, "comment")) ||
						 json_string_length(json_object_get(rule, "comment")) > MAX_VALUE))
		return vg_error_set(err, -EINVAL, N_("the comment must be a string of at most 1024 characters"));
	if (!conditions)
		return vg_error_set(err, -EINVAL, N_("an exclusion needs at least one condition"));
	if (sqlite3_prepare_v2(vg_store_db(x->store),
			       "INSERT INTO telemetry_exclusions(created, exe, cmdline, user, sha256, type, remote_ip,"
			       " path_prefix, remote_port, comment) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
			       -1, &st, NULL) != SQLITE_OK)
		return vg_store_error(x->store, N_("adding a telemetry exclusion"), err);
	sqlite3_bind_int64(st, 1, vg_time_ms() / 1000);
	for (size_t k = 0; k < NTEXT; k++) {
		const char *s = json_string_value(json_object_get(rule, text_keys[k]));

		if (s)
			sqlite3_bind_text(st, 2 + (int)k, s, -1, SQLITE_TRANSIENT);
	}
	if (port)
		sqlite3_bind_int(st, 9, (int)json_integer_value(port));
	if (json_object_get(rule, "comment"))
		sqlite3_bind_text(st, 10, json_string_value(json_object_get(rule, "comment")), -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return vg_store_error(x->store, N_("adding a telemetry exclusion"), err);
	*id = sqlite3_last_insert_rowid(vg_store_db(x->store));
	return reload(x, err);
}

int vg_tel_exclusions_remove(struct vg_tel_exclusions *x, int64_t id, struct vg_error *err)
{
	sqlite3_stmt *st;
	char num[32];
	int rc;

	if (sqlite3_prepare_v2(vg_store_db(x->store), "DELETE FROM telemetry_exclusions WHERE id = ?1", -1, &st,
			       NULL) != SQLITE_OK)
		return vg_store_error(x->store, N_("removing a telemetry exclusion"), err);
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return vg_store_error(x->store, N_("removing a telemetry exclusion"), err);
	if (sqlite3_changes(vg_store_db(x->store)) == 0) {
		snprintf(num, sizeof(num), "%lld", (long long)id);
		return vg_error_set(err, -ENOENT, N_("there is no telemetry exclusion %s"), num);
	}
	return reload(x, err);
}

json_t *vg_tel_exclusions_list(struct vg_tel_exclusions *x, struct vg_error *err)
{
	sqlite3_stmt *st;
	json_t *list = json_array();
	int rc;

	if (sqlite3_prepare_v2(vg_store_db(x->store),
			       "SELECT id, created, exe, cmdline, user, sha256, type, remote_ip, path_prefix,"
			       " remote_port, comment FROM telemetry_exclusions ORDER BY id", -1, &st, NULL) != SQLITE_OK) {
		json_decref(list);
		vg_store_error(x->store, N_("reading telemetry exclusions"), err);
		return NULL;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *o = json_pack("{s:I}", "id", (json_int_t)sqlite3_column_int64(st, 0));

		vg_ctl_set_time(o, "created", (int64_t)sqlite3_column_int64(st, 1) * 1000);

		for (size_t k = 0; k < NTEXT; k++)
			if (sqlite3_column_type(st, 2 + (int)k) == SQLITE_TEXT)
				json_object_set_new(o, text_keys[k],
						    json_string((const char *)sqlite3_column_text(st, 2 + (int)k)));
		if (sqlite3_column_type(st, 9) == SQLITE_INTEGER)
			json_object_set_new(o, "remote_port", json_integer(sqlite3_column_int(st, 9)));
		if (sqlite3_column_type(st, 10) == SQLITE_TEXT)
			json_object_set_new(o, "comment", json_string((const char *)sqlite3_column_text(st, 10)));
		json_array_append_new(list, o);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		json_decref(list);
		vg_store_error(x->store, N_("reading telemetry exclusions"), err);
		return NULL;
	}
	return list;
}

/* The process an event is about: the process itself for process events, the actor otherwise. */
static json_t *subject(const json_t *event)
{
	json_t *p = json_object_get(event, "process");

	return p ? p : json_object_get(json_object_get(event, "actor"), "process");
}

static const char *sha256_of(json_t *file)
{
	size_t i;
	json_t *h;

	json_array_foreach(json_object_get(file, "hashes"), i, h)
		if (json_integer_value(json_object_get(h, "algorithm_id")) == 3)
			return json_string_value(json_object_get(h, "value"));
	return NULL;
}

static bool rule_matches(const struct rule *r, const json_t *event)
{
	json_t *proc = subject(event);
	json_t *user = json_object_get(proc, "user");
	enum vg_tel_type type = vg_tel_type_of(event);
	const char *s;

	if (r->text[C_TYPE] && strcmp(r->text[C_TYPE], vg_tel_type_name(type)) != 0)
		return false;
	if (r->text[C_EXE]) {
		s = json_string_value(json_object_get(json_object_get(proc, "file"), "path"));
		if (!s || fnmatch(r->text[C_EXE], s, 0) != 0)
			return false;
	}
	if (r->text[C_CMDLINE]) {
		s = json_string_value(json_object_get(proc, "cmd_line"));
		if (!s || fnmatch(r->text[C_CMDLINE], s, 0) != 0)
			return false;
	}
	if (r->text[C_USER]) {
		char uid[24];

		s = json_string_value(json_object_get(user, "name"));
		snprintf(uid, sizeof(uid), "%s", json_string_value(json_object_get(user, "uid")) ?
					       json_string_value(json_object_get(user, "uid")) : "");
		if ((!s || strcmp(s, r->text[C_USER]) != 0) && strcmp(uid, r->text[C_USER]) != 0)
			return false;
	}
	if (r->text[C_SHA256]) {
		s = sha256_of(json_object_get(proc, "file"));
		if (!s || strcasecmp(s, r->text[C_SHA256]) != 0)
			return false;
	}
	if (r->text[C_REMOTE_IP] || r->remote_port) {
		bool inbound = json_integer_value(json_object_get(json_object_get(event, "connection_info"),
								  "direction_id")) == 1;
		json_t *remote = json_object_get(event, inbound ? "src_endpoint" : "dst_endpoint");

		if (type != VG_TEL_NETWORK || !remote)
			return false;
		s = json_string_value(json_object_get(remote, "ip"));
		if (r->text[C_REMOTE_IP] && (!s || strcmp(s, r->text[C_REMOTE_IP]) != 0))
			return false;
		if (r->remote_port && json_integer_value(json_object_get(remote, "port")) != r->remote_port)
			return false;
	}
	if (r->text[C_PATH_PREFIX]) {
		json_t *file = json_object_get(event, "file");
		size_t len = strlen(r->text[C_PATH_PREFIX]);

		s = json_string_value(json_object_get(file, "path"));
		if (type != VG_TEL_FILE || !s || strncmp(s, r->text[C_PATH_PREFIX], len) != 0)
			return false;
	}
	return true;
}

bool vg_tel_exclusions_match(struct vg_tel_exclusions *x, const json_t *event)
{
	bool hit = false;

	pthread_mutex_lock(&x->lock);
	for (size_t i = 0; i < x->n && !hit; i++)
		hit = rule_matches(&x->rules[i], event);
	pthread_mutex_unlock(&x->lock);
	return hit;
}
