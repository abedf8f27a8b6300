#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# telemetry-exclusion.sh with auditd running: the agent reads the audit multicast group.
export TEL_WITH_AUDITD=1
# Its own name for what it leaves behind (lib.sh).
export VIGIL_TEST_NAME=$(basename "$0" .sh)
exec /bin/bash "$VIGIL_TOP_SRCDIR/tests/integration/telemetry-exclusion.sh"
