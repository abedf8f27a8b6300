#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Makes the compact extract of the OpenC2 Language Specification 1.0 JSON schema that the
conformance test reads (tests/openc2/oc2ls-v1.0.json).

The schema is published by the OASIS OpenC2 technical committee in its oc2ls repository
(schemas/oc2ls-v1.0.json, a JSON Schema draft-07 document).  Give a clone of that repository
and the commit to read; the extract keeps the definitions with their validation keywords only
(titles and descriptions dropped) and records where it came from:

  extract-schema.py --repo CLONE --commit SHA [--path schemas/oc2ls-v1.0.json] > oc2ls-v1.0.json

Only git and the Python standard library are used; nothing is downloaded.
"""

import argparse
import json
import subprocess
import sys

# Keywords that only document: left out of the extract.
ANNOTATIONS = {"title", "description", "$comment", "examples"}


def strip(node):
    if isinstance(node, dict):
        return {k: strip(v) for k, v in node.items() if k not in ANNOTATIONS}
    if isinstance(node, list):
        return [strip(v) for v in node]
    return node


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repo", required=True, help="a clone of the OASIS oc2ls repository (a bare one will do)")
    ap.add_argument("--commit", required=True, help="the commit holding the schema")
    ap.add_argument("--path", default="schemas/oc2ls-v1.0.json", help="the schema's path in the repository")
    ap.add_argument("--source", default="https://github.com/oasis-tcs/openc2-oc2ls",
                    help="the repository's public address, recorded in the extract")
    opts = ap.parse_args()

    commit = subprocess.run(["git", "-C", opts.repo, "rev-parse", "--verify", opts.commit + "^{commit}"],
                            check=True, capture_output=True, text=True).stdout.strip()
    text = subprocess.run(["git", "-C", opts.repo, "show", "%s:%s" % (commit, opts.path)],
                          check=True, capture_output=True, text=True).stdout
    schema = json.loads(text)
    if "definitions" not in schema or "OpenC2_Command" not in schema["definitions"]:
        sys.exit("%s at %s is not the Language Specification schema" % (opts.path, commit))
    extract = {
        "source": {"repository": opts.source, "path": opts.path, "commit": commit,
                   "schema_id": schema.get("$id"), "dialect": schema.get("$schema")},
        "oneOf": strip(schema.get("oneOf", [])),
        "definitions": strip(schema["definitions"]),
    }
    json.dump(extract, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
