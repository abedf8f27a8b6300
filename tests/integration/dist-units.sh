#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The isolation restore unit names no state directory of its own: vigild --restore-isolation reads
# it from vigild.conf like the agent, and with no database there it says the host is not isolated
# and creates nothing (at boot, before the agent ever ran).
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
plan 4

unit="$VIGIL_TOP_BUILDDIR/dist/vigil-isolation.service"
ok "the isolation unit is built" test -s "$unit"
ok "and hard-codes no database path" bash -c '! grep -q "vigil\.db\|ConditionPathExists" "$1"' _ "$unit"

mkdir -m 700 "$TEST_DIR/elsewhere"
printf '[agent]\nstate_dir = %s\n' "$TEST_DIR/elsewhere" >"$AGENT_CONFIG"
out=$("$VIGILD" --config "$AGENT_CONFIG" --restore-isolation 2>&1)
rc=$?
ok "with the configured state directory empty, the host is not isolated (exit 0)" \
	bash -c '[ "$1" = 0 ] && [[ "$2" == *"not isolated"* ]]' _ "$rc" "$out"
ok "and nothing was created there" test -z "$(ls -A "$TEST_DIR/elsewhere")"
finish
