/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Drawing helpers: colours with a monochrome fallback, UTF-8 text and lines with an ASCII fallback. */
#include "config.h"

#include <langinfo.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "console.h"
#include "nls.h"

/* No state of our own: the tables are constant, and whether colours are on is ncurses'
 * (start_color() ran or not), whether lines are UTF-8 is the locale's. */
static const attr_t mono[VG_ROLE_COUNT] = {
	[VG_ROLE_NORMAL] = A_NORMAL,
	[VG_ROLE_TITLE] = A_REVERSE | A_BOLD,
	[VG_ROLE_TAB] = A_REVERSE,
	[VG_ROLE_TAB_ACTIVE] = A_BOLD | A_UNDERLINE,
	[VG_ROLE_HEADING] = A_BOLD | A_UNDERLINE,
	[VG_ROLE_SELECTED] = A_REVERSE,
	[VG_ROLE_OK] = A_BOLD,
	[VG_ROLE_WARN] = A_BOLD,
	[VG_ROLE_ERROR] = A_BOLD | A_REVERSE,
	[VG_ROLE_DIM] = A_DIM,
	[VG_ROLE_BANNER] = A_BOLD | A_REVERSE,
};

enum { PAIR_TITLE = 1, PAIR_TAB, PAIR_OK, PAIR_WARN, PAIR_ERROR, PAIR_BANNER, PAIR_HEADING };

static attr_t colour_attr(enum vg_role role)
{
	switch (role) {
	case VG_ROLE_TITLE:
		return COLOR_PAIR(PAIR_TITLE) | A_BOLD;
	case VG_ROLE_TAB:
		return COLOR_PAIR(PAIR_TAB);
	case VG_ROLE_TAB_ACTIVE:
		return COLOR_PAIR(PAIR_TITLE) | A_BOLD;
	case VG_ROLE_HEADING:
		return COLOR_PAIR(PAIR_HEADING) | A_BOLD;
	case VG_ROLE_OK:
		return COLOR_PAIR(PAIR_OK) | A_BOLD;
	case VG_ROLE_WARN:
		return COLOR_PAIR(PAIR_WARN) | A_BOLD;
	case VG_ROLE_ERROR:
		return COLOR_PAIR(PAIR_ERROR) | A_BOLD;
	case VG_ROLE_BANNER:
		return COLOR_PAIR(PAIR_BANNER) | A_BOLD;
	default:
		return role < VG_ROLE_COUNT ? mono[role] : A_NORMAL;
	}
}

void vg_ui_init(void)
{
	const char *no_color = getenv("NO_COLOR");

	if (!has_colors() || (no_color && no_color[0]) || start_color() == ERR)
		return;
	use_default_colors();
	init_pair(PAIR_TITLE, COLOR_WHITE, COLOR_BLUE);
	init_pair(PAIR_TAB, COLOR_BLACK, COLOR_CYAN);
	init_pair(PAIR_OK, COLOR_GREEN, -1);
	init_pair(PAIR_WARN, COLOR_YELLOW, -1);
	init_pair(PAIR_ERROR, COLOR_RED, -1);
	init_pair(PAIR_BANNER, COLOR_WHITE, COLOR_RED);
	init_pair(PAIR_HEADING, COLOR_CYAN, -1);
}

bool vg_ui_utf8(void)
{
	const char *codeset = nl_langinfo(CODESET);

	return codeset && (strcasecmp(codeset, "UTF-8") == 0 || strcasecmp(codeset, "utf8") == 0);
}

attr_t vg_ui_attr(enum vg_role role)
{
	/* COLOR_PAIRS stays 0 until start_color() succeeds. */
	if (COLOR_PAIRS > PAIR_HEADING)
		return colour_attr(role);
	return role < VG_ROLE_COUNT ? mono[role] : A_NORMAL;
}

/* Decodes s into at most maxcols columns of printable wide characters. */
static size_t decode(const char *s, int maxcols, wchar_t *out, size_t outsize, int *cols)
{
	mbstate_t st;
	size_t n = 0, left = strlen(s);
	int used = 0;

	memset(&st, 0, sizeof(st));
	while (left && n + 1 < outsize) {
		wchar_t wc;
		size_t r = mbrtowc(&wc, s, left, &st);
		int w;

		if (r == 0)
			break;
		if (r == (size_t)-1 || r == (size_t)-2) {
			/* An invalid byte: show it as '?' and go on with the next one. */
			memset(&st, 0, sizeof(st));
			wc = L'?';
			r = 1;
		}
		w = wcwidth(wc);
		if (w < 0 || wc < 0x20) {
			wc = L'?';
			w = 1;
		}
		if (used + w > maxcols)
			break;
		out[n++] = wc;
		used += w;
		s += r;
		left -= r;
	}
	out[n] = L'\0';
	*cols = used;
	return n;
}

