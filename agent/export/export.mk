# SPDX-License-Identifier: GPL-3.0-or-later
# Event export: JSON Lines, syslog over TCP/TLS, RELP (librelp), and the heartbeat.
libvigil_agent_la_SOURCES += export/export.h export/export-settings.h export/subsystem.c export/sink.c \
	export/jsonl.c export/rfc5424.c export/conn.h export/conn.c export/syslog.c export/relp.c export/heartbeat.c
libvigil_agent_la_LIBADD += $(RELP_LIBS) $(OPENSSL_LIBS)
AM_CFLAGS += $(RELP_CFLAGS) $(OPENSSL_CFLAGS)
