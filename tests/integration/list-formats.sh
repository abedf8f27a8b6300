#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The list commands print a table (columns aligned by the width text takes on a terminal, not
# by bytes), CSV (RFC 4180) or JSON (--format json, the same as --json); settings sorted by key.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
plan 25

use_test_agent
start_agent || exit 1
export LANG=C.UTF-8

# Something in each list.
ctl telemetry exclusion add --cmdline '*漢字é*' --comment 'wide, "quoted" first' >/dev/null
ctl telemetry exclusion add --cmdline '*ab*' --comment 'second' >/dev/null
ctl isolation exception add --remote 192.0.2.7 --comment 'ünïcode' >/dev/null
ctl isolation exception add --remote 2001:db8::7 --protocol tcp --remote-port 443 --comment plain >/dev/null
ctl server add edr1.example.com >/dev/null
ctl server add edr2.example.com:8443 >/dev/null
ctl settings set tasks.terminate_grace_seconds=9 >/dev/null
echo evidence >"$TEST_DIR/e.txt"
ctl task get-file "$TEST_DIR/e.txt" >/dev/null 2>&1
ctl task delete-file --quarantine "$TEST_DIR/e.txt" >/dev/null 2>&1
test_emit 5 >/dev/null
printf '<?xml version="1.0"?><OpenIOC xmlns="http://openioc.org/schemas/OpenIOC_1.1" id="lf"><criteria><Indicator id="i" operator="OR"><IndicatorItem id="n" condition="is"><Context document="FileItem" search="FileItem/FileName"/><Content type="string">nothing-so</Content></IndicatorItem></Indicator></criteria></OpenIOC>' >"$TEST_DIR/lf.ioc"
ctl ioc scan --no-processes --no-ports "$TEST_DIR/lf.ioc" --path "$TEST_DIR" >/dev/null 2>&1

# aligned FILE WORD...: in the table in FILE, each WORD (one per line, header first) starts at the
# same display column (a CJK character takes two, an accented letter one).
aligned() {
	python3 - "$@" <<'PY'
import sys, unicodedata
def width(s):
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
cols = set()
for word in sys.argv[2:]:
    line = next(l for l in lines if word in l)
    cols.add(width(line[:line.index(word)]))
sys.exit(0 if len(cols) == 1 else print("# columns", cols, file=sys.stderr) or 1)
PY
}

ctl telemetry exclusion list >"$TEST_DIR/excl.txt"
ok "exclusion list: a table whose last column starts at one display column after wide text" \
	aligned "$TEST_DIR/excl.txt" COMMENT 'wide, "quoted" first' second
ctl telemetry exclusion list --format csv >"$TEST_DIR/excl.csv"
ok "exclusion list --format csv: RFC 4180 (CRLF, a comma and quotes quoted), one field a condition" python3 -c '
import csv, json, subprocess, sys
raw = open(sys.argv[1], "rb").read()
assert raw.endswith(b"\r\n") and b"\"wide, \"\"quoted\"\" first\"" in raw, raw
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
assert [r["comment"] for r in rows] == ["wide, \"quoted\" first", "second"], rows
assert rows[0]["cmdline"] == "*漢字é*" and rows[0]["exe"] == "" and rows[0]["created"].endswith("Z"), rows[0]' "$TEST_DIR/excl.csv"

LANGUAGE=fr ctl isolation exception list >"$TEST_DIR/exc.txt"
ok "exception list in French: aligned under accented headings" aligned "$TEST_DIR/exc.txt" "DISTANT" "192.0.2.7" "2001:db8::7"
ok "exception list --format csv: what is not restricted is empty, not \"any\"" python3 -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
assert rows[0]["remote"] == "192.0.2.7/32" and rows[0]["remote_port"] == "" and rows[0]["comment"] == "ünïcode", rows
assert rows[1]["remote_port"] == "443", rows' <(ctl isolation exception list --format csv)
ctl settings show >"$TEST_DIR/settings.txt"
ok "settings show: sorted by key" python3 -c '
import sys
keys = [l.split()[0] for l in open(sys.argv[1]).read().splitlines()[1:]]
assert len(keys) > 20 and keys == sorted(keys), keys' "$TEST_DIR/settings.txt"
ok "settings show: a changed setting says so" grep -q "^tasks.terminate_grace_seconds  *9  *changed" "$TEST_DIR/settings.txt"
ok "settings show --format csv: sorted too, typed values as JSON has them" python3 -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
keys = [r["key"] for r in rows]
assert keys == sorted(keys)
r = {r["key"]: r for r in rows}
assert r["telemetry.enabled"]["value"] == "true" and r["tasks.terminate_grace_seconds"]["changed"] == "true", r["telemetry.enabled"]' \
	<(ctl settings show --format csv)
