#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# telemetry-file.sh through audit directory watches, the file collector's fallback.
export TEL_FILE_BACKEND=audit
# Its own name for what it leaves behind (lib.sh).
export VIGIL_TEST_NAME=$(basename "$0" .sh)
exec /bin/bash "$VIGIL_TOP_SRCDIR/tests/integration/telemetry-file.sh"
