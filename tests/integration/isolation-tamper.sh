#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Root on the host undoes the isolation without removing the table, so that the rule count
# stays right: the chains' policy set to accept, an element swapped for one of its own.
# isolation status says so at once, the periodic check (every 15 s) puts the table back, and
# a high-severity event tells the server.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/isolation-net.sh"

plan 15

check_field() { ctl --json isolation status | python3 -c 'import json,sys; print(json.load(sys.stdin)["check"][sys.argv[1]])' "$1"; }
repairs() {
	ctl --json telemetry show --limit 1000 --grep repair | python3 -c '
import json, sys
n = sum(1 for e in json.load(sys.stdin)
        if e.get("unmapped", {}).get("isolation", {}).get("action") == "repair" and e.get("severity_id") == 4)
sys.exit(0 if n >= int(sys.argv[1]) else 1)' "$1"
}
policy() { in_a nft list chain inet vigil "$1" | grep -o 'policy [a-z]*' | cut -d' ' -f2; }

ok "namespaces and peers are up" net_setup
ok "the agent starts in namespace A" start_agent
ok "isolation on" ctl isolation on --reason "tamper test"
ok "the check agrees and B is cut off" eval 'iso_check_ok && blocked "$NS_A" tcp "$B4" 9000'

# 1. The policies: the rules are all there, and yet everything passes.
in_a nft 'chain inet vigil output { policy accept; }; chain inet vigil input { policy accept; }'
ok "with the policies at accept, traffic to B flows" flows "$NS_A" tcp "$B4" 9000
ok "the rule count is unchanged" test "$(check_field rules_in_kernel)" = 42
ok "isolation status sees it at once" eval '! iso_check_ok && check_field difference | grep -q "policy accept"'
ok "the periodic check puts the policies back" wait_for 60 eval 'test "$(policy output)" = drop && test "$(policy input)" = drop'
ok "B is cut off again and the check agrees" eval 'blocked "$NS_A" tcp "$B4" 9000 && iso_check_ok'
ok "a high-severity event says the table was altered" wait_for 60 repairs 1

# 2. An element of the agent's swapped for one that lets B in: the element count is unchanged.
set_name=$(in_a nft -j list sets inet | python3 -c '
import json, sys
for o in json.load(sys.stdin)["nftables"]:
    s = o.get("set")
    if s and s["table"] == "vigil" and s.get("elem"):
        print(s["name"]); break')
elem=$(in_a nft -j list set inet vigil "$set_name" | python3 -c '
import json, sys
s = [o["set"] for o in json.load(sys.stdin)["nftables"] if "set" in o][0]
print(json.dumps(s["elem"][0]))')
diag "swapping an element of $set_name: $elem"
in_a nft -j -f - <<<"{\"nftables\": [{\"delete\": {\"element\": {\"family\": \"inet\", \"table\": \"vigil\", \"name\": \"$set_name\", \"elem\": [$elem]}}}]}"
ok "an element is taken out" test $? = 0
# Its place is taken by a flow to B on any TCP port (the set holds addresses and protocols).
in_a nft add element inet vigil out4_hosts "{ $B4 . tcp }" 2>/dev/null ||
	in_a nft add element inet vigil out4_net_ports "{ $B4/32 . tcp . 0-65535 . 0-65535 }"
ok "and one of root's put in its place: B is reachable" flows "$NS_A" tcp "$B4" 9000
ok "the periodic check finds the element and puts the table back" wait_for 60 blocked "$NS_A" tcp "$B4" 9000
ok "with a second high-severity event" wait_for 60 repairs 2
# The checks in between found the table as applied (the rules read back after each apply).
ok "no repair but those two, nor a table read back different" \
	eval 'test "$(grep -c "was altered in the kernel" "$AGENT_LOG")" = 2 && ! grep -q "read back differs" "$AGENT_LOG"'
finish
