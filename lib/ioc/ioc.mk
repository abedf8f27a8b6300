# SPDX-License-Identifier: GPL-3.0-or-later
# The OpenIOC engine (public API vigil/ioc.h) and the ioc subsystem of the agent.
libvigil_core_la_SOURCES += ioc/subsystem.c \
	ioc/ioc-int.h ioc/terms.h ioc/terms.c ioc/value.c ioc/match.c ioc/parse.c ioc/eval.c ioc/ioc.c
libvigil_core_la_LIBADD += $(LIBXML_LIBS) $(PCRE2_LIBS)
AM_CFLAGS += $(LIBXML_CFLAGS) $(PCRE2_CFLAGS)
vigilinclude_HEADERS += include/vigil/ioc.h
