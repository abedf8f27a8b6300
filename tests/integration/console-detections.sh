#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The console's detections: the dashboard's count and the Detections screen (F12), for a
# detection the test really makes (a file written where a rule of the test's own looks; file
# events come from fanotify, no audit needed), shown as it is made.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/console-lib.sh"
plan 8

M="vgcon$$x$RANDOM"
mkdir -p "$TEST_DIR/rules" "$TEST_DIR/watched"
cat >"$TEST_DIR/rules/dropped.yml" <<YML
title: Dropper $M written
id: 22222222-0000-4000-8000-000000000001
status: test
logsource:
    product: linux
    category: file_event
detection:
    selection:
        TargetFilename|endswith: '/$M.bin'
    condition: selection
level: high
YML
: >"$TEST_DIR/vigild.conf"
VIGIL_TEST_COLLECTORS=1 start_agent --config "$TEST_DIR/vigild.conf" --set telemetry.process=no --set telemetry.network=no --set telemetry.file_backend=fanotify \
	--set "telemetry.file_paths=$TEST_DIR/watched" --set "detection.rules_dirs=$TEST_DIR/rules"
ready() {
	ctl --json status | python3 -c "
import json, sys
s = json.load(sys.stdin)['sections']
sys.exit(0 if s['detection']['state'] == 'ready' and s['detection']['rules']['enabled'] == 1 and s['telemetry']['files']['state'] == 'running' else 1)"
}
ok "the agent runs with the test's rule and fanotify" wait_for 30 ready

start_console LANG=C.UTF-8
ok "the dashboard counts no detection" wait_screen 30 "^ [●○] Detection  *watching  *0 detections *$"
keys F12
ok "F12 shows the Detections screen, empty" wait_screen 30 "No detection so far"
echo payload >"$TEST_DIR/watched/$M.bin"
ok "the detection shows as it is made, with its severity and rule" wait_screen 30 "high .*Dropper $M written"
ok "the selected detection's rule is named below" wait_screen 30 "Rule 22222222-0000-4000-8000-000000000001"
keys F2
ok "the dashboard counts it" wait_screen 30 "Detection  *watching  *[1-9][0-9]* detections\?, the last at "
ok "the detection part has its line, once" test "$(screen | grep -c '^ [●○] Detection ')" -eq 1
ok "q quits cleanly" quit_console
finish
