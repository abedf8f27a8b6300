#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A server's request ids and the agent's task ids are two namespaces: a request whose id is the
# number of a local task is run and answered once, and a request numbered like the next local
# task does not stop that task.  Also the x-vigil:force argument of delete file.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/link-lib.sh"
plan 9

make_pki
start_agent || exit 1
PORT=$(free_port)
ADMIN=$(free_port)
start_central main "$PORT" --poll-wait 2 --admin-port "$ADMIN"
setup_link "$PORT"

jget() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }
# responses RID: how many responses the server holds for RID.
responses() {
	python3 - "$TEST_DIR/central-main/responses.jsonl" "$1" <<'PY'
import json, os, sys
n = 0
if os.path.exists(sys.argv[1]):
    n = sum(1 for line in open(sys.argv[1]) if json.loads(line)["request_id"] == sys.argv[2])
print(n)
PY
}
# response RID: the (first) response to RID.
response() {
	python3 - "$TEST_DIR/central-main/responses.jsonl" "$1" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["request_id"] == sys.argv[2]:
        print(json.dumps(r["response"]))
        break
PY
}
answered() { [ "$(responses "$1")" -ge 1 ]; }

echo evidence >"$TEST_DIR/evidence.txt"
local_id=$(ctl --json task get-file "$TEST_DIR/evidence.txt" | jget 'd["id"]')
diag "local task $local_id"

# A request with the id of the local task: a new request, run and answered.
echo "keep" >"$TEST_DIR/victim.txt"
central_queue "$ADMIN" "{\"request_id\": \"$local_id\", \"command\": {\"action\": \"delete\",
	\"target\": {\"file\": {\"path\": \"$TEST_DIR/victim.txt\", \"hashes\": {\"sha256\": \"$(printf '0%.0s' {1..64})\"}}}}}" >/dev/null
ok "request \"$local_id\" (a local task's number) is answered" wait_for 30 answered "$local_id"
ok "by its own task (400: the hash does not match)" test "$(response "$local_id" | jget 'd["status"]')" = 400
ok "the local task $local_id is still the get-file" test "$(ctl --json task show "$local_id" | jget 'd["kind"]')" = get-file

# Rows are numbered in one sequence: the request takes the next number, its task the one after,
# and the next local task the third.  A request with that third number arrives first.
last=$(ctl --json task list --limit 1 | jget 'd[0]["id"]')
next=$((last + 3))
echo other >"$TEST_DIR/other.txt"
central_queue "$ADMIN" "{\"request_id\": \"$next\", \"command\": {\"action\": \"copy\",
	\"target\": {\"file\": {\"path\": \"$TEST_DIR/other.txt\"}}}}" >/dev/null
ok "request \"$next\" is answered" wait_for 30 answered "$next"
ctl --json task get-file "$TEST_DIR/evidence.txt" >"$TEST_DIR/t2.json"
ok "local task $next still runs (no \"UNIQUE constraint failed\")" \
	test "$(jget 'd["state"], d["id"]' <"$TEST_DIR/t2.json")" = "('succeeded', $next)"

# Protected files from the server: refused without x-vigil:force, deleted with it.
mkdir "$TEST_DIR/keep"
echo a >"$TEST_DIR/keep/a"
ctl settings set "tasks.protected_paths=$TEST_DIR/keep" >/dev/null
rid=$(central_queue "$ADMIN" "{\"action\": \"delete\", \"target\": {\"file\": {\"path\": \"$TEST_DIR/keep/a\"}}}")
wait_for 30 answered "$rid"
ok "delete file of a protected file is refused (400)" test "$(response "$rid" | jget 'd["status"]')" = 400
ok "and the file stays" test -f "$TEST_DIR/keep/a"
rid=$(central_queue "$ADMIN" "{\"action\": \"delete\", \"target\": {\"file\": {\"path\": \"$TEST_DIR/keep/a\"}},
	\"args\": {\"x-vigil\": {\"force\": true}}}")
wait_for 30 answered "$rid"
ok "with x-vigil:force it is deleted (200)" test "$(response "$rid" | jget 'd["status"]')" = 200 -a ! -e "$TEST_DIR/keep/a"

# Exactly one response each (later commands were answered since: nothing more was due).
ok "one response per request" test "$(responses "$local_id")" = 1 -a "$(responses "$next")" = 1
finish
