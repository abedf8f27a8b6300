#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# OpenC2 conformance: the commands the link tests (and detection-server.sh) sent through the reference central server
# and the responses the agent returned, as the server recorded them ($VIGIL_OPENC2_TRAFFIC_DIR),
# checked against the Language Specification 1.0 schema and the Endpoint Response profile by
# tests/openc2/validate.py.  make check runs this after the link tests (tests/link.mk).
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
plan 4

VALIDATE="$VIGIL_TOP_SRCDIR/tests/openc2/validate.py"
TRAFFIC=${VIGIL_OPENC2_TRAFFIC_DIR:?VIGIL_OPENC2_TRAFFIC_DIR must name the directory of the recorded exchanges}

python3 "$VALIDATE" --self-test >"$TEST_DIR/self-test.txt" 2>&1
rc=$?
sed 's/^/# /' "$TEST_DIR/self-test.txt"
ok "the validator catches nonconformant commands and responses" test "$rc" -eq 0

# The tests that speak OpenC2 through the server left their exchanges here.
missing=
for t in link-events link-tasks link-isolation link-hostile detection-server; do
	[ -s "$TRAFFIC/$t.jsonl" ] || missing="$missing $t"
done
ok "the link tests recorded their exchanges${missing:+ (missing:$missing)}" test -z "$missing"

python3 "$VALIDATE" "$TRAFFIC"/*.jsonl >"$TEST_DIR/report.txt" 2>&1
rc=$?
head -80 "$TEST_DIR/report.txt" | sed 's/^/# /'
ok "every command and response conforms: $(tail -1 "$TEST_DIR/report.txt")" test "$rc" -eq 0

kinds=$(python3 - "$TRAFFIC" <<'PY'
import glob, json, sys
seen = set()
for path in glob.glob(sys.argv[1] + "/*.jsonl"):
    for line in open(path):
        r = json.loads(line)
        if r["kind"] == "command" and not r.get("deliberate"):
            c = r["command"]
            seen.add("%s %s" % (c["action"], next(iter(c["target"]))))
print(" ".join(sorted(seen)))
PY
)
diag "pairs exercised: $kinds"
ok "the exchanges cover every pair the agent implements" bash -c '
	for p in "query features" "contain device" "allow device" "start file" "stop process" "delete file" \
		"copy file" "scan device" "update x-vigil:rules" "delete x-vigil:rules" "update x-vigil:ioc_watch" \
		"delete x-vigil:ioc_watch"; do
		case " $1 " in *" $p "*) ;; *) echo "missing: $p"; exit 1;; esac
	done' _ "$kinds"
finish
