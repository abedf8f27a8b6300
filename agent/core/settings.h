/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The settings store: every runtime setting of the agent, typed and validated,
 * kept in the database with a change log (time, uid, key, old, new).
 *
 * The core and each subsystem declare their settings in a table of their own (struct
 * vg_setting_table, reached through struct vg_subsystem); the registry gathers them at start
 * and refuses duplicates, keys outside their table's prefixes and malformed definitions.
 * Code reads a setting through its handle, a constant typed by the value it holds:
 * vg_setting_int(s, VG_S_LINK_PORT).  A misspelt handle or a read of the wrong type does not
 * compile.  Keys as strings are only for what comes from outside (settings.set, show, import,
 * the --set option).
 *
 * Values are kept in their canonical text form ("yes"/"no", decimal integers, comma-separated
 * lists).  Every change is all or nothing: one bad value and nothing is written.
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
struct vg_setting_registry;

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
#define VG_SETTING_MAX_KEY 64 /* bytes with the NUL */

struct vg_setting_def {
	const char *key;        /* PREFIX.NAME: lower-case letters, digits, '_', dots between words */
	enum vg_setting_type type;
	const char *def;        /* default, canonical text */
	long long min, max;     /* VG_SETTING_INT; for LIST, max is the item count */
	const char *unit;       /* "seconds", "minutes"... or NULL (untranslated word used in help) */
	const char *help;       /* N_() */
	unsigned flags;
	/* Extra check of a string or of one list item; NULL accepts anything printable. */
	int (*validate)(const char *value, struct vg_error *err);
};

/*
 * Handles.  Each setting is one constant of the type of its value, defined with the macro of
 * that type beside the code that owns it, declared in its subsystem's header, and listed in its
 * table:
 *
 *	VG_INT_SETTING(VG_S_LINK_PORT, .key = "link.port", .def = "443", .min = 1, .max = 65535,
 *		       .help = N_("Port of the central server when an address names none"));
 *	extern const struct vg_int_setting VG_S_LINK_PORT[1];
 *
 * A handle is an array of one so that its name is the pointer the getters take.  The macro
 * sets the type of the definition, so the handle and its definition cannot disagree.
 */
struct vg_bool_setting { struct vg_setting_def def; };
struct vg_int_setting { struct vg_setting_def def; };
struct vg_str_setting { struct vg_setting_def def; };
struct vg_list_setting { struct vg_setting_def def; };

#define VG_BOOL_SETTING(name, ...) \
	const struct vg_bool_setting name[1] = { { .def = { .type = VG_SETTING_BOOL, __VA_ARGS__ } } }
#define VG_INT_SETTING(name, ...) \
	const struct vg_int_setting name[1] = { { .def = { .type = VG_SETTING_INT, __VA_ARGS__ } } }
#define VG_STR_SETTING(name, ...) \
	const struct vg_str_setting name[1] = { { .def = { .type = VG_SETTING_STRING, __VA_ARGS__ } } }
#define VG_LIST_SETTING(name, ...) \
	const struct vg_list_setting name[1] = { { .def = { .type = VG_SETTING_LIST, __VA_ARGS__ } } }

/* The definition behind a handle of any type: what a table lists, what a veto compares. */
#define VG_SETTING_DEF(handle) (&(handle)->def)

/* What the core or a subsystem declares: its settings in the order they are shown and
 * exported, and the prefixes its keys may start with.  Both lists end with NULL. */
struct vg_setting_table {
	const char *const *prefixes;
	const struct vg_setting_def *const *defs;
};

/* ---- the registry: every table gathered ---- */

/* Makes an empty registry; -ENOMEM.  Freed with vg_setting_registry_free. */
int vg_setting_registry_new(struct vg_setting_registry **out);
void vg_setting_registry_free(struct vg_setting_registry *reg);

/* Adds the table of owner ("core" or a subsystem's name).  Refuses, with err naming the
 * owner and the key: a prefix already claimed by another table, a key declared twice, a key
 * outside the table's prefixes, and a malformed definition (bad key, unknown type, missing
 * help, bounds that do not fit the type, a default its own checks refuse).  Nothing of the
 * table is added then. */
int vg_setting_registry_add(struct vg_setting_registry *reg, const char *owner,
			    const struct vg_setting_table *table, struct vg_error *err);

/* Every definition, in order (the core's first, then each subsystem's). */
const struct vg_setting_def *const *vg_setting_registry_defs(const struct vg_setting_registry *reg,
							      size_t *count);

/* The definition of a key that came from outside; NULL with err set ("unknown setting") when
 * no table declares it.  err may be NULL. */
const struct vg_setting_def *vg_setting_registry_find(const struct vg_setting_registry *reg, const char *key,
						      struct vg_error *err);

/* The position of def in the registry, or -1 when no table declares it. */
ssize_t vg_setting_registry_index(const struct vg_setting_registry *reg, const struct vg_setting_def *def);

