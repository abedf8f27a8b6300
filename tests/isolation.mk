# SPDX-License-Identifier: GPL-3.0-or-later
# Tests of the isolation subsystem (added to check_PROGRAMS, TESTS and EXTRA_DIST).
check_PROGRAMS += unit/test-isolation-exception unit/test-isolation-state unit/test-isolation-elements
unit_test_isolation_exception_SOURCES = unit/test-isolation-exception.c
unit_test_isolation_elements_SOURCES = unit/test-isolation-elements.c
unit_test_isolation_state_SOURCES = unit/test-isolation-state.c
TESTS += unit/test-isolation-exception unit/test-isolation-state unit/test-isolation-elements integration/isolation-rules.sh integration/isolation-conntrack.sh \
	integration/isolation-failclosed.sh integration/isolation-autorelease.sh \
	integration/isolation-selfheal.sh integration/isolation-sets.sh integration/isolation-tamper.sh
EXTRA_DIST += integration/isolation-rules.sh integration/isolation-conntrack.sh \
	integration/isolation-failclosed.sh integration/isolation-autorelease.sh \
	integration/isolation-selfheal.sh integration/isolation-sets.sh integration/isolation-tamper.sh integration/isolation-net.sh integration/isolation-peer.py

