/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The view of a part of the agent that may not be there: it asks the agent for the
 * part's command, says plainly when the agent does not have it, and otherwise shows
 * the answer as indented text until the screen's own view takes over.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "nls.h"

#define MAX_LINES 5000

void vg_probe_init(struct vg_probe *p, struct vg_console *con, const char *cmd, const char *missing)
{
	memset(p, 0, sizeof(*p));
	p->con = con;
	p->cmd = cmd;
	p->missing = missing;
}

static void clear_lines(struct vg_probe *p)
{
	for (size_t i = 0; i < p->nlines; i++)
		free(p->lines[i]);
	free(p->lines);
	p->lines = NULL;
	p->nlines = 0;
}

void vg_probe_fini(struct vg_probe *p)
{
	clear_lines(p);
}

static void set_lines(struct vg_probe *p, const json_t *result)
{
	char *text = json_dumps(result, JSON_INDENT(2) | JSON_ENCODE_ANY);
	char *line, *save = NULL;

	clear_lines(p);
	if (!text)
		return;
	p->lines = calloc(MAX_LINES, sizeof(*p->lines));
	for (line = strtok_r(text, "\n", &save); p->lines && line && p->nlines < MAX_LINES;
	     line = strtok_r(NULL, "\n", &save))
		if ((p->lines[p->nlines] = strdup(line)))
			p->nlines++;
	free(text);
}

static void on_reply(void *ctx, json_t *result, const struct vg_error *err)
{
	struct vg_probe *p = ctx;

	if (!err) {
		p->state = VG_PROBE_OK;
		set_lines(p, result);
		return;
	}
	if (vg_console_unavailable(err)) {
		p->state = VG_PROBE_UNAVAILABLE;
		return;
	}
	p->state = VG_PROBE_ERROR;
	vg_error_text(err, p->error, sizeof(p->error));
}

void vg_probe_request(struct vg_probe *p)
{
	if (p->state == VG_PROBE_LOADING)
		return;
	if (vg_console_request(p->con, p->cmd, NULL, on_reply, p) == 0)
		p->state = VG_PROBE_LOADING;
}

void vg_probe_draw(struct vg_probe *p, const struct vg_view *v)
{
	int y = v->top + 1;

	p->page = v->rows > 2 ? v->rows - 2 : 1;
	switch (p->state) {
	case VG_PROBE_IDLE:
		if (!vg_console_connected(p->con)) {
			attrset(vg_ui_attr(VG_ROLE_WARN));
			vg_ui_text(y, 2, _("The agent is not reachable."), v->cols - 4);
		}
		break;
	case VG_PROBE_LOADING:
		attrset(vg_ui_attr(VG_ROLE_DIM));
		vg_ui_text(y, 2, _("Asking the agent…"), v->cols - 4);
		break;
	case VG_PROBE_UNAVAILABLE:
		attrset(vg_ui_attr(VG_ROLE_WARN));
		vg_ui_text(y, 2, _(p->missing), v->cols - 4);
		attrset(vg_ui_attr(VG_ROLE_DIM));
		vg_ui_text(y + 2, 2, _("This part is not available in this agent: it answered that it does not know the command."),
			   v->cols - 4);
		vg_ui_text(y + 3, 2, p->cmd, v->cols - 4);
		break;
	case VG_PROBE_ERROR:
		attrset(vg_ui_attr(VG_ROLE_ERROR));
		vg_ui_text(y, 2, p->error, v->cols - 4);
		break;
	case VG_PROBE_OK:
		if (p->scroll > (int)p->nlines - 1)
			p->scroll = p->nlines ? (int)p->nlines - 1 : 0;
		for (int i = 0; i < v->rows - 1 && p->scroll + i < (int)p->nlines; i++)
			vg_ui_text(v->top + i, 1, p->lines[p->scroll + i], v->cols - 2);
		break;
	}
	attrset(A_NORMAL);
}

int vg_probe_key(struct vg_probe *p, const struct vg_key *k)
{
	int last = p->nlines ? (int)p->nlines - 1 : 0;

	switch (k->action) {
	case VG_ACT_UP:
		p->scroll = p->scroll > 0 ? p->scroll - 1 : 0;
		break;
	case VG_ACT_DOWN:
		p->scroll = p->scroll < last ? p->scroll + 1 : last;
		break;
	case VG_ACT_PAGE_UP:
		p->scroll = p->scroll > p->page ? p->scroll - p->page : 0;
		break;
	case VG_ACT_PAGE_DOWN:
		p->scroll = p->scroll + p->page < last ? p->scroll + p->page : last;
		break;
	case VG_ACT_HOME:
		p->scroll = 0;
		break;
	case VG_ACT_END:
		p->scroll = last;
		break;
	default:
		return VG_KEY_IGNORED;
	}
	return VG_KEY_HANDLED | VG_KEY_REDRAW;
}
