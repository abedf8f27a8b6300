/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The form widget every screen uses: a modal box with a title, one-line text fields with
 * their labels, a note, the validation message, and save / cancel.  Also the confirmations
 * ("Remove …? Enter: yes, Esc: no"), which are forms without fields.
 *
 * A field just entered has its whole value selected: the first character typed replaces it;
 * an arrow, Home or End keeps it and edits from there.  A secret field shows stars; a kept
 * secret (a password the agent stores and never shows back) stays as it is unless edited.
 * Enter calls the screen's submit function, which sends the request (the form waits, busy)
 * or sets the form's error; Esc closes the form.
 */
#ifndef VIGIL_TUI_FORM_H
#define VIGIL_TUI_FORM_H

#include <stdbool.h>
#include <stddef.h>

#include "keys.h"
#include "vigil/error.h"

#define VG_FORM_MAX_FIELDS 10
#define VG_FIELD_MAX 1024

struct vg_view;
struct vg_form;

struct vg_field {
	const char *label;        /* N_() */
	char value[VG_FIELD_MAX];
	size_t len, cursor;       /* bytes */
	bool secret;              /* shown as stars */
	bool kept;                /* a secret stored by the agent: untouched, it is kept */
	bool touched;             /* edited since the form opened */
	bool all;                 /* the whole value is selected: typing replaces it */
	/* From the last draw, for the mouse. */
	int y, x, cols;
	size_t skip;              /* the bytes scrolled out on the left */
};

/* Runs on Enter (and on a click on "save"): sends the request, or sets the form's error. */
typedef void (*vg_form_submit_fn)(void *ctx, struct vg_form *f);

struct vg_form {
	bool open;
	bool busy;                /* waiting for the agent */
	char title[256];
	char note[512];           /* information under the fields */
	char error[VG_ERROR_MSG_SIZE];
	struct vg_field fields[VG_FORM_MAX_FIELDS];
	int nfields, focus;
	vg_form_submit_fn submit;
	void *ctx;
	/* From the last draw, for the mouse: the box, and the save and cancel words. */
	int box_y, box_x, box_h, box_w;
	int keys_y, save_x[2], cancel_x[2];
};

/* Opens an empty form; submit(ctx, f) runs on Enter. */
void vg_form_open(struct vg_form *f, const char *title, vg_form_submit_fn submit, void *ctx);
/* Adds a field (label an N_() string, value copied); -1 when the form is full. */
int vg_form_add(struct vg_form *f, const char *label, const char *value, bool secret);
/* Adds a secret the agent keeps and never shows back: stored says whether one is stored.
 * Untouched, vg_form_kept() is true and the screen asks the agent to keep it; typing replaces
 * it, and emptying the field (Backspace, Ctrl-U) means none. */
int vg_form_add_kept(struct vg_form *f, const char *label, bool stored);
/* The value of field i ("" when there is no such field). */
const char *vg_form_value(const struct vg_form *f, int i);
/* True when field i is a kept secret left as it was. */
bool vg_form_kept(const struct vg_form *f, int i);
/* The validation message shown in the form (printf-like); the form stays open. */
void vg_form_error(struct vg_form *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Closes the form and wipes its fields (they may hold a password). */
void vg_form_close(struct vg_form *f);
/* A key for the open form: edits, moves between fields, submits (Enter) or closes (Esc).
 * Function keys are left to the frame; every other key stays in the form.  VG_KEY_* flags. */
int vg_form_key(struct vg_form *f, const struct vg_key *k);
/* A click: focuses a field (or moves the cursor in the focused one), or saves or cancels
 * through the words at the bottom.  Every click on the screen is the form's while it is open. */
int vg_form_click(struct vg_form *f, int y, int x);
/* Draws the form over the middle of the view (nothing when closed), and leaves the cursor in
 * the focused field.  Labels stand in a column of their own, never over a value: a label too
 * long for the column goes on its own line above its field. */
void vg_form_draw(struct vg_form *f, const struct vg_view *v);

#endif
