# SPDX-License-Identifier: GPL-3.0-or-later
# A stalled agent (SIGSTOP) never freezes the console: the keys still work, the title bar says
# that it waits for the agent, and everything comes back when the agent goes on (SIGCONT).
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
# Room for the list down to link.port, which the test looks for without scrolling.
CONSOLE_ROWS=40
. "$VIGIL_TOP_SRCDIR/tests/integration/console-lib.sh"
plan 6

: >"$TEST_DIR/vigild.conf"
start_agent --config "$TEST_DIR/vigild.conf"
start_console LANG=C.UTF-8
wait_screen 60 "Agent  *active" >/dev/null
kill -STOP "$AGENT_PID"
on_exit kill -CONT "$AGENT_PID"
keys F9
ok "with the agent stopped, a key still switches the screen at once" wait_screen 60 "Vigil console — Settings"
ok "the title bar says the console waits for the agent" wait_screen 60 "waiting for the agent ([0-9]* s)"
keys F1
ok "the help still opens" wait_screen 60 "F10 *Quit the console"
keys F9
kill -CONT "$AGENT_PID"
ok "when the agent goes on, the settings arrive" wait_screen 60 "link.port  *[0-9]"
ok "and the title bar is back to normal" wait_screen 60 "agent .* connected *$"
ok "q quits cleanly" quit_console
finish
