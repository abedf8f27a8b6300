#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Misbehaving control clients, one scenario per argument; prints one line "ok" or raises."""
import json
import socket
import sys
import threading
import time

PATH = sys.argv[1]
SCENARIO = sys.argv[2]


def connect():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(60)
    s.connect(PATH)
    return s


def read_line(s):
    buf = b""
    while not buf.endswith(b"\n"):
        chunk = s.recv(65536)
        if not chunk:
            break
        buf += chunk
    return buf


def call(s, cmd, rid=1):
    s.sendall(json.dumps({"v": 1, "id": rid, "cmd": cmd, "args": {}}).encode() + b"\n")
    return json.loads(read_line(s))


def malformed():
    s = connect()
    for garbage in [b"{not json\n", b"[1,2,3]\n", b"\"just a string\"\n", b"{\"id\": \"x\", \"cmd\": 5}\n",
                    b"{\"v\": 99, \"id\": 3, \"cmd\": \"status\"}\n", b"{\"id\": 4, \"cmd\": \"no.such\"}\n",
                    b"{\"id\": 5, \"cmd\": \"status\", \"args\": [1]}\n"]:
        s.sendall(garbage)
        reply = json.loads(read_line(s))
        assert reply["ok"] is False, reply
        assert reply["error"]["code"] in ("bad-request", "unsupported-version", "unknown-command"), reply
    # The same connection still works after all that.
    assert call(s, "status", 9)["ok"] is True


def huge_line():
    s = connect()
    chunk = b"x" * 65536
    sent = 0
    try:
        while sent < 10 * 1024 * 1024:
            s.sendall(chunk)
            sent += len(chunk)
    except (BrokenPipeError, ConnectionResetError):
        pass
    # The agent said why, then hung up.
    data = b""
    try:
        while True:
            c = s.recv(65536)
            if not c:
                break
            data += c
    except (ConnectionResetError, socket.timeout):
        pass
    assert b"too-large" in data, data[:200]


def half_message():
    for _ in range(20):
        s = connect()
        s.sendall(b"{\"v\": 1, \"id\": 1, \"cmd\": \"sta")
        s.close()
    s = connect()
    s.sendall(b"{\"v\": 1, \"id\": 1, \"cmd\": \"status\"")
    s.shutdown(socket.SHUT_WR)
    s.close()


def nul_byte():
    s = connect()
    s.sendall(b"{\"id\": 1, \"cmd\": \"st\x00atus\"}\n")
    data = read_line(s)
    assert b"bad-request" in data, data


def many_clients():
    results = []
    lock = threading.Lock()
    socks = [connect() for _ in range(100)]

    def one(i, s):
        r = call(s, "hello", i)
        with lock:
            results.append(r["ok"] and r["id"] == i)

    threads = [threading.Thread(target=one, args=(i, s)) for i, s in enumerate(socks)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 100 and all(results), results
    for s in socks:
        s.close()


def no_reader():
    # Ask for many replies and never read them: the agent must cut this client off, not grow.
    s = connect()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    req = json.dumps({"v": 1, "id": 1, "cmd": "settings.show", "args": {}}).encode() + b"\n"
    s.settimeout(2)
    try:
        for _ in range(200000):
            s.sendall(req * 64)
    except (BrokenPipeError, ConnectionResetError, socket.timeout):
        pass
    s.close()


SCENARIOS = {f.__name__: f for f in (malformed, huge_line, half_message, nul_byte, many_clients, no_reader)}
SCENARIOS[SCENARIO]()

