# SPDX-License-Identifier: GPL-3.0-or-later
libvigil_agent_la_SOURCES += telemetry/subsystem.c telemetry/telemetry.h telemetry/telemetry-settings.h \
	telemetry/queue.c telemetry/queue.h telemetry/writer.c telemetry/writer.h \
	telemetry/enrich.c telemetry/enrich.h telemetry/exclusions.c telemetry/exclusions.h \
	telemetry/audit.c telemetry/audit.h telemetry/audit-parse.c telemetry/audit-parse.h \
	telemetry/fanotify.c telemetry/fanotify.h telemetry/commands.c
libvigil_agent_la_LIBADD += $(AUDIT_LIBS) $(AUPARSE_LIBS) $(OPENSSL_LIBS)
AM_CFLAGS += $(AUDIT_CFLAGS) $(AUPARSE_CFLAGS) $(OPENSSL_CFLAGS)
