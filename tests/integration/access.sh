#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# SO_PEERCRED access: root does everything, the agent's group reads, everyone else is refused.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
plan 8

group="vgt$$"
groupadd "$group" || { echo "Bail out! cannot create a test group"; exit 1; }
on_exit groupdel "$group"
gid=$(getent group "$group" | cut -d: -f3)
printf '[agent]\ngroup = %s\n' "$group" >"$AGENT_CONFIG"
ok "agent starts with a group of readers" start_agent
ok "the socket belongs to that group, mode 0660" test "$(stat -c '%a %G' "$SOCKET")" = "660 $group"

as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$VIGILCTL" --socket "$SOCKET" "$@"; }
as_member() { setpriv --reuid=65534 --regid=65534 --groups="$gid" -- "$VIGILCTL" --socket "$SOCKET" "$@"; }

out=$(as_nobody status 2>&1); rc=$?
ok "a user outside the group cannot connect (exit 3, says permission)" bash -c '[ "$1" = 3 ] && [[ "$2" == *"permission denied"* ]]' _ "$rc" "$out"
ok "a group member can read status and settings" bash -c "$(declare -f as_member); gid=$gid SOCKET=$SOCKET; as_member status >/dev/null && as_member settings show link.port | grep -q 443"
out=$(as_member settings set link.port=1 2>&1); rc=$?
ok "a group member cannot change (exit 1, needs root)" bash -c '[ "$1" = 1 ] && [[ "$2" == *"needs root"* ]]' _ "$rc" "$out"
ok "nothing changed" bash -c '"$VIGILCTL" settings show link.port | grep -q 443'

# Defence in depth: even with the file mode opened to everyone, the agent itself refuses strangers.
chmod 666 "$SOCKET"
out=$(as_nobody status 2>&1); rc=$?
ok "with the socket opened, the agent still refuses a stranger (exit 1)" bash -c '[ "$1" = 1 ] && [[ "$2" == *"neither root nor a member of group"* ]]' _ "$rc" "$out"
ok "and logged the refusal with the uid" wait_for 60 grep -q 'refused "status" to uid 65534' "$AGENT_LOG"
finish
