/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The INI reader shared by the agent's configuration file and settings import.
 *
 *   # comment          ; comment
 *   [section]
 *   key = value        value may be "quoted" (\" and \\ escapes)
 *
 * Errors name the source and the line ("vigild.conf:12: ...").
 */
#ifndef VIGIL_INI_H
#define VIGIL_INI_H

#include <stddef.h>

struct vg_error;

#define VG_INI_MAX_LINE 4096
#define VG_INI_MAX_NAME 128

/* Called for every key; section is "" before the first [section].  Returning a negative
 * code (after filling err) stops the parse; the parser then prefixes "SOURCE:LINE: ". */
typedef int (*vg_ini_fn)(const char *section, const char *key, const char *value,
			 unsigned line, void *data, struct vg_error *err);

/* Parses text of len bytes (a NUL byte is an error).  source names it in messages. */
int vg_ini_parse(const char *text, size_t len, const char *source, vg_ini_fn fn, void *data,
		 struct vg_error *err);

#endif
