/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The screens, in tab order: this table is the only list of them.  The bottom bar, Tab and
 * Shift-Tab, the mouse on the tabs, the help and the stream messages all go through it, and
 * the key table (keys.c) names a screen by its name here.
 *
 * Adding a screen:
 *   1. Write tui/screen-NAME.c defining `const struct vg_screen_class vg_screen_NAME`: create,
 *      destroy, draw, and the handlers it needs (show to ask the agent, key, click, tick,
 *      stream).  Its lists are a struct vg_list (list.h): the screen counts its items and
 *      draws one row; selection, scrolling, page keys, clicks and "/" come with it.  Its forms
 *      are a struct vg_form (form.h): fields, a submit function, the agent's refusal in
 *      vg_form_error().  Strings in _() and N_(), translated in po/fr.po.
 *   2. Add X(NAME) to SCREENS below, where its tab goes.
 *   3. In tui/keys.c, its function key ({ KEY_F(n), ..., VG_ACT_GOTO, 0, "NAME", help }) and
 *      its own keys with the scope "NAME" (VG_ACT_COMMAND with a VG_UI_* of keys.h).
 *   4. Add the file to tui/Makefile.am.
 * The console checks the two tables against each other when it starts
 * (vg_console_check_tables), and so does tests/unit/test-console-tables.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "console.h"

#define SCREENS(X) \
	X(dashboard) \
	X(telemetry) \
	X(tasks) \
	X(ioc) \
	X(isolation) \
	X(servers) \
	X(exclusions) \
	X(settings) \
	X(history) \
	X(detections) \
	X(help)

#define DECLARE(name) extern const struct vg_screen_class vg_screen_##name;
SCREENS(DECLARE)

#define ENTRY(name) { #name, &vg_screen_##name },
static const struct vg_screen screens[] = { SCREENS(ENTRY) };

#define NSCREENS (sizeof(screens) / sizeof(screens[0]))

size_t vg_console_screen_count(void)
{
	return NSCREENS;
}

const struct vg_screen *vg_console_screen(size_t i)
{
	return i < NSCREENS ? &screens[i] : NULL;
}

int vg_console_screen_find(const char *name)
{
	for (size_t i = 0; name && i < NSCREENS; i++)
		if (strcmp(screens[i].name, name) == 0)
			return (int)i;
	return -1;
}

int vg_console_check_tables(char *msg, size_t size)
{
	const struct vg_binding *b;
	size_t nb;

	if (NSCREENS > VG_CONSOLE_MAX_SCREENS) {
		snprintf(msg, size, "%zu screens, at most %d", NSCREENS, VG_CONSOLE_MAX_SCREENS);
		return -1;
	}
	for (size_t i = 0; i < NSCREENS; i++) {
		const struct vg_screen_class *c = screens[i].cls;

		if (!c->label || !c->title || !c->create || !c->destroy || !c->draw) {
			snprintf(msg, size, "screen \"%s\" lacks a label, a title, create, destroy or draw", screens[i].name);
			return -1;
		}
		if (strcmp(screens[i].name, VG_SCOPE_FORM) == 0 || vg_console_screen_find(screens[i].name) != (int)i) {
			snprintf(msg, size, "the screen name \"%s\" is taken", screens[i].name);
			return -1;
		}
		if (!vg_console_key_for(VG_ACT_GOTO, 0, screens[i].name)[0]) {
			snprintf(msg, size, "no key shows the screen \"%s\"", screens[i].name);
			return -1;
		}
	}
	b = vg_console_bindings(&nb);
	for (size_t i = 0; i < nb; i++) {
		if (b[i].scope && strcmp(b[i].scope, VG_SCOPE_FORM) != 0 && vg_console_screen_find(b[i].scope) < 0) {
			snprintf(msg, size, "the key \"%s\" is bound on \"%s\", which is not a screen", b[i].key_name,
				 b[i].scope);
			return -1;
		}
		if ((b[i].action == VG_ACT_GOTO) != (b[i].target != NULL) ||
		    (b[i].target && vg_console_screen_find(b[i].target) < 0)) {
			snprintf(msg, size, "the key \"%s\" goes to \"%s\", which is not a screen", b[i].key_name,
				 b[i].target ? b[i].target : "(none)");
			return -1;
		}
		for (size_t j = 0; j < i; j++)
			if (b[j].key == b[i].key && b[j].code == b[i].code && b[i].key &&
			    (b[j].scope == b[i].scope || (b[j].scope && b[i].scope && strcmp(b[j].scope, b[i].scope) == 0))) {
				snprintf(msg, size, "the key \"%s\" is bound twice on \"%s\"", b[i].key_name,
					 b[i].scope ? b[i].scope : "every screen");
				return -1;
			}
	}
	return 0;
}
