#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Beside auditd: the agent reads the multicast group without taking the socket, adds its own
# rules next to auditd's and puts them back after a reload removed them, sees processes and
# connections, and at a clean stop removes its rules only.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/telemetry-lib.sh"
plan 11

MARK="vgauditd-$$-$RANDOM"
EXE="$TEST_DIR/$MARK-sh"
cp /bin/dash "$EXE" 2>/dev/null || cp /bin/sh "$EXE"
chmod 755 "$EXE"

ok "auditd starts" start_auditd
on_exit stop_auditd
AUDITD=$(audit_owner)
# A rule of the administrator's, which the agent must leave alone.
auditctl -w "$TEST_DIR" -p wa -k "admin-$$"
on_exit auditctl -W "$TEST_DIR" -p wa -k "admin-$$"
before=$(auditctl -l | grep -v 'key=vigil')

tel_start_agent
ok "auditd keeps the audit socket" test "$(audit_owner)" = "$AUDITD"
st=$(ctl --json status)
ok "status shows the multicast mode" test "$(jget "$st" "e['sections']['telemetry']['audit']['mode']")" = multicast
ok "the agent's rules are beside auditd's" test "$(vigil_rules)" -ge 3

"$EXE" -c 'exit 9' "$MARK-one" &
child=$!
wait $child
launch=$(wait_event 60 "e['class_uid'] == 1007 and e['activity_id'] == 1 and e['process']['pid'] == $child" "$MARK-one")
ok "a process is seen through the multicast group" test "$(jget "${launch:-{\}}" "e['process']['file']['path']")" = "$EXE"
ok "and its exit with its code" wait_event 60 "e['class_uid'] == 1007 and e['activity_id'] == 2 and e['process']['pid'] == $child and e['exit_code'] == 9" "\"pid\":$child,"

# What a reload of auditd's rules does: everything is deleted, then auditd's rules come back.
auditctl -D >/dev/null
auditctl -w "$TEST_DIR" -p wa -k "admin-$$"
ok "the agent puts its rules back after a reload" wait_for 60 has_vigil_rules
"$EXE" -c 'exit 0' "$MARK-two"
ok "events flow again" wait_event 60 "e['class_uid'] == 1007 and e['activity_id'] == 1" "$MARK-two"

stop_agent
ok "no rule with key vigil is left after a clean stop" test "$(vigil_rules)" = 0
ok "auditd's rules are untouched" test "$(auditctl -l | grep -v 'key=vigil')" = "$before"
ok "auditd still owns the socket" test "$(audit_owner)" = "$AUDITD"
finish
