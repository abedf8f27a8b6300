# SPDX-License-Identifier: GPL-3.0-or-later
# Resizing the window down to 80x24 and back leaves a whole, correct screen each time.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/console-lib.sh"
plan 11

# check_screen ROWS: the title on the first row, the tabs on the last, the dashboard between,
# nothing drawn twice.
check_screen() {
	local rows=$1 text
	text=$(screen)
	[ "$(printf '%s\n' "$text" | wc -l)" -eq "$rows" ] || { diag "not $rows rows"; return 1; }
	printf '%s\n' "$text" | head -1 | grep -q '^ Vigil console — Dashboard .* connected *$' || { diag "title"; return 1; }
	# The tabs: the active one whole; those that do not fit are behind a mark, never cut.
	printf '%s\n' "$text" | tail -1 | grep -qE '^F2 Dashboard F3 Telemetry .*(F1 Help|▶) *$' || { diag "tabs"; return 1; }
	[ "$(printf '%s\n' "$text" | grep -c 'Agent  *active')" -eq 1 ] || { diag "agent"; return 1; }
	printf '%s\n' "$text" | grep -q '^ [●○] IOC scans ' || { diag "parts"; return 1; }
}

: >"$TEST_DIR/vigild.conf"
start_agent --config "$TEST_DIR/vigild.conf"
start_console LANG=C.UTF-8
wait_screen 60 "Agent  *active" >/dev/null
ok "100x30: a whole screen" check_screen 30
tmx resize-window -t console -x 80 -y 24
ok "80x24: a whole screen" wait_for 60 check_screen 24
ok "80x24: the screen stays whole" check_screen 24
# Eleven tabs do not fit in 80 columns: the bar scrolls to keep the active one whole.
last_tab_shown() { screen | tail -1 | grep -qE '^◀ .*F1 Help *$'; }
keys F1
ok "80x24: the last tab, when active, is shown whole after a mark" wait_for 60 last_tab_shown
keys F2
ok "80x24: back on the dashboard, the bar starts again at its first tab" wait_for 60 check_screen 24
tmx resize-window -t console -x 60 -y 20
ok "smaller than 80x24: the console says so" wait_screen 60 "too small"
tmx resize-window -t console -x 80 -y 24
ok "back to 80x24" wait_for 60 check_screen 24
tmx resize-window -t console -x 132 -y 43
ok "132x43: a whole screen" wait_for 60 check_screen 43
keys F9
ok "132x43: the settings fill the width" wait_screen 60 "link.port  *443"
keys F2
tmx resize-window -t console -x 100 -y 30
ok "back to 100x30" wait_for 60 check_screen 30
ok "q quits cleanly" quit_console
finish
