/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The form widget (form.h): a modal box of one-line text fields with UTF-8 editing, a note,
 * the validation message, and save / cancel by key or by mouse.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "nls.h"

#define MAX_WIDTH 100
#define NOTE_LINES 3
#define ERROR_LINES 2
#define GAP_COLS 1            /* between the label column and the values */

void vg_form_open(struct vg_form *f, const char *title, vg_form_submit_fn submit, void *ctx)
{
	explicit_bzero(f, sizeof(*f));
	f->open = true;
	f->submit = submit;
	f->ctx = ctx;
	snprintf(f->title, sizeof(f->title), "%s", title);
}

/* The field gets the focus with its whole value selected: what is typed first replaces it. */
static void focus_field(struct vg_form *f, int i)
{
	struct vg_field *fl;

	if (i < 0 || i >= f->nfields)
		return;
	f->focus = i;
	fl = &f->fields[i];
	fl->cursor = fl->len;
	fl->all = fl->len > 0;
}

int vg_form_add(struct vg_form *f, const char *label, const char *value, bool secret)
{
	struct vg_field *fl;

	if (f->nfields >= VG_FORM_MAX_FIELDS)
		return -1;
	fl = &f->fields[f->nfields++];
	fl->label = label;
	fl->secret = secret;
	snprintf(fl->value, sizeof(fl->value), "%s", value ? value : "");
	fl->len = fl->cursor = strlen(fl->value);
	if (f->nfields - 1 == f->focus)
		focus_field(f, f->focus);
	return 0;
}

int vg_form_add_kept(struct vg_form *f, const char *label, bool stored)
{
	if (vg_form_add(f, label, "", true) < 0)
		return -1;
	f->fields[f->nfields - 1].kept = stored;
	return 0;
}

const char *vg_form_value(const struct vg_form *f, int i)
{
	return i >= 0 && i < f->nfields ? f->fields[i].value : "";
}

bool vg_form_kept(const struct vg_form *f, int i)
{
	return i >= 0 && i < f->nfields && f->fields[i].kept && !f->fields[i].touched;
}

void vg_form_error(struct vg_form *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->error, sizeof(f->error), fmt, ap);
	va_end(ap);
}

void vg_form_close(struct vg_form *f)
{
	/* The fields may have held a password. */
	explicit_bzero(f, sizeof(*f));
}

static void clear_field(struct vg_field *fl)
{
	explicit_bzero(fl->value, sizeof(fl->value));
	fl->len = fl->cursor = 0;
	fl->all = false;
	fl->touched = true;
}

static void insert(struct vg_field *fl, wint_t wc)
{
	char mb[VG_UI_CHAR_MAX];
	size_t n = vg_ui_encode_char(wc, mb);

	if (!n || fl->len + n + 1 > sizeof(fl->value))
		return;
	memmove(fl->value + fl->cursor + n, fl->value + fl->cursor, fl->len - fl->cursor + 1);
	memcpy(fl->value + fl->cursor, mb, n);
	fl->len += n;
	fl->cursor += n;
	fl->touched = true;
}

static void erase_bytes(struct vg_field *fl, size_t from, size_t to)
{
	memmove(fl->value + from, fl->value + to, fl->len - to + 1);
	fl->len -= to - from;
	fl->cursor = from;
	explicit_bzero(fl->value + fl->len, sizeof(fl->value) - fl->len);
	fl->touched = true;
}

static int save(struct vg_form *f)
{
	f->error[0] = '\0';
	/* submit may close the form (and wipe it). */
	if (f->submit)
		f->submit(f->ctx, f);
	return VG_KEY_HANDLED | VG_KEY_REDRAW;
}

