#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The server's part in detection, through the reference central server: a rule pushed with the
# OpenC2 command update x-vigil:rules is in force without a restart, a broken one is refused
# with its reason and the others stay, a pushed rule is removed; an OpenIOC document is armed
# with update x-vigil:ioc_watch; and a detection reaches the server at once, well before
# link.max_transfer_delay.  File events come from fanotify: no audit needed.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/link-lib.sh"
plan 14

M="vgsrv$$x$RANDOM"
mkdir -p "$TEST_DIR/watched" "$TEST_DIR/rules"
make_pki
VIGIL_TEST_COLLECTORS=1 start_agent --set telemetry.process=no --set telemetry.network=no \
	--set telemetry.file_backend=fanotify --set "telemetry.file_paths=$TEST_DIR/watched" \
	--set "detection.rules_dirs=$TEST_DIR/rules" || exit 1
PORT=$(free_port)
ADMIN=$(free_port)
start_central main "$PORT" --poll-wait 2 --admin-port "$ADMIN"
setup_link "$PORT"
# A long delay for ordinary events: a detection must not wait for it.
ctl settings set link.max_transfer_delay=600 >/dev/null

response() { central_response main "$1"; }
jq_() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
# push NAME CONTENT-FILE|null: queues update x-vigil:rules (null: delete x-vigil:rules, the
# file's removal); prints the request id.
push() {
	local content
	if [ "$2" = null ]; then
		central_queue "$ADMIN" "{\"action\": \"delete\", \"target\": {\"x-vigil:rules\": {\"name\": \"$1\"}}}"
		return
	fi
	content=$(python3 -c 'import json,sys; print(json.dumps(open(sys.argv[1]).read()))' "$2")
	central_queue "$ADMIN" "{\"action\": \"update\", \"target\": {\"x-vigil:rules\": {\"name\": \"$1\", \"content\": $content}}}"
}
n_rules() { ctl --json detection rules list | jq_ "d['rules']"; }

RID=33333333-0000-4000-8000-000000000001
cat >"$TEST_DIR/pushed.yml" <<YML
title: Pushed rule $M
id: $RID
status: test
logsource:
    product: linux
    category: file_event
detection:
    selection:
        TargetFilename|endswith: '/$M.bin'
    condition: selection
level: critical
YML
sed -e 's/^id: .*/id: 33333333-0000-4000-8000-000000000002/' -e 's/endswith:/nosuchmodifier:/' \
	"$TEST_DIR/pushed.yml" >"$TEST_DIR/broken.yml"

ok "the agent starts with no rule" test "$(n_rules)" = 0
resp=$(response "$(push pushed.yml "$TEST_DIR/pushed.yml")")
diag "update x-vigil:rules: $resp"
ok "a pushed rule is answered 200 with the rule it brought" \
	test "$(jq_ "(d['status'], d['results']['x-vigil']['rules'])" <<<"$resp")" = "(200, 1)"
ok "it is in force, without a restart" test "$(n_rules)" = 1
resp=$(response "$(push broken.yml "$TEST_DIR/broken.yml")")
diag "update x-vigil:rules (broken): $resp"
ok "a broken rule is refused (400), naming the modifier" \
	jq_ "d['status'] == 400 and 'nosuchmodifier' in d['status_text'] or exit(1)" <<<"$resp"
ok "the pushed rule stays in force" test "$(n_rules)" = 1

echo payload >"$TEST_DIR/watched/$M.bin"
finding_at_server() {
	python3 - "$TEST_DIR/central-main/events.jsonl" "$RID" <<'PY'
import json, os, sys
if not os.path.exists(sys.argv[1]):
    sys.exit(1)
for line in open(sys.argv[1]):
    e = json.loads(line)["event"]
    if e.get("class_uid") == 2004 and e["finding_info"]["analytic"]["uid"] == sys.argv[2]:
        sys.exit(0)
sys.exit(1)
PY
}
ok "the detection reaches the server at once (max_transfer_delay is 600 s)" wait_for 30 finding_at_server

cat >"$TEST_DIR/live.ioc" <<XML
<?xml version="1.0" encoding="utf-8"?>
<OpenIOC xmlns="http://openioc.org/schemas/OpenIOC_1.1" id="$M-live" last-modified="2024-01-01T00:00:00" published-date="2024-01-01T00:00:00">
<metadata><short_description>$M live</short_description><authored_date>2024-01-01T00:00:00</authored_date></metadata>
<criteria><Indicator id="$M-top" operator="OR"><IndicatorItem id="$M-1" condition="is" negate="false" preserve-case="false"><Context document="FileItem" search="FileItem/FileName" type="mir"/><Content type="string">$M.ioc</Content></IndicatorItem></Indicator></criteria><parameters/></OpenIOC>
XML
doc=$(python3 -c 'import json,sys; print(json.dumps(open(sys.argv[1]).read()))' "$TEST_DIR/live.ioc")
resp=$(response "$(central_queue "$ADMIN" "{\"action\": \"update\", \"target\": {\"x-vigil:ioc_watch\": {\"document\": $doc}}}")")
diag "update x-vigil:ioc_watch: $resp"
ok "an OpenIOC document from the server is armed (200)" jq_ "d['status'] == 200 or exit(1)" <<<"$resp"
ok "it is listed with the server as its source" \
	sh -c "'$VIGILCTL' --socket '$SOCKET' --json ioc watches | grep -q '\"source\": *\"server\"'"
echo payload >"$TEST_DIR/watched/$M.ioc"
ioc_found() { ctl --json detection list | grep -q "$M live"; }
ok "a file written that the document names is a detection" wait_for 30 ioc_found
watch_id=$(jq_ "d['results']['x-vigil']['armed'][0]['id']" <<<"$resp")
resp=$(response "$(central_queue "$ADMIN" "{\"action\": \"delete\", \"target\": {\"x-vigil:ioc_watch\": {\"id\": \"$watch_id\"}}}")")
diag "delete x-vigil:ioc_watch: $resp"
ok "the server disarms it (200)" jq_ "d['status'] == 200 or exit(1)" <<<"$resp"
ok "it is no longer armed" \
	sh -c "! '$VIGILCTL' --socket '$SOCKET' --json ioc watches | grep -q '\"source\": *\"server\"'"

resp=$(response "$(push pushed.yml null)")
diag "delete x-vigil:rules: $resp"
ok "a pushed rule is removed (200)" jq_ "d['status'] == 200 or exit(1)" <<<"$resp"
ok "and no longer in force" test "$(n_rules)" = 0
ok "the agent did not restart" kill -0 "$AGENT_PID"
finish
