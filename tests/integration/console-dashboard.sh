# SPDX-License-Identifier: GPL-3.0-or-later
# The dashboard shows the agent's version and the state of every part; help, tabs, quit.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/console-lib.sh"
plan 11

: >"$TEST_DIR/vigild.conf"
start_agent --config "$TEST_DIR/vigild.conf"
version=$(ctl --json status | python3 -c 'import json, sys; print(json.load(sys.stdin)["version"])')
pid=$(ctl --json status | python3 -c 'import json, sys; print(json.load(sys.stdin)["pid"])')

ok "--version names the program" sh -c "'$VIGIL_CONSOLE' --version | grep -q '^vigil-console '"
ok "--help shows the options" sh -c "'$VIGIL_CONSOLE' --help | grep -q -- '--socket PATH'"

start_console LANG=C.UTF-8
ok "the dashboard shows the agent's version" wait_screen 60 "Version  *$version"
ok "the title bar says the agent is connected" wait_screen 60 "agent $version connected"
ok "the dashboard shows the agent's pid" wait_screen 60 "Process id  *$pid"
# Every part of the status command has its line, available or not.
ok "one line per part of the agent" sh -c "
	for part in Telemetry 'Server link' Isolation Tasks 'IOC scans' Exports; do
		tmux -L $TMUX_NAME capture-pane -p -t console | grep -q \"^   \$part \" || exit 1
	done"
ctl settings set export.jsonl.path="$TEST_DIR/events.jsonl" >/dev/null
ok "one line per export sink that is on" wait_screen 60 "jsonl: up to date, 0 delivered, 0 lost"
ok "the sinks that are off on one line" wait_screen 60 "off: syslog, relp"
keys F1
ok "F1 shows the help generated from the key table" wait_screen 60 "F10 *Quit the console"
keys Tab
ok "Tab goes on to the next screen" wait_screen 60 "Vigil console — Dashboard"
ok "q quits cleanly" quit_console
finish
