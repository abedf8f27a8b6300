# SPDX-License-Identifier: GPL-3.0-or-later
# Shared by the link tests: a PKI made with the openssl CLI, free loopback ports, and the
# reference central server (tests/central/server.py) started and stopped by the test.
#   . "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
#   . "$VIGIL_TOP_SRCDIR/tests/integration/link-lib.sh"

CENTRAL="$VIGIL_TOP_SRCDIR/tests/central/server.py"
PKI="$TEST_DIR/pki"
declare -A CENTRAL_PIDS=()
# The link tests fill the spool with the test agent's test.emit.
use_test_agent
# Every OpenC2 exchange of this test, recorded by the reference server for the conformance
# test (integration/openc2-conformance.sh), which make check runs after the link tests.
if [ -n "${VIGIL_OPENC2_TRAFFIC_DIR:-}" ]; then
	mkdir -p "$VIGIL_OPENC2_TRAFFIC_DIR"
	export VIGIL_OPENC2_TRAFFIC="$VIGIL_OPENC2_TRAFFIC_DIR/$TEST_NAME.jsonl"
	: >"$VIGIL_OPENC2_TRAFFIC"
fi

# free_port: prints a TCP port that nothing listens on now (the kernel picks it).
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

_ossl() { openssl "$@" >>"$PKI/openssl.log" 2>&1; }

# make_cert NAME CN SAN DAYS [CA-NAME]: a key and a certificate signed by CA-NAME (default ca).
# DAYS < 0 makes a certificate that expired -DAYS days ago.
make_cert() {
	local name=$1 cn=$2 san=$3 days=$4 ca=${5:-ca}
	_ossl req -new -newkey rsa:2048 -nodes -keyout "$PKI/$name.key" -out "$PKI/$name.csr" -subj "/CN=$cn"
	printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth,clientAuth\n' "$san" \
		>"$PKI/$name.ext"
	if [ "$days" -lt 0 ]; then
		# An expired certificate: valid from 10 days ago to -DAYS days ago (x509 -not_before needs OpenSSL 3.4).
		_ossl ca -batch -config "$PKI/ca.cnf" -name ca_$ca -in "$PKI/$name.csr" -out "$PKI/$name.pem" \
			-startdate "$(date -u -d '-10 days' +%Y%m%d%H%M%SZ)" \
			-enddate "$(date -u -d "$days days" +%Y%m%d%H%M%SZ)" -extfile "$PKI/$name.ext" -notext
	else
		_ossl x509 -req -in "$PKI/$name.csr" -CA "$PKI/$ca.pem" -CAkey "$PKI/$ca.key" -CAcreateserial \
			-out "$PKI/$name.pem" -days "$days" -extfile "$PKI/$name.ext"
	fi
}

# make_ca NAME: a self-signed CA.
make_ca() {
	local name=$1
	_ossl req -x509 -newkey rsa:2048 -nodes -keyout "$PKI/$name.key" -out "$PKI/$name.pem" -days 365 \
		-subj "/CN=Vigil test CA $name" -addext basicConstraints=critical,CA:TRUE \
		-addext keyUsage=critical,keyCertSign,cRLSign
	mkdir -p "$PKI/db-$name"
	: >"$PKI/db-$name/index.txt"
	cat >>"$PKI/ca.cnf" <<CNF
[ca_$name]
dir = $PKI/db-$name
database = \$dir/index.txt
new_certs_dir = \$dir
certificate = $PKI/$name.pem
private_key = $PKI/$name.key
serial = \$dir/serial
default_md = sha256
policy = policy_any
copy_extensions = none
CNF
	echo 1000 >"$PKI/db-$name/serial"
}

# make_pki: ca (trusted), other (a CA the agent does not know); server, expired, wronghost
# signed by ca; client.p12 (password in client.pass) signed by ca.
make_pki() {
	mkdir -p "$PKI"
	printf '[policy_any]\ncommonName = supplied\n' >"$PKI/ca.cnf"
	make_ca ca
	make_ca other
	make_cert server 127.0.0.1 "IP:127.0.0.1,DNS:localhost" 20
	make_cert expired 127.0.0.1 "IP:127.0.0.1,DNS:localhost" -2
	make_cert wronghost wrong.example "DNS:wrong.example" 20
	make_cert stranger 127.0.0.1 "IP:127.0.0.1,DNS:localhost" 20 other
	make_cert client vigil-agent "DNS:vigil-agent" 20
	echo "s3cret pass" >"$PKI/client.pass"
	_ossl pkcs12 -export -in "$PKI/client.pem" -inkey "$PKI/client.key" -out "$PKI/client.p12" \
		-passout "file:$PKI/client.pass" -name vigil-agent
	[ -s "$PKI/client.p12" ] && [ -s "$PKI/expired.pem" ] && [ -s "$PKI/stranger.pem" ]
}

