#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Daemon mode (ready before the command returns, pid file), signals, and systemd's notify protocol.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
plan 11

pidfile="$TEST_DIR/vigild.pid"
conf="$AGENT_CONFIG"
printf '[agent]\nlog_level = info\n' >"$conf"
on_exit "kill \$(cat $pidfile 2>/dev/null) 2>/dev/null"
ok "vigild daemonizes and returns once ready" "$VIGILD" "${AGENT_QUIET_COLLECTORS[@]}" --config "$conf" --state-dir "$STATE_DIR" --socket "$SOCKET" --pid-file "$pidfile"
ok "the socket answers at once" ctl status
pid=$(cat "$pidfile" 2>/dev/null)
ok "the pid file names the running agent" bash -c '[ -n "$1" ] && [ "$("$VIGILCTL" --json status | python3 -c "import json,sys; print(json.load(sys.stdin)[\"pid\"])")" = "$1" ]' _ "$pid"
ok "the daemon has no terminal and is not a session leader" bash -c '[ "$(ps -o tty= -p "$1" | tr -d " ")" = "?" ] && [ "$(ps -o sid= -p "$1" | tr -d " ")" != "$1" ]' _ "$pid"
printf '[agent]\nlog_level = nonsense\n' >"$conf"
kill -HUP "$pid"
sleep 0.3
ok "a reload with a broken file keeps the agent running" ctl status
printf '[agent]\nlog_level = debug\n' >"$conf"
kill -HUP "$pid"
ok "a good reload keeps it running" ctl status
kill -TERM "$pid"
ok "TERM stops it" wait_for 10 bash -c '! kill -0 '"$pid"
ok "and it removed its pid file and socket" bash -c '[ ! -e "$1" ] && [ ! -e "$SOCKET" ]' _ "$pidfile"

out=$("$VIGILD" --config "$conf" --state-dir /proc/forbidden --socket "$SOCKET" --pid-file "$pidfile" 2>&1); rc=$?
ok "a start-up failure is reported by the starting command" bash -c '[ "$1" = 1 ] && [[ "$2" == *"/proc/forbidden"* ]]' _ "$rc" "$out"

# systemd's protocol: READY=1 once listening, WATCHDOG=1 at half the interval, STOPPING=1 on TERM.
notify="$TEST_DIR/notify.sock"
python3 - "$notify" >"$TEST_DIR/notify.out" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(8)
seen = []
end = time.time() + 8
while time.time() < end and "STOPPING=1" not in seen:
    try:
        seen.append(s.recv(4096).decode())
    except socket.timeout:
        break
print(" ".join(seen))
PY
listener=$!
wait_for 5 test -S "$notify"
NOTIFY_SOCKET="$notify" WATCHDOG_USEC=400000 "$VIGILD" "${AGENT_QUIET_COLLECTORS[@]}" --foreground --config "$AGENT_CONFIG" --state-dir "$STATE_DIR" \
	--socket "$SOCKET" >>"$AGENT_LOG" 2>&1 &
AGENT_PID=$!
wait_for 10 ctl status
sleep 1
stop_agent
wait "$listener"
seen=$(cat "$TEST_DIR/notify.out")
diag "notifications: $seen"
ok "READY=1 and WATCHDOG=1 were sent" bash -c '[[ "$1" == *"READY=1"* && "$1" == *"WATCHDOG=1"* ]]' _ "$seen"
ok "STOPPING=1 was sent on TERM" bash -c '[[ "$1" == *"STOPPING=1"* ]]' _ "$seen"
finish
