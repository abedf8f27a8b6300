#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The detection subsystem on the live agent, apart from what the rules say: rule management
# without a restart (a rule added and reloaded, a broken rule refused with its reason while the
# others stay in force, a rule disabled then enabled, the offline check), response policies
# really carried out (block and terminate kill the process, quarantine takes the file, each
# response a task linked to the finding), a live OpenIOC document armed with `ioc watch`, and
# the benign activity of the test suite raising nothing from Vigil's own rules.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/detection-lib.sh"

M="vgman$$x$RANDOM"
RULES="$TEST_DIR/rules"
mkdir -p "$RULES"

# rule FILE ID CATEGORY FIELD VALUE: a Sigma rule of the test's own.
rule() {
	cat >"$RULES/$1" <<EOF
title: Test rule $2
id: $2
status: test
logsource:
    product: linux
    category: $3
detection:
    selection:
        $4: '$5'
    condition: selection
level: high
tags:
    - attack.execution
    - attack.t1059
EOF
}
ID_BLOCK=11111111-0000-4000-8000-00000000000b
ID_TERM=11111111-0000-4000-8000-00000000000c
ID_QUAR=11111111-0000-4000-8000-00000000000d
ID_TOGGLE=11111111-0000-4000-8000-00000000000e
ID_LATE=11111111-0000-4000-8000-00000000000f
rule block.yml "$ID_BLOCK" process_creation 'CommandLine|contains' "$M-block"
rule term.yml "$ID_TERM" process_creation 'CommandLine|contains' "$M-term"
rule quar.yml "$ID_QUAR" file_event 'TargetFilename|endswith' "/$M-quar.bin"
rule toggle.yml "$ID_TOGGLE" process_creation 'CommandLine|contains' "$M-toggle"

# n_det RULE: how many detections of RULE the agent holds.
n_det() { ctl --json detection list --rule "$1" --limit 1000 | python3 -c "import json,sys; print(len(json.load(sys.stdin)))"; }
at_least() { [ "$(n_det "$1")" -ge "$2" ]; }
# gone PID: the process has exited (a zombie of ours counts as gone: reaped by wait).
gone() { [ ! -e "/proc/$1" ] || grep -q '^State:.*Z' "/proc/$1/status"; }

plan 27

ok "the agent runs with Vigil's rules and the test's" det_start_agent "$DET_DEFAULT_RULES,$RULES" \
	--set "detection.policies=id:$ID_BLOCK=block,id:$ID_TERM=terminate,id:$ID_QUAR=quarantine"
