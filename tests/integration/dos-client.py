#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A control client that tries to deny the agent's service to root (run it as a group member).

    dos-client.py SOCKET crowd N          open N connections, say how many the agent took, hold them
    dos-client.py SOCKET flood N          N connections asking for answers they never read, held
    dos-client.py SOCKET waits N TASK     N connections each awaiting task TASK (wait_ms), then gone
    dos-client.py SOCKET idle SECONDS     one connection that says hello then nothing: "closed" or "open"

"crowd" and "flood" print "ready ..." once set up, then hold until killed.
"""
import json
import socket
import sys
import time

PATH, SCENARIO = sys.argv[1], sys.argv[2]


def connect():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(PATH)
    return s


def request(cmd, rid, args=None):
    return json.dumps({"v": 2, "id": rid, "cmd": cmd, "args": args or {}}).encode() + b"\n"


def read_line(s):
    buf = b""
    while not buf.endswith(b"\n"):
        chunk = s.recv(65536)
        if not chunk:
            break
        buf += chunk
    return buf


def hold():
    sys.stdout.flush()
    while True:
        time.sleep(3600)


def crowd(n):
    kept, accepted = [], 0
    for i in range(n):
        try:
            s = connect()
            s.sendall(request("hello", i))
            reply = json.loads(read_line(s) or b"{}")
        except (OSError, ValueError):
            continue
        if reply.get("ok"):
            accepted += 1
            kept.append(s)
        else:
            s.close()
    print("ready accepted=%d" % accepted)
    hold()


def flood(n):
    kept = []
    # The largest answers a reader may ask for, pipelined, never read.
    burst = b"".join(request(c, i) for i, c in enumerate(["settings.show", "ioc.terms", "status"] * 200))
    for _ in range(n):
        try:
            s = connect()
        except OSError:
            continue
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.setblocking(False)
        kept.append(s)
    sent = 0
    deadline = time.monotonic() + 20
    progress = True
    while progress and time.monotonic() < deadline:
        progress = False
        for s in kept:
            try:
                sent += s.send(burst)
                progress = True
            except (BlockingIOError, BrokenPipeError, ConnectionResetError):
                pass
        time.sleep(0.05)
    print("ready connections=%d sent=%d" % (len(kept), sent))
    hold()


def waits(n, task):
    conns = []
    for _ in range(n):
        try:
            s = connect()
            for k in range(3):
                s.sendall(request("task.show", k, {"id": task, "wait_ms": 25000}))
            # Answered after the three before it were read: each wait is now registered.
            s.sendall(request("hello", 99))
            while json.loads(read_line(s) or b'{"id": 99}').get("id") != 99:
                pass
            conns.append(s)
        except (OSError, ValueError):
            continue
    for s in conns:
        s.close()
    print("done connections=%d" % len(conns))


def idle(seconds):
    s = connect()
    s.sendall(request("hello", 1))
    read_line(s)
    s.settimeout(seconds)
    try:
        print("closed" if s.recv(1) == b"" else "data")
    except socket.timeout:
        print("open")


if SCENARIO == "crowd":
    crowd(int(sys.argv[3]))
elif SCENARIO == "flood":
    flood(int(sys.argv[3]))
elif SCENARIO == "waits":
    waits(int(sys.argv[3]), int(sys.argv[4]))
elif SCENARIO == "idle":
    idle(float(sys.argv[3]))
else:
    sys.exit("unknown scenario " + SCENARIO)
