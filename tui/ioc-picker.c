/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The file picker of the IOC screen: a directory browser over the console's own view of the
 * file system (the console reads the chosen files and sends their content, as vigilctl does).
 * Enter goes into a directory or chooses a file, Space chooses or drops a file, Backspace goes
 * up, '/' takes a typed directory or file, Esc closes.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ioc.h"
#include "nls.h"

#define MAX_ENTRIES 5000

static void clear_entries(struct vg_picker *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->names[i]);
	free(p->names);
	p->names = NULL;
	p->n = 0;
}

void vg_picker_fini(struct vg_picker *p)
{
	clear_entries(p);
	for (size_t i = 0; i < p->nchosen; i++)
		free(p->chosen[i]);
	p->nchosen = 0;
	vg_form_close(&p->go);
}

static int by_name(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	bool dx = x[strlen(x) - 1] == '/', dy = y[strlen(y) - 1] == '/';

	if (dx != dy)
		return dx ? -1 : 1;
	return strcmp(x, y);
}

/* Reads dir; on failure the old listing stays and the error shows. */
static int load(struct vg_picker *p, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names;
	size_t n = 0, parent;

	if (!d) {
		snprintf(p->error, sizeof(p->error), "%s: %s", dir, strerror(errno));
		return -1;
	}
	if (!(names = calloc(MAX_ENTRIES + 1, sizeof(*names)))) {
		closedir(d);
		return -1;
	}
	if (strcmp(dir, "/") != 0 && (names[n] = strdup("../")))
		n++;
	parent = n;
	while ((e = readdir(d)) && n < MAX_ENTRIES) {
		struct stat st;
		char name[NAME_MAX + 2];

		if (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2])))
			continue;
		/* Links are followed: a link to a directory is browsed, to a file chosen. */
		if (fstatat(dirfd(d), e->d_name, &st, 0) < 0 || (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)))
			continue;
		snprintf(name, sizeof(name), "%s%s", e->d_name, S_ISDIR(st.st_mode) ? "/" : "");
		if ((names[n] = strdup(name)))
			n++;
	}
	closedir(d);
	/* "../" stays first. */
	qsort(names + parent, n - parent, sizeof(*names), by_name);
	clear_entries(p);
	p->names = names;
	p->n = n;
	p->sel = p->scroll = 0;
	p->error[0] = '\0';
	if (dir != p->dir)
		snprintf(p->dir, sizeof(p->dir), "%s", dir);
	return 0;
}

void vg_picker_open(struct vg_picker *p)
{
	if (!p->dir[0] && !getcwd(p->dir, sizeof(p->dir)))
		snprintf(p->dir, sizeof(p->dir), "/");
	p->open = true;
	load(p, p->dir);
}

static int find_chosen(const struct vg_picker *p, const char *path)
{
	for (size_t i = 0; i < p->nchosen; i++)
		if (strcmp(p->chosen[i], path) == 0)
			return (int)i;
	return -1;
}

static void toggle(struct vg_picker *p, const char *path)
{
	int i = find_chosen(p, path);

	if (i >= 0) {
		free(p->chosen[i]);
		p->chosen[i] = p->chosen[--p->nchosen];
		return;
	}
	if (p->nchosen >= VG_PICKER_MAX_CHOSEN) {
		snprintf(p->error, sizeof(p->error), "%s", _("At most 64 IOC files in one scan."));
		return;
	}
	if ((p->chosen[p->nchosen] = strdup(path)))
		p->nchosen++;
}

static void join(const struct vg_picker *p, const char *name, char *out, size_t size)
{
	size_t len;

	snprintf(out, size, "%s%s%s", p->dir, strcmp(p->dir, "/") == 0 ? "" : "/", name);
	len = strlen(out);
	if (len > 1 && out[len - 1] == '/')
		out[len - 1] = '\0';
}

