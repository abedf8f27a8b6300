#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# One form for times and booleans across the agent's results (doc/control-protocol.md): every
# moment is RFC 3339 text in UTC with milliseconds, with the same moment as key_ms beside it, or
# both null for never; durations are *_ms integers; booleans are true and false, never "yes".
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
plan 15

use_test_agent
start_agent || exit 1
# times FILE PATH...: for each PATH (a Python expression on d), the moment is RFC 3339 UTC with
# milliseconds, and PATH_ms the same moment in ms; "null:PATH" wants both null.
times() {
	python3 - "$@" <<'PY'
import datetime, json, re, sys
d = json.load(open(sys.argv[1]))
form = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
for path in sys.argv[2:]:
    want_null = path.startswith("null:")
    path = path[5:] if want_null else path
    obj, key = eval("d" + path.rsplit("[", 1)[0]), path.rsplit("[", 1)[1].strip("]'\"")
    text, ms = obj.get(key, "missing"), obj.get(key + "_ms", "missing")
    if want_null:
        ok = text is None and ms is None
    else:
        ok = isinstance(text, str) and bool(form.match(text)) and isinstance(ms, int) and \
            int(datetime.datetime.fromisoformat(text).timestamp() * 1000) == ms and \
            abs(ms / 1000 - datetime.datetime.now().timestamp()) < 400 * 86400
    if not ok:
        print("# %s: %r, %r" % (path, text, ms))
        sys.exit(1)
PY
}

ctl --json status >"$TEST_DIR/status.json"
ok "status: started, with started_ms; uptime_ms" \
	eval 'times "$TEST_DIR/status.json" "[\"started\"]" && python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if isinstance(d[\"uptime_ms\"], int) else 1)" "$TEST_DIR/status.json"'
ok "status: a link never in contact has no last contact (null)" \
	times "$TEST_DIR/status.json" 'null:["sections"]["link"]["last_contact"]'
ctl --json isolation status >"$TEST_DIR/iso.json"
ok "a fresh agent's isolation has no since and no until (not 1970)" \
	times "$TEST_DIR/iso.json" 'null:["since"]' 'null:["until"]'
ctl isolation exception add --remote 192.0.2.1 --comment json >/dev/null
ctl --json isolation exception list >"$TEST_DIR/exc.json"
ok "an isolation exception's created" times "$TEST_DIR/exc.json" '[0]["created"]'
ctl telemetry exclusion add --exe /nonexistent/json-forms >/dev/null
ctl --json telemetry exclusion list >"$TEST_DIR/excl.json"
ok "a telemetry exclusion's created" times "$TEST_DIR/excl.json" '[0]["created"]'

test_emit 3 >/dev/null
has_oldest() { ctl --json telemetry stats >"$TEST_DIR/stats.json" && times "$TEST_DIR/stats.json" '["spool"]["oldest"]'; }
ok "telemetry stats: the spool's oldest event" wait_for 60 has_oldest

echo "some content" >"$TEST_DIR/f.txt"
ctl --json task get-file "$TEST_DIR/f.txt" >"$TEST_DIR/task.json"
ok "a task's created, started and ended" times "$TEST_DIR/task.json" '["created"]' '["started"]' '["ended"]'
ok "its result's file times (mtime, ctime, atime)" \
	times "$TEST_DIR/task.json" '["result"]["mtime"]' '["result"]["ctime"]' '["result"]["atime"]'
ctl --json task run --no-wait /bin/sleep 30 >"$TEST_DIR/queued.json"
ok "a task not ended yet: ended null" times "$TEST_DIR/queued.json" 'null:["ended"]'
ctl task cancel "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$TEST_DIR/queued.json")" >/dev/null
ctl task delete-file --quarantine "$TEST_DIR/f.txt" >/dev/null 2>&1
ctl --json quarantine list >"$TEST_DIR/q.json"
ok "a quarantine entry's quarantined_at and mtime" times "$TEST_DIR/q.json" '[0]["quarantined_at"]' '[0]["mtime"]'

# Settings: the history gives old and new typed, as settings show and the JSON export do.
ctl settings set tasks.terminate_grace_seconds=7 >/dev/null
ctl --json settings history >"$TEST_DIR/hist.json"
ok "settings history: the time of a change" times "$TEST_DIR/hist.json" '[0]["time"]'
ok "a number changed is a number (5 -> 7)" python3 -c '
import json, sys
h = [e for e in json.load(open(sys.argv[1])) if e["key"] == "tasks.terminate_grace_seconds"][0]
sys.exit(0 if h["old"] == 5 and h["new"] == 7 else 1)' "$TEST_DIR/hist.json"
ctl settings set telemetry.files=yes >/dev/null
ctl --json settings history >"$TEST_DIR/hist.json"
ctl settings export --format json >"$TEST_DIR/export.json"
ok "a boolean changed is true or false, as the export says it" python3 -c '
import json, sys
h = [e for e in json.load(open(sys.argv[1])) if e["key"] == "telemetry.files"][0]
x = json.load(open(sys.argv[2]))
sys.exit(0 if h["old"] is False and h["new"] is True and x["telemetry.files"] is True else 1)' \
	"$TEST_DIR/hist.json" "$TEST_DIR/export.json"

# IOC scans: started and finished; the stats' duration in ms.
printf '<?xml version="1.0"?><OpenIOC xmlns="http://openioc.org/schemas/OpenIOC_1.1" id="j"><criteria><Indicator id="i" operator="OR"><IndicatorItem id="n" condition="is"><Context document="FileItem" search="FileItem/FileName"/><Content type="string">nothing-named-so</Content></IndicatorItem></Indicator></criteria></OpenIOC>' >"$TEST_DIR/j.ioc"
ctl --json ioc scan --no-processes --no-ports "$TEST_DIR/j.ioc" --path "$TEST_DIR" >"$TEST_DIR/scan.json"
ctl --json ioc results >"$TEST_DIR/scans.json"
ok "ioc results: started and finished" times "$TEST_DIR/scans.json" '[0]["started"]' '[0]["finished"]'
ok "a scan's stats: duration_ms, a whole number of milliseconds" python3 -c '
import json, sys
st = json.load(open(sys.argv[1]))["stats"]
sys.exit(0 if isinstance(st["duration_ms"], int) and "seconds" not in st else 1)' "$TEST_DIR/scan.json"
finish
