# SPDX-License-Identifier: GPL-3.0-or-later
# The terminal side: mouse clicks on tabs and rows, colours and NO_COLOR, UTF-8 lines and the
# ASCII fallback.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
# Room for the list down to link.port, which the test looks for without scrolling.
CONSOLE_ROWS=40
. "$VIGIL_TOP_SRCDIR/tests/integration/console-lib.sh"
plan 10

# The screen with its attributes, and whether it uses colours (SGR 30-37 or 40-47).
coloured() { tmx capture-pane -e -p -t console | grep -qP '\e\[([0-9]+;)*(3[0-7]|4[0-7])(;[0-9]+)*m'; }

: >"$TEST_DIR/vigild.conf"
start_agent --config "$TEST_DIR/vigild.conf"
row=$(ctl --json settings show | python3 -c '
import json, sys
print([s["key"] for s in json.load(sys.stdin)].index("link.port"))')

start_console LANG=C.UTF-8
wait_screen 60 "Agent  *active" >/dev/null
tabs=$(screen | tail -1)
before=${tabs%%F9 *}
click $((${#before} + 3)) $((CONSOLE_ROWS - 1))
ok "a click on a tab shows its screen" wait_screen 60 "Vigil console — Settings"
# The list arrives from the agent after the screen: click only once it is there.
wait_screen 60 "link.port" >/dev/null
# The list starts under the column headings: row 0 of the body is the heading.
click 5 $((2 + row))
# Selected: its help shows under the list.  Only then is "no form" worth checking.
wait_screen 60 "Port of the central server" >/dev/null
ok "one click on a row only selects it" sh -c "! tmux -L $TMUX_NAME capture-pane -p -t console | grep -q 'Change link.port'"
click 5 $((2 + row))
ok "a second click on the selected row opens it" wait_screen 60 "Change link.port"
keys Escape
ok "with colours by default" coloured
ok "UTF-8 line drawing in a UTF-8 locale" wait_screen 60 "────"
ok "q quits cleanly" quit_console
kill_tmux

start_console LANG=C.UTF-8 NO_COLOR=1
wait_screen 60 "Agent  *active" >/dev/null
ok "NO_COLOR: no colours at all" sh -c "! { $(declare -f tmx coloured); TMUX_NAME=$TMUX_NAME; coloured; }"
ok "NO_COLOR: q quits cleanly" quit_console
kill_tmux

start_console LANG=C LC_ALL=C
wait_screen 60 "Agent  *active" >/dev/null
keys F9
ok "a non-UTF-8 locale: ASCII lines" wait_screen 60 "^-----"
ok "ASCII: q quits cleanly" quit_console
finish
