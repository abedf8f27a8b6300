#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Telemetry exclusions: a rule on the test's executable hides exactly its events (never stored)
# and nothing else; removing the rule brings them back.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/telemetry-lib.sh"
plan 11

MARK="vgexcl-$$-$RANDOM"
EXE="$TEST_DIR/$MARK-sh"
OTHER="$TEST_DIR/$MARK-other"
cp /bin/dash "$EXE" 2>/dev/null || cp /bin/sh "$EXE"
cp "$EXE" "$OTHER"
chmod 755 "$EXE" "$OTHER"

ok "the audit daemon is as the test wants" tel_setup_mode
tel_start_agent
out=$(ctl telemetry exclusion add --exe "$TEST_DIR/$MARK-s*" --comment "test $$")
ok "an exclusion is added" test $? = 0
ok "it is listed" ctl telemetry exclusion list
ctl telemetry exclusion list | grep -q -- "--exe '$TEST_DIR/$MARK-s\*'"
ok "with its condition" test $? = 0
ok "an exclusion without condition is refused" test "$(status_of ctl telemetry exclusion add --comment x)" = 1
ok "a bad SHA-256 is refused" test "$(status_of ctl telemetry exclusion add --sha256 xyz)" = 1

"$EXE" -c 'exit 3' "$MARK-hidden"
"$OTHER" -c 'exit 4' "$MARK-shown"
# The other program's exit comes after the hidden one's: once it is stored, so would the hidden be.
ok "the other program's events are stored" wait_event 60 "e['class_uid'] == 1007 and e['activity_id'] == 2 and e['process']['file']['path'] == '$OTHER'" "$OTHER"
ok "its launch too" wait_event 60 "e['class_uid'] == 1007 and e['activity_id'] == 1" "$MARK-shown"
# Its events, launch or exit: the query's own launch (its argv names the program) is not one.
excluded_events() {
	show_json --grep "$MARK-sh" | python3 -c "
import json, sys
print(len([e for e in json.load(sys.stdin) if e.get('process', {}).get('file', {}).get('path') == sys.argv[1]]))" "$EXE"
}
ok "the excluded program left no event" test "$(excluded_events)" = 0

id=$(ctl --json telemetry exclusion list | python3 -c "import json,sys; print(json.load(sys.stdin)[0]['id'])")
ok "the exclusion is removed" ctl telemetry exclusion remove "$id"
"$EXE" -c 'exit 5' "$MARK-again"
ok "the program's events are stored again" wait_event 60 "e['class_uid'] == 1007 and e['activity_id'] == 1 and e['process']['file']['path'] == '$EXE'" "$MARK-again"
finish
