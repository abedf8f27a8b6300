#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# RELP (TLS) and syslog over TLS to a real rsyslog started here: rsyslog parses the RFC 5424
# messages (octet-counted framing); over RELP every event arrives across an rsyslog restart and
# an agent kill -9, duplicates removed by metadata.uid and counted; the two sinks are
# independent of each other; a receiver with a certificate the agent does not trust is refused.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/link-lib.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/export-lib.sh"
plan 14

make_pki
RELP=$(free_port)
TCP=$(free_port)
start_rsyslog "$RELP" "$TCP"
start_agent
ctl cert server import "$PKI/ca.pem" >/dev/null
ctl cert client import "$PKI/client.p12" --password-file "$PKI/client.pass" >/dev/null
ctl settings set export.relp.target=127.0.0.1:$RELP export.syslog.target=127.0.0.1:$TCP \
	export.client_certificate=yes >/dev/null
ok "both sinks are up" wait_for 60 bash -c "[ \"\$(sink_field relp state)\" = 'up to date' ] && [ \"\$(sink_field syslog state)\" = 'up to date' ]"

emit_uids 2000 >"$TEST_DIR/sent"
ok "RELP: every event reaches rsyslog" wait_for 60 bash -c "[ \$(count_uids '$RSYSLOG_DIR/relp.log') -ge 2000 ]"
ok "syslog/TLS: every event reaches rsyslog" wait_for 60 bash -c "[ \$(count_uids '$RSYSLOG_DIR/tcp.log') -ge 2000 ]"
ok "syslog/TLS: each exactly once" check_once "$TEST_DIR/sent" rsyslog_uids "$RSYSLOG_DIR/tcp.log"
host=$(hostname)
ok "rsyslog parsed the RFC 5424 header of every message" python3 - "$RSYSLOG_DIR/tcp.log" "$RSYSLOG_DIR/relp.log" "$host" <<'PY'
import json, sys
for name in sys.argv[1:3]:
    for line in open(name):
        version, app, msgid, host, sev, msg = line.rstrip("\n").split("|", 5)
        e = json.loads(msg)
        assert (version, app, host) == ("1", "vigild", sys.argv[3]), line
        assert msgid == "ocsf-%d" % e["class_uid"] and sev == "6", line
PY

# rsyslog restarts while events flow: RELP delivers every one of them (at least once).
emit_uids 2000 >>"$TEST_DIR/sent"
stop_rsyslog
emit_uids 2000 >>"$TEST_DIR/sent"
ok "the RELP sink waits while rsyslog is down" wait_for 60 bash -c "sink_field relp last_error | grep -q 127.0.0.1:$RELP"
start_rsyslog "$RELP" "$TCP"
ok "RELP: after the restart every event arrives" wait_for 90 bash -c "[ \$(count_uids '$RSYSLOG_DIR/relp.log') -ge 6000 ]"
ok "RELP across the restart: none missing" check_once "$TEST_DIR/sent" rsyslog_uids "$RSYSLOG_DIR/relp.log"

# The agent killed (SIGKILL) while it sends: it goes on from its acknowledged position.
emit_uids 4000 >>"$TEST_DIR/sent"
# Killed once the events are stored (the spool thread commits within a second), while they flow.
wait_for 60 bash -c "[ \$(spool_last_seq) -ge 10000 ]"
wait_for 60 bash -c "[ \$(count_uids '$RSYSLOG_DIR/relp.log') -ge 7000 ]"
kill_agent
start_agent
ok "RELP: after kill -9 every event arrives" wait_for 90 bash -c "[ \$(count_uids '$RSYSLOG_DIR/relp.log') -ge 10000 ]"
ok "RELP across kill -9: none missing" check_once "$TEST_DIR/sent" rsyslog_uids "$RSYSLOG_DIR/relp.log"
ok "the sinks report no loss" test "$(sink_field relp lost)" = 0 -a "$(sink_field syslog lost)" = 0

# Independence: a syslog receiver that is gone does not hold RELP back.
ctl settings set export.syslog.target=127.0.0.1:$(free_port) >/dev/null
emit_uids 500 >"$TEST_DIR/sent2"
ok "RELP delivers while the syslog sink fails" wait_for 60 bash -c "[ \$(count_uids '$RSYSLOG_DIR/relp.log') -ge 10500 ]"
ctl cert server import "$PKI/other.pem" >/dev/null
ctl settings set export.syslog.target=127.0.0.1:$TCP >/dev/null
ok "syslog: an untrusted receiver certificate is refused" \
	wait_for 60 bash -c "sink_field syslog last_error | grep -q 'certificate'"
out=$(ctl export test relp)
ok "export test fails on the untrusted RELP receiver" test $? -ne 0
diag "$out"
finish
