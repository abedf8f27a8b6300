/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Translation macros shared by the library and the programs (text domain "vigil"). */
#ifndef VIGIL_NLS_H
#define VIGIL_NLS_H

#include <libintl.h>
#include <locale.h>

#define VG_TEXT_DOMAIN "vigil"

#define _(s) dgettext(VG_TEXT_DOMAIN, s)
#define N_(s) (s)
#define P_(singular, plural, n) dngettext(VG_TEXT_DOMAIN, singular, plural, n)

/* Sets the locale from the environment and binds the text domain; every program calls it first. */
void vg_nls_init(void);

#endif
