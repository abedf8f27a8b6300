/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * vigil-console: the pieces shared by the main loop, the drawing helpers and the screens.
 *
 * Every screen is a small "class" (struct vg_screen_class): create, destroy, show,
 * draw, key, click, tick, listed once in screens.c.  Key handlers return VG_KEY_* flags.
 * Their lists and forms are the shared widgets of list.c and form.c.  Screens talk to the
 * agent only through vg_console_request(), which never blocks: the answer comes later to a
 * callback, on the main loop.
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

#include "form.h"
#include "keys.h"
#include "list.h"
#include "vigil/client.h"
#include "vigil/error.h"

struct vg_console;

/* The body of the screen, between the title bar and the message line. */
struct vg_view {
	int top, left, rows, cols;
};

struct vg_screen_class {
	const char *label;     /* N_(): the tab */
	const char *title;     /* N_(): the title bar */
	void *(*create)(struct vg_console *con);
	void (*destroy)(void *self);
	void (*show)(void *self);                       /* became visible, or the agent came back */
	void (*draw)(void *self, const struct vg_view *v);
	int (*key)(void *self, const struct vg_key *k);
	int (*click)(void *self, int y, int x);         /* a click in the body, in screen cells */
	void (*tick)(void *self);                       /* about once a second while visible */
	/* A stream message from the agent, after a subscription the screen asked for in show().
	 * A new connection has no subscription: show() runs each time the screen is shown and
	 * when the agent comes back while it is visible.  Every screen gets every stream
	 * message, visible or not; data is borrowed. */
	void (*stream)(void *self, const char *name, json_t *data);
};

/* screens.c: the screens in tab order, each with its name (the key table's scope). */
#define VG_CONSOLE_MAX_SCREENS 16
struct vg_screen {
	const char *name;
	const struct vg_screen_class *cls;
};
size_t vg_console_screen_count(void);
const struct vg_screen *vg_console_screen(size_t i);
/* The index of the screen called name, or -1. */
int vg_console_screen_find(const char *name);
/* Checks the screen table and the key table against each other (names unknown or twice, too
 * many screens, a screen without its class's functions): 0, or -1 with the fault in msg. */
int vg_console_check_tables(char *msg, size_t size);

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
/* Why the agent is not for this user (neither root nor in its group), translated, or NULL.
 * The console stops trying to connect then, until r is pressed. */
const char *vg_console_refusal(const struct vg_console *con);
/* True when the agent said this user may only read (a member of group vigil, not root). */
bool vg_console_read_only(const struct vg_console *con);
/* The message line: an information or an error, shown until the next one. */
void vg_console_message(struct vg_console *con, bool error, const char *text);
/* The message told to a read-only user who tries to change something. */
void vg_console_read_only_message(struct vg_console *con);
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
/* The time an agent's result gives under key (its key_ms, milliseconds since the epoch) in local
 * time, "YYYY-MM-DD HH:MM:SS"; "-" and false when it is null or missing (never). */
bool vg_ui_time_of(char *buf, size_t size, const json_t *obj, const char *key);
/* The string at key of a JSON object, or fallback when there is none. */
const char *vg_ui_str_or(const json_t *obj, const char *key, const char *fallback);
static inline const char *vg_ui_str(const json_t *obj, const char *key)
{
	return vg_ui_str_or(obj, key, "");
}
/* Draws s as vg_ui_text does, ending with "…" when it does not fit in maxcols. */
int vg_ui_text_cut(int y, int x, const char *s, int maxcols);
/* Character wc in the locale's multibyte encoding into out (VG_UI_CHAR_MAX bytes); returns
 * the bytes, 0 when it has none. */
#define VG_UI_CHAR_MAX 16
size_t vg_ui_encode_char(wint_t wc, char out[VG_UI_CHAR_MAX]);
/* A history graph of n values (oldest first; NAN for a moment without a sample) in rows x cols
 * from y, x: the newest at the right, one column per value, bars of block characters scaled
 * to max (0: the largest value shown); ASCII outside UTF-8. */
void vg_ui_graph(int y, int x, int rows, int cols, const double *values, size_t n, double max);
/* The start of the UTF-8 character before pos, after pos. */
size_t vg_ui_prev_char(const char *s, size_t pos);
size_t vg_ui_next_char(const char *s, size_t len, size_t pos);

#endif