/* Editing keys on the focused field. */
static void edit(struct vg_field *fl, const struct vg_key *k)
{
	bool all = fl->all;

	if (k->code) {
		switch (k->ch) {
		case KEY_LEFT:
			fl->cursor = all ? 0 : vg_ui_prev_char(fl->value, fl->cursor);
			break;
		case KEY_RIGHT:
			fl->cursor = all ? fl->len : vg_ui_next_char(fl->value, fl->len, fl->cursor);
			break;
		case KEY_HOME:
			fl->cursor = 0;
			break;
		case KEY_END:
			fl->cursor = fl->len;
			break;
		case KEY_DC:
			if (all)
				clear_field(fl);
			else
				erase_bytes(fl, fl->cursor, vg_ui_next_char(fl->value, fl->len, fl->cursor));
			break;
		case KEY_BACKSPACE:
			break;
		default:
			/* Another key of the keypad: nothing to edit. */
			return;
		}
		fl->all = false;
		if (k->ch != KEY_BACKSPACE)
			return;
	}
	if (vg_key_is_backspace(k)) {
		if (all || (fl->kept && !fl->touched))
			clear_field(fl);
		else
			erase_bytes(fl, vg_ui_prev_char(fl->value, fl->cursor), fl->cursor);
	} else if (!k->code && k->ch == 21) { /* Ctrl-U: empty the field */
		clear_field(fl);
	} else if (vg_key_is_text(k)) {
		if (all)
			clear_field(fl);
		insert(fl, k->ch);
	}
	fl->all = false;
}

int vg_form_key(struct vg_form *f, const struct vg_key *k)
{
	if (!f->open || vg_key_is_function(k))
		return VG_KEY_IGNORED;
	/* While the agent is asked, the form waits for its answer (the frame's keys still work). */
	if (f->busy)
		return VG_KEY_HANDLED;
	/* Raw keys, not actions: a letter bound to an action on the screen is text in a field. */
	if (!k->code && k->ch == 27) {
		vg_form_close(f);
		return VG_KEY_HANDLED | VG_KEY_REDRAW;
	}
	if (vg_key_is_enter(k))
		return save(f);
	if (f->nfields && ((!k->code && k->ch == '\t') || (k->code && k->ch == KEY_DOWN)))
		focus_field(f, (f->focus + 1) % f->nfields);
	else if (f->nfields && k->code && (k->ch == KEY_BTAB || k->ch == KEY_UP))
		focus_field(f, (f->focus + f->nfields - 1) % f->nfields);
	else if (f->nfields)
		edit(&f->fields[f->focus], k);
	/* Any other key is swallowed, so that it does not act behind the form. */
	return VG_KEY_HANDLED | VG_KEY_REDRAW;
}

/* The columns that the first n bytes of s take. */
static int width_of(const char *s, size_t n)
{
	char buf[VG_FIELD_MAX];

	if (n >= sizeof(buf))
		n = sizeof(buf) - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return vg_ui_width(buf);
}

/* The text a field shows: its value, or a star per character of a secret. */
static const char *shown_text(const struct vg_field *fl, char *buf, size_t size, size_t *cursor)
{
	size_t n = 0;

	*cursor = fl->cursor;
	if (!fl->secret)
		return fl->value;
	for (size_t b = 0; b < fl->len && n + 1 < size; b = vg_ui_next_char(fl->value, fl->len, b)) {
		if (b < fl->cursor)
			*cursor = n + 1;
		buf[n++] = '*';
	}
	if (fl->cursor == 0)
		*cursor = 0;
	buf[n] = '\0';
	return buf;
}

int vg_form_click(struct vg_form *f, int y, int x)
{
	if (!f->open)
		return VG_KEY_IGNORED;
	if (y == f->keys_y && !f->busy) {
		if (x >= f->save_x[0] && x < f->save_x[1])
			return save(f);
		if (x >= f->cancel_x[0] && x < f->cancel_x[1]) {
			vg_form_close(f);
			return VG_KEY_HANDLED | VG_KEY_REDRAW;
		}
	}
	for (int i = 0; i < f->nfields && !f->busy; i++) {
		struct vg_field *fl = &f->fields[i];
		size_t b, next;

		if (y != fl->y || x < fl->x || x >= fl->x + fl->cols)
			continue;
		if (i != f->focus) {
			focus_field(f, i);
			break;
		}
		fl->all = false;
		if (fl->secret)
			break;
		/* In the focused field: the cursor goes to the character clicked. */
		for (b = fl->skip; b < fl->len; b = next) {
			next = vg_ui_next_char(fl->value, fl->len, b);
			if (fl->x + width_of(fl->value + fl->skip, next - fl->skip) > x)
				break;
		}
		fl->cursor = b;
		break;
	}
	/* Every click is the form's while it is open. */
	return VG_KEY_HANDLED | VG_KEY_REDRAW;
}

/* Splits text into at most max lines of cols columns, at blanks where it can; start and len
 * give each line in bytes.  The last line takes what is left (drawn cut).  Returns the lines. */
