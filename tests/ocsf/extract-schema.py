#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Extract from an OCSF schema tree what validating Vigil's events needs.

    extract-schema.py SCHEMA_DIR --commit SHA [--repository URL] [--tag TAG] [--class UID]... -o OUT.json

To make tests/ocsf/schema-1.8.0.json, from a clone of the ocsf-schema repository:

    mkdir schema && git -C ocsf-schema archive 1.8.0 | tar -x -C schema
    tests/ocsf/extract-schema.py schema --tag 1.8.0 \\
        --commit "$(git -C ocsf-schema rev-parse 1.8.0^{commit})" -o tests/ocsf/schema-1.8.0.json

SCHEMA_DIR is a checkout of the ocsf-schema repository (dictionary.json, categories.json,
version.json, events/, objects/, profiles/).  The schema is compiled the way the OCSF schema
compiler does it for the OCSF server, without extensions:

  - "$include" at the level of an item's attributes (profiles, shared attribute sets) is
    merged under the item's own attributes; the attributes of an included profile belong to
    that profile; an attribute's own "$include" is merged under its details;
  - "extends" is flattened, child over parent: attributes merged detail by detail (a "profile"
    of null makes an attribute part of the class whatever the profiles; two profiles on one
    attribute keep the stronger requirement), profiles united, other keys (constraints)
    replaced;
  - a class's uid becomes category_uid * 1000 + uid; its class_uid, category_uid and type_uid
    attributes get the enums of that class alone; abstract classes (no uid) and objects whose
    name starts with "_" are dropped;
  - attributes of type timestamp_t get their "_dt" sibling of the datetime profile;
  - every attribute is completed with its dictionary entry (type, is_array, enum, sibling),
    a dictionary type that is not a data type being an object type.

The output keeps, for the classes Vigil emits (CLASSES) and every object reachable from them,
what a validator checks: requirement, type, object type, array-ness, profiles, enum values
with their captions, enum siblings, deprecations and constraints; and the data types with
their ranges, maximum lengths, regular expressions and allowed values.  Descriptions are left
out.  The source (repository, tag, commit) is recorded in the output.
"""

import argparse
import copy
import json
import os
import sys

# The classes Vigil emits (doc/telemetry.md).
CLASSES = [1001, 1007, 1008, 2004, 4001, 5001, 7001, 7002, 7003, 7004]

REQUIREMENT_RANK = {None: 0, "optional": 1, "recommended": 2, "required": 3}


class SchemaError(Exception):
    pass


def read_json(path):
    with open(path, encoding="utf-8") as f:
        value = json.load(f)
    if not isinstance(value, dict):
        raise SchemaError(f"{path}: not a JSON object")
    return value


def read_items(root, sub):
    """Every item (event class, object, profile) under root/sub, by name, with profile
    references on attributes turned into lists ("profile": "x" -> "profiles": ["x"])."""
    items = {}
    for dirpath, dirnames, filenames in os.walk(os.path.join(root, sub)):
        dirnames.sort()
        for name in sorted(filenames):
            if not name.endswith(".json"):
                continue
            item = read_json(os.path.join(dirpath, name))
            if "name" not in item:
                raise SchemaError(f"{os.path.join(dirpath, name)}: no name")
            for attr in item.get("attributes", {}).values():
                if isinstance(attr, dict) and "profile" in attr:
                    attr["profiles"] = None if attr["profile"] is None else [attr["profile"]]
                    del attr["profile"]
            items[item["name"]] = item
    return items


def deep_merge(dest, source):
    """Merges source into dest in place, source winning; dictionaries are merged, lists and
    other values replaced."""
    for key, value in source.items():
        if key in dest and isinstance(dest[key], dict) and isinstance(value, dict):
            deep_merge(dest[key], value)
        else:
            dest[key] = value


def merge_attribute(dest, source):
    """One attribute's details of source over those of dest (extends, includes)."""
    for key, value in source.items():
        if key not in dest:
            dest[key] = value
        elif value == dest[key]:
            continue
        elif key == "profiles":
            dest[key] = None if value is None else sorted(set(dest[key] or []) | set(value))
        elif key == "requirement" and source.get("profiles") is not None and "profiles" in dest:
            rank = max(REQUIREMENT_RANK[dest[key]], REQUIREMENT_RANK[value])
            dest[key] = next(r for r, n in REQUIREMENT_RANK.items() if n == rank)
        elif isinstance(dest[key], dict) and isinstance(value, dict):
            deep_merge(dest[key], value)
        else:
            dest[key] = value


def merge_attributes(dest, source):
    for name, attr in source.items():
        if name in dest:
            merge_attribute(dest[name], attr)
        else:
            dest[name] = attr


