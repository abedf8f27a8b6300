#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The state directory is root's alone: an open one is refused with the command that fixes it,
# files left readable by an older version are closed at start, an unprivileged user reads
# nothing of it, and the agent's memory is out of reach of a process without CAP_SYS_PTRACE.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
plan 14

as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }
# start_refused: vigild must stop at once with an error; prints it.
start_refused() {
	timeout 20 "$VIGILD" --foreground --config "$AGENT_CONFIG" --state-dir "$STATE_DIR" --socket "$SOCKET" \
		"${AGENT_QUIET_COLLECTORS[@]}" 2>&1
	local rc=$?
	[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ]
}

# An existing state directory open to others (0755, as the bug accepted) is refused.
mkdir -m 0755 "$STATE_DIR"
out=$(start_refused); rc=$?
ok "a 0755 state directory is refused" test "$rc" -eq 0
ok "the refusal names the mode and the fix" bash -c '[[ "$1" == *"mode 0755"* && "$1" == *"chmod 0700 $2"* ]]' _ "$out" "$STATE_DIR"
chmod 0700 "$STATE_DIR"
chown 65534:65534 "$STATE_DIR"
out=$(start_refused); rc=$?
ok "a state directory of another user is refused, naming the fix" \
	bash -c '[ "$1" -eq 0 ] && [[ "$2" == *"uid 65534"* && "$2" == *"chown 0 $3"* ]]' _ "$rc" "$out" "$STATE_DIR"
chown 0:0 "$STATE_DIR"

# A first run makes the database; then files are opened up as an older version left them.
use_test_agent
ok "agent starts on a 0700 directory" start_agent
stop_agent
mkdir -p "$STATE_DIR/collected"
echo old >"$STATE_DIR/collected/left-over"
chmod 0644 "$STATE_DIR/vigil.db" "$STATE_DIR/collected/left-over"
chmod 0755 "$STATE_DIR/collected"
ok "agent starts again" start_agent
ok "the old files were closed at start (0600, directory 0700)" \
	test "$(stat -c %a "$STATE_DIR/vigil.db" "$STATE_DIR/collected/left-over" "$STATE_DIR/collected" | tr '\n' ' ')" = "600 600 700 "
ok "and the agent said so" grep -q "took group and others' access off 3 files" "$AGENT_LOG"

# Fill the state: settings (the WAL), the proxy's password, a collected file, a quarantined one.
printf 'hunter2\n' >"$TEST_DIR/pw"
ctl settings set link.poll_wait=20 >/dev/null
ctl proxy set --user alice --password-file "$TEST_DIR/pw" http://127.0.0.1:3128 >/dev/null
echo "secret content" >"$TEST_DIR/victim"
ctl task get-file "$TEST_DIR/victim" >/dev/null
ctl task delete-file --quarantine --yes "$TEST_DIR/victim" >/dev/null
ok "the WAL, the password and the copies exist" \
	bash -c 'test -s "$1/vigil.db-wal" && find "$1" -type f | grep -q quarantine && find "$1" -type f | grep -q collected/' _ "$STATE_DIR"

# Every entry: root's, nothing for group and others.
open_entries=$(find "$STATE_DIR" \( -perm /077 -o ! -user 0 \) -print)
ok "every file and directory of the state is root's, mode 0600/0700" test -z "$open_entries"
[ -n "$open_entries" ] && diag "open: $open_entries"
# An unprivileged user tries each of them (and listing the directories).
readable=
while IFS= read -r -d '' f; do
	if [ -d "$f" ]; then as_nobody ls "$f" >/dev/null 2>&1 && readable+=" $f"
	else as_nobody cat "$f" >/dev/null 2>&1 && readable+=" $f"; fi
done < <(find "$STATE_DIR" -print0)
ok "nobody can read or list any of them" test -z "$readable"
[ -n "$readable" ] && diag "readable: $readable"
# Even with the way to the directory open (a descriptor passed, a bind mount), the files stay shut.
chmod 0711 "$STATE_DIR"
ok "nobody cannot read the database or its WAL through an open path" \
	bash -c "$(declare -f as_nobody); ! as_nobody cat '$STATE_DIR/vigil.db' && ! as_nobody cat '$STATE_DIR/vigil.db-wal'" 2>/dev/null
ok "nor the proxy's password" bash -c "$(declare -f as_nobody); ! grep -rls hunter2 '$STATE_DIR' | while read -r f; do as_nobody cat \"\$f\"; done 2>/dev/null | grep -q hunter2"
chmod 0700 "$STATE_DIR"

# No core dump: the process is not dumpable (nor, then, readable through /proc without
# CAP_SYS_PTRACE) and its core size limit is 0; what it creates is its own (umask 077).
ok "the agent's core size limit is 0" bash -c "grep -E '^Max core file size +0 +0 ' /proc/$AGENT_PID/limits"
self=$(python3 "$VIGIL_TOP_SRCDIR/tests/integration/agent-call.py" "$SOCKET" test.self '{}')
ok "the agent is not dumpable and its umask is 077" \
	python3 -c 'import json,sys; r=json.loads(sys.argv[1]); r=r.get("result", r); assert r["dumpable"] == 0 and r["umask"] == 0o77, r' "$self"
finish
