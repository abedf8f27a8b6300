#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# TLS refusals, each with its message in status, and two-way TLS with an imported PKCS#12.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/link-lib.sh"
plan 35

make_pki
start_agent
ctl settings set link.max_transfer_delay=1 link.request_timeout=3 link.connect_timeout=3 >/dev/null

no_cert_refused() { [ "$(link_field state)" = refused ] && link_error_has 'no server certificate is imported'; }
ok "no server certificate imported: refused, and status says why" \
	eval 'ctl server add 127.0.0.1:1 >/dev/null && wait_for 60 no_cert_refused'
ctl server remove 127.0.0.1:1 >/dev/null
ok "import refuses an expired certificate" bash -c "! ctl cert server import '$PKI/expired.pem' 2>'$TEST_DIR/err' && grep -q expired '$TEST_DIR/err'"
openssl x509 -in "$PKI/ca.pem" -outform DER -out "$PKI/ca.der"
ok "import takes DER and shows the fingerprint" bash -c "
	ctl cert server import '$PKI/ca.der' | grep -q 'SHA-256:' && ctl cert server show | grep -q 'Vigil test CA ca'"

# flat FILE-OR-TEXT: the lines of a wrapped output joined, runs of blanks as one.
flat() { tr '\n' ' ' | tr -s ' '; }
export -f flat

# refuse TAG PORT TEXT SERVER-OPTIONS...: the server in use is refused with TEXT in status.
refuse() {
	local tag=$1 port=$2 text=$3
	shift 3
	start_central "$tag" "$port" "$@"
	ctl server add "127.0.0.1:$port" >/dev/null
	wait_for 60 link_error_has "$text"
	local rc=$?
	ctl server remove "127.0.0.1:$port" >/dev/null
	stop_central "$tag"
	[ ! -s "$TEST_DIR/central-$tag/hello.jsonl" ] || rc=1
	return $rc
}
SPORT=$(free_port)
start_central check "$SPORT" --cert "$PKI/stranger.pem" --key "$PKI/stranger.key"
ok "server check names the failing step" bash -c "
	! ctl server check 127.0.0.1:$SPORT >'$TEST_DIR/check' && grep -q 'TCP *ok' '$TEST_DIR/check' &&
	flat <'$TEST_DIR/check' | grep -q 'certificate FAILED the server certificate does not match the imported certificate: import the CA that signed it'"
ok "... in French, every step (item 23)" bash -c "
	LANGUAGE=fr ctl server check 127.0.0.1:$SPORT >'$TEST_DIR/check-fr'; cat '$TEST_DIR/check-fr' >&2
	grep -q '^  TCP  *ok  *connectée$' '$TEST_DIR/check-fr' &&
	flat <'$TEST_DIR/check-fr' | grep -q ' certificat ÉCHEC le certificat du serveur ne correspond pas au certificat importé' &&
	! grep -qiE 'connected|does not match|handshake' '$TEST_DIR/check-fr'"
stop_central check

# Errors people can act on: each real failure in a sentence that says what to check, the
# library's own words only as a detail (server check --verbose, status --verbose, the log).
NPORT=$(free_port)
out=$(ctl server check "127.0.0.1:$NPORT" 2>&1)
diag "$out"
ok "nothing listens: said so, with the address" bash -c '
	flat <<<"$1" | grep -q " TCP FAILED nothing listens on 127.0.0.1:$2: check the server.s address and port" &&
	! grep -qi "couldn.t connect\|failed to connect" <<<"$1"' _ "$out" "$NPORT"
out=$(ctl server check --verbose "127.0.0.1:$NPORT" 2>&1)
ok "server check --verbose adds the library's words" bash -c 'flat <<<"$1" | grep -q "(the library said: Failed to connect to 127.0.0.1 port $2"' _ "$out" "$NPORT"
HPORT=$(free_port)
python3 -m http.server "$HPORT" --bind 127.0.0.1 --directory "$TEST_DIR" >/dev/null 2>&1 &
on_exit "kill $!"
wait_for 60 python3 -c "import socket; socket.create_connection(('127.0.0.1', $HPORT), 1)"
out=$(ctl server check "127.0.0.1:$HPORT" 2>&1)
diag "$out"
ok "plain HTTP on the port: said so" bash -c '
	flat <<<"$1" | grep -q "TLS FAILED the server 127.0.0.1:$2 answered without TLS (plain HTTP?): check the port, and that the server has TLS on" &&
	! grep -q "SSL routines\|wrong version number" <<<"$1"' _ "$out" "$HPORT"
ctl server add "127.0.0.1:$HPORT" >/dev/null
ok "the link says it in status too" wait_for 60 link_error_has "answered without TLS (plain HTTP?)"
status=$(ctl status)
ok "status shows the sentence, not the library's text" bash -c '
	flat <<<"$1" | grep -q "answered without TLS (plain HTTP?)" && ! grep -q "SSL routines" <<<"$1"' _ "$status"
ok "status --verbose keeps the library's text as a detail" bash -c '
	ctl status --verbose | flat | grep -q "Technical detail: .*wrong version number"'
ok "the log has the library's words" wait_for 60 grep -q "answered without TLS.*wrong version number" "$AGENT_LOG"
status=$(LANGUAGE=fr ctl status)
ok "in French (item 23): the state and the sentence" bash -c '
	grep -q "Liaison serveur  *en attente de réessai" <<<"$1" && flat <<<"$1" | grep -q "a répondu sans TLS (HTTP simple"' _ "$status"
