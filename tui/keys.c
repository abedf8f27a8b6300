/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The one table of key bindings.  The help screen and the bottom bar are generated from it. */
#include "config.h"

#include "console.h"
#include "nls.h"

#define G VG_SCOPE_GLOBAL
#define F VG_SCOPE_FORM
#define KEY_ESC 27

static const struct vg_binding bindings[] = {
	{ KEY_F(1), true, "F1", G, VG_ACT_GOTO, VG_SCR_HELP, N_("Show this help") },
	{ '?', false, "?", G, VG_ACT_GOTO, VG_SCR_HELP, NULL },
	{ KEY_F(2), true, "F2", G, VG_ACT_GOTO, VG_SCR_DASHBOARD, N_("Dashboard: the health of the agent at a glance") },
	{ KEY_F(3), true, "F3", G, VG_ACT_GOTO, VG_SCR_TELEMETRY, N_("Telemetry: the live events") },
	{ KEY_F(4), true, "F4", G, VG_ACT_GOTO, VG_SCR_TASKS, N_("Tasks: history and new response tasks") },
	{ KEY_F(5), true, "F5", G, VG_ACT_GOTO, VG_SCR_IOC, N_("IOC: scans with OpenIOC files") },
	{ KEY_F(6), true, "F6", G, VG_ACT_GOTO, VG_SCR_ISOLATION, N_("Isolation: network isolation and its exceptions") },
	{ KEY_F(7), true, "F7", G, VG_ACT_GOTO, VG_SCR_SERVERS, N_("Servers: certificates, servers and proxy") },
	{ KEY_F(8), true, "F8", G, VG_ACT_GOTO, VG_SCR_EXCLUSIONS, N_("Exclusions: the telemetry exclusions") },
	{ KEY_F(9), true, "F9", G, VG_ACT_GOTO, VG_SCR_SETTINGS, N_("Settings: view and change the settings") },
	{ KEY_F(11), true, "F11", G, VG_ACT_GOTO, VG_SCR_HISTORY, N_("History: who changed which setting, and when") },
	{ '\t', false, N_("Tab"), G, VG_ACT_NEXT_SCREEN, 0, N_("Next screen") },
	{ KEY_BTAB, true, N_("Shift-Tab"), G, VG_ACT_PREV_SCREEN, 0, N_("Previous screen") },
	{ KEY_F(10), true, "F10", G, VG_ACT_QUIT, 0, N_("Quit the console") },
	{ 'q', false, "q", G, VG_ACT_QUIT, 0, NULL },
	{ 12, false, N_("Ctrl-L"), G, VG_ACT_REDRAW, 0, N_("Redraw the screen") },
	{ 'r', false, "r", G, VG_ACT_RELOAD, 0, N_("Ask the agent again") },
	{ KEY_UP, true, N_("Up, k"), G, VG_ACT_UP, 0, N_("Previous row") },
	{ 'k', false, "k", G, VG_ACT_UP, 0, NULL },
	{ KEY_DOWN, true, N_("Down, j"), G, VG_ACT_DOWN, 0, N_("Next row") },
	{ 'j', false, "j", G, VG_ACT_DOWN, 0, NULL },
	{ KEY_PPAGE, true, N_("PgUp"), G, VG_ACT_PAGE_UP, 0, N_("Previous page") },
	{ KEY_NPAGE, true, N_("PgDn"), G, VG_ACT_PAGE_DOWN, 0, N_("Next page") },
	{ KEY_HOME, true, N_("Home"), G, VG_ACT_HOME, 0, N_("First row") },
	{ KEY_END, true, N_("End"), G, VG_ACT_END, 0, N_("Last row") },
	{ '\n', false, N_("Enter"), G, VG_ACT_ACTIVATE, 0, N_("Open or edit the selected row; in a form, save") },
	{ '\r', false, N_("Enter"), G, VG_ACT_ACTIVATE, 0, NULL },
	{ KEY_ENTER, true, N_("Enter"), G, VG_ACT_ACTIVATE, 0, NULL },
	{ KEY_ESC, false, N_("Esc"), G, VG_ACT_CANCEL, 0, N_("Close the form without saving") },
	{ 'e', false, "e", VG_SCR_SETTINGS, VG_ACT_ACTIVATE, 0, N_("Edit the selected setting") },
	{ 'd', false, "d", VG_SCR_SETTINGS, VG_ACT_DEFAULT, 0, N_("Put the selected setting back to its default") },
	{ ' ', false, N_("Space"), VG_SCR_SETTINGS, VG_ACT_TOGGLE, 0, N_("Switch a true/false setting at once") },
	{ '/', false, "/", VG_SCR_SETTINGS, VG_ACT_FILTER, 0, N_("Filter the settings by name (Esc clears the filter)") },
	{ 'h', false, "h", VG_SCR_SETTINGS, VG_ACT_GOTO, VG_SCR_HISTORY, N_("Show the history of the settings") },
	{ 'g', false, "g", VG_SCR_TASKS, VG_ACT_COMMAND, VG_UI_GET_FILE, N_("Collect a file (get-file)") },
	{ 'd', false, "d", VG_SCR_TASKS, VG_ACT_COMMAND, VG_UI_DELETE_FILE, N_("Delete a file, or move it to the quarantine") },
	{ 'x', false, "x", VG_SCR_TASKS, VG_ACT_COMMAND, VG_UI_RUN, N_("Run a program") },
	{ 't', false, "t", VG_SCR_TASKS, VG_ACT_COMMAND, VG_UI_TERMINATE, N_("Terminate processes") },
	{ 'c', false, "c", VG_SCR_TASKS, VG_ACT_COMMAND, VG_UI_CANCEL, N_("Cancel the selected task") },
	{ 'Q', false, "Q", VG_SCR_TASKS, VG_ACT_COMMAND, VG_UI_QUARANTINE, N_("Show the quarantine, or the tasks again") },
	{ 'R', false, "R", VG_SCR_TASKS, VG_ACT_COMMAND, VG_UI_RESTORE, N_("In the quarantine: restore the selected file") },
	{ 'P', false, "P", VG_SCR_TASKS, VG_ACT_COMMAND, VG_UI_PURGE, N_("In the quarantine: delete the selected entry for good") },
	{ 'f', false, "f", VG_SCR_IOC, VG_ACT_COMMAND, VG_UI_FILES, N_("Choose the IOC files (a file picker)") },
	{ 'o', false, "o", VG_SCR_IOC, VG_ACT_COMMAND, VG_UI_OPTIONS, N_("Options of the scan: paths, excludes, what to skip, hash limit") },
	{ 's', false, "s", VG_SCR_IOC, VG_ACT_COMMAND, VG_UI_START, N_("Start the scan") },
	{ 'c', false, "c", VG_SCR_IOC, VG_ACT_COMMAND, VG_UI_CANCEL, N_("Cancel the running scan") },
	{ 'p', false, "p", VG_SCR_IOC, VG_ACT_COMMAND, VG_UI_PAST, N_("Show the past scans, or the results again") },
	{ ' ', false, N_("Space"), VG_SCR_IOC, VG_ACT_TOGGLE, 0, N_("In the file picker: choose or drop the file; in the results: fold or unfold") },
	{ KEY_BACKSPACE, true, N_("Backspace"), VG_SCR_IOC, VG_ACT_NONE, 0, N_("In the file picker: the parent directory") },
	{ '/', false, "/", VG_SCR_TELEMETRY, VG_ACT_FILTER, 0, N_("Filter the events by their text (Esc clears the filter)") },
	{ ' ', false, N_("Space"), VG_SCR_TELEMETRY, VG_ACT_TOGGLE, 0, N_("Pause the live events, or go on") },
	{ 'p', false, "p", VG_SCR_TELEMETRY, VG_ACT_COMMAND, VG_UI_SHOW_PROCESS, N_("Show or hide the process events") },
	{ 'n', false, "n", VG_SCR_TELEMETRY, VG_ACT_COMMAND, VG_UI_SHOW_NETWORK, N_("Show or hide the network events") },
	{ 'f', false, "f", VG_SCR_TELEMETRY, VG_ACT_COMMAND, VG_UI_SHOW_FILE, N_("Show or hide the file events") },
	{ 'o', false, "o", VG_SCR_TELEMETRY, VG_ACT_COMMAND, VG_UI_SHOW_OTHER, N_("Show or hide the other events") },
	{ 'C', false, "C", VG_SCR_TELEMETRY, VG_ACT_COMMAND, VG_UI_CLEAR, N_("Forget the events shown") },
	{ 'i', false, "i", VG_SCR_ISOLATION, VG_ACT_COMMAND, VG_UI_ISOLATE, N_("Isolate the host (asks first)") },
	{ 'u', false, "u", VG_SCR_ISOLATION, VG_ACT_COMMAND, VG_UI_RELEASE, N_("End the isolation (asks first)") },
	{ 'a', false, "a", VG_SCR_ISOLATION, VG_ACT_COMMAND, VG_UI_ADD, N_("Add an exception: a flow allowed while isolated") },
	{ 'x', false, "x", VG_SCR_ISOLATION, VG_ACT_COMMAND, VG_UI_REMOVE, N_("Remove the selected exception (asks first)") },
	{ ' ', false, N_("Space"), VG_SCR_ISOLATION, VG_ACT_COMMAND, VG_UI_PROFILE, N_("Enable or disable the selected profile") },
	{ 'a', false, "a", VG_SCR_EXCLUSIONS, VG_ACT_COMMAND, VG_UI_ADD, N_("Add an exclusion (its conditions are AND-ed)") },
	{ 'x', false, "x", VG_SCR_EXCLUSIONS, VG_ACT_COMMAND, VG_UI_REMOVE, N_("Remove the selected exclusion (asks first)") },
	{ 'a', false, "a", VG_SCR_SERVERS, VG_ACT_COMMAND, VG_UI_ADD, N_("Add a server") },
	{ 'x', false, "x", VG_SCR_SERVERS, VG_ACT_COMMAND, VG_UI_REMOVE, N_("Remove the selected server (asks first)") },
	{ 'n', false, "n", VG_SCR_SERVERS, VG_ACT_COMMAND, VG_UI_CHECK, N_("Check the selected server now, step by step") },
	{ 's', false, "s", VG_SCR_SERVERS, VG_ACT_COMMAND, VG_UI_IMPORT_SERVER, N_("Import the server's CA certificate (a file picker)") },
	{ 'c', false, "c", VG_SCR_SERVERS, VG_ACT_COMMAND, VG_UI_IMPORT_CLIENT, N_("Import the client certificate (a file picker, then key and password)") },
	{ 'S', false, "S", VG_SCR_SERVERS, VG_ACT_COMMAND, VG_UI_REMOVE_SERVER_CERT, N_("Remove the server's CA certificate (asks first)") },
	{ 'C', false, "C", VG_SCR_SERVERS, VG_ACT_COMMAND, VG_UI_REMOVE_CLIENT_CERT, N_("Remove the client certificate (asks first)") },
	{ 'p', false, "p", VG_SCR_SERVERS, VG_ACT_COMMAND, VG_UI_PROXY, N_("Set the proxy (the password is never shown back)") },
	{ 'P', false, "P", VG_SCR_SERVERS, VG_ACT_COMMAND, VG_UI_PROXY_CLEAR, N_("Use no proxy (asks first)") },
	{ KEY_LEFT, true, N_("Left, Right"), F, VG_ACT_NONE, 0, N_("Move in the field") },
	{ KEY_BACKSPACE, true, N_("Backspace, Delete"), F, VG_ACT_NONE, 0, N_("Erase before, under the cursor") },
	{ 21, false, N_("Ctrl-U"), F, VG_ACT_NONE, 0, N_("Clear the field") },
	{ '\t', false, N_("Tab, Shift-Tab"), F, VG_ACT_NONE, 0, N_("Next, previous field") },
	{ '\r', false, N_("Enter"), F, VG_ACT_NONE, 0, N_("Save: the agent checks the value") },
	{ 27, false, N_("Esc"), F, VG_ACT_NONE, 0, N_("Close the form without saving") },
};

const struct vg_binding *vg_console_bindings(size_t *n)
{
	*n = sizeof(bindings) / sizeof(bindings[0]);
	return bindings;
}

void vg_console_resolve_key(struct vg_key *k, int screen)
{
	size_t n = sizeof(bindings) / sizeof(bindings[0]);

	k->action = VG_ACT_NONE;
	k->arg = 0;
	/* The screen's own bindings win over the global ones. */
	for (int pass = 0; pass < 2; pass++) {
		int scope = pass == 0 ? screen : VG_SCOPE_GLOBAL;

		for (size_t i = 0; i < n; i++) {
			if (bindings[i].scope != scope || bindings[i].key != k->ch || bindings[i].code != k->code)
				continue;
			k->action = bindings[i].action;
			k->arg = bindings[i].arg;
			return;
		}
	}
}

const char *vg_console_key_for(enum vg_action action, int arg)
{
	size_t n = sizeof(bindings) / sizeof(bindings[0]);

	for (size_t i = 0; i < n; i++)
		if (bindings[i].action == action && bindings[i].arg == arg && bindings[i].help)
			return _(bindings[i].key_name);
	return "";
}
