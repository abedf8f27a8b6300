#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The periodic check (every 15 s): a table removed behind the agent's back (nft delete table)
# is put back; a release with vigild --release-isolation beside the running agent is taken
# over, not undone.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/isolation-net.sh"

plan 13

ok "namespaces and peers are up" net_setup
ok "the agent starts in namespace A" start_agent
ok "isolation on" ctl isolation on --reason "self-heal test"
ok "with no automatic release, status says until when" eval \
	'ctl isolation status | grep -qE "^Isolation: isolated, since [0-9:]+ \([0-9]+ s ago\); until released by hand; self-heal test$"'
ok "the table is removed by hand" eval 'in_a nft delete table inet vigil && no_vigil_table'
ok "traffic flows without the table" flows "$NS_A" tcp "$B4" 9000
ok "the agent puts the table back at its next check (every 15 s)" wait_for 60 has_vigil_table
ok "the rules' check agrees and B is cut off again" eval 'iso_check_ok && blocked "$NS_A" tcp "$B4" 9000'
ok "vigild --release-isolation beside the running agent" in_a "$VIGILD" --config "$AGENT_CONFIG" \
	--state-dir "$STATE_DIR" --release-isolation
ok "the agent takes the release over at its next check" wait_for 60 eval 'test "$(iso_state)" = off'
# Once it has applied "off" (not applying any more), nothing puts the table back: the periodic
# check leaves a released host alone.
iso_idle() { ctl --json isolation status | python3 -c 'import json,sys; sys.exit(1 if json.load(sys.stdin)["applying"] else 0)'; }
ok "and does not put the table back" eval 'wait_for 60 iso_idle && no_vigil_table && flows "$NS_A" tcp "$B4" 9000'
# A table of the agent's name while isolation is off: the check says so, in grammatical French.
in_a nft add table inet vigil && in_a nft add chain inet vigil stray && in_a nft add rule inet vigil stray accept
ok "a stray table while off: the check says 1 rule, 0 expected" eval \
	'ctl isolation status | grep -q "^  Rules check: *MISMATCH: 1 rule in the kernel, 0 expected$"'
ok "in French: 1 règle, no plural" eval \
	'LANGUAGE=fr ctl isolation status | grep -q "DIVERGENCE.*: 1 règle dans le noyau au lieu de 0$"'
in_a nft delete table inet vigil
finish
