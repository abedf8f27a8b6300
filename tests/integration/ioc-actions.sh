#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# IOC scan actions: --action quarantine puts the matched file in the quarantine, --action terminate
# ends the matched process, both through the tasks executors, and the scan result records them.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
plan 8

jcheck() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' "$1" "$2"; }
ioc11() {
	local file=$1 id=$2 search=$3 type=$4 content=$5
	cat >"$file" <<XML
<?xml version="1.0" encoding="utf-8"?>
<OpenIOC xmlns="http://openioc.org/schemas/OpenIOC_1.1" id="$id" last-modified="2024-01-01T00:00:00" published-date="2024-01-01T00:00:00">
<metadata><short_description>$id</short_description><authored_date>2024-01-01T00:00:00</authored_date></metadata>
<criteria><Indicator id="$id-top" operator="OR"><IndicatorItem id="$id-1" condition="is" negate="false" preserve-case="false"><Context document="${search%%/*}" search="$search" type="mir"/><Content type="$type">$content</Content></IndicatorItem></Indicator></criteria><parameters/></OpenIOC>
XML
}

TREE="$TEST_DIR/tree"
mkdir -p "$TREE"
printf 'vigil ioc action payload %s' "$$" >"$TREE/dropper.bin"
printf 'harmless' >"$TREE/other.txt"
SHA=$(sha256sum "$TREE/dropper.bin" | cut -d' ' -f1)

SLEEPER="vigil-act-$$"
cp /bin/sleep "$TEST_DIR/$SLEEPER"
"$TEST_DIR/$SLEEPER" 300 &
SLEEPER_PID=$!
SLEEPER_START=$(awk '{print $22}' "/proc/$SLEEPER_PID/stat")
/bin/sleep 300 &
OTHER_PID=$!
on_exit "kill $SLEEPER_PID $OTHER_PID 2>/dev/null"

export -f ctl
export SOCKET VIGILCTL
: >"$TEST_DIR/vigild.conf"
start_agent --config "$TEST_DIR/vigild.conf" || exit 1

ioc11 "$TEST_DIR/file.ioc" file-act FileItem/Sha256sum sha256 "$SHA"
ctl --json ioc scan "$TEST_DIR/file.ioc" --path "$TREE" --no-processes --no-ports --no-system \
	--action quarantine >"$TEST_DIR/q.json"
ok "the scan matched and records the quarantine" jcheck "$TEST_DIR/q.json" \
	'd["iocs"][0]["result"]=="match" and d["actions"][0]["action"]=="quarantine" and d["actions"][0]["path"]=="'"$TREE/dropper.bin"'" and "task_id" in d["actions"][0]'
tid=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["actions"][0]["task_id"])' "$TEST_DIR/q.json")
ok "the quarantine task succeeded" wait_for 60 bash -c "ctl --json task show $tid | grep -q '\"state\": \"succeeded\"'"
ok "the matched file is gone" test ! -e "$TREE/dropper.bin"
ok "the other file is untouched" test -f "$TREE/other.txt"
ok "the file is in the quarantine" bash -c "ctl --json quarantine list | grep -qF '$TREE/dropper.bin'"

ioc11 "$TEST_DIR/proc.ioc" proc-act ProcessItem/name string "$SLEEPER"
ctl --json ioc scan "$TEST_DIR/proc.ioc" --no-files --no-ports --no-system --action terminate >"$TEST_DIR/t.json"
ok "the scan matched and records the terminate, with the process's start time" jcheck "$TEST_DIR/t.json" \
	'd["actions"]==[{"action":"terminate","pid":'"$SLEEPER_PID"',"start_time":'"$SLEEPER_START"',"task_id":d["actions"][0]["task_id"]}]'
ok "the matched process is gone" wait_for 60 bash -c "! kill -0 $SLEEPER_PID 2>/dev/null || grep -q '^State:.*Z' /proc/$SLEEPER_PID/status"
ok "another process is untouched" kill -0 "$OTHER_PID"
finish
