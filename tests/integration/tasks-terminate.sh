#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# terminate through the real agent and vigilctl: by pid (checked against its start time),
# by executable path and SHA-256, and the processes it must never touch.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"

jget() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$@"; }
# jcheck FILE EXPR: succeeds when EXPR holds for the JSON document in FILE.
jcheck() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' "$@"; }
# gone PID: no such process any more, or a zombie waiting for this shell to reap it.
gone() { ! kill -0 "$1" 2>/dev/null || [ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)" = Z ]; }
alive() { ! gone "$1"; }
start_time() { sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f20; }

plan 17
start_agent || exit 1
pids=()
on_exit 'kill -KILL "${pids[@]}" 2>/dev/null'
ctl settings set tasks.terminate_grace_seconds=2 >/dev/null

sleep 300 & victim=$!
sleep 300 & bystander=$!
pids+=("$victim" "$bystander")
ctl --json task terminate "$victim" >"$TEST_DIR/t.json"
ok "terminate by pid succeeds" test "$(jget "$TEST_DIR/t.json" 'd["state"], d["result"]["pids"][0]["result"]')" = "('succeeded', 'terminated')"
ok "the right process is gone" wait_for 60 gone "$victim"
ok "and only that one" alive "$bystander"

# A pid now used by another process: the start time the server knew no longer matches.
sleep 300 & reused=$!
pids+=("$reused")
real=$(start_time "$reused")
ctl --json task terminate "$reused" --start-time $((real - 1)) >"$TEST_DIR/r.json" 2>/dev/null
ok "a pid whose start time differs is refused" test "$(jget "$TEST_DIR/r.json" 'd["state"], d["result"]["pids"][0]["result"]')" = "('refused', 'refused')"
ok "and the process that has that pid now lives" alive "$reused"
ok "with the right start time it is terminated" status_of ctl task terminate "$reused" --start-time "$real"
ok "and gone" wait_for 60 gone "$reused"

# A program that ignores SIGTERM, three copies of it, and an ordinary sleep beside them.
prog="$TEST_DIR/vigil-test-prog"
cp /bin/sleep "$prog"
copies=()
for i in 1 2 3; do
	(trap '' TERM; exec "$prog" 300) &
	copies+=($!)
done
pids+=("${copies[@]}")
wait_for 60 bash -c '[ "$(pgrep -c -f "^$1 ")" -ge 3 ]' _ "$prog"
ctl --json task terminate --exe "$prog" >"$TEST_DIR/e.json"
ok "--exe names all three copies" \
	jcheck "$TEST_DIR/e.json" 'sorted(p["pid"] for p in d["result"]["pids"]) == sorted(['"$(IFS=,; echo "${copies[*]}")"'])'
ok "they ignored SIGTERM and were killed" \
	jcheck "$TEST_DIR/e.json" 'd["state"] == "succeeded" and all(p["result"] == "killed" for p in d["result"]["pids"])'
ok "all three are gone" wait_for 60 bash -c 'for p; do kill -0 $p 2>/dev/null && [ "$(sed "s/.*) //" /proc/$p/stat | cut -c1)" != Z ] && exit 1; done; exit 0' _ "${copies[@]}"
ok "nothing else was touched" alive "$bystander"

# Content unique to this test, so that no other sleep on the host matches.
cp /bin/sleep "$prog-2"
printf 'vigil-test-%s' "$$" >>"$prog-2"
"$prog-2" 300 & h=$!
pids+=("$h")
ok "--sha256 finds a copy by content" bash -c 'ctl() { "$VIGILCTL" --socket "$SOCKET" "$@"; }; ctl --json task terminate --sha256 "$1" | grep -q "\"pid\": $2,"' _ "$(sha256sum "$prog-2" | cut -d' ' -f1)" "$h"
hash_done() { wait_for 60 gone "$h" && alive "$bystander"; }
ok "and terminates it, and nothing else" hash_done

ctl --json task terminate 1 >"$TEST_DIR/1.json" 2>/dev/null
ok "pid 1 is refused" test "$(jget "$TEST_DIR/1.json" 'd["state"]')" = refused
ctl --json task terminate "$AGENT_PID" >"$TEST_DIR/a.json" 2>/dev/null
ok "the agent's own pid is refused" test "$(jget "$TEST_DIR/a.json" 'd["state"]')" = refused
ok "and the agent still answers" status_of ctl status
kthread=$(ps -eo pid=,comm= | awk '$2 == "kthreadd" { print $1 }')
ctl --json task terminate "${kthread:-2}" >"$TEST_DIR/k.json" 2>/dev/null
ok "a kernel thread is refused" test "$(jget "$TEST_DIR/k.json" 'd["state"]')" = refused
finish
