/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The main loop: one ppoll over the terminal and the agent's socket, the frame (title
 * bar, message line, bottom bar of tabs), and the dispatch of keys and clicks to the
 * visible screen.  SIGWINCH only sets a flag; the resize happens here.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "app.h"
#include "nls.h"

/* Set by the signal handlers (main.c), read by the loop. */
volatile sig_atomic_t vg_console_winch, vg_console_stop;

#define MIN_COLS 80
#define MIN_ROWS 24
#define TICK_MS 1000
#define SLOW_MS 2000

void vg_console_message(struct vg_console *con, bool error, const char *text)
{
	snprintf(con->message, sizeof(con->message), "%s", text ? text : "");
	con->message_error = error;
	con->redraw = true;
}

void vg_console_read_only_message(struct vg_console *con)
{
	vg_console_message(con, true, _("Read-only access: only root can change this (members of group vigil may only look)."));
}

void vg_console_redraw(struct vg_console *con)
{
	con->redraw = true;
}

static const struct vg_screen_class *active_class(const struct vg_console *con)
{
	return vg_console_screen(con->active)->cls;
}

static void show_active(struct vg_console *con)
{
	const struct vg_screen_class *cls = active_class(con);

	if (cls->show && con->up)
		cls->show(con->screens[con->active]);
}

void vg_console_goto(struct vg_console *con, size_t i)
{
	if (i >= vg_console_screen_count())
		return;
	con->active = i;
	con->message[0] = '\0';
	con->redraw = true;
	show_active(con);
}

static void draw_title(struct vg_console *con)
{
	const struct vg_screen_class *cls = active_class(con);
	char left[256], right[VG_ERROR_MSG_SIZE + 64];
	int rw;

	vg_ui_fill(0, 0, COLS, vg_ui_attr(VG_ROLE_TITLE));
	attrset(vg_ui_attr(VG_ROLE_TITLE));
	snprintf(left, sizeof(left), " %s — %s", _("Vigil console"), _(cls->title));
	if (!vg_ui_utf8())
		snprintf(left, sizeof(left), " %s - %s", _("Vigil console"), _(cls->title));
	if (con->up) {
		snprintf(right, sizeof(right), _("agent %s connected"), con->agent_version[0] ? con->agent_version : "…");
		if (con->read_only) {
			size_t l = strlen(right);

			snprintf(right + l, sizeof(right) - l, " (%s)", _("read-only"));
		}
	} else {
		snprintf(right, sizeof(right), "%s", con->refused ? _("access refused") : _("agent not reachable"));
	}
	if (con->npending > con->nlasting) {
		uint64_t waited = vg_conn_oldest_ms(con);
		size_t l = strlen(right);

		/* A slow agent is said in words, not only by the spinner. */
		if (waited >= SLOW_MS) {
			char secs[32];

			snprintf(secs, sizeof(secs), "%llu", (unsigned long long)(waited / 1000));
			l = (size_t)snprintf(right, sizeof(right), _("waiting for the agent (%s s)"), secs);
			if (l >= sizeof(right))
				l = sizeof(right) - 1;
		}
		snprintf(right + l, sizeof(right) - l, " %s", vg_ui_spinner(con->frame));
	}
	rw = vg_ui_width(right) + 1;
	vg_ui_text(0, 0, left, COLS - rw - 1);
	if (!con->up)
		attrset(vg_ui_attr(VG_ROLE_ERROR) | A_REVERSE);
	vg_ui_text(0, COLS - rw, right, rw);
	attrset(A_NORMAL);
}

/* The columns tab i takes: "F2 Dashboard" and a blank after it. */
static int tab_width(size_t i)
{
	const struct vg_screen *scr = vg_console_screen(i);

	return vg_ui_width(vg_console_key_for(VG_ACT_GOTO, 0, scr->name)) + 1 + vg_ui_width(_(scr->cls->label)) + 1;
}

/* The bottom bar: one tab per screen, "F2 Dashboard", each label whole.  When they do not all
 * fit, the bar scrolls: it shows the tabs around the active one, with a mark on a side where
 * tabs are hidden (their keys still work). */
