# SPDX-License-Identifier: GPL-3.0-or-later
# Tests of the link subsystem (added to check_PROGRAMS, TESTS and EXTRA_DIST).
check_PROGRAMS += unit/test-link-throttle unit/test-link-openc2 unit/test-tasks-journal
TESTS += unit/test-link-throttle unit/test-link-openc2 unit/test-tasks-journal \
	integration/link-events.sh integration/link-tls.sh integration/link-proxy.sh integration/link-hostile.sh integration/link-tasks.sh integration/link-isolation.sh \
	integration/link-request-ids.sh
EXTRA_DIST += integration/link-lib.sh integration/link-events.sh integration/link-tls.sh \
	integration/link-proxy.sh integration/link-hostile.sh integration/link-tasks.sh integration/link-isolation.sh integration/link-request-ids.sh \
	central/server.py central/socks5.py