int vg_ui_text(int y, int x, const char *s, int maxcols)
{
	wchar_t buf[1024];
	int cols;
	size_t n;

	if (!s || maxcols <= 0 || y < 0 || y >= LINES || x >= COLS)
		return 0;
	if (maxcols > COLS - x)
		maxcols = COLS - x;
	n = decode(s, maxcols, buf, sizeof(buf) / sizeof(buf[0]), &cols);
	if (n)
		mvaddnwstr(y, x, buf, (int)n);
	return cols;
}

int vg_ui_width(const char *s)
{
	wchar_t buf[1024];
	int cols;

	decode(s, 1 << 20, buf, sizeof(buf) / sizeof(buf[0]), &cols);
	return cols;
}

void vg_ui_fill(int y, int x, int n, attr_t attr)
{
	attr_t old;
	short pair;

	if (y < 0 || y >= LINES || n <= 0)
		return;
	attr_get(&old, &pair, NULL);
	attrset(attr);
	mvhline(y, x, ' ', n);
	attrset(old);
	(void)pair;
}

void vg_ui_hline(int y, int x, int n)
{
	if (n <= 0)
		return;
	if (vg_ui_utf8())
		mvhline_set(y, x, WACS_HLINE, n);
	else
		mvhline(y, x, '-', n);
}

void vg_ui_box(int y, int x, int h, int w)
{
	if (h < 2 || w < 2)
		return;
	if (vg_ui_utf8()) {
		mvhline_set(y, x + 1, WACS_HLINE, w - 2);
		mvhline_set(y + h - 1, x + 1, WACS_HLINE, w - 2);
		mvvline_set(y + 1, x, WACS_VLINE, h - 2);
		mvvline_set(y + 1, x + w - 1, WACS_VLINE, h - 2);
		mvadd_wch(y, x, WACS_ULCORNER);
		mvadd_wch(y, x + w - 1, WACS_URCORNER);
		mvadd_wch(y + h - 1, x, WACS_LLCORNER);
		mvadd_wch(y + h - 1, x + w - 1, WACS_LRCORNER);
		return;
	}
	mvhline(y, x + 1, '-', w - 2);
	mvhline(y + h - 1, x + 1, '-', w - 2);
	mvvline(y + 1, x, '|', h - 2);
	mvvline(y + 1, x + w - 1, '|', h - 2);
	mvaddch(y, x, '+');
	mvaddch(y, x + w - 1, '+');
	mvaddch(y + h - 1, x, '+');
	mvaddch(y + h - 1, x + w - 1, '+');
}

const char *vg_ui_spinner(unsigned frame)
{
	static const char *const fancy[] = { "⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏" };
	static const char *const plain[] = { "|", "/", "-", "\\" };

	return vg_ui_utf8() ? fancy[frame % 10] : plain[frame % 4];
}

void vg_ui_duration(char *buf, size_t size, long long seconds)
{
	long long d = seconds / 86400;
	int h = (int)(seconds % 86400 / 3600), m = (int)(seconds % 3600 / 60), s = (int)(seconds % 60);

	if (seconds < 0) {
		snprintf(buf, size, "?");
		return;
	}
	if (d > 0)
		snprintf(buf, size, _("%lld d %02d:%02d:%02d"), d, h, m, s);
	else
		snprintf(buf, size, "%02d:%02d:%02d", h, m, s);
}

