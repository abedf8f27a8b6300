/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <langinfo.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

#include "textwidth.h"

/* The next character of s (len bytes left): its length in bytes and its columns. */
static size_t next_char(const char *s, size_t len, mbstate_t *st, int *cols)
{
	wchar_t wc;
	size_t r = mbrtowc(&wc, s, len, st);
	int w;

	if (r == (size_t)-1 || r == (size_t)-2 || r == 0) {
		memset(st, 0, sizeof(*st));
		*cols = 1;
		return 1;
	}
	w = wcwidth(wc);
	*cols = w < 0 ? 1 : w;
	return r;
}

int vg_text_width(const char *s, size_t len)
{
	mbstate_t st;
	int total = 0;

	memset(&st, 0, sizeof(st));
	while (len) {
		int w;
		size_t n = next_char(s, len, &st, &w);

		total += w;
		s += n;
		len -= n;
	}
	return total;
}

void vg_text_pad(FILE *out, const char *s, int width)
{
	fputs(s, out);
	for (int w = vg_text_width(s, strlen(s)); w < width; w++)
		fputc(' ', out);
}

static bool utf8(void)
{
	const char *codeset = nl_langinfo(CODESET);

	return codeset && (strcasecmp(codeset, "UTF-8") == 0 || strcasecmp(codeset, "utf8") == 0);
}

int vg_text_cut(char *buf, size_t size, const char *s, int cols)
{
	const char *mark = utf8() ? "…" : "~";
	size_t len = strlen(s), used = 0;
	mbstate_t st;
	int total = 0;

	if (!size)
		return 0;
	if (vg_text_width(s, len) <= cols) {
		snprintf(buf, size, "%s", s);
		return vg_text_width(buf, strlen(buf));
	}
	memset(&st, 0, sizeof(st));
	/* Room for the mark, one column. */
	while (len && cols > 1) {
		int w;
		size_t n = next_char(s + used, len, &st, &w);

		if (total + w > cols - 1 || used + n + strlen(mark) + 1 > size)
			break;
		total += w;
		used += n;
		len -= n;
	}
	memcpy(buf, s, used);
	if (cols >= 1 && used + strlen(mark) + 1 <= size) {
		memcpy(buf + used, mark, strlen(mark));
		used += strlen(mark);
		total++;
	}
	buf[used] = '\0';
	return total;
}
