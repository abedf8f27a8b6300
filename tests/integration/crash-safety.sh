#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# kill -9 of the agent loses no committed setting, and the database stays sound.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
plan 6

ok "agent starts" start_agent
for i in $(seq 1 20); do ctl settings set link.max_events_per_hour=$((1000 + i)) >/dev/null || break; done
ok "20 committed changes" bash -c '"$VIGILCTL" settings show link.max_events_per_hour | grep -q 1020'
kill_agent
ok "database passes integrity_check after kill -9" bash -c '[ "$(sqlite3 "$1" "PRAGMA integrity_check")" = ok ]' _ "$STATE_DIR/vigil.db"
ok "agent restarts over the stale socket" start_agent
ok "the last committed setting survived" bash -c '"$VIGILCTL" settings show link.max_events_per_hour | grep -q 1020'
ok "and the change log has all 20 entries" bash -c '[ "$("$VIGILCTL" --json settings history | python3 -c "import json,sys; print(sum(1 for e in json.load(sys.stdin) if e[\"key\"]==\"link.max_events_per_hour\"))")" = 20 ]'
finish
