# SPDX-License-Identifier: GPL-3.0-or-later
# Real-time detection: Sigma rules and armed OpenIOC documents over the event stream, with
# responses (doc/detection.md).
libvigil_agent_la_SOURCES += detect/detect.h detect/subsystem.c detect/commands.c detect/ruleset.c \
	detect/stage.c detect/finding.c detect/ioc-live.c detect/response.c detect/db.c detect/regex.c
