# SPDX-License-Identifier: GPL-3.0-or-later
libvigil_core_la_SOURCES += tasks/subsystem.c
