# SPDX-License-Identifier: GPL-3.0-or-later
libvigil_core_la_SOURCES += tasks/subsystem.c tasks/tasks.h tasks/executors.h tasks/path.c tasks/hash.c \
	tasks/getfile.c tasks/deletefile.c tasks/quarantine.c tasks/run.c tasks/terminate.c
libvigil_core_la_LIBADD += $(OPENSSL_LIBS)
AM_CFLAGS += $(OPENSSL_CFLAGS)
