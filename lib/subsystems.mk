# SPDX-License-Identifier: GPL-3.0-or-later
# Subsystem fragments, included by lib/Makefile.am; each adds to libvigil_core_la_SOURCES
# (and to EXTRA_DIST, vigilinclude_HEADERS, libvigil_core_la_LIBADD as it needs).
include $(srcdir)/telemetry/telemetry.mk
include $(srcdir)/link/link.mk
include $(srcdir)/isolation/isolation.mk
include $(srcdir)/tasks/tasks.mk
include $(srcdir)/ioc/ioc.mk
