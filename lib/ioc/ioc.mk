# SPDX-License-Identifier: GPL-3.0-or-later
# The OpenIOC engine (public API vigil/ioc.h) and the ioc subsystem of the agent.
libvigil_core_la_SOURCES += ioc/subsystem.c \
	ioc/ioc-int.h ioc/terms.h ioc/terms.c ioc/value.c ioc/match.c ioc/parse.c ioc/eval.c ioc/ioc.c ioc/ioc-report.h ioc/report.c \
	ioc/scan.h ioc/scan.c ioc/hash.c ioc/items-file.c ioc/items-process.c ioc/items-port.c ioc/items-system.c
libvigil_core_la_LIBADD += $(LIBXML_LIBS) $(PCRE2_LIBS) $(OPENSSL_LIBS)
AM_CFLAGS += $(LIBXML_CFLAGS) $(PCRE2_CFLAGS) $(OPENSSL_CFLAGS)
vigilinclude_HEADERS += include/vigil/ioc.h
