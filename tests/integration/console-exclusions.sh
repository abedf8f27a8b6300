# SPDX-License-Identifier: GPL-3.0-or-later
# The exclusions screen: an exclusion added through its form (two AND-ed conditions) shows in
# `vigilctl telemetry exclusion list`; a bad port is refused in the form; x removes it.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/console-lib.sh"
plan 7

: >"$TEST_DIR/vigild.conf"
start_agent --config "$TEST_DIR/vigild.conf"
comment="console-excl-$$"
start_console LANG=C.UTF-8
wait_screen 60 "agent .* connected" >/dev/null
keys F8
ok "F8 shows the exclusions screen" wait_screen 60 "No exclusion"
keys a
ok "a opens the exclusion form" wait_screen 60 "Add a telemetry exclusion"
# exe, cmdline, user, sha256, type, remote ip, remote port, path prefix, comment
keys -l "/usr/bin/backup*"
keys Tab Tab root Tab Tab Tab Tab 99999 Tab Tab
keys -l "$comment"
keys Enter
ok "a bad port is refused in the form" wait_screen 60 "remote port is a number"
keys BTab BTab BSpace BSpace BSpace BSpace BSpace Enter
ok "the exclusion shows with its AND-ed conditions" wait_screen 60 "exe=/usr/bin/backup\* AND user=root .*$comment"
ok "vigilctl telemetry exclusion list has it" \
	sh -c "'$VIGILCTL' --socket '$SOCKET' --json telemetry exclusion list | grep -q '$comment'"
keys Home x
wait_screen 60 "Remove exclusion" >/dev/null
keys Enter
ok "x removes it" wait_screen 60 "No exclusion"
ok "q quits cleanly" quit_console
finish
