/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * vigil-console: the pieces shared by the main loop, the drawing helpers and the screens.
 *
 * Every screen is a small "class" (struct vg_screen_class): create, destroy, show,
 * draw, key, click, tick.  Key handlers return VG_KEY_* flags.  Screens talk to the
 * agent only through vg_console_request(), which never blocks: the answer comes
 * later to a callback, on the main loop.
 */
#ifndef VIGIL_TUI_CONSOLE_H
#define VIGIL_TUI_CONSOLE_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif

#include <curses.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

#include "vigil/client.h"
#include "vigil/error.h"

struct vg_console;

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
	VG_ACT_GOTO,          /* arg: the screen */
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
	VG_ACT_FILTER,        /* type a filter for the rows */
	VG_ACT_TOGGLE,        /* switch a yes/no value */
	VG_ACT_COMMAND,       /* a screen's own command; arg: which (the screen's VG_UI_*) */
};

/* The screens' own commands (VG_ACT_COMMAND's arg). */
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
	VG_UI_ADD,           /* isolation: a new exception */
	VG_UI_REMOVE,        /* isolation: remove the selected exception */
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

enum vg_screen_id {
	VG_SCR_DASHBOARD,
	VG_SCR_TELEMETRY,
	VG_SCR_TASKS,
	VG_SCR_IOC,
	VG_SCR_ISOLATION,
	VG_SCR_SERVERS,
	VG_SCR_EXCLUSIONS,
	VG_SCR_SETTINGS,
	VG_SCR_HISTORY,
	VG_SCR_HELP,
	VG_SCR_COUNT
};

#define VG_SCOPE_GLOBAL (-1)
/* The keys of a form: listed in the help; the form reads the raw keys (form.c). */
#define VG_SCOPE_FORM (-2)

/* One key binding.  The help screen and the bottom bar are generated from the table. */
struct vg_binding {
	wint_t key;
	bool code;             /* key is a KEY_* code, not a character */
	const char *key_name;  /* N_(): as shown in the help and the bottom bar */
	int scope;             /* VG_SCOPE_GLOBAL, VG_SCOPE_FORM or an enum vg_screen_id */
	enum vg_action action;
	int arg;
	const char *help;      /* N_(); NULL: an alias, not listed */
};

/* A key as the screens see it: the raw key and what the table says it means there. */
struct vg_key {
	wint_t ch;
	bool code;
	enum vg_action action;
	int arg;
};

/* The body of the screen, between the title bar and the message line. */
struct vg_view {
	int top, left, rows, cols;
};

struct vg_screen_class {
	enum vg_screen_id id;
	const char *label;     /* N_(): the tab */
	const char *title;     /* N_(): the title bar */
	void *(*create)(struct vg_console *con);
	void (*destroy)(void *self);
	void (*show)(void *self);                       /* became visible, or the agent came back */
	void (*draw)(void *self, const struct vg_view *v);
	int (*key)(void *self, const struct vg_key *k);
	int (*click)(void *self, int row);              /* row inside the body */
	void (*tick)(void *self);                       /* about once a second while visible */
	/* A stream message from the agent, after a subscription the screen asked for in show().
	 * A new connection has no subscription: show() runs each time the screen is shown and
	 * when the agent comes back while it is visible.  Every screen gets every stream
	 * message, visible or not; data is borrowed. */
	void (*stream)(void *self, const char *name, json_t *data);
};

/* The screens, in tab order (screens.c). */
const struct vg_screen_class *vg_console_screen_class(enum vg_screen_id id);
extern const struct vg_screen_class vg_screen_dashboard, vg_screen_telemetry, vg_screen_tasks,
	vg_screen_ioc, vg_screen_isolation, vg_screen_servers, vg_screen_exclusions, vg_screen_settings,
	vg_screen_history, vg_screen_help;

/* keys.c */
const struct vg_binding *vg_console_bindings(size_t *n);
/* Resolves what key means on screen (its own bindings first, then the global ones). */
void vg_console_resolve_key(struct vg_key *k, int screen);
/* The name of the first key bound to action/arg (in any scope), translated; "" when none. */
const char *vg_console_key_for(enum vg_action action, int arg);

/* The agent, seen from a screen (app.c, conn.c). */
typedef void (*vg_console_reply_fn)(void *ctx, json_t *result, const struct vg_error *err);

/* Sends cmd with args (stolen) to the agent; fn(ctx, ...) runs later on the main loop with the
 * result (borrowed) or the error.  Returns 0, or -ENOTCONN when the agent is not connected
 * (fn is not called then). */
