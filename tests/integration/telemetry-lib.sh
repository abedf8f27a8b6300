# SPDX-License-Identifier: GPL-3.0-or-later
# Shared by the telemetry integration tests (sourced after lib.sh).
#
# Every test that touches audit holds /tmp/vigil-audit-tests.lock for its whole run, so that
# two of them never fight over the audit socket, auditd or the rules.  Several suites may run
# on one machine, each with a dozen such tests in the queue: the wait is a failure limit.
#
# The lock is held by a process of its own that ends with the test's shell, not by a
# descriptor of the shell: every child would inherit that one, and a child left behind (a
# server a test forgot) would hold the lock after the test and stall every suite on the host.
# (tail writes to /dev/null: on a pipe whose reader has gone, it would end at once.)
_audit_lock_ready="$TEST_DIR/audit-lock.fifo"
mkfifo "$_audit_lock_ready"
flock -w 3600 /tmp/vigil-audit-tests.lock -c "echo locked; exec tail --pid=$$ -f /dev/null >/dev/null" \
	</dev/null >"$_audit_lock_ready" 2>/dev/null &
read -r _audit_locked <"$_audit_lock_ready" || true
if [ "$_audit_locked" != locked ]; then
	echo "Bail out! could not take /tmp/vigil-audit-tests.lock"
	exit 1
fi

TEL_CONFIG="$TEST_DIR/telemetry.conf"
: >"$TEL_CONFIG"

# TEL_SENSOR: the sensor of processes and network the test's agent uses (telemetry.sensor):
# audit (the default of these tests) or ebpf (the *-ebpf.sh variants).
TEL_SENSOR=${TEL_SENSOR:-audit}

# tel_start_agent: vigild on the test's state directory, with an empty configuration file.
tel_start_agent() {
	"${AGENT_PREFIX[@]}" "$VIGILD" --foreground --config "$TEL_CONFIG" --state-dir "$STATE_DIR" --socket "$SOCKET" \
		--log-level debug --set "telemetry.sensor=$TEL_SENSOR" "$@" >>"$AGENT_LOG" 2>&1 &
	AGENT_PID=$!
	if ! wait_for 60 "$VIGILCTL" --socket "$SOCKET" status; then
		diag "vigild did not come up"; sed 's/^/#   /' "$AGENT_LOG" | tail -20
		return 1
	fi
}

# audit_owner: the pid that owns the audit socket (0: none).
audit_owner() { auditctl -s | awk '$1 == "pid" { print $2 }'; }

# start_auditd, stop_auditd: an auditd of the test's own, stopped (and waited for) at the end.
_auditd_started=
start_auditd() {
	wait_audit_free
	if [ "$(audit_owner)" != 0 ]; then
		diag "an audit daemon already runs (pid $(audit_owner))"
		return 1
	fi
	auditd || return 1
	_auditd_started=1
	wait_for 60 auditd_owns
}
auditd_owns() { [ "$(audit_owner)" != 0 ]; }
auditd_gone() { [ -z "$(pidof auditd)" ]; }
stop_auditd() {
	[ -n "$_auditd_started" ] || return 0
	local pid
	pid=$(pidof auditd)
	[ -n "$pid" ] && kill -TERM $pid
	wait_for 60 auditd_gone
	_auditd_started=
}

# wait_audit_free: waits (up to two minutes) until nobody owns the audit socket.  The agents
# that other tests start (in parallel, without this lock) collect telemetry too and may own it
# for a while.
audit_free() { [ "$(audit_owner)" = 0 ]; }
wait_audit_free() {
	audit_free && return 0
	diag "waiting for process $(audit_owner) to release the audit socket"
	wait_for 120 audit_free
}

# TEL_WITH_AUDITD=1 (the *-auditd.sh variants): the same test with auditd owning the audit
# socket, so that the agent works in multicast mode.  With TEL_SENSOR=ebpf the mode is "ebpf":
# the agent must leave audit alone, whoever owns it.
tel_setup_mode() {
	if [ "$TEL_SENSOR" = ebpf ]; then
		TEL_MODE=ebpf
		if [ "${TEL_WITH_AUDITD:-0}" = 1 ]; then
			start_auditd || return 1
			on_exit stop_auditd
		fi
		return 0
	fi
	if [ "${TEL_WITH_AUDITD:-0}" = 1 ]; then
		start_auditd || return 1
		on_exit stop_auditd
		TEL_MODE=multicast
	else
		TEL_MODE=unicast
		wait_audit_free
		if [ "$(audit_owner)" != 0 ]; then
			diag "an audit daemon runs (pid $(audit_owner)); this test needs none"
			return 1
		fi
	fi
}

# vigil_rules: how many audit rules carry our key.
vigil_rules() { auditctl -l | grep -c 'key=vigil' || true; }
# agent_rules: how many of them the test's agent made (its rules exclude its own pid); agents
# of other tests running at the same time have theirs.
agent_rules() { auditctl -l | grep -c -- "-F pid!=${AGENT_PID:-none} -F key=vigil" || true; }

# show_json ARGS...: the stored events as a JSON array (vigilctl telemetry show --json).
show_json() { ctl --json telemetry show --limit 10000 "$@"; }