ctl --json detection rules list >"$TEST_DIR/rules.json"
NDEF=$(ls "$DET_DEFAULT_RULES"/*.yml | wc -l)
ok "every rule is in force" test "$(fget "$TEST_DIR/rules.json" "(e['rules'], e['refused'])")" = "($((NDEF + 4)), 0)"

# ---- benign activity: what the test suite itself does, under Vigil's own rules ----
# As a user of its own, so that what other programs on the host do at the same time is told apart.
BENIGN_UID=64999
BENIGN=(setpriv --reuid "$BENIGN_UID" --regid "$BENIGN_UID" --clear-groups --)
mkdir -p "$W/benign"
chown "$BENIGN_UID:$BENIGN_UID" "$W/benign"
cd "$W/benign" || exit 1
"${BENIGN[@]}" sh -c "mkdir -p a/b && echo hello >a/b/c.txt && cp a/b/c.txt d.txt && mv d.txt e.txt && rm -f e.txt"
"${BENIGN[@]}" python3 -c "import json, socket; print(json.dumps({'x': 1}))" >/dev/null
"${BENIGN[@]}" sh -c "printf 'x\n' | sha256sum >/dev/null; tar -cf a.tar a && tar -tf a.tar >/dev/null; gzip -c a.tar >/dev/null"
"${BENIGN[@]}" sh -c "echo aGVsbG8K | base64 -d >/dev/null; grep -r hello a >/dev/null; sed -n 1p a/b/c.txt >/dev/null; awk 'END{}' a/b/c.txt"
"${BENIGN[@]}" sqlite3 "$W/benign/benign.db" "CREATE TABLE t(x); INSERT INTO t VALUES (1);"
"${BENIGN[@]}" "$VIGILCTL" --help >/dev/null
"${BENIGN[@]}" "$VIGILCTL" detection rules check "$DET_DEFAULT_RULES"/*.yml >/dev/null
for t in unit/test-settings unit/test-sigma-match unit/test-linebuf; do
	[ -x "$VIGIL_TOP_BUILDDIR/tests/$t" ] && "${BENIGN[@]}" "$VIGIL_TOP_BUILDDIR/tests/$t" >/dev/null 2>&1
done
"${BENIGN[@]}" curl -s -o /dev/null "file://$W/benign/a/b/c.txt"
"${BENIGN[@]}" python3 "$VIGIL_TOP_SRCDIR/tests/integration/agent-call.py" "$SOCKET" status '{}' >/dev/null 2>&1
BPORT=$(free_port)
"${BENIGN[@]}" python3 -c "
import socket, sys
s = socket.socket(); s.bind(('127.0.0.1', $BPORT)); s.listen(1)
c = socket.create_connection(('127.0.0.1', $BPORT)); a, _ = s.accept(); c.sendall(b'x'); a.recv(1)"
cd "$TEST_DIR" || exit 1

# ---- rule management ----
rule broken.yml 11111111-0000-4000-8000-0000000000aa process_creation 'CommandLine|nosuchmodifier' x
rule late.yml "$ID_LATE" process_creation 'CommandLine|contains' "$M-late"
ok "an offline check refuses the broken rule, naming the modifier" \
	sh -c "! '$VIGILCTL' detection rules check '$RULES/broken.yml' >'$TEST_DIR/check.out' 2>&1 && grep -q nosuchmodifier '$TEST_DIR/check.out'"
ok "an offline check accepts a good rule" "$VIGILCTL" detection rules check "$RULES/late.yml"
ok "reload answers once the new rules are in force" ctl --json detection rules reload
ctl --json detection rules list >"$TEST_DIR/rules2.json"
ok "the added rule is in force, the broken one refused, the others kept" \
	test "$(fget "$TEST_DIR/rules2.json" "(e['rules'], e['refused'])")" = "($((NDEF + 5)), 1)"
ok "the refusal names the file and the reason" \
	fget "$TEST_DIR/rules2.json" "[r for r in e['rejects'] if r['file'].endswith('/broken.yml') and 'nosuchmodifier' in json.dumps(r)][0]"
as_user /bin/true "$M-late"
ok "the reloaded rule fires without a restart" wait_for 30 at_least $ID_LATE 1
ok "the agent did not restart" kill -0 "$AGENT_PID"

ok "disable answers once in force" ctl detection rules disable "$ID_TOGGLE"
ctl --json detection rules show "$ID_TOGGLE" >"$TEST_DIR/toggle.json"
ok "the rule shows as disabled" fget "$TEST_DIR/toggle.json" "e['state'] == 'disabled' or exit(1)"
as_user /bin/true "$M-toggle-1"
as_user /bin/true "$M-late-2"
ok "a later event is seen by the rules still in force" wait_for 30 at_least $ID_LATE 2
ok "the disabled rule raised nothing" test "$(n_det "$ID_TOGGLE")" = 0
ok "enable answers once in force" ctl detection rules enable "$ID_TOGGLE"
as_user /bin/true "$M-toggle-2"
ok "the enabled rule fires again" wait_for 30 at_least $ID_TOGGLE 1

# ---- responses ----
# Programs named with the mark (a copy of sleep): the rules see the mark in their command line.
# Copied with the names out of every command line: the rules would kill a cp naming them.
for name in block term; do
	DEST="$W/$M-$name" python3 -c 'import os, shutil; shutil.copy("/bin/sleep", os.environ["DEST"])'
done
# block: the process is killed at once (SIGKILL, no grace).
"${AS_USER[@]}" "$W/$M-block" 300 &
BLOCK_PID=$!
ok "block kills the process that started" wait_for 30 gone "$BLOCK_PID"
wait "$BLOCK_PID"
ok "it died of SIGKILL" test "$?" = 137
# terminate: SIGTERM first.
"${AS_USER[@]}" "$W/$M-term" 300 &
TERM_PID=$!
ok "terminate ends the process" wait_for 60 gone "$TERM_PID"
wait "$TERM_PID"
ok "it died of SIGTERM" test "$?" = 143
# quarantine: the file the event wrote is taken away.
as_user sh -c "echo payload >'$W/$M-quar.bin'"
ok "quarantine removes the written file" wait_for 60 test ! -e "$W/$M-quar.bin"

# The detection whose block succeeded (setpriv's start and the program's both match: one kills,
# the other finds the process gone), its task and its remediation event.
blocked() {
	python3 - "$SOCKET" "$ID_BLOCK" >"$TEST_DIR/blocked.json" <<'PY'
import json, os, sys
sys.path.insert(0, os.environ["VIGIL_TOP_SRCDIR"] + "/tests/integration")
from detection_call import Agent
call = Agent(sys.argv[1]).call
for d in call("detection.list", {"rule": sys.argv[2]}):
    fnd = call("detection.show", {"uid": d["uid"]})["finding"]
    resp = fnd["unmapped"]["detection"]["response"]
    if "task_id" in resp:
        task = call("task.show", {"id": resp["task_id"]})
        if task and task.get("state") == "succeeded":
            print(json.dumps({"finding": fnd, "task": task})); sys.exit(0)
sys.exit(1)
PY
}
ok "a block detection's task succeeded" wait_for 30 blocked
UID_BLOCK=$(fget "$TEST_DIR/blocked.json" "e['finding']['finding_info']['uid']")
ok "the blocked detection says what was done" \
	fget "$TEST_DIR/blocked.json" "(e['finding']['unmapped']['detection']['action'] == 'block' and e['finding']['disposition'] == 'Blocked') or exit(1)"
ok "the task is the detection's, and names the finding" \
	fget "$TEST_DIR/blocked.json" "(e['task']['source'] == 'detection' and e['task']['request']['finding_uid'] == '$UID_BLOCK') or exit(1)"
remediation() {
	sqlite3 "$STATE_DIR"/*.db "SELECT COUNT(*) FROM spool_events WHERE instr(event, '\"correlation_uid\":\"$UID_BLOCK\"') AND class_uid != 2004" |
		grep -qv '^0$'
}
ok "a remediation event linked to the detection is in the spool" wait_for 30 remediation

# ---- live OpenIOC ----
IOCNAME="$M-ioc"
cat >"$TEST_DIR/live.ioc" <<XML
<?xml version="1.0" encoding="utf-8"?>
<OpenIOC xmlns="http://openioc.org/schemas/OpenIOC_1.1" id="$M-live" last-modified="2024-01-01T00:00:00" published-date="2024-01-01T00:00:00">
<metadata><short_description>$M live</short_description><authored_date>2024-01-01T00:00:00</authored_date></metadata>
<criteria><Indicator id="$M-top" operator="OR"><IndicatorItem id="$M-1" condition="is" negate="false" preserve-case="false"><Context document="ProcessItem" search="ProcessItem/name" type="mir"/><Content type="string">$IOCNAME</Content></IndicatorItem></Indicator></criteria><parameters/></OpenIOC>
XML
ok "ioc watch arms the document" ctl ioc watch "$TEST_DIR/live.ioc"
ctl --json ioc watches >"$TEST_DIR/watches.json"
IOC_ID=$(fget "$TEST_DIR/watches.json" "[w['id'] for w in e if w['file'].endswith('live.ioc')][0]")
cp /bin/true "$W/$IOCNAME"
as_user "$W/$IOCNAME"
ok "a process start that matches the document is a detection" wait_for 30 at_least $IOC_ID 1

# ---- nothing from Vigil's own rules ----
ctl --json detection list --limit 10000 >"$TEST_DIR/all.json"
awk '/^id:/ { print $2 }' "$DET_DEFAULT_RULES"/*.yml >"$TEST_DIR/default-ids"
benign_findings() {
	python3 - "$SOCKET" "$TEST_DIR/all.json" "$TEST_DIR/default-ids" "$BENIGN_UID" <<'PY'
import json, os, sys
sys.path.insert(0, os.environ["VIGIL_TOP_SRCDIR"] + "/tests/integration")
from detection_call import Agent
ids = set(open(sys.argv[3]).read().split())
call = Agent(sys.argv[1]).call
bad = []
for d in json.load(open(sys.argv[2])):
    if d["rule"] not in ids:
        continue
    for e in call("detection.show", {"uid": d["uid"]})["finding"].get("evidences", []):
        p = e.get("process") or e.get("actor", {}).get("process") or {}
        if str(p.get("user", {}).get("uid")) == sys.argv[4]:
            bad.append((d["title"], p.get("cmd_line") or p.get("file", {}).get("path")))
for b in bad:
    print("# %s: %s" % b)
sys.exit(1 if bad else 0)
PY
}
ok "the suite's benign activity raised nothing from Vigil's rules" benign_findings
finish
