/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "ini.h"
#include "log.h"
#include "nls.h"
#include "settings.h"
#include "store.h"
#include "vigil/error.h"

#define SECRET_MASK "********"
#define MAX_IMPORT_PAIRS 256

struct vg_settings {
	struct vg_store *store;
	const struct vg_setting_registry *reg;
	const struct vg_setting_def *const *defs; /* the registry's, in order */
	size_t ndefs;
	char **values;          /* parallel to defs; NULL means the default */
	char **sources;         /* parallel to defs: who set the value ("" or NULL: vigilctl) */
	vg_settings_change_fn on_change;
	void *on_change_data;
	struct {
		vg_settings_veto_fn fn;
		void *data;
	} vetoes[VG_SETTINGS_MAX_VETOES];
};

static const struct vg_migration migrations[] = {
	{ 1, "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	     "CREATE TABLE settings_log (id INTEGER PRIMARY KEY AUTOINCREMENT,"
	     " time INTEGER NOT NULL, uid INTEGER NOT NULL, key TEXT NOT NULL,"
	     " old TEXT NOT NULL, new TEXT NOT NULL);" },
	/* Where a value came from when not from the control socket: "file NAME:LINE". */
	{ 2, "ALTER TABLE settings ADD COLUMN source TEXT NOT NULL DEFAULT '';"
	     "ALTER TABLE settings_log ADD COLUMN source TEXT NOT NULL DEFAULT '';" },
};

/* The place of a setting's value.  Every handle comes from a table of the registry: one that
 * does not is a programming error, stopped here rather than read as a default. */
static size_t slot(const struct vg_settings *s, const struct vg_setting_def *def)
{
	ssize_t i = vg_setting_registry_index(s->reg, def);

	if (i < 0) {
		vg_error_log("settings: %s is read but no settings table lists it", def->key ? def->key : "?");
		abort();
	}
	return (size_t)i;
}

static int parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };

	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return *out = true, 0;
		if (strcasecmp(v, no[i]) == 0)
			return *out = false, 0;
	}
	return -EINVAL;
}

static bool printable(const char *v)
{
	for (; *v; v++)
		if ((unsigned char)*v < 0x20 || *v == 0x7f)
			return false;
	return true;
}

static char *trim_copy(const char *start, size_t len, char *buf, size_t size)
{
	while (len && isspace((unsigned char)*start))
		start++, len--;
	while (len && isspace((unsigned char)start[len - 1]))
		len--;
	if (len >= size)
		len = size - 1;
	memcpy(buf, start, len);
	buf[len] = '\0';
	return buf;
}

int vg_setting_normalize(const struct vg_setting_def *def, const char *value, char *out,
			 size_t size, struct vg_error *err)
{
	char lim1[32], lim2[32];

	if (strlen(value) >= VG_SETTING_MAX_VALUE || strlen(value) >= size)
		return vg_error_set(err, -EINVAL, N_("the value of %s is too long"), def->key);
	if (!printable(value))
		return vg_error_set(err, -EINVAL, N_("the value of %s contains control characters"), def->key);
	switch (def->type) {
	case VG_SETTING_BOOL: {
		bool b;

		if (parse_bool(value, &b) < 0)
			return vg_error_set(err, -EINVAL,
				N_("%s takes yes or no (true/false, on/off, 1/0), not \"%s\""), def->key, value);
		snprintf(out, size, "%s", b ? "yes" : "no");
		return 0;
	}
	case VG_SETTING_INT: {
		char *end;
		long long v;

		errno = 0;
		v = strtoll(value, &end, 10);
		snprintf(lim1, sizeof(lim1), "%lld", def->min);
		snprintf(lim2, sizeof(lim2), "%lld", def->max);
		if (!*value || *end || errno || !(isdigit((unsigned char)value[0]) || value[0] == '-'))
			return vg_error_set(err, -EINVAL, N_("%s takes a whole number from %s to %s, not \"%s\""),
					    def->key, lim1, lim2, value);
		if (v < def->min || v > def->max)
			return vg_error_set(err, -ERANGE, N_("%s must be between %s and %s, not %s"),
					    def->key, lim1, lim2, value);
		snprintf(out, size, "%lld", v);
		return 0;
	}
	case VG_SETTING_STRING:
		if (def->validate && def->validate(value, err) < 0)
			return -EINVAL;
		snprintf(out, size, "%s", value);
		return 0;
	case VG_SETTING_LIST: {
		size_t used = 0;
		long long count = 0;
		const char *p = value;

		out[0] = '\0';
		while (*p) {
			const char *comma = strchr(p, ',');
			size_t len = comma ? (size_t)(comma - p) : strlen(p);
			char item[VG_SETTING_MAX_VALUE];

			trim_copy(p, len, item, sizeof(item));
			p += len + (comma ? 1 : 0);
			if (!item[0])
				continue;
			if (++count > def->max) {
				snprintf(lim1, sizeof(lim1), "%lld", def->max);
				return vg_error_set(err, -E2BIG, N_("%s takes at most %s items"), def->key, lim1);
			}
			if (def->validate && def->validate(item, err) < 0)
				return -EINVAL;
			used += (size_t)snprintf(out + used, size - used, "%s%s", used ? "," : "", item);
			if (used >= size)
				return vg_error_set(err, -EINVAL, N_("the value of %s is too long"), def->key);
		}
		return 0;
	}
	}
	return -EINVAL;
}

