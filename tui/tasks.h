/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The tasks screen's parts: the list and detail (screen-tasks.c), the forms and the quarantine (tasks-form.c). */
#ifndef VIGIL_TUI_TASKS_H
#define VIGIL_TUI_TASKS_H

#include "console.h"

enum tasks_form_kind { TF_NONE, TF_GET, TF_DELETE, TF_RUN, TF_TERMINATE, TF_CANCEL, TF_RESTORE, TF_PURGE };

struct tasks_screen {
	struct vg_console *con;
	/* The history (task.list, newest first). */
	json_t *list;
	struct vg_list rows;
	bool loading, unavailable, dirty;
	char error[VG_ERROR_MSG_SIZE];
	unsigned ticks;
	json_int_t want_id;       /* select this task when the list has it */
	/* The detail pane: task.show, and the run's whole output through task.output. */
	json_int_t detail_id;
	json_t *detail;
	char *out[2];
	size_t outlen[2];
	unsigned gen;             /* replies for an older detail are dropped */
	struct vg_text_lines dl;  /* the pane as lines */
	struct vg_list pane;      /* over dl; End stays at the end while more output arrives */
	bool zoom;                /* the pane over the whole body */
	/* The quarantine view. */
	bool quarantine, qloading;
	json_t *qlist;
	struct vg_list qrows;
	char qerror[VG_ERROR_MSG_SIZE];
	/* The form in use. */
	struct vg_form form;
	enum tasks_form_kind form_kind;
	json_int_t form_task;
	char form_entry[128];
};

/* screen-tasks.c */
void vg_tasks_reload(struct tasks_screen *s);
bool vg_tasks_final(const char *state);

/* tasks-form.c */
void vg_tasks_command(struct tasks_screen *s, int cmd);
/* The quarantine view: its list (set up by create), reload, draw, keys and clicks. */
void vg_tasks_quarantine_init(struct tasks_screen *s);
void vg_tasks_quarantine_reload(struct tasks_screen *s);
void vg_tasks_quarantine_draw(struct tasks_screen *s, const struct vg_view *v);
int vg_tasks_quarantine_key(struct tasks_screen *s, const struct vg_key *k);
int vg_tasks_quarantine_click(struct tasks_screen *s, int y, int x);
/* Splits a command line into words: blanks separate, '…' and "…" quote, \ escapes; -EINVAL when a
 * quote is not closed. */
int vg_tasks_split(const char *line, json_t **words);

#endif
