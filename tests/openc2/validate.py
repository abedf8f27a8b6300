#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks OpenC2 commands and responses against the Language Specification 1.0 (the JSON
schema extract in oc2ls-v1.0.json, made by extract-schema.py) and the rules of the Endpoint
Response actuator profile (below, as checks).

  validate.py [--schema FILE] TRAFFIC.jsonl...    the exchanges the reference server recorded
                                                 ($VIGIL_OPENC2_TRAFFIC, tests/central/server.py)
  validate.py --self-test                        the checks catch what they must

Each line of a traffic file is {"kind": "command", "request_id", "command", "deliberate"} or
{"kind": "response", "request_id", "response"}.  A command marked deliberate was sent outside
the standards on purpose by a test: it is not checked, its responses are.  Prints one line per
error and a summary; exits 1 when there is an error.  Python standard library only.
"""

import argparse
import ipaddress
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# ---- a JSON Schema (draft-07) evaluator for the keywords the Language Specification uses ----

TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}
HOSTNAME = re.compile(r"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")
HANDLED = {"type", "const", "enum", "oneOf", "anyOf", "allOf", "$ref", "properties", "patternProperties",
           "additionalProperties", "required", "minProperties", "maxProperties", "items", "minItems", "maxItems",
           "uniqueItems", "pattern", "minLength", "maxLength", "minimum", "maximum", "format",
           "contentEncoding"}  # contentEncoding is an annotation in draft-07


class Schema:
    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            self.doc = json.load(f)
        self.defs = self.doc["definitions"]
        for name, node in self.defs.items():
            self._check_keywords(node, "#/definitions/" + name)

    def _check_keywords(self, node, where):
        # A keyword this evaluator does not know would be silently ignored: refuse instead.
        if isinstance(node, dict):
            unknown = set(node) - HANDLED
            if unknown:
                raise ValueError("%s: schema keywords not supported by the validator: %s" % (where, sorted(unknown)))
            for k, v in node.items():
                if k in ("properties", "patternProperties"):
                    for name, sub in v.items():
                        self._check_keywords(sub, "%s/%s/%s" % (where, k, name))
                elif k in ("oneOf", "anyOf", "allOf"):
                    for i, sub in enumerate(v):
                        self._check_keywords(sub, "%s/%s/%d" % (where, k, i))
                elif k in ("items", "additionalProperties") and isinstance(v, dict):
                    self._check_keywords(v, "%s/%s" % (where, k))

    def errors(self, value, name):
        """The errors of value against definition name, as ["path: message"]."""
        out = []
        self._eval(value, self.defs[name], "$", out)
        return out

    def _eval(self, v, s, path, out):
        if "$ref" in s:
            ref = s["$ref"]
            if not ref.startswith("#/definitions/"):
                out.append("%s: unsupported $ref %s" % (path, ref))
                return
            self._eval(v, self.defs[ref[len("#/definitions/"):]], path, out)
        t = s.get("type")
        if t is not None:
            types = t if isinstance(t, list) else [t]
            if not any(TYPES[x](v) for x in types):
                out.append("%s: %s is not of type %s" % (path, json.dumps(v)[:80], "/".join(types)))
                return
        if "const" in s and v != s["const"]:
            out.append("%s: %s is not %s" % (path, json.dumps(v)[:80], json.dumps(s["const"])))
        if "enum" in s and v not in s["enum"]:
            out.append("%s: %s is not one of %s" % (path, json.dumps(v)[:80], s["enum"]))
        if "oneOf" in s:
            n = sum(1 for sub in s["oneOf"] if not self._sub(v, sub, path))
            if n != 1:
                allowed = [sub["const"] for sub in s["oneOf"] if "const" in sub]
                out.append("%s: %s matches %d of the alternatives%s" % (
                    path, json.dumps(v)[:80], n, " (allowed: %s)" % allowed if allowed else ""))
        if "anyOf" in s and all(self._sub(v, sub, path) for sub in s["anyOf"]):
            out.append("%s: matches none of anyOf" % path)
        for sub in s.get("allOf", []):
            self._eval(v, sub, path, out)
        if isinstance(v, dict):
            self._object(v, s, path, out)
        if isinstance(v, list):
            if "minItems" in s and len(v) < s["minItems"]:
                out.append("%s: fewer than %d items" % (path, s["minItems"]))
            if "maxItems" in s and len(v) > s["maxItems"]:
                out.append("%s: more than %d items" % (path, s["maxItems"]))
            if s.get("uniqueItems") and len({json.dumps(x, sort_keys=True) for x in v}) != len(v):
                out.append("%s: items are not unique" % path)
            if isinstance(s.get("items"), dict):
                for i, x in enumerate(v):
                    self._eval(x, s["items"], "%s[%d]" % (path, i), out)
        if isinstance(v, str):
            if "pattern" in s and not re.search(s["pattern"], v):
                out.append("%s: %s does not match %s" % (path, json.dumps(v)[:80], s["pattern"]))
            if "minLength" in s and len(v) < s["minLength"]:
                out.append("%s: shorter than %d" % (path, s["minLength"]))
            if "maxLength" in s and len(v) > s["maxLength"]:
                out.append("%s: longer than %d" % (path, s["maxLength"]))
            if s.get("format") == "hostname" and not HOSTNAME.match(v):
                out.append("%s: %s is not a host name" % (path, json.dumps(v)[:80]))
        if TYPES["number"](v):
            if "minimum" in s and v < s["minimum"]:
                out.append("%s: %s is below %s" % (path, v, s["minimum"]))
            if "maximum" in s and v > s["maximum"]:
                out.append("%s: %s is above %s" % (path, v, s["maximum"]))

    def _sub(self, v, s, path):
        out = []
        self._eval(v, s, path, out)
        return out

    def _object(self, v, s, path, out):
        for k in s.get("required", []):
            if k not in v:
                out.append("%s: %s is required" % (path, k))
        if "minProperties" in s and len(v) < s["minProperties"]:
            out.append("%s: fewer than %d properties" % (path, s["minProperties"]))
        if "maxProperties" in s and len(v) > s["maxProperties"]:
            out.append("%s: more than %d properties" % (path, s["maxProperties"]))
        props = s.get("properties", {})
        patterns = s.get("patternProperties", {})
        for k, x in v.items():
            sub = "%s.%s" % (path, k)
            matched = False
            if k in props:
                matched = True
                self._eval(x, props[k], sub, out)
            for pat, ps in patterns.items():
                if re.search(pat, k):
                    matched = True
                    self._eval(x, ps, sub, out)
            if not matched:
                extra = s.get("additionalProperties", True)
                if extra is False:
                    out.append("%s: %s is not allowed here" % (path, k))
                elif isinstance(extra, dict):
                    self._eval(x, extra, sub, out)


# ---- the Endpoint Response profile (er, CSD01) and Vigil's own profile (x-vigil) ----

# The profile's command matrix: action -> targets.
ER_PAIRS = {
    "query": {"features"},
    "deny": {"domain_name", "file", "ipv4_net", "ipv6_net"},
    "contain": {"device", "file"},
    "allow": {"domain_name", "device", "file", "ipv4_net", "ipv6_net"},
    "start": {"file"},
    "stop": {"device", "process", "er:service"},
    "restart": {"device", "process"},
    "set": {"ipv4_net", "ipv6_net", "er:registry_entry", "er:account"},
    "update": {"file"},
    "create": {"er:registry_entry"},
    "delete": {"file", "er:registry_entry", "er:service"},
    "scan": {"device"},
}
# Pairs the x-vigil profile defines (doc/protocol.md): copy file sends the file to the server;
# update and delete of the profile's targets x-vigil:rules (Sigma rule files) and
# x-vigil:ioc_watch (armed OpenIOC documents) manage detection (doc/detection.md).
XVIGIL_PAIRS = {"copy": {"file"}, "update": {"x-vigil:rules", "x-vigil:ioc_watch"},
                "delete": {"x-vigil:rules", "x-vigil:ioc_watch"}}
PROFILES = {"er", "x-vigil"}
ER_ARGS = {"device_containment", "permitted_addresses", "account_status", "scan_depth", "periodic_scan",
           "downstream_device"}
ER_CONTAINMENT = {"network_isolation", "app_restriction", "disable_nic"}
ER_STATUS = {102, 200, 400, 500, 501}
LS_ARGS = {"start_time", "stop_time", "duration", "response_requested"}
LS_RESULTS = {"versions", "profiles", "pairs", "rate_limit"}


def pair_known(action, target):
    return target in ER_PAIRS.get(action, ()) or target in XVIGIL_PAIRS.get(action, ())


def nulls(value, path):
    """Paths of null values: a JSON serialisation of OpenC2 never carries null."""
    if value is None:
        return [path]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in nulls(v, "%s.%s" % (path, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in nulls(v, "%s[%d]" % (path, i))]
    return []


def check_net(value, version, path, out):
    try:
        net = ipaddress.ip_network(value, strict=False)
        if net.version != version:
            raise ValueError
    except (ValueError, TypeError):
        out.append("%s: %s is not an IPv%d address or network" % (path, json.dumps(value), version))


def command_errors(schema, cmd):
    out = schema.errors(cmd, "OpenC2_Command")
    if out or not isinstance(cmd, dict):
        return out
    action = cmd["action"]
    target = next(iter(cmd["target"]))
    if not pair_known(action, target):
        out.append("$: %s %s is a pair of neither the er nor the x-vigil profile" % (action, target))
    args = cmd.get("args", {})
    for k in args:
        if k not in LS_ARGS and k not in PROFILES:
            out.append("$.args: %s is neither a Language Specification argument nor a profile's namespace" % k)
    er = args.get("er", {})
    if not isinstance(er, dict):
        out.append("$.args.er: not an object")
        er = {}
    for k in er:
        if k not in ER_ARGS:
            out.append("$.args.er: %s is not an argument of the er profile" % k)
    if "x-vigil" in args and not isinstance(args["x-vigil"], dict):
        out.append("$.args.x-vigil: not an object")
    if "device_containment" in er and er["device_containment"] not in ER_CONTAINMENT:
        out.append("$.args.er.device_containment: %s is not one of %s" % (json.dumps(er["device_containment"]),
                                                                        sorted(ER_CONTAINMENT)))
    if action == "contain" and target == "device" and "device_containment" not in er:
        out.append("$.args.er: contain device needs device_containment")
    if "permitted_addresses" in er:
        pa = er["permitted_addresses"]
        if not isinstance(pa, dict) or not pa:
            out.append("$.args.er.permitted_addresses: not a map of domain_name, ipv4_net, ipv6_net")
        else:
            for k, lst in pa.items():
                where = "$.args.er.permitted_addresses.%s" % k
                if k not in ("domain_name", "ipv4_net", "ipv6_net") or not isinstance(lst, list):
                    out.append("%s: not a list of domain_name, ipv4_net or ipv6_net" % where)
                    continue
                for i, x in enumerate(lst):
                    if k == "domain_name":
                        out += schema.errors(x, "Domain_Name")
                    else:
                        out += ["%s[%d]%s" % (where, i, e[1:]) for e in schema.errors(x, "IPv4_Net" if k == "ipv4_net"
                                                                                      else "IPv6_Net")]
                        check_net(x, 4 if k == "ipv4_net" else 6, "%s[%d]" % (where, i), out)
    for k in cmd.get("actuator", {}):
        if k not in PROFILES:
            out.append("$.actuator: %s is not a profile this agent implements" % k)
    out += ["%s: null is not a value" % p for p in nulls(cmd, "$")]
    return out


def response_errors(schema, resp, cmd):
    """The errors of a response; cmd is the command it answers (None when unknown)."""
    out = schema.errors(resp, "OpenC2_Response")
    if not isinstance(resp, dict):
        return out
    status = resp.get("status")
    if status not in ER_STATUS:
        out.append("$.status: %s is not a status code of the er profile (%s)" % (status, sorted(ER_STATUS)))
    if isinstance(status, int) and status >= 400 and not resp.get("status_text"):
        out.append("$.status_text: an error needs a text that says why")
    results = resp.get("results", {})
    if isinstance(results, dict):
        for k, v in results.items():
            if k in LS_RESULTS:
                continue
            if k not in PROFILES:
                out.append("$.results: %s is neither a Language Specification result nor under a profile's namespace" % k)
            elif not isinstance(v, dict):
                out.append("$.results.%s: a profile's results are an object" % k)
        for action, targets in (results.get("pairs") or {}).items():
            for t in targets if isinstance(targets, list) else []:
                if not pair_known(action, t):
                    out.append("$.results.pairs: %s %s is a pair of neither the er nor the x-vigil profile" % (action, t))
        for p in results.get("profiles") or []:
            if p not in PROFILES:
                out.append("$.results.profiles: %s is not a profile the agent implements" % p)
    out += ["%s: null is not a value" % p for p in nulls(resp, "$")]
    if isinstance(cmd, dict):
        args = cmd.get("args") if isinstance(cmd.get("args"), dict) else {}
        wanted = args.get("response_requested", "complete")
        if wanted == "none":
            out.append("$: the command asked for no response (response_requested none)")
        if wanted == "ack" and status != 102:
            out.append("$.status: the command asked for an acknowledgement only (response_requested ack): %s" % status)
        target = cmd.get("target") if isinstance(cmd.get("target"), dict) else {}
        if cmd.get("action") == "query" and "features" in target and status == 200:
            asked = set(target["features"] or [])
            for f in asked:
                if f not in (results or {}):
                    out.append("$.results: query features asked for %s" % f)
    return out


def validate_traffic(schema, paths):
    """Returns (errors, commands checked, responses checked)."""
    errors, commands, nresp = [], {}, 0
    records = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                try:
                    records.append((path, n, json.loads(line)))
                except ValueError as e:
                    errors.append("%s:%d: not JSON: %s" % (path, n, e))
    for path, n, r in records:
        if r.get("kind") == "command":
            commands[(path, r.get("request_id"))] = r
    acks = set()
    for path, n, r in records:
        where = "%s:%d (%s %s)" % (os.path.basename(path), n, r.get("kind"), r.get("request_id"))
        if r.get("kind") == "command":
            if not r.get("deliberate"):
                errors += ["%s: %s" % (where, e) for e in command_errors(schema, r.get("command"))]
        elif r.get("kind") == "response":
            nresp += 1
            c = commands.get((path, r.get("request_id")))
            if c is None:
                errors.append("%s: answers no command the server sent" % where)
            resp = r.get("response")
            if isinstance(resp, dict) and resp.get("status") == 102:
                if (path, r.get("request_id")) in acks:
                    errors.append("%s: a second acknowledgement" % where)
                acks.add((path, r.get("request_id")))
            errors += ["%s: %s" % (where, e) for e in response_errors(schema, resp, c and c.get("command"))]
        else:
            errors.append("%s: unknown record kind" % where)
    return errors, sum(1 for r in commands.values() if not r.get("deliberate")), nresp


# ---- the checks must be able to fail ----

BAD_COMMANDS = {
    "an extended action": {"action": "x-vigil:get_file", "target": {"file": {"path": "/etc/hosts"}}},
    "a device without properties": {"action": "allow", "target": {"device": {}}},
    "contain device without device_containment": {"action": "contain", "target": {"device": {"hostname": "h"}}},
    "permitted_addresses as a list": {"action": "contain", "target": {"device": {"hostname": "h"}},
                                      "args": {"er": {"device_containment": "network_isolation",
                                                      "permitted_addresses": ["10.9.9.9"]}}},
    "a bad IPv4 net": {"action": "contain", "target": {"device": {"hostname": "h"}},
                       "args": {"er": {"device_containment": "network_isolation",
                                       "permitted_addresses": {"ipv4_net": ["10.9.9.300"]}}}},
    "an unknown response_requested": {"action": "query", "target": {"features": []},
                                      "args": {"response_requested": "later"}},
    "a pair outside the profiles": {"action": "locate", "target": {"device": {"hostname": "h"}}},
    "two targets": {"action": "query", "target": {"features": [], "file": {"path": "/"}}},
    "an unknown feature": {"action": "query", "target": {"features": ["everything"]}},
}
GOOD_COMMANDS = {
    "query features": {"action": "query", "target": {"features": ["versions", "pairs"]},
                       "args": {"response_requested": "complete"}},
    "contain device": {"action": "contain", "target": {"device": {"hostname": "web-01"}},
                       "args": {"er": {"device_containment": "network_isolation",
                                       "permitted_addresses": {"ipv4_net": ["192.0.2.0/24"], "ipv6_net": ["2001:db8::1"]}}}},
    "copy file": {"action": "copy", "target": {"file": {"path": "/etc/hosts", "hashes": {"sha256": "00" * 32}}},
                  "args": {"x-vigil": {}}},
}
QUERY = {"action": "query", "target": {"features": ["pairs"]}}
BAD_RESPONSES = {
    "status 404": ({"status": 404, "status_text": "no such file"}, None),
    "results outside a namespace": ({"status": 200, "results": {"iocs": []}}, None),
    "until null": ({"status": 200, "results": {"x-vigil": {"until": None}}}, None),
    "an extended action in pairs": ({"status": 200, "results": {"pairs": {"x-vigil:get_file": ["file"]}}}, None),
    "an error without text": ({"status": 500}, None),
    "200 to an ack": ({"status": 200, "results": {"pairs": {"query": ["features"]}}},
                      dict(QUERY, args={"response_requested": "ack"})),
    "a response to none": ({"status": 200, "results": {"pairs": {"query": ["features"]}}},
                           dict(QUERY, args={"response_requested": "none"})),
    "a feature asked for and missing": ({"status": 200, "results": {"versions": ["1.0"]}}, QUERY),
}
GOOD_RESPONSES = {
    "features": ({"status": 200, "results": {"versions": ["1.0"], "pairs": {"query": ["features"], "copy": ["file"]},
                                             "profiles": ["er", "x-vigil"], "rate_limit": 60}}, QUERY),
    "an acknowledgement": ({"status": 102, "status_text": "Processing"}, dict(QUERY, args={"response_requested": "ack"})),
    "a task": ({"status": 500, "status_text": "Cannot access file", "results": {"x-vigil": {"task_id": 3}}}, None),
}


def self_test(schema):
    failures = []
    for name, cmd in BAD_COMMANDS.items():
        if not command_errors(schema, cmd):
            failures.append("command with %s passed" % name)
    for name, cmd in GOOD_COMMANDS.items():
        for e in command_errors(schema, cmd):
            failures.append("command %s: %s" % (name, e))
    for name, (resp, cmd) in BAD_RESPONSES.items():
        if not response_errors(schema, resp, cmd):
            failures.append("response with %s passed" % name)
    for name, (resp, cmd) in GOOD_RESPONSES.items():
        for e in response_errors(schema, resp, cmd):
            failures.append("response %s: %s" % (name, e))
    for f in failures:
        print("self-test: " + f)
    print("self-test: %d bad commands, %d bad responses caught; %d good ones accepted; %d failures" % (
        len(BAD_COMMANDS), len(BAD_RESPONSES), len(GOOD_COMMANDS) + len(GOOD_RESPONSES), len(failures)))
    return 1 if failures else 0


def main():
    ap = argparse.ArgumentParser(description="OpenC2 conformance of recorded exchanges")
    ap.add_argument("--schema", default=os.path.join(HERE, "oc2ls-v1.0.json"))
    ap.add_argument("--self-test", action="store_true")
    ap.add_argument("traffic", nargs="*")
    opts = ap.parse_args()
    schema = Schema(opts.schema)
    src = schema.doc.get("source", {})
    print("schema: %s %s at %s" % (src.get("repository"), src.get("path"), src.get("commit")))
    if opts.self_test:
        return self_test(schema)
    errors, ncmd, nresp = validate_traffic(schema, opts.traffic)
    for e in errors:
        print(e)
    print("checked %d commands and %d responses in %d files: %d errors" % (ncmd, nresp, len(opts.traffic), len(errors)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