int vg_setting_from_json(const struct vg_setting_def *def, const json_t *value, char *out,
			 size_t size, struct vg_error *err)
{
	char buf[VG_SETTING_MAX_VALUE];

	if (json_is_boolean(value))
		snprintf(buf, sizeof(buf), "%s", json_is_true(value) ? "yes" : "no");
	else if (json_is_integer(value))
		snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(value));
	else if (json_is_string(value))
		snprintf(buf, sizeof(buf), "%s", json_string_value(value));
	else if (json_is_array(value) && def->type == VG_SETTING_LIST) {
		size_t i, used = 0;
		json_t *item;

		buf[0] = '\0';
		json_array_foreach(value, i, item) {
			if (!json_is_string(item))
				return vg_error_set(err, -EINVAL, N_("%s takes a list of strings"), def->key);
			if (strchr(json_string_value(item), ','))
				return vg_error_set(err, -EINVAL, N_("an item of %s contains a comma"), def->key);
			used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s", used ? "," : "",
						 json_string_value(item));
			if (used >= sizeof(buf))
				return vg_error_set(err, -EINVAL, N_("the value of %s is too long"), def->key);
		}
	} else
		return vg_error_set(err, -EINVAL, N_("%s has a value of the wrong type"), def->key);
	return vg_setting_normalize(def, buf, out, size, err);
}

json_t *vg_setting_to_json(const struct vg_setting_def *def, const char *value)
{
	switch (def->type) {
	case VG_SETTING_BOOL:
		return json_boolean(strcmp(value, "yes") == 0);
	case VG_SETTING_INT:
		return json_integer(strtoll(value, NULL, 10));
	case VG_SETTING_LIST: {
		json_t *a = json_array();
		const char *p = value;

		while (a && *p) {
			const char *comma = strchr(p, ',');
			size_t len = comma ? (size_t)(comma - p) : strlen(p);

			json_array_append_new(a, json_stringn(p, len));
			p += len + (comma ? 1 : 0);
		}
		return a;
	}
	case VG_SETTING_STRING:
		break;
	}
	return json_string(value);
}

int vg_settings_open(struct vg_settings **out, struct vg_store *store, const struct vg_setting_registry *reg,
		     struct vg_error *err)
{
	struct vg_settings *s;
	sqlite3_stmt *st = NULL;
	int r, rc;

