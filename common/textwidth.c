/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "textwidth.h"

int vg_text_width(const char *s, size_t len)
{
	mbstate_t st;
	size_t i = 0;
	int width = 0;

	memset(&st, 0, sizeof(st));
	while (i < len) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s + i, len - i, &st);
		int w;

		if (n == (size_t)-1 || n == (size_t)-2) {
			/* Not text in this locale: a column a byte, and start again after it. */
			memset(&st, 0, sizeof(st));
			width++;
			i++;
			continue;
		}
		if (n == 0)
			break;
		w = wcwidth(wc);
		width += w < 0 ? 1 : w;
		i += n;
	}
	return width;
}
