#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# What ioc scan tells a script and a person: its exit status (0 nothing matched, 4 a document
# matched, 1 failed), a --path that is not there and a document that does not load refused before
# any scan (by vigilctl, and by the agent for every other client), and, on a terminal, a progress
# line that shows each phase of the scan (the counting of the files before a hashing walk) and
# ends at 100 %.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
plan 17

TREE="$TEST_DIR/tree"
mkdir -p "$TREE"
for d in $(seq 20); do
	mkdir "$TREE/d$d"
	for f in $(seq 50); do echo "$d $f" >"$TREE/d$d/f$f"; done
done
printf 'the one' >"$TREE/d7/hit.bin"
HIT=$(sha256sum "$TREE/d7/hit.bin" | cut -d' ' -f1)
NONE=$(printf 'nowhere %s' "$$" | sha256sum | cut -d' ' -f1)
# ioc FILE SHA256: a document that matches a file of that content (a hashing scan).
ioc() {
	cat >"$1" <<IOC
<?xml version="1.0" encoding="utf-8"?>
<OpenIOC xmlns="http://openioc.org/schemas/OpenIOC_1.1" id="$(basename "$1" .ioc)" last-modified="2024-01-01T00:00:00" published-date="2024-01-01T00:00:00">
<metadata><short_description>t</short_description><authored_date>2024-01-01T00:00:00</authored_date></metadata>
<criteria><Indicator id="top" operator="OR">
<IndicatorItem id="h" condition="is" negate="false" preserve-case="false"><Context document="FileItem" search="FileItem/Sha256sum" type="mir"/><Content type="sha256">$2</Content></IndicatorItem>
</Indicator></criteria><parameters/></OpenIOC>
IOC
}
ioc "$TEST_DIR/hit.ioc" "$HIT"
ioc "$TEST_DIR/clean.ioc" "$NONE"
printf '<?xml version="1.0"?>\n<OpenIOC><broken' >"$TEST_DIR/broken.ioc"
: >"$TEST_DIR/vigild.conf"
start_agent --config "$TEST_DIR/vigild.conf" || exit 1
scan() { ctl ioc scan --no-processes --no-ports --no-system "$@"; }
scans() { ctl --json ioc results | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }

ok "a scan where nothing matches exits 0" test "$(status_of scan "$TEST_DIR/clean.ioc" --path "$TREE")" = 0
ok "a scan where a document matches exits 4" test "$(status_of scan "$TEST_DIR/hit.ioc" --path "$TREE")" = 4
ok "with --json too" test "$(status_of ctl --json ioc scan --no-processes --no-ports "$TEST_DIR/hit.ioc" --path "$TREE")" = 4
ok "one matching document among two is enough" \
	test "$(status_of scan "$TEST_DIR/clean.ioc" "$TEST_DIR/hit.ioc" --path "$TREE")" = 4

before=$(scans)
scan "$TEST_DIR/clean.ioc" --path /nonexistent-$$ >/dev/null 2>"$TEST_DIR/err"
rc=$?
ok "--path /nonexistent is an error (1), not a clean host ($rc)" test $rc = 1
ok "naming the path" grep -q "the path /nonexistent-$$ cannot be scanned: No such file or directory" "$TEST_DIR/err"
scan "$TEST_DIR/broken.ioc" --path "$TREE" >/dev/null 2>"$TEST_DIR/err"
rc=$?
ok "a document that does not load is an error (1), as ioc check says ($rc)" \
	eval 'test $rc = 1 && test "$(status_of ctl ioc check "$TEST_DIR/broken.ioc")" = 1'
ok "naming the document and what is wrong" grep -q "broken.ioc: line 2: not well-formed XML" "$TEST_DIR/err"
ok "neither started a scan" test "$(scans)" = "$before"

# The agent refuses the same for its other clients (the console, the server's scans).
raw() {
	python3 "$VIGIL_TOP_SRCDIR/tests/integration/agent-call.py" "$SOCKET" ioc.scan \
		"$(python3 -c 'import json,sys; print(json.dumps({"documents": [{"file": sys.argv[1], "content": open(sys.argv[1]).read()}], "paths": [sys.argv[2]], "no_processes": True}))' "$1" "$2")" 2>&1
}
ok "the agent refuses a path that does not exist" eval 'raw "$TEST_DIR/clean.ioc" /nonexistent-$$ | grep -q "the path /nonexistent-$$ cannot be scanned"'
ok "and a document that does not load" eval 'raw "$TEST_DIR/broken.ioc" "$TREE" | grep -q "broken.ioc: line 2: not well-formed XML"'
ok "still no scan" test "$(scans)" = "$before"

# On a terminal (a pseudo-terminal from script(1)), the progress line on stderr: every phase in
# order, the counting of the files before the hashing walk, and the end at 100 %.
script -qec "'$VIGILCTL' --socket '$SOCKET' ioc scan --no-processes --no-ports '$TEST_DIR/clean.ioc' --path '$TREE'" \
	/dev/null >"$TEST_DIR/tty.out"
rc=$?
tr '\r' '\n' <"$TEST_DIR/tty.out" | sed 's/\x1b\[K//' >"$TEST_DIR/lines"
ok "through a terminal the status is the same ($rc)" test $rc = 0
ok "the progress shows the counting of the files" grep -q "^scan [0-9]* \[[#.]*\] counting the files: [0-9]* so far" "$TEST_DIR/lines"
ok "then the walk, which ends at 100 % of the 1001 files" \
	grep -q "^scan [0-9]* \[####################\] 1001/1001 files" "$TEST_DIR/lines"
order=$(grep -n -e "reading the system facts" -e "counting the files" -e "1001/1001 files" "$TEST_DIR/lines" |
	cut -d: -f2- | sed -e 's/.*reading the system.*/system/' -e 's/.*counting.*/counting/' -e 's/.*1001\/1001.*/end/' | uniq | tr '\n' ' ')
ok "in that order: system, counting, end ($order)" test "$order" = "system counting end "
ok "the line is never shown without a terminal" eval '! scan "$TEST_DIR/clean.ioc" --path "$TREE" 2>&1 | grep -q "counting"'
finish
