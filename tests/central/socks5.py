#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A small SOCKS5 proxy for the link tests (RFC 1928 CONNECT, RFC 1929 user/password).

Python standard library only; it serves 127.0.0.1 and connects only to loopback addresses.
"""

import argparse
import select
import socket
import socketserver
import struct
import sys


class Handler(socketserver.BaseRequestHandler):
    def recv_exact(self, n):
        data = b""
        while len(data) < n:
            chunk = self.request.recv(n - len(data))
            if not chunk:
                raise ConnectionError("closed")
            data += chunk
        return data

    def handle(self):
        s = self.request
        s.settimeout(30)
        try:
            ver, n = self.recv_exact(2)
            methods = self.recv_exact(n)
            want = 2 if self.server.user else 0
            if ver != 5 or want not in methods:
                s.sendall(b"\x05\xff")
                return
            s.sendall(bytes([5, want]))
            if want == 2:
                _, ulen = self.recv_exact(2)
                user = self.recv_exact(ulen).decode(errors="replace")
                (plen,) = self.recv_exact(1)
                password = self.recv_exact(plen).decode(errors="replace")
                ok = user == self.server.user and password == self.server.password
                s.sendall(b"\x01\x00" if ok else b"\x01\x01")
                if not ok:
                    return
            ver, cmd, _, atyp = self.recv_exact(4)
            if atyp == 1:
                host = socket.inet_ntoa(self.recv_exact(4))
            elif atyp == 3:
                (n,) = self.recv_exact(1)
                host = self.recv_exact(n).decode()
            else:
                s.sendall(b"\x05\x08\x00\x01" + b"\x00" * 6)
                return
            (port,) = struct.unpack("!H", self.recv_exact(2))
            if cmd != 1 or host not in ("127.0.0.1", "localhost"):
                s.sendall(b"\x05\x02\x00\x01" + b"\x00" * 6)
                return
            try:
                up = socket.create_connection(("127.0.0.1", port), 10)
            except OSError:
                s.sendall(b"\x05\x05\x00\x01" + b"\x00" * 6)
                return
            s.sendall(b"\x05\x00\x00\x01" + socket.inet_aton("127.0.0.1") + struct.pack("!H", port))
            self.server.log("CONNECT %s:%d" % (host, port))
            pair = [s, up]
            while True:
                r, _, _ = select.select(pair, [], [], 120)
                if not r:
                    break
                for x in r:
                    data = x.recv(65536)
                    if not data:
                        return
                    (up if x is s else s).sendall(data)
        except (OSError, ConnectionError, ValueError):
            return


class Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser(description="SOCKS5 proxy for tests (loopback only)")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--user")
    ap.add_argument("--password")
    ap.add_argument("--log")
    opts = ap.parse_args()
    srv = Server(("127.0.0.1", opts.port), Handler)
    srv.user, srv.password = opts.user, opts.password

    def log(line):
        if opts.log:
            with open(opts.log, "a") as f:
                f.write(line + "\n")
    srv.log = log
    srv.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
