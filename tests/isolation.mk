# SPDX-License-Identifier: GPL-3.0-or-later
# Tests of the isolation subsystem (added to check_PROGRAMS, TESTS and EXTRA_DIST).
TESTS += integration/isolation-rules.sh integration/isolation-conntrack.sh \
	integration/isolation-failclosed.sh integration/isolation-autorelease.sh
EXTRA_DIST += integration/isolation-rules.sh integration/isolation-conntrack.sh \
	integration/isolation-failclosed.sh integration/isolation-autorelease.sh \
	integration/isolation-net.sh integration/isolation-peer.py
