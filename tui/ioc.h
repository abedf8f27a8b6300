/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The IOC screen's parts: the file picker (ioc-picker.c), the arguments of a scan (ioc-scan.c). */
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
	struct vg_list rows;      /* over names */
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
/* A click selects an entry; a click on the selected one opens or chooses it (as Enter). */
int vg_picker_click(struct vg_picker *p, int y, int x);
/* "a.ioc, b.ioc" (base names) in buf. */
void vg_picker_summary(const struct vg_picker *p, char *buf, size_t size);

/* ioc-scan.c: the options of a scan, as typed (lists separated by commas). */
struct vg_ioc_options {
	char paths[VG_FIELD_MAX], excludes[VG_FIELD_MAX], skip[VG_FIELD_MAX], hash_limit[64];
};

/* Checks the words of the Skip field (processes, ports, files, system, separated by commas) and
 * sets the matching no_* arguments in args (when not NULL); -EINVAL with the word in msg. */
int vg_ioc_skip_args(const char *skip, json_t *args, char *msg, size_t size);
/* The arguments of ioc.scan (with "follow"), or NULL with the reason in msg. */
json_t *vg_ioc_scan_args(const struct vg_picker *picker, const struct vg_ioc_options *opt, char *msg, size_t size);
/* A size such as 200M, 1G or 4096 (bytes); -1 when it is not one. */
long long vg_ioc_parse_size(const char *t);

#endif
