# SPDX-License-Identifier: GPL-3.0-or-later
# The isolation screen: an exception added through the form shows in `vigilctl isolation
# exception list`, and is removed through the screen.  Isolation itself is never turned on here
# (it would cut the test host): the on form is opened and cancelled at its confirmation.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/console-lib.sh"
plan 9

: >"$TEST_DIR/vigild.conf"
start_agent --config "$TEST_DIR/vigild.conf"
comment="console-exc-$$"
start_console LANG=C.UTF-8
wait_screen 60 "agent .* connected" >/dev/null
keys F6
ok "F6 shows the isolation screen, off" wait_screen 60 "Isolation: off"
ok "with the profiles" wait_screen 60 "\[.\] ipv6-nd"
keys a
ok "a opens the exception form" wait_screen 60 "Add an exception"
# direction, protocol, remote, remote port, local port, comment
keys C-u out Tab C-u tcp Tab 192.0.2.0/24 Tab 443 Tab Tab
keys -l "$comment"
keys Enter
ok "the exception shows in the table" wait_screen 60 "out *tcp *192.0.2.0/24 *443 .*$comment"
ok "vigilctl isolation exception list has it" \
	sh -c "'$VIGILCTL' --socket '$SOCKET' --json isolation exception list | grep -q '$comment'"
# The on form asks for a confirmation that shows the warnings; Esc there changes nothing.
keys i
wait_screen 60 "Isolate this host" >/dev/null
keys Tab -l "test"
keys Enter
ok "turning isolation on asks for a confirmation with the warnings" wait_screen 60 "Isolate this host now?"
keys Escape
ok "Esc leaves the host open" sh -c "'$VIGILCTL' --socket '$SOCKET' --json isolation status | grep -q '\"state\": *\"off\"'"
# x removes the selected exception after a confirmation.
keys Home x
wait_screen 60 "Remove exception" >/dev/null
keys Enter
ok "x removes the exception" wait_screen 60 "No exception"
ok "q quits cleanly" quit_console
finish
