#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Connections open before isolation: one that no exception allows is dead after it, one
# that an exception allows carries on.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/isolation-net.sh"

plan 9

ok "namespaces and peers are up" net_setup
ok "the agent starts in namespace A" start_agent

# hold HOST PORT NAME WAIT: a connection from A held open by a helper, controlled through a
# directory; at the verdict, the connection is dead when its peer does not answer within WAIT
# seconds (long for the one that must live, so that a busy machine does not kill it; short for
# those that must die, which cost the whole wait).
hold() {
	mkdir -p "$TEST_DIR/$3"
	in_a timeout 600 python3 "$PEER" hold "$1" "$2" "$TEST_DIR/$3" "$4" &
	on_exit "kill $! 2>/dev/null"
	wait_for 60 test -e "$TEST_DIR/$3/ready"
}
verdict() {
	touch "$TEST_DIR/$1/go"
	wait_for 120 test -s "$TEST_DIR/$1/result" && cat "$TEST_DIR/$1/result"
}

ok "a connection to B:8080 is open" hold "$B4" 8080 kept 30
ok "a connection to B:9000 is open" hold "$B4" 9000 cut 3
ok "a connection to [fd77:2::2]:7000 is open" hold "$C6" 7000 cut6 3
ok "exception for B:8080 only" ctl isolation exception add --direction out --protocol tcp --remote "$B4" \
	--remote-port 8080
ok "isolation on" ctl isolation on --reason conntrack
ok "the excepted connection survives" test "$(verdict kept)" = alive
ok "the connections that no exception allows are dead" eval 'test "$(verdict cut)" = dead && test "$(verdict cut6)" = dead'
ctl isolation off >/dev/null 2>&1
finish
