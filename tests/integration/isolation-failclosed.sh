#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Fail-closed: isolation outlives kill -9 and a clean stop, a restart finds it consistent,
# and `vigild --release-isolation` ends it with the agent stopped.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/isolation-net.sh"

plan 17

ok "namespaces and peers are up" net_setup
ok "another table (inet filter) added" other_table_add
before=$(other_table)
ok "the agent starts in namespace A" start_agent
ok "isolation on" ctl isolation on --reason "fail-closed test"
ok "B is cut off" blocked "$NS_A" tcp "$B4" 9000
rules=$(vigil_table)

kill_agent
ok "after kill -9: the table is still in the kernel" has_vigil_table
ok "after kill -9: B is still cut off" blocked "$NS_A" tcp "$B4" 9000
ok "the agent restarts" start_agent
ok "after the restart: status says on" test "$(iso_state)" = on
ok "after the restart: the rules' check agrees" iso_check_ok
ok "after the restart: the same rules" test "$(vigil_table)" = "$rules"

ok "a clean stop" stop_agent
ok "after a clean stop: still isolated" eval 'has_vigil_table && blocked "$NS_A" tcp "$B4" 9000'

ok "vigild --release-isolation with the agent stopped" in_a "$VIGILD" --config "$AGENT_CONFIG" \
	--state-dir "$STATE_DIR" --release-isolation
ok "after the release: the table is gone and traffic flows" eval 'no_vigil_table && flows "$NS_A" tcp "$B4" 9000'
start_agent
ok "the agent comes back with status off" test "$(iso_state)" = off
ok "the other table was never touched" test "$(other_table)" = "$before"
finish
