#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reference central server for Vigil agents (doc/protocol.md, /api/v1).

Python standard library only.  It serves HTTPS with its own certificate, can require client
certificates, records what it receives under --data DIR, queues OpenC2 commands given on the
command line or on its loopback admin port, and serves uploaded files back.

Files under DIR:
  events.jsonl     one line per stored event: {"agent_id", "seq", "batch", "event"}
  batches.jsonl    one line per batch received: {"agent_id", "batch", "count", "stored", "duplicates"}
  hello.jsonl      every hello
  responses.jsonl  every OpenC2 response: {"agent_id", "request_id", "response"}
  commands.jsonl   every command handed to an agent, with the time
  files/HEX        uploaded files, named by SHA-256

  unknown-responses.jsonl  responses to request ids this server never handed out

When the environment variable VIGIL_OPENC2_TRAFFIC names a file, every OpenC2 exchange is
appended to it, one JSON object a line: {"kind": "command", "request_id", "command",
"deliberate"} for each command handed to an agent and {"kind": "response", "request_id",
"response"} for each response received.  tests/openc2/validate.py checks them.

The server is strict about doc/protocol.md: every /api/v1 request but GET /files carries
X-Vigil-Agent (400), an agent says hello before anything else (409), events are gzip (415), a
method the path does not take is answered 405, a batch holds increasing seq numbers ending at
its batch number and a batch sent again holds the same events (400).

Admin interface (plain HTTP on 127.0.0.1:--admin-port):
  POST /queue      body: an OpenC2 command {"action", "target", ...} or {"request_id", "command"};
                   answers {"request_id": ...}.  "deliberate": true marks a command a test sends
                   on purpose outside the standards (the conformance test checks only its answer).
  GET  /stats      counters as JSON, and refused_at: when (monotonic seconds) each batch was
                   refused by --fail-events (the first 100)
  POST /forget     forgets which agents said hello, as a restarted server would (their next
                   request is answered 409)

