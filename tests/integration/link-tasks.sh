#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# OpenC2 commands from the reference central server carried out by the tasks executors and
# answered with OpenC2 responses: start file (run), delete file with a wrong SHA-256, stop process
# by pid and start time, copy file (get-file), contain file (quarantine), scan device (and its
# refusal of a document that does not load or of a path that is not there), and
# response_requested (none, ack, status) honoured.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/link-lib.sh"
plan 25

marker="vigil-link-tasks-$$"
on_exit 'for p in $(pgrep -f "^$marker"); do kill -KILL "$p"; done'
make_pki
start_agent || exit 1
PORT=$(free_port)
ADMIN=$(free_port)
start_central main "$PORT" --poll-wait 2 --admin-port "$ADMIN"
setup_link "$PORT"

# response RID [STATUS-AT-LEAST]: waits for the server to hold a response to RID (by default a
# final one, not the 102 of an acknowledgement) and prints it (JSON).
response() {
	python3 - "$TEST_DIR/central-main/responses.jsonl" "$1" "${2:-200}" <<'PY'
import json, os, sys, time
end = time.monotonic() + 120
while time.monotonic() < end:
    if os.path.exists(sys.argv[1]):
        for line in open(sys.argv[1]):
            r = json.loads(line)
            if r["request_id"] == sys.argv[2] and r["response"]["status"] >= int(sys.argv[3]):
                print(json.dumps(r["response"]))
                sys.exit(0)
    time.sleep(0.2)
sys.exit(1)
PY
}
# responses RID: the statuses of every response the server holds for RID, in order.
responses() {
	python3 - "$TEST_DIR/central-main/responses.jsonl" "$1" <<'PY'
import json, os, sys
if os.path.exists(sys.argv[1]):
    print(" ".join(str(json.loads(l)["response"]["status"]) for l in open(sys.argv[1])
                   if json.loads(l)["request_id"] == sys.argv[2]))
PY
}
field() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(d'"$1"')'; }

# start file: the program's stdout and exit code come back.
rid=$(central_queue "$ADMIN" '{"action": "start", "target": {"file": {"path": "/bin/sh"}},
	"args": {"x-vigil": {"args": ["-c", "echo vigil-said-hello; exit 3"]}}}')
resp=$(response "$rid")
diag "start file: $resp"
ok "start file is answered 200" test "$(field '["status"]' <<<"$resp")" = 200
ok "with the program's stdout" test "$(field '["results"]["x-vigil"]["result"]["stdout"]' <<<"$resp")" = vigil-said-hello
ok "and its exit code" test "$(field '["results"]["x-vigil"]["result"]["exit_code"]' <<<"$resp")" = 3

# delete file with a wrong sha256: nothing is deleted.
victim="$TEST_DIR/victim.txt"
echo "evidence" >"$victim"
rid=$(central_queue "$ADMIN" "{\"action\": \"delete\", \"target\": {\"file\": {\"path\": \"$victim\",
	\"hashes\": {\"sha256\": \"$(printf '0%.0s' {1..64})\"}}}}")
resp=$(response "$rid")
diag "delete file: $resp"
ok "delete file with a wrong sha256 is refused (400)" test "$(field '["status"]' <<<"$resp")" = 400
ok "and the file is still there" test -f "$victim"

# stop process by pid and start time: the right process dies, its twin lives.
bash -c "exec -a $marker-a /bin/sleep 300" &
target=$!
bash -c "exec -a $marker-b /bin/sleep 300" &
twin=$!
start=$(awk '{print $22}' "/proc/$target/stat")
rid=$(central_queue "$ADMIN" "{\"action\": \"stop\", \"target\": {\"process\": {\"pid\": $target}},
	\"args\": {\"x-vigil\": {\"start_time\": $start}}}")
resp=$(response "$rid")
diag "stop process: $resp"
ok "stop process is answered 200" test "$(field '["status"]' <<<"$resp")" = 200
wait "$target" 2>/dev/null
ok "the process is gone" test ! -d "/proc/$target"
ok "its twin is untouched" test -d "/proc/$twin"
kill "$twin"

# get-file, as copy file (the x-vigil profile's pair): a file larger than one upload chunk (64 KiB) reaches the server
# intact, streamed before the response that announces it.
head -c 3145728 /dev/urandom >"$TEST_DIR/evidence.bin"
want=$(sha256sum "$TEST_DIR/evidence.bin" | cut -d' ' -f1)
rid=$(central_queue "$ADMIN" "{\"action\": \"copy\", \"target\": {\"file\": {\"path\": \"$TEST_DIR/evidence.bin\"}},
	\"args\": {\"x-vigil\": {}}}")
resp=$(response "$rid")
diag "get-file: $(cut -c1-400 <<<"$resp")"
ok "get-file is answered 200" test "$(field '["status"]' <<<"$resp")" = 200
ok "the server acknowledged the upload with the right SHA-256" \
	test "$(field '["results"]["x-vigil"]["upload"]["sha256"]' <<<"$resp")" = "$want"
ok "the server holds the 3 MiB file, identical" \
	test "$(sha256sum "$TEST_DIR/central-main/files/$want" 2>/dev/null | cut -d' ' -f1)" = "$want"
ok "the collected copy was removed after the upload" \
	test ! -e "$(field '["results"]["x-vigil"]["result"]["copy"]' <<<"$resp")"

