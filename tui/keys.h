/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The vocabulary of the key table (keys.c): what a key means, where.  The help screen, the
 * bottom bar and the screens' handlers read the same table; a screen is named there by its
 * name in the screen table (screens.c), checked when the console starts.
 */
#ifndef VIGIL_TUI_KEYS_H
#define VIGIL_TUI_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

/* What a key or click handler did. */
enum {
	VG_KEY_IGNORED = 0,
	VG_KEY_HANDLED = 1 << 0,
	VG_KEY_REDRAW = 1 << 1,
	VG_KEY_QUIT = 1 << 2,
};

/* What a key means, from the binding table. */
enum vg_action {
	VG_ACT_NONE = 0,
	VG_ACT_QUIT,
	VG_ACT_GOTO,          /* target: the screen's name */
	VG_ACT_NEXT_SCREEN,
	VG_ACT_PREV_SCREEN,
	VG_ACT_REDRAW,
	VG_ACT_RELOAD,
	VG_ACT_UP,
	VG_ACT_DOWN,
	VG_ACT_PAGE_UP,
	VG_ACT_PAGE_DOWN,
	VG_ACT_HOME,
	VG_ACT_END,
	VG_ACT_ACTIVATE,      /* Enter: edit or open the selected row */
	VG_ACT_CANCEL,        /* Esc */
	VG_ACT_DEFAULT,       /* reset the selected setting to its default */
	VG_ACT_FILTER,        /* type a filter for the rows of a list (list.c) */
	VG_ACT_TOGGLE,        /* switch a yes/no value */
	VG_ACT_COMMAND,       /* a screen's own command; arg: which (VG_UI_*) */
};

/* The screens' own commands (VG_ACT_COMMAND's arg); a new screen reuses them or adds its own. */
enum {
	VG_UI_GET_FILE = 1,
	VG_UI_DELETE_FILE,
	VG_UI_RUN,
	VG_UI_TERMINATE,
	VG_UI_CANCEL,
	VG_UI_QUARANTINE,    /* the quarantine view, and back */
	VG_UI_RESTORE,
	VG_UI_PURGE,
	VG_UI_FILES,         /* IOC: the file picker */
	VG_UI_OPTIONS,       /* IOC: the options of the scan */
	VG_UI_START,         /* IOC: start the scan */
	VG_UI_PAST,          /* IOC: the past scans, and back to the results */
	VG_UI_SHOW_PROCESS,  /* telemetry: show or hide a type (these four in this order) */
	VG_UI_SHOW_NETWORK,
	VG_UI_SHOW_FILE,
	VG_UI_SHOW_OTHER,
	VG_UI_CLEAR,         /* telemetry: forget the events shown */
	VG_UI_ADD,           /* a new row (isolation exception, exclusion, server) */
	VG_UI_REMOVE,        /* remove the selected row (asks first) */
	VG_UI_ISOLATE,       /* isolation: turn it on */
	VG_UI_RELEASE,       /* isolation: turn it off */
	VG_UI_PROFILE,       /* isolation: switch the selected profile */
	VG_UI_CHECK,         /* servers: check the selected server now */
	VG_UI_IMPORT_SERVER, /* servers: import the server's CA (file picker) */
	VG_UI_IMPORT_CLIENT, /* servers: import the client certificate (picker, then key and password) */
	VG_UI_REMOVE_SERVER_CERT,
	VG_UI_REMOVE_CLIENT_CERT,
	VG_UI_PROXY,         /* servers: the proxy form */
	VG_UI_PROXY_CLEAR,
};

/* Where a binding works: everywhere, in a form (listed in the help; form.c reads the raw
 * keys), or on the screen of that name (screens.c). */
#define VG_SCOPE_GLOBAL NULL
#define VG_SCOPE_FORM "form"

/* One key binding.  The help screen and the bottom bar are generated from the table. */
struct vg_binding {
	wint_t key;
	bool code;             /* key is a KEY_* code, not a character */
	const char *key_name;  /* N_(): as shown in the help and the bottom bar */
	const char *scope;     /* VG_SCOPE_GLOBAL, VG_SCOPE_FORM or a screen's name */
	enum vg_action action;
	int arg;               /* VG_ACT_COMMAND: which (VG_UI_*) */
	const char *target;    /* VG_ACT_GOTO: the screen's name */
	const char *help;      /* N_(); NULL: an alias, not listed */
};

/* A key as the screens see it: the raw key and what the table says it means there. */
struct vg_key {
	wint_t ch;
	bool code;
	enum vg_action action;
	int arg;
	const char *target;
};

const struct vg_binding *vg_console_bindings(size_t *n);
/* Resolves what k means on the screen named screen (its own bindings first, then the global ones). */
void vg_console_resolve_key(struct vg_key *k, const char *screen);
/* The name of the first listed key bound to action (with arg, or to the screen target), translated;
 * "" when none. */
const char *vg_console_key_for(enum vg_action action, int arg, const char *target);
/* True for the keys that belong to the frame even in a form or a filter line: the function keys. */
bool vg_key_is_function(const struct vg_key *k);
/* True for a printable character (text for a field or a filter). */
bool vg_key_is_text(const struct vg_key *k);
/* True for Backspace, in its three spellings; Enter, in its three. */
bool vg_key_is_backspace(const struct vg_key *k);
bool vg_key_is_enter(const struct vg_key *k);

#endif