static void draw_tabs(struct vg_console *con)
{
	const int y = LINES - 1;
	const size_t n = vg_console_screen_count();
	const char *left_mark = vg_ui_utf8() ? "◀ " : "< ", *right_mark = vg_ui_utf8() ? " ▶" : " >";
	size_t first = 0, last = n; /* the tabs shown: [first, last) */
	int total = 0, x = 0;

	for (size_t i = 0; i < n; i++)
		total += tab_width(i);
	if (total > COLS) {
		int room = COLS - vg_ui_width(left_mark) - vg_ui_width(right_mark), used;

		/* As many tabs before the active one as fit with it, then as many after. */
		first = con->active;
		used = tab_width(con->active);
		while (first > 0 && used + tab_width(first - 1) <= room)
			used += tab_width(--first);
		last = con->active + 1;
		while (last < n && used + tab_width(last) <= room)
			used += tab_width(last++);
		/* Room left at the end goes to the tabs before. */
		while (first > 0 && used + tab_width(first - 1) <= room)
			used += tab_width(--first);
	}
	vg_ui_fill(y, 0, COLS, vg_ui_attr(VG_ROLE_TAB));
	for (size_t i = 0; i < n; i++)
		con->tab_x[i][0] = con->tab_x[i][1] = -1;
	if (first > 0) {
		attrset(vg_ui_attr(VG_ROLE_TAB) | A_BOLD);
		x += vg_ui_text(y, x, left_mark, COLS - x);
	}
	for (size_t i = first; i < last && x < COLS; i++) {
		const struct vg_screen *scr = vg_console_screen(i);
		int start = x;

		attrset(vg_ui_attr(VG_ROLE_TAB) | A_BOLD);
		x += vg_ui_text(y, x, vg_console_key_for(VG_ACT_GOTO, 0, scr->name), COLS - x);
		attrset(vg_ui_attr(i == con->active ? VG_ROLE_TAB_ACTIVE : VG_ROLE_TAB));
		x += 1;
		x += vg_ui_text(y, x, _(scr->cls->label), COLS - x);
		x += 1;
		con->tab_x[i][0] = start;
		con->tab_x[i][1] = x;
	}
	if (last < n) {
		attrset(vg_ui_attr(VG_ROLE_TAB) | A_BOLD);
		vg_ui_text(y, COLS - vg_ui_width(right_mark), right_mark, vg_ui_width(right_mark));
	}
	attrset(A_NORMAL);
}

static void draw_message(struct vg_console *con)
{
	const int y = LINES - 2;
	char buf[VG_ERROR_MSG_SIZE + 128];

	if (con->message[0]) {
		attrset(vg_ui_attr(con->message_error ? VG_ROLE_ERROR : VG_ROLE_OK));
		vg_ui_text(y, 1, con->message, COLS - 2);
	} else if (con->refused) {
		attrset(vg_ui_attr(VG_ROLE_ERROR));
		/* TRANSLATORS: why the agent refuses this user, then the key that asks again. */
		snprintf(buf, sizeof(buf), _("%s; r: try again"), con->refusal);
		vg_ui_text(y, 1, buf, COLS - 2);
	} else if (!con->up) {
		attrset(vg_ui_attr(VG_ROLE_WARN));
		snprintf(buf, sizeof(buf), _("Reconnecting to %s: %s"), con->socket_path,
			 con->last_error[0] ? con->last_error : _("not connected yet"));
		vg_ui_text(y, 1, buf, COLS - 2);
	}
	attrset(A_NORMAL);
}

static void draw(struct vg_console *con)
{
	const struct vg_screen_class *cls = active_class(con);

	erase();
	if (COLS < MIN_COLS || LINES < MIN_ROWS) {
		char buf[128];

		snprintf(buf, sizeof(buf), _("The terminal is too small: %dx%d (at least %dx%d)."), COLS, LINES,
			 MIN_COLS, MIN_ROWS);
		vg_ui_text(0, 0, buf, COLS);
		refresh();
		return;
	}
	con->body = (struct vg_view){ .top = 1, .left = 0, .rows = LINES - 3, .cols = COLS };
	curs_set(0);
	draw_title(con);
	draw_message(con);
	draw_tabs(con);
	/* The body last: a form there leaves the cursor in its field. */
	cls->draw(con->screens[con->active], &con->body);
	attrset(A_NORMAL);
	refresh();
}

static void resize(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	clear();
}

static void handle_global(struct vg_console *con, const struct vg_key *k)
{
	switch (k->action) {
	case VG_ACT_QUIT:
		con->quit = true;
		break;
	case VG_ACT_GOTO: {
		int i = vg_console_screen_find(k->target);

		if (i >= 0)
			vg_console_goto(con, (size_t)i);
		break;
	}
	case VG_ACT_NEXT_SCREEN:
		vg_console_goto(con, (con->active + 1) % vg_console_screen_count());
		break;
	case VG_ACT_PREV_SCREEN:
		vg_console_goto(con, (con->active + vg_console_screen_count() - 1) % vg_console_screen_count());
		break;
	case VG_ACT_REDRAW:
		clear();
		con->redraw = true;
		break;
	case VG_ACT_RELOAD:
		vg_conn_retry(con);
		con->message[0] = '\0';
		show_active(con);
		con->redraw = true;
		break;
	case VG_ACT_CANCEL:
		if (con->message[0]) {
			con->message[0] = '\0';
			con->redraw = true;
		}
		break;
	default:
		break;
	}
}

/* The result of a screen's handler. */
static void apply(struct vg_console *con, int r)
{
	if (r & VG_KEY_REDRAW)
		con->redraw = true;
	if (r & VG_KEY_QUIT)
		con->quit = true;
}

