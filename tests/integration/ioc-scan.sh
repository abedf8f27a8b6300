#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# IOC scans through the real agent: a test tree, a test process, per-object correlation,
# unsupported terms, duplicate ids, refused actions, results kept, Ctrl-C cancelling.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"

plan 18

# jcheck FILE PYTHON-EXPRESSION: the expression over the JSON document d is true.
jcheck() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' "$1" "$2"; }

# ioc11 FILE ID OPERATOR ITEM...: writes an OpenIOC 1.1 document; each ITEM is
# "condition|negate|search|type|content".
ioc11() {
	local file=$1 id=$2 op=$3
	shift 3
	{
		printf '<?xml version="1.0" encoding="utf-8"?>\n'
		printf '<OpenIOC xmlns="http://openioc.org/schemas/OpenIOC_1.1" id="%s" last-modified="2024-01-01T00:00:00" published-date="2024-01-01T00:00:00">\n' "$id"
		printf '<metadata><short_description>%s</short_description><authored_date>2024-01-01T00:00:00</authored_date></metadata>\n' "$id"
		printf '<criteria><Indicator id="%s-top" operator="OR"><Indicator id="%s-and" operator="%s">\n' "$id" "$id" "$op"
		local n=0 item cond neg search type content
		for item in "$@"; do
			IFS='|' read -r cond neg search type content <<<"$item"
			n=$((n + 1))
			printf '<IndicatorItem id="%s-%d" condition="%s" negate="%s" preserve-case="false"><Context document="%s" search="%s" type="mir"/><Content type="%s">%s</Content></IndicatorItem>\n' \
				"$id" "$n" "$cond" "$neg" "${search%%/*}" "$search" "$type" "$content"
		done
		printf '</Indicator></Indicator></criteria><parameters/></OpenIOC>\n'
	} >"$file"
}

TREE="$TEST_DIR/tree"
mkdir -p "$TREE/a" "$TREE/b" "$TREE/excluded"
printf 'payload one' >"$TREE/a/dropper.bin"
printf 'payload two' >"$TREE/b/config.dat"
printf 'payload one' >"$TREE/excluded/dropper.bin"
SHA_ONE=$(sha256sum "$TREE/a/dropper.bin" | cut -d' ' -f1)
SHA_TWO=$(sha256sum "$TREE/b/config.dat" | cut -d' ' -f1)

# A test process with a name of its own.
SLEEPER="vigil-ioc-$$"
cp /bin/sleep "$TEST_DIR/$SLEEPER"
"$TEST_DIR/$SLEEPER" 300 &
SLEEPER_PID=$!
on_exit "kill $SLEEPER_PID 2>/dev/null"

# (lib.sh passes --config /dev/null, which vigild refuses as not a regular file: give a real one.)
: >"$TEST_DIR/vigild.conf"
start_agent --config "$TEST_DIR/vigild.conf" || { diag "no agent"; finish; }

ioc11 "$TEST_DIR/file.ioc" file-ioc AND "is|false|FileItem/FileName|string|dropper.bin" "is|false|FileItem/Sha256sum|sha256|$SHA_ONE"
ctl --json ioc check "$TEST_DIR/file.ioc" >"$TEST_DIR/check.json"
ok "ioc check reports a 1.1 document with its terms" jcheck "$TEST_DIR/check.json" \
	'd["documents"][0]["version"]=="1.1" and "FileItem/Sha256sum" in d["documents"][0]["supported_terms"]'

ctl --json ioc scan "$TEST_DIR/file.ioc" --path "$TREE" --exclude "$TREE/excluded" --no-processes --no-ports --no-system >"$TEST_DIR/s1.json"
ok "name + hash on one file: match" jcheck "$TEST_DIR/s1.json" \
	'd["state"]=="done" and d["iocs"][0]["result"]=="match" and d["iocs"][0]["id"]=="file-ioc"'
ok "the match names the file and the indicator, and not the excluded copy" jcheck "$TEST_DIR/s1.json" \
	'd["iocs"][0]["matches"]==[{"indicator":"file-ioc-and","items":[{"document":"FileItem","path":"'"$TREE"'/a/dropper.bin"}]}]'
ok "stats: 2 files seen, 1 hashed" jcheck "$TEST_DIR/s1.json" \
	'd["stats"]["files_seen"]==2 and d["stats"]["files_hashed"]==1 and "duration_ms" in d["stats"]'

ctl --json ioc scan "$TEST_DIR/file.ioc" --path "$TREE" --hint '/b/' --no-processes --no-ports --no-system >"$TEST_DIR/s1h.json"
ok "--hint limits the files evaluated" jcheck "$TEST_DIR/s1h.json" \
	'd["iocs"][0]["result"]=="no-match" and d["stats"]["files_hashed"]==0'

# The name of one file and the hash of another: no match.
ioc11 "$TEST_DIR/cross.ioc" cross-ioc AND "is|false|FileItem/FileName|string|dropper.bin" "is|false|FileItem/Sha256sum|sha256|$SHA_TWO"
ctl --json ioc scan "$TEST_DIR/cross.ioc" --path "$TREE" --no-processes --no-ports --no-system >"$TEST_DIR/s2.json"
ok "name of one file, hash of another: no match" jcheck "$TEST_DIR/s2.json" 'd["iocs"][0]["result"]=="no-match"'

