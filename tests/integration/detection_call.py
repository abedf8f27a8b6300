# SPDX-License-Identifier: GPL-3.0-or-later
# The agent's control socket for the detection tests' Python parts (imported by them):
#   agent = Agent(SOCKET); agent.call("detection.list", {"rule": ID})
# A large array answered in parts (each but the last with "more") is joined.
import json
import socket


class Agent:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.connect(path)
        self.buf = b""
        self.n = 0

    def call(self, cmd, args=None):
        self.n += 1
        self.s.sendall((json.dumps({"v": 2, "id": self.n, "cmd": cmd, "args": args or {}}) + "\n").encode())
        parts = []
        while True:
            while b"\n" not in self.buf:
                chunk = self.s.recv(1 << 20)
                if not chunk:
                    raise SystemExit("the agent closed the connection")
                self.buf += chunk
            line, self.buf = self.buf.split(b"\n", 1)
            msg = json.loads(line)
            if msg.get("id") != self.n:
                continue
            if not msg.get("ok"):
                raise SystemExit("%s: %s" % (cmd, msg.get("error", {}).get("message")))
            parts.append(msg.get("result"))
            if not msg.get("more"):
                break
        if len(parts) == 1:
            return parts[0]
        return [x for p in parts for x in p]
