#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The read-only group sees tasks, not root's secrets: a run's environment values and its output
# are withheld from a member of the group (uid nobody), in task show (now, after waiting, and
# from the journal after a restart), task list and task output; root sees them whole.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
plan 12

reader_group
start_agent || exit 1

# member_call COMMAND ARGS-JSON: a raw request as the member (task.output has no shell command).
member_call() {
	setpriv --reuid=65534 --regid=65534 --groups="$gid" -- \
		/usr/bin/python3 "$VIGIL_TOP_SRCDIR/tests/integration/agent-call.py" "$SOCKET" "$@"
}
jget() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }
secret="s3cret-$$"

id=$(ctl --json task run --env "API_TOKEN=$secret" /bin/sh -c 'echo "root:$API_TOKEN:19000:0:99999:7:::"' | jget 'd["id"]')
ok "root sees the output" bash -c '"$VIGILCTL" --socket "$SOCKET" --json task show "$1" | grep -q "root:$2"' _ "$id" "$secret"

as_reader --json task show "$id" >"$TEST_DIR/show.json"
ok "a member sees the task" test "$(jget 'd["state"], d["result"]["exit_code"]' <"$TEST_DIR/show.json")" = "('succeeded', 0)"
ok "not the environment value" test "$(jget 'd["request"]["env"]' <"$TEST_DIR/show.json")" = "['API_TOKEN=(hidden)']"
ok "nor the output, withheld and said so" \
	test "$(jget '"stdout" in d["result"], d["result"]["output_withheld"]' <"$TEST_DIR/show.json")" = "(False, True)"
ok "the secret is nowhere in the reply" test -z "$(grep -F "$secret" "$TEST_DIR/show.json")"
ok "the shell says why" bash -c "$(declare -f as_reader); gid=$gid; as_reader task show $id | grep -q 'shown to root only'"
out=$(member_call task.output "{\"id\": $id, \"stream\": \"stdout\"}" 2>&1)
ok "task.output is refused to a member" bash -c '[[ "$1" == *"shown to root only"* ]] && [[ "$1" != *"$2"* ]]' _ "$out" "$secret"
ok "task list shows no secret to a member" test -z "$(as_reader --json task list | grep -F "$secret")"

# A member waiting for a running task gets it redacted when it ends.
id2=$(ctl --json task run --no-wait --env "API_TOKEN=$secret" /bin/sh -c 'sleep 1; echo "$API_TOKEN"' | jget 'd["id"]')
member_call task.show "{\"id\": $id2, \"wait_ms\": 20000}" >"$TEST_DIR/wait.json"
ok "a member who waited gets the task ended, redacted" \
	bash -c '[ "$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[\"state\"])" "$1")" = succeeded ] &&
		! grep -qF "$2" "$1"' _ "$TEST_DIR/wait.json" "$secret"

# From the journal, after a restart.
stop_agent
start_agent || exit 1
as_reader --json task show "$id" >"$TEST_DIR/journal.json"
ok "after a restart the journal's task is redacted too" \
	test "$(jget 'd["state"], d["request"]["env"]' <"$TEST_DIR/journal.json")" = "('succeeded', ['API_TOKEN=(hidden)'])"
ok "with no output" test -z "$(grep -F "$secret" "$TEST_DIR/journal.json")"
ok "root still reads it whole" bash -c '"$VIGILCTL" --socket "$SOCKET" --json task show "$1" | grep -q "root:$2"' _ "$id" "$secret"
finish