ok "settings show --format json is --json" \
	eval 'test "$(ctl settings show --format json)" = "$(ctl --json settings show)"'

ctl settings history --format csv >"$TEST_DIR/hist.csv"
ok "settings history --format csv: RFC 3339 times, old and new as JSON has them" python3 -c '
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1], newline="")) if r["key"] == "tasks.terminate_grace_seconds"]
assert rows and rows[-1]["old"] == "5" and rows[-1]["new"] == "9" and rows[-1]["time"].endswith("Z") and rows[-1]["user"] == "root", rows' \
	"$TEST_DIR/hist.csv"
ok "settings history: a table, oldest first" \
	eval 'ctl settings history | head -1 | grep -q "^WHEN  *USER  *UID  *SETTING  *OLD  *NEW" && ctl settings history | tail -1 | grep -q "tasks.terminate_grace_seconds  *5  *9"'

# After the history's tests: a profile is a setting.
ctl isolation profile disable dns >/dev/null
ok "profile list: a table of each profile and its state" \
	eval 'test "$(ctl isolation profile list | tr -s " ")" = "$(printf "PROFILE STATE\ndhcp enabled\ndns disabled\nipv6-nd enabled")"'
ok "profile list --format csv: the state true or false" \
	eval 'test "$(ctl isolation profile list --format csv | tr -d "\r")" = "$(printf "name,enabled\ndhcp,true\ndns,false\nipv6-nd,true")"'

ok "server list: in failover order, the default port after the table" \
	eval 'ctl server list | sed -n "2p;3p;4p" | tr -s " " | paste -sd "|" | grep -q "^ *1 edr1.example.com *| *2 edr2.example.com:8443 *|Default port: 443"'
ok "server list --format csv" \
	eval 'test "$(ctl server list --format csv | tr -d "\r")" = "$(printf "order,server,in_use\n1,edr1.example.com,false\n2,edr2.example.com:8443,false")"'
ok "server list --format json is the agent's answer" \
	eval 'ctl server list --format json | python3 -c "import json,sys; d=json.load(sys.stdin); sys.exit(0 if d[\"servers\"][1] == \"edr2.example.com:8443\" else 1)"'

ok "task list --format csv: the agent's words and RFC 3339 times" python3 -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
assert [r["kind"] for r in rows] == ["delete-file", "get-file"] and rows[0]["state"] == "succeeded" and rows[0]["created"].endswith("Z"), rows' \
	<(ctl task list --format csv)
LANGUAGE=fr ctl task list >"$TEST_DIR/tasks.fr"
ok "task list in French: the columns after ÉTAT stay aligned" aligned "$TEST_DIR/tasks.fr" "DEMANDÉE" "$(date +%Y-)"
ok "quarantine list --format csv: the whole SHA-256" python3 -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
assert len(rows) == 1 and len(rows[0]["sha256"]) == 64 and rows[0]["path"].endswith("/e.txt"), rows' <(ctl quarantine list --format csv)
ok "telemetry show --format csv: RFC 3339 times" python3 -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
assert len(rows) == 5 and all(r["time"].endswith("Z") and r["type"] == "process" for r in rows), rows' \
	<(ctl telemetry show --type process --format csv)
ok "telemetry show --format json is --json (its own)" \
	eval 'test "$(ctl telemetry show --format json)" = "$(ctl telemetry show --json)"'
ok "no line of a table ends with a blank (an empty last column)" eval '! ctl telemetry show | grep -q " $"'
ok "ioc results --format csv" python3 -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
assert len(rows) == 1 and rows[0]["state"] == "done" and rows[0]["matched"] == "0" and rows[0]["finished"].endswith("Z"), rows' \
	<(ctl ioc results --format csv)
ok "ioc results SCAN_ID --format csv: a row a document" \
	eval 'ctl ioc results 1 --format csv | tr -d "\r" | grep -q "^.*lf.ioc,lf,1.1,no-match,0$"'
ok "an empty list in CSV is its header" \
	eval 'test "$(ctl task list --state timed_out --format csv | tr -d "\r")" = "id,kind,state,created,subject"'
ok "--format takes only table, json or csv (a usage error otherwise)" \
	test "$(status_of ctl task list --format xml)" = 2
finish
