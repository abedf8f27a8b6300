#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Every command the protocol table marks admin (reloads, rule toggles, armed indicators, export
# tests, isolation, tasks...) is refused to a member of the agent's group, before it does
# anything, with a reason that says root is needed; a user outside the group is refused too.
# The list comes from the table itself (unit/test-protocol --print-doc), so a command added
# later is tried without this file changing.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"

reader_group
start_agent || exit 1

ADMIN=$("$VIGIL_TOP_BUILDDIR/tests/unit/test-protocol" --print-doc |
	sed -n 's/^| \[`\([a-z0-9._-]*\)`\](#[^)]*) | admin | .*/\1/p')
n=$(wc -w <<<"$ADMIN")
plan $((n + 3))

ok "the protocol table has admin commands ($n)" test "$n" -gt 10
call_as() {
	local who=$1 cmd=$2
	shift 2
	setpriv --reuid=65534 --regid=65534 "$who" -- \
		/usr/bin/python3 "$VIGIL_TOP_SRCDIR/tests/integration/agent-call.py" "$SOCKET" "$cmd" '{}' 2>&1
}
settings_before=$(ctl --json settings show)
for cmd in $ADMIN; do
	out=$(call_as --groups="$gid" "$cmd")
	[[ "$out" == *"needs root"* ]] || diag "$cmd: $out"
	ok "a member of the group is refused $cmd: root is needed" \
		bash -c '[[ "$1" == *"needs root"* ]]' _ "$out"
done
out=$(call_as --clear-groups settings.set)
ok "a user outside the group is refused" bash -c '[[ "$1" == *"ermission denied"* ]]' _ "$out"
ok "nothing changed" test "$(ctl --json settings show)" = "$settings_before"
