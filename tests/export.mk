# SPDX-License-Identifier: GPL-3.0-or-later
# Tests of the export subsystem (added to check_PROGRAMS, TESTS and EXTRA_DIST).
check_PROGRAMS += unit/test-export-rfc5424
TESTS += unit/test-export-rfc5424 integration/export-jsonl.sh integration/export-rsyslog.sh
unit_test_export_rfc5424_SOURCES = unit/test-export-rfc5424.c
EXTRA_DIST += integration/export-lib.sh integration/export-jsonl.sh integration/export-rsyslog.sh
