#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The eBPF sensor beside a running auditd: it takes neither the audit socket nor a rule; its
# ring buffer's drop counter counts every record that did not fit, and the agent reports the
# loss (status, telemetry stats, a data-dropped event); the sensor can be switched to audit and
# back at run time; without CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN, auto falls back to audit and
# says why; nothing of it is left in the kernel after a stop.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/telemetry-lib.sh"
plan 22

use_test_agent
TEL_SENSOR=auto
BEFORE_AGENT_STOPS=note_agent_bpf
MARK="vgebpf-$$-$RANDOM"
EXE="$TEST_DIR/$MARK-sh"
cp /bin/dash "$EXE" 2>/dev/null || cp /bin/sh "$EXE"
chmod 755 "$EXE"
sensor() { ctl --json status | python3 -c "import json,sys; print(json.load(sys.stdin)['sections']['telemetry']['sensor'][sys.argv[1]])" "$1"; }
kernel_lost() { ctl --json telemetry stats | python3 -c "import json,sys; print(json.load(sys.stdin)['kernel_lost'])"; }

ok "auditd starts" start_auditd
on_exit stop_auditd
AUDITD=$(audit_owner)
# A rule of the administrator's, which nothing may touch.
auditctl -w "$TEST_DIR" -p wa -k "admin-$$"
on_exit auditctl -W "$TEST_DIR" -p wa -k "admin-$$"
before=$(auditctl -l)

tel_start_agent --set telemetry.files=no
ok "auto chooses eBPF beside auditd" ebpf_runs
ok "status says why" test "$(sensor reason)" = "auto: the kernel and the agent's privileges allow eBPF"
ok "auditd keeps the audit socket" test "$(audit_owner)" = "$AUDITD"
ok "the audit rules are untouched" test "$(auditctl -l)" = "$before"
"$EXE" -c 'exit 4' "$MARK-one" &
child=$!
wait $child
ok "a process is seen" wait_event 60 "e['class_uid'] == 1007 and e['activity_id'] == 1 and e['process']['pid'] == $child and e['process']['file']['path'] == '$EXE'" "$MARK-one"
ok "and its exit with its code" wait_event 60 "e['class_uid'] == 1007 and e['activity_id'] == 2 and e['process']['pid'] == $child and e['exit_code'] == 4" "\"pid\":$child,"

# The ring buffer (4 MiB) while the agent does not read it: 700 programs with 8000 bytes of
# arguments each need more than it holds.
LONG=$(head -c 8000 /dev/zero | tr '\0' x)
python3 "$VIGIL_TOP_SRCDIR/tests/integration/agent-call.py" "$SOCKET" test.sensor.hold '{"on": true}' >/dev/null
ok "the reader is held" test $? = 0
for i in $(seq 1 700); do /bin/true "$MARK-fill-$i" "$LONG"; done
python3 "$VIGIL_TOP_SRCDIR/tests/integration/agent-call.py" "$SOCKET" test.sensor.hold '{"on": false}' >/dev/null
/bin/true "$MARK-end"
ok "the agent reads again" wait_event 60 "e['class_uid'] == 1007 and e['activity_id'] == 1" "$MARK-end"
lost=$(kernel_lost)
# (Counted in the database: the events are too large for one answer of the control socket.)
stored=$(sqlite3 "$STATE_DIR"/*.db "SELECT COUNT(*) FROM spool_events WHERE class_uid = 1007 AND instr(event, '\"Launch\"') AND instr(event, '$MARK-fill-')")
ok "the ring buffer overflowed ($stored of 700 stored, $lost lost)" test "$stored" -lt 700 -a "$lost" -gt 0
ok "every launch that was not stored was counted as lost" test "$lost" -ge $((700 - stored))
ok "status shows the eBPF sensor's loss" test "$(ctl --json status | python3 -c "import json,sys; print(json.load(sys.stdin)['sections']['telemetry']['ebpf']['kernel_lost'])")" -ge "$lost"
stats_show_loss() { ctl telemetry stats | grep -Eq 'kernel \(sensor lost\): +[1-9]'; }
ok "telemetry stats shows it" stats_show_loss
ok "a data-dropped event reports it" wait_event 60 "e['class_uid'] == 1008 and e['unmapped']['source'] == 'kernel' and e['unmapped']['reason'] == 'eBPF ring buffer full' and e['unmapped']['count'] > 0" "ring buffer"

# At run time, audit and back.
note_agent_bpf
ctl settings set telemetry.sensor=audit >/dev/null
audit_runs() { [ "$(sensor_running)" = audit ]; }
ok "telemetry.sensor=audit: the audit sensor takes over" wait_for 60 audit_runs
audit_took_over() { [ "$(agent_rules)" -ge 3 ] && no_vigil_bpf_objects; }
ok "with its rules beside auditd's, and the BPF programs are gone" wait_for 60 audit_took_over
ctl settings set telemetry.sensor=ebpf >/dev/null
vigil_rules_gone() { [ "$(agent_rules)" = 0 ]; }
ok "telemetry.sensor=ebpf: eBPF again" wait_for 60 ebpf_runs
ok "and the agent's audit rules are removed" wait_for 60 vigil_rules_gone
stop_agent
ok "no BPF program or map is left after a clean stop" wait_for 60 no_vigil_bpf_objects

# Without the privileges that loading needs, auto falls back to audit.
setpriv --bounding-set -bpf,-perfmon,-sys_admin "$VIGILD" --foreground --config "$TEL_CONFIG" \
	--state-dir "$STATE_DIR" --socket "$SOCKET" --log-level debug --set telemetry.sensor=auto \
	--set telemetry.files=no >>"$AGENT_LOG" 2>&1 &
AGENT_PID=$!
wait_for 60 "$VIGILCTL" --socket "$SOCKET" status
ok "without CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN, auto falls back to audit" audit_runs
case "$(sensor reason)" in "auto: eBPF unavailable (the kernel refused the eBPF programs: "*) r=0 ;; *) r=1 ;; esac
ok "and status says why ($(sensor reason))" test $r = 0
stop_agent
ok "auditd's rules are as they were" test "$(auditctl -l)" = "$before"
finish
