#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Auto-release: an isolation for an hour ends by itself an hour later, and one without a
# duration ends when the server has not been reached for isolation.release_after_no_contact_hours.
# The hours pass on the test agent's clock (test.clock), not on the wall: the product has no
# setting for short durations, and a duration under an hour is refused.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/isolation-net.sh"

plan 22

# iso_field KEY: one field of isolation status --json.
iso_field() { ctl --json isolation status | python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
# iso_until_in: seconds from the agent's "now" (test.clock with no move) to the auto-release
# (until_ms: the moment in milliseconds beside until's RFC 3339 text).
iso_until_in() {
	local now
	now=$(test_clock 0 | python3 -c 'import json,sys; print(json.load(sys.stdin)["now"])') || return 1
	echo $(($(iso_field until_ms) / 1000 - now))
}

use_test_agent
ok "namespaces and peers are up" net_setup
ok "the agent starts in namespace A" start_agent
ok "an unknown profile is refused" test "$(status_of ctl isolation profile enable smtp)" -ne 0
ok "profile disable dns" ctl isolation profile disable dns
ok "the profile list says dns is off" eval 'ctl --json isolation profile list | python3 -c "import json,sys; p={x[\"name\"]: x[\"enabled\"] for x in json.load(sys.stdin)}; sys.exit(0 if p == {\"dhcp\": True, \"dns\": False, \"ipv6-nd\": True} else 1)"'
ok "a duration under an hour is refused" test "$(status_of ctl isolation on --for 3s)" -ne 0
ok "a duration over 9999 hours is refused" test "$(status_of ctl isolation on --duration 10000)" -ne 0
ok "the product has no setting for short durations" \
	eval '! ctl settings show | grep -q short_durations && test "$(status_of ctl settings set isolation.test_short_durations=yes)" -ne 0'

# An hour, on the agent's clock.
ok "isolation on for one hour" ctl isolation on --duration 1 --reason "auto-release test"
ok "isolated, B cut off" eval 'test "$(iso_state)" = on && blocked "$NS_A" tcp "$B4" 9000'
left=$(iso_until_in)
ok "the release is an hour away ($left s)" test "${left:-0}" -gt 3500 -a "${left:-0}" -le 3600
test_clock 1800 >/dev/null
ok "half an hour later: still isolated" eval 'test "$(iso_state)" = on && has_vigil_table'
test_clock 1800 >/dev/null
ok "an hour later: released by itself" wait_for 60 eval 'test "$(iso_state)" = off'
ok "status says why" test "$(iso_field reason)" = "auto-release time reached"
ok "the table is gone and traffic flows" eval 'wait_for 60 no_vigil_table && flows "$NS_A" tcp "$B4" 9000'
ok "the release was logged" grep -q "isolation released: auto-release time reached" "$AGENT_LOG"

# No contact with the server (none is configured here): released after the hours set.
ok "release after 2 hours without contact" ctl settings set isolation.release_after_no_contact_hours=2
ok "isolation on, no duration" ctl isolation on --reason "no-contact test"
test_clock 3600 >/dev/null
ok "an hour later: still isolated" eval 'test "$(iso_state)" = on && has_vigil_table'
test_clock 3600 >/dev/null
ok "two hours later: released" wait_for 60 eval 'test "$(iso_state)" = off'
ok "status says why" test "$(iso_field reason)" = "no contact with the server"
ok "the table is gone and traffic flows" eval 'wait_for 60 no_vigil_table && flows "$NS_A" tcp "$B4" 9000'
finish