/* ---- values ---- */

/* Checks value against def and writes its canonical text into out (size bytes). */
int vg_setting_normalize(const struct vg_setting_def *def, const char *value, char *out,
			 size_t size, struct vg_error *err);

/* Converts a JSON value (bool, integer, string or array of strings) into the text form. */
int vg_setting_from_json(const struct vg_setting_def *def, const json_t *value, char *out,
			 size_t size, struct vg_error *err);
/* The typed JSON form of a canonical value (a new reference). */
json_t *vg_setting_to_json(const struct vg_setting_def *def, const char *value);

/* Opens the settings of every setting of reg over store (creating the tables).  reg must
 * outlive the settings.  Freed with vg_settings_close. */
int vg_settings_open(struct vg_settings **out, struct vg_store *store, const struct vg_setting_registry *reg,
		     struct vg_error *err);
void vg_settings_close(struct vg_settings *s);

/* The registry the settings were opened with. */
const struct vg_setting_registry *vg_settings_registry(const struct vg_settings *s);

/* The current value of a setting (its default when never set).  Strings and lists point into
 * the settings and stay valid until the next change; a list is its canonical text, items
 * separated by commas, without spaces or empty items.  A handle that no table lists is a
 * programming error: the agent logs it and aborts. */
bool vg_setting_bool(const struct vg_settings *s, const struct vg_bool_setting *handle);
long long vg_setting_int(const struct vg_settings *s, const struct vg_int_setting *handle);
const char *vg_setting_str(const struct vg_settings *s, const struct vg_str_setting *handle);
const char *vg_setting_list(const struct vg_settings *s, const struct vg_list_setting *handle);

/* The canonical text of any setting: what show, export and fingerprints use. */
const char *vg_setting_text(const struct vg_settings *s, const struct vg_setting_def *def);

/* One change: a definition (VG_SETTING_DEF(handle), or what vg_setting_registry_find gave
 * for a key from outside) and its new value in any accepted spelling. */
struct vg_setting_pair {
	const struct vg_setting_def *def;
	const char *value;
};

/* Sets n pairs at once, all or nothing, recording uid in the change log. */
int vg_settings_set(struct vg_settings *s, const struct vg_setting_pair *pairs, size_t n, uid_t uid,
		    struct vg_error *err);

/* The same, each pair i recorded as set by sources[i] ("file NAME:LINE"; NULL or "" for the
 * control socket; sources itself may be NULL).  A pair whose value is already in place but
 * came from elsewhere changes only its source (stored, not logged). */
int vg_settings_set_from(struct vg_settings *s, const struct vg_setting_pair *pairs, const char *const *sources,
			 size_t n, uid_t uid, struct vg_error *err);

/* Where the current value of def came from: NULL for the default (never set), "" for the
 * control socket (vigilctl, the console), else what vg_settings_set_from recorded. */
const char *vg_setting_source(const struct vg_settings *s, const struct vg_setting_def *def);

enum vg_settings_format { VG_SETTINGS_INI, VG_SETTINGS_JSON };

int vg_settings_format_parse(const char *name, enum vg_settings_format *format);

/* Exports every non-secret setting; *out is a NUL-terminated string the caller frees. */
int vg_settings_export(const struct vg_settings *s, enum vg_settings_format format, char **out,
		       struct vg_error *err);

/* Imports a document (INI or JSON) all or nothing.  source names it in error messages. */
int vg_settings_import(struct vg_settings *s, enum vg_settings_format format, const char *text,
		       size_t len, const char *source, uid_t uid, struct vg_error *err);

/* The change log, newest first, at most limit entries: a JSON array of
 * {time, uid, key, old, new, source} (secrets masked; source "vigilctl" or the recorded one). */
json_t *vg_settings_history(struct vg_settings *s, unsigned limit, struct vg_error *err);

/* A callback run after every committed change with the definitions of what changed. */
typedef void (*vg_settings_change_fn)(const struct vg_setting_def *const *defs, size_t n, void *data);
void vg_settings_on_change(struct vg_settings *s, vg_settings_change_fn fn, void *data);

/* A veto: asked before a change is written, for each setting whose value would change
 * (value is canonical; compare def with VG_SETTING_DEF(handle)).  Returns 0 to allow, or a
 * negative code with err filled (a message for the person making the change) to refuse the
 * whole change.  A subsystem registers its vetoes while it runs (at most
 * VG_SETTINGS_MAX_VETOES in all). */
#define VG_SETTINGS_MAX_VETOES 8
typedef int (*vg_settings_veto_fn)(const struct vg_setting_def *def, const char *value, void *data,
				   struct vg_error *err);
int vg_settings_add_veto(struct vg_settings *s, vg_settings_veto_fn fn, void *data);
void vg_settings_remove_veto(struct vg_settings *s, vg_settings_veto_fn fn, void *data);

#endif
