/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The width of text on a terminal, for the front ends' columns. */
#ifndef VIGIL_TEXTWIDTH_H
#define VIGIL_TEXTWIDTH_H

#include <stddef.h>

/* The columns the first len bytes of s take on a terminal in the current locale (wcwidth): "É"
 * is 1, "漢" 2, a combining accent 0.  Text that is not valid in the locale counts one column a
 * byte, a character without a width (a control) one column. */
int vg_text_width(const char *s, size_t len);

#endif
