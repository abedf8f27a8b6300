#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The JSON Lines export: every event once, in files that rotate at their cap; nothing lost across
# an agent kill -9; a sink that cannot write keeps its position, and what the spool's cap removes
# meanwhile is counted as lost; export test and status; the heartbeat event.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/export-lib.sh"
plan 17

OUT="$TEST_DIR/out"
mkdir -p "$OUT"
FILE="$OUT/events.jsonl"
start_agent --set export.jsonl.path="$FILE" --set export.jsonl.max_size=64 --set export.jsonl.keep=1000
ok "the JSON Lines sink is on" wait_for 60 bash -c "[ \"\$(sink_field jsonl state)\" = 'up to date' ]"

emit_uids 3000 >"$TEST_DIR/sent"
ok "every event reaches the file" wait_for 60 bash -c "[ \$(count_uids '$FILE' '$FILE'.*) -ge 3000 ]"
ok "the file rotated at its cap" test -s "$FILE.1" -a -s "$FILE.5"
big=$(find "$OUT" -name 'events.jsonl*' -size +64k | wc -l)
ok "no file is larger than its cap ($big are)" test "$big" -eq 0
ok "every line is one whole OCSF event" python3 - "$OUT" <<'PY'
import json, os, sys
for name in os.listdir(sys.argv[1]):
    for line in open(os.path.join(sys.argv[1], name)):
        e = json.loads(line)
        assert e["class_uid"] and e["metadata"]["uid"], line
PY
ok "each event exactly once, none missing" check_once "$TEST_DIR/sent" jsonl_uids "$FILE"

# kill -9 while events flow: after the restart the sink goes on from its acknowledged position.
emit_uids 5000 >>"$TEST_DIR/sent"
# Killed once the events are stored (the spool thread commits within a second), while they flow.
wait_for 60 bash -c "[ \$(spool_last_seq) -ge 8000 ]"
wait_for 60 bash -c "[ \$(count_uids '$FILE' '$FILE'.*) -ge 4000 ]"
kill_agent
start_agent
ok "after kill -9 every event arrives" wait_for 60 bash -c "[ \$(count_uids '$FILE' '$FILE'.*) -ge 8000 ]"
ok "after kill -9 none is missing (duplicates counted)" check_once "$TEST_DIR/sent" jsonl_uids "$FILE"

# The sink cannot write (its directory is gone): the position holds, the error shows.
ctl settings set export.jsonl.path="$TEST_DIR/gone/events.jsonl" >/dev/null
emit_uids 100 >"$TEST_DIR/sent2"
ok "a sink that cannot write says why" wait_for 60 bash -c "sink_field jsonl last_error | grep -q 'cannot open'"
before=$(sink_field jsonl position)
mkdir -p "$TEST_DIR/gone"
ok "it delivers once it can" wait_for 60 bash -c "[ \$(count_uids '$TEST_DIR/gone/events.jsonl' '$TEST_DIR/gone/events.jsonl'.*) -ge 100 ]"
ok "from where it stood: none of the 100 missing" check_once "$TEST_DIR/sent2" jsonl_uids "$TEST_DIR/gone/events.jsonl"
diag "position before: $before, after: $(sink_field jsonl position)"

# The spool's cap removes events the sink has not delivered: they are counted as lost.
ctl settings set export.jsonl.path="$TEST_DIR/none/events.jsonl" telemetry.spool_max_mb=1 >/dev/null
wait_for 60 bash -c "sink_field jsonl last_error | grep -q 'cannot open'"
test_emit 20000 >/dev/null
ok "the cap removed events the sink had not delivered" wait_for 60 bash -c "[ \$(sink_field jsonl lost) -gt 0 ]"
mkdir -p "$TEST_DIR/none"
wait_for 60 bash -c "[ \"\$(sink_field jsonl state)\" = 'up to date' ]"
lost=$(sink_field jsonl lost)
all=$(jsonl_uids "$TEST_DIR/none/events.jsonl" | wc -l)
got=$(jsonl_uids "$TEST_DIR/none/events.jsonl" | grep -c '^test-')
# The agent's own data-dropped events go the same way: each event is delivered or counted lost.
ok "delivered + lost account for every event ($got + $lost >= 20000, $all lines)" \
	test $((got + lost)) -ge 20000 -a $((all + lost)) -le 20010

out=$(ctl export test jsonl)
ok "export test reaches the file" bash -c "grep -q 'Vigil export test' '$TEST_DIR/none/events.jsonl' && echo '$out' | grep -q ok"
ok "export status shows the sink" bash -c "ctl export status | grep -q 'JSON Lines.*delivered'"
ok "export status gives the state in the user's language" \
	wait_for 60 bash -c "LANGUAGE=fr \"\$VIGILCTL\" --socket \"\$SOCKET\" export status | grep -q 'JSON Lines.*, à jour.*remis'"

ctl settings set export.heartbeat_period=1 >/dev/null
cat >"$TEST_DIR/heartbeat.py" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["class_uid"] == 5001 and e.get("message") == "Vigil agent heartbeat":
        v = e["unmapped"]["vigil"]
        assert v["version"] and v["uptime_s"] >= 0 and "pending" in v["spool"] and "export_lost" in v["losses"]
        assert v["isolation"] in ("on", "off", "unknown") and v["sensor"]
        assert v["losses"]["export_lost"] > 0
        sys.exit(0)
sys.exit(1)
PY
ok "heartbeat events carry the agent's health" wait_for 60 python3 "$TEST_DIR/heartbeat.py" "$TEST_DIR/none/events.jsonl"
finish
