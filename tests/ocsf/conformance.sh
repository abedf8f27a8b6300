#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# OCSF conformance: every event that the integration tests made their agents emit is valid
# OCSF 1.8.0.  lib.sh keeps each test's events (its agents' spools) in
# tests/ocsf-events/TEST.jsonl of the build tree; make runs this after all the other tests (its
# log depends on theirs, tests/Makefile.am) and validate.py checks them against the schema
# extract.  One TAP line per class seen, with its count of events; any error fails.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"

events_dir="$VIGIL_TOP_BUILDDIR/tests/ocsf-events"
shopt -s nullglob
files=("$events_dir"/*.jsonl)

ok "the integration tests left events to validate (${#files[@]} files)" test "${#files[@]}" -gt 0
if [ "${#files[@]}" -eq 0 ]; then
	plan "$_tap_n"
	finish
fi
report="$TEST_DIR/report"
python3 "$VIGIL_TOP_SRCDIR/tests/ocsf/validate.py" --max-errors 300 "${files[@]}" >"$report" 2>&1
rc=$?
# The errors first (each with its file and line, class and attribute path), then per class.
grep -v '^class \|^OCSF ' "$report" | sed 's/^/# /'
while read -r _ uid rest; do
	events=$(echo "$rest" | grep -o '[0-9]* events' | cut -d' ' -f1)
	errors=$(echo "$rest" | grep -o '[0-9]* errors' | cut -d' ' -f1)
	ok "class $uid $(echo "$rest" | cut -d: -f1): $events events kept, $errors errors" test "$errors" -eq 0
done < <(grep '^class ' "$report")
total=$(grep '^OCSF ' "$report")
diag "$total"
# The exports keep one event of each shape (export-spool.py): how many the tests emitted.
emitted=$(cat "$events_dir"/*.jsonl.count 2>/dev/null | awk '{ n += $1 } END { print n + 0 }')
diag "the integration tests' agents emitted $emitted events in all, each of a shape validated above"
ok "every event is valid OCSF 1.8.0 (validate.py exit status $rc)" test "$rc" -eq 0
plan "$_tap_n"
finish
