# SPDX-License-Identifier: GPL-3.0-or-later
# The servers screen: a server added through the form shows in `vigilctl server list`; "check
# now" shows each step (a port on loopback where nothing listens: the tcp step fails); the
# proxy form's password is never shown back; a server's CA imported through the file picker.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/console-lib.sh"
plan 9

: >"$TEST_DIR/vigild.conf"
start_agent --config "$TEST_DIR/vigild.conf"
start_console LANG=C.UTF-8
wait_screen 60 "agent .* connected" >/dev/null
keys F7
ok "F7 shows the servers screen" wait_screen 60 "No server: press a"
keys a
wait_screen 60 "Add a server" >/dev/null
keys 127.0.0.1:9 Enter
ok "the server added through the form is listed" wait_screen 60 "127.0.0.1:9"
ok "vigilctl server list has it" sh -c "'$VIGILCTL' --socket '$SOCKET' --json server list | grep -q '127.0.0.1:9'"
keys Home n
ok "check now shows each step, the failed one in the end" wait_screen 60 "FAIL"
# The proxy form: the password typed shows as stars, and never comes back.
secret="pw-$$-secret"
keys p
wait_screen 60 "URL (http" >/dev/null
keys C-u
keys -l "http://127.0.0.1:3128"
keys Tab proxyuser Tab
keys -l "$secret"
ok "the password field does not echo" sh -c "! tmux -L '$TMUX_NAME' capture-pane -p -t console | grep -q '$secret'"
keys Enter
ok "the proxy is set, the password only said to be set" wait_screen 60 "password: (set)"
ok "the password is nowhere on the screen" sh -c "! tmux -L '$TMUX_NAME' capture-pane -p -t console | grep -q '$secret'"
# The server's CA through the picker: / types the file's path.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TEST_DIR/ca.key" -out "$TEST_DIR/ca.pem" -days 10 \
	-subj "/CN=console-ca-$$" >/dev/null 2>&1
keys s
wait_screen 60 "Choose" >/dev/null || true
keys /
keys C-u
keys -l "$TEST_DIR/ca.pem"
keys Enter
ok "the server's CA imported from the picker shows, expiring soon in the warning colour" \
	wait_screen 60 "console-ca-$$.*days left: [0-9]"
ok "q quits cleanly" quit_console
finish
