# SPDX-License-Identifier: GPL-3.0-or-later
# Shared by the export tests: the sinks' status, events emitted with their uids, what arrived
# (JSON Lines files, rsyslog's files), the exactly-once check, and a real rsyslog (imrelp and
# imtcp, both in TLS) started by the test on loopback, writing into the test's directory.
#   . "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
#   . "$VIGIL_TOP_SRCDIR/tests/integration/export-lib.sh"

use_test_agent
RSYSLOG_DIR="$TEST_DIR/rsyslog"
RSYSLOG_PID=

# sink_field SINK KEY: one field of a sink in "export status".
sink_field() {
	ctl --json export status | python3 -c "
import json, sys
for s in json.load(sys.stdin)['sinks']:
    if s['name'] == '$1':
        v = s.get('$2')
        print('' if v is None else v)"
}

# emit_uids COUNT: the test agent emits COUNT events (in runs of 1000, the most whose uids it
# returns); prints their uids, one a line.
emit_uids() {
	local left=$1 n
	while [ "$left" -gt 0 ]; do
		n=$((left > 1000 ? 1000 : left))
		test_emit "$n" | python3 -c 'import json, sys; print("\n".join(json.load(sys.stdin)["uids"]))'
		left=$((left - n))
	done
}

# spool_last_seq: the number of the last event stored in the spool (on disk).
spool_last_seq() {
	ctl --json telemetry stats | python3 -c 'import json, sys; print(json.load(sys.stdin)["spool"]["last_seq"])'
}

# uids_of: the uids in a test_emit answer on stdin, one a line.
uids_of() { python3 -c 'import json, sys; print("\n".join(json.load(sys.stdin)["uids"]))'; }

# jsonl_uids FILE: the metadata.uid of every line of FILE and of its rotated files.
jsonl_uids() {
	local f
	for f in "$1" "$1".*; do
		[ -f "$f" ] || continue
		python3 -c '
import json, sys
for line in open(sys.argv[1]):
    print(json.loads(line).get("metadata", {}).get("uid", ""))' "$f"
	done
}

# rsyslog_uids FILE: the metadata.uid of every message rsyslog wrote to FILE (the template
# "FIELDS|MSG" of this library: the event is the part after the last field).
rsyslog_uids() {
	[ -f "$1" ] || return 0
	python3 -c '
import json, sys
for line in open(sys.argv[1]):
    body = line.rstrip("\n").split("|", 5)[5].strip()
    print(json.loads(body).get("metadata", {}).get("uid", ""))' "$1"
}

# count_uids FILE...: how many distinct test events (uids "test-...") the files hold; quick
# enough to poll (grep, no JSON parsing).
count_uids() {
	cat "$@" 2>/dev/null | grep -o '"uid":"test-[^"]*"' | sort -u | wc -l
}

# check_once SENT-FILE COMMAND ARGS...: every uid of SENT-FILE is among those COMMAND prints;
# reports how many came more than once (the dedupe by metadata.uid).
check_once() {
	local sent=$1
	shift
	"$@" >"$TEST_DIR/received"
	python3 - "$sent" "$TEST_DIR/received" <<'PY'
import collections, sys
sent = [l.strip() for l in open(sys.argv[1]) if l.strip()]
got = collections.Counter(l.strip() for l in open(sys.argv[2]) if l.strip())
missing = [u for u in sent if got[u] == 0]
dups = sum(got[u] - 1 for u in sent if got[u] > 1)
print("# %d sent, %d distinct received, %d missing, %d duplicates (removed by metadata.uid)"
      % (len(sent), len([u for u in sent if got[u]]), len(missing), dups))
sys.exit(1 if missing else 0)
PY
}

# start_rsyslog RELP-PORT TCP-PORT: rsyslogd in the foreground with imrelp (TLS, both ends
# authenticated: the agent's client certificate must name vigil-agent) and imtcp (TLS, octet
# counting) on 127.0.0.1, the server certificate of $PKI; each input writes to its
# file (relp.log, tcp.log) as "VERSION|APP|MSGID|HOST|SEVERITY|MSG"; no queue between
# reception and the file, so that what RELP acknowledged is written.
start_rsyslog() {
	local relp=$1 tcp=$2
	mkdir -p "$RSYSLOG_DIR/work"
	cat >"$RSYSLOG_DIR/rsyslog.conf" <<CONF
global(workDirectory="$RSYSLOG_DIR/work" maxMessageSize="256k"
       defaultNetstreamDriverCAFile="$PKI/ca.pem" defaultNetstreamDriverCertFile="$PKI/server.pem"
       defaultNetstreamDriverKeyFile="$PKI/server.key")
module(load="imrelp" tls.tlslib="openssl")
module(load="imtcp" streamDriver.name="ossl" streamDriver.mode="1" streamDriver.authMode="anon")
template(name="fields" type="string"
         string="%protocol-version%|%app-name%|%msgid%|%hostname%|%syslogseverity%|%msg%\n")
ruleset(name="relp" queue.type="direct") { action(type="omfile" file="$RSYSLOG_DIR/relp.log" template="fields") }
ruleset(name="tcp" queue.type="direct") { action(type="omfile" file="$RSYSLOG_DIR/tcp.log" template="fields") }
input(type="imrelp" address="127.0.0.1" port="$relp" ruleset="relp" tls="on"
      tls.caCert="$PKI/ca.pem" tls.myCert="$PKI/server.pem" tls.myPrivKey="$PKI/server.key"
      tls.authMode="name" tls.permittedPeer=["vigil-agent"])
input(type="imtcp" address="127.0.0.1" port="$tcp" ruleset="tcp")
*.* action(type="omfile" file="$RSYSLOG_DIR/internal.log")
CONF
	rsyslogd -n -f "$RSYSLOG_DIR/rsyslog.conf" -i "$RSYSLOG_DIR/rsyslogd.pid" >>"$RSYSLOG_DIR/stderr.log" 2>&1 &
	RSYSLOG_PID=$!
	on_exit "kill $RSYSLOG_PID"
	wait_for 60 python3 -c "import socket; socket.create_connection(('127.0.0.1', $relp), 1); socket.create_connection(('127.0.0.1', $tcp), 1)"
}

# stop_rsyslog: SIGTERM (rsyslog finishes what it received) and wait.
stop_rsyslog() {
	[ -n "$RSYSLOG_PID" ] || return 0
	kill -TERM "$RSYSLOG_PID" 2>/dev/null
	wait "$RSYSLOG_PID" 2>/dev/null
	RSYSLOG_PID=
	return 0
}

export SOCKET TEST_DIR
export -f ctl sink_field jsonl_uids rsyslog_uids spool_last_seq count_uids
