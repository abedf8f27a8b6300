# SPDX-License-Identifier: GPL-3.0-or-later
# A member of the agent's group sees everything and gets a clear message when trying to change.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
# Room for the list down to link.port, which the test looks for without scrolling.
CONSOLE_ROWS=40
. "$VIGIL_TOP_SRCDIR/tests/integration/console-lib.sh"
plan 14

group="vgc$$"
groupadd "$group" || { echo "Bail out! cannot create a test group"; exit 1; }
on_exit groupdel "$group"
gid=$(getent group "$group" | cut -d: -f3)
printf '[agent]\ngroup = %s\n' "$group" >"$TEST_DIR/vigild.conf"
start_agent --config "$TEST_DIR/vigild.conf"

CONSOLE_PREFIX=(setpriv --reuid=65534 --regid=65534 --groups="$gid" --)
start_console LANG=C.UTF-8
ok "a group member connects, read-only" wait_screen 60 "agent .* connected (read-only)"
ok "and sees the dashboard" wait_screen 60 "Agent  *active"
keys F9
ok "and the settings" wait_screen 60 "link.port  *443"
keys Enter
ok "Enter on a setting says that only root can change it" wait_screen 60 "Read-only access: only root can change this"
ok "nothing changed" sh -c "'$VIGILCTL' --socket '$SOCKET' settings show link.port | grep -q 'value: *443$'"
keys F4
ok "the tasks screen shows the history to a group member" wait_screen 60 "No task yet"
keys x
ok "a new task says that only root can start one" wait_screen 60 "Read-only access: only root can change this"
keys F5
wait_screen 60 "IOC files: none" >/dev/null
keys s
ok "a scan says that only root can start one" wait_screen 60 "Read-only access: only root can change this"
# refused_form TITLE: the key was answered with the read-only message (switching screens
# clears the message line, so the message answers this key), and no form titled TITLE opened.
refused_form() { wait_screen 60 "Read-only access: only root can change this" && ! screen_has "$1"; }
keys F3
ok "a group member follows the live telemetry" wait_screen 60 "Waiting for events"
keys F6
ok "and sees the isolation screen" wait_screen 60 "Isolation: off"
keys a
ok "but gets no exception form" refused_form "Add an exception"
keys F8
wait_screen 60 "No exclusion" >/dev/null
keys a
ok "nor an exclusion form" refused_form "Add a telemetry exclusion"
keys F7
wait_screen 60 "No server: press a" >/dev/null
keys p
ok "nor a proxy form" refused_form "URL (http"
ok "q quits cleanly" quit_console
finish
