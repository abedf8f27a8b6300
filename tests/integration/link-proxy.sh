#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The link through a real proxy (tinyproxy with Basic authentication) on loopback; a wrong
# proxy password is reported as such in status.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/link-lib.sh"
plan 14

make_pki
PORT=$(free_port)
PX=$(free_port)
start_central main "$PORT"
cat >"$TEST_DIR/tinyproxy.conf" <<CONF
Port $PX
Listen 127.0.0.1
Timeout 60
MaxClients 20
Allow 127.0.0.1
BasicAuth vigil proxy-pass
ConnectPort $PORT
LogLevel Info
LogFile "$TEST_DIR/tinyproxy.log"
PidFile "$TEST_DIR/tinyproxy.pid"
CONF
chmod 755 "$TEST_DIR"
touch "$TEST_DIR/tinyproxy.log"
chmod 666 "$TEST_DIR/tinyproxy.log"
tinyproxy -d -c "$TEST_DIR/tinyproxy.conf" >>"$TEST_DIR/tinyproxy.out" 2>&1 &
TPID=$!
on_exit "kill $TPID"
ok "tinyproxy listens" wait_for 60 python3 -c "import socket; socket.create_connection(('127.0.0.1', $PX), 1)"

start_agent
echo "proxy-pass" >"$TEST_DIR/proxy.pass"
ctl proxy set "http://127.0.0.1:$PX" --user vigil --password-file "$TEST_DIR/proxy.pass" >/dev/null
ok "proxy show never shows the password" bash -c "ctl proxy show | grep -q '(set)' && ! ctl proxy show | grep -q proxy-pass && ! ctl --json proxy show | grep -q proxy-pass"
ok "the password file is 0600" test "$(stat -c %a "$STATE_DIR/link-proxy-password")" = 600
setup_link "$PORT"
ok "the link connects through the proxy" wait_for 60 bash -c "[ \"\$(link_field state)\" = connected ]"
test_emit 20 >/dev/null
ok "events arrive through the proxy" wait_for 60 bash -c "[ \$(central_events main | wc -l) -ge 20 ]"
ok "tinyproxy carried the connection" grep -q "CONNECT" "$TEST_DIR/tinyproxy.log"
ok "server check goes through the proxy" bash -c "ctl server check | grep -q 'through the proxy'"

echo "not-the-password" >"$TEST_DIR/proxy.pass"
ctl proxy set "http://127.0.0.1:$PX" --user vigil --password-file "$TEST_DIR/proxy.pass" >/dev/null
ok "a wrong proxy password is reported in status" wait_for 60 link_error_has "proxy authentication failed"
ok "... as a sentence that says what to check" link_error_has "the proxy refused the user and password (HTTP 40"
# A proxy that is not there: said so, with its address, not in the library's words.
NX=$(free_port)
ctl proxy set "http://127.0.0.1:$NX" >/dev/null
ok "nothing listens on the proxy: said so" wait_for 60 link_error_has "nothing listens on 127.0.0.1:$NX: check the proxy's address and port"
ctl proxy set "http://127.0.0.1:$PX" --user vigil --password-file "$TEST_DIR/proxy.pass" >/dev/null

# SOCKS5 with a user and password (a small SOCKS5 server of the test suite).
SX=$(free_port)
python3 "$VIGIL_TOP_SRCDIR/tests/central/socks5.py" --port "$SX" --user vigil --password socks-pass \
	--log "$TEST_DIR/socks5.log" >>"$TEST_DIR/socks5.out" 2>&1 &
on_exit "kill $!"
wait_for 60 python3 -c "import socket; socket.create_connection(('127.0.0.1', $SX), 1)"
echo "socks-pass" >"$TEST_DIR/socks.pass"
ctl proxy set "socks5://127.0.0.1:$SX" --user vigil --password-file "$TEST_DIR/socks.pass" >/dev/null
test_emit 7 >/dev/null
ok "the link works through a SOCKS5 proxy" wait_for 60 bash -c "[ \$(central_events main | wc -l) -ge 27 ]"
ok "the SOCKS5 proxy carried it" grep -q "CONNECT 127.0.0.1:$PORT" "$TEST_DIR/socks5.log"
echo "wrong" >"$TEST_DIR/socks.pass"
ctl proxy set "socks5://127.0.0.1:$SX" --user vigil --password-file "$TEST_DIR/socks.pass" >/dev/null
ok "a wrong SOCKS5 password is reported in status" wait_for 60 bash -c "
	[ \"\$(link_field state)\" != connected ] && link_error_has 'proxy authentication failed'"
ok "the agent stops cleanly (no leak under the sanitizers)" stop_agent
finish