def resolve_includes(root, item, cache):
    def load(rel):
        path = os.path.join(root, rel)
        if path not in cache:
            cache[path] = read_json(path)
        return cache[path]

    attrs = item.setdefault("attributes", {})
    include = attrs.pop("$include", None)
    if include is not None:
        for rel in [include] if isinstance(include, str) else include:
            inc = load(rel)
            merged = copy.deepcopy(inc.get("attributes", {}))
            if inc.get("meta") == "profile":
                for attr in merged.values():
                    attr["profiles"] = [inc["name"]]
            for attr in merged.values():
                for key, value in inc.get("annotations", {}).items():
                    attr.setdefault(key, value)
            merge_attributes(merged, item["attributes"])
            item["attributes"] = merged
    for name, attr in list(item["attributes"].items()):
        if isinstance(attr, dict) and "$include" in attr:
            rel = attr.pop("$include")
            merged = copy.deepcopy(load(rel))
            deep_merge(merged, attr)
            item["attributes"][name] = merged


def resolve_extends(items, kind):
    done = set()

    def resolve(name):
        if name in done:
            return
        item = items[name]
        parent = item.get("extends")
        if parent:
            if parent not in items:
                raise SchemaError(f'{kind} "{name}" extends undefined "{parent}"')
            resolve(parent)
            flat = copy.deepcopy(items[parent])
            for key, value in item.items():
                if key == "attributes":
                    merge_attributes(flat.setdefault("attributes", {}), value)
                elif key == "profiles":
                    flat["profiles"] = sorted(set(flat.get("profiles", [])) | set(value))
                else:
                    flat[key] = value
            items[name] = flat
        done.add(name)

    for name in list(items):
        resolve(name)


def caption_of(items, item):
    """An item's caption, or its nearest ancestor's."""
    while "caption" not in item and item.get("extends") in items:
        item = items[item["extends"]]
    return item.get("caption", item["name"])


def observable_types(dictionary, classes, objects):
    """The values of observable.type_id: every "observable" the schema declares (data types,
    dictionary attributes, objects, their attributes, class attributes and attribute paths),
    with the caption the compiler gives each."""
    found = {}
    for kind, items in (("Class", classes), ("Object", objects)):
        for item in items.values():
            caption = caption_of(items, item)
            if kind == "Object" and "observable" in item:
                found[str(item["observable"])] = caption
            for name, attr in item.get("attributes", {}).items():
                if isinstance(attr, dict) and "observable" in attr:
                    found[str(attr["observable"])] = f"{caption} {kind}: {name}"
            if kind == "Class":
                for path, type_id in item.get("observables", {}).items():
                    found[str(type_id)] = f"{caption} {kind}: {path}"
    for group in (dictionary["types"]["attributes"], dictionary["attributes"]):
        for detail in group.values():
            if "observable" in detail:
                found[str(detail["observable"])] = detail.get("caption", "")
    return found


def compile_schema(root):
    version = read_json(os.path.join(root, "version.json"))["version"]
    categories = read_json(os.path.join(root, "categories.json"))["attributes"]
    dictionary = read_json(os.path.join(root, "dictionary.json"))
    classes = read_items(root, "events")
    objects = read_items(root, "objects")
    profiles = read_items(root, "profiles")
    cache = {os.path.join(root, "profiles", f"{n}.json"): p for n, p in profiles.items()}
    for item in list(classes.values()) + list(objects.values()):
        resolve_includes(root, item, cache)

    observables = observable_types(dictionary, classes, objects)
    types = dictionary["types"]["attributes"]
    dict_attrs = dictionary["attributes"]
    for name, attr in dict_attrs.items():
        if attr.get("type") not in types:
            if attr.get("type") not in objects:
                raise SchemaError(f'dictionary attribute "{name}" has undefined type "{attr.get("type")}"')
            attr["object_type"] = attr["type"]
            attr["type"] = "object_t"

    resolve_extends(classes, "class")
    classes = {n: c for n, c in classes.items() if n == "base_event" or "uid" in c}
    for name, cls in classes.items():
        category = categories.get(cls.get("category"))
        category_uid = category["uid"] if category else 0
        cls["uid"] = category_uid * 1000 + cls.get("uid", 0)
        attrs = cls.setdefault("attributes", {})
        activities = attrs.get("activity_id", {}).get("enum")
        if activities is None:
            raise SchemaError(f'class "{name}" has no activity_id enum')
        caption = cls.get("caption", "UNKNOWN")
        type_enum = {str(cls["uid"] * 100 + int(k)): {"caption": f'{caption}: {v.get("caption", "<unknown>")}'}
                     for k, v in activities.items()}
        type_enum[str(cls["uid"] * 100)] = {"caption": f"{caption}: Unknown"}
        attrs.setdefault("type_uid", {})["enum"] = type_enum
        attrs.setdefault("class_uid", {})["enum"] = {str(cls["uid"]): {"caption": caption}}
        attrs.setdefault("class_name", {})
        if category:
            cls["category_uid"] = category_uid
            attrs.setdefault("category_uid", {})["enum"] = {str(category_uid): {"caption": category["caption"]}}
            attrs.setdefault("category_name", {})

    resolve_extends(objects, "object")
    objects = {n: o for n, o in objects.items() if not n.startswith("_")}
    if "observable" in objects:
        enum = objects["observable"]["attributes"].setdefault("type_id", {}).setdefault("enum", {})
        for type_id, caption in observables.items():
            enum[type_id] = {"caption": caption}

    # The datetime profile: a "_dt" sibling of every timestamp_t attribute.
    if "datetime" in profiles and "datetime_t" in types:
        for name, attr in list(dict_attrs.items()):
            if attr.get("type") == "timestamp_t":
                sibling = copy.deepcopy(attr)
                sibling["type"] = "datetime_t"
                dict_attrs[f"{name}_dt"] = sibling
        for item in list(objects.values()) + list(classes.values()):
            extra = {}
            for name, attr in item["attributes"].items():
                kind = attr.get("type", dict_attrs.get(name, {}).get("type"))
                if kind == "timestamp_t":
                    dt = copy.deepcopy(attr)
                    dt["profiles"] = ["datetime"]
                    dt["requirement"] = "optional"
                    extra[f"{name}_dt"] = dt
            if extra:
                item["attributes"].update(extra)
                item["profiles"] = sorted(set(item.get("profiles", [])) | {"datetime"})

    for item in list(objects.values()) + list(classes.values()):
        finished = {}
        for name, attr in item["attributes"].items():
            if name not in dict_attrs:
                raise SchemaError(f'attribute "{name}" of "{item["name"]}" is not in the dictionary')
            full = copy.deepcopy(dict_attrs[name])
            deep_merge(full, attr)
            full.setdefault("requirement", "optional")
            finished[name] = full
        item["attributes"] = finished
    return version, types, classes, objects, sorted(profiles)


