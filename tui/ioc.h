/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The IOC screen's file picker (ioc-picker.c): a small directory browser that collects files. */
#ifndef VIGIL_TUI_IOC_H
#define VIGIL_TUI_IOC_H

#include <limits.h>

#include "console.h"

#define VG_PICKER_MAX_CHOSEN 64

struct vg_picker {
	bool open;
	char dir[PATH_MAX];
	char **names;             /* the entries of dir: directories (ending in '/') first */
	size_t n;
	int sel, scroll, page;
	char error[VG_ERROR_MSG_SIZE];
	char *chosen[VG_PICKER_MAX_CHOSEN];   /* absolute paths */
	size_t nchosen;
	struct vg_form go;        /* '/': type a directory or a file */
};

/* Opens the picker in its last directory (the working directory the first time). */
void vg_picker_open(struct vg_picker *p);
void vg_picker_fini(struct vg_picker *p);
void vg_picker_draw(struct vg_picker *p, const struct vg_view *v);
/* Returns VG_KEY_* flags; Esc closes the picker (the files stay chosen). */
int vg_picker_key(struct vg_picker *p, const struct vg_key *k);
/* "a.ioc, b.ioc" (base names) in buf. */
void vg_picker_summary(const struct vg_picker *p, char *buf, size_t size);

#endif
