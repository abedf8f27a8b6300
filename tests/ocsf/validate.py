#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Validate OCSF events against a schema extract (tests/ocsf/extract-schema.py).

    validate.py [--schema FILE] [--quiet] [--max-errors N] FILE...

Each FILE holds events, one JSON object per line (JSON Lines; blank lines are skipped).
Events that validation cannot tell apart (the same attributes, the same values where a rule
looks at the value, the same JSON types elsewhere: Validator.shape) are validated once.
Every error is printed with where it is (file and line), the event's class and the path of
the attribute; a summary per class follows.  The exit status is 1 when an event has an
error, 2 when the input cannot be read.

The rules are those of the OCSF server's event validator:

  - class_uid must name a class of the schema; metadata.profiles may only name profiles of
    the schema, and the attributes a profile brings are known only when the event names it;
  - a required attribute must be present (null counts as absent); an attribute the class or
    object does not define is an error, except inside an object without attributes of its
    own ("unmapped" is such an object);
  - values have their attribute's type: objects are objects, arrays are arrays, integer_t and
    long_t are integers in their ranges (a boolean is not one), float_t a number with a
    fraction, boolean_t true or false, string_t a string; a data type's range, maximum
    length and allowed values are enforced;
  - an enum attribute (*_id and others) has one of its values;
  - type_uid is class_uid * 100 + activity_id; metadata.version is the schema's version (an
    earlier one is a warning, a later one or a pre-release an error);
  - a class's or object's constraints (at least one of, just one of) hold;
  - an observable's name refers to an attribute of the class.

Two checks are stricter than the server, which only warns: an enum's sibling string (status
beside status_id, activity_name beside activity_id...) must be the caption of its value,
except for 99 (Other) where it carries the source's own word; and a value must match its
data type's regular expression (ip_t, mac_t, uuid_t...).  Deprecated attributes, objects and
enum values, a missing recommended attribute (--recommended) and an earlier version are
warnings.
"""

import argparse
import json
import os
import re
import sys

DEFAULT_SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schema-1.8.0.json")
MIN_INT, MAX_INT = -(2**63), 2**63 - 1
MIN_LONG, MAX_LONG = -(2**127), 2**127 - 1


def parse_version(text):
    """(major, minor, patch, prerelease) of a semantic version, or None."""
    m = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?", text)
    if not m:
        return None
    return int(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(4)


def enum_key(value):
    """The enum key a value is looked up by, as the server converts it to a string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        return str(value)
    return json.dumps(value)


class Report:
    def __init__(self):
        self.errors = []
        self.warnings = []

    def error(self, path, message):
        self.errors.append((path, message))

    def warn(self, path, message):
        self.warnings.append((path, message))


