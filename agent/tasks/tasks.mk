# SPDX-License-Identifier: GPL-3.0-or-later
libvigil_agent_la_SOURCES += tasks/subsystem.c tasks/tasks.h tasks/journal.h tasks/journal.c tasks/executors.h tasks/path.c tasks/hash.c \
	tasks/getfile.c tasks/deletefile.c tasks/quarantine.c tasks/run.c tasks/terminate.c tasks/tasks-settings.h \
	tasks/protect.c tasks/cgroup.c tasks/retention.c tasks/request.h tasks/request.c
libvigil_agent_la_LIBADD += $(OPENSSL_LIBS)
AM_CFLAGS += $(OPENSSL_CFLAGS)
