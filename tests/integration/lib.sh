# SPDX-License-Identifier: GPL-3.0-or-later
# Shared by the integration tests: TAP output, a private agent, and cleanup.
#
#   . "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
#   plan 3
#   start_agent                 # vigild --foreground on a fresh state dir and socket
#   ctl status                  # vigilctl against that agent
#   ok "status works" test $? -eq 0
#   finish
#
# Tests run as root against the real kernel; a missing feature is a failure, not a skip.

set -u
: "${VIGILD:?VIGILD must point at the vigild binary}"
: "${VIGILCTL:?VIGILCTL must point at the vigilctl binary}"

# A variant that runs another test's script (exec) names itself in VIGIL_TEST_NAME.
TEST_NAME=${VIGIL_TEST_NAME:-$(basename "$0" .sh)}
TEST_DIR=$(mktemp -d "/tmp/vigil-test.${TEST_NAME}.XXXXXX")
chmod 755 "$TEST_DIR"
STATE_DIR="$TEST_DIR/state"
SOCKET="$TEST_DIR/vigild.sock"
AGENT_LOG="$TEST_DIR/vigild.log"
AGENT_CONFIG="$TEST_DIR/vigild.conf"   # empty unless a test writes it
: >"$AGENT_CONFIG"
AGENT_PID=
# A command that vigild runs through, e.g. AGENT_PREFIX=(ip netns exec NAME); it must exec.
AGENT_PREFIX=()
_tap_n=0
_tap_failed=0
_cleanups=()

export VIGIL_SOCKET="$SOCKET" SOCKET STATE_DIR TEST_DIR AGENT_LOG AGENT_CONFIG
# Run from the build tree, the programs find the catalogs compiled there (locale/), so that
# LANGUAGE=fr works before installation; VIGIL_LOCALEDIR would name another directory.

plan() { echo "1..$1"; }

# ok DESCRIPTION COMMAND...: runs COMMAND, reports its success as one TAP line.
ok() {
	local desc=$1
	shift
	_tap_n=$((_tap_n + 1))
	if "$@"; then
		echo "ok $_tap_n - $desc"
	else
		echo "not ok $_tap_n - $desc"
		_tap_failed=$((_tap_failed + 1))
	fi
}

# diag TEXT: a TAP comment (shown in the log).
diag() { printf '# %s\n' "$@"; }

# on_exit COMMAND: run at exit, last registered first.
on_exit() { _cleanups+=("$*"); }