class Validator:
    def __init__(self, schema, recommended=False):
        self.schema = schema
        self.types = schema["types"]
        self.objects = schema["objects"]
        self.classes = {int(k): v for k, v in schema["classes"].items()}
        self.profiles = set(schema["profiles"])
        self.recommended = recommended
        self._regex = {}
        self.sensitive = self.value_dependent_names()

    # ---- shapes: events that cannot differ in their validation ----

    def value_dependent_names(self):
        """The attribute names whose validation looks at their value, not only at their JSON
        type: enums and their siblings, data types with a range, a length, a pattern or
        allowed values (from every class and object of the schema), and what validate()
        reads itself (the version, the profiles)."""
        names = {"class_uid", "activity_id", "type_uid", "version", "profiles"}
        for item in list(self.classes.values()) + list(self.objects.values()):
            for name, attr in item["attributes"].items():
                if "enum" in attr:
                    names.add(name)
                    if attr.get("sibling"):
                        names.add(attr["sibling"])
                if attr["type"] == "object_t":
                    continue
                t = self.types.get(attr["type"], {})
                sup = self.types.get(t.get("type"), {})
                if any(k in t or k in sup for k in ("range", "max_len", "regex", "values")):
                    names.add(name)
        return frozenset(names)

    def shape(self, value, name=None):
        """A key equal for two events exactly when validate() cannot tell them apart: the
        attribute tree with the values of value-dependent names, and only the JSON type (an
        integer's range) of other values; what "unmapped" holds is free, observables (whose
        names are checked) are kept whole."""
        if isinstance(value, dict):
            if name == "unmapped":
                return "unmapped{}"
            if name == "observables":
                return json.dumps(value, sort_keys=True)
            return tuple(sorted((k, self.shape(v, k)) for k, v in value.items()))
        if isinstance(value, list):
            if name == "observables":
                return json.dumps(value, sort_keys=True)
            return ("[",) + tuple(self.shape(v, name) for v in value)
        if name in self.sensitive:
            return (type(value).__name__, value)
        if isinstance(value, int) and not isinstance(value, bool):
            return "int" if MIN_INT <= value <= MAX_INT else "long" if MIN_LONG <= value <= MAX_LONG else "bigint"
        return type(value).__name__

    # ---- events ----

    def validate(self, event):
        """The errors and warnings of one event: lists of (attribute path, message)."""
        r = Report()
        if not isinstance(event, dict):
            r.error("", "an event is a JSON object")
            return r
        cls = self.find_class(r, event)
        if cls is None:
            return r
        profiles = self.event_profiles(r, event)
        self.attributes(r, event, None, cls, profiles, f'class "{cls["name"]}" uid {cls["uid"]}')
        self.version(r, event)
        self.type_uid(r, event)
        self.constraints(r, event, cls, None, f'class "{cls["name"]}" uid {cls["uid"]}')
        self.observables(r, event, cls, profiles)
        return r

    def find_class(self, r, event):
        if "class_uid" not in event:
            r.error("class_uid", 'required attribute "class_uid" is missing')
            return None
        uid = event["class_uid"]
        if not self.is_int(uid, MIN_INT, MAX_INT):
            r.error("class_uid", f"wrong type: {json.dumps(uid)} is not an integer_t")
            return None
        if uid not in self.classes:
            r.error("class_uid", f"unknown class_uid {uid}: no class of the schema extract has it")
            return None
        return self.classes[uid]

    def event_profiles(self, r, event):
        metadata = event.get("metadata")
        if not isinstance(metadata, dict) or not isinstance(metadata.get("profiles"), list):
            return set()
        for i, p in enumerate(metadata["profiles"]):
            if isinstance(p, str) and p not in self.profiles:
                r.error(f"metadata.profiles[{i}]", f'unknown profile "{p}"')
        return {p for p in metadata["profiles"] if isinstance(p, str)}

    def version(self, r, event):
        metadata = event.get("metadata")
        if not isinstance(metadata, dict) or not isinstance(metadata.get("version"), str):
            return
        text = metadata["version"]
        got, want = parse_version(text), parse_version(self.schema["version"])
        if got is None:
            r.error("metadata.version", f'"{text}" is not a semantic version')
        elif got == want:
            return
        elif got[:3] < want[:3] or (got[:3] == want[:3] and got[3] and not want[3]):
            if got[0] == 0:
                r.error("metadata.version", f'"{text}" is an initial development version, incompatible with {self.schema["version"]}')
            elif got[3]:
                r.error("metadata.version", f'"{text}" is a pre-release, incompatible with {self.schema["version"]}')
            else:
                r.warn("metadata.version", f'"{text}" is earlier than the schema version {self.schema["version"]}')
        else:
            r.error("metadata.version", f'"{text}" is later than the schema version {self.schema["version"]}')

    def type_uid(self, r, event):
        c, a, t = event.get("class_uid"), event.get("activity_id"), event.get("type_uid")
        if all(self.is_int(v, MIN_LONG, MAX_LONG) for v in (c, a, t)) and t != c * 100 + a:
            r.error("type_uid", f"{t} is not class_uid {c} * 100 + activity_id {a} = {c * 100 + a}")

    def constraints(self, r, item, schema_item, path, what):
        for kind, keys in schema_item.get("constraints", {}).items():
            present = [k for k in keys if k in item]
            where = path or "(event)"
            if kind == "at_least_one":
                if not present:
                    r.error(where, f"constraint of {what}: at least one of {', '.join(keys)} is needed, none is present")
            elif kind == "just_one":
                if len(present) != 1:
                    r.error(where, f"constraint of {what}: exactly one of {', '.join(keys)} is needed, {len(present)} present")
            else:
                r.error(where, f'unknown constraint "{kind}" of {what} (schema bug)')

    def observables(self, r, event, cls, profiles):
        observables = event.get("observables")
        if not isinstance(observables, list):
            return
        for i, o in enumerate(observables):
            if not isinstance(o, dict) or not isinstance(o.get("name"), str):
                continue
            parts = re.split(r"\.(?![^\[]*\])", o["name"])
            if not self.refers(parts, cls, profiles):
                r.error(f"observables[{i}].name",
                        f'"{o["name"]}" does not refer to an attribute of class "{cls["name"]}" uid {cls["uid"]}')

    def refers(self, parts, item, profiles):
        key, rest = parts[0], parts[1:]
        m = re.fullmatch(r"([^[]+)\[.*\]", key)
        base, indexed = (m.group(1), True) if m else (key, False)
        attr = self.visible(item, profiles).get(base)
        if attr is None:
            return False
        if not rest:
            return True
        if indexed and not attr.get("is_array"):
            return False
        if attr["type"] != "object_t":
            return False
        return self.refers(rest, self.objects[attr["object_type"]], profiles)

    # ---- attributes ----

    @staticmethod
    def visible(item, profiles):
        """The attributes of a class or object that an event naming these profiles has."""
        return {n: a for n, a in item["attributes"].items()
                if a.get("profiles") is None or any(p in profiles for p in a["profiles"])}

    def attributes(self, r, value, path, schema_item, profiles, what):
        attrs = self.visible(schema_item, profiles)
        for name, attr in attrs.items():
            sub = f"{path}.{name}" if path else name
            v = value.get(name)
            if v is None:
                if attr["requirement"] == "required":
                    r.error(sub, f'required attribute "{sub}" is missing')
                elif attr["requirement"] == "recommended" and self.recommended:
                    r.warn(sub, f'recommended attribute "{sub}" is missing')
                continue
            if "deprecated" in attr:
                r.warn(sub, f'attribute "{name}" is deprecated: {attr["deprecated"]}')
            if attr["type"] != "object_t" and attr["type"] not in self.types:
                r.error(sub, f'type "{attr["type"]}" is not defined (schema bug)')
            elif attr.get("is_array"):
                if not isinstance(v, list):
                    r.error(sub, f"wrong type: {self.kind(v)} where an array of {self.type_name(attr)} is expected")
                else:
                    for i, element in enumerate(v):
                        self.value(r, element, f"{sub}[{i}]", attr, profiles)
            else:
                self.value(r, v, sub, attr, profiles)
        if attrs:
            for key in value:
                if key not in attrs:
                    sub = f"{path}.{key}" if path else key
                    r.error(sub, f'unknown attribute "{key}": not defined in {what}'
                            + self.profile_hint(schema_item, key))
        self.enums(r, value, path, attrs)

    @staticmethod
    def profile_hint(schema_item, key):
        attr = schema_item["attributes"].get(key)
        if attr is None or not attr.get("profiles"):
            return ""
        return f" without the profile {' or '.join(attr['profiles'])} in metadata.profiles"

    def enums(self, r, value, path, attrs):
        for name, attr in attrs.items():
            if "enum" not in attr or value.get(name) is None:
                continue
            sub = f"{path}.{name}" if path else name
            sibling = attr.get("sibling")
            values = value[name] if attr.get("is_array") and isinstance(value[name], list) else None
            if values is None:
                self.enum_value(r, value, path, sub, attr, value[name], sibling and value.get(sibling), sibling)
                continue
            siblings = value.get(sibling) if sibling else None
            for i, v in enumerate(values):
                s = None
                if isinstance(siblings, list):
                    if i >= len(siblings):
                        if enum_key(v) in attr["enum"] and v != 99:
                            r.error(f"{path + '.' if path else ''}{sibling}[{i}]",
                                    f"the enum sibling is missing for {sub}[{i}] = {json.dumps(v)}")
                        s = None
                    else:
                        s = siblings[i]
                self.enum_value(r, value, path, f"{sub}[{i}]", attr, v, s, sibling and f"{sibling}[{i}]")

    def enum_value(self, r, item, path, sub, attr, v, sibling_value, sibling):
        key = enum_key(v)
        if key not in attr["enum"]:
            r.error(sub, f"unknown enum value {json.dumps(v)}; the values are "
                    + ", ".join(f'{k} "{e["caption"]}"' for k, e in attr["enum"].items()))
            return
        entry = attr["enum"][key]
        if "deprecated" in entry:
            r.warn(sub, f"enum value {json.dumps(v)} is deprecated: {entry['deprecated']}")
        if sibling_value is None:
            return
        sib_path = f"{path}.{sibling}" if path else sibling
        if v == 99:
            if sibling_value == entry["caption"]:
                r.warn(sib_path, f'"{sibling_value}" beside 99 (Other) should be the source\'s own word')
        elif sibling_value != entry["caption"]:
            r.error(sib_path, f'enum sibling {json.dumps(sibling_value)} is not the caption of {sub} = {json.dumps(v)}: '
                    f'"{entry["caption"]}"')

    def value(self, r, v, path, attr, profiles):
        if attr["type"] == "object_t":
            obj = self.objects[attr["object_type"]]
            if not isinstance(v, dict):
                r.error(path, f"wrong type: {self.kind(v)} where a {attr['object_type']} object is expected")
                return
            if "deprecated" in obj:
                r.warn(path, f'object "{attr["object_type"]}" is deprecated: {obj["deprecated"]}')
            what = f'object "{obj["name"]}"'
            self.attributes(r, v, path, obj, profiles, what)
            self.constraints(r, v, obj, path, what)
            return
        self.typed(r, v, path, attr["type"])

    def typed(self, r, v, path, type_name):
        t = self.types[type_name]
        base = t.get("type", type_name)
        sup = self.types.get(base, {}) if "type" in t else {}
        ok = {
            "boolean_t": lambda: isinstance(v, bool),
            "float_t": lambda: isinstance(v, float),
            "integer_t": lambda: self.is_int(v, MIN_INT, MAX_INT),
            "long_t": lambda: self.is_int(v, MIN_LONG, MAX_LONG),
            "string_t": lambda: isinstance(v, str),
            "json_t": lambda: True,
        }.get(base)
        if ok is None:
            r.error(path, f'type "{type_name}" has an unknown primitive type "{base}" (schema bug)')
            return
        if not ok():
            extra = f" ({base})" if base != type_name else ""
            r.error(path, f"wrong type: {self.kind(v)} {json.dumps(v)[:80]} where {type_name}{extra} is expected")
            return
        rng = t.get("range", sup.get("range"))
        if rng and base in ("integer_t", "long_t", "float_t") and not rng[0] <= v <= rng[1]:
            r.error(path, f"{v} is outside the range {rng[0]} to {rng[1]} of {type_name}")
        max_len = t.get("max_len", sup.get("max_len"))
        if max_len is not None and isinstance(v, str) and len(v) > max_len:
            r.error(path, f"{len(v)} characters exceed the maximum length {max_len} of {type_name}")
        regex = t.get("regex", sup.get("regex"))
        if regex and isinstance(v, str) and not self.regex(regex).search(v):
            r.error(path, f"{json.dumps(v)[:80]} does not match the pattern of {type_name}")
        values = t.get("values", sup.get("values"))
        if values is not None and not any(v == x and type(v) is type(x) for x in values):
            r.error(path, f"{json.dumps(v)} is not an allowed value of {type_name}")

    def regex(self, text):
        if text not in self._regex:
            self._regex[text] = re.compile(text)
        return self._regex[text]

    @staticmethod
    def is_int(v, low, high):
        return isinstance(v, int) and not isinstance(v, bool) and low <= v <= high

    @staticmethod
    def kind(v):
        if isinstance(v, bool):
            return "a boolean"
        if isinstance(v, int):
            return "an integer"
        if isinstance(v, float):
            return "a float"
        if isinstance(v, str):
            return "a string"
        if isinstance(v, list):
            return "an array"
        if isinstance(v, dict):
            return "an object"
        return "null"

    @staticmethod
    def type_name(attr):
        return attr["object_type"] if attr["type"] == "object_t" else attr["type"]


