# SPDX-License-Identifier: GPL-3.0-or-later
# A user outside the agent's group: the console says why in words (not "the host may not be
# protected"), in the user's language, and stops trying; r tries again, once.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/console-lib.sh"
plan 10

group="vgr$$"
groupadd "$group" || { echo "Bail out! cannot create a test group"; exit 1; }
on_exit groupdel "$group"
printf '[agent]\ngroup = %s\n' "$group" >"$AGENT_CONFIG"
start_agent
chmod 755 "$TEST_DIR"
NBSP=$'\xc2\xa0'
CONSOLE_PREFIX=(setpriv --reuid=65534 --regid=65534 --clear-groups --)

# The socket's mode keeps the stranger out: connect() itself is refused.
start_console LANG=C.UTF-8
ok "the console says the user is not in the agent's group" wait_screen 60 "permission denied: you are not in group $group"
ok "and not that the host may be unprotected" screen_lacks "the host may not be protected"
ok "the title bar says access is refused" wait_screen 60 "access refused"
ok "the message line says it too, and that r tries again" wait_screen 60 "^ permission denied: you are not in group $group; r: try again"
kill_tmux

# With the socket opened to everyone, the agent itself refuses, and logs each attempt: the
# console tries once, then waits for r.
chmod 666 "$SOCKET"
refusals() { grep -c 'refused "hello" to uid 65534' "$AGENT_LOG"; }
start_console LANG=C.UTF-8 LANGUAGE=fr
ok "in French: permission refusée, not in the group" wait_screen 60 "permission refusée${NBSP}: vous n’êtes pas dans le groupe $group"
refused_at_least() { [ "$(refusals)" -ge "$1" ]; }
ok "one attempt, refused" wait_for 60 refused_at_least 1
first=$(refusals)
# Longer than the console's longest back-off (3 s): a console that retried would have.
sleep 4  # a measured period, not a wait
ok "no more attempts without a key" test "$(refusals)" = "$first"
keys r
ok "r tries again" wait_for 60 refused_at_least $((first + 1))
ok "once" eval 'sleep 4; test "$(refusals)" = $((first + 1))'  # a measured period, not a wait
ok "and the console still explains" wait_screen 60 "permission refusée${NBSP}: vous n’êtes pas dans le groupe $group"
finish