static void go_up(struct vg_picker *p)
{
	char parent[PATH_MAX];
	char *slash;

	snprintf(parent, sizeof(parent), "%s", p->dir);
	slash = strrchr(parent, '/');
	if (!slash)
		return;
	if (slash == parent)
		slash[1] = '\0';
	else
		*slash = '\0';
	load(p, parent);
}

static void activate(struct vg_picker *p, bool enter)
{
	const char *name = p->sel < (int)p->n ? p->names[p->sel] : NULL;
	char path[PATH_MAX + NAME_MAX + 2], *real;

	if (!name)
		return;
	if (strcmp(name, "../") == 0) {
		if (enter)
			go_up(p);
		return;
	}
	join(p, name, path, sizeof(path));
	if (name[strlen(name) - 1] == '/') {
		if (enter && (real = realpath(path, NULL))) {
			load(p, real);
			free(real);
		}
		return;
	}
	toggle(p, path);
}

/* A typed path: a directory is browsed, a file chosen. */
static void go_to(struct vg_picker *p, const char *typed)
{
	char *real = realpath(typed, NULL);
	struct stat st;

	if (!real || stat(real, &st) < 0) {
		snprintf(p->error, sizeof(p->error), "%s: %s", typed, strerror(errno));
		free(real);
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		load(p, real);
	} else if (S_ISREG(st.st_mode)) {
		char dir[PATH_MAX], *slash;

		snprintf(dir, sizeof(dir), "%s", real);
		slash = strrchr(dir, '/');
		if (slash)
			*(slash == dir ? slash + 1 : slash) = '\0';
		load(p, dir);
		if (find_chosen(p, real) < 0)
			toggle(p, real);
		/* The chosen file becomes the selection. */
		for (size_t i = 0; slash && i < p->n; i++)
			if (strcmp(p->names[i], slash == dir ? real + 1 : real + strlen(dir) + 1) == 0)
				p->sel = (int)i;
	} else {
		snprintf(p->error, sizeof(p->error), _("%s is neither a directory nor a regular file."), typed);
	}
	free(real);
}

int vg_picker_key(struct vg_picker *p, const struct vg_key *k)
{
	int last = p->n ? (int)p->n - 1 : 0;

	if (p->go.open) {
		switch (vg_form_key(&p->go, k)) {
		case VG_FORM_SUBMIT: {
			char typed[VG_FIELD_MAX];

			snprintf(typed, sizeof(typed), "%s", p->go.fields[0].value);
			vg_form_close(&p->go);
			if (typed[0])
				go_to(p, typed);
			break;
		}
		case VG_FORM_CANCEL:
			vg_form_close(&p->go);
			break;
		case VG_FORM_NONE:
			return k->code && k->ch >= KEY_F0 && k->ch <= KEY_F(63) ? VG_KEY_IGNORED : VG_KEY_HANDLED;
		default:
			break;
		}
		return VG_KEY_HANDLED | VG_KEY_REDRAW;
	}
	if ((k->code && k->ch == KEY_BACKSPACE) || (!k->code && (k->ch == 127 || k->ch == 8))) {
		go_up(p);
		return VG_KEY_HANDLED | VG_KEY_REDRAW;
	}
	if (!k->code && k->ch == '/') {
		vg_form_open(&p->go, _(" Go to a directory or choose a file "));
		vg_form_add(&p->go, N_("Path"), p->dir, false);
		p->go.fields[0].cursor = p->go.fields[0].len;
		return VG_KEY_HANDLED | VG_KEY_REDRAW;
	}
	switch (k->action) {
	case VG_ACT_CANCEL:
		p->open = false;
		break;
	case VG_ACT_ACTIVATE:
		activate(p, true);
		break;
	case VG_ACT_TOGGLE:
		activate(p, false);
		if (p->sel < last)
			p->sel++;
		break;
	case VG_ACT_UP:
		p->sel = p->sel > 0 ? p->sel - 1 : 0;
		break;
	case VG_ACT_DOWN:
		p->sel = p->sel < last ? p->sel + 1 : last;
		break;
	case VG_ACT_PAGE_UP:
		p->sel = p->sel > p->page ? p->sel - p->page : 0;
		break;
	case VG_ACT_PAGE_DOWN:
		p->sel = p->sel + p->page < last ? p->sel + p->page : last;
		break;
	case VG_ACT_HOME:
		p->sel = 0;
		break;
	case VG_ACT_END:
		p->sel = last;
		break;
	default:
		/* Function keys still switch screens; the rest stays in the picker. */
		return k->code && k->ch >= KEY_F0 && k->ch <= KEY_F(63) ? VG_KEY_IGNORED : VG_KEY_HANDLED;
	}
	return VG_KEY_HANDLED | VG_KEY_REDRAW;
}

