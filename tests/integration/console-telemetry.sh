# SPDX-License-Identifier: GPL-3.0-or-later
# The telemetry screen: events made by the test (the test agent's test.emit, no audit needed)
# appear in the live view; the filter narrows them; the type toggle hides them; pause holds them back.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
# Room in the detail pane for a whole test event down to its message (OCSF: device, finding).
CONSOLE_ROWS=50
. "$VIGIL_TOP_SRCDIR/tests/integration/console-lib.sh"
plan 13
use_test_agent

: >"$TEST_DIR/vigild.conf"
start_agent --config "$TEST_DIR/vigild.conf"
start_console LANG=C.UTF-8
wait_screen 60 "agent .* connected" >/dev/null
keys F3
ok "F3 shows the live view, subscribed" wait_screen 60 "Waiting for events"
# Two detection findings (their line shows the message); their uids tell them apart.
uids=$(test_emit 2 2004 | tr -d ' \n' | grep -o '"test-[^"]*"' | tr -d '"')
first=$(echo "$uids" | sed -n 1p)
second=$(echo "$uids" | sed -n 2p)
[ -n "$first" ] && [ -n "$second" ] || diag "test.emit gave no uids: $uids"
ok "the events made by the test appear in the live view" \
	wait_for 60 sh -c "[ \$(tmux -L '$TMUX_NAME' capture-pane -p -t console | grep -c 'detection .*test event') -ge 2 ]"
ok "the detail pane shows the selected (newest) event" wait_screen 60 '"message": "test event'
# Enter: the whole event over the screen; Down scrolls it.
keys Enter Down Down Down Down Down Down
ok "Enter shows the whole event, to its uid" wait_screen 60 "\"uid\": \"$second\""
keys Escape
# The filter: only the first event is left.
keys /
wait_screen 60 "Filter the events" >/dev/null
keys -l "$first"
keys Enter
ok "the filter line shows the filter" wait_screen 60 "filter: $first"
ok "the filter narrows the list to one event" \
	wait_for 60 sh -c "[ \$(tmux -L '$TMUX_NAME' capture-pane -p -t console | grep -c 'detection .*test event') -eq 1 ]"
keys Enter Down Down Down Down Down Down
ok "and the detail shows that event" wait_screen 60 "\"uid\": \"$first\""
keys Escape
# Esc clears the filter; o hides the "other" type.
keys Escape o
ok "the type toggle hides the other events" wait_screen 60 "No event matches the filter"
keys o
# Pause: a new event is held back and counted.
keys Space
test_emit 1 2004 >/dev/null
ok "pause holds new events back and counts them" wait_screen 60 "PAUSED (1 not shown)"
keys Space
# The mouse: one click on the first event selects it, a second one shows it whole.
click 30 4
click 30 4
keys Down Down Down Down Down Down
ok "two clicks on the first event show it whole" wait_screen 60 "\"uid\": \"$first\""
keys Escape
# Each row says what happened: a create is not an update, and a detection says it is one.
test_emit 1 1001 >/dev/null
test_emit 1 2004 >/dev/null
ok "a file event's row shows its activity" wait_screen 60 "^ [0-9:]*  *file  *create  "
ok "an event of another class shows its type and activity" wait_screen 60 "^ [0-9:]*  *detection  *create  .*test event"
ok "q quits cleanly" quit_console
finish
