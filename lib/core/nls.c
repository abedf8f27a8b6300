/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "nls.h"

void vg_nls_init(void)
{
	setlocale(LC_ALL, "");
	bindtextdomain(VG_TEXT_DOMAIN, LOCALEDIR);
	bind_textdomain_codeset(VG_TEXT_DOMAIN, "UTF-8");
	textdomain(VG_TEXT_DOMAIN);
}