void vg_picker_draw(struct vg_picker *p, const struct vg_view *v)
{
	int rows = v->rows - 4;
	char buf[PATH_MAX + 64], path[PATH_MAX + NAME_MAX + 2];

	attrset(vg_ui_attr(VG_ROLE_HEADING));
	vg_ui_fill(v->top, 0, v->cols, vg_ui_attr(VG_ROLE_HEADING));
	snprintf(buf, sizeof(buf), _("Choose the IOC files in %s"), p->dir);
	vg_ui_text(v->top, 1, buf, v->cols - 2);
	attrset(A_NORMAL);
	p->page = rows > 1 ? rows : 1;
	if (p->sel < p->scroll)
		p->scroll = p->sel;
	if (p->sel >= p->scroll + rows)
		p->scroll = p->sel - rows + 1;
	for (int i = 0; i < rows && p->scroll + i < (int)p->n; i++) {
		const char *name = p->names[p->scroll + i];
		bool dir = name[strlen(name) - 1] == '/', sel = p->scroll + i == p->sel;
		int y = v->top + 1 + i;

		join(p, name, path, sizeof(path));
		snprintf(buf, sizeof(buf), "%s %s", dir ? "   " : find_chosen(p, path) >= 0 ? "[x]" : "[ ]", name);
		if (sel)
			vg_ui_fill(y, 0, v->cols, vg_ui_attr(VG_ROLE_SELECTED));
		attrset(sel ? vg_ui_attr(VG_ROLE_SELECTED) : dir ? vg_ui_attr(VG_ROLE_HEADING) : A_NORMAL);
		vg_ui_text(y, 2, buf, v->cols - 4);
		attrset(A_NORMAL);
	}
	if (p->error[0]) {
		attrset(vg_ui_attr(VG_ROLE_ERROR));
		vg_ui_text(v->top + v->rows - 3, 2, p->error, v->cols - 4);
		attrset(A_NORMAL);
	}
	vg_picker_summary(p, buf, sizeof(buf));
	attrset(vg_ui_attr(VG_ROLE_OK));
	vg_ui_text(v->top + v->rows - 2, 2, buf, v->cols - 4);
	attrset(vg_ui_attr(VG_ROLE_DIM));
	vg_ui_text(v->top + v->rows - 1, 2,
		   _("Enter: open or choose   Space: choose or drop   Backspace: up   /: type a path   Esc: done"),
		   v->cols - 4);
	attrset(A_NORMAL);
	vg_form_draw(&p->go, v);
}

void vg_picker_summary(const struct vg_picker *p, char *buf, size_t size)
{
	size_t used;

	used = (size_t)snprintf(buf, size, "%s", _("IOC files:"));
	if (!p->nchosen && used < size)
		snprintf(buf + used, size - used, " %s", _("none (f: choose)"));
	for (size_t i = 0; i < p->nchosen && used < size; i++) {
		const char *base = strrchr(p->chosen[i], '/');
		int w = snprintf(buf + used, size - used, "%s %s", i ? "," : "", base ? base + 1 : p->chosen[i]);

		if (w < 0)
			break;
		used += (size_t)w;
	}
}
