#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Data dropped: a spool smaller than what comes loses its oldest events and says so with an
# Event Log Activity (1008) that names the log that lost them and how many.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
plan 4

use_test_agent
ok "the test agent starts with a 1 MiB spool" start_agent --set telemetry.spool_max_mb=1
ok "it stores 6000 events, more than the spool holds" eval 'test_emit 6000 >/dev/null'
out="$TEST_DIR/dropped.json"
# The writer applies the caps every 10 s; the next tick reports what went.
reported() {
	ctl --json telemetry show --type other --limit 100 >"$out" || return 1
	python3 - "$out" <<'PY'
import json, sys
events = [e for e in json.load(open(sys.argv[1])) if e.get("class_uid") == 1008]
sys.exit(0 if events else 1)
PY
}
ok "a data-dropped event is stored" wait_for 60 reported
check() {
	python3 - "$out" <<'PY'
import json, sys
e = [e for e in json.load(open(sys.argv[1])) if e.get("class_uid") == 1008][0]
u = e["unmapped"]
ok = (e["activity_id"] == 99 and e["activity_name"] == "Data Dropped" and e["log_name"] == "spool"
      and e["log_provider"] == "Vigil" and e["log_type_id"] == 2 and u["source"] == "spool"
      and u["reason"] == "spool full" and 0 < u["count"] <= u["total"] <= 6000)
if not ok:
    print(json.dumps(e, indent=1))
sys.exit(0 if ok else 1)
PY
}
ok "it names the spool as the log that lost them, and how many" check
finish