bool vg_ui_time_of(char *buf, size_t size, const json_t *obj, const char *key)
{
	char key_ms[96];
	const json_t *ms;
	time_t t;
	struct tm tm;

	snprintf(key_ms, sizeof(key_ms), "%s_ms", key);
	ms = json_object_get(obj, key_ms);
	if (!json_is_integer(ms)) {
		snprintf(buf, size, "-");
		return false;
	}
	t = (time_t)(json_integer_value(ms) / 1000);
	if (!localtime_r(&t, &tm) || !strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(buf, size, "?");
	return true;
}

void vg_ui_json_text(char *buf, size_t size, const json_t *v)
{
	size_t used = 0, i;
	json_t *item;

	buf[0] = '\0';
	switch (json_typeof(v)) {
	case JSON_STRING:
		snprintf(buf, size, "%s", json_string_value(v));
		break;
	case JSON_INTEGER:
		snprintf(buf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL:
		snprintf(buf, size, "%g", json_real_value(v));
		break;
	case JSON_TRUE:
		snprintf(buf, size, "true");
		break;
	case JSON_FALSE:
		snprintf(buf, size, "false");
		break;
	case JSON_ARRAY:
		json_array_foreach((json_t *)v, i, item) {
			char one[256];
			int w;

			if (json_is_object(item) || json_is_array(item))
				continue;
			vg_ui_json_text(one, sizeof(one), item);
			w = snprintf(buf + used, size - used, "%s%s", used ? "," : "", one);
			if (w < 0 || (size_t)w >= size - used)
				break;
			used += (size_t)w;
		}
		break;
	default:
		break;
	}
}

const char *vg_ui_str_or(const json_t *obj, const char *key, const char *fallback)
{
	const char *v = json_string_value(json_object_get(obj, key));

	return v ? v : fallback;
}

int vg_ui_text_cut(int y, int x, const char *s, int maxcols)
{
	int used;

	if (!s || maxcols <= 0)
		return 0;
	if (vg_ui_width(s) <= maxcols)
		return vg_ui_text(y, x, s, maxcols);
	/* A wide character that does not fit leaves a column more before the mark. */
	used = vg_ui_text(y, x, s, maxcols - 1);
	return used + vg_ui_text(y, x + used, vg_ui_utf8() ? "…" : "~", 1);
}

size_t vg_ui_encode_char(wint_t wc, char out[VG_UI_CHAR_MAX])
{
	char mb[MB_LEN_MAX];
	mbstate_t st;
	size_t n;

	memset(&st, 0, sizeof(st));
	n = wcrtomb(mb, (wchar_t)wc, &st);
	if (n == (size_t)-1 || n == 0 || n > VG_UI_CHAR_MAX)
		return 0;
	memcpy(out, mb, n);
	return n;
}

size_t vg_ui_prev_char(const char *s, size_t pos)
{
	while (pos > 0) {
		pos--;
		if (((unsigned char)s[pos] & 0xC0) != 0x80)
			break;
	}
	return pos;
}

size_t vg_ui_next_char(const char *s, size_t len, size_t pos)
{
	if (pos < len)
		pos++;
	while (pos < len && ((unsigned char)s[pos] & 0xC0) == 0x80)
		pos++;
	return pos;
}

/* One cell of a graph: units (0..8) eighths of a row filled from the bottom. */
static void graph_cell(int y, int x, int units, bool utf8)
{
	static const char *const blocks[] = { " ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
	static const char ascii[] = " ..::||##";

	if (utf8)
		vg_ui_text(y, x, blocks[units], 1);
	else
		mvaddch(y, x, (chtype)ascii[units]);
}

void vg_ui_graph(int y, int x, int rows, int cols, const double *values, size_t n, double max)
{
	bool utf8 = vg_ui_utf8();
	size_t shown = n < (size_t)cols ? n : (size_t)cols;
	int first = cols - (int)shown;

	if (rows <= 0 || cols <= 0)
		return;
	if (max <= 0)
		for (size_t i = n - shown; i < n; i++)
			if (!isnan(values[i]) && values[i] > max)
				max = values[i];
	/* Columns before the first sample stay blank. */
	for (int c = first; c < cols; c++) {
		double v = values[n - shown + (size_t)(c - first)];
		/* A value above zero shows at least its first eighth. */
		long units = isnan(v) || v <= 0 || max <= 0 ? 0 : (long)(v / max * rows * 8 + 0.5);

		if (!isnan(v) && v > 0 && units == 0)
			units = 1;
		for (int r = 0; r < rows; r++) {
			long here = units - (long)(rows - 1 - r) * 8;

			if (isnan(v) && r == rows - 1) {
				/* No sample for this moment (the console was elsewhere, or the agent away). */
				attr_t old;
				short pair;

				attr_get(&old, &pair, NULL);
				attron(vg_ui_attr(VG_ROLE_DIM));
				mvaddch(y + r, x + c, '.');
				attrset(old);
				continue;
			}
			graph_cell(y + r, x + c, here <= 0 ? 0 : here >= 8 ? 8 : (int)here, utf8);
		}
	}
}
