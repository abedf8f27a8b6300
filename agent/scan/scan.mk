# SPDX-License-Identifier: GPL-3.0-or-later
# The IOC scan service: scans over the OpenIOC engine of libvigil as tasks of the agent.
libvigil_agent_la_SOURCES += scan/scan.h scan/scan-settings.h scan/service.c scan/report.h scan/report.c scan/check.h scan/check.c
