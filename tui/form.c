/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A small modal form: a title, a few one-line text fields, a note, and the agent's answer. */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "console.h"
#include "nls.h"

void vg_form_open(struct vg_form *f, const char *title)
{
	memset(f, 0, sizeof(*f));
	f->open = true;
	snprintf(f->title, sizeof(f->title), "%s", title);
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
	return 0;
}

void vg_form_close(struct vg_form *f)
{
	/* The fields may have held a password. */
	explicit_bzero(f, sizeof(*f));
}

/* The start of the UTF-8 character before pos. */
static size_t prev_char(const char *s, size_t pos)
{
	while (pos > 0) {
		pos--;
		if (((unsigned char)s[pos] & 0xC0) != 0x80)
			break;
	}
	return pos;
}

static size_t next_char(const char *s, size_t len, size_t pos)
{
	if (pos < len)
		pos++;
	while (pos < len && ((unsigned char)s[pos] & 0xC0) == 0x80)
		pos++;
	return pos;
}

static int insert(struct vg_field *fl, wchar_t wc)
{
	char mb[MB_LEN_MAX];
	mbstate_t st;
	size_t n;

	memset(&st, 0, sizeof(st));
	n = wcrtomb(mb, wc, &st);
	if (n == (size_t)-1 || fl->len + n + 1 > sizeof(fl->value))
		return VG_FORM_NONE;
	memmove(fl->value + fl->cursor + n, fl->value + fl->cursor, fl->len - fl->cursor + 1);
	memcpy(fl->value + fl->cursor, mb, n);
	fl->len += n;
	fl->cursor += n;
	return VG_FORM_CHANGED;
}

int vg_form_key(struct vg_form *f, const struct vg_key *k)
{
	struct vg_field *fl = f->nfields ? &f->fields[f->focus] : NULL;

	if (!f->open || f->busy)
		return VG_FORM_NONE;
	/* Raw keys, not actions: a letter bound to an action on the screen is text in a field. */
	if (!k->code && k->ch == 27)
		return VG_FORM_CANCEL;
	if ((!k->code && (k->ch == '\r' || k->ch == '\n')) || (k->code && k->ch == KEY_ENTER))
		return VG_FORM_SUBMIT;
	if ((!k->code && k->ch == '\t') || (k->code && k->ch == KEY_DOWN)) {
		f->focus = f->nfields ? (f->focus + 1) % f->nfields : 0;
		return VG_FORM_CHANGED;
	}
	if (k->code && (k->ch == KEY_BTAB || k->ch == KEY_UP)) {
		f->focus = f->nfields ? (f->focus + f->nfields - 1) % f->nfields : 0;
		return VG_FORM_CHANGED;
	}
	if (!fl)
		return VG_FORM_NONE;
	if (k->code) {
		switch (k->ch) {
		case KEY_LEFT:
			fl->cursor = prev_char(fl->value, fl->cursor);
			return VG_FORM_CHANGED;
		case KEY_RIGHT:
			fl->cursor = next_char(fl->value, fl->len, fl->cursor);
			return VG_FORM_CHANGED;
		case KEY_HOME:
			fl->cursor = 0;
			return VG_FORM_CHANGED;
		case KEY_END:
			fl->cursor = fl->len;
			return VG_FORM_CHANGED;
		case KEY_BACKSPACE:
			break;
		case KEY_DC: {
			size_t end = next_char(fl->value, fl->len, fl->cursor);

			memmove(fl->value + fl->cursor, fl->value + end, fl->len - end + 1);
			fl->len -= end - fl->cursor;
			return VG_FORM_CHANGED;
		}
		default:
			/* Function keys stay with the frame (they switch screens). */
			return VG_FORM_NONE;
		}
	}
	if ((k->code && k->ch == KEY_BACKSPACE) || (!k->code && (k->ch == 127 || k->ch == 8))) {
		size_t start = prev_char(fl->value, fl->cursor);

		memmove(fl->value + start, fl->value + fl->cursor, fl->len - fl->cursor + 1);
		fl->len -= fl->cursor - start;
		fl->cursor = start;
		return VG_FORM_CHANGED;
	}
	if (!k->code && k->ch == 21) { /* Ctrl-U: clear the field */
		fl->value[0] = '\0';
		fl->len = fl->cursor = 0;
		return VG_FORM_CHANGED;
	}
	if (!k->code && k->ch >= 0x20 && k->ch != 127)
		return insert(fl, (wchar_t)k->ch);
	/* Any other control key is swallowed, so that it does not act behind the form. */
	return VG_FORM_CHANGED;
}

