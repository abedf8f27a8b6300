#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Sends one request to an agent's control socket and prints its result as JSON (an array
# result sent in parts joined); exits 1 on an error answer.  For the test agent's test.* commands, which vigilctl does not know.
#   agent-call.py SOCKET COMMAND [ARGS-JSON]
import json, socket, sys

sock, cmd = sys.argv[1], sys.argv[2]
args = json.loads(sys.argv[3]) if len(sys.argv) > 3 else {}
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sock)
s.sendall((json.dumps({"v": 2, "id": 1, "cmd": cmd, "args": args}) + "\n").encode())
# An array result may come in parts, each but the last marked "more": they are joined.
buf, parts = b"", None
while True:
    while b"\n" not in buf:
        chunk = s.recv(65536)
        if not chunk:
            sys.exit("agent-call: the agent closed the connection")
        buf += chunk
    line, buf = buf.split(b"\n", 1)
    msg = json.loads(line)
    if msg.get("id") != 1:
        continue
    if not msg.get("ok"):
        print(msg.get("error", {}).get("message", "error"), file=sys.stderr)
        sys.exit(1)
    result = msg.get("result")
    if msg.get("more") or parts is not None:
        parts = (parts or []) + result
        result = parts
    if not msg.get("more"):
        break
print(json.dumps(result, indent=2))
