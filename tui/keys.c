/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The one table of key bindings.  The help screen and the bottom bar are generated from it.
 * A binding works everywhere (G), in a form (F: listed in the help, form.c reads the raw
 * keys), or on one screen, named as in the screen table (screens.c); a screen's own bindings
 * win over the global ones.  vg_console_check_tables() refuses a name that is not a screen.
 */
#include "config.h"

#include <string.h>

#include "console.h"
#include "nls.h"

#define G VG_SCOPE_GLOBAL
#define F VG_SCOPE_FORM
#define KEY_ESC 27

/* The screens' names, as in screens.c. */
#define TELEMETRY "telemetry"
#define TASKS "tasks"
#define IOC "ioc"
#define ISOLATION "isolation"
#define SERVERS "servers"
#define EXCLUSIONS "exclusions"
#define SETTINGS "settings"

static const struct vg_binding bindings[] = {
	{ KEY_F(1), true, "F1", G, VG_ACT_GOTO, 0, "help", N_("Show this help") },
	{ '?', false, "?", G, VG_ACT_GOTO, 0, "help", NULL },
	{ KEY_F(2), true, "F2", G, VG_ACT_GOTO, 0, "dashboard", N_("Dashboard: the health of the agent at a glance") },
	{ KEY_F(3), true, "F3", G, VG_ACT_GOTO, 0, "telemetry", N_("Telemetry: the live events") },
	{ KEY_F(4), true, "F4", G, VG_ACT_GOTO, 0, "tasks", N_("Tasks: history and new response tasks") },
	{ KEY_F(5), true, "F5", G, VG_ACT_GOTO, 0, "ioc", N_("IOC: scans with OpenIOC files") },
	{ KEY_F(6), true, "F6", G, VG_ACT_GOTO, 0, "isolation", N_("Isolation: network isolation and its exceptions") },
	{ KEY_F(7), true, "F7", G, VG_ACT_GOTO, 0, "servers", N_("Servers: certificates, servers and proxy") },
	{ KEY_F(8), true, "F8", G, VG_ACT_GOTO, 0, "exclusions", N_("Exclusions: the telemetry exclusions") },
	{ KEY_F(9), true, "F9", G, VG_ACT_GOTO, 0, "settings", N_("Settings: view and change the settings") },
	{ KEY_F(11), true, "F11", G, VG_ACT_GOTO, 0, "history", N_("History: who changed which setting, and when") },
	{ KEY_F(12), true, "F12", G, VG_ACT_GOTO, 0, "detections", N_("Detections: what the rules and the armed indicators found") },
	{ '\t', false, N_("Tab"), G, VG_ACT_NEXT_SCREEN, 0, NULL, N_("Next screen") },
	{ KEY_BTAB, true, N_("Shift-Tab"), G, VG_ACT_PREV_SCREEN, 0, NULL, N_("Previous screen") },
	{ KEY_F(10), true, "F10", G, VG_ACT_QUIT, 0, NULL, N_("Quit the console") },
	{ 'q', false, "q", G, VG_ACT_QUIT, 0, NULL, NULL },
	{ 12, false, N_("Ctrl-L"), G, VG_ACT_REDRAW, 0, NULL, N_("Redraw the screen") },
	{ 'r', false, "r", G, VG_ACT_RELOAD, 0, NULL, N_("Ask the agent again") },
	{ KEY_UP, true, N_("Up, k"), G, VG_ACT_UP, 0, NULL, N_("Previous row") },
	{ 'k', false, "k", G, VG_ACT_UP, 0, NULL, NULL },
	{ KEY_DOWN, true, N_("Down, j"), G, VG_ACT_DOWN, 0, NULL, N_("Next row") },
	{ 'j', false, "j", G, VG_ACT_DOWN, 0, NULL, NULL },
	{ KEY_PPAGE, true, N_("PgUp"), G, VG_ACT_PAGE_UP, 0, NULL, N_("Previous page") },
	{ KEY_NPAGE, true, N_("PgDn"), G, VG_ACT_PAGE_DOWN, 0, NULL, N_("Next page") },
	{ KEY_HOME, true, N_("Home"), G, VG_ACT_HOME, 0, NULL, N_("First row") },
	{ KEY_END, true, N_("End"), G, VG_ACT_END, 0, NULL, N_("Last row") },
	{ '\n', false, N_("Enter"), G, VG_ACT_ACTIVATE, 0, NULL, N_("Open or edit the selected row; in a form, save") },
	{ '\r', false, N_("Enter"), G, VG_ACT_ACTIVATE, 0, NULL, NULL },
	{ KEY_ENTER, true, N_("Enter"), G, VG_ACT_ACTIVATE, 0, NULL, NULL },
	{ KEY_ESC, false, N_("Esc"), G, VG_ACT_CANCEL, 0, NULL, N_("Close the form without saving; clear a list's filter") },
	{ '/', false, "/", G, VG_ACT_FILTER, 0, NULL, N_("Filter the rows of the list by their text (Enter keeps it, Esc clears it)") },
	{ 'e', false, "e", SETTINGS, VG_ACT_ACTIVATE, 0, NULL, N_("Edit the selected setting") },
	{ 'd', false, "d", SETTINGS, VG_ACT_DEFAULT, 0, NULL, N_("Put the selected setting back to its default") },
	{ ' ', false, N_("Space"), SETTINGS, VG_ACT_TOGGLE, 0, NULL, N_("Switch a true/false setting at once") },
	{ '/', false, "/", SETTINGS, VG_ACT_FILTER, 0, NULL, N_("Filter the settings by name (Esc clears the filter)") },
	{ 'h', false, "h", SETTINGS, VG_ACT_GOTO, 0, "history", N_("Show the history of the settings") },
	{ 'g', false, "g", TASKS, VG_ACT_COMMAND, VG_UI_GET_FILE, NULL, N_("Collect a file (get-file)") },
	{ 'd', false, "d", TASKS, VG_ACT_COMMAND, VG_UI_DELETE_FILE, NULL, N_("Delete a file, or move it to the quarantine") },
	{ 'x', false, "x", TASKS, VG_ACT_COMMAND, VG_UI_RUN, NULL, N_("Run a program") },
	{ 't', false, "t", TASKS, VG_ACT_COMMAND, VG_UI_TERMINATE, NULL, N_("Terminate processes") },
	{ 'c', false, "c", TASKS, VG_ACT_COMMAND, VG_UI_CANCEL, NULL, N_("Cancel the selected task") },
	{ 'Q', false, "Q", TASKS, VG_ACT_COMMAND, VG_UI_QUARANTINE, NULL, N_("Show the quarantine, or the tasks again") },
	{ 'R', false, "R", TASKS, VG_ACT_COMMAND, VG_UI_RESTORE, NULL, N_("In the quarantine: restore the selected file") },
	{ 'P', false, "P", TASKS, VG_ACT_COMMAND, VG_UI_PURGE, NULL, N_("In the quarantine: delete the selected entry for good") },
	{ 'f', false, "f", IOC, VG_ACT_COMMAND, VG_UI_FILES, NULL, N_("Choose the IOC files (a file picker)") },
	{ 'o', false, "o", IOC, VG_ACT_COMMAND, VG_UI_OPTIONS, NULL, N_("Options of the scan: paths, excludes, what to skip, hash limit") },
	{ 's', false, "s", IOC, VG_ACT_COMMAND, VG_UI_START, NULL, N_("Start the scan") },
	{ 'c', false, "c", IOC, VG_ACT_COMMAND, VG_UI_CANCEL, NULL, N_("Cancel the running scan") },
	{ 'p', false, "p", IOC, VG_ACT_COMMAND, VG_UI_PAST, NULL, N_("Show the past scans, or the results again") },
	{ ' ', false, N_("Space"), IOC, VG_ACT_TOGGLE, 0, NULL, N_("In the file picker: choose or drop the file; in the results: fold or unfold") },
	{ KEY_BACKSPACE, true, N_("Backspace"), IOC, VG_ACT_NONE, 0, NULL, N_("In the file picker: the parent directory") },
	{ '/', false, "/", TELEMETRY, VG_ACT_FILTER, 0, NULL, N_("Filter the events by their text (Esc clears the filter)") },
	{ ' ', false, N_("Space"), TELEMETRY, VG_ACT_TOGGLE, 0, NULL, N_("Pause the live events, or go on") },
	{ 'p', false, "p", TELEMETRY, VG_ACT_COMMAND, VG_UI_SHOW_PROCESS, NULL, N_("Show or hide the process events") },
	{ 'n', false, "n", TELEMETRY, VG_ACT_COMMAND, VG_UI_SHOW_NETWORK, NULL, N_("Show or hide the network events") },
	{ 'f', false, "f", TELEMETRY, VG_ACT_COMMAND, VG_UI_SHOW_FILE, NULL, N_("Show or hide the file events") },
	{ 'o', false, "o", TELEMETRY, VG_ACT_COMMAND, VG_UI_SHOW_OTHER, NULL, N_("Show or hide the other events") },
	{ 'C', false, "C", TELEMETRY, VG_ACT_COMMAND, VG_UI_CLEAR, NULL, N_("Forget the events shown") },
	{ 'i', false, "i", ISOLATION, VG_ACT_COMMAND, VG_UI_ISOLATE, NULL, N_("Isolate the host (asks first)") },
	{ 'u', false, "u", ISOLATION, VG_ACT_COMMAND, VG_UI_RELEASE, NULL, N_("End the isolation (asks first)") },
	{ 'a', false, "a", ISOLATION, VG_ACT_COMMAND, VG_UI_ADD, NULL, N_("Add an exception: a flow allowed while isolated") },
	{ 'x', false, "x", ISOLATION, VG_ACT_COMMAND, VG_UI_REMOVE, NULL, N_("Remove the selected exception (asks first)") },
	{ ' ', false, N_("Space"), ISOLATION, VG_ACT_COMMAND, VG_UI_PROFILE, NULL, N_("Enable or disable the selected profile") },
	{ 'a', false, "a", EXCLUSIONS, VG_ACT_COMMAND, VG_UI_ADD, NULL, N_("Add an exclusion (its conditions are AND-ed)") },
	{ 'x', false, "x", EXCLUSIONS, VG_ACT_COMMAND, VG_UI_REMOVE, NULL, N_("Remove the selected exclusion (asks first)") },
	{ 'a', false, "a", SERVERS, VG_ACT_COMMAND, VG_UI_ADD, NULL, N_("Add a server") },
	{ 'x', false, "x", SERVERS, VG_ACT_COMMAND, VG_UI_REMOVE, NULL, N_("Remove the selected server (asks first)") },
	{ 'n', false, "n", SERVERS, VG_ACT_COMMAND, VG_UI_CHECK, NULL, N_("Check the selected server now, step by step") },
	{ 's', false, "s", SERVERS, VG_ACT_COMMAND, VG_UI_IMPORT_SERVER, NULL, N_("Import the server's CA certificate (a file picker)") },
	{ 'c', false, "c", SERVERS, VG_ACT_COMMAND, VG_UI_IMPORT_CLIENT, NULL, N_("Import the client certificate (a file picker, then key and password)") },
	{ 'S', false, "S", SERVERS, VG_ACT_COMMAND, VG_UI_REMOVE_SERVER_CERT, NULL, N_("Remove the server's CA certificate (asks first)") },
	{ 'C', false, "C", SERVERS, VG_ACT_COMMAND, VG_UI_REMOVE_CLIENT_CERT, NULL, N_("Remove the client certificate (asks first)") },
	{ 'p', false, "p", SERVERS, VG_ACT_COMMAND, VG_UI_PROXY, NULL, N_("Set the proxy (the password is never shown back)") },
	{ 'P', false, "P", SERVERS, VG_ACT_COMMAND, VG_UI_PROXY_CLEAR, NULL, N_("Use no proxy (asks first)") },
	{ KEY_LEFT, true, N_("Left, Right"), F, VG_ACT_NONE, 0, NULL, N_("Move in the field") },
	{ KEY_BACKSPACE, true, N_("Backspace, Delete"), F, VG_ACT_NONE, 0, NULL, N_("Erase before, under the cursor") },
	{ 21, false, N_("Ctrl-U"), F, VG_ACT_NONE, 0, NULL, N_("Clear the field") },
	{ 0, false, N_("Typing"), F, VG_ACT_NONE, 0, NULL, N_("Replaces the value of a field just entered; after an arrow, Home or End, inserts") },
	{ '\t', false, N_("Tab, Shift-Tab"), F, VG_ACT_NONE, 0, NULL, N_("Next, previous field") },
	{ '\r', false, N_("Enter"), F, VG_ACT_NONE, 0, NULL, N_("Save: the agent checks the value") },
	{ 27, false, N_("Esc"), F, VG_ACT_NONE, 0, NULL, N_("Close the form without saving") },
};

