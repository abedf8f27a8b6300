#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Test helper for the isolation tests (stdlib only).

  isolation-peer.py serve TCPPORTS UDPPORTS   answer "pong" on every TCP line and UDP datagram
                                              (ports comma-separated, IPv4 and IPv6)
  isolation-peer.py tcp HOST PORT [WAIT]      exit 0 when HOST:PORT accepts a TCP connection
                                              within WAIT seconds and answers over it (the
                                              answer is waited for up to a minute)
  isolation-peer.py udp HOST PORT [WAIT]      exit 0 when HOST:PORT answers over UDP within WAIT
  isolation-peer.py ping HOST [WAIT]          exit 0 when HOST answers an ICMP echo within WAIT
                                              (raw socket, so no ping program is needed)
  isolation-peer.py hold HOST PORT DIR [WAIT] open a TCP connection, ping once, touch DIR/ready;
                                              when DIR/go appears ping again and write "alive"
                                              or "dead" (no answer within WAIT) into DIR/result

WAIT is 1.5 seconds unless given.  A check that a flow works gives a long WAIT (a flow that
works answers at once; a busy machine must not make it look cut); a check that a flow is cut
gives a short one (a cut flow never answers: the wait is the price of each such check).
"""
import os
import selectors
import socket
import struct
import sys
import time

TIMEOUT = 1.5        # the default WAIT
ANSWER_TIMEOUT = 60  # once connected, the peer's answer


def serve(tcp_ports, udp_ports):
    sel = selectors.DefaultSelector()
    for port in tcp_ports:
        s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("::", port))
        s.listen(16)
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ, "listen")
    for port in udp_ports:
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        s.bind(("::", port))
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ, "udp")
    print("ready", flush=True)
    while True:
        for key, _ in sel.select():
            s = key.fileobj
            if key.data == "listen":
                try:
                    c, _ = s.accept()
                except OSError:
                    continue
                c.setblocking(False)
                sel.register(c, selectors.EVENT_READ, "conn")
            elif key.data == "udp":
                try:
                    _, addr = s.recvfrom(2048)
                    s.sendto(b"pong\n", addr)
                except OSError:
                    pass
            else:
                try:
                    data = s.recv(2048)
                except OSError:
                    data = b""
                if not data:
                    sel.unregister(s)
                    s.close()
                    continue
                try:
                    s.send(b"pong\n" * data.count(b"\n"))
                except OSError:
                    pass


def family(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def ping(sock):
    sock.sendall(b"ping\n")
    return sock.recv(64).startswith(b"pong")


def tcp(host, port, wait):
    try:
        with socket.socket(family(host), socket.SOCK_STREAM) as s:
            s.settimeout(wait)
            s.connect((host, port))
            s.settimeout(ANSWER_TIMEOUT)
            return 0 if ping(s) else 1
    except OSError:
        return 1


def udp(host, port, wait):
    try:
        with socket.socket(family(host), socket.SOCK_DGRAM) as s:
            s.settimeout(wait)
            s.sendto(b"ping\n", (host, port))
            data, _ = s.recvfrom(64)
            return 0 if data.startswith(b"pong") else 1
    except OSError:
        return 1


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def icmp_echo(host, wait):
    v6 = ":" in host
    proto = socket.IPPROTO_ICMPV6 if v6 else socket.IPPROTO_ICMP
    ident = os.getpid() & 0xFFFF
    payload = b"vigil-isolation-test"
    head = struct.pack("!BBHHH", 128 if v6 else 8, 0, 0, ident, 1)
    if not v6:  # the kernel fills the ICMPv6 checksum itself
        head = struct.pack("!BBHHH", 8, 0, checksum(head + payload), ident, 1)
    try:
        with socket.socket(socket.AF_INET6 if v6 else socket.AF_INET, socket.SOCK_RAW, proto) as s:
            s.settimeout(wait)
            s.sendto(head + payload, (host, 0))
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline:
                data, _ = s.recvfrom(2048)
                icmp = data if v6 else data[(data[0] & 0x0F) * 4:]
                kind, _, _, rid, _ = struct.unpack("!BBHHH", icmp[:8])
                if kind == (129 if v6 else 0) and rid == ident:
                    return 0
    except OSError:
        pass
    return 1


def hold(host, port, ctl, wait):
    s = socket.socket(family(host), socket.SOCK_STREAM)
    s.settimeout(ANSWER_TIMEOUT)
    s.connect((host, port))
    if not ping(s):
        return 1
    open(os.path.join(ctl, "ready"), "w").close()
    deadline = time.monotonic() + 300
    while not os.path.exists(os.path.join(ctl, "go")):
        if time.monotonic() > deadline:
            return 1
        time.sleep(0.05)
    s.settimeout(wait)
    try:
        result = "alive" if ping(s) else "dead"
    except OSError:
        result = "dead"
    with open(os.path.join(ctl, "result"), "w") as f:
        f.write(result + "\n")
    return 0


def ports(text):
    return [int(p) for p in text.split(",") if p]


def main(argv):
    if len(argv) == 4 and argv[1] == "serve":
        serve(ports(argv[2]), ports(argv[3]))
    elif len(argv) in (4, 5) and argv[1] in ("tcp", "udp"):
        wait = float(argv[4]) if len(argv) == 5 else TIMEOUT
        return (tcp if argv[1] == "tcp" else udp)(argv[2], int(argv[3]), wait)
    elif len(argv) in (3, 4) and argv[1] == "ping":
        return icmp_echo(argv[2], float(argv[3]) if len(argv) == 4 else TIMEOUT)
    elif len(argv) in (5, 6) and argv[1] == "hold":
        return hold(argv[2], int(argv[3]), argv[4], float(argv[5]) if len(argv) == 6 else TIMEOUT)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
