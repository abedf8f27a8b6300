#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A run task's programs cannot outlive it: a program run as an unprivileged user starts children
# in the background and in new sessions (sleep &, setsid, a double fork); every one of them is in
# the task's cgroup and is killed when the program ends, times out, is cancelled, or when the
# agent that ran it is killed and started again.  The result lists what was killed.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
plan 18

jget() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }
# Copies of sleep with names of their own: pgrep finds exactly them.
mark="vgcg$$"
for n in bg sess dbl slow crash; do cp /bin/sleep "$TEST_DIR/$mark-$n"; done
chmod 755 "$TEST_DIR"/$mark-*
on_exit "pkill -KILL -f '$TEST_DIR/$mark-'"
alive() { pgrep -f "$TEST_DIR/$mark-$1" >/dev/null; }
cgroot=$(awk '$9 == "cgroup2" {print $5; exit}' /proc/self/mountinfo)

start_agent || exit 1
ok "status shows where runs get their cgroups" \
	test "$(ctl --json status | jget 'd["sections"]["tasks"]["run_cgroups"]["path"]')" = "$cgroot/vigil-tasks/$AGENT_PID"

cg=$(ctl task run /bin/cat /proc/self/cgroup 2>/dev/null | sed -n 's/^0:://p')
ok "a run's program is in a cgroup of its own, outside the agent's" \
	bash -c '[[ "$1" == /vigil-tasks/"$2"/task-* ]] && [ "$1" != "$(sed -n "s/^0:://p" /proc/$2/cgroup)" ]' _ "$cg" "$AGENT_PID"
# Limits only where the host hands the controllers down (here the memory controller may belong to
# cgroup v1): status says exactly which apply.
want=$(python3 -c 'import sys; c=open(sys.argv[1]).read().split(); print(sorted(k for k, n in (("memory_max", "memory"), ("pids_max", "pids")) if n in c))' "$cgroot/cgroup.subtree_control")
ok "status lists the limits the host can apply ($want)" \
	test "$(ctl --json status | jget 'sorted(d["sections"]["tasks"]["run_cgroups"]["limits"])')" = "$want"

# The program leaves three descendants behind and exits as soon as they run.
ctl --json task run --user nobody /bin/sh -c "
	'$TEST_DIR/$mark-bg' 300 &
	setsid '$TEST_DIR/$mark-sess' 300 &
	( ( '$TEST_DIR/$mark-dbl' 300 & ) & )
	for m in bg sess dbl; do
		until pgrep -f \"^$TEST_DIR/$mark-\$m\" >/dev/null; do
			sleep 0.05
		done
	done
	echo left" >"$TEST_DIR/r1.json"
ok "the program ended and the task succeeded" \
	test "$(jget 'd["state"], d["result"]["stdout"]' <"$TEST_DIR/r1.json")" = "('succeeded', 'left\n')"
ok "nothing it started in the background survives" bash -c '! pgrep -f "$1-bg" >/dev/null' _ "$TEST_DIR/$mark"
ok "nor in a new session (setsid)" bash -c '! pgrep -f "$1-sess" >/dev/null' _ "$TEST_DIR/$mark"
ok "nor double-forked" bash -c '! pgrep -f "$1-dbl" >/dev/null' _ "$TEST_DIR/$mark"
ok "the result lists the three it killed" \
	test "$(jget 'sorted(k["name"] for k in d["result"]["killed"])' <"$TEST_DIR/r1.json")" = \
	"['$mark-bg', '$mark-dbl', '$mark-sess']"
ok "the task's cgroup is gone" bash -c '! ls "$1/vigil-tasks/$2" | grep -q task-' _ "$cgroot" "$AGENT_PID"

# A timeout and a cancel kill the whole cgroup too.
ctl --json task run --user nobody --timeout 1 /bin/sh -c "setsid '$TEST_DIR/$mark-slow' 300 & wait" >"$TEST_DIR/r2.json"
ok "a timeout kills what the program started in a new session" \
	bash -c '[ "$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[\"state\"])" "$1")" = timed_out ] &&
		! pgrep -f "$2-slow" >/dev/null' _ "$TEST_DIR/r2.json" "$TEST_DIR/$mark"
id=$(ctl --json task run --no-wait --user nobody /bin/sh -c "setsid '$TEST_DIR/$mark-slow' 300 & wait" | jget 'd["id"]')
wait_for 30 alive slow
ctl task cancel "$id" >/dev/null 2>&1
ok "a cancel does too" wait_for 30 bash -c '! pgrep -f "$1-slow" >/dev/null' _ "$TEST_DIR/$mark"
ok "and the cancelled task says what it killed" \
	bash -c '"$VIGILCTL" --socket "$SOCKET" --json task show "$1" | grep -q "$2-slow"' _ "$id" "$mark"
ok "vigilctl's summary counts what was killed" \
	bash -c '"$VIGILCTL" --socket "$SOCKET" task run /bin/sh -c "sleep 300 & true" 2>&1 >/dev/null | grep -q "1 process"'

# The agent killed outright: the program dies with it (PDEATHSIG), what it started stays in the
# cgroup until the next agent starts and kills it.
id=$(ctl --json task run --no-wait --user nobody /bin/sh -c "setsid '$TEST_DIR/$mark-crash' 300 & wait" | jget 'd["id"]')
wait_for 30 alive crash
old_pid=$AGENT_PID
kill_agent
ok "after the agent was killed, the program's child is still there" alive crash
ok "in the dead agent's cgroup" test -d "$cgroot/vigil-tasks/$old_pid/task-$id"
start_agent || exit 1
ok "the next agent kills it" wait_for 30 bash -c '! pgrep -f "$1-crash" >/dev/null' _ "$TEST_DIR/$mark"
ok "and removes the dead agent's cgroups" test ! -e "$cgroot/vigil-tasks/$old_pid"
new_pid=$AGENT_PID
stop_agent
ok "an agent that stops removes its own" test ! -e "$cgroot/vigil-tasks/$new_pid"
finish