# start_central TAG PORT [server.py options]: the reference server with the server certificate
# (override with --cert/--key), recording into $TEST_DIR/central-TAG; waits until it listens.
start_central() {
	local tag=$1 port=$2
	shift 2
	mkdir -p "$TEST_DIR/central-$tag"
	python3 "$CENTRAL" --port "$port" --cert "$PKI/server.pem" --key "$PKI/server.key" \
		--data "$TEST_DIR/central-$tag" "$@" >>"$TEST_DIR/central-$tag.log" 2>&1 &
	CENTRAL_PIDS[$tag]=$!
	on_exit "kill ${CENTRAL_PIDS[$tag]}"
	wait_for 60 python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)"
}

stop_central() {
	local tag=$1
	[ -n "${CENTRAL_PIDS[$tag]:-}" ] || return 0
	kill "${CENTRAL_PIDS[$tag]}" 2>/dev/null
	wait "${CENTRAL_PIDS[$tag]}" 2>/dev/null
	CENTRAL_PIDS[$tag]=
	return 0
}

# central_queue ADMIN-PORT JSON: queues a command; prints its request id.
central_queue() {
	python3 - "$1" "$2" <<'PY'
import json, sys, urllib.request
req = urllib.request.Request("http://127.0.0.1:%s/queue" % sys.argv[1], data=sys.argv[2].encode(), method="POST")
print(json.load(urllib.request.urlopen(req, timeout=60))["request_id"])
PY
}

# central_response NAME RID: waits (up to two minutes) for the server NAME to hold the agent's
# response to the command RID and prints it (JSON); fails when none came.
central_response() {
	python3 - "$TEST_DIR/central-$1/responses.jsonl" "$2" <<'PY'
import json, os, sys, time
end = time.monotonic() + 120
while time.monotonic() < end:
    if os.path.exists(sys.argv[1]):
        for line in open(sys.argv[1]):
            r = json.loads(line)
            if r["request_id"] == sys.argv[2]:
                print(json.dumps(r["response"]))
                sys.exit(0)
    time.sleep(0.2)
sys.exit(1)
PY
}

# central_stat ADMIN-PORT KEY: one counter of the server's /stats.
central_stat() {
	python3 -c "import json,urllib.request; print(json.load(urllib.request.urlopen('http://127.0.0.1:$1/stats', timeout=5))['$2'])"
}

# central_admin ADMIN-PORT PATH: POSTs an empty object to an admin endpoint.
central_admin() {
	python3 -c "import urllib.request; urllib.request.urlopen(urllib.request.Request('http://127.0.0.1:$1$2', data=b'{}', method='POST'), timeout=5)"
}

# central_events TAG: prints the metadata.uid of every event the server stored, one a line.
central_events() {
	python3 - "$TEST_DIR/central-$1/events.jsonl" <<'PY'
import json, sys, os
if os.path.exists(sys.argv[1]):
    for line in open(sys.argv[1]):
        print(json.loads(line)["event"].get("metadata", {}).get("uid", ""))
PY
}

# link_field KEY: one field of the link section of status.
link_field() {
	ctl --json status | python3 -c "import json,sys; v=json.load(sys.stdin)['sections']['link'].get('$1'); print(v if not isinstance(v,(dict,list)) else json.dumps(v))"
}

# link_error_has TEXT: the link's last error mentions TEXT.
link_error_has() { link_field last_error | grep -qF -- "$1"; }

# setup_link PORT...: imports the CA, points the agent at 127.0.0.1:PORT... and shortens delays.
setup_link() {
	ctl cert server import "$PKI/ca.pem" >/dev/null || return 1
	ctl settings set link.max_transfer_delay=1 link.request_limits=no >/dev/null || return 1
	local p
	for p in "$@"; do ctl server add "127.0.0.1:$p" >/dev/null || return 1; done
}

# For checks run through "wait_for 60 bash -c '...'".
export SOCKET TEST_DIR
export -f ctl link_field link_error_has central_events central_stat
