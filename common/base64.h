/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Base64 (RFC 4648, with padding), for binary arguments of the control protocol. */
#ifndef VIGIL_BASE64_H
#define VIGIL_BASE64_H

#include <stddef.h>

/* The base64 text of len bytes of data: a new NUL-terminated string (the caller frees), or
 * NULL when out of memory. */
char *vg_base64_encode(const void *data, size_t len);

#endif
