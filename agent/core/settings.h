/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The settings store: every runtime setting of the agent, typed and validated,
 * kept in the database with a change log (time, uid, key, old, new).
 *
 * Definitions live in one table (settings-registry.c); values are kept in their
 * canonical text form ("yes"/"no", decimal integers, comma-separated lists).
 * Every change is all or nothing: one bad value and nothing is written.
 */
#ifndef VIGIL_SETTINGS_H
#define VIGIL_SETTINGS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct vg_error;
struct vg_store;
struct vg_settings;

enum vg_setting_type {
	VG_SETTING_BOOL,
	VG_SETTING_INT,
	VG_SETTING_STRING,
	VG_SETTING_LIST,      /* comma-separated items, each checked by validate */
};

#define VG_SETTING_SECRET 0x1 /* never shown, exported or logged in clear */
#define VG_SETTING_PATHS 0x2  /* the value (each item of a list) is a path on this host: one that does
			       * not exist is accepted (it may be made later) with a warning */

#define VG_SETTING_MAX_VALUE 4096

struct vg_setting_def {
	const char *key;
	enum vg_setting_type type;
	const char *def;        /* default, canonical text */
	long long min, max;     /* VG_SETTING_INT; for LIST, max is the item count */
	const char *unit;       /* "seconds", "minutes"... or NULL (untranslated word used in help) */
	const char *help;       /* N_() */
	unsigned flags;
	/* Extra check of a string or of one list item; NULL accepts anything printable. */
	int (*validate)(const char *value, struct vg_error *err);
};

struct vg_setting_pair {
	const char *key;
	const char *value;
};

/* The settings of each subsystem (tables end with a NULL key). */
extern const struct vg_setting_def vg_telemetry_settings[];
extern const struct vg_setting_def vg_link_settings[];
extern const struct vg_setting_def vg_isolation_settings[];
extern const struct vg_setting_def vg_tasks_settings[];
extern const struct vg_setting_def vg_ioc_settings[];

/* The definition table, every family gathered. */
const struct vg_setting_def *vg_setting_defs(size_t *count);
const struct vg_setting_def *vg_setting_find(const char *key);

/* Checks value against def and writes its canonical text into out (size bytes). */
int vg_setting_normalize(const struct vg_setting_def *def, const char *value, char *out,
			 size_t size, struct vg_error *err);

/* Converts a JSON value (bool, integer, string or array of strings) into the text form. */
int vg_setting_from_json(const struct vg_setting_def *def, const json_t *value, char *out,
			 size_t size, struct vg_error *err);
/* The typed JSON form of a canonical value (a new reference). */
json_t *vg_setting_to_json(const struct vg_setting_def *def, const char *value);

/* Opens the settings over store (creating the tables).  Freed with vg_settings_close. */
int vg_settings_open(struct vg_settings **out, struct vg_store *store, struct vg_error *err);
void vg_settings_close(struct vg_settings *s);

/* The current canonical value of key (the default when never set); NULL for an unknown key.
 * The pointer is valid until the next change. */
const char *vg_settings_get(const struct vg_settings *s, const char *key);
bool vg_settings_get_bool(const struct vg_settings *s, const char *key);
long long vg_settings_get_int(const struct vg_settings *s, const char *key);

/* Sets n pairs at once, all or nothing, recording uid in the change log. */
int vg_settings_set(struct vg_settings *s, const struct vg_setting_pair *pairs, size_t n, uid_t uid,
		    struct vg_error *err);

enum vg_settings_format { VG_SETTINGS_INI, VG_SETTINGS_JSON };

int vg_settings_format_parse(const char *name, enum vg_settings_format *format);

/* Exports every non-secret setting; *out is a NUL-terminated string the caller frees. */
int vg_settings_export(const struct vg_settings *s, enum vg_settings_format format, char **out,
		       struct vg_error *err);

/* Imports a document (INI or JSON) all or nothing.  source names it in error messages. */
int vg_settings_import(struct vg_settings *s, enum vg_settings_format format, const char *text,
		       size_t len, const char *source, uid_t uid, struct vg_error *err);

/* The change log, newest first, at most limit entries: a JSON array of
 * {time, uid, key, old, new} (secrets masked). */
json_t *vg_settings_history(struct vg_settings *s, unsigned limit, struct vg_error *err);

/* A callback run after every committed change with the changed keys. */
typedef void (*vg_settings_change_fn)(const char *const *keys, size_t n, void *data);
void vg_settings_on_change(struct vg_settings *s, vg_settings_change_fn fn, void *data);

/* A veto: asked before a change is written, for each setting whose value would change
 * (value is canonical).  Returns 0 to allow, or a negative code with err filled (a message
 * for the person making the change) to refuse the whole change.  A subsystem registers its
 * vetoes while it runs (at most VG_SETTINGS_MAX_VETOES in all). */
#define VG_SETTINGS_MAX_VETOES 8
typedef int (*vg_settings_veto_fn)(const char *key, const char *value, void *data, struct vg_error *err);
int vg_settings_add_veto(struct vg_settings *s, vg_settings_veto_fn fn, void *data);
void vg_settings_remove_veto(struct vg_settings *s, vg_settings_veto_fn fn, void *data);

#endif
