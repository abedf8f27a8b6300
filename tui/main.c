/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vigil-console: the ncurses dashboard and management console of the Vigil agent. */
#include "config.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "nls.h"

static volatile sig_atomic_t curses_active;

static void on_winch(int sig)
{
	(void)sig;
	vg_console_winch = 1;
}

static void on_stop(int sig)
{
	(void)sig;
	vg_console_stop = 1;
}

/* A crash still gives the terminal back before the default action (core dump) runs. */
static void on_fatal(int sig)
{
	if (curses_active)
		endwin();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void restore_terminal(void)
{
	if (curses_active) {
		curses_active = 0;
		endwin();
	}
}

static void install_signals(void)
{
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_winch;
	sigaction(SIGWINCH, &sa, NULL);
	sa.sa_handler = on_stop;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_fatal;
	sa.sa_flags = SA_RESETHAND;
	for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
		sigaction(fatal[i], &sa, NULL);
}

static void usage(FILE *out)
{
	fprintf(out, _("Usage: %s [OPTION]...\n"), "vigil-console");
	fputs(_("The dashboard and management console of the Vigil agent.\n\n"), out);
	fputs(_("  -S, --socket PATH   the agent's control socket (or $VIGIL_SOCKET)\n"
		"  -h, --help          show this help and exit\n"
		"  -V, --version       show the version and exit\n"), out);
	fputs(_("\nPress F1 in the console for the keys.  NO_COLOR turns the colours off.\n"), out);
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "socket", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct vg_console con;
	const char *socket_path;
	char fault[256];
	int opt, rc;

	vg_nls_init();
	socket_path = vg_client_default_socket();
	/* -S as in vigild and vigilctl; -s, its old letter, still works for a release. */
	while ((opt = getopt_long(argc, argv, "S:s:hV", options, NULL)) != -1) {
		switch (opt) {
		case 's':
			fprintf(stderr, _("%s: -s is deprecated and will be removed: use -S (--socket)\n"), "vigil-console");
			/* fall through */
		case 'S':
			socket_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("vigil-console %s\n", PACKAGE_VERSION);
			return 0;
		default:
			fprintf(stderr, _("Try '%s --help' for more information.\n"), "vigil-console");
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, _("%s: unexpected argument \"%s\"\n"), "vigil-console", argv[optind]);
		return 2;
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, _("%s: needs a terminal\n"), "vigil-console");
		return 1;
	}

	/* A screen or a key that names a screen not in the table is a fault of this build. */
	if (vg_console_check_tables(fault, sizeof(fault)) < 0) {
		fprintf(stderr, _("vigil-console: %s\n"), fault);
		return 70;
	}
	memset(&con, 0, sizeof(con));
	vg_conn_init(&con, socket_path);
	/* Short Esc: the forms close at once. */
	setenv("ESCDELAY", "25", 0);
	if (!initscr()) {
		fprintf(stderr, _("%s: cannot initialize the terminal\n"), "vigil-console");
		return 1;
	}
	curses_active = 1;
	atexit(restore_terminal);
	install_signals();
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_RELEASED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	mouseinterval(0);
	vg_ui_init();

	for (size_t i = 0; i < vg_console_screen_count(); i++) {
		con.screens[i] = vg_console_screen(i)->cls->create(&con);
		if (!con.screens[i]) {
			restore_terminal();
			fprintf(stderr, _("vigil-console: %s\n"), _("out of memory"));
			return 1;
		}
	}
	/* The first tab is where the console opens. */
	con.active = 0;
	rc = vg_console_run(&con);
	vg_conn_fini(&con);
	for (size_t i = vg_console_screen_count(); i-- > 0;)
		vg_console_screen(i)->cls->destroy(con.screens[i]);
	restore_terminal();
	return rc;
}
