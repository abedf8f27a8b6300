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
	vg_list_fini(&p->rows);
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
	vg_list_reset(&p->rows);
	p->error[0] = '\0';
	if (dir != p->dir)
		snprintf(p->dir, sizeof(p->dir), "%s", dir);
	return 0;
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

static size_t count(void *ctx)
{
	struct vg_picker *p = ctx;

	return p->n;
}

static void draw_heading(void *ctx, int y, int x, int cols)
{
	struct vg_picker *p = ctx;
	char buf[PATH_MAX + 64];

	attrset(vg_ui_attr(VG_ROLE_HEADING));
	vg_ui_fill(y, x, cols, vg_ui_attr(VG_ROLE_HEADING));
	snprintf(buf, sizeof(buf), _("Choose the IOC files in %s"), p->dir);
	vg_ui_text(y, x + 1, buf, cols - 2);
}

static void draw_row(void *ctx, size_t i, int y, int x, int cols, bool selected)
{
	struct vg_picker *p = ctx;
	const char *name = p->names[i];
	bool dir = name[strlen(name) - 1] == '/';
	char buf[NAME_MAX + 16], path[PATH_MAX + NAME_MAX + 2];

	join(p, name, path, sizeof(path));
	snprintf(buf, sizeof(buf), "%s %s", dir ? "   " : find_chosen(p, path) >= 0 ? "[x]" : "[ ]", name);
	if (dir && !selected)
		attrset(vg_ui_attr(VG_ROLE_HEADING));
	vg_ui_text(y, x + 2, buf, cols - 4);
}

static const struct vg_list_ops rows_ops = {
	.count = count,
	.draw_row = draw_row,
	.draw_heading = draw_heading,
};

void vg_picker_open(struct vg_picker *p)
{
	if (!p->rows.ops)
		vg_list_init(&p->rows, &rows_ops, p);
	if (!p->dir[0] && !getcwd(p->dir, sizeof(p->dir)))
		snprintf(p->dir, sizeof(p->dir), "/");
	p->open = true;
	load(p, p->dir);
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
	long sel = vg_list_selected(&p->rows);
	const char *name = sel >= 0 && (size_t)sel < p->n ? p->names[sel] : NULL;
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

/* A typed path: a directory is browsed, a file chosen.  An absolute path is taken as it is;
 * a relative one is in the directory shown. */
static void go_to(struct vg_picker *p, const char *typed)
{
	char full[PATH_MAX + VG_FIELD_MAX + 2], *real;
	struct stat st;

	if (typed[0] == '/')
		snprintf(full, sizeof(full), "%s", typed);
	else
		snprintf(full, sizeof(full), "%s%s%s", p->dir, strcmp(p->dir, "/") == 0 ? "" : "/", typed);
	real = realpath(full, NULL);

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
				vg_list_select(&p->rows, i);
	} else {
		snprintf(p->error, sizeof(p->error), _("%s is neither a directory nor a regular file."), typed);
	}
	free(real);
}

static void go_submit(void *ctx, struct vg_form *f)
{
	struct vg_picker *p = ctx;
	char typed[VG_FIELD_MAX];

	snprintf(typed, sizeof(typed), "%s", vg_form_value(f, 0));
	vg_form_close(f);
	if (typed[0])
		go_to(p, typed);
}

int vg_picker_key(struct vg_picker *p, const struct vg_key *k)
{
	struct vg_key down = { .action = VG_ACT_DOWN };
	int r;

	if (p->go.open)
		return vg_form_key(&p->go, k);
	if (vg_key_is_backspace(k)) {
		go_up(p);
		return VG_KEY_HANDLED | VG_KEY_REDRAW;
	}
	if (!k->code && k->ch == '/') {
		/* The directory shown, selected: a path typed replaces it, End or an arrow edits it. */
		vg_form_open(&p->go, _(" Go to a directory or choose a file "), go_submit, p);
		vg_form_add(&p->go, N_("Path"), p->dir, false);
		snprintf(p->go.note, sizeof(p->go.note), "%s",
			 _("An absolute path, or a path in the directory shown. A directory is opened, a file chosen."));
		return VG_KEY_HANDLED | VG_KEY_REDRAW;
	}
	if ((r = vg_list_key(&p->rows, k)))
		return r;
	switch (k->action) {
	case VG_ACT_CANCEL:
		p->open = false;
		break;
	case VG_ACT_ACTIVATE:
		activate(p, true);
		break;
	case VG_ACT_TOGGLE:
		activate(p, false);
		vg_list_key(&p->rows, &down);
		break;
	default:
		/* Function keys still switch screens; the rest stays in the picker. */
		return vg_key_is_function(k) ? VG_KEY_IGNORED : VG_KEY_HANDLED;
	}
	return VG_KEY_HANDLED | VG_KEY_REDRAW;
}

int vg_picker_click(struct vg_picker *p, int y, int x)
{
	if (p->go.open)
		return vg_form_click(&p->go, y, x);
	switch (vg_list_click(&p->rows, y, x)) {
	case VG_LIST_AGAIN:
		activate(p, true);
		return VG_KEY_HANDLED | VG_KEY_REDRAW;
	case VG_LIST_SELECTED:
		return VG_KEY_HANDLED | VG_KEY_REDRAW;
	default:
		return VG_KEY_HANDLED;
	}
}

void vg_picker_draw(struct vg_picker *p, const struct vg_view *v)
{
	char buf[PATH_MAX + 64];

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
	vg_list_draw(&p->rows, v->top, v->left, v->rows - 3, v->cols);
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