ioc11 "$TEST_DIR/proc.ioc" proc-ioc AND "is|false|ProcessItem/name|string|$SLEEPER" "contains|false|ProcessItem/arguments|string| 300"
ctl --json ioc scan "$TEST_DIR/proc.ioc" --no-files --no-ports >"$TEST_DIR/s3.json"
ok "the test process matches, by pid" jcheck "$TEST_DIR/s3.json" \
	'd["iocs"][0]["result"]=="match" and d["iocs"][0]["matches"][0]["items"]==[{"document":"ProcessItem","pid":'"$SLEEPER_PID"'}]'

# A registry test, negated: unknown, never a match, with a warning.
ioc11 "$TEST_DIR/reg.ioc" reg-ioc AND "is|true|RegistryItem/Path|string|HKLM\\Software\\Run"
ctl --json ioc scan "$TEST_DIR/reg.ioc" --path "$TREE" >"$TEST_DIR/s4.json"
ok "an unsupported term under negation is unknown, with a warning" jcheck "$TEST_DIR/s4.json" \
	'd["iocs"][0]["result"]=="unknown" and any("RegistryItem/Path" in w for w in d["iocs"][0]["warnings"])'

# Two documents with one id: the second is reported and skipped.
cp "$TEST_DIR/file.ioc" "$TEST_DIR/dup.ioc"
ctl --json ioc scan "$TEST_DIR/file.ioc" "$TEST_DIR/dup.ioc" --path "$TREE" --no-processes --no-ports >"$TEST_DIR/s5.json"
ok "a duplicate IOC id is reported and skipped" jcheck "$TEST_DIR/s5.json" \
	'len(d["iocs"])==2 and d["iocs"][1]["result"]=="unknown" and "duplicate" in d["iocs"][1]["warnings"][0]'

out=$(ctl ioc scan "$TEST_DIR/file.ioc" --path "$TREE" --action explode 2>&1)
ok "an unknown action is refused (a usage error, before the agent is asked)" test $? -eq 2
ok "... saying so" grep -q -- '--action takes skip, quarantine, terminate or isolate, not "explode"' <<<"$out"
out=$(python3 "$VIGIL_TOP_SRCDIR/tests/integration/agent-call.py" "$SOCKET" ioc.scan \
	"$(python3 -c 'import json,sys; print(json.dumps({"documents": [{"file": "f.ioc", "content": open(sys.argv[1]).read()}], "paths": [sys.argv[2]], "action": "explode"}))' "$TEST_DIR/file.ioc" "$TREE")" 2>&1)
ok "the agent refuses it too, saying so" grep -q "unknown action explode" <<<"$out"

ctl --json ioc results >"$TEST_DIR/r.json"
SID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["scan_id"])' "$TEST_DIR/s1.json")
ok "ioc results lists the scans" jcheck "$TEST_DIR/r.json" 'len(d)>=5 and any(s["scan_id"]=='"$SID"' and s["matched"]==1 for s in d)'
ctl --json ioc results "$SID" >"$TEST_DIR/r1.json"
ok "ioc results SCAN_ID gives the stored result" jcheck "$TEST_DIR/r1.json" 'd["iocs"][0]["result"]=="match" and d["scan_id"]=='"$SID"

# A hostile document is refused with a message, the agent unharmed.
printf '<!DOCTYPE x [<!ENTITY a "aaaa">]><OpenIOC xmlns="http://openioc.org/schemas/OpenIOC_1.1"/>' >"$TEST_DIR/dtd.ioc"
out=$(ctl ioc check "$TEST_DIR/dtd.ioc" 2>&1)
ok "a DTD is refused with a clear message" grep -q "DTD" <<<"$out"
ok "the agent is still there" ctl status

# Ctrl-C cancels the scan in the agent: a hash scan of a big enough tree, interrupted.  Sparse
# files (no disk used), each under the scan's hashing limit: 20 GB to hash, which takes a
# machine with SHA instructions on both cores seconds, so that the scan is still running when
# the test has seen it run.
BIG="$TEST_DIR/big"
mkdir -p "$BIG"
for i in $(seq 1 100); do truncate -s 190M "$BIG/f$i"; done
ioc11 "$TEST_DIR/hash.ioc" hash-ioc AND "is|false|FileItem/Sha256sum|sha256|$SHA_TWO"
"$VIGILCTL" --socket "$SOCKET" --json ioc scan "$TEST_DIR/hash.ioc" --path "$BIG" --no-processes --no-ports \
	--no-system >"$TEST_DIR/s6.json" &
CTL_PID=$!
# Ctrl-C once the agent runs the scan.
scan_running() { ctl --json ioc results | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if d and d[0]["state"]=="running" else 1)'; }
wait_for 60 scan_running
kill -INT "$CTL_PID"
wait "$CTL_PID"
rc=$?
ok "Ctrl-C: the scan ends cancelled, its result unknown, exit status 1 ($rc)" jcheck "$TEST_DIR/s6.json" \
	'd["state"]=="cancelled" and d["iocs"][0]["result"]=="unknown" and '"$rc"' == 1'
# It matches: exit status 4 (see ioc-status.sh).
ok "the agent takes a new scan after a cancel" \
	test "$(status_of ctl --json ioc scan "$TEST_DIR/file.ioc" --path "$TREE" --no-processes --no-ports)" = 4

finish