int vg_console_request(struct vg_console *con, enum vg_cmd cmd, json_t *args, vg_console_reply_fn fn, void *ctx);
/* The same for a request whose answer comes when a long job ends (an IOC scan): the title bar
 * does not count it as the agent being slow. */
int vg_console_request_lasting(struct vg_console *con, enum vg_cmd cmd, json_t *args, vg_console_reply_fn fn,
			       void *ctx);
bool vg_console_connected(const struct vg_console *con);
/* True when the agent said this user may only read (a member of group vigil, not root). */
bool vg_console_read_only(const struct vg_console *con);
/* The message line: an information or an error, shown until the next one. */
void vg_console_message(struct vg_console *con, bool error, const char *text);
/* The message told to a read-only user who tries to change something. */
void vg_console_read_only_message(struct vg_console *con);
void vg_console_goto(struct vg_console *con, enum vg_screen_id id);
void vg_console_redraw(struct vg_console *con);
/* True when err means that the agent does not have the command (unknown or not available). */
bool vg_console_unavailable(const struct vg_error *err);

/* ui.c: drawing on stdscr. */
enum vg_role {
	VG_ROLE_NORMAL,
	VG_ROLE_TITLE,
	VG_ROLE_TAB,
	VG_ROLE_TAB_ACTIVE,
	VG_ROLE_HEADING,
	VG_ROLE_SELECTED,
	VG_ROLE_OK,
	VG_ROLE_WARN,
	VG_ROLE_ERROR,
	VG_ROLE_DIM,
	VG_ROLE_BANNER,
	VG_ROLE_COUNT
};

/* Starts the colours after initscr(), unless the terminal has none or NO_COLOR is set. */
void vg_ui_init(void);
/* True when the locale's character set is UTF-8 (box lines and spinner in Unicode). */
bool vg_ui_utf8(void);
/* The attributes of a role: colours when they are on, else bold/underline/reverse. */
attr_t vg_ui_attr(enum vg_role role);
/* Draws UTF-8 text at y, x in at most maxcols columns (control and invalid characters shown
 * as '?'); returns the columns used. */
int vg_ui_text(int y, int x, const char *s, int maxcols);
/* The columns that s takes on the screen. */
int vg_ui_width(const char *s);
/* Fills n columns of row y from x with blanks in attr. */
void vg_ui_fill(int y, int x, int n, attr_t attr);
/* A horizontal line and a box, in Unicode or ASCII. */
void vg_ui_hline(int y, int x, int n);
void vg_ui_box(int y, int x, int h, int w);
/* One frame of the spinner (a static string). */
const char *vg_ui_spinner(unsigned frame);
/* "3 d 04:05:06" or "04:05:06". */
void vg_ui_duration(char *buf, size_t size, long long seconds);
/* A JSON scalar as text ("" for objects and arrays of objects; arrays joined with ","). */
void vg_ui_json_text(char *buf, size_t size, const json_t *v);

/* The new selection among n rows after a movement key (page: rows in view), or -1 when k does not move. */
int vg_ui_move(int sel, int n, const struct vg_key *k, int page);

/* form.c: a small modal form of text fields. */
#define VG_FORM_MAX_FIELDS 10
#define VG_FIELD_MAX 1024

struct vg_field {
	const char *label;        /* N_() */
	char value[VG_FIELD_MAX];
	size_t len, cursor;       /* bytes */
	bool secret;              /* shown as stars */
};

struct vg_form {
	bool open;
	bool busy;                /* waiting for the agent */
	char title[256];
	char note[512];           /* information under the fields */
	char error[VG_ERROR_MSG_SIZE];
	struct vg_field fields[VG_FORM_MAX_FIELDS];
	int nfields, focus;
};

enum { VG_FORM_NONE, VG_FORM_CHANGED, VG_FORM_SUBMIT, VG_FORM_CANCEL };

/* Opens an empty form; vg_form_add adds a field (label an N_() string, value copied; -1 when full). */
void vg_form_open(struct vg_form *f, const char *title);
int vg_form_add(struct vg_form *f, const char *label, const char *value, bool secret);
/* Closes the form and wipes its fields (they may hold a password). */
void vg_form_close(struct vg_form *f);
/* Edits the focused field with k; returns VG_FORM_NONE (not for the form: a function key),
 * VG_FORM_CHANGED, VG_FORM_SUBMIT (Enter) or VG_FORM_CANCEL (Esc). */
int vg_form_key(struct vg_form *f, const struct vg_key *k);
/* Draws the form over the middle of the view, and leaves the cursor in the focused field. */
void vg_form_draw(const struct vg_form *f, const struct vg_view *v);


#endif
