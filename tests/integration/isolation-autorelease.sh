#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Auto-release: an isolation with a short duration (the test-only setting allows seconds)
# ends by itself, and a duration under an hour is refused without that setting.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/isolation-net.sh"

plan 12

ok "namespaces and peers are up" net_setup
ok "the agent starts in namespace A" start_agent
ok "an unknown profile is refused" test "$(status_of ctl isolation profile enable smtp)" -ne 0
ok "profile disable dns" ctl isolation profile disable dns
ok "the profile list says dns is off" eval 'ctl --json isolation profile list | python3 -c "import json,sys; p={x[\"name\"]: x[\"enabled\"] for x in json.load(sys.stdin)}; sys.exit(0 if p == {\"dhcp\": True, \"dns\": False, \"ipv6-nd\": True} else 1)"'
ok "a duration under an hour is refused" test "$(status_of ctl isolation on --for 3s)" -ne 0
ok "a duration over 9999 hours is refused" test "$(status_of ctl isolation on --duration 10000)" -ne 0
ok "the test-only setting allows seconds" ctl settings set isolation.test_short_durations=yes
ok "isolation on for 3 seconds" ctl isolation on --for 3s --reason "auto-release test"
ok "isolated at first" eval 'test "$(iso_state)" = on && blocked "$NS_A" tcp "$B4" 9000'
ok "released by itself within 15 s" wait_for 15 eval 'test "$(iso_state)" = off'
ok "the table is gone and traffic flows" eval 'wait_for 5 no_vigil_table && flows "$NS_A" tcp "$B4" 9000'
finish
