#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Process telemetry from audit, without an audit daemon (the agent owns the unicast socket) or,
# as telemetry-process-auditd.sh, beside auditd (multicast), or from eBPF
# (telemetry-process-ebpf.sh, TEL_SENSOR=ebpf): a process started here appears with its
# executable, argv, working directory, parent, user and SHA-256, and its exit with its code;
# the sensor leaves nothing in the kernel at a clean stop; the audit sensor reads a burst of
# launches in batches.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/telemetry-lib.sh"
if [ "$TEL_SENSOR" = audit ]; then plan 16; else plan 14; fi

MARK="vgproc-$$-$RANDOM"
EXE="$TEST_DIR/$MARK-sh"
cp /bin/dash "$EXE" 2>/dev/null || cp /bin/sh "$EXE"
chmod 755 "$EXE"
SHA=$(sha256sum "$EXE" | cut -d' ' -f1)

ok "the audit daemon is as the test wants" tel_setup_mode
OWNER=$(audit_owner)
tel_start_agent
tel_sensor_checks

(cd "$TEST_DIR" && exec setpriv --reuid 65534 --regid 65534 --clear-groups "$EXE" -c 'exit 7' "$MARK" arg-two) &
child=$!
wait $child
code=$?
ok "the test process exited with 7" test "$code" = 7

# setpriv runs first under the same pid, then execs the test program.
launch=$(wait_event 60 "e['class_uid'] == 1007 and e['activity_id'] == 1 and e['process']['pid'] == $child and e['process']['file']['path'] == '$EXE'" "$MARK")
ok "its launch is stored" test -n "$launch"
ok "with the executable" test "$(jget "$launch" "e['process']['file']['path']")" = "$EXE"
ok "with argv" test "$(jget "$launch" "e['unmapped']['argv']")" = "['$EXE', '-c', 'exit 7', '$MARK', 'arg-two']"
ok "with the working directory" test "$(jget "$launch" "e['unmapped']['cwd']")" = "$TEST_DIR"
ok "with the parent and the user" test "$(jget "$launch" "(e['process']['parent_process']['pid'], e['process']['user']['uid'], e['process']['user'].get('name'))")" = "($$, '65534', 'nobody')"
ok "with the SHA-256" test "$(jget "$launch" "[h['value'] for h in e['process']['file']['hashes'] if h['algorithm_id'] == 3][0]")" = "$SHA"
exit_ev=$(wait_event 60 "e['class_uid'] == 1007 and e['activity_id'] == 2 and e['process']['pid'] == $child" "\"pid\":$child,")
ok "its exit is stored with code 7" test -n "$exit_ev" -a "$(jget "${exit_ev:-{\}}" "e.get('exit_code')")" = 7

# The audit reader's reads are at least 50 ms apart while each brings fewer than 2048 records
# (agent/telemetry/audit.c): a burst costs it a read per batch, not per launch, whatever the
# machine's speed.  Read once per launch, the 300 launches would take three hundred reads or more.
if [ "$TEL_SENSOR" = audit ]; then
	audit_status() { ctl --json status | python3 -c "import json, sys; print(json.load(sys.stdin)['sections']['telemetry']['audit']['$1'])"; }
	audit_reads() { audit_status reads; }
	ok "status shows the pause between reads" test "$(audit_status read_pause_ms)" = 50
	t0=$(date +%s%N); r0=$(audit_reads)
	for i in $(seq 300); do /bin/true "$MARK-burst-$i"; done
	wait_event 60 "e['class_uid'] == 1007 and e['activity_id'] == 1 and '$MARK-burst-300' in e['unmapped']['argv']" "$MARK-burst-300" >/dev/null
	r1=$(audit_reads); t1=$(date +%s%N)
	ms=$(((t1 - t0) / 1000000))
	ok "a burst of 300 launches is read in batches ($((r1 - r0)) reads in $ms ms)" test $((r1 - r0)) -le $((ms / 50 + 2))
fi

stop_agent
tel_sensor_cleanup_check
finish
