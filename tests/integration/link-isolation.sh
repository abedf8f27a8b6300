#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# OpenC2 contain device / allow device from the reference central server: the agent (namespace A)
# isolates itself with the server (namespace B) still reachable and a permitted address let
# through, then releases the isolation.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/link-lib.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/isolation-net.sh"
plan 14

ok "namespaces and peers are up" net_setup
make_pki
make_cert srvb "$B4" "IP:$B4" 20
start_agent || exit 1
PORT=$(free_port)
ADMIN=$(free_port)
mkdir -p "$TEST_DIR/central-b"
# Started without a function in between, so that $! is the server itself and on_exit stops it.
ip netns exec "$NS_B" python3 "$CENTRAL" --listen "$B4" --port "$PORT" --cert "$PKI/srvb.pem" --key "$PKI/srvb.key" \
	--data "$TEST_DIR/central-b" --poll-wait 2 --admin-port "$ADMIN" >>"$TEST_DIR/central-b.log" 2>&1 &
central=$!
on_exit "kill $central"
wait_for 60 in_b python3 -c "import socket; socket.create_connection(('$B4', $PORT), 1)"
ctl cert server import "$PKI/ca.pem" >/dev/null
ctl settings set link.max_transfer_delay=1 link.request_limits=no >/dev/null
ctl server add "$B4:$PORT" >/dev/null

queue() {
	in_b python3 - "$ADMIN" "$1" <<'PY'
import json, sys, urllib.request
req = urllib.request.Request("http://127.0.0.1:%s/queue" % sys.argv[1], data=sys.argv[2].encode(), method="POST")
print(json.load(urllib.request.urlopen(req, timeout=60))["request_id"])
PY
}
# status_of_response RID: the OpenC2 status the server received for RID (waits up to 2 minutes).
status_of_response() {
	central_response b "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])' 2>/dev/null || echo none
}

ok "the link is connected" wait_for 60 bash -c "[ \"\$(link_field state)\" = connected ]"
host=$(hostname)
# Without device_containment the profile says no: answered 400, nothing isolated.  (Sent on
# purpose outside the profile: the conformance test checks only the answer.)
rid=$(queue '{"deliberate": true, "command": {"action": "contain", "target": {"device": {"hostname": "'"$host"'"}}}}')
ok "contain device without device_containment is answered 400" test "$(status_of_response "$rid")" = 400
ok "and isolation stays off" test "$(ctl --json isolation status | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])')" = off
rid=$(queue '{"action": "contain", "target": {"device": {"hostname": "'"$host"'"}}, "args": {"er": {"device_containment": "network_isolation", "permitted_addresses": {"ipv4_net": ["'"$C4"'"]}}}}')
ok "contain device is answered 200" test "$(status_of_response "$rid")" = 200
ok "isolation status says on" wait_for 60 bash -c "[ \"\$(ctl --json isolation status | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"state\"])')\" = on ]"
ok "the permitted address is an exception" bash -c "ctl --json isolation status | grep -qF '$C4'"
ok "isolated: A cannot reach B:9000" wait_for 60 blocked "$NS_A" tcp "$B4" 9000
ok "the permitted address is reachable: A reaches C:9000" flows "$NS_A" tcp "$C4" 9000
rid=$(queue '{"action": "query", "target": {"features": []}}')
ok "the server is still reachable (a command is answered)" test "$(status_of_response "$rid")" = 200
rid=$(queue '{"action": "allow", "target": {"device": {"hostname": "'"$host"'"}}}')
ok "allow device is answered 200" test "$(status_of_response "$rid")" = 200
ok "isolation status says off" wait_for 60 bash -c "[ \"\$(ctl --json isolation status | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"state\"])')\" = off ]"
# The Remediation Activities of both commands name the server as who asked.
by_server() {
	sqlite3 "$STATE_DIR"/*.db "SELECT event FROM spool_events WHERE class_uid = 7001" | python3 -c '
import json, sys
acts = [e["activity_id"] for e in map(json.loads, sys.stdin)
        if e.get("actor") == {"app_name": "Vigil server link"} and e["unmapped"]["isolation"].get("requested_by") == "server"]
sys.exit(0 if 1 in acts and 3 in acts else 1)'
}
ok "both Remediation Activities name the server as who asked" wait_for 30 by_server
ok "the log says the server asked" grep -q "isolation off requested by the server" "$AGENT_LOG"
finish
