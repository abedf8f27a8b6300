# SPDX-License-Identifier: GPL-3.0-or-later
# The list widget that every screen shares, seen on the settings, the exclusions and the help:
# the page keys scroll past a page, "/" narrows the rows, a click selects the row it is on (also
# after scrolling), and what the screen does next acts on that row.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/console-lib.sh"
plan 17

call() { python3 "$VIGIL_TOP_SRCDIR/tests/integration/agent-call.py" "$SOCKET" "$@"; }

: >"$TEST_DIR/vigild.conf"
start_agent --config "$TEST_DIR/vigild.conf"
# The settings in the order of the list.
mapfile -t setting < <(ctl --json settings show | python3 -c '
import json, sys
for s in json.load(sys.stdin): print(s["key"])')
# 100x30: 27 body rows, 4 of them under the list, one for the headings: 22 rows a page.
page=22
[ "${#setting[@]}" -gt $((page + 1)) ] || diag "only ${#setting[@]} settings: no second page"

start_console LANG=C.UTF-8
wait_screen 60 "agent .* connected" >/dev/null
keys F9
wait_screen 60 "^  ${setting[0]}\b" >/dev/null
# PgDn: the selection moves by a page, the first row scrolls out of view.
keys PgDn
ok "settings: PgDn scrolls the first row out of view" wait_for 60 screen_lacks "^  ${setting[0]}\b"
ok "settings: the row a page down is in view" screen_has "^  ${setting[$page]}\b"
keys Enter
ok "settings: Enter acts on the row a page down" wait_screen 60 "Change ${setting[$page]} "
keys Escape
# A click on a row of the scrolled list selects that row: a second click opens it.
# The rows start under the heading (screen row 2); the view begins at the second setting.
click 10 $((2 + 5 - 1))
# Selected once its help shows under the list: only then is "nothing opened" worth checking.
help5=$(ctl --json settings show | python3 -c 'import json,sys; print(json.load(sys.stdin)[5]["help"][:60])')
wait_for 60 sh -c "tmux -L '$TMUX_NAME' capture-pane -p -t console | grep -qF -- \"\$1\"" _ "$help5"
ok "settings: one click selects, opens nothing" screen_lacks "Change "
click 10 $((2 + 5 - 1))
ok "settings: a second click on the row clicked opens that row" wait_screen 60 "Change ${setting[5]} "
keys Escape
keys End
# The last setting may be marked changed ("*"): the tests turn the heartbeat off.
ok "settings: End shows the last row" wait_screen 60 "^[ *] ${setting[${#setting[@]} - 1]}\b"
keys Home
ok "settings: Home the first one" wait_screen 60 "^  ${setting[0]}\b"
# "/": only the matching rows, the keys act on them.
keys / t a s k s .
keys Enter Down Enter
second_task=$(printf '%s\n' "${setting[@]}" | grep '^tasks\.' | sed -n 2p)
ok "settings: in the filtered rows, Down and Enter open the second match" wait_screen 60 "Change $second_task "
keys Escape Escape

# The exclusions: forty of them, more than a page (25 rows at 100x30).
for i in $(seq 1 40); do
	call telemetry.exclusion.add "{\"exe\": \"/usr/bin/tool-$i\", \"comment\": \"c-$i\"}" >/dev/null ||
		diag "exclusion $i not added"
done
keys F8
wait_screen 60 "/usr/bin/tool-1 " >/dev/null
keys PgDn
ok "exclusions: PgDn scrolls the first one out of view" wait_for 60 screen_lacks "tool-1 "
ok "exclusions: the 26th is in view" screen_has "tool-26 "
keys / c - 3
ok "exclusions: / shows what is typed" wait_screen 60 "Filter: c-3"
ok "exclusions: only the matching ones stay" wait_for 60 sh -c "
	s=\$(tmux -L $TMUX_NAME capture-pane -p -t console)
	echo \"\$s\" | grep -q 'tool-30 ' && echo \"\$s\" | grep -q 'tool-3 ' && ! echo \"\$s\" | grep -q 'tool-4 '"
# Enter keeps the filter; the second row is c-30; x removes what is selected.
keys Enter Down x
wait_screen 60 "Remove exclusion" >/dev/null
keys Enter
ok "exclusions: x on the second filtered row removes that exclusion" wait_for 60 sh -c "
	'$VIGILCTL' --socket '$SOCKET' --json telemetry exclusion list | grep -q '\"c-31\"' &&
	! '$VIGILCTL' --socket '$SOCKET' --json telemetry exclusion list | grep -q '\"c-30\"'"
keys Escape
wait_for 60 screen_lacks "Filter: c-3" || diag "Esc did not clear the filter"
# A click selects the fifth row (screen row 2 + 4); x then names it.
keys Home
wait_screen 60 "tool-1 " >/dev/null
# (The console takes the click, then the key, in order.)
click 10 6
keys x
ok "exclusions: a click selects the row it is on" wait_screen 60 "Remove exclusion 5?"
keys Escape

# The help is a list too: "/" finds a key.
keys F1
wait_screen 60 "Quit the console" >/dev/null
keys / q u i t
ok "help: / keeps the lines that match" wait_for 60 sh -c "
	s=\$(tmux -L $TMUX_NAME capture-pane -p -t console)
	echo \"\$s\" | grep -q 'F10 *Quit the console' && ! echo \"\$s\" | grep -q 'Show this help'"
keys Escape
ok "help: Esc shows every line again" wait_screen 60 "Show this help"
ok "q quits cleanly" quit_console
finish
