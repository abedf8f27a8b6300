/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The console's unit tests draw into curses' own picture of a terminal (its output goes to
 * /dev/null) and read the rows back, so that what the widgets draw can be compared.
 */
#ifndef VIGIL_TESTS_CONSOLE_TERM_H
#define VIGIL_TESTS_CONSOLE_TERM_H

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"

static SCREEN *term_screen;
static FILE *term_out, *term_in;

/* A terminal of cols x rows in a UTF-8 locale, without colours. */
static inline void term_start(int cols, int rows)
{
	setlocale(LC_ALL, "C.UTF-8");
	setenv("NO_COLOR", "1", 1);
	term_out = fopen("/dev/null", "w");
	term_in = fopen("/dev/null", "r");
	if (!term_out || !term_in || !(term_screen = newterm("xterm", term_out, term_in))) {
		fprintf(stderr, "cannot start a curses screen\n");
		exit(1);
	}
	resize_term(rows, cols);
	erase();
}

static inline void term_stop(void)
{
	endwin();
	delscreen(term_screen);
	fclose(term_out);
	fclose(term_in);
}

/* Row y, one byte per column (a character that is not ASCII, such as a line of a box, shows
 * as '?'), without its trailing blanks. */
static inline const char *term_row(int y, char *buf, size_t size)
{
	size_t n = 0;

	for (int x = 0; x < COLS && n + 1 < size; x++) {
		cchar_t c;
		wchar_t w[CCHARW_MAX + 1];
		attr_t attr;
		short pair;

		if (mvin_wch(y, x, &c) == ERR || getcchar(&c, w, &attr, &pair, NULL) == ERR)
			w[0] = L'?';
		buf[n++] = w[0] == L'\0' ? ' ' : w[0] < 0x80 ? (char)w[0] : '?';
	}
	buf[n] = '\0';
	while (n > 0 && buf[n - 1] == ' ')
		buf[--n] = '\0';
	return buf;
}

/* The whole screen, rows separated by newlines, into buf. */
static inline const char *term_text(char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int y = 0; y < LINES && used + 1 < size; y++) {
		char row[2048];
		int w = snprintf(buf + used, size - used, "%s\n", term_row(y, row, sizeof(row)));

		if (w < 0 || (size_t)w >= size - used)
			break;
		used += (size_t)w;
	}
	return buf;
}

/* A key as the console sees it, resolved on the screen named scope (NULL: global keys only). */
static inline struct vg_key term_key(wint_t ch, bool code, const char *scope)
{
	struct vg_key k = { .ch = ch, .code = code };

	vg_console_resolve_key(&k, scope);
	return k;
}

#endif