_cleanup() {
	local i
	for ((i = ${#_cleanups[@]} - 1; i >= 0; i--)); do eval "${_cleanups[$i]}" >/dev/null 2>&1 || true; done
	stop_agent >/dev/null 2>&1 || true
	export_events
	if [ "$_tap_failed" -gt 0 ] && [ -f "$AGENT_LOG" ]; then
		diag "agent log:"; sed 's/^/#   /' "$AGENT_LOG" | tail -50
	fi
	rm -rf "$TEST_DIR"
}
trap _cleanup EXIT

# export_events: keeps what the test's agents emitted (their spools, under $TEST_DIR) in
# tests/ocsf-events/$TEST_NAME.jsonl of the build tree, where the OCSF conformance test that
# runs after the suite validates it (tests/ocsf/conformance.sh).  An export that fails leaves
# a line there that the conformance test reports.
export_events() {
	[ -n "${VIGIL_TOP_BUILDDIR:-}" ] || return 0
	local out="$VIGIL_TOP_BUILDDIR/tests/ocsf-events/$TEST_NAME.jsonl"
	if ! python3 "$VIGIL_TOP_SRCDIR/tests/ocsf/export-spool.py" "$out" "$TEST_DIR" 2>"$TEST_DIR/export.err"; then
		mkdir -p "${out%/*}"
		printf 'export of the spools of %s failed: %s\n' "$TEST_NAME" "$(head -c 300 "$TEST_DIR/export.err" | tr '\n' ' ')" >"$out"
	fi
}

# wait_for SECONDS COMMAND...: runs COMMAND every 50 ms until it succeeds; fails when it still
# has not after SECONDS.  SECONDS is a failure limit, not a window: the suite runs on loaded
# machines (two cores, other builds and tests beside it), so give a minute or more to what
# takes a tenth of a second on an idle one.  Never sleep a fixed time and then check.
wait_for() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -ge "$deadline" ] && return 1
		sleep 0.05
	done
}

# The kernel collectors (audit, fanotify) are host-wide: only the telemetry tests, which take
# a lock among themselves, run agents with them on.  Others set VIGIL_TEST_COLLECTORS=1 to keep them.
AGENT_QUIET_COLLECTORS=(--set telemetry.process=no --set telemetry.network=no --set telemetry.files=no)
# The periodic heartbeat event (export.heartbeat_period) would add to the events a test counts:
# off unless a test turns it on (a later --set, or settings set).
AGENT_NO_HEARTBEAT=(--set export.heartbeat_period=0)

# start_agent [EXTRA VIGILD OPTIONS]: starts vigild in the foreground with $AGENT_CONFIG,
# waits for its socket.
start_agent() {
	local quiet=("${AGENT_QUIET_COLLECTORS[@]}")
	[ "${VIGIL_TEST_COLLECTORS:-}" = 1 ] && quiet=()
	"${AGENT_PREFIX[@]}" "$VIGILD" --foreground --config "$AGENT_CONFIG" --state-dir "$STATE_DIR" --socket "$SOCKET" \
		--log-level debug "${quiet[@]}" "${AGENT_NO_HEARTBEAT[@]}" "$@" >>"$AGENT_LOG" 2>&1 &
	AGENT_PID=$!
	if ! wait_for 60 "$VIGILCTL" --socket "$SOCKET" status; then
		diag "vigild did not come up"; sed 's/^/#   /' "$AGENT_LOG" | tail -20
		return 1
	fi
}

# BEFORE_AGENT_STOPS: a command that stop_agent and kill_agent run first, while the agent is
# still there to be looked at (the telemetry tests note its BPF objects).
BEFORE_AGENT_STOPS=

# stop_agent: SIGTERM and wait (a clean stop).
stop_agent() {
	[ -n "$AGENT_PID" ] || return 0
	[ -z "$BEFORE_AGENT_STOPS" ] || $BEFORE_AGENT_STOPS
	kill -TERM "$AGENT_PID" 2>/dev/null
	wait "$AGENT_PID" 2>/dev/null
	local rc=$?
	AGENT_PID=
	return $rc
}

# kill_agent: SIGKILL, no cleanup by the agent.
kill_agent() {
	[ -n "$AGENT_PID" ] || return 0
	[ -z "$BEFORE_AGENT_STOPS" ] || $BEFORE_AGENT_STOPS
	kill -KILL "$AGENT_PID" 2>/dev/null
	wait "$AGENT_PID" 2>/dev/null
	AGENT_PID=
	return 0
}

# use_test_agent: the tests that need the test agent's test.* commands (tests/agent/) call this
# before start_agent: the same agent plus commands that no product binary has.
use_test_agent() { VIGILD="${VIGILD_TEST:?VIGILD_TEST must point at the test agent}"; }

# test_emit COUNT [CLASS_UID]: the test agent emits COUNT events as a collector would; prints
# {emitted, uids} as JSON.
test_emit() {
	python3 "$VIGIL_TOP_SRCDIR/tests/integration/agent-call.py" "$SOCKET" test.emit \
		"{\"count\": $1, \"class_uid\": ${2:-0}}"
}

# reader_group: a group of its own for the agent's read-only access (removed at exit), named in
# $AGENT_CONFIG; sets $group and $gid.  as_reader ARGS...: vigilctl as user nobody in that group.
reader_group() {
	group="vgr$$"
	groupadd "$group" || { echo "Bail out! cannot create a test group"; exit 1; }
	on_exit groupdel "$group"
	gid=$(getent group "$group" | cut -d: -f3)
	printf '[agent]\ngroup = %s\n' "$group" >"$AGENT_CONFIG"
}
as_reader() { setpriv --reuid=65534 --regid=65534 --groups="$gid" -- "$VIGILCTL" --socket "$SOCKET" "$@"; }

# test_clock SECONDS: the test agent moves its clock (the "now" of its policies: isolation
# auto-release, release after no contact, the link's hourly limits) forward by SECONDS, and
# its subsystems re-check their deadlines before it answers; prints {offset, now} as JSON.
test_clock() {
	python3 "$VIGIL_TOP_SRCDIR/tests/integration/agent-call.py" "$SOCKET" test.clock "{\"advance\": $1}"
}

# agent_exe: the running agent's executable (the build tree's $VIGILD may be a libtool wrapper).
agent_exe() { readlink "/proc/$AGENT_PID/exe"; }

# ctl ARGS...: vigilctl against the test agent.
ctl() { "$VIGILCTL" --socket "$SOCKET" "$@"; }

# status_of COMMAND...: prints the exit status of COMMAND (output discarded).
status_of() { "$@" >/dev/null 2>&1; echo $?; }

# finish: stops the agent and ends the test with the right exit status; a sanitizer report
# in the agent's log (leak, overflow, undefined behaviour) fails the test too.
finish() {
	stop_agent >/dev/null 2>&1
	if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$AGENT_LOG" 2>/dev/null; then
		diag "the sanitizers reported a problem in vigild:"
		grep -E -A12 'Sanitizer|runtime error:' "$AGENT_LOG" | sed 's/^/#   /' | head -60
		_tap_failed=$((_tap_failed + 1))
	fi
	[ "$_tap_failed" -eq 0 ]
	exit $?
}
