#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Isolation with exceptions, against real traffic between network namespaces: direction,
# IPv4 /24, IPv6 with a prefix, port ranges, refused combinations, another table untouched.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/isolation-net.sh"

plan 34

ok "namespaces and peers are up" net_setup
ok "another table (inet filter) added" other_table_add
before=$(other_table)
ok "the agent starts in namespace A" start_agent

ok "before isolation: A reaches B over TCP" flows "$NS_A" tcp "$B4" 9000
ok "before isolation: B reaches A over TCP" flows "$NS_B" tcp "$A4B" 8080
ok "before isolation: A pings C" pings "$NS_A" "$C4"
ok "before isolation: B reaches A over UDP" flows "$NS_B" udp "$A4B" 6011

ok "an outbound-only exception to B:8080/tcp" ctl isolation exception add --direction out --protocol tcp \
	--remote "$B4" --remote-port 8080 --comment "console"
ok "an ICMP exception to 10.77.1.0/24" ctl isolation exception add --direction out --protocol icmp \
	--remote 10.77.1.0/24
ok "an IPv6 exception with a prefix" ctl isolation exception add --direction out --protocol tcp \
	--remote fd77:1::/64 --remote-port 7000
ok "an inbound UDP port range" ctl isolation exception add --direction in --protocol udp --local-port 6000-6010
ok "ports without tcp/udp are refused" test "$(status_of ctl isolation exception add --protocol icmp --local-port 22)" -ne 0
ok "icmp with an IPv6 address is refused" test "$(status_of ctl isolation exception add --protocol icmp --remote "$B6")" -ne 0
ok "a backwards port range is refused" test "$(status_of ctl isolation exception add --protocol tcp --local-port 90-80)" -ne 0

ok "isolation on" ctl isolation on --reason "integration test"
ok "status says on" test "$(iso_state)" = on
ok "the rules' check agrees with the kernel" iso_check_ok
ok "the table inet vigil is in the kernel" has_vigil_table

ok "outbound exception: A connects to B:8080" flows "$NS_A" tcp "$B4" 8080
ok "outbound only: B cannot connect to A:8080" blocked "$NS_B" tcp "$A4B" 8080
ok "not excepted: A cannot reach B:9000" blocked "$NS_A" tcp "$B4" 9000
ok "/24 exception: A pings B" pings "$NS_A" "$B4"
ok "/24 exception: A cannot ping C" ping_blocked "$NS_A" "$C4"
ok "IPv6 prefix exception: A reaches [fd77:1::2]:7000" flows "$NS_A" tcp "$B6" 7000
ok "IPv6 outside the prefix: A cannot reach [fd77:2::2]:7000" blocked "$NS_A" tcp "$C6" 7000
ok "port range: B reaches A on UDP 6005 and 6010" eval 'flows "$NS_B" udp "$A4B" 6005 && flows "$NS_B" udp "$A4B" 6010'
ok "port range: UDP 5999 and 6011 stay closed" eval 'blocked "$NS_B" udp "$A4B" 5999 && blocked "$NS_B" udp "$A4B" 6011'
ok "the other table is untouched while isolated" test "$(other_table)" = "$before"

ok "isolation off" ctl isolation off
ok "after isolation: the table is gone" no_vigil_table
ok "after isolation: B reaches A and A pings C again" eval 'flows "$NS_B" tcp "$A4B" 8080 && pings "$NS_A" "$C4"'
ok "the other table is untouched after isolation" test "$(other_table)" = "$before"
ok "every change is a line in the log" eval 'grep -q "isolation exception 1 added: out tcp remote 10.77.1.2/32" "$AGENT_LOG" &&
	grep -q "isolation on requested by uid 0" "$AGENT_LOG" && grep -q "isolation applied: .* rules" "$AGENT_LOG" &&
	grep -q "isolation off requested by uid 0" "$AGENT_LOG" && grep -q "isolation removed" "$AGENT_LOG"'
ok "status --json after: state off, no table expected" eval 'test "$(iso_state)" = off && iso_check_ok'
finish
