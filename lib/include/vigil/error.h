/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * struct vg_error: what went wrong, in words a person can read.
 *
 * A function that can fail in ways a person must read takes a struct vg_error *
 * from its caller and fills it.  The message is kept twice: as English text
 * (for logs) and as a message id plus its string arguments, so that a client in
 * another locale can show it translated (the control protocol carries both).
 * Message ids use only "%s" placeholders.
 */
#ifndef VIGIL_ERROR_H
#define VIGIL_ERROR_H

#include <stddef.h>

#define VG_ERROR_MAX_ARGS 4
#define VG_ERROR_ARG_SIZE 256
#define VG_ERROR_MSG_SIZE 1024

struct vg_error {
	int code;                                   /* negative errno-style code, 0 when unset */
	char msgid[512];                            /* English format with only %s, "" when unknown */
	char args[VG_ERROR_MAX_ARGS][VG_ERROR_ARG_SIZE];
	int nargs;
	char prefix[VG_ERROR_ARG_SIZE];             /* context such as "FILE:LINE: ", not translated */
	char message[VG_ERROR_MSG_SIZE];            /* the English text with its prefix, formatted */
};

/* Fills err (if not NULL) with code and the message built from msgid and its string arguments;
 * returns code so that callers can write `return vg_error_set(err, -EINVAL, ...)`. */
int vg_error_set(struct vg_error *err, int code, const char *msgid, ...)
	__attribute__((format(printf, 3, 4)));

/* Clears err. */
void vg_error_clear(struct vg_error *err);

/* Prefixes the message of err with a context such as a file name and line ("FILE:LINE: "). */
void vg_error_prefix(struct vg_error *err, const char *prefix);

/* Formats a message id with string arguments, substituting only "%s" and "%%";
 * extra placeholders become empty, extra arguments are ignored.  Safe with a
 * format that came from outside.  Returns the length written (truncated to size). */
size_t vg_error_format(char *out, size_t size, const char *format, const char *const *args, int nargs);

/* The message of err in the current locale (translated through gettext when a msgid is known).
 * Writes into buf and returns it. */
const char *vg_error_text(const struct vg_error *err, char *buf, size_t size);

#endif
