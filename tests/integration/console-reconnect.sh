# SPDX-License-Identifier: GPL-3.0-or-later
# Stopping the agent shows "not reachable"; restarting it brings the data back without
# restarting the console.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/console-lib.sh"
plan 8

: >"$TEST_DIR/vigild.conf"
start_agent --config "$TEST_DIR/vigild.conf"
start_console LANG=C.UTF-8
ok "connected at first" wait_screen 60 "agent .* connected"
pid_before=$(console_pid)
first_agent=$(ctl --json status | python3 -c 'import json, sys; print(json.load(sys.stdin)["pid"])')
stop_agent
ok "stopping the agent shows that it is not reachable" wait_screen 60 "agent not reachable"
ok "the dashboard says so in words" wait_screen 60 "The agent is not reachable"
keys F9
ok "the other screens too" wait_screen 60 "not reachable"
keys F2
start_agent --config "$TEST_DIR/vigild.conf"
second_agent=$(ctl --json status | python3 -c 'import json, sys; print(json.load(sys.stdin)["pid"])')
ok "the console reconnects by itself" wait_screen 60 "agent .* connected"
ok "the data come back (the new agent's pid)" wait_screen 60 "pid $second_agent"
ok "the same console process all along" sh -c "[ ! -e '$CONSOLE_RC' ] && [ '$(console_pid)' = '$pid_before' ] && [ $first_agent != $second_agent ]"
ok "q quits cleanly" quit_console
finish