def class_label(validator, event):
    uid = event.get("class_uid") if isinstance(event, dict) else None
    cls = validator.classes.get(uid) if isinstance(uid, int) else None
    return f"{uid} {cls['caption']}" if cls else f"{uid}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--schema", default=DEFAULT_SCHEMA)
    parser.add_argument("--quiet", action="store_true", help="no line per error, only the summary")
    parser.add_argument("--max-errors", type=int, default=200, help="errors printed at most (all are counted)")
    parser.add_argument("--recommended", action="store_true", help="warn of missing recommended attributes")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()

    try:
        with open(args.schema, encoding="utf-8") as f:
            schema = json.load(f)
    except (OSError, ValueError) as e:
        print(f"validate: {args.schema}: {e}", file=sys.stderr)
        return 2
    v = Validator(schema, recommended=args.recommended)
    per_class = {}
    # Events of one shape get one validation (Validator.shape): a storm of process events
    # costs its distinct shapes, not its count.  An error is printed where its shape is
    # first seen and counted for every event of that shape.
    reports = {}
    printed = errors = warnings = 0
    for name in args.files:
        try:
            f = open(name, encoding="utf-8")
        except OSError as e:
            print(f"validate: {e}", file=sys.stderr)
            return 2
        with f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                first = True
                try:
                    event = json.loads(line)
                    key = v.shape(event)
                    first = key not in reports
                    if first:
                        reports[key] = v.validate(event)
                    report = reports[key]
                except (ValueError, RecursionError) as e:
                    event, report = None, Report()
                    report.error("", f"not JSON: {e}")
                label = class_label(v, event)
                counts = per_class.setdefault(label, [0, 0, 0])
                counts[0] += 1
                counts[1] += len(report.errors)
                counts[2] += len(report.warnings)
                errors += len(report.errors)
                warnings += len(report.warnings)
                for kind, items in (("error", report.errors), ("warning", report.warnings)):
                    for path, message in items:
                        if first and not args.quiet and printed < args.max_errors:
                            print(f"{name}:{n}: {kind}: class {label}: {path or '(event)'}: {message}")
                            printed += 1
    if printed >= args.max_errors and errors + warnings > printed:
        print(f"... {errors + warnings - printed} more not shown")
    total = 0
    for label in sorted(per_class, key=lambda k: (len(k), k)):
        events, e, w = per_class[label]
        total += events
        print(f"class {label}: {events} events, {e} errors, {w} warnings")
    print(f"OCSF {schema['version']}: {total} events, {errors} errors, {warnings} warnings"
          f" ({len(reports)} distinct shapes validated)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