	if ((r = vg_store_migrate(store, "settings", migrations,
				  sizeof(migrations) / sizeof(migrations[0]), err)) < 0)
		return r;
	s = calloc(1, sizeof(*s));
	if (!s)
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	s->store = store;
	s->reg = reg;
	s->defs = vg_setting_registry_defs(reg, &s->ndefs);
	s->values = calloc(s->ndefs ? s->ndefs : 1, sizeof(char *));
	s->sources = calloc(s->ndefs ? s->ndefs : 1, sizeof(char *));
	if (!s->values || !s->sources) {
		free(s->values);
		free(s->sources);
		free(s);
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	}
	if (sqlite3_prepare_v2(vg_store_db(store), "SELECT key, value, source FROM settings", -1, &st, NULL) != SQLITE_OK) {
		r = vg_store_error(store, N_("reading settings"), err);
		vg_settings_close(s);
		return r;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *key = (const char *)sqlite3_column_text(st, 0);
		const char *value = (const char *)sqlite3_column_text(st, 1);
		const char *source = (const char *)sqlite3_column_text(st, 2);
		const struct vg_setting_def *def = vg_setting_registry_find(reg, key, NULL);
		char canon[VG_SETTING_MAX_VALUE];
		struct vg_error ignored;

		/* A row that a newer or damaged agent left behind must not take the agent down:
		 * it is ignored with a warning and the default applies. */
		if (!def || !value || vg_setting_normalize(def, value, canon, sizeof(canon), &ignored) < 0) {
			vg_warn("settings: ignoring stored value of \"%s\"", key ? key : "?");
			continue;
		}
		s->values[slot(s, def)] = strdup(canon);
		if (source && source[0])
			s->sources[slot(s, def)] = strdup(source);
	}
	sqlite3_finalize(st);
	*out = s;
	return 0;
}

void vg_settings_close(struct vg_settings *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->ndefs; i++) {
		free(s->values[i]);
		free(s->sources[i]);
	}
	free(s->values);
	free(s->sources);
	free(s);
}

const struct vg_setting_registry *vg_settings_registry(const struct vg_settings *s)
{
	return s->reg;
}

const char *vg_setting_text(const struct vg_settings *s, const struct vg_setting_def *def)
{
	size_t i = slot(s, def);

	return s->values[i] ? s->values[i] : def->def;
}

const char *vg_setting_source(const struct vg_settings *s, const struct vg_setting_def *def)
{
	size_t i = slot(s, def);

	if (!s->values[i])
		return NULL;
	return s->sources[i] ? s->sources[i] : "";
}

bool vg_setting_bool(const struct vg_settings *s, const struct vg_bool_setting *handle)
{
	return strcmp(vg_setting_text(s, &handle->def), "yes") == 0;
}

long long vg_setting_int(const struct vg_settings *s, const struct vg_int_setting *handle)
{
	return strtoll(vg_setting_text(s, &handle->def), NULL, 10);
}

const char *vg_setting_str(const struct vg_settings *s, const struct vg_str_setting *handle)
{
	return vg_setting_text(s, &handle->def);
}

const char *vg_setting_list(const struct vg_settings *s, const struct vg_list_setting *handle)
{
	return vg_setting_text(s, &handle->def);
}

static const char *source_of(const char *const *sources, size_t i)
{
	return sources && sources[i] ? sources[i] : "";
}

/* A value given again by a source that did not set it (a drop-in file naming the value that
 * vigilctl or the default gave): the value stays, the record of where it came from follows. */
static bool source_moves(const struct vg_settings *s, const struct vg_setting_def *def, const char *const *sources,
			 size_t i)
{
	const char *now = vg_setting_source(s, def);

	return source_of(sources, i)[0] && (!now || strcmp(now, source_of(sources, i)) != 0);
}

static const char *shown(const struct vg_setting_def *def, const char *value)
{
	return (def->flags & VG_SETTING_SECRET) && value[0] ? SECRET_MASK : value;
}

int vg_settings_set(struct vg_settings *s, const struct vg_setting_pair *pairs, size_t n, uid_t uid,
		    struct vg_error *err)
{
	return vg_settings_set_from(s, pairs, NULL, n, uid, err);
}

