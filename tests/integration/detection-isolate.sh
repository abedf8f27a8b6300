#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The isolate response: a rule whose policy is isolate cuts the host off when it fires (the
# agent runs in namespace A of isolation-net.sh, never on the host's own network), the
# isolation names the detection, the finding says what was done, and the administrator's
# isolation off releases it as any other.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/isolation-net.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/detection-lib.sh"

M="vgiso$$x$RANDOM"
RULES="$TEST_DIR/rules"
ID_ISO=11111111-0000-4000-8000-0000000000c1
mkdir -p "$RULES"
cat >"$RULES/isolate.yml" <<YML
title: Test rule that isolates
id: $ID_ISO
status: test
logsource:
    product: linux
    category: process_creation
detection:
    selection:
        CommandLine|contains: '$M-isolate'
    condition: selection
level: critical
YML

# finding: the detection of the rule that the isolation's reason names, into finding.json (the
# rule fires for setpriv's start and for the program's: the first to act isolates, the other
# finds the host isolated already).
finding() {
	python3 - "$SOCKET" "$ID_ISO" "$(iso_reason)" >"$TEST_DIR/finding.json" <<'PY'
import json, os, sys
sys.path.insert(0, os.environ["VIGIL_TOP_SRCDIR"] + "/tests/integration")
from detection_call import Agent
call = Agent(sys.argv[1]).call
for d in call("detection.list", {"rule": sys.argv[2]}):
    if sys.argv[3].startswith("detection %s: " % d["uid"]):
        print(json.dumps(call("detection.show", {"uid": d["uid"]})))
        sys.exit(0)
sys.exit(1)
PY
}
iso_reason() { ctl --json isolation status | python3 -c 'import json,sys; print(json.load(sys.stdin)["reason"])'; }

plan 12

ok "namespaces and peers are up" net_setup
ok "before: A reaches B" flows "$NS_A" tcp "$B4" 9000
ok "the agent runs in namespace A with an isolating rule" det_start_agent "$RULES" \
	--set "detection.policies=id:$ID_ISO=isolate"
ok "not isolated before the behaviour" test "$(iso_state)" = off

as_user /bin/true "$M-isolate"
ok "the host is isolated" wait_for 60 eval 'test "$(iso_state)" = on'
ok "A no longer reaches B" blocked "$NS_A" tcp "$B4" 9000
ok "the isolation names a detection of the rule" wait_for 60 finding
UID_ISO=$(fget "$TEST_DIR/finding.json" "e['finding']['finding_info']['uid']")
ok "the finding says the host was isolated" \
	fget "$TEST_DIR/finding.json" "(e['finding']['unmapped']['detection']['action'] == 'isolate' and e['finding']['unmapped']['detection']['response'].get('state') == 'on') or exit(1)"
remediation() {
	sqlite3 "$STATE_DIR"/*.db "SELECT event FROM spool_events WHERE class_uid = 7001 AND instr(event, '\"command_uid\":\"$UID_ISO\"')"
}
ok "the isolation's Remediation Activity names the finding" wait_for 30 eval 'remediation | grep -q .'
ok "and the detection as who asked for it" python3 -c '
import json, sys
e = json.loads(sys.argv[1])
sys.exit(0 if e["actor"] == {"app_name": "Vigil detection"} and e["unmapped"]["isolation"]["requested_by"] == "detection" else 1)' \
	"$(remediation | head -1)"
ok "the log says a detection asked" grep -q "isolation on requested by a detection: detection $UID_ISO" "$AGENT_LOG"

ctl isolation off >/dev/null
ok "isolation off releases it: A reaches B again" eval 'wait_for 60 no_vigil_table && flows "$NS_A" tcp "$B4" 9000'
