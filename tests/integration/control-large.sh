#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Answers larger than one control frame (1 MiB) arrive whole, in parts, in the shell's output
# and through a raw client; the agent stays responsive meanwhile.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
plan 6

use_test_agent
ok "the test agent starts" start_agent
ok "it stores 6000 events" eval 'test_emit 6000 >/dev/null'
out="$TEST_DIR/show.json"
# The events reach the spool through the writer thread: wait until all are stored.
stored() {
	ctl --json telemetry show --limit 6000 >"$out" || return 1
	count=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$out" 2>/dev/null)
	test "$count" = 6000
}
count=
ok "telemetry show --limit 6000 answers with every event" wait_for 60 stored
distinct() { python3 -c 'import json,sys; print(len({e["metadata"]["uid"] for e in json.load(open(sys.argv[1]))}))' "$out"; }
ok "more than one frame of them, each event once" eval 'test "$(stat -c %s "$out")" -gt 1048576 && test "$(distinct)" = 6000'
# A raw client reads the parts itself: every message but the last says "more".
parts=$(python3 - "$SOCKET" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall(b'{"v": 2, "id": 9, "cmd": "telemetry.show", "args": {"limit": 6000}}\n')
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
ok "a raw client gets several parts, each under 1 MiB ($parts)" eval 'set -- $parts; test "$1" -gt 1 && test "$2" = 6000'
ok "the agent still answers" ctl status
finish