ctl server remove "127.0.0.1:$HPORT" >/dev/null
ok "a server certificate from another CA is refused" \
	refuse stranger "$(free_port)" "server certificate does not match the imported certificate" \
	--cert "$PKI/stranger.pem" --key "$PKI/stranger.key"
ok "an expired server certificate is refused" \
	refuse expired "$(free_port)" "the server certificate has expired" --cert "$PKI/expired.pem" --key "$PKI/expired.key"
ok "a host name mismatch is refused, naming whom the certificate is for" \
	refuse wronghost "$(free_port)" "the server certificate is for wrong.example, not 127.0.0.1" \
	--cert "$PKI/wronghost.pem" --key "$PKI/wronghost.key"
ok "a TLS 1.1-only server is refused" \
	refuse tls11 "$(free_port)" "does not offer TLS 1.2 or newer" --tls-max 1.1

# Two-way TLS.
PORT=$(free_port)
start_central mtls "$PORT" --client-ca "$PKI/ca.pem" --require-client-cert
ctl server add "127.0.0.1:$PORT" >/dev/null
ok "without a client certificate the server refuses the agent" wait_for 60 link_error_has "client certificate"
ok "... and nothing got through" test ! -s "$TEST_DIR/central-mtls/hello.jsonl"
ok "two-way TLS without an imported client certificate: refused with a clear message" bash -c "
	! ctl settings set link.client_certificate=yes 2>'$TEST_DIR/err' &&
	grep -q 'no client certificate is imported' '$TEST_DIR/err' &&
	! ctl settings show link.client_certificate | grep -qw yes"
echo "wrong password" >"$PKI/wrong.pass"
ok "a wrong PKCS#12 password is refused at import" bash -c "
	! ctl cert client import '$PKI/client.p12' --password-file '$PKI/wrong.pass' 2>'$TEST_DIR/err' &&
	grep -q 'wrong password' '$TEST_DIR/err'"
ok "... and no connection is made" test ! -s "$TEST_DIR/central-mtls/hello.jsonl"
ok "the PKCS#12 imports with its password" bash -c "
	ctl cert client import '$PKI/client.p12' --password-file '$PKI/client.pass' | grep -q 'vigil-agent'"
ok "with a client certificate imported, two-way TLS can be turned on" \
	ctl settings set link.client_certificate=yes
ok "a PEM certificate and key pair imports too" bash -c "
	ctl cert client import '$PKI/client.pem' --key '$PKI/client.key' | grep -q 'vigil-agent'"
# A PEM file is not taken for PKCS#12 (no password asked for it): with its key in the same file,
# nothing more is needed; a certificate alone needs its key, given or asked for.
cat "$PKI/client.pem" "$PKI/client.key" >"$PKI/combined.pem"
ok "a PEM file holding the certificate and its key imports without --key" bash -c "
	setsid -w '$VIGILCTL' --socket '$SOCKET' cert client import '$PKI/combined.pem' </dev/null | grep -q 'vigil-agent'"
out=$(setsid -w "$VIGILCTL" --socket "$SOCKET" cert client import "$PKI/client.pem" </dev/null 2>&1); rc=$?
diag "$out"
ok "a PEM certificate alone, no one to ask: a usage error that names --key" bash -c '
	[ "$1" = 2 ] && grep -q "is a PEM certificate without its private key: give the key with --key KEY.pem" <<<"$2" &&
	! grep -q "PKCS#12" <<<"$2"' _ "$rc" "$out"
openssl pkey -in "$PKI/client.key" -aes256 -passout "file:$PKI/client.pass" -out "$PKI/client-enc.key" 2>/dev/null
ok "an encrypted key's password comes from --password-file" bash -c "
	setsid -w '$VIGILCTL' --socket '$SOCKET' cert client import '$PKI/client.pem' --key '$PKI/client-enc.key' \
		--password-file '$PKI/client.pass' </dev/null | grep -q 'vigil-agent'"
# At a terminal: the key is asked for.
tm() { tmux -L "vigil-tls-$$" -f /dev/null "$@"; }
on_exit "tmux -L vigil-tls-$$ kill-server; rm -f \"${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/vigil-tls-$$\""
tm new-session -d -s cli -x 120 -y 20 "env LANG=C.UTF-8 LANGUAGE= '$VIGILCTL' --socket '$SOCKET' cert client import '$PKI/client.pem'; sleep 30"
ok "at a terminal, the key of a PEM certificate is asked for" wait_for 60 bash -c "tmux -L vigil-tls-$$ capture-pane -p -t cli | grep -q 'The private key of this certificate (a PEM file):'"
tm send-keys -t cli "$PKI/client.key" Enter
ok "and the pair imports" wait_for 60 bash -c "tmux -L vigil-tls-$$ capture-pane -p -t cli | grep -q 'Client certificate imported'"
ok "a key that does not match the certificate is refused" bash -c "
	! ctl cert client import '$PKI/client.pem' --key '$PKI/server.key' 2>'$TEST_DIR/err' &&
	grep -q 'does not match' '$TEST_DIR/err'"
ok "the key file is 0600" test "$(stat -c %a "$STATE_DIR/link-client.pem")" = 600
ok "two-way TLS connects" wait_for 60 bash -c "[ \"\$(link_field state)\" = connected ]"
test_emit 5 >/dev/null
ok "events arrive over two-way TLS" wait_for 60 bash -c "[ \$(central_events mtls | wc -l) -ge 5 ]"
ok "the agent stops cleanly (no leak under the sanitizers)" stop_agent
finish
