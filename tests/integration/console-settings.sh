# SPDX-License-Identifier: GPL-3.0-or-later
# A setting changed through the console's form reaches the agent (vigilctl settings show),
# a refused value shows the agent's message in the form, and the history shows the change.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
# Room for the list down to link.port, which the test looks for without scrolling.
CONSOLE_ROWS=40
. "$VIGIL_TOP_SRCDIR/tests/integration/console-lib.sh"
plan 18

: >"$TEST_DIR/vigild.conf"
# A drop-in file sets one setting: the console says so under the list.
mkdir -m 755 "$TEST_DIR/vigild.conf.d"
printf '# fleet\n[link]\nsync_period = 6\n' >"$TEST_DIR/vigild.conf.d/10-fleet.conf"
chmod 644 "$TEST_DIR/vigild.conf.d/10-fleet.conf"
start_agent --config "$TEST_DIR/vigild.conf"
# The row of link.port in the list, which follows the order of settings.show.
row=$(ctl --json settings show | python3 -c '
import json, sys
keys = [s["key"] for s in json.load(sys.stdin)]
print(keys.index("link.port"))')

start_console LANG=C.UTF-8
wait_screen 60 "agent .* connected" >/dev/null
keys F9
ok "F9 shows the settings" wait_screen 60 "link.port  *443"
for ((i = 0; i < row; i++)); do keys Down; done
keys Enter
ok "Enter opens the form for the selected setting" wait_screen 60 "Change link.port"
# Editing in the field: UTF-8 characters, Backspace erases a whole character, Left moves by one.
keys C-u 1 é 2
ok "the field shows what is typed, UTF-8 included" wait_screen 60 "Value 1é2 "
keys BSpace BSpace
ok "Backspace erases whole characters" wait_screen 60 "Value 1  "
keys 2 Left 5
ok "Left moves the cursor by one character" wait_screen 60 "Value 152 "
keys C-u 99999 Enter
ok "a refused value shows the agent's message" wait_screen 60 "must be between 1 and 65535"
ok "the refused value did not reach the agent" sh -c "'$VIGILCTL' --socket '$SOCKET' settings show link.port | grep -q 'value: *443$'"
keys C-u 8443 Enter
ok "the console says the setting changed" wait_screen 60 "link.port is now 8443"
ok "and who set it, under the list" wait_screen 60 "Source: vigilctl"
ok "vigilctl settings show has the value set in the form" \
	wait_for 60 sh -c "'$VIGILCTL' --socket '$SOCKET' settings show link.port | grep -q 'value: *8443$'"
# The filter: only the matching settings, Esc shows them all again.
keys /
keys p o r t Enter
ok "/ filters the settings by name" wait_screen 60 "Filter: port"
ok "only the matching settings stay" sh -c "tmux -L $TMUX_NAME capture-pane -p -t console | grep -q 'link.port' &&
	! tmux -L $TMUX_NAME capture-pane -p -t console | grep -q 'link.servers'"
keys Escape
ok "Esc clears the filter" wait_screen 60 "link.servers"
keys / s y n c _ p e r i o d Enter
ok "a value from a drop-in names its file and line" wait_screen 60 "Source: file 10-fleet.conf:3"
keys Escape
# Space switches a true/false setting at once.
keys / r e q u e s t _ l i m i t s Enter
wait_screen 60 "link.request_limits  *true" >/dev/null
keys Space
ok "Space switches a true/false setting" wait_screen 60 "link.request_limits is now false"
ok "and the agent has it" sh -c "'$VIGILCTL' --socket '$SOCKET' settings show link.request_limits | grep -q 'value: *no$'"
keys Escape
keys F11
ok "the history shows the change" wait_screen 60 "link.port: 443 → 8443"
ok "q quits cleanly" quit_console
finish
