/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Text for a terminal: names chosen by others (file names, command lines, a program's output)
 * must not drive it.  Every control character but the newline and the tab is written as an
 * escape: C0 and DEL as \xNN, the C1 controls (U+0080 to U+009F, which some terminals obey
 * like ESC [) as \u00NN, and bytes that are not UTF-8 as \xNN.  The rest passes unchanged.
 * The text may come in pieces: a character split between two pieces is seen whole.
 */
#ifndef VG_ESCAPE_H
#define VG_ESCAPE_H

#include <stddef.h>

struct vg_escape {
	unsigned char held[4]; /* the start of a multibyte character, waiting for the rest */
	size_t nheld, need;
};

/* Called with each run of text to write (not NUL-terminated). */
typedef void (*vg_escape_emit_fn)(const char *text, size_t len, void *data);

/* Escapes len bytes of text, in order, to emit. */
void vg_escape_feed(struct vg_escape *esc, const char *text, size_t len, vg_escape_emit_fn emit, void *data);
/* The end of the text: a character left unfinished is written as \xNN bytes. */
void vg_escape_finish(struct vg_escape *esc, vg_escape_emit_fn emit, void *data);

#endif
