#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The loop answers while long work runs elsewhere: a status request sent after a large ioc.check
# (two OpenIOC documents of 3 MiB, parsed on workers) is answered before it, on the same
# connection and on another; the check's own answer still comes, whole.  Order, not time.
# And the spool thread stores, at a stop, the events still queued in memory.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
plan 9
use_test_agent

ok "agent starts" start_agent --set ioc.max_document_kib=4096

cat >"$TEST_DIR/order.py" <<'PY'
import json, select, socket, sys

path, mode = sys.argv[1], sys.argv[2]

def doc(n):
    items = "".join('<IndicatorItem id="i%05d" condition="is"><Context document="FileItem" search="FileItem/FileName"'
                    ' type="mir"/><Content type="string">%s</Content></IndicatorItem>\n' % (i, ("f%05d-" % i).ljust(200, "x"))
                    for i in range(n))
    return ('<?xml version="1.0"?>\n<OpenIOC xmlns="http://openioc.org/schemas/OpenIOC_1.1" id="big">'
            '<criteria><Indicator id="top" operator="OR">\n%s</Indicator></criteria></OpenIOC>\n' % items)

def connect():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(120)
    s.connect(path)
    return s

def replies(s, want):
    buf, got = b"", []
    while len(got) < want:
        chunk = s.recv(1 << 20)
        if not chunk:
            raise SystemExit("the agent closed the connection")
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            got.append(json.loads(line))
    return got

d = doc(9000)
assert len(d) > 3 << 20, len(d)
check = json.dumps({"v": 2, "id": 1, "cmd": "ioc.check",
                    "args": {"documents": [{"file": "a.ioc", "content": d}, {"file": "b.ioc", "content": d}]}}).encode()
status = json.dumps({"v": 2, "id": 2, "cmd": "status", "args": {}}).encode() + b"\n"
a = connect()
if mode == "same":
    # The check's last byte (its newline) and the status request leave in one write: the agent
    # holds both when the check is complete, and must not make the status wait for the check.
    a.sendall(check)
    a.sendall(b"\n" + status)
    got = replies(a, 2)
else:
    # The status request goes on another connection once the check is sent: the replies are
    # listed in the order they arrive.
    b = connect()
    a.sendall(check + b"\n")
    b.sendall(status)
    got, waiting = [], {a: 1, b: 1}
    while waiting:
        ready, _, _ = select.select(list(waiting), [], [], 120)
        if not ready:
            raise SystemExit("no answer in 120 s")
        for s in ready:
            got += replies(s, 1)
            del waiting[s]
print(" ".join(str(m["id"]) for m in got))
for m in got:
    if m["id"] == 1:
        docs = m["result"]["documents"] if m.get("ok") else []
        print("check", "ok" if len(docs) == 2 and all(x.get("loaded") and x.get("items") == 9000 for x in docs)
              else json.dumps(m)[:300])
PY

out=$(timeout 180 python3 "$TEST_DIR/order.py" "$SOCKET" same)
diag "same connection: replies in the order: $(head -1 <<<"$out")"
ok "same connection: status (sent after the check) is answered first" test "$(head -1 <<<"$out")" = "2 1"
ok "same connection: the check's answer is whole" grep -qx "check ok" <<<"$out"

out=$(timeout 180 python3 "$TEST_DIR/order.py" "$SOCKET" other)
diag "two connections: $(head -1 <<<"$out")"
ok "another connection: status is answered while the check runs" test "$(head -1 <<<"$out")" = "2 1"
ok "another connection: the check's answer is whole" grep -qx "check ok" <<<"$out"

ok "the agent still answers" ctl status

# Events handed to the spool thread just before a stop (its flush waits up to a second) are stored.
test_emit 300 >/dev/null
ok "the agent stops cleanly with events queued" stop_agent
start_agent --set ioc.max_document_kib=4096
waiting=$(ctl --json status | python3 -c 'import json,sys; print(json.load(sys.stdin)["sections"]["link"]["events_waiting"])')
ok "the 300 events queued at the stop were stored ($waiting)" test "$waiting" = 300
ok "the agent stops cleanly" stop_agent
finish
