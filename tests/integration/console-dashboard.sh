# SPDX-License-Identifier: GPL-3.0-or-later
# The dashboard: one row per part with its state word and its numbers, problems as sentences,
# history graphs (block characters, ASCII outside UTF-8), the detail of a part on Enter; no
# raw value (epoch dates, -1, null, JSON) anywhere; help, tabs, quit.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/console-lib.sh"
plan 23

use_test_agent
: >"$TEST_DIR/vigild.conf"
start_agent --config "$TEST_DIR/vigild.conf"
version=$(ctl --json status | python3 -c 'import json, sys; print(json.load(sys.stdin)["version"])')
pid=$(ctl --json status | python3 -c 'import json, sys; print(json.load(sys.stdin)["pid"])')

ok "--version names the program" sh -c "'$VIGIL_CONSOLE' --version | grep -q '^vigil-console '"
ok "--help shows the options" sh -c "'$VIGIL_CONSOLE' --help | grep -q -- '--socket PATH'"

start_console LANG=C.UTF-8
ok "the title bar says the agent is connected" wait_screen 60 "agent $version connected"
ok "the agent's row: running, since when, its pid" wait_screen 60 "^ ● Agent  *active  *since [0-9:]* (.* ago), pid $pid"
# Every part of the status command has its row, with a state word.
ok "one row per part, each with its state" sh -c "
	for part in 'Telemetry  *off' 'Server link  *not configured' 'Isolation  *off' 'Tasks  *idle' 'IOC scans  *idle' 'Exports  *off'; do
		tmux -L $TMUX_NAME capture-pane -p -t console | grep -q \"^ [●○] \$part\" || exit 1
	done"
ok "a fresh agent's isolation is off, no date, no raw value" sh -c "
	s=\$(tmux -L $TMUX_NAME capture-pane -p -t console)
	printf '%s\n' \"\$s\" | grep -q '^ ○ Isolation  *off *\$' &&
	! printf '%s\n' \"\$s\" | grep -qE '1970|null| -1|\\{|\"'"
ctl settings set export.jsonl.path="$TEST_DIR/events.jsonl" >/dev/null
ok "an export that is on: its line says how it delivers" \
	wait_screen 60 "^ ● Exports  *delivering  *JSON Lines: up to date, [0-9]* delivered, 0 lost"
ctl settings set export.jsonl.path= >/dev/null
ok "and off again" wait_screen 60 "^ ○ Exports  *off"
ok "the graphs' heading says how far back they go" wait_screen 60 "History: the last .*, one column every 2 s"

# Events make the graphs rise: events per second, the spool, the events waiting to be sent.
test_emit 300 >/dev/null
emit_and_look() { test_emit 300 >/dev/null; screen | grep -q '[▁▂▃▄▅▆▇█]'; }
ok "events draw bars of block characters" wait_for 60 emit_and_look
ok "the spool's graph shows its depth" wait_for 60 sh -c "tmux -L $TMUX_NAME capture-pane -p -t console | grep -E '^   Spool  .*[▁▂▃▄▅▆▇█] +[0-9]+ *\$' | grep -q ."
ok "the events waiting to be sent too" wait_for 60 sh -c "tmux -L $TMUX_NAME capture-pane -p -t console | grep -E '^   To send  .*[▁▂▃▄▅▆▇█] +[0-9]+ *\$' | grep -q ."

# A problem is a sentence under the parts.
ctl settings set link.system_ca=yes >/dev/null
ctl server add 127.0.0.1:9 >/dev/null
ok "the server link waits to retry" wait_screen 60 "^ ● Server link  *waiting to retry  *127.0.0.1:9; last contact never"
ok "and its problem is a sentence" wait_screen 60 "^   Server link: "

# Enter opens a part: every detail, labelled.
keys Home Enter
ok "Enter on the agent shows its details" wait_screen 60 "State directory: *$STATE_DIR"
keys Escape
keys Down Enter
ok "Enter on telemetry shows its counters" wait_screen 60 "Last written to the spool: "
ok "with no raw value" sh -c "! tmux -L $TMUX_NAME capture-pane -p -t console | grep -qE '1970|null|\\{'"
keys Escape
ok "Esc goes back to the parts" wait_screen 60 "History: the last"

keys F1
ok "F1 shows the help generated from the key table" wait_screen 60 "F10 *Quit the console"
keys Tab
ok "Tab goes on to the next screen" wait_screen 60 "Vigil console — Dashboard"
ok "q quits cleanly" quit_console

# Outside UTF-8 the graphs are ASCII.
kill_tmux
start_console LANG=C
wait_screen 60 "Agent  *active" >/dev/null
test_emit 300 >/dev/null
ascii_bars() { test_emit 300 >/dev/null; screen | grep -E '^   Spool  ' | grep -q '[.:|#]'; }
ok "a non-UTF-8 terminal gets ASCII bars" eval 'wait_for 60 ascii_bars && ! screen | grep -q "[▁▂▃▄▅▆▇█]"'
# Quit, rather than leave the console to the cleanup's kill-server (a hang-up under the
# sanitizers once left it spinning in the leak check).
ok "q quits cleanly there too" quit_console
finish
