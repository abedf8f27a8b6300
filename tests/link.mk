# SPDX-License-Identifier: GPL-3.0-or-later
# Tests of the link subsystem (added to check_PROGRAMS, TESTS and EXTRA_DIST).
check_PROGRAMS += unit/test-link-throttle unit/test-link-openc2 unit/test-tasks-journal
TESTS += unit/test-link-throttle unit/test-link-openc2 unit/test-tasks-journal \
	integration/link-events.sh integration/link-tls.sh integration/link-proxy.sh integration/link-hostile.sh integration/link-tasks.sh integration/link-isolation.sh \
	integration/link-request-ids.sh
EXTRA_DIST += integration/link-lib.sh integration/link-events.sh integration/link-tls.sh \
	integration/link-proxy.sh integration/link-hostile.sh integration/link-tasks.sh integration/link-isolation.sh integration/link-request-ids.sh \
	central/server.py central/socks5.py

# OpenC2 conformance: every command the link tests sent through the reference server and every
# response the agent gave, against the Language Specification's schema (an extract made by
# openc2/extract-schema.py) and the Endpoint Response profile.  It runs after those tests.
openc2_traffic_tests = integration/link-events.sh integration/link-tasks.sh integration/link-isolation.sh \
	integration/link-hostile.sh integration/link-request-ids.sh integration/detection-server.sh
TESTS += integration/openc2-conformance.sh
EXTRA_DIST += integration/openc2-conformance.sh openc2/extract-schema.py openc2/validate.py openc2/oc2ls-v1.0.json
integration/openc2-conformance.log: $(openc2_traffic_tests:.sh=.log)
