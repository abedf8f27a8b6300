#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# kill -9 in the middle of a stream of events, then a restart: every event that was stored
# before the kill is still there, the database is sound, and a clean stop leaves nothing in the
# kernel (no audit rule; with eBPF, telemetry-crash-ebpf.sh, no BPF program or map, even after
# the kill).
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/telemetry-lib.sh"
if [ "${TEL_SENSOR:-audit}" = ebpf ]; then plan 8; else plan 7; fi

MARK="vgcrash-$$-$RANDOM"
tel_start_agent
for i in $(seq 1 40); do /bin/true "$MARK-$i"; done
ok "the first events are stored" wait_event 60 "True" "$MARK-40"
stored=$(show_json --grep "$MARK" | python3 -c "
import json, sys
print(' '.join(sorted('%d/%d' % (e['process']['pid'], e['activity_id']) for e in json.load(sys.stdin))))")
# More events while the agent dies: a storm that runs until the test stops it, killed once
# the agent is seen storing it.
# (Its own mark, so that the comparison below reads only the first 40.)
STORM="vgstorm-$$-$RANDOM"
( i=1; while [ ! -e "$TEST_DIR/calm" ] && [ "$i" -le 20000 ]; do /bin/true "$STORM-$i"; i=$((i + 1)); done ) &
storm=$!
on_exit "touch '$TEST_DIR/calm'"
wait_event 60 "True" "$STORM-" >/dev/null
kill -0 "$storm" 2>/dev/null; storming=$?
kill_agent
touch "$TEST_DIR/calm"
wait $storm
ok "the agent was killed with events in flight" test "$storming" = 0 -a -z "$AGENT_PID"
if [ "$TEL_SENSOR" = ebpf ]; then
	ok "the killed agent's BPF programs and maps are gone" wait_for 60 no_vigil_bpf_objects
fi
ok "the database passes the integrity check" test "$(sqlite3 "$STATE_DIR"/*.db 'PRAGMA integrity_check')" = ok

tel_start_agent
after=$(show_json --grep "$MARK" | python3 -c "
import json, sys
print(' '.join(sorted('%d/%d' % (e['process']['pid'], e['activity_id']) for e in json.load(sys.stdin))))")
missing=$(python3 -c "import sys; a=set(sys.argv[1].split()); b=set(sys.argv[2].split()); print(len(a-b))" "$stored" "$after")
ok "every event stored before the kill is still there ($(echo $stored | wc -w) events)" test "$missing" = 0
ok "the restarted agent collects again" sh -c "/bin/true $MARK-after; true"
wait_event 60 "True" "$MARK-after" >/dev/null
ok "its events are stored" test $? = 0
stop_agent
tel_sensor_cleanup_check
finish
