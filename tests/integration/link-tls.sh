#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# TLS refusals, each with its message in status, and two-way TLS with an imported PKCS#12.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/link-lib.sh"
plan 21

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
	grep -q 'certificate *FAILED *server certificate does not match the imported certificate' '$TEST_DIR/check'"
stop_central check
ok "a server certificate from another CA is refused" \
	refuse stranger "$(free_port)" "server certificate does not match the imported certificate" \
	--cert "$PKI/stranger.pem" --key "$PKI/stranger.key"
ok "an expired server certificate is refused" \
	refuse expired "$(free_port)" "the server certificate has expired" --cert "$PKI/expired.pem" --key "$PKI/expired.key"
ok "a host name mismatch is refused" \
	refuse wronghost "$(free_port)" "the server certificate is not valid for the name" \
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
ok "a key that does not match the certificate is refused" bash -c "
	! ctl cert client import '$PKI/client.pem' --key '$PKI/server.key' 2>'$TEST_DIR/err' &&
	grep -q 'does not match' '$TEST_DIR/err'"
ok "the key file is 0600" test "$(stat -c %a "$STATE_DIR/link-client.pem")" = 600
ok "two-way TLS connects" wait_for 60 bash -c "[ \"\$(link_field state)\" = connected ]"
test_emit 5 >/dev/null
ok "events arrive over two-way TLS" wait_for 60 bash -c "[ \$(central_events mtls | wc -l) -ge 5 ]"
ok "the agent stops cleanly (no leak under the sanitizers)" stop_agent
finish
