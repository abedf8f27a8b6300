# SPDX-License-Identifier: GPL-3.0-or-later
libvigil_agent_la_SOURCES += link/subsystem.c link/link-settings.h link/link.h link/link.c link/http.h link/http.c \
	link/certs.h link/certs.c link/throttle.c link/openc2.c link/cmds.c
libvigil_agent_la_LIBADD += $(CURL_LIBS) $(OPENSSL_LIBS) $(ZLIB_LIBS)
AM_CFLAGS += $(CURL_CFLAGS) $(OPENSSL_CFLAGS) $(ZLIB_CFLAGS)
