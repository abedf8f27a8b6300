#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The regular expressions of the server's Sigma rules and of the armed OpenIOC documents are
# checked and matched in the detection's sandbox, never in vigild (doc/security.md): a pushed
# rule's pattern detects through it; a pattern the sandbox calls broken is refused though PCRE2
# would take it (the check was made there); a pattern that crashes the sandbox while matching
# kills only the worker, which comes back, and the events keep being evaluated; the answers
# for a value seen again are remembered; a live OpenIOC document's `matches` goes there too.
# The rules of the administrator's own directories stay compiled in vigild.  File events come
# from fanotify: no audit needed.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/link-lib.sh"
plan 17

M="vgrx$$x$RANDOM"
mkdir -p "$TEST_DIR/watched" "$TEST_DIR/rules"
# rule TITLE ID PATTERN [SUFFIX]: a rule on the written file's name, with a regular expression
# (and an endswith test when SUFFIX is given).
rule() {
	echo "title: $1
id: $2
status: test
logsource:
    product: linux
    category: file_event
detection:
    selection:
        TargetFilename|re: '$3'"
	if [ -n "${4:-}" ]; then
		echo "        TargetFilename|endswith: '$4'"
	fi
	echo "    condition: selection
level: critical"
}
rule "Local regex rule $M" 44444444-0000-4000-8000-0000000000aa "/$M-local-[0-9]+\\.txt\$" >"$TEST_DIR/rules/local.yml"
make_pki
VIGIL_TEST_COLLECTORS=1 start_agent --set telemetry.process=no --set telemetry.network=no \
	--set telemetry.file_backend=fanotify --set "telemetry.file_paths=$TEST_DIR/watched" \
	--set "detection.rules_dirs=$TEST_DIR/rules" || exit 1
PORT=$(free_port)
ADMIN=$(free_port)
start_central main "$PORT" --poll-wait 2 --admin-port "$ADMIN"
setup_link "$PORT"

response() { central_response main "$1"; }
jq_() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
# push NAME ID PATTERN [SUFFIX]: the server pushes rule "Pushed NAME" (above) in NAME.yml;
# prints the response.
push() {
	local name=$1 content
	content=$(rule "Pushed $name $M" "$2" "$3" "${4:-}" | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read()))')
	response "$(central_queue "$ADMIN" "{\"action\": \"update\", \"target\": {\"x-vigil:rules\": {\"name\": \"$name.yml\", \"content\": $content}}}")"
}
rx() { ctl --json status | jq_ "d['sections']['detection']['regex_sandbox']$1"; }
found() { ctl --json detection list | grep -q "$1"; }
n_found() { ctl --json detection list | grep -o "$1" | wc -l; }

ok "a local rule's regular expression is compiled in vigild" test "$(rx "['round_trips']")" = 0
echo x >"$TEST_DIR/watched/$M-local-1.txt"
ok "and detects" wait_for 30 found "Local regex rule $M"
ok "without a round trip to the sandbox" test "$(rx "['round_trips']")" = 0

resp=$(push good 44444444-0000-4000-8000-000000000001 "/$M-[0-9]+\\.bin\$")
diag "update x-vigil:rules (good): $resp"
ok "a pushed rule with a regular expression is taken (200)" jq_ "d['status'] == 200 or exit(1)" <<<"$resp"
ok "its pattern was checked in the sandbox" test "$(rx "['round_trips']")" -ge 1
pid=$(rx "['pid']")
ok "whose worker runs as nobody, apart from the parser sandbox" \
	sh -c "test '$pid' -gt 0 && test \"\$(ps -o user= -p '$pid')\" = nobody && test '$pid' != \"\$('$VIGILCTL' --socket '$SOCKET' --json status | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"sections\"][\"ioc\"][\"sandbox\"][\"pid\"])' 2>/dev/null)\""

echo x >"$TEST_DIR/watched/$M-42.bin"
ok "the pushed pattern detects, matched in the sandbox" wait_for 30 found "Pushed good $M"
trips=$(rx "['round_trips']")
hits=$(rx "['cache_hits']")
echo y >"$TEST_DIR/watched/$M-42.bin"
two_found() { test "$(n_found "Pushed good $M")" -ge 2; }
ok "the same file written again is detected again" wait_for 30 two_found
ok "from the answer remembered: no new round trip for the same value" \
	sh -c "test \"\$('$VIGILCTL' --socket '$SOCKET' --json status | python3 -c 'import json,sys; r=json.load(sys.stdin)[\"sections\"][\"detection\"][\"regex_sandbox\"]; print(r[\"round_trips\"] == $trips and r[\"cache_hits\"] > $hits)')\" = True"

resp=$(push refused 44444444-0000-4000-8000-000000000002 vigil-test-regex-refused)
diag "update x-vigil:rules (refused by the sandbox): $resp"
ok "a pattern the sandbox calls broken is refused (400), though PCRE2 in vigild would take it" \
	jq_ "d['status'] == 400 and 'checked in the parser sandbox' in d['status_text'] or exit(1)" <<<"$resp"
resp=$(push broken 44444444-0000-4000-8000-000000000003 "($M")
diag "update x-vigil:rules (broken): $resp"
ok "a pattern that does not compile is refused (400), naming it" \
	jq_ "d['status'] == 400 and '$M' in d['status_text'] or exit(1)" <<<"$resp"

resp=$(push crash 44444444-0000-4000-8000-000000000004 vigil-test-regex-crash "/$M-crash.bin")
ok "a pattern that crashes the sandbox while matching loads (checking it does not)" \
	jq_ "d['status'] == 200 or exit(1)" <<<"$resp"
deaths=$(rx "['deaths']")
echo x >"$TEST_DIR/watched/$M-crash.bin"
died() { test "$(rx "['deaths']")" -gt "$deaths"; }
ok "matching it kills the sandbox's worker, not vigild" wait_for 30 died
before=$(n_found "Pushed good $M")
echo x >"$TEST_DIR/watched/$M-43.bin"
more_found() { test "$(n_found "Pushed good $M")" -gt "$before"; }
ok "the worker comes back and the events are still evaluated" wait_for 30 more_found
ok "the test it could not answer is counted unknown, no detection made of it" \
	sh -c "test \"\$('$VIGILCTL' --socket '$SOCKET' --json status | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"sections\"][\"detection\"][\"regex_sandbox\"][\"unknown\"])')\" -ge 1 && ! '$VIGILCTL' --socket '$SOCKET' --json detection list | grep -q 'Pushed crash $M'"

cat >"$TEST_DIR/live.ioc" <<XML
<?xml version="1.0" encoding="utf-8"?>
<OpenIOC xmlns="http://openioc.org/schemas/OpenIOC_1.1" id="$M-live" last-modified="2024-01-01T00:00:00" published-date="2024-01-01T00:00:00">
<metadata><short_description>$M live</short_description><authored_date>2024-01-01T00:00:00</authored_date></metadata>
<criteria><Indicator id="$M-top" operator="OR"><IndicatorItem id="$M-1" condition="matches" negate="false" preserve-case="false"><Context document="FileItem" search="FileItem/FileName" type="mir"/><Content type="string">^$M-ioc-[0-9]+\.dat$</Content></IndicatorItem></Indicator></criteria><parameters/></OpenIOC>
XML
trips=$(rx "['round_trips']")
ctl ioc watch "$TEST_DIR/live.ioc" >/dev/null
echo x >"$TEST_DIR/watched/$M-ioc-7.dat"
ok "an armed OpenIOC document's matches detects" wait_for 30 found "$M live"
ok "through the sandbox" test "$(rx "['round_trips']")" -gt "$trips"
finish