def compact_attribute(attr):
    out = {"type": attr["type"], "requirement": attr["requirement"]}
    if attr["type"] == "object_t":
        out["object_type"] = attr["object_type"]
    if attr.get("is_array"):
        out["is_array"] = True
    if attr.get("profiles") is not None:
        out["profiles"] = attr["profiles"]
    if "enum" in attr:
        out["enum"] = {}
        for key, value in sorted(attr["enum"].items(), key=lambda kv: int(kv[0]) if kv[0].lstrip("-").isdigit() else 0):
            entry = {"caption": value.get("caption", "")}
            if "@deprecated" in value:
                entry["deprecated"] = value["@deprecated"].get("message", "")
            out["enum"][key] = entry
        if attr.get("sibling"):
            out["sibling"] = attr["sibling"]
    if "@deprecated" in attr:
        out["deprecated"] = attr["@deprecated"].get("message", "")
    return out


def compact_item(item, extra_keys):
    out = {k: item[k] for k in extra_keys if k in item}
    out["attributes"] = {n: compact_attribute(a) for n, a in sorted(item["attributes"].items())}
    if item.get("constraints"):
        out["constraints"] = item["constraints"]
    if "@deprecated" in item:
        out["deprecated"] = item["@deprecated"].get("message", "")
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("schema_dir")
    parser.add_argument("--repository", default="https://github.com/ocsf/ocsf-schema")
    parser.add_argument("--tag", default=None)
    parser.add_argument("--commit", required=True)
    parser.add_argument("-o", "--output", required=True)
    parser.add_argument("--class", dest="classes", type=int, action="append",
                        help="a class uid to keep (default: those Vigil emits)")
    args = parser.parse_args()

    try:
        version, types, classes, objects, profiles = compile_schema(args.schema_dir)
    except (SchemaError, OSError, ValueError, KeyError) as e:
        print(f"extract-schema: {e}", file=sys.stderr)
        return 1
    by_uid = {c["uid"]: c for c in classes.values()}
    out_classes, wanted, queue = {}, set(), []
    for uid in args.classes or CLASSES:
        if uid not in by_uid:
            print(f"extract-schema: no class {uid} in schema {version}", file=sys.stderr)
            return 1
        cls = by_uid[uid]
        out_classes[str(uid)] = compact_item(cls, ["name", "caption", "uid", "category_uid"])
        queue += [a["object_type"] for a in cls["attributes"].values() if a["type"] == "object_t"]
    while queue:
        name = queue.pop()
        if name in wanted:
            continue
        wanted.add(name)
        queue += [a["object_type"] for a in objects[name]["attributes"].values() if a["type"] == "object_t"]
    out_types = {}
    for name, t in sorted(types.items()):
        out_types[name] = {k: t[k] for k in ("type", "range", "max_len", "regex", "values") if k in t}
    extract = {
        "source": {"repository": args.repository, "tag": args.tag or version, "commit": args.commit},
        "version": version,
        "profiles": profiles,
        "types": out_types,
        "classes": out_classes,
        "objects": {n: compact_item(objects[n], ["name", "caption"]) for n in sorted(wanted)},
    }
    with open(args.output, "w", encoding="utf-8") as f:
        json.dump(extract, f, indent=1, sort_keys=False)
        f.write("\n")
    print(f"extract-schema: OCSF {version}: {len(out_classes)} classes, {len(wanted)} objects -> {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
