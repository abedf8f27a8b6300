#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Exceptions in nftables sets, against real traffic between network namespaces: 10,000
# exceptions applied with the flow's exception the last one, a fixed number of rules, the
# exceptions listed a page at a time, and adding or removing one exception while isolated
# changes set elements only (the table, its handle and its rules stay); IPv6 prefixes and port
# ranges as elements.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/isolation-net.sh"

plan 26

CALL="$VIGIL_TOP_SRCDIR/tests/integration/agent-call.py"
NFT_JSON="$TEST_DIR/nft.json"

# What nft -j shows of the table in A: "rules", "handle" (of the table) or "elements SET".
table_fact() {
	in_a nft -j list table inet vigil >"$NFT_JSON" 2>/dev/null || return 1
	python3 - "$NFT_JSON" "$@" <<'PY'
import json, sys
items = json.load(open(sys.argv[1]))["nftables"]
what = sys.argv[2]
if what == "rules":
    print(sum(1 for o in items if "rule" in o))
elif what == "handle":
    print([o["table"]["handle"] for o in items if "table" in o][0])
elif what == "elements":
    s = [o["set"] for o in items if "set" in o and o["set"]["name"] == sys.argv[3]][0]
    print(json.dumps(s.get("elem", [])))
PY
}
total() { ctl --json isolation status | python3 -c 'import json,sys; print(json.load(sys.stdin)["exceptions_total"])'; }
check_counts() {
	ctl --json isolation status | python3 -c '
import json, sys
c = json.load(sys.stdin)["check"]
sys.exit(0 if c["ok"] and c["rules_in_kernel"] == 42 and c["elements_in_kernel"] == c["elements_expected"] > 10000 else 1)'
}

ok "namespaces and peers are up" net_setup
ok "the agent starts in namespace A" start_agent

# 9,999 exceptions to hosts that are not there — every other one a range, so that both kinds
# of set are large — then the flow's own exception, the last: B's /30, TCP ports 8999-9000.
python3 - "$TEST_DIR/add.vigil" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(9999):
        a = "%d.%d" % (i // 256, i % 256)
        if i % 2:
            f.write("isolation exception add --direction out --protocol tcp --remote 10.201.%s/32 --remote-port %d-%d\n"
                    % (a, 1000 + i, 1001 + i))
        else:
            f.write("isolation exception add --direction out --protocol tcp --remote 10.200.%s --remote-port %d\n"
                    % (a, 1000 + i))
    f.write("isolation exception add --direction out --protocol tcp --remote 10.77.1.0/30 --remote-port 8999-9000\n")
PY
ok "10,000 exceptions added from a script" eval 'ctl -f "$TEST_DIR/add.vigil" >/dev/null'
ok "status counts 10,000 exceptions and lists the first page" eval 'test "$(total)" = 10000 &&
	test "$(ctl --json isolation status | python3 -c "import json,sys; print(len(json.load(sys.stdin)[\"exceptions\"]))")" = 1000'
ok "the list's last page has the flow's exception" eval 'python3 "$CALL" "$SOCKET" isolation.exception.list "{\"offset\": 9990, \"limit\": 100}" |
	python3 -c "import json,sys; l=json.load(sys.stdin); sys.exit(0 if len(l) == 10 and l[-1][\"remote\"] == \"10.77.1.0/30\" else 1)"'
ok "a page of 5000 arrives whole (in parts)" eval 'test "$(python3 "$CALL" "$SOCKET" isolation.exception.list "{\"offset\": 1000, \"limit\": 5000}" |
	python3 -c "import json,sys; print(len(json.load(sys.stdin)))")" = 5000'
ok "a page over 5000 is refused" test "$(status_of python3 "$CALL" "$SOCKET" isolation.exception.list '{"limit": 6000}')" -ne 0

ok "isolation on with 10,000 exceptions" ctl isolation on --reason "sets test"
ok "the table has 42 rules" test "$(table_fact rules)" = 42
ok "the rules' check counts the set elements" check_counts
ok "the last exception's flow passes: A reaches B:9000" flows "$NS_A" tcp "$B4" 9000
ok "a flow no exception allows is dropped: A cannot reach B:7000" blocked "$NS_A" tcp "$B4" 7000
ok "outside the /30: A cannot reach C:9000" blocked "$NS_A" tcp "$C4" 9000
ok "outbound only: B cannot reach A:8080" blocked "$NS_B" tcp "$A4B" 8080

handle=$(table_fact handle)
ok "an exception added while isolated: A reaches B:7000" eval 'id7000=$(ctl --json isolation exception add \
	--direction out --protocol tcp --remote "$B4" --remote-port 7000 | python3 -c "import json,sys; print(json.load(sys.stdin)[\"exception\"][\"id\"])") &&
	flows "$NS_A" tcp "$B4" 7000'
ok "only set elements changed: same table, same 42 rules" eval 'test "$(table_fact handle)" = "$handle" && test "$(table_fact rules)" = 42'
ok "the log says the update was elements only" grep -q "isolation updated: 1 set elements changed" "$AGENT_LOG"
ok "the exception removed: A cannot reach B:7000 any more" eval 'ctl isolation exception remove "$id7000" >/dev/null &&
	blocked "$NS_A" tcp "$B4" 7000'
ok "still the same table and rules, and the check agrees" eval 'test "$(table_fact handle)" = "$handle" &&
	test "$(table_fact rules)" = 42 && check_counts'

ok "an IPv6 prefix with a port range" ctl isolation exception add --direction out --protocol tcp \
	--remote fd77:1::/64 --remote-port 7000-7001
ok "it is one element of out6_net_rports" eval 'table_fact elements out6_net_rports | grep -q "\"prefix\": {\"addr\": \"fd77:1::\", \"len\": 64}" &&
	table_fact elements out6_net_rports | grep -q "\"range\": \[7000, 7001\]"'
ok "IPv6 prefix: A reaches [fd77:1::2]:7000, not [fd77:2::2]:7000" eval 'flows "$NS_A" tcp "$B6" 7000 &&
	blocked "$NS_A" tcp "$C6" 7000'
ok "an inbound UDP port range" ctl isolation exception add --direction in --protocol udp --local-port 6000-6010
ok "port range: B reaches A on UDP 6005, not 6011" eval 'flows "$NS_B" udp "$A4B" 6005 && blocked "$NS_B" udp "$A4B" 6011'
ok "still the same table and 42 rules" eval 'test "$(table_fact handle)" = "$handle" && test "$(table_fact rules)" = 42'
ok "isolation off removes the table" eval 'ctl isolation off >/dev/null && no_vigil_table'
finish
