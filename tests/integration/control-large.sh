#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Answers larger than one control frame (1 MiB) arrive whole, in parts, in the shell's output
# and through a raw client; the agent stays responsive meanwhile.  The largest answers the shell
# may ask for: telemetry show --limit 10000 (its upper bound) and 10000 isolation exceptions
# (the most the agent keeps).
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
plan 10

use_test_agent
ok "the test agent starts" start_agent
ok "it stores 10000 events" eval 'test_emit 10000 >/dev/null'
out="$TEST_DIR/show.json"
count_of() { python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$1" 2>/dev/null; }
# The events reach the spool through the writer thread: wait until all are stored.
stored() {
	ctl --json telemetry show --limit 10000 >"$out" || return 1
	test "$(count_of "$out")" = 10000
}
ok "telemetry show --limit 10000 answers with every event" wait_for 60 stored
distinct() { python3 -c 'import json,sys; print(len({e["metadata"]["uid"] for e in json.load(open(sys.argv[1]))}))' "$out"; }
ok "more than one frame of them, each event once" eval 'test "$(stat -c %s "$out")" -gt 2097152 && test "$(distinct)" = 10000'
# The table: a heading and one line per event, exit 0.
ctl telemetry show --limit 10000 >"$TEST_DIR/show.txt"
rc=$?
ok "the table of 10000 events has 10001 lines and exit status 0 ($rc)" \
	eval 'test $rc = 0 && test "$(wc -l <"$TEST_DIR/show.txt")" = 10001'
# A raw client reads the parts itself: every message but the last says "more".
parts=$(python3 - "$SOCKET" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall(b'{"v": 2, "id": 9, "cmd": "telemetry.show", "args": {"limit": 10000}}\n')
buf, parts, items = b"", 0, 0
while True:
    chunk = s.recv(1 << 16)
    if not chunk: break
    buf += chunk
    while b"\n" in buf:
        line, buf = buf.split(b"\n", 1)
        assert len(line) < 1 << 20, "a frame over 1 MiB"
        m = json.loads(line)
        parts += 1; items += len(m["result"])
        if not m.get("more"):
            print(parts, items); sys.exit(0)
PY
)
ok "a raw client gets several parts, each under 1 MiB ($parts)" eval 'set -- $parts; test "$1" -gt 2 && test "$2" = 10000'

# 10000 isolation exceptions, each with a comment, make a list of more than 2 MiB.
python3 - >"$TEST_DIR/add.txt" <<'PY'
for i in range(10000):
    print("isolation exception add --direction out --protocol tcp --remote 10.%d.%d.0/24 --remote-port %d"
          " --comment 'exception %05d, with a comment long enough to make the list large'"
          % (i // 256, i % 256, 1 + i, i))
PY
ok "10000 isolation exceptions are added" eval 'ctl -f "$TEST_DIR/add.txt" >/dev/null'
ctl --json isolation exception list >"$TEST_DIR/exceptions.json"
rc=$?
ok "isolation exception list --json gives all 10000 ($rc)" \
	eval 'test $rc = 0 && test "$(count_of "$TEST_DIR/exceptions.json")" = 10000 && test "$(stat -c %s "$TEST_DIR/exceptions.json")" -gt 2097152'
ctl isolation exception list >"$TEST_DIR/exceptions.txt"
rc=$?
ok "its table has a heading and 10000 lines, the last one's comment included ($rc)" \
	eval 'test $rc = 0 && test "$(wc -l <"$TEST_DIR/exceptions.txt")" = 10001 && grep -q "exception 09999, with" "$TEST_DIR/exceptions.txt"'
ok "the agent still answers" ctl status
finish