--hostile MODE makes GET /commands misbehave, for tests: oversized, invalid-json,
unknown-command, endless, slowloris.
"""

import argparse
import gzip
import hashlib
import http.server
import io
import json
import os
import re
import socketserver
import ssl
import sys
import threading
import time
import uuid

MAX_BODY = 16 * 1024 * 1024
MAX_GZIP_BODY = 16 * 1024 * 1024
REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
AGENT_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
# The methods each path takes; any other is answered 405.
METHODS = {"/api/v1/hello": "POST", "/api/v1/events": "POST", "/api/v1/commands": "GET",
           "/api/v1/responses": "POST", "/api/v1/ping": "GET"}
SHA256 = re.compile(r"^[0-9a-f]{64}$")


class State:
    def __init__(self, data_dir, poll_wait, min_interval):
        self.dir = data_dir
        self.poll_wait = poll_wait
        self.min_interval = min_interval
        self.lock = threading.Lock()
        self.cond = threading.Condition(self.lock)
        self.seen = set()          # (agent_id, seq) stored
        self.queue = []            # commands for any agent
        self.greeted = set()       # agents that said hello since the server started
        self.batches = {}          # (agent_id, batch) acknowledged -> its seq numbers
        self.handed = set()        # request ids handed out (and recorded in commands.jsonl)
        self.deliberate = set()    # request ids of commands queued as deliberately nonconformant
        self.traffic = os.environ.get("VIGIL_OPENC2_TRAFFIC")
        self.stats = {"hello": 0, "batches": 0, "events": 0, "duplicates": 0, "responses": 0,
                      "commands_sent": 0, "files": 0, "unknown_responses": 0,
                      "refused_batches": 0, "protocol_errors": 0}
        self.refused_at = []       # monotonic times of the refusals, for Retry-After checks
        os.makedirs(os.path.join(data_dir, "files"), exist_ok=True)
        path = os.path.join(data_dir, "events.jsonl")
        if os.path.exists(path):
            # A restarted server still knows what it stored: resent batches are not stored twice.
            with open(path, encoding="utf-8") as f:
                for line in f:
                    try:
                        rec = json.loads(line)
                        self.seen.add((rec["agent_id"], rec["seq"]))
                    except (ValueError, KeyError):
                        pass
        path = os.path.join(data_dir, "commands.jsonl")
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                for line in f:
                    try:
                        self.handed.add(json.loads(line)["request_id"])
                    except (ValueError, KeyError):
                        pass

    def record_traffic(self, record):
        """Appends one exchange to $VIGIL_OPENC2_TRAFFIC (one write: lines never interleave)."""
        if not self.traffic:
            return
        fd = os.open(self.traffic, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, (json.dumps(record, sort_keys=True) + "\n").encode())
        finally:
            os.close(fd)

    def append(self, name, record):
        with open(os.path.join(self.dir, name), "a", encoding="utf-8") as f:
            f.write(json.dumps(record, sort_keys=True) + "\n")
            f.flush()
            os.fsync(f.fileno())

    def enqueue(self, obj):
        obj = dict(obj)
        deliberate = bool(obj.pop("deliberate", False))
        if "command" in obj:
            rid = obj.get("request_id") or str(uuid.uuid4())
            cmd = {"request_id": rid, "command": obj["command"]}
        else:
            rid = str(uuid.uuid4())
            cmd = {"request_id": rid, "command": obj}
        with self.cond:
            if deliberate:
                self.deliberate.add(rid)
            self.queue.append(cmd)
            self.cond.notify_all()
        return rid

    def take(self, wait):
        deadline = time.monotonic() + wait
        with self.cond:
            while not self.queue:
                left = deadline - time.monotonic()
                if left <= 0:
                    return []
                self.cond.wait(left)
            cmds, self.queue = self.queue[:64], self.queue[64:]
            self.stats["commands_sent"] += len(cmds)
            self.handed.update(c["request_id"] for c in cmds)
        for c in cmds:
            self.record_traffic({"kind": "command", "request_id": c["request_id"], "command": c["command"],
                                 "deliberate": c["request_id"] in self.deliberate})
        return cmds


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "vigil-central/1"

    def log_message(self, fmt, *args):
        if self.server.verbose:
            sys.stderr.write("central: %s - %s\n" % (self.address_string(), fmt % args))

    def reply(self, code, obj=None, extra=None):
        body = b"" if obj is None else json.dumps(obj).encode()
        self.send_response(code)
        if obj is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def error(self, code, word, message):
        self.reply(code, {"error": {"code": word, "message": message}})

    def body(self):
        try:
            n = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            n = -1
        if n < 0 or n > MAX_BODY:
            self.close_connection = True
            self.error(413, "too-large", "body too large or without a valid length")
            return None
        data = self.rfile.read(n)
        if self.headers.get("Content-Encoding", "") == "gzip":
            try:
                with gzip.GzipFile(fileobj=io.BytesIO(data)) as g:
                    data = g.read(MAX_GZIP_BODY + 1)
            except (OSError, EOFError):
                self.error(400, "bad-request", "invalid gzip body")
                return None
            if len(data) > MAX_GZIP_BODY:
                self.error(413, "too-large", "uncompressed body too large")
                return None
        return data

    def json_body(self):
        data = self.body()
        if data is None:
            return None
        try:
            obj = json.loads(data)
        except ValueError:
            self.error(400, "bad-request", "body is not JSON")
            return None
        if not isinstance(obj, dict):
            self.error(400, "bad-request", "body is not a JSON object")
            return None
        return obj

    @property
    def agent(self):
        return self.headers.get("X-Vigil-Agent", "")

    def protocol_error(self, code, word, message, extra=None):
        with self.server.state.lock:
            self.server.state.stats["protocol_errors"] += 1
        sys.stderr.write("central: protocol error: %s %s: %s\n" % (self.command, self.path, message))
        self.close_connection = True
        self.reply(code, {"error": {"code": word, "message": message}}, extra)

    def admissible(self, path):
        """The checks every /api/v1 request passes (doc/protocol.md); False once answered."""
        allowed = METHODS.get(path)
        if allowed is None and path.startswith("/api/v1/files/"):
            allowed = "GET, PUT"
        if allowed is None:
            self.error(404, "not-found", "no such endpoint")
            return False
        if self.command not in allowed.split(", "):
            # Whatever body came is not read: the connection is closed after the answer.
            self.protocol_error(405, "method-not-allowed", "%s takes %s" % (path, allowed), {"Allow": allowed})
            return False
        if path.startswith("/api/v1/files/") and self.command == "GET":
            return True  # for people and tests, not agents
        if not AGENT_ID.match(self.agent):
            self.protocol_error(400, "bad-request", "X-Vigil-Agent (the agent id) is missing or malformed")
            return False
        if path not in ("/api/v1/hello", "/api/v1/ping"):
            with self.server.state.lock:
                greeted = self.agent in self.server.state.greeted
            if not greeted:
                self.error(409, "hello-required", "this server does not know agent %s: say hello first" % self.agent)
                self.close_connection = True
                return False
        return True

    def do_PATCH(self):
        self.admissible(self.path.partition("?")[0])

    do_DELETE = do_PATCH
    do_HEAD = do_PATCH

    # -- endpoints ------------------------------------------------------------------

    def do_GET(self):
        st = self.server.state
        path, _, query = self.path.partition("?")
        if not self.admissible(path):
            return None
        if path == "/api/v1/ping":
            return self.reply(200, {"protocol": 1, "server": "vigil-central"})
        if path == "/api/v1/commands":
            return self.commands(query)
        if path.startswith("/api/v1/files/"):
            digest = path[len("/api/v1/files/"):]
            if not SHA256.match(digest):
                return self.error(400, "bad-request", "not a SHA-256")
            p = os.path.join(st.dir, "files", digest)
            if not os.path.exists(p):
                return self.error(404, "not-found", "no such file")
            with open(p, "rb") as f:
                data = f.read()
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return None
        return self.error(404, "not-found", "no such endpoint")

    def commands(self, query):
        st = self.server.state
        wait = st.poll_wait
        m = re.search(r"(?:^|&)wait=(\d+)", query)
        if m:
            wait = min(int(m.group(1)), 60)
        hostile = self.server.hostile
        if hostile == "oversized":
            # Announces and sends far more than any agent should accept.
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(256 * 1024 * 1024))
            self.end_headers()
            chunk = b"[" * 65536
            for _ in range(4096):
                self.wfile.write(chunk)
            return None
        if hostile == "invalid-json":
            body = b'{"commands": [ this is not json'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return None
        if hostile == "endless":
            # No length, no end: the body goes on until the agent hangs up.
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.close_connection = True
            self.wfile.write(b'{"commands": [')
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                self.wfile.write(b'{"request_id": "x", "command": {}},' * 1000)
            return None
        if hostile == "slowloris":
            # One byte every two seconds, for at most two minutes.
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "1000000")
            self.end_headers()
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(2)
            return None
        if hostile == "unknown-command":
            st.enqueue({"request_id": "hostile-%d" % time.monotonic_ns(), "deliberate": True,
                        "command": {"action": "frobnicate", "target": {"x-unknown": {"a": 1}}}})
        cmds = st.take(wait)
        if not cmds:
            return self.reply(204)
        for c in cmds:
            st.append("commands.jsonl", {"agent_id": self.agent, "time": time.time(), **c})
        return self.reply(200, {"commands": cmds})

    def do_POST(self):
        st = self.server.state
        path = self.path.partition("?")[0]
        if not self.admissible(path):
            return None
        if path == "/api/v1/hello":
            obj = self.json_body()
            if obj is None:
                return None
            if obj.get("agent_id") != self.agent or obj.get("protocol") != 1:
                return self.protocol_error(400, "bad-request", "hello needs protocol 1 and the agent_id of X-Vigil-Agent")
            ids = [t.get("request_id") for t in obj.get("tasks", []) if isinstance(t, dict)]
            if len(ids) != len(set(ids)):
                return self.protocol_error(400, "bad-request", "hello lists a task twice")
            with st.lock:
                st.greeted.add(self.agent)
                st.stats["hello"] += 1
            st.append("hello.jsonl", obj)
            return self.reply(200, {"server_time": int(time.time() * 1000), "poll_wait": st.poll_wait,
                                    "min_interval": st.min_interval})
        if path == "/api/v1/events":
            return self.events()
        if path == "/api/v1/responses":
            obj = self.json_body()
            if obj is None:
                return None
            rid = obj.get("request_id")
            if not isinstance(rid, str) or not REQUEST_ID.match(rid) or not isinstance(obj.get("response"), dict):
                return self.error(400, "bad-request", "request_id and response are required")
            with st.lock:
                st.stats["responses"] += 1
                known = rid in st.handed
                if not known:
                    st.stats["unknown_responses"] += 1
            st.record_traffic({"kind": "response", "request_id": rid, "response": obj["response"]})
            # An unknown request id is acknowledged all the same: an error would only make the
            # agent send it again.  It is kept apart.
            st.append("responses.jsonl" if known else "unknown-responses.jsonl",
                      {"agent_id": self.agent, "request_id": rid, "response": obj["response"]})
            return self.reply(200, {"ack": rid})
        return self.error(404, "not-found", "no such endpoint")

    def events(self):
        st = self.server.state
        if self.server.fail_events:
            with st.lock:
                st.stats["refused_batches"] += 1
                if len(st.refused_at) < 100:
                    st.refused_at.append(time.monotonic())
            self.body()
            return self.reply(503, {"error": {"code": "unavailable", "message": "events refused by --fail-events"}},
                              {"Retry-After": str(self.server.retry_after)})
        if self.headers.get("Content-Encoding", "") != "gzip":
            self.body()
            return self.protocol_error(415, "unsupported-encoding", "events are sent with Content-Encoding: gzip")
        obj = self.json_body()
        if obj is None:
            return None
        agent = obj.get("agent_id")
        batch = obj.get("batch")
        events = obj.get("events")
        if agent != self.agent or not isinstance(batch, int) or not isinstance(events, list) \
                or not 1 <= len(events) <= 1024:
            return self.protocol_error(400, "bad-request",
                                       "agent_id (that of X-Vigil-Agent), batch and 1 to 1024 events are required")
        if not all(isinstance(e, dict) and isinstance(e.get("seq"), int) and isinstance(e.get("event"), dict)
                   for e in events):
            return self.protocol_error(400, "bad-request", "each event needs seq and event")
        seqs = [e["seq"] for e in events]
        if any(a >= b for a, b in zip(seqs, seqs[1:])) or seqs[-1] != batch:
            return self.protocol_error(400, "bad-request", "seq must increase within a batch and end at its batch number")
        stored = dup = 0
        with st.lock:
            before = st.batches.get((agent, batch))
            if before is not None and before != seqs:
                return self.protocol_error(400, "bad-request", "batch %d was sent before with other events" % batch)
            lines = []
            for e in events:
                key = (agent, e["seq"])
                if key in st.seen:
                    dup += 1
                    continue
                st.seen.add(key)
                stored += 1
                lines.append(json.dumps({"agent_id": agent, "seq": e["seq"], "batch": batch, "event": e["event"]},
                                        sort_keys=True))
            if lines:
                with open(os.path.join(st.dir, "events.jsonl"), "a", encoding="utf-8") as f:
                    f.write("\n".join(lines) + "\n")
                    f.flush()
                    os.fsync(f.fileno())
            st.batches[(agent, batch)] = seqs
            st.stats["batches"] += 1
            st.stats["events"] += stored
            st.stats["duplicates"] += dup
        st.append("batches.jsonl", {"agent_id": agent, "batch": batch, "count": len(events), "stored": stored,
                                    "duplicates": dup})
        return self.reply(200, {"ack": batch, "stored": stored, "duplicates": dup})

    def do_PUT(self):
        st = self.server.state
        path = self.path.partition("?")[0]
        if not self.admissible(path):
            return None
        rid = path[len("/api/v1/files/"):]
        want = self.headers.get("X-Vigil-SHA256", "").lower()
        if not REQUEST_ID.match(rid) or not SHA256.match(want):
            return self.error(400, "bad-request", "request id and X-Vigil-SHA256 are required")
        data = self.body()
        if data is None:
            return None
        got = hashlib.sha256(data).hexdigest()
        if got != want:
            return self.error(400, "bad-digest", "SHA-256 mismatch: got %s" % got)
        with open(os.path.join(st.dir, "files", got), "wb") as f:
            f.write(data)
        with st.lock:
            st.stats["files"] += 1
        st.append("files.jsonl", {"agent_id": self.agent, "request_id": rid, "sha256": got, "size": len(data),
                                  "path": self.headers.get("X-Vigil-Path", "")})
        return self.reply(200, {"sha256": got, "size": len(data)})


class AdminHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def reply(self, code, obj):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/stats":
            with self.server.state.lock:
                st = self.server.state
                return self.reply(200, dict(st.stats, queued=len(st.queue), refused_at=list(st.refused_at)))
        return self.reply(404, {"error": "no such endpoint"})

    def do_POST(self):
        if self.path == "/forget":
            with self.server.state.lock:
                self.server.state.greeted.clear()
            return self.reply(200, {})
        if self.path != "/queue":
            return self.reply(404, {"error": "no such endpoint"})
        n = int(self.headers.get("Content-Length", "0"))
        try:
            obj = json.loads(self.rfile.read(min(n, MAX_BODY)))
            if not isinstance(obj, dict):
                raise ValueError
        except ValueError:
            return self.reply(400, {"error": "body is not a JSON object"})
        return self.reply(200, {"request_id": self.server.state.enqueue(obj)})


class TLSServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr, ctx, state, opts):
        self.ctx = ctx
        self.state = state
        self.hostile = opts.hostile
        self.fail_events = opts.fail_events
        self.retry_after = opts.retry_after
        self.verbose = opts.verbose
        super().__init__(addr, Handler)

    def get_request(self):
        sock, addr = self.socket.accept()
        # The handshake happens in the handler thread, so a slow client cannot stall the others.
        return self.ctx.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), addr

    def finish_request(self, request, client_address):
        request.settimeout(120)
        try:
            request.do_handshake()
        except (ssl.SSLError, OSError) as e:
            if self.verbose:
                sys.stderr.write("central: TLS handshake with %s failed: %s\n" % (client_address[0], e))
            return
        super().finish_request(request, client_address)

    def handle_error(self, request, client_address):
        if self.verbose:
            super().handle_error(request, client_address)


class AdminServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr, state):
        self.state = state
        super().__init__(addr, AdminHandler)


def main():
    ap = argparse.ArgumentParser(description="Vigil reference central server (doc/protocol.md)")
    ap.add_argument("--listen", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    ap.add_argument("--port", type=int, required=True, help="HTTPS port")
    ap.add_argument("--cert", required=True, help="server certificate (PEM, chain allowed)")
    ap.add_argument("--key", required=True, help="server private key (PEM)")
    ap.add_argument("--client-ca", help="CA certificate(s) for client certificates")
    ap.add_argument("--require-client-cert", action="store_true", help="refuse clients without a certificate")
    ap.add_argument("--tls-max", choices=["1.1", "1.2", "1.3"], help="highest TLS version offered")
    ap.add_argument("--data", required=True, help="directory where everything received is recorded")
    ap.add_argument("--admin-port", type=int, default=0, help="loopback HTTP port of the admin interface")
    ap.add_argument("--command", action="append", default=[], help="an OpenC2 command (JSON) to queue at start")
    ap.add_argument("--poll-wait", type=int, default=25, help="long-poll duration told to agents (seconds)")
    ap.add_argument("--min-interval", type=int, default=0, help="minimum seconds between event uploads")
    ap.add_argument("--hostile", choices=["oversized", "invalid-json", "unknown-command", "endless", "slowloris"])
    ap.add_argument("--fail-events", action="store_true", help="answer 503 with Retry-After to every event batch")
    ap.add_argument("--retry-after", type=int, default=5, help="the Retry-After of --fail-events (seconds)")
    ap.add_argument("--verbose", action="store_true")
    opts = ap.parse_args()

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(opts.cert, opts.key)
    if opts.tls_max == "1.1":
        # Old protocols need the lowest security level of OpenSSL 3 to be offered at all.
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
        ctx.minimum_version = ssl.TLSVersion.TLSv1
        ctx.maximum_version = ssl.TLSVersion.TLSv1_1
    elif opts.tls_max == "1.2":
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    if opts.client_ca:
        ctx.load_verify_locations(opts.client_ca)
        ctx.verify_mode = ssl.CERT_REQUIRED if opts.require_client_cert else ssl.CERT_OPTIONAL

    state = State(opts.data, opts.poll_wait, opts.min_interval)
    for c in opts.command:
        state.enqueue(json.loads(c))
    httpd = TLSServer((opts.listen, opts.port), ctx, state, opts)
    if opts.admin_port:
        admin = AdminServer(("127.0.0.1", opts.admin_port), state)
        threading.Thread(target=admin.serve_forever, daemon=True).start()
    sys.stderr.write("central: serving https://%s:%d/api/v1 (data in %s)\n" % (opts.listen, opts.port, opts.data))
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
