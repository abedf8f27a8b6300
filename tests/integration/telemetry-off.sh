#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# telemetry.enabled=no means no collection at all, not only no upload: no audit rules, no
# fanotify marks, no eBPF programs, and nothing a user does is recorded.  Turned on, the
# collectors start and a user's file is seen; turned off again, they are gone.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/telemetry-lib.sh"
plan 14

DIR="$TEST_DIR/watched"
mkdir -p "$DIR"
chmod 0777 "$DIR"
MARK="vgoff$$"
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }
fanotify_fds() { grep -l '^fanotify' /proc/"$AGENT_PID"/fdinfo/* 2>/dev/null | wc -l; }
# file_event_of NAME: a file event of a path ending in NAME is stored.
file_event_of() {
	show_json --grep "$1" | python3 -c '
import json, sys
sys.exit(0 if any(e.get("class_uid") == 1001 and e["file"]["path"].endswith(sys.argv[1])
                  for e in json.load(sys.stdin)) else 1)' "$1"
}
# bpf_held: how many BPF programs and maps the agent's descriptors hold.
bpf_held() { note_agent_bpf; echo "$AGENT_BPF_HELD"; }
collecting_nothing() {
	[ "$(agent_rules)" = 0 ] && [ "$(audit_owner)" != "$AGENT_PID" ] && [ "$(fanotify_fds)" = 0 ] &&
		[ "$(bpf_held)" = 0 ]
}

ok "the audit daemon is as the test wants" tel_setup_mode
tel_start_agent --set telemetry.enabled=no --set telemetry.file_backend=fanotify --set "telemetry.file_paths=$DIR"
ok "the agent runs with telemetry off" kill -0 "$AGENT_PID"
ok "it added no audit rule and does not hold the audit socket" \
	eval '[ "$(agent_rules)" = 0 ] && [ "$(audit_owner)" != "$AGENT_PID" ]'
ok "it holds no fanotify group" test "$(fanotify_fds)" = 0
ok "it holds no BPF program or map" test "$(bpf_held)" = 0
st=$(ctl --json status)
ok "status says no sensor runs, and why" \
	test "$(jget "$st" "e['sections']['telemetry']['sensor']['running'] + '|' + e['sections']['telemetry']['sensor']['reason']")" = "none|telemetry is off (telemetry.enabled)"

# A user writes a file while telemetry is off.  (Its file events are the check: fanotify sees
# only what happens after a mark is placed, whereas audit records made meanwhile for another
# program's rules may wait in the kernel for the next reader.)
nobody sh -c 'printf x >"$1/$2.off"' sh "$DIR" "$MARK"

ctl settings set telemetry.enabled=yes >/dev/null
ok "turned on, the audit rules come" wait_for 60 eval '[ "$(agent_rules)" -ge 3 ]'
ok "and the fanotify marks" wait_for 60 eval '[ "$(fanotify_fds)" -ge 1 ]'
nobody sh -c 'printf x >"$1/$2.on"' sh "$DIR" "$MARK"
ok "a user's file is now seen" wait_event 60 "e['class_uid'] == 1001 and e['file']['path'] == '$DIR/$MARK.on'" "$MARK"
ok "the file the user wrote while it was off was not" eval '! file_event_of "$MARK.off"'

ctl settings set telemetry.enabled=no >/dev/null
ok "turned off again, every collector goes" wait_for 60 collecting_nothing
nobody sh -c 'printf x >"$1/$2.again"' sh "$DIR" "$MARK"
ok "the switch is logged" grep -q 'telemetry.enabled from "yes" to "no"' "$AGENT_LOG"
ok "nothing is recorded after it" eval '! file_event_of "$MARK.again"'
ok "the agent is still the same process" kill -0 "$AGENT_PID"
finish
