#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# telemetry-crash.sh with the eBPF sensor (telemetry.sensor=ebpf).
export TEL_SENSOR=ebpf
# Its own name for what it leaves behind (lib.sh).
export VIGIL_TEST_NAME=$(basename "$0" .sh)
exec /bin/bash "$VIGIL_TOP_SRCDIR/tests/integration/telemetry-crash.sh"
