#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# OpenC2 commands from the reference central server carried out by the tasks executors and
# answered with OpenC2 responses: start file (run), delete file with a wrong SHA-256, stop process
# by pid and start time.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/link-lib.sh"
plan 15

marker="vigil-link-tasks-$$"
on_exit 'for p in $(pgrep -f "^$marker"); do kill -KILL "$p"; done'
make_pki
start_agent || exit 1
PORT=$(free_port)
ADMIN=$(free_port)
start_central main "$PORT" --poll-wait 2 --admin-port "$ADMIN"
setup_link "$PORT"

# response RID: waits for the server to hold the response to RID and prints it (JSON).
response() {
	python3 - "$TEST_DIR/central-main/responses.jsonl" "$1" <<'PY'
import json, os, sys, time
end = time.monotonic() + 120
while time.monotonic() < end:
    if os.path.exists(sys.argv[1]):
        for line in open(sys.argv[1]):
            r = json.loads(line)
            if r["request_id"] == sys.argv[2]:
                print(json.dumps(r["response"]))
                sys.exit(0)
    time.sleep(0.2)
sys.exit(1)
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

# get-file (x-vigil extension): a file larger than one upload chunk (64 KiB) reaches the server
# intact, streamed before the response that announces it.
head -c 3145728 /dev/urandom >"$TEST_DIR/evidence.bin"
want=$(sha256sum "$TEST_DIR/evidence.bin" | cut -d' ' -f1)
rid=$(central_queue "$ADMIN" "{\"action\": \"x-vigil:get_file\", \"target\": {\"file\": {\"path\": \"$TEST_DIR/evidence.bin\"}}}")
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
cmd=$(python3 - "$sha" "$TEST_DIR/scan" <<'PY'
import json, sys
doc = ('<?xml version="1.0" encoding="utf-8"?><OpenIOC xmlns="http://openioc.org/schemas/OpenIOC_1.1" id="link-scan"'
       ' last-modified="2024-01-01T00:00:00" published-date="2024-01-01T00:00:00"><metadata><short_description>s'
       '</short_description><authored_date>2024-01-01T00:00:00</authored_date></metadata><criteria>'
       '<Indicator id="top" operator="OR"><IndicatorItem id="i1" condition="is" negate="false" preserve-case="false">'
       '<Context document="FileItem" search="FileItem/Sha256sum" type="mir"/><Content type="sha256">%s</Content>'
       '</IndicatorItem></Indicator></criteria><parameters/></OpenIOC>' % sys.argv[1])
print(json.dumps({"action": "scan", "target": {"device": {}}, "args": {"x-vigil": {"ioc": doc,
      "paths": [sys.argv[2]], "no_processes": True, "no_ports": True, "no_system": True}}}))
PY
)
rid=$(central_queue "$ADMIN" "$cmd")
resp=$(response "$rid")
diag "scan device: $resp"
ok "scan device is answered 200" test "$(field '["status"]' <<<"$resp")" = 200
ok "with the IOC result: the file matched" \
	test "$(field '["results"]["iocs"][0]["matches"][0]["items"][0]["path"]' <<<"$resp")" = "$TEST_DIR/scan/evil.bin"

ok "the server's tasks are in the task list" \
	test "$(ctl --json task list | python3 -c 'import json,sys; print(sum(t["source"] == "server" for t in json.load(sys.stdin)))')" = 4
finish