static int wrap(const char *text, int cols, size_t *start, size_t *len, int max)
{
	size_t total = strlen(text), pos = 0;
	int n = 0;

	while (pos < total && n < max) {
		size_t end = pos, blank = 0;

		while (pos < total && text[pos] == ' ')
			pos++;
		if (n == max - 1 || vg_ui_width(text + pos) <= cols) {
			start[n] = pos;
			len[n++] = total - pos;
			break;
		}
		for (end = pos; end < total; end = vg_ui_next_char(text, total, end)) {
			size_t next = vg_ui_next_char(text, total, end);

			if (width_of(text + pos, next - pos) > cols)
				break;
			if (text[end] == ' ')
				blank = end;
		}
		if (blank > pos)
			end = blank;
		if (end == pos)
			end = vg_ui_next_char(text, total, pos);
		start[n] = pos;
		len[n++] = end - pos;
		pos = end;
	}
	return n;
}

static void draw_lines(const char *text, const size_t *start, const size_t *len, int n, int y, int x, int cols)
{
	char buf[VG_ERROR_MSG_SIZE + 512];

	for (int i = 0; i < n; i++) {
		size_t l = len[i] < sizeof(buf) - 1 ? len[i] : sizeof(buf) - 1;

		memcpy(buf, text + start[i], l);
		buf[l] = '\0';
		vg_ui_text_cut(y + i, x, buf, cols);
	}
}

/* The layout: a column for the labels as wide as the longest label that takes at most half
 * the inside; a longer label goes on its own row above its field, unless the form would not
 * fit the screen, when it is cut with "…". */
struct layout {
	int w, inner, lcol, gap, h;
	bool own_row[VG_FORM_MAX_FIELDS];
	int note_n, err_n;
	size_t note_start[NOTE_LINES], note_len[NOTE_LINES], err_start[ERROR_LINES], err_len[ERROR_LINES];
};

static void measure(const struct vg_form *f, struct layout *lo, int rows, bool squeeze)
{
	int cap = lo->inner / 2, longest = 0, field_rows = 0;

	lo->lcol = 0;
	for (int i = 0; i < f->nfields; i++) {
		int lw = vg_ui_width(_(f->fields[i].label));

		if (lw > longest)
			longest = lw;
		if (lw <= cap && lw > lo->lcol)
			lo->lcol = lw;
	}
	if (squeeze)
		lo->lcol = longest < cap ? longest : cap;
	for (int i = 0; i < f->nfields; i++) {
		lo->own_row[i] = !squeeze && vg_ui_width(_(f->fields[i].label)) > lo->lcol;
		field_rows += lo->own_row[i] ? 2 : 1;
	}
	lo->note_n = f->note[0] ? wrap(f->note, lo->inner, lo->note_start, lo->note_len, squeeze ? 1 : NOTE_LINES) : 0;
	lo->err_n = f->error[0] ? wrap(f->error, lo->inner, lo->err_start, lo->err_len, squeeze ? 1 : ERROR_LINES) : 0;
	/* Borders, a blank under the title, the fields, a blank, the note, the error, the keys. */
	lo->gap = f->nfields > 1 ? 1 : 0;
	for (;;) {
		lo->h = 2 + 1 + field_rows + lo->gap * (f->nfields - 1) + (f->nfields ? 1 : 0) + lo->note_n +
			(lo->err_n ? lo->err_n : 1) + 1;
		if (lo->h <= rows || !lo->gap)
			break;
		lo->gap = 0;
	}
}

static void draw_field(struct vg_form *f, int i, int y, int x, int cols, int *cur_y, int *cur_x)
{
	struct vg_field *fl = &f->fields[i];
	bool focus = i == f->focus;
	attr_t attr = focus ? A_UNDERLINE | A_BOLD : vg_ui_attr(VG_ROLE_DIM) | A_UNDERLINE;
	char stars[VG_FIELD_MAX];
	size_t cursor;
	const char *text = shown_text(fl, stars, sizeof(stars), &cursor);

	fl->y = y;
	fl->x = x;
	fl->cols = cols;
	vg_ui_fill(y, x, cols, attr);
	if (fl->kept && !fl->touched) {
		/* A stored secret: never shown, only said to be there. */
		attrset(vg_ui_attr(VG_ROLE_DIM) | A_UNDERLINE);
		vg_ui_text(y, x, _("(unchanged)"), cols);
		fl->skip = 0;
		cursor = 0;
		text = "";
	} else {
		/* Scroll a long value so that the cursor stays in view. */
		if (fl->skip > cursor)
			fl->skip = 0;
		while (fl->skip < cursor && width_of(text + fl->skip, cursor - fl->skip) >= cols)
			fl->skip = vg_ui_next_char(text, strlen(text), fl->skip);
		/* The selected value in reverse video: typing replaces it. */
		attrset(fl->all ? attr | A_REVERSE : attr);
		vg_ui_text(y, x, text + fl->skip, cols);
	}
	attrset(A_NORMAL);
	if (focus) {
		*cur_y = y;
		*cur_x = x + (cursor > fl->skip ? width_of(text + fl->skip, cursor - fl->skip) : 0);
		if (*cur_x >= x + cols)
			*cur_x = x + cols - 1;
	}
}