void vg_form_draw(const struct vg_form *f, const struct vg_view *v)
{
	int w = v->cols - 8 > 100 ? 100 : v->cols - 8;
	/* A long form on a small screen: one row per field instead of two. */
	int step = 7 + f->nfields * 2 <= v->rows ? 2 : 1;
	int h = 7 + f->nfields * step;
	int x = v->left + (v->cols - w) / 2, y = v->top + (v->rows - h) / 2;
	int cur_y = -1, cur_x = 0;

	if (!f->open)
		return;
	if (y < v->top)
		y = v->top;
	for (int i = 0; i < h; i++)
		vg_ui_fill(y + i, x, w, A_NORMAL);
	attrset(vg_ui_attr(VG_ROLE_HEADING));
	vg_ui_box(y, x, h, w);
	vg_ui_text(y, x + 2, f->title, w - 4);
	attrset(A_NORMAL);
	for (int i = 0; i < f->nfields; i++) {
		const struct vg_field *fl = &f->fields[i];
		int fy = y + 2 + i * step, lw, fx, fw;
		char shown[VG_FIELD_MAX];
		const char *text = fl->value;
		size_t skip = 0;

		lw = vg_ui_text(fy, x + 2, _(fl->label), w / 3);
		fx = x + 3 + lw;
		fw = x + w - 2 - fx;
		if (fl->secret) {
			size_t n = 0;

			for (size_t b = 0; b < fl->len && n + 1 < sizeof(shown); b = next_char(fl->value, fl->len, b))
				shown[n++] = '*';
			shown[n] = '\0';
			text = shown;
		}
		attrset(vg_ui_attr(i == f->focus ? VG_ROLE_SELECTED : VG_ROLE_DIM) | A_UNDERLINE);
		vg_ui_fill(fy, fx, fw, vg_ui_attr(i == f->focus ? VG_ROLE_SELECTED : VG_ROLE_DIM) | A_UNDERLINE);
		if (!fl->secret) {
			char prefix[VG_FIELD_MAX];

			/* Scroll a long value so that the cursor stays in view. */
			memcpy(prefix, fl->value, fl->cursor);
			prefix[fl->cursor] = '\0';
			while (vg_ui_width(prefix + skip) >= fw && skip < fl->cursor)
				skip = next_char(fl->value, fl->len, skip);
			vg_ui_text(fy, fx, text + skip, fw);
			if (i == f->focus) {
				cur_y = fy;
				cur_x = fx + vg_ui_width(prefix + skip);
			}
		} else {
			vg_ui_text(fy, fx, text, fw);
			if (i == f->focus) {
				cur_y = fy;
				cur_x = fx + (vg_ui_width(text) < fw ? vg_ui_width(text) : fw - 1);
			}
		}
		attrset(A_NORMAL);
	}
	attrset(vg_ui_attr(VG_ROLE_DIM));
	vg_ui_text(y + h - 4, x + 2, f->note, w - 4);
	attrset(A_NORMAL);
	if (f->error[0]) {
		attrset(vg_ui_attr(VG_ROLE_ERROR));
		vg_ui_text(y + h - 3, x + 2, f->error, w - 4);
		attrset(A_NORMAL);
	}
	attrset(vg_ui_attr(VG_ROLE_DIM));
	vg_ui_text(y + h - 2, x + 2, f->busy ? _("Waiting for the agent…") : _("Enter: save   Esc: cancel"), w - 4);
	attrset(A_NORMAL);
	if (cur_y >= 0 && !f->busy) {
		move(cur_y, cur_x);
		curs_set(1);
	}
}
