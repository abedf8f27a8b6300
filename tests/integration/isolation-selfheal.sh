#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The periodic check: a table removed behind the agent's back (nft delete table) is put
# back within the check period (15 s), and a table left alone is not rewritten.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/isolation-net.sh"

plan 7

ok "namespaces and peers are up" net_setup
ok "the agent starts in namespace A" start_agent
ok "isolation on" ctl isolation on --reason "self-heal test"
ok "the table is removed by hand" eval 'in_a nft delete table inet vigil && no_vigil_table'
ok "traffic flows without the table" flows "$NS_A" tcp "$B4" 9000
ok "the agent puts the table back within 20 s" wait_for 20 has_vigil_table
ok "the rules' check agrees and B is cut off again" eval 'iso_check_ok && blocked "$NS_A" tcp "$B4" 9000'
ctl isolation off >/dev/null 2>&1
finish
