# SPDX-License-Identifier: GPL-3.0-or-later
# The form widget that every screen shares: what is typed in a field just entered replaces its
# value (link.port 443, type 8443: 8443, not 4438443), an arrow or End keeps it and edits; the
# labels stand in a column of their own at every width; the proxy's stored password stays when
# only the bypass changes; the file picker takes an absolute path as typed.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/console-lib.sh"
plan 21

call() { python3 "$VIGIL_TOP_SRCDIR/tests/integration/agent-call.py" "$SOCKET" "$@"; }
# same_column A B: the first A and the first B on the screen start in the same column.
same_column() {
	local s a b
	s=$(screen)
	a=$(printf '%s\n' "$s" | awk -v t="$1" 'index($0, t) { print index($0, t); exit }')
	b=$(printf '%s\n' "$s" | awk -v t="$2" 'index($0, t) { print index($0, t); exit }')
	[ -n "$a" ] && [ "$a" = "$b" ] || { diag "\"$1\" at column $a, \"$2\" at column $b"; return 1; }
}

: >"$TEST_DIR/vigild.conf"
start_agent --config "$TEST_DIR/vigild.conf"
row=$(ctl --json settings show | python3 -c '
import json, sys
print([s["key"] for s in json.load(sys.stdin)].index("link.port"))')

start_console LANG=C.UTF-8
wait_screen 60 "agent .* connected" >/dev/null
keys F9
wait_screen 60 "link.port  *443" >/dev/null
for ((i = 0; i < row; i++)); do keys Down; done
keys Enter
wait_screen 60 "Change link.port" >/dev/null
keys 0
ok "link.port 443, 0 typed: the field holds 0" wait_screen 60 "Value 0 "
ok "not 4430" screen_lacks "4430"
keys Escape Enter
wait_screen 60 "Value 443 " >/dev/null
keys 8 4 4 3 Enter
ok "8443 typed and saved: the agent has 8443" \
	wait_for 60 sh -c "'$VIGILCTL' --socket '$SOCKET' settings show link.port | grep -q 'value: *8443$'"
wait_screen 60 "link.port  *8443" >/dev/null
keys Enter
wait_screen 60 "Value 8443 " >/dev/null
keys End 0
ok "End keeps the value: what is typed then is added" wait_screen 60 "Value 84430 "
keys Left Left 9
ok "the arrows move in it" wait_screen 60 "Value 844930 "
keys Escape

# The isolation exception form: the labels in a column, the values in another, at every size.
keys F6
wait_screen 60 "Isolation: off" >/dev/null
# redrawn_at ROWS: the console has drawn itself at the new size (its tabs on the last of ROWS rows).
redrawn_at() { [ "$(screen | wc -l)" -eq "$1" ] && screen | tail -1 | grep -q '^F2 .* F1 Help *$'; }
for size in 80x24 100x30 132x43; do
	tmx resize-window -t console -x "${size%x*}" -y "${size#*x}"
	wait_for 60 redrawn_at "${size#*x}"
	keys a
	wait_screen 60 "Add an exception" >/dev/null
	ok "$size: the protocol label is whole" wait_screen 60 "Protocol (tcp, udp, icmp, icmpv6, any)"
	ok "$size: the values start in one column, after every label" same_column "both " "any "
	keys Escape
done
tmx resize-window -t console -x 100 -y 30
keys a
wait_screen 60 "Add an exception" >/dev/null
comment="forms-$$"
keys Tab tcp Tab 192.0.2.7 Tab 8443 Tab Tab
keys -l "$comment"
keys Enter
ok "the protocol typed over \"any\" is tcp, not anytcp" wait_for 60 sh -c "
	'$VIGILCTL' --socket '$SOCKET' --json isolation exception list | python3 -c '
import json, sys
e = [x for x in json.load(sys.stdin) if x.get(\"comment\") == \"$comment\"]
sys.exit(0 if e and e[0][\"protocol\"] == \"tcp\" else 1)'"

# The proxy: a password stored, the form changes the bypass only.
secret="pw-$$-kept"
call proxy.set "{\"url\": \"http://127.0.0.1:3128\", \"user\": \"proxyuser\", \"password\": \"$secret\"}" >/dev/null
keys F7
wait_screen 60 "password: (set)" >/dev/null
keys p
wait_screen 60 "URL (http" >/dev/null
ok "the password field says a password is kept" wait_screen 60 "Password  *(unchanged)"
ok "and does not show it" screen_lacks "$secret"
keys Tab Tab Tab
keys -l "localhost,192.0.2.1"
keys Enter
ok "the bypass changed" wait_screen 60 "bypass: localhost,192.0.2.1"
ok "the stored password is still the same" sh -c "[ \"\$(cat '$STATE_DIR/link-proxy-password')\" = '$secret' ]"
ok "the agent still says one is set" sh -c "'$VIGILCTL' --socket '$SOCKET' --json proxy show | grep -q '\"password\": *true'"
# Emptied, the password goes.
keys p
wait_screen 60 "Password  *(unchanged)" >/dev/null
keys Tab Tab BSpace Enter
ok "a password field emptied removes the password" wait_screen 60 "password: (none)"

# The file picker: an absolute path typed over the directory shown is taken as it is.
mkdir -p "$TEST_DIR/iocs"
printf '<OpenIOC/>' >"$TEST_DIR/iocs/forms-$$.ioc"
keys F5
wait_screen 60 "IOC files: none" >/dev/null
keys f
wait_screen 60 "Choose the IOC files in" >/dev/null
keys /
wait_screen 60 "Go to a directory" >/dev/null
keys -l "$TEST_DIR/iocs"
keys Enter
ok "an absolute path typed in the picker is the directory shown" wait_screen 60 "Choose the IOC files in $TEST_DIR/iocs$"
# A name typed is in the directory shown.
keys /
wait_screen 60 "Go to a directory" >/dev/null
keys -l "forms-$$.ioc"
keys Enter
ok "a name typed is a file of the directory shown" wait_screen 60 "\[x\] forms-$$.ioc"
keys Escape
ok "q quits cleanly" quit_console
finish