int vg_settings_set_from(struct vg_settings *s, const struct vg_setting_pair *pairs, const char *const *sources,
			 size_t n, uid_t uid, struct vg_error *err)
{
	char (*canon)[VG_SETTING_MAX_VALUE] = NULL;
	const struct vg_setting_def **defs = NULL, **changed = NULL;
	sqlite3_stmt *put = NULL, *log = NULL;
	sqlite3 *db = vg_store_db(s->store);
	size_t nchanged = 0;
	int r = 0;

	if (n == 0)
		return 0;
	if (n > MAX_IMPORT_PAIRS)
		return vg_error_set(err, -E2BIG, N_("too many settings in one change"));
	canon = calloc(n, sizeof(*canon));
	defs = calloc(n, sizeof(*defs));
	changed = calloc(n, sizeof(*changed));
	if (!canon || !defs || !changed) {
		r = vg_error_set(err, -ENOMEM, N_("out of memory"));
		goto out;
	}
	/* Validate everything before touching the database. */
	for (size_t i = 0; i < n; i++) {
		defs[i] = pairs[i].def;
		if (!defs[i] || vg_setting_registry_index(s->reg, defs[i]) < 0) {
			r = vg_error_set(err, -ENOENT, N_("unknown setting \"%s\""),
					 defs[i] && defs[i]->key ? defs[i]->key : "");
			goto out;
		}
		for (size_t j = 0; j < i; j++)
			if (defs[j] == defs[i]) {
				r = vg_error_set(err, -EINVAL, N_("setting \"%s\" is given twice"), defs[i]->key);
				goto out;
			}
		if ((r = vg_setting_normalize(defs[i], pairs[i].value, canon[i], sizeof(canon[i]), err)) < 0)
			goto out;
		if (strcmp(vg_setting_text(s, defs[i]), canon[i]) == 0)
			continue;
		for (size_t v = 0; v < VG_SETTINGS_MAX_VETOES; v++)
			if (s->vetoes[v].fn && (r = s->vetoes[v].fn(defs[i], canon[i], s->vetoes[v].data, err)) < 0)
				goto out;
	}
	if ((r = vg_store_begin(s->store, err)) < 0)
		goto out;
	if (sqlite3_prepare_v2(db, "INSERT INTO settings(key, value, source) VALUES (?1, ?2, ?3)"
				   " ON CONFLICT(key) DO UPDATE SET value = excluded.value, source = excluded.source", -1, &put, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO settings_log(time, uid, key, old, new, source)"
				   " VALUES (?1, ?2, ?3, ?4, ?5, ?6)", -1, &log, NULL) != SQLITE_OK) {
		r = vg_store_error(s->store, N_("saving settings"), err);
		goto rollback;
	}
	for (size_t i = 0; i < n; i++) {
		const char *old = vg_setting_text(s, defs[i]);
		bool same = strcmp(old, canon[i]) == 0;

		if (same && !source_moves(s, defs[i], sources, i))
			continue;
		sqlite3_reset(put);
		sqlite3_bind_text(put, 1, defs[i]->key, -1, SQLITE_STATIC);
		sqlite3_bind_text(put, 2, canon[i], -1, SQLITE_STATIC);
		sqlite3_bind_text(put, 3, source_of(sources, i), -1, SQLITE_STATIC);
		sqlite3_reset(log);
		sqlite3_bind_int64(log, 1, (sqlite3_int64)time(NULL));
		sqlite3_bind_int64(log, 2, (sqlite3_int64)uid);
		sqlite3_bind_text(log, 3, defs[i]->key, -1, SQLITE_STATIC);
		sqlite3_bind_text(log, 4, shown(defs[i], old), -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(log, 5, shown(defs[i], canon[i]), -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(log, 6, source_of(sources, i), -1, SQLITE_STATIC);
		if (sqlite3_step(put) != SQLITE_DONE || (!same && sqlite3_step(log) != SQLITE_DONE)) {
			r = vg_store_error(s->store, N_("saving settings"), err);
			goto rollback;
		}
		if (!same)
			changed[nchanged++] = defs[i];
	}
	sqlite3_finalize(put);
	sqlite3_finalize(log);
	put = log = NULL;
	if ((r = vg_store_commit(s->store, err)) < 0)
		goto out;
	/* Committed: now the cache may follow. */
	for (size_t i = 0; i < n; i++) {
		size_t k = slot(s, defs[i]);
		char *dup = strdup(canon[i]);
		const char *old = vg_setting_text(s, defs[i]);
		bool same = strcmp(old, canon[i]) == 0;

		if ((same && !source_moves(s, defs[i], sources, i)) || !dup) {
			free(dup);
			continue;
		}
		if (!same && source_of(sources, i)[0])
			vg_notice("settings: %s changed %s from \"%s\" to \"%s\"", source_of(sources, i), defs[i]->key,
				  shown(defs[i], old), shown(defs[i], canon[i]));
		else if (!same)
			vg_notice("settings: uid %u changed %s from \"%s\" to \"%s\"", (unsigned)uid, defs[i]->key,
				  shown(defs[i], old), shown(defs[i], canon[i]));
		free(s->values[k]);
		s->values[k] = dup;
		free(s->sources[k]);
		s->sources[k] = source_of(sources, i)[0] ? strdup(source_of(sources, i)) : NULL;
	}
	if (nchanged && s->on_change)
		s->on_change(changed, nchanged, s->on_change_data);
	goto out;
rollback:
	sqlite3_finalize(put);
	sqlite3_finalize(log);
	vg_store_rollback(s->store);
out:
	free(canon);
	free(defs);
	free(changed);
	return r;
}

int vg_settings_format_parse(const char *name, enum vg_settings_format *format)
{
	if (strcasecmp(name, "ini") == 0)
		*format = VG_SETTINGS_INI;
	else if (strcasecmp(name, "json") == 0)
		*format = VG_SETTINGS_JSON;
	else
		return -EINVAL;
	return 0;
}

int vg_settings_export(const struct vg_settings *s, enum vg_settings_format format, char **out,
		       struct vg_error *err)
{
	if (format == VG_SETTINGS_JSON) {
		json_t *obj = json_object();

		for (size_t i = 0; obj && i < s->ndefs; i++) {
			if (s->defs[i]->flags & VG_SETTING_SECRET)
				continue;
			json_object_set_new(obj, s->defs[i]->key, vg_setting_to_json(s->defs[i], vg_setting_text(s, s->defs[i])));
		}
		*out = obj ? json_dumps(obj, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
		json_decref(obj);
	} else {
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		char section[64] = "";

		if (!f)
			return vg_error_set(err, -ENOMEM, N_("out of memory"));
		fprintf(f, "# Vigil agent settings\n");
		for (size_t i = 0; i < s->ndefs; i++) {
			const char *key = s->defs[i]->key, *dot = strchr(key, '.');
			const char *value = vg_setting_text(s, s->defs[i]);
			size_t slen = dot ? (size_t)(dot - key) : 0;

			if (s->defs[i]->flags & VG_SETTING_SECRET)
				continue;
			if (slen && (strlen(section) != slen || strncmp(section, key, slen) != 0)) {
				snprintf(section, sizeof(section), "%.*s", (int)slen, key);
				fprintf(f, "\n[%s]\n", section);
			}
			fprintf(f, "%s = %s\n", dot ? dot + 1 : key, value);
		}
		if (fclose(f) != 0) {
			free(buf);
			buf = NULL;
		}
		*out = buf;
	}
	if (!*out)
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	return 0;
}

struct import_ctx {
	const struct vg_setting_registry *reg;
	struct vg_setting_pair pairs[MAX_IMPORT_PAIRS];
	char *owned[MAX_IMPORT_PAIRS];
	size_t n;
};

static int import_add(struct import_ctx *ctx, const char *key, const char *value, struct vg_error *err)
{
	const struct vg_setting_def *def = vg_setting_registry_find(ctx->reg, key, err);
	char canon[VG_SETTING_MAX_VALUE];
	int r;

	if (!def)
		return -ENOENT;
	if (ctx->n >= MAX_IMPORT_PAIRS)
		return vg_error_set(err, -E2BIG, N_("too many settings in one change"));
	for (size_t i = 0; i < ctx->n; i++)
		if (ctx->pairs[i].def == def)
			return vg_error_set(err, -EINVAL, N_("setting \"%s\" is given twice"), key);
	if ((r = vg_setting_normalize(def, value, canon, sizeof(canon), err)) < 0)
		return r;
	ctx->owned[ctx->n] = strdup(canon);
	if (!ctx->owned[ctx->n])
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	ctx->pairs[ctx->n].def = def;
	ctx->pairs[ctx->n].value = ctx->owned[ctx->n];
	ctx->n++;
	return 0;
}

static int import_ini_key(const char *section, const char *key, const char *value, unsigned line,
			  void *data, struct vg_error *err)
{
	char full[2 * VG_INI_MAX_NAME + 2];

	(void)line;
	snprintf(full, sizeof(full), "%s%s%s", section, section[0] ? "." : "", key);
	return import_add(data, full, value, err);
}

int vg_settings_import(struct vg_settings *s, enum vg_settings_format format, const char *text,
		       size_t len, const char *source, uid_t uid, struct vg_error *err)
{
	struct import_ctx *ctx = calloc(1, sizeof(*ctx));
	int r = 0;

	if (!ctx)
		return vg_error_set(err, -ENOMEM, N_("out of memory"));
	ctx->reg = s->reg;
	if (format == VG_SETTINGS_INI) {
		r = vg_ini_parse(text, len, source, import_ini_key, ctx, err);
	} else {
		json_error_t jerr;
		json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
		const char *key;
		json_t *value;
		char line[16];

		if (!doc) {
			snprintf(line, sizeof(line), "%d", jerr.line);
			r = vg_error_set(err, -EINVAL, N_("%s:%s: invalid JSON: %s"), source, line, jerr.text);
		} else if (!json_is_object(doc)) {
			r = vg_error_set(err, -EINVAL, N_("%s: expected a JSON object of settings"), source);
		} else {
			json_object_foreach(doc, key, value) {
				const struct vg_setting_def *def = vg_setting_registry_find(s->reg, key, err);
				char canon[VG_SETTING_MAX_VALUE];

				if (!def) {
					r = -ENOENT;
				} else if ((r = vg_setting_from_json(def, value, canon, sizeof(canon), err)) == 0) {
					r = import_add(ctx, key, canon, err);
				}
				if (r < 0) {
					char prefix[VG_ERROR_ARG_SIZE];

					snprintf(prefix, sizeof(prefix), "%s: ", source);
					vg_error_prefix(err, prefix);
					break;
				}
			}
		}
		json_decref(doc);
	}
	if (r == 0)
		r = vg_settings_set(s, ctx->pairs, ctx->n, uid, err);
	for (size_t i = 0; i < ctx->n; i++)
		free(ctx->owned[i]);
	free(ctx);
	return r;
}

json_t *vg_settings_history(struct vg_settings *s, unsigned limit, struct vg_error *err)
{
	sqlite3_stmt *st = NULL;
	json_t *list;

	if (sqlite3_prepare_v2(vg_store_db(s->store),
			       "SELECT time, uid, key, old, new, source FROM settings_log ORDER BY id DESC LIMIT ?1",
			       -1, &st, NULL) != SQLITE_OK) {
		vg_store_error(s->store, N_("reading the settings history"), err);
		return NULL;
	}
	sqlite3_bind_int64(st, 1, limit);
	list = json_array();
	while (list && sqlite3_step(st) == SQLITE_ROW) {
		const char *source = (const char *)sqlite3_column_text(st, 5);

		json_array_append_new(list, json_pack("{s:I, s:I, s:s, s:s, s:s, s:s}",
			"time", (json_int_t)sqlite3_column_int64(st, 0),
			"uid", (json_int_t)sqlite3_column_int64(st, 1),
			"key", (const char *)sqlite3_column_text(st, 2),
			"old", (const char *)sqlite3_column_text(st, 3),
			"new", (const char *)sqlite3_column_text(st, 4),
			"source", source && source[0] ? source : "vigilctl"));
	}
	sqlite3_finalize(st);
	return list;
}

void vg_settings_on_change(struct vg_settings *s, vg_settings_change_fn fn, void *data)
{
	s->on_change = fn;
	s->on_change_data = data;
}

int vg_settings_add_veto(struct vg_settings *s, vg_settings_veto_fn fn, void *data)
{
	for (size_t i = 0; i < VG_SETTINGS_MAX_VETOES; i++)
		if (!s->vetoes[i].fn) {
			s->vetoes[i].fn = fn;
			s->vetoes[i].data = data;
			return 0;
		}
	return -ENOSPC;
}

void vg_settings_remove_veto(struct vg_settings *s, vg_settings_veto_fn fn, void *data)
{
	for (size_t i = 0; i < VG_SETTINGS_MAX_VETOES; i++)
		if (s->vetoes[i].fn == fn && s->vetoes[i].data == data)
			s->vetoes[i].fn = NULL;
}
