#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Sends one request to an agent's control socket and prints its result as JSON; exits 1 on an
# error answer.  For the test agent's test.* commands, which vigilctl does not know.
#   agent-call.py SOCKET COMMAND [ARGS-JSON]
import json, socket, sys

sock, cmd = sys.argv[1], sys.argv[2]
args = json.loads(sys.argv[3]) if len(sys.argv) > 3 else {}
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sock)
s.sendall((json.dumps({"v": 2, "id": 1, "cmd": cmd, "args": args}) + "\n").encode())
buf = b""
while not buf.endswith(b"\n"):
    chunk = s.recv(65536)
    if not chunk:
        sys.exit("agent-call: the agent closed the connection")
    buf += chunk
for line in buf.decode().splitlines():
    msg = json.loads(line)
    if msg.get("id") != 1:
        continue
    if not msg.get("ok"):
        print(msg.get("error", {}).get("message", "error"), file=sys.stderr)
        sys.exit(1)
    print(json.dumps(msg.get("result"), indent=2))
