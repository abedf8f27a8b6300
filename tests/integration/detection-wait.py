#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Waits for detections through the agent's control socket (detection.list, detection.show).
#
#   detection-wait.py SOCKET SECONDS < SPEC
#
# SPEC is a JSON array of {"name": ..., "rule": RULE_ID, "expr": PYTHON}: for each, the first
# detection of the rule whose finding makes the expression true (over `f`, the finding, and
# `e`, its last evidence) is wanted.  Prints one JSON object {name: finding or null} once
# every one is found or the time is up; exits 0 when all were found.
import json, os, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from detection_call import Agent  # noqa: E402


def main():
    agent = Agent(sys.argv[1])
    deadline = time.monotonic() + float(sys.argv[2])
    spec = json.load(sys.stdin)
    found = {s["name"]: None for s in spec}
    seen = set()
    while True:
        for s in spec:
            if found[s["name"]] is not None:
                continue
            for d in agent.call("detection.list", {"rule": s["rule"], "limit": 500}):
                key = (s["name"], d["uid"])
                if key in seen:
                    continue
                seen.add(key)
                try:
                    f = agent.call("detection.show", {"uid": d["uid"]})["finding"]
                except SystemExit as gone:
                    # Listed, then dropped by detection.keep: the whole suite's activity feeds
                    # the corpus rules of the test's agent.
                    print("# %s" % gone, file=sys.stderr)
                    continue
                e = (f.get("evidences") or [{}])[-1]
                try:
                    ok = eval(s["expr"], {"f": f, "e": e, "d": d})
                except Exception:
                    ok = False
                if ok:
                    found[s["name"]] = f
                    break
        if all(v is not None for v in found.values()) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    print(json.dumps(found))
    sys.exit(0 if all(v is not None for v in found.values()) else 1)


main()