# scan device: an OpenIOC document as an artifact; the scan result is the response.
mkdir -p "$TEST_DIR/scan"
printf 'link scan payload %s' "$$" >"$TEST_DIR/scan/evil.bin"
sha=$(sha256sum "$TEST_DIR/scan/evil.bin" | cut -d' ' -f1)
cmd=$(python3 - "$sha" "$TEST_DIR/scan" "$(hostname)" <<'PY'
import json, sys
doc = ('<?xml version="1.0" encoding="utf-8"?><OpenIOC xmlns="http://openioc.org/schemas/OpenIOC_1.1" id="link-scan"'
       ' last-modified="2024-01-01T00:00:00" published-date="2024-01-01T00:00:00"><metadata><short_description>s'
       '</short_description><authored_date>2024-01-01T00:00:00</authored_date></metadata><criteria>'
       '<Indicator id="top" operator="OR"><IndicatorItem id="i1" condition="is" negate="false" preserve-case="false">'
       '<Context document="FileItem" search="FileItem/Sha256sum" type="mir"/><Content type="sha256">%s</Content>'
       '</IndicatorItem></Indicator></criteria><parameters/></OpenIOC>' % sys.argv[1])
print(json.dumps({"action": "scan", "target": {"device": {"hostname": sys.argv[3]}}, "args": {"x-vigil": {"ioc": doc,
      "paths": [sys.argv[2]], "no_processes": True, "no_ports": True, "no_system": True}}}))
PY
)
rid=$(central_queue "$ADMIN" "$cmd")
resp=$(response "$rid")
diag "scan device: $resp"
ok "scan device is answered 200" test "$(field '["status"]' <<<"$resp")" = 200
ok "with the IOC result: the file matched" \
	test "$(field '["results"]["x-vigil"]["iocs"][0]["matches"][0]["items"][0]["path"]' <<<"$resp")" = "$TEST_DIR/scan/evil.bin"

# contain file: quarantined; a file that is not there is answered 500 (the profile's "cannot
# access"), not 404.
echo "quarantine me" >"$TEST_DIR/q.txt"
rid=$(central_queue "$ADMIN" "{\"action\": \"contain\", \"target\": {\"file\": {\"path\": \"$TEST_DIR/q.txt\"}}}")
resp=$(response "$rid")
diag "contain file: $(cut -c1-300 <<<"$resp")"
ok "contain file is answered 200 and the file is gone" test "$(field '["status"]' <<<"$resp")" = 200 -a ! -e "$TEST_DIR/q.txt"
rid=$(central_queue "$ADMIN" "{\"action\": \"delete\", \"target\": {\"file\": {\"path\": \"$TEST_DIR/never-there\"}}}")
resp=$(response "$rid")
ok "a missing file is answered 500 with a text" test "$(field '["status"]' <<<"$resp")" = 500 -a \
	-n "$(field '["status_text"]' <<<"$resp")"

# response_requested: "ack" gets a 102 and nothing more, "status" a 102 then the result, "none"
# nothing at all (the command still runs).
rid=$(central_queue "$ADMIN" '{"action": "query", "target": {"features": ["versions"]}, "args": {"response_requested": "ack"}}')
resp=$(response "$rid" 0)
ok "query features with ack is answered 102, not 200" test "$(field '["status"]' <<<"$resp")" = 102
rid_status=$(central_queue "$ADMIN" '{"action": "start", "target": {"file": {"path": "/bin/true"}},
	"args": {"response_requested": "status"}}')
response "$rid_status" >/dev/null
ok "start file with status: 102, then 200" test "$(responses "$rid_status")" = "102 200"
touch "$TEST_DIR/silent.txt"
rid_none=$(central_queue "$ADMIN" "{\"action\": \"delete\", \"target\": {\"file\": {\"path\": \"$TEST_DIR/silent.txt\"}},
	\"args\": {\"response_requested\": \"none\"}}")
ok "delete file with none runs" wait_for 60 test ! -e "$TEST_DIR/silent.txt"
# A later command's answer arrives after the (unsent) one: by then nothing came for none, and
# the ack of the first query stayed alone.
rid_last=$(central_queue "$ADMIN" '{"action": "query", "target": {"features": []}}')
response "$rid_last" >/dev/null
ok "nothing was sent for none, and nothing after the ack" test -z "$(responses "$rid_none")" -a "$(responses "$rid")" = 102

ok "the server's tasks are in the task list" \
	test "$(ctl --json task list | python3 -c 'import json,sys; print(sum(t["source"] == "server" for t in json.load(sys.stdin)))')" = 8

# A scan the server asks for with a document that does not load, or a path that is not there, is
# refused (400) naming it, and makes no scan: it would look like a clean host.
scans() { ctl --json ioc results | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
before=$(scans)
refused_scan() {
	python3 - "$@" <<'PY'
import json, sys
print(json.dumps({"action": "scan", "target": {"device": {"hostname": sys.argv[3]}}, "args": {"x-vigil": {"ioc": sys.argv[1],
      "paths": [sys.argv[2]], "no_processes": True, "no_ports": True, "no_system": True}}}))
PY
}
resp=$(response "$(central_queue "$ADMIN" "$(refused_scan '<?xml version="1.0"?><OpenIOC><broken' "$TEST_DIR/scan" "$(hostname)")")")
diag "broken document: $resp"
ok "a document that does not load: 400" test "$(field '["status"]' <<<"$resp")" = 400
ok "naming what is wrong" eval 'field "[\"status_text\"]" <<<"$resp" | grep -q "not well-formed XML"'
resp=$(response "$(central_queue "$ADMIN" "$(python3 -c 'import json,sys; c = json.loads(sys.argv[1]); c["args"]["x-vigil"]["paths"] = [sys.argv[2]]; print(json.dumps(c))' "$cmd" "$TEST_DIR/nonexistent")")")
diag "missing path: $resp"
ok "a path that is not there: 400, naming it" \
	eval 'test "$(field "[\"status\"]" <<<"$resp")" = 400 && field "[\"status_text\"]" <<<"$resp" | grep -q "$TEST_DIR/nonexistent cannot be scanned"'
ok "neither made a scan" test "$(scans)" = "$before"
finish
