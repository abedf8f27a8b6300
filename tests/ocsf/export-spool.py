#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Write the events kept in agents' spools as JSON Lines, for the OCSF conformance test.

    export-spool.py OUT.jsonl DIR...

Every agent database (vigil.db) under the DIRs is read, its spool_events in order, and the
events are written to OUT.jsonl (replaced; removed when there is none).  An integration test's
cleanup runs this over its temporary directory once its agents are stopped, so that the
conformance test (tests/ocsf/conformance.sh) sees every event the suite made the agents emit.

A sensor's agent stores every process of a busy host (hundreds of thousands of events in one
test): of events that validation cannot tell apart (validate.py, Validator.shape) the first
is written, and OUT.jsonl.count holds how many events were read.
"""

import importlib.util
import json
import os
import sqlite3
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def load_validator():
    spec = importlib.util.spec_from_file_location("validate", os.path.join(HERE, "validate.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with open(module.DEFAULT_SCHEMA, encoding="utf-8") as f:
        return module.Validator(json.load(f))


def databases(top):
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames.sort()
        if "vigil.db" in filenames:
            yield os.path.join(dirpath, "vigil.db")


def events(path):
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    try:
        yield from (row[0] for row in db.execute("SELECT event FROM spool_events ORDER BY seq"))
    except sqlite3.OperationalError:
        # No spool in this database (the agent stopped before creating it).
        return
    finally:
        db.close()


def main():
    if len(sys.argv) < 3:
        print(__doc__.strip().split("\n")[2].strip(), file=sys.stderr)
        return 2
    out, tops = sys.argv[1], sys.argv[2:]
    tmp = f"{out}.tmp"
    validator = load_validator()
    seen = set()
    n = 0
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(tmp, "w", encoding="utf-8") as f:
        for top in tops:
            for path in databases(top):
                for text in events(path):
                    n += 1
                    try:
                        key = validator.shape(json.loads(text))
                    except (ValueError, RecursionError):
                        key = ("not JSON", text)
                    if key not in seen:
                        seen.add(key)
                        f.write(text.replace("\n", " ") + "\n")
    for name in (out, f"{out}.count"):
        if os.path.exists(name):
            os.unlink(name)
    if n:
        os.replace(tmp, out)
        with open(f"{out}.count", "w", encoding="utf-8") as f:
            f.write(f"{n}\n")
    else:
        os.unlink(tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
