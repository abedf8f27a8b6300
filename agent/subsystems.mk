# SPDX-License-Identifier: GPL-3.0-or-later
# Subsystem fragments, included by agent/Makefile.am; each adds to libvigil_agent_la_SOURCES
# (and to libvigil_agent_la_LIBADD and AM_CFLAGS as it needs).
include $(srcdir)/telemetry/telemetry.mk
include $(srcdir)/link/link.mk
include $(srcdir)/isolation/isolation.mk
include $(srcdir)/tasks/tasks.mk
include $(srcdir)/scan/scan.mk
include $(srcdir)/detect/detect.mk
