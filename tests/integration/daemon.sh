#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Daemon mode (ready before the command returns, pid file), signals, and systemd's notify protocol.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
plan 11

# notify_listener SOCKET FILE: collects systemd notifications on SOCKET into FILE, one datagram
# a line, until STOPPING=1 (or five minutes); waits until the socket is there.
notify_listener() {
	python3 - "$1" "$2" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(300)
with open(sys.argv[2], "a") as out:
    while True:
        try:
            msg = s.recv(4096).decode()
        except socket.timeout:
            break
        out.write(msg.replace("\n", " ") + "\n")
        out.flush()
        if "STOPPING=1" in msg:
            break
PY
	LISTENER=$!
	on_exit "kill $LISTENER"
	wait_for 60 test -S "$1"
}
# notified FILE COUNT WORD: FILE holds at least COUNT notifications with WORD.
notified() { [ "$(grep -c -- "$3" "$1")" -ge "$2" ]; }

pidfile="$TEST_DIR/vigild.pid"
conf="$AGENT_CONFIG"
notes="$TEST_DIR/daemon.notify"
printf '[agent]\nlog_level = info\n' >"$conf"
on_exit "kill \$(cat $pidfile 2>/dev/null) 2>/dev/null"
# The notifications tell when a reload is over: RELOADING=1, then READY=1 again.
notify_listener "$TEST_DIR/daemon.sock" "$notes"
ok "vigild daemonizes and returns once ready" env NOTIFY_SOCKET="$TEST_DIR/daemon.sock" "$VIGILD" \
	"${AGENT_QUIET_COLLECTORS[@]}" --config "$conf" --state-dir "$STATE_DIR" --socket "$SOCKET" --pid-file "$pidfile"
ok "the socket answers at once" ctl status
pid=$(cat "$pidfile" 2>/dev/null)
ok "the pid file names the running agent" bash -c '[ -n "$1" ] && [ "$("$VIGILCTL" --json status | python3 -c "import json,sys; print(json.load(sys.stdin)[\"pid\"])")" = "$1" ]' _ "$pid"
ok "the daemon has no terminal and is not a session leader" bash -c '[ "$(ps -o tty= -p "$1" | tr -d " ")" = "?" ] && [ "$(ps -o sid= -p "$1" | tr -d " ")" != "$1" ]' _ "$pid"
printf '[agent]\nlog_level = nonsense\n' >"$conf"
kill -HUP "$pid"
ok "a reload with a broken file keeps the agent running" eval 'wait_for 60 notified "$notes" 2 READY=1 && ctl status'
printf '[agent]\nlog_level = debug\n' >"$conf"
kill -HUP "$pid"
ok "a good reload keeps it running" eval 'wait_for 60 notified "$notes" 3 READY=1 && ctl status'
kill -TERM "$pid"
ok "TERM stops it" wait_for 60 bash -c '! kill -0 '"$pid"
ok "and it removed its pid file and socket" bash -c '[ ! -e "$1" ] && [ ! -e "$SOCKET" ]' _ "$pidfile"

out=$("$VIGILD" --config "$conf" --state-dir /proc/forbidden --socket "$SOCKET" --pid-file "$pidfile" 2>&1); rc=$?
ok "a start-up failure is reported by the starting command" bash -c '[ "$1" = 1 ] && [[ "$2" == *"/proc/forbidden"* ]]' _ "$rc" "$out"

# systemd's protocol: READY=1 once listening, WATCHDOG=1 at half the interval, STOPPING=1 on TERM.
notes="$TEST_DIR/foreground.notify"
notify_listener "$TEST_DIR/notify.sock" "$notes"
NOTIFY_SOCKET="$TEST_DIR/notify.sock" WATCHDOG_USEC=400000 "$VIGILD" "${AGENT_QUIET_COLLECTORS[@]}" --foreground \
	--config "$AGENT_CONFIG" --state-dir "$STATE_DIR" --socket "$SOCKET" >>"$AGENT_LOG" 2>&1 &
AGENT_PID=$!
wait_for 60 ctl status
wait_for 60 notified "$notes" 1 WATCHDOG=1
stop_agent
wait_for 60 notified "$notes" 1 STOPPING=1
diag "notifications: $(tr '\n' ' ' <"$notes")"
ok "READY=1 and WATCHDOG=1 were sent" eval 'notified "$notes" 1 READY=1 && notified "$notes" 1 WATCHDOG=1'
ok "STOPPING=1 was sent on TERM" notified "$notes" 1 STOPPING=1
finish
