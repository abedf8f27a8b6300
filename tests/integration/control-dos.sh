#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Members of the read-only group try to deny the agent's service to root: a crowd of idle
# connections, connections that never read their answers, waits abandoned by the thousand, and
# connections kept idle.  Root still gets its status at once, and the agent stays small.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
plan 17

group="vgd$$"
groupadd "$group" || { echo "Bail out! cannot create a test group"; exit 1; }
on_exit groupdel "$group"
gid=$(getent group "$group" | cut -d: -f3)
printf '[agent]\ngroup = %s\n' "$group" >"$AGENT_CONFIG"
client="$VIGIL_TOP_SRCDIR/tests/integration/dos-client.py"
# as_member UID COMMAND...: a member of the group that is not root (uids need no account).
as_member() { local uid=$1; shift; setpriv --reuid="$uid" --regid="$uid" --groups="$gid" -- "$@"; }
rss() { awk '/VmRSS/ {print $2}' "/proc/$AGENT_PID/status"; }
fds() { ls "/proc/$AGENT_PID/fd" | wc -l; }
# attack NAME UID ARGS...: a client in the background (its pid in $!, killed at exit at the
# latest), its output in $TEST_DIR/NAME.out.
attack() {
	local name=$1 uid=$2
	shift 2
	setpriv --reuid="$uid" --regid="$uid" --groups="$gid" -- /usr/bin/python3 "$client" "$SOCKET" "$@" \
		>"$TEST_DIR/$name.out" 2>&1 &
	on_exit "kill $! 2>/dev/null"
}
ready() { grep -q '^ready' "$TEST_DIR/$1.out"; }
root_status() { timeout 10 "$VIGILCTL" --socket "$SOCKET" status >/dev/null; }

ok "agent starts with a group of readers" start_agent
rss0=$(rss)
fds0=$(fds)

# 1. 256 idle connections of one member: it gets its share, root keeps getting in.
attack crowd 70001 crowd 256
crowd_pid=$!
ok "the crowd is set up" wait_for 60 ready crowd
ok "one member holds no more than its 16 connections" grep -q 'accepted=16$' "$TEST_DIR/crowd.out"
ok "root still gets its status" root_status
ok "root opens 64 connections of its own meanwhile" \
	bash -c "timeout 60 python3 '$client' '$SOCKET' crowd 64 | head -1 | grep -q 'accepted=64$'"
kill "$crowd_pid"; wait "$crowd_pid" 2>/dev/null

# 2. Four members, 64 connections that ask for answers and never read them.
flood_pids=()
for uid in 70011 70012 70013 70014; do attack "flood$uid" "$uid" flood 16; flood_pids+=($!); done
ok "the floods are set up" wait_for 90 bash -c "$(declare -f ready); TEST_DIR=$TEST_DIR; ready flood70011 && ready flood70012 && ready flood70013 && ready flood70014"
rss1=$(rss)
diag "agent RSS: $rss0 kB at start, $rss1 kB with 64 connections that do not read"
ok "the agent stays small (RSS grew by less than 32 MiB)" test $((rss1 - rss0)) -lt 32768
ok "root still gets its status during the flood" root_status
# A peer that takes none of its answers is read no further (its queue stays under 256 KiB), and
# once it has taken nothing for agent.control_idle_seconds it is cut off.
ctl settings set agent.control_idle_seconds=5 >/dev/null
slow_dropped() { "$VIGILCTL" --socket "$SOCKET" --json status | python3 -c 'import json,sys; c=json.load(sys.stdin)["control"]; sys.exit(c["slow_dropped"] < int(sys.argv[1]))' "$1"; }
ok "the agent cut their connections off itself" wait_for 60 bash -c "[ \$(ls /proc/$AGENT_PID/fd | wc -l) -le $((fds0 + 2)) ]"
ok "as readers that take nothing (status counts them)" slow_dropped 1
kill "${flood_pids[@]}"; wait "${flood_pids[@]}" 2>/dev/null

# 3. Waits on a task (25 s at most each), from connections that go away at once.
task=$(ctl --json task run --no-wait /bin/sleep 120 | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
on_exit "'$VIGILCTL' --socket '$SOCKET' task cancel $task"
# The running task holds descriptors of its own (pipes, pidfd, its cgroup): count from here.
running() { [ "$(ctl --json task show "$task" | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])')" = running ]; }
wait_for 60 running
fds_task=$(fds)
t0=$SECONDS
for round in 1 2 3 4; do as_member 70021 /usr/bin/python3 "$client" "$SOCKET" waits 16 "$task" >"$TEST_DIR/waits.out"; done
diag "$(cat "$TEST_DIR/waits.out"); descriptors: $fds_task with the task running, $(fds) after 192 abandoned waits"
ok "the waits went with their connections (no descriptor left behind)" \
	wait_for 30 bash -c "[ \$(ls /proc/$AGENT_PID/fd | wc -l) -le $((fds_task + 4)) ]"
ok "before their 25 s were up" test $((SECONDS - t0)) -lt 25
ok "root still gets its status" root_status

# 4. Idle connections: a member's is closed after agent.control_idle_seconds (5 s now), root's stays.
as_member 70031 /usr/bin/python3 "$client" "$SOCKET" idle 30 >"$TEST_DIR/idle-member.out" &
member_idle=$!
python3 "$client" "$SOCKET" idle 12 >"$TEST_DIR/idle-root.out"
wait "$member_idle"
ok "a member's idle connection is closed" grep -qx closed "$TEST_DIR/idle-member.out"
ok "root's idle connection stays open" grep -qx open "$TEST_DIR/idle-root.out"
ok "status counts the idle connection closed" \
	bash -c "'$VIGILCTL' --socket '$SOCKET' --json status | python3 -c 'import json,sys; assert json.load(sys.stdin)[\"control\"][\"idle_closed\"] >= 1'"
ok "the agent process is still the same one" kill -0 "$AGENT_PID"
finish
