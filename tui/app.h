/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The console's one context object, shared by the main loop (app.c) and the agent link (conn.c). */
#ifndef VIGIL_TUI_APP_H
#define VIGIL_TUI_APP_H

#include <signal.h>

#include "console.h"

#define VG_CONSOLE_MAX_PENDING 64

struct vg_pending {
	uint64_t id;              /* 0: free */
	vg_console_reply_fn fn;
	void *ctx;
	uint64_t sent_ms;
	bool lasting;             /* answered when a long job ends (a scan): not "waiting for the agent" */
};

struct vg_console {
	const char *socket_path;

	/* The agent. */
	struct vg_client *client;
	bool up;                  /* connected */
	bool broken;              /* a send failed: disconnect when back in the loop */
	struct vg_error broken_err;
	bool read_only;
	uint64_t next_attempt_ms; /* when to try to reconnect */
	bool refused;             /* the agent is not for this user: no more attempts until r */
	char refusal[VG_ERROR_MSG_SIZE];
	unsigned backoff_ms;
	char agent_version[64];
	char last_error[VG_ERROR_MSG_SIZE];
	struct vg_pending pending[VG_CONSOLE_MAX_PENDING];
	unsigned npending;
	unsigned nlasting;        /* of them, lasting ones */

	/* The screens. */
	void *screens[VG_CONSOLE_MAX_SCREENS];   /* each screen's object, in the order of screens.c */
	size_t active;
	struct vg_view body;
	int tab_x[VG_CONSOLE_MAX_SCREENS][2];    /* columns of each tab in the bottom bar, from the last draw */

	/* The interface. */
	bool redraw;
	bool quit;
	unsigned frame;           /* spinner */
	char message[VG_ERROR_MSG_SIZE];
	bool message_error;
};

/* Signal flags: the handlers only set them. */
extern volatile sig_atomic_t vg_console_winch, vg_console_stop;

/* app.c */
int vg_console_run(struct vg_console *con);
/* Shows screen i (an index in screens.c). */
void vg_console_goto(struct vg_console *con, size_t i);

/* conn.c: the link to the agent, with reconnection and back-off. */
uint64_t vg_console_now_ms(void);
void vg_conn_init(struct vg_console *con, const char *socket_path);
void vg_conn_fini(struct vg_console *con);
/* Tries to connect when it is time; returns true when the state changed. */
bool vg_conn_tick(struct vg_console *con);
int vg_conn_fd(const struct vg_console *con);
/* The socket is readable: runs the handlers; returns true when the state changed. */
bool vg_conn_readable(struct vg_console *con);
/* After a refusal, tries again now (the user pressed r). */
void vg_conn_retry(struct vg_console *con);
/* How long the oldest request has waited for its answer, in ms (0: none waits). */
uint64_t vg_conn_oldest_ms(const struct vg_console *con);

#endif