# wait_event SECONDS JQ-LIKE-PYTHON-EXPR [TEXT]: waits until an event satisfies the Python
# expression over `e` (one event), printing the first match as JSON; SECONDS is a failure
# limit (see wait_for).  TEXT narrows the search to the events whose stored text holds it: make
# it specific (a mark, '"pid":N,'), since a busy host's events may be more than one answer of
# the control socket holds.
wait_event() {
	local deadline=$((SECONDS + $1)) expr=$2
	while :; do
		if show_json --grep "${3:-}" 2>/dev/null | python3 -c "
import json, sys
events = json.load(sys.stdin)
for e in events:
    try:
        ok = ($expr)
    except Exception:
        ok = False
    if ok:
        print(json.dumps(e)); sys.exit(0)
sys.exit(1)"; then
			return 0
		fi
		[ "$SECONDS" -ge "$deadline" ] && return 1
		sleep 0.25
	done
}

# jget JSON PYTHON-EXPR: evaluates an expression over `e` (the parsed JSON).
jget() { python3 -c "import json,sys; e=json.loads(sys.argv[1]); print($2)" "$1"; }

# has_vigil_rules: whether the agent's three rules are in the kernel.
has_vigil_rules() { [ "$(vigil_rules)" -ge 3 ]; }

# sensor_running: which sensor of processes and network the agent runs (ebpf, audit, none).
sensor_running() {
	ctl --json status | python3 -c "import json,sys; print(json.load(sys.stdin)['sections']['telemetry']['sensor']['running'])"
}
ebpf_runs() { [ "$(sensor_running)" = ebpf ]; }

# note_agent_bpf: the ids of the BPF programs and maps the agent holds (from its descriptors'
# fdinfo), added to AGENT_BPF_IDS; AGENT_BPF_HELD is how many it holds now.  Another agent on
# the host (a parallel test) loads programs of the same names: only ids tell them apart.  The
# ids are noted before each stop (BEFORE_AGENT_STOPS) and before a switch of sensor.
AGENT_BPF_IDS=
AGENT_BPF_HELD=0
note_agent_bpf() {
	local ids
	[ -n "$AGENT_PID" ] || return 0
	ids=$(grep -hE '^(prog_id|map_id):' /proc/"$AGENT_PID"/fdinfo/* 2>/dev/null | tr -d ' \t' | sort -u)
	AGENT_BPF_HELD=$(printf '%s\n' "$ids" | grep -c . || true)
	AGENT_BPF_IDS=$(printf '%s\n%s\n' "$AGENT_BPF_IDS" "$ids" | grep . | sort -u)
}
[ "${TEL_SENSOR:-audit}" != ebpf ] || BEFORE_AGENT_STOPS=note_agent_bpf

# no_vigil_bpf_objects: none of the noted programs and maps is in the kernel any more (false
# when none was noted: there would be nothing to check).
no_vigil_bpf_objects() {
	local id
	[ -n "$AGENT_BPF_IDS" ] || return 1
	for id in $AGENT_BPF_IDS; do
		case $id in
		prog_id:*) ! bpftool prog show id "${id#prog_id:}" >/dev/null 2>&1 || return 1 ;;
		map_id:*) ! bpftool map show id "${id#map_id:}" >/dev/null 2>&1 || return 1 ;;
		esac
	done
}

# tel_sensor_checks: the checks of a test's start that depend on the sensor (4 results):
# audit owns the socket or reads the group and added its rules; eBPF runs and touches neither.
tel_sensor_checks() {
	local st
	if [ "$TEL_SENSOR" = ebpf ]; then
		ok "the eBPF sensor runs" ebpf_runs
		ok "audit's owner is untouched" test "$(audit_owner)" = "$OWNER"
		ok "no audit rule is added" test "$(agent_rules)" = 0
		note_agent_bpf
		ok "the BPF programs are in the kernel ($AGENT_BPF_HELD held)" test "$AGENT_BPF_HELD" -ge 5
		return
	fi
	if [ "$TEL_MODE" = unicast ]; then
		ok "the agent owns the audit socket" test "$(audit_owner)" = "$AGENT_PID"
	else
		ok "auditd keeps the audit socket" test "$(audit_owner)" = "$OWNER"
	fi
	ok "the agent added its rules" test "$(vigil_rules)" -ge 3
	st=$(ctl --json status)
	ok "status shows the $TEL_MODE mode" test "$(jget "$st" "e['sections']['telemetry']['audit']['mode']")" = "$TEL_MODE"
	ok "status shows the audit sensor" test "$(jget "$st" "e['sections']['telemetry']['sensor']['running']")" = audit
}

# tel_sensor_cleanup_check: after a clean stop, nothing of the sensor's is left in the kernel.
tel_sensor_cleanup_check() {
	if [ "$TEL_SENSOR" = ebpf ]; then
		# The kernel frees them once the agent's descriptors are closed, a moment after.
		ok "no BPF program or map is left after a clean stop" wait_for 60 no_vigil_bpf_objects
	else
		ok "no rule with key vigil is left after a clean stop" test "$(vigil_rules)" = 0
	fi
}
