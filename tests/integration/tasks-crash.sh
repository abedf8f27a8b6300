#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# kill -9 of the agent during a long run: the program does not outlive its supervisor, and the
# restarted agent does not start it again.  (The journal adds "interrupted" to the task.)
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"

plan 4
marker="vigil-crash-test-$$"
no_proc() { ! pgrep -f "^$1" >/dev/null; }
on_exit 'for p in $(pgrep -f "^$marker"); do kill -KILL "$p"; done'

start_agent || exit 1
ctl task run --no-wait /bin/bash -c "exec -a $marker /bin/sleep 120" >/dev/null
ok "the long run is running" wait_for 5 pgrep -f "^$marker"
kill_agent
ok "kill -9 of the agent takes the program with it" wait_for 5 no_proc "$marker"
start_agent || exit 1
sleep 1
ok "after a restart the program is not started again" no_proc "$marker"
ok "and no task is running" test "$(ctl --json task list --state running | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 0
finish