const struct vg_binding *vg_console_bindings(size_t *n)
{
	*n = sizeof(bindings) / sizeof(bindings[0]);
	return bindings;
}

static bool same_name(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

void vg_console_resolve_key(struct vg_key *k, const char *screen)
{
	size_t n = sizeof(bindings) / sizeof(bindings[0]);

	k->action = VG_ACT_NONE;
	k->arg = 0;
	k->target = NULL;
	/* The screen's own bindings win over the global ones. */
	for (int pass = 0; pass < 2; pass++) {
		const char *scope = pass == 0 ? screen : VG_SCOPE_GLOBAL;

		for (size_t i = 0; i < n; i++) {
			if (!same_name(bindings[i].scope, scope) || bindings[i].key != k->ch || bindings[i].code != k->code)
				continue;
			k->action = bindings[i].action;
			k->arg = bindings[i].arg;
			k->target = bindings[i].target;
			return;
		}
		if (!screen)
			break;
	}
}

const char *vg_console_key_for(enum vg_action action, int arg, const char *target)
{
	size_t n = sizeof(bindings) / sizeof(bindings[0]);

	for (size_t i = 0; i < n; i++)
		if (bindings[i].action == action && bindings[i].arg == arg && same_name(bindings[i].target, target) &&
		    bindings[i].help)
			return _(bindings[i].key_name);
	return "";
}

bool vg_key_is_function(const struct vg_key *k)
{
	return k->code && k->ch >= KEY_F0 && k->ch <= KEY_F(63);
}

bool vg_key_is_text(const struct vg_key *k)
{
	return !k->code && k->ch >= 0x20 && k->ch != 127;
}

bool vg_key_is_backspace(const struct vg_key *k)
{
	return (k->code && k->ch == KEY_BACKSPACE) || (!k->code && (k->ch == 127 || k->ch == 8));
}

bool vg_key_is_enter(const struct vg_key *k)
{
	return (!k->code && (k->ch == '\r' || k->ch == '\n')) || (k->code && k->ch == KEY_ENTER);
}