/* A key for the visible screen: its handler first, then the frame's global bindings. */
static void dispatch_key(struct vg_console *con, struct vg_key *k)
{
	const struct vg_screen_class *cls = active_class(con);
	int res;

	vg_console_resolve_key(k, vg_console_screen(con->active)->name);
	res = cls->key ? cls->key(con->screens[con->active], k) : VG_KEY_IGNORED;
	apply(con, res);
	if (!(res & VG_KEY_HANDLED))
		handle_global(con, k);
}

static void handle_mouse(struct vg_console *con)
{
	const struct vg_screen_class *cls = active_class(con);
	MEVENT ev;

	if (getmouse(&ev) != OK)
		return;
	/* The wheel scrolls the list under it as the arrow keys would, three rows a notch. */
	if (ev.bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
		for (int i = 0; i < 3; i++) {
			struct vg_key k = { .ch = ev.bstate & BUTTON4_PRESSED ? KEY_UP : KEY_DOWN, .code = true };

			dispatch_key(con, &k);
		}
		return;
	}
	/* The press only: a release after it would be a second click on the same row. */
	if (!(ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED)))
		return;
	if (ev.y == LINES - 1) {
		for (size_t i = 0; i < vg_console_screen_count(); i++)
			if (ev.x >= con->tab_x[i][0] && ev.x < con->tab_x[i][1] && i != con->active) {
				vg_console_goto(con, i);
				return;
			}
		return;
	}
	if (cls->click && ev.y >= con->body.top && ev.y < con->body.top + con->body.rows)
		apply(con, cls->click(con->screens[con->active], ev.y, ev.x));
}

static void handle_input(struct vg_console *con)
{
	wint_t ch;
	int r;

	/* Everything that is waiting: the terminal is in non-blocking mode. */
	for (int limit = 0; limit < 256 && (r = get_wch(&ch)) != ERR; limit++) {
		struct vg_key k = { .ch = ch, .code = r == KEY_CODE_YES };

		if (k.code && ch == KEY_RESIZE) {
			vg_console_winch = 1;
			continue;
		}
		if (k.code && ch == KEY_MOUSE) {
			handle_mouse(con);
			continue;
		}
		dispatch_key(con, &k);
		if (con->quit)
			return;
	}
}

int vg_console_run(struct vg_console *con)
{
	uint64_t next_tick = 0;
	sigset_t block, orig;

	/* The signals are blocked except inside ppoll, so that a flag set just before it is never missed. */
	sigemptyset(&block);
	sigaddset(&block, SIGWINCH);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &orig);
	con->redraw = true;
	while (!con->quit && !vg_console_stop) {
		struct pollfd pfd[2] = { { .fd = STDIN_FILENO, .events = POLLIN }, { .fd = -1, .events = POLLIN } };
		uint64_t now = vg_console_now_ms();
		int wait_ms;
		struct timespec ts;
		bool was_up = con->up;

		if (vg_console_winch) {
			vg_console_winch = 0;
			resize();
			con->redraw = true;
		}
		if (vg_conn_tick(con))
			con->redraw = true;
		if (con->up && !was_up)
			show_active(con);
		if (now >= next_tick) {
			const struct vg_screen_class *cls = active_class(con);

			next_tick = now + TICK_MS;
			if (cls->tick)
				cls->tick(con->screens[con->active]);
			con->redraw = true;
		}
		if (con->npending > con->nlasting) {
			con->frame++;
			con->redraw = true;
		}
		if (con->redraw) {
			con->redraw = false;
			draw(con);
		}
		/* Short waits only while something moves (spinner) or a reconnection is due. */
		wait_ms = (int)(next_tick - vg_console_now_ms());
		if (con->npending > con->nlasting && wait_ms > 150)
			wait_ms = 150;
		if (!con->up) {
			uint64_t t = vg_console_now_ms();
			int due = con->next_attempt_ms > t ? (int)(con->next_attempt_ms - t) : 0;

			if (due < wait_ms)
				wait_ms = due;
		}
		if (wait_ms < 0)
			wait_ms = 0;
		ts.tv_sec = wait_ms / 1000;
		ts.tv_nsec = (long)(wait_ms % 1000) * 1000000L;
		pfd[1].fd = vg_conn_fd(con);
		if (ppoll(pfd, 2, &ts, &orig) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[1].fd >= 0 && (pfd[1].revents & (POLLIN | POLLHUP | POLLERR)))
			if (vg_conn_readable(con))
				con->redraw = true;
		if (pfd[0].revents & (POLLHUP | POLLERR | POLLNVAL))
			break;
		if (pfd[0].revents & POLLIN)
			handle_input(con);
	}
	sigprocmask(SIG_SETMASK, &orig, NULL);
	return 0;
}
