#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# run through the real agent and vigilctl: output, exit code, user, environment, timeout, cancel.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"

jget() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$@"; }
# jcheck FILE EXPR: succeeds when EXPR holds for the JSON document in FILE.
jcheck() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' "$@"; }

plan 31
start_agent || exit 1
marker="vigil-run-test-$$"

ctl task run /bin/sh -c 'printf "to stdout\n"; printf "to stderr\n" >&2; exit 7' >"$TEST_DIR/out" 2>"$TEST_DIR/err"
ok "vigilctl prints the program's stdout" test "$(cat "$TEST_DIR/out")" = "to stdout"
ok "its stderr, and the exit code" bash -c 'head -1 "$1" | grep -qx "to stderr" && grep -q "exit code 7" "$1"' _ "$TEST_DIR/err"

# vigilctl's exit status is the program's, as with ssh; 125 when the program did not run.
ok "vigilctl exits with the program's status (3)" test "$(status_of ctl task run /bin/sh -c 'exit 3')" = 3
ok "with --json too (5)" test "$(status_of ctl --json task run /bin/sh -c 'exit 5')" = 5
ok "a program killed by SIGTERM: 128+15" test "$(status_of ctl task run /bin/sh -c 'kill -TERM $$')" = 143
ctl task run /nonexistent/program-$$ >/dev/null 2>"$TEST_DIR/nx.err"
rc=$?
ok "a program that does not exist: 125, the reason on stderr ($rc)" \
	bash -c '[ "$1" = 125 ] && grep -q "no such executable file" "$2"' _ "$rc" "$TEST_DIR/nx.err"
ok "a user that does not exist (no task): 125" test "$(status_of ctl task run --user no-such-user-$$ /bin/true)" = 125
ok "a relative program path (a usage error): 125" test "$(status_of ctl task run bin/true)" = 125
ok "an unknown option: 125" test "$(status_of ctl task run --no-such-option /bin/true)" = 125
ok "the agent cannot be reached: 125" test "$(status_of "$VIGILCTL" --socket "$TEST_DIR/nothing.sock" task run /bin/true)" = 125
ok "--no-wait: 0 once the task is queued" test "$(status_of ctl task run --no-wait /bin/sh -c 'exit 9')" = 0
ctl --json task run /bin/sh -c 'printf "to stdout\n"; printf "to stderr\n" >&2; exit 7' >"$TEST_DIR/r.json"
ok "--json holds exit_code, stdout and stderr" \
	jcheck "$TEST_DIR/r.json" 'd["kind"] == "run" and d["state"] == "succeeded" and d["result"]["exit_code"] == 7 and d["result"]["stdout"] == "to stdout\n" and d["result"]["stderr"] == "to stderr\n"'
ok "arguments reach the program as they are (no shell)" \
	test "$(ctl task run /bin/echo 'a  b' '$HOME' '*' 2>/dev/null)" = 'a  b $HOME *'
ok "options before the program, the program's own after it" \
	test "$(ctl task run -- /usr/bin/env -u PATH --help 2>/dev/null | head -c 5)" = "Usage"
ok "--user runs as that user (setuid, setgid, groups)" \
	test "$(ctl task run --user nobody /usr/bin/id -u 2>/dev/null)-$(ctl task run --user nobody /usr/bin/id -G 2>/dev/null)" = "65534-65534"
ok "--env and --cwd" \
	test "$(ctl task run --env VIGIL_T=x1 --cwd /tmp /bin/sh -c 'echo $VIGIL_T $(pwd)' 2>/dev/null)" = "x1 /tmp"
ok "the environment is clean (nothing of the agent's)" \
	test "$(ctl task run /usr/bin/env 2>/dev/null | grep -c '^VIGIL_SOCKET=')" = 0
