#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# kill -9 of the agent during a long run: the program does not outlive its supervisor, the
# restarted agent does not start it again, and the task journal shows the task as interrupted.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"

plan 8
marker="vigil-crash-test-$$"
no_proc() { ! pgrep -f "^$1" >/dev/null; }
jfield() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(d'"$1"')'; }
on_exit 'for p in $(pgrep -f "^$marker"); do kill -KILL "$p"; done'

start_agent || exit 1
ctl --json task run /bin/true | jfield '["id"]' >"$TEST_DIR/first"
id=$(ctl --json task run --no-wait /bin/bash -c "exec -a $marker /bin/sleep 600" | jfield '["id"]')
diag "long task: $id (after task $(cat "$TEST_DIR/first"))"
ok "the journal numbers the tasks" test "$id" -gt "$(cat "$TEST_DIR/first")"
ok "the long run is running" wait_for 60 pgrep -f "^$marker"
kill_agent
ok "kill -9 of the agent takes the program with it" wait_for 60 no_proc "$marker"
start_agent || exit 1
# The tasks subsystem marks what the dead agent left running as interrupted when it starts,
# before the agent answers: from then on nothing would start the program again.
ok "task show says the task was interrupted" \
	test "$(ctl --json task show "$id" | jfield '["state"]')" = interrupted
ok "after a restart the program is not started again" no_proc "$marker"
ok "and no task is running" test "$(ctl --json task list --state running | jfield '.__len__()')" = 0
ok "task list shows it interrupted too" \
	test "$(ctl --json task list --state interrupted | jfield '[0]["id"]')" = "$id"
next=$(ctl --json task run /bin/true | jfield '["id"]')
ok "ids keep growing across restarts" test "$next" -gt "$id"
finish
