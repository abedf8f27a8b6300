#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A task's result is handed to the loop once, when its thread is done with it: task.show and
# task.output never read a result that a task thread may still be writing.  The test agent holds
# the thread at the point where the result is built but not handed over; root and a member of
# the read-only group then ask for the task.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
plan 6

reader_group
use_test_agent
start_agent || exit 1

tcall() { python3 "$VIGIL_TOP_SRCDIR/tests/integration/agent-call.py" "$SOCKET" "$@"; }
waiting() { tcall test.paused '{"point": "task:built"}' | grep -q '"waiting": true'; }
jget() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }

tcall test.pause '{"point": "task:built"}' >/dev/null
id=$(ctl --json task run --no-wait /bin/echo "handed-over-$$" | jget 'd["id"]')
ok "the task's thread holds its built result" wait_for 30 waiting
ctl --json task show "$id" >"$TEST_DIR/root.json"
ok "task show: still running, no result yet" test "$(jget 'd["state"], d["result"]' <"$TEST_DIR/root.json")" = "('running', None)"
out=$(tcall task.output "{\"id\": $id, \"stream\": \"stdout\"}")
ok "task output: nothing of the thread's output" bash -c '[[ "$1" != *"handed-over-"* ]]' _ "$out"
as_reader --json task show "$id" >"$TEST_DIR/member.json"
ok "a member of the read-only group sees no result either" \
	test "$(jget 'd["state"], d["result"]' <"$TEST_DIR/member.json")" = "('running', None)"
tcall test.release '{"point": "task:built"}' >/dev/null
ok "released, the task ends with its result" \
	wait_for 30 bash -c '"$VIGILCTL" --socket "$SOCKET" --json task show "$1" | grep -q "\"succeeded\""' _ "$id"
ok "handed over whole" bash -c '"$VIGILCTL" --socket "$SOCKET" --json task show "$1" | grep -q "handed-over-$2"' _ "$id" "$$"
finish
