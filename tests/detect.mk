# SPDX-License-Identifier: GPL-3.0-or-later
# Tests of the detection subsystem (added to check_PROGRAMS, TESTS and EXTRA_DIST).  The
# behaviour tests hold the audit lock of telemetry-lib.sh; the corpus test reads the shared
# public rules from $VIGIL_SHARED_DIR/sigma-corpus in place.
DETECT_INTEGRATION = integration/detection-rules.sh integration/detection-corpus.sh integration/detection-manage.sh \
	integration/detection-server.sh integration/detection-isolate.sh integration/detection-regex-sandbox.sh
TESTS += $(DETECT_INTEGRATION)
EXTRA_DIST += $(DETECT_INTEGRATION) integration/detection-lib.sh integration/detection-wait.py \
	integration/detection_call.py