state_of() { "$VIGILCTL" --socket "$SOCKET" --json task run "$@" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])'; }
ok "/proc/self/exe (the agent itself) is refused" test "$(state_of /proc/self/exe --help)" = refused
ok "the agent's binary is refused" test "$(state_of "$(agent_exe)" --version)" = refused
ok "an unknown user is an error before any task exists" \
	eval 'ctl task run --user no-such-user-$$ /bin/true 2>&1 | grep -q "no user \"no-such-user-$$\" on this host"'

head -c 3000000 /dev/zero | tr '\0' a >"$TEST_DIR/zeros"
ctl --json task run /bin/cat "$TEST_DIR/zeros" >"$TEST_DIR/big.json"
ok "output is kept up to 1 MiB and marked as cut" \
	jcheck "$TEST_DIR/big.json" 'd["result"]["stdout"] == "a" * 1048576 and d["result"]["stdout_truncated"]'

# Killed at its 2-second timeout, not at the end of its 5 minutes (the bound is a failure limit).
start=$(date +%s)
ctl --json task run --timeout 2 /bin/bash -c "exec -a $marker /bin/sleep 300" >"$TEST_DIR/t.json" 2>/dev/null
rc=$?
took=$(( $(date +%s) - start ))
ok "a sleeping child is killed at its timeout ($took s)" \
	test "$(jget "$TEST_DIR/t.json" 'd["state"], d["result"]["signal"]')" = "('timed_out', 'SIGKILL')" -a "$took" -lt 120
ok "vigilctl then exits 124, as timeout(1) ($rc)" test "$rc" = 124
# exec -a names the sleep after the marker: its command line starts with it, no other does.
no_proc() { ! pgrep -f "^$1" >/dev/null; }
ok "and nothing of it is left" no_proc "$marker"

id=$(ctl --json task run --no-wait /bin/bash -c "exec -a $marker-c /bin/sleep 600" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
wait_for 60 pgrep -f "^$marker-c"
ctl task cancel "$id" >/dev/null
ok "a running task is cancelled" wait_for 60 bash -c 'ctl() { "$VIGILCTL" --socket "$SOCKET" "$@"; }; ctl --json task show "$1" | grep -q "\"state\": \"cancelled\""' _ "$id"
ok "and its process is killed" wait_for 60 no_proc "$marker-c"

# Ctrl-C while vigilctl waits cancels the task.  (A background job ignores SIGINT: restore it.)
python3 -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])' \
	"$VIGILCTL" --socket "$SOCKET" task run /bin/bash -c "exec -a $marker-i /bin/sleep 600" >/dev/null 2>"$TEST_DIR/int.err" &
waiting=$!
wait_for 60 pgrep -f "^$marker-i"
kill -INT "$waiting"
wait "$waiting"
rc=$?
# The program was killed (SIGKILL): 128+9.
ok "Ctrl-C while waiting cancels the task ($rc)" bash -c '[ "$1" = 137 ] && grep -q "cancelling task" "$2" && grep -q "cancelled" "$2"' _ "$rc" "$TEST_DIR/int.err"
ok "and kills its program" wait_for 60 no_proc "$marker-i"

# Every task thread busy (4): a fifth task waits in the queue, and a cancel there means it never starts.
newtask() { ctl --json task run --no-wait /bin/bash -c "exec -a $1 /bin/sleep 600" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'; }
busy=()
for i in 1 2 3 4; do busy+=("$(newtask "$marker-b$i")"); done
running() { [ "$(ctl --json task list --state running | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 4 ]; }
wait_for 60 running
queued=$(newtask "$marker-q")
ok "a fifth task waits in the queue" bash -c '"$VIGILCTL" --socket "$SOCKET" --json task show "$1" | grep -q "\"state\": \"queued\""' _ "$queued"
ctl task cancel "$queued" >/dev/null
ctl --json task show "$queued" >"$TEST_DIR/q.json"
ok "cancelled in the queue, it never started" jcheck "$TEST_DIR/q.json" 'd["state"] == "cancelled" and d["started"] is None'
for id in "${busy[@]}"; do ctl task cancel "$id" >/dev/null; done
ok "and its program never ran" no_proc "$marker-q"
finish
