/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Text as a terminal shows it: the columns a string takes (wcwidth of each character, in the
 * locale's encoding), and padding or cutting by columns rather than bytes, so that "État :"
 * lines up with "Socket de contrôle :" and a cut never splits a character.
 */
#ifndef VIGIL_TEXTWIDTH_H
#define VIGIL_TEXTWIDTH_H

#include <stddef.h>
#include <stdio.h>

/* The columns the first len bytes of s take on a terminal in the current locale (wcwidth): "É"
 * is 1, "漢" 2, a combining accent 0.  Text that is not valid in the locale counts one column a
 * byte, a character without a width (a control) one column. */
int vg_text_width(const char *s, size_t len);

/* Prints s to out, then spaces up to width columns (nothing is cut). */
void vg_text_pad(FILE *out, const char *s, int width);

/* Copies into buf (size bytes) the longest start of s that fits in cols columns; when s is cut,
 * the copy ends with "…" (or "~" outside UTF-8) within the cols.  Returns the columns used. */
int vg_text_cut(char *buf, size_t size, const char *s, int cols);

#endif