void vg_form_draw(struct vg_form *f, const struct vg_view *v)
{
	struct layout lo;
	int x, y, cy, vx, cur_y = -1, cur_x = 0;
	const char *save_text, *cancel_text;

	if (!f->open)
		return;
	memset(&lo, 0, sizeof(lo));
	lo.w = v->cols - 8 > MAX_WIDTH ? MAX_WIDTH : v->cols - 8;
	lo.inner = lo.w - 4;
	measure(f, &lo, v->rows, false);
	if (lo.h > v->rows)
		measure(f, &lo, v->rows, true);
	x = v->left + (v->cols - lo.w) / 2;
	y = v->top + (v->rows - lo.h) / 2;
	if (y < v->top)
		y = v->top;
	f->box_y = y;
	f->box_x = x;
	f->box_h = lo.h;
	f->box_w = lo.w;
	for (int i = 0; i < lo.h; i++)
		vg_ui_fill(y + i, x, lo.w, A_NORMAL);
	attrset(vg_ui_attr(VG_ROLE_HEADING));
	vg_ui_box(y, x, lo.h, lo.w);
	vg_ui_text_cut(y, x + 2, f->title, lo.w - 4);
	attrset(A_NORMAL);
	/* The values start after the label column; labels on their own row do not move them. */
	vx = x + 2 + (lo.lcol ? lo.lcol + GAP_COLS : 2);
	cy = y + 2;
	for (int i = 0; i < f->nfields; i++) {
		const char *label = _(f->fields[i].label);

		if (lo.own_row[i]) {
			vg_ui_text_cut(cy++, x + 2, label, lo.inner);
		} else {
			vg_ui_text_cut(cy, x + 2, label, lo.lcol);
		}
		draw_field(f, i, cy, vx, x + lo.w - 2 - vx, &cur_y, &cur_x);
		cy += 1 + lo.gap;
	}
	if (f->nfields)
		cy += 1 - lo.gap;
	attrset(vg_ui_attr(VG_ROLE_DIM));
	draw_lines(f->note, lo.note_start, lo.note_len, lo.note_n, cy, x + 2, lo.inner);
	cy += lo.note_n;
	attrset(vg_ui_attr(VG_ROLE_ERROR));
	draw_lines(f->error, lo.err_start, lo.err_len, lo.err_n, cy, x + 2, lo.inner);
	cy += lo.err_n ? lo.err_n : 1;
	attrset(vg_ui_attr(VG_ROLE_DIM));
	f->keys_y = cy;
	f->save_x[0] = f->save_x[1] = f->cancel_x[0] = f->cancel_x[1] = 0;
	if (f->busy) {
		vg_ui_text(cy, x + 2, _("Waiting for the agent…"), lo.inner);
	} else {
		/* Two words the mouse can click, as the keys they stand for. */
		save_text = f->nfields ? _("Enter: save") : _("Enter: yes");
		cancel_text = f->nfields ? _("Esc: cancel") : _("Esc: no");
		f->save_x[0] = x + 2;
		f->save_x[1] = f->save_x[0] + vg_ui_text(cy, f->save_x[0], save_text, lo.inner);
		f->cancel_x[0] = f->save_x[1] + 3;
		f->cancel_x[1] = f->cancel_x[0] + vg_ui_text(cy, f->cancel_x[0], cancel_text, x + lo.w - 2 - f->cancel_x[0]);
	}
	attrset(A_NORMAL);
	if (cur_y >= 0 && !f->busy) {
		move(cur_y, cur_x);
		curs_set(1);
	}
}
