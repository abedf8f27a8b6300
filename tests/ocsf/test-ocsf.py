#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The OCSF tools on known cases (TAP): the validator (validate.py) against the committed
1.8.0 extract finds each kind of error in an event built to have it and none in a valid one;
the extractor (extract-schema.py) compiles a small schema tree (inheritance, profiles,
includes, dictionary types) the way the OCSF compiler does."""

import copy
import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def load(name):
    spec = importlib.util.spec_from_file_location(name.replace("-", "_"), os.path.join(HERE, f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


validate = load("validate")
n = 0
failed = 0


def ok(desc, cond, detail=None):
    global n, failed
    n += 1
    print(f"{'ok' if cond else 'not ok'} {n} - {desc}")
    if not cond:
        failed += 1
        if detail:
            for line in str(detail).splitlines():
                print(f"# {line}")


with open(os.path.join(HERE, "schema-1.8.0.json"), encoding="utf-8") as f:
    schema = json.load(f)
v = validate.Validator(schema)

DEVICE = {"uid": "d9c4a1e2-0000-4000-8000-000000000001", "hostname": "host", "type_id": 0, "type": "Unknown"}
METADATA = {"version": "1.8.0", "product": {"name": "Vigil", "vendor_name": "Vigil"}, "profiles": ["host"]}
PROCESS = {"pid": 4242, "name": "sh", "cmd_line": "sh -c true", "user": {"uid": "1000", "name": "alice"},
           "file": {"path": "/usr/bin/dash", "name": "dash", "type_id": 8, "type": "Executable File"},
           "parent_process": {"pid": 4000}}
LAUNCH = {"class_uid": 1007, "category_uid": 1, "activity_id": 1, "activity_name": "Launch", "type_uid": 100701,
          "severity_id": 1, "severity": "Informational", "time": 1765000000000, "metadata": METADATA,
          "device": DEVICE, "actor": {"process": {"pid": 4000}}, "process": PROCESS,
          "unmapped": {"argv": ["sh", "-c", "true"], "anything": {"goes": [1, "here"]}}}
CONNECT = {"class_uid": 4001, "category_uid": 4, "activity_id": 1, "activity_name": "Open", "type_uid": 400101,
           "severity_id": 1, "time": 1765000000000, "metadata": METADATA, "device": DEVICE,
           "actor": {"process": {"pid": 4242}}, "connection_info": {"direction_id": 2, "protocol_num": 6},
           "src_endpoint": {"ip": "10.0.0.1", "port": 40000}, "dst_endpoint": {"ip": "::1", "port": 443}}


def errors_of(event):
    return v.validate(event).errors


def with_change(event, path, value, delete=False):
    e = copy.deepcopy(event)
    *parents, last = path.split(".")
    node = e
    for p in parents:
        node = node[p]
    if delete:
        del node[last]
    else:
        node[last] = value
    return e


def expect_error(desc, event, path, words):
    errs = errors_of(event)
    hit = [m for p, m in errs if p == path and all(w in m for w in words)]
    ok(desc, len(hit) >= 1, f"errors: {errs}")


# ---- the validator ----

ok("a complete Process Activity: Launch has no error", not errors_of(LAUNCH), errors_of(LAUNCH))
ok("a complete Network Activity: Open has no error", not errors_of(CONNECT), errors_of(CONNECT))
ok("attributes under unmapped are free", not errors_of(with_change(LAUNCH, "unmapped.x_y", {"z": None})))
expect_error("a required attribute missing (actor of 1007)", with_change(LAUNCH, "actor", None, delete=True),
             "actor", ["required"])
expect_error("a required attribute of a nested object (process.file.type_id)",
             with_change(LAUNCH, "process.file.type_id", None, delete=True), "process.file.type_id", ["required"])
expect_error("null counts as missing", with_change(LAUNCH, "process.file.name", None), "process.file.name",
             ["required"])
expect_error("an integer where the schema says string (user.uid)", with_change(LAUNCH, "process.user.uid", 1000),
             "process.user.uid", ["wrong type"])
expect_error("a boolean is no integer", with_change(LAUNCH, "process.pid", True), "process.pid", ["wrong type"])
expect_error("an object where a string is expected", with_change(LAUNCH, "process.cmd_line", {"a": 1}),
             "process.cmd_line", ["wrong type"])
expect_error("an array attribute given a single object", with_change(LAUNCH, "process.file.hashes", {"value": "x"}),
             "process.file.hashes", ["array"])
expect_error("an attribute the class does not define", with_change(LAUNCH, "argv", ["sh"]), "argv", ["unknown"])
expect_error("an attribute an object does not define", with_change(LAUNCH, "process.file.document", "FileItem"),
             "process.file.document", ["unknown"])
expect_error("an enum value the class does not define (1007 activity 7)",
             with_change(with_change(LAUNCH, "activity_id", 7), "type_uid", 100707), "activity_id", ["enum"])
expect_error("type_uid is class_uid * 100 + activity_id", with_change(LAUNCH, "type_uid", 100702), "type_uid",
             ["100701"])
expect_error("an enum sibling that is not the value's caption", with_change(
    with_change(LAUNCH, "status_id", 1), "status", "succeeded"), "status", ["Success"])
ok("the sibling of 99 (Other) is the source's own word",
   not errors_of(with_change(with_change(CONNECT, "activity_id", 99), "type_uid", 400199) | {"activity_name": "Connecting"}))
expect_error("the host profile's actor without the profile named (4001)",
             with_change(CONNECT, "metadata", {**METADATA, "profiles": []}), "actor", ["unknown", "host"])
expect_error("an unknown profile", with_change(CONNECT, "metadata", {**METADATA, "profiles": ["host", "nope"]}),
             "metadata.profiles[1]", ["unknown profile"])
expect_error("a class constraint (4001: an endpoint at least)",
             with_change(with_change(CONNECT, "src_endpoint", None, delete=True), "dst_endpoint", None, delete=True),
             "(event)", ["at least one", "dst_endpoint"])
expect_error("an object constraint (process: pid, uid or cpid)",
             with_change(LAUNCH, "process", {"name": "sh"}), "process", ["at least one", "pid"])
expect_error("a port out of port_t's range", with_change(CONNECT, "dst_endpoint.port", 70000),
             "dst_endpoint.port", ["range"])
expect_error("an ip that ip_t's pattern refuses", with_change(CONNECT, "dst_endpoint.ip", "localhost"),
             "dst_endpoint.ip", ["pattern"])
expect_error("a later version than the schema's", with_change(LAUNCH, "metadata", {**METADATA, "version": "1.9.0"}),
             "metadata.version", ["later"])
earlier = v.validate(with_change(LAUNCH, "metadata", {**METADATA, "version": "1.1.0"}))
ok("an earlier version is a warning", not earlier.errors and any(p == "metadata.version" for p, _ in earlier.warnings),
   earlier.warnings)
expect_error("an unknown class", with_change(LAUNCH, "class_uid", 9999), "class_uid", ["unknown"])
expect_error("an observable naming no attribute",
             with_change(LAUNCH, "observables", [{"name": "process.nope", "type_id": 0}]), "observables[0].name",
             ["does not refer"])
ok("an observable naming an attribute is fine",
   not errors_of(with_change(LAUNCH, "observables", [{"name": "process.file.name", "type_id": 7, "value": "dash"}])))
expect_error("an event that is not an object", ["class_uid"], "", ["object"])

# Shapes: events that validation cannot tell apart share one, the others do not.
same = [v.shape(LAUNCH), v.shape(with_change(with_change(LAUNCH, "process.pid", 77), "process.cmd_line", "x y")),
        v.shape(with_change(LAUNCH, "unmapped", {"other": [1, 2]}))]
ok("events differing in free values (a pid, a command line, unmapped) share a shape", len(set(same)) == 1)
differ = [with_change(CONNECT, "dst_endpoint.port", 70000), with_change(CONNECT, "dst_endpoint.ip", "localhost"),
          with_change(CONNECT, "activity_id", 5), with_change(LAUNCH, "process.pid", True),
          with_change(LAUNCH, "process.pid", 2**64), with_change(LAUNCH, "process.file.type", "Folder"),
          with_change(LAUNCH, "metadata", {**METADATA, "profiles": []}),
          with_change(LAUNCH, "process.name", None), with_change(LAUNCH, "process.nope", "x")]
base = {v.shape(CONNECT), v.shape(LAUNCH)}
ok("a value a rule looks at (port range, ip pattern, enum, caption, profiles), a type or an attribute "
   "makes another shape", all(v.shape(e) not in base for e in differ),
   [i for i, e in enumerate(differ) if v.shape(e) in base])

# The command line reports with the file, the line, the class and the path.
with tempfile.TemporaryDirectory() as tmp:
    events = os.path.join(tmp, "events.jsonl")
    with open(events, "w", encoding="utf-8") as f:
        broken = json.dumps(with_change(LAUNCH, "actor", None, delete=True))
        f.write(json.dumps(LAUNCH) + "\n\n" + broken + "\n" + broken + "\n")
    run = subprocess.run([sys.executable, os.path.join(HERE, "validate.py"), events], capture_output=True, text=True)
    ok("validate.py exits 1 when an event has an error", run.returncode == 1, run.stdout + run.stderr)
    ok("and names the file, the line, the class and the attribute path",
       f"{events}:3: error: class 1007 Process Activity: actor:" in run.stdout, run.stdout)
    ok("and counts the events of each class, an error for every event of its shape",
       "class 1007 Process Activity: 3 events, 2 errors" in run.stdout, run.stdout)
    ok("validating each shape once", "(2 distinct shapes validated)" in run.stdout, run.stdout)

# ---- the examples of doc/telemetry.md ----

with open(os.path.join(HERE, "..", "..", "doc", "telemetry.md"), encoding="utf-8") as f:
    doc = f.read()
examples = [json.loads(b) for b in re.findall(r"```json\n(.*?)\n```", doc.split("### Examples", 1)[-1], re.S)]
ok("doc/telemetry.md has an example of each class Vigil emits",
   {e.get("class_uid") for e in examples} >= {1001, 1007, 1008, 2004, 4001, 7001, 7002, 7003},
   sorted({e.get("class_uid") for e in examples}))
shared = {k: examples[0][k] for k in ("metadata", "device") if examples and k in examples[0]}
bad = [(e.get("type_uid"), v.validate({**shared, **e}).errors) for e in examples]
ok("and every example is valid (with the metadata and device of the first)", all(not errs for _, errs in bad),
   [b for b in bad if b[1]])

# ---- the extractor, on a small schema tree ----

TREE = {
    "version.json": {"version": "9.1.0"},
    "categories.json": {"attributes": {"system": {"caption": "System Activity", "uid": 1},
                                       "network": {"caption": "Network Activity", "uid": 4}}},
    "dictionary.json": {
        "types": {"attributes": {
            "string_t": {}, "integer_t": {}, "long_t": {}, "boolean_t": {"values": [False, True]},
            "timestamp_t": {"type": "long_t"}, "datetime_t": {"type": "string_t", "regex": "^\\d{4}"},
            "port_t": {"type": "integer_t", "range": [0, 65535]}}},
        "attributes": {
            "activity_id": {"type": "integer_t", "sibling": "activity_name", "enum": {"0": {"caption": "Unknown"},
                                                                                     "99": {"caption": "Other"}}},
            "activity_name": {"type": "string_t"}, "class_uid": {"type": "integer_t"},
            "class_name": {"type": "string_t"}, "category_name": {"type": "string_t"},
            "category_uid": {"type": "integer_t"}, "type_uid": {"type": "long_t"}, "time": {"type": "timestamp_t"},
            "actor": {"type": "actor"}, "device": {"type": "device"}, "name": {"type": "string_t"},
            "uid": {"type": "string_t"}, "port": {"type": "port_t"}, "peer": {"type": "device"},
            "ports": {"type": "port_t", "is_array": True}, "hostname": {"type": "string_t", "observable": 1},
            "unmapped": {"type": "object"}, "metadata": {"type": "metadata"},
            "profiles": {"type": "string_t", "is_array": True}}},
    "profiles/host.json": {"name": "host", "meta": "profile", "caption": "Host",
                           "attributes": {"actor": {"requirement": "optional"},
                                          "device": {"requirement": "recommended"}}},
    "profiles/extra.json": {"name": "extra", "meta": "profile", "caption": "Extra",
                            "attributes": {"device": {"requirement": "required"}}},
    "events/base_event.json": {"name": "base_event", "caption": "Base Event", "category": "other",
                               "attributes": {"$include": ["profiles/host.json"],
                                              "activity_id": {"requirement": "required",
                                                              "enum": {"0": {"caption": "Unknown"},
                                                                       "99": {"caption": "Other"}}},
                                              "class_uid": {"requirement": "required"},
                                              "category_uid": {"requirement": "required"},
                                              "type_uid": {"requirement": "required"},
                                              "time": {"requirement": "required"},
                                              "metadata": {"requirement": "required"},
                                              "unmapped": {"requirement": "optional"}}},
    "events/system/system.json": {"name": "system", "extends": "base_event", "caption": "System Activity",
                                  "category": "system",
                                  "attributes": {"actor": {"requirement": "required", "profile": None}}},
    "events/system/run.json": {"name": "run_activity", "extends": "system", "caption": "Run Activity", "uid": 3,
                               "attributes": {"activity_id": {"enum": {"1": {"caption": "Run"}}},
                                              "time": {"requirement": "recommended"}}},
    "events/network/net.json": {"name": "net_activity", "extends": "base_event", "caption": "Net Activity",
                                "category": "network", "uid": 1,
                                "attributes": {"$include": "profiles/extra.json",
                                               "activity_id": {"enum": {"1": {"caption": "Open"}}},
                                               "peer": {"requirement": "recommended"}},
                                "constraints": {"at_least_one": ["peer", "device"]}},
    "objects/object.json": {"name": "object", "caption": "Object", "attributes": {}},
    "objects/metadata.json": {"name": "metadata", "extends": "object", "caption": "Metadata",
                              "attributes": {"profiles": {"requirement": "optional"}}},
    "objects/_entity.json": {"name": "_entity", "extends": "object", "caption": "Entity",
                             "attributes": {"name": {"requirement": "recommended"}, "uid": {"requirement": "optional"}},
                             "constraints": {"at_least_one": ["name", "uid"]}},
    "objects/actor.json": {"name": "actor", "extends": "object", "caption": "Actor",
                           "attributes": {"name": {"requirement": "optional"}}},
    "objects/device.json": {"name": "device", "extends": "_entity", "caption": "Device",
                            "attributes": {"hostname": {"requirement": "recommended"},
                                           "ports": {"requirement": "optional"}}},
}

with tempfile.TemporaryDirectory() as tmp:
    for rel, content in TREE.items():
        os.makedirs(os.path.dirname(os.path.join(tmp, rel)), exist_ok=True)
        with open(os.path.join(tmp, rel), "w", encoding="utf-8") as f:
            json.dump(content, f)
    out = os.path.join(tmp, "extract.json")
    run = subprocess.run([sys.executable, os.path.join(HERE, "extract-schema.py"), tmp, "--commit", "abc123",
                          "--class", "1003", "--class", "4001", "-o", out], capture_output=True, text=True)
    ok("extract-schema.py compiles a small schema tree", run.returncode == 0, run.stdout + run.stderr)
    x = json.load(open(out, encoding="utf-8")) if run.returncode == 0 else {"classes": {}, "objects": {}}
    run_cls = x["classes"].get("1003", {"attributes": {}})
    net = x["classes"].get("4001", {"attributes": {}})
    ra, na = run_cls["attributes"], net["attributes"]
    ok("the source is recorded", x.get("source", {}).get("commit") == "abc123" and x.get("version") == "9.1.0")
    ok("a class's uid is category_uid * 1000 + its uid", run_cls.get("uid") == 1003 and net.get("uid") == 4001)
    ok("extends merges enums (base 0, 99 and the class's 1)",
       sorted(ra.get("activity_id", {}).get("enum", {})) == ["0", "1", "99"], ra.get("activity_id"))
    ok("type_uid and class_uid get the class's own values",
       sorted(ra.get("type_uid", {}).get("enum", {})) == ["100300", "100301", "100399"]
       and list(ra.get("class_uid", {}).get("enum", {})) == ["1003"], ra.get("type_uid"))
    ok("a profile's attribute belongs to the profile", na.get("actor", {}).get("profiles") == ["host"], na.get("actor"))
    ok('"profile": null makes it the class\'s own, required',
       "profiles" not in ra.get("actor", {}) and ra.get("actor", {}).get("requirement") == "required", ra.get("actor"))
    ok("an attribute of two profiles keeps the stronger requirement",
       na.get("device", {}).get("profiles") == ["extra", "host"] and na.get("device", {}).get("requirement") == "required",
       na.get("device"))
    ok("a child's requirement wins over its parent's", ra.get("time", {}).get("requirement") == "recommended")
    ok("the dictionary gives types, object types and arrays",
       ra.get("time", {}).get("type") == "timestamp_t" and na.get("peer", {}).get("object_type") == "device"
       and x["objects"].get("device", {}).get("attributes", {}).get("ports", {}).get("is_array") is True,
       json.dumps(na.get("peer")))
    ok("timestamp_t attributes get their datetime sibling", ra.get("time_dt", {}).get("profiles") == ["datetime"]
       if "datetime" in x.get("profiles", []) else "time_dt" not in ra)
    ok("objects reachable from the classes are kept, hidden ones flattened into them",
       sorted(x["objects"]) == ["actor", "device", "metadata", "object"]
       and x["objects"]["device"].get("constraints") == {"at_least_one": ["name", "uid"]}
       and "name" in x["objects"]["device"]["attributes"], sorted(x["objects"]))
    ok("constraints are kept", net.get("constraints") == {"at_least_one": ["peer", "device"]})
    ok("data types keep their range", x.get("types", {}).get("port_t") == {"type": "integer_t", "range": [0, 65535]})
    small = validate.Validator(x) if run.returncode == 0 else None
    if small:
        bad = small.validate({"class_uid": 4001, "category_uid": 4, "activity_id": 1, "type_uid": 400101,
                              "time": 1, "metadata": {"profiles": ["extra"]}, "device": {"ports": [1, 99999]}})
        ok("the extract validates: profiles, constraints, arrays of a data type",
           {p for p, _ in bad.errors} == {"device.ports[1]", "device"}, bad.errors)
    else:
        ok("the extract validates: profiles, constraints, arrays of a data type", False)

print(f"1..{n}")
sys.exit(1 if failed else 0)
