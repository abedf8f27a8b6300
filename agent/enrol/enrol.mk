# SPDX-License-Identifier: GPL-3.0-or-later
# Unattended enrolment: the drop-in directory vigild.conf.d/ (doc/enrolment.md).
libvigil_agent_la_SOURCES += enrol/enrol.h enrol/enrol.c enrol/trusted-files.c
