#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# delete-file and the quarantine through the real agent and vigilctl (permanent deletes say --yes:
# a script is never asked, tests/integration/cli-conventions.sh checks the question).
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"

jget() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$@"; }
# jcheck FILE EXPR: succeeds when EXPR holds for the JSON document in FILE.
status_of_ctl() { "$VIGILCTL" --socket "$SOCKET" "$@" >/dev/null 2>&1; echo $?; }
export -f status_of_ctl
jcheck() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' "$@"; }

plan 25
start_agent || exit 1
work="$TEST_DIR/files"
outside="$TEST_DIR/outside"
mkdir -p "$work" "$outside"

echo "keep me" >"$work/a.txt"
ctl --json task delete-file --yes "$work/a.txt" --sha256 "$(printf '%064d' 1)" >"$TEST_DIR/d.json" 2>/dev/null
ok "a wrong --sha256 is refused" test "$(jget "$TEST_DIR/d.json" 'd["state"]')" = refused
ok "and deletes nothing" test "$(cat "$work/a.txt")" = "keep me"
ok "the result still carries the real hash" \
	test "$(jget "$TEST_DIR/d.json" 'd["result"]["sha256"]')" = "$(sha256sum "$work/a.txt" | cut -d' ' -f1)"
ok "the right --sha256 deletes" status_of ctl task delete-file --yes "$work/a.txt" --sha256 "$(sha256sum "$work/a.txt" | cut -d' ' -f1)"
ok "the file is gone" test ! -e "$work/a.txt"

echo "the target" >"$outside/target"
ln -s "$outside/target" "$work/link"
ctl --json task delete-file --yes "$work/link" >"$TEST_DIR/l.json"
ok "a symbolic link to a file outside is deleted" test "$(jget "$TEST_DIR/l.json" 'd["state"], d["result"]["type"]')" = "('succeeded', 'symlink')"
ok "the link is gone" test ! -L "$work/link"
ok "its target is untouched" test "$(cat "$outside/target")" = "the target"

refused() { ctl --json task delete-file --yes "$1" >"$TEST_DIR/r.json" 2>/dev/null; test "$(jget "$TEST_DIR/r.json" 'd["state"]')" = refused; }
ok "a directory is refused" refused "$work"
ok "/dev/null is refused" refused /dev/null
ok "/proc/self/status is refused" refused /proc/self/status
ok "the agent's database is refused" refused "$STATE_DIR/vigil.db"
ok "the agent's socket is refused" refused "$SOCKET"
ok "the agent's configuration file is refused" refused "$AGENT_CONFIG"
# A hard link to the running binary is the binary itself (same inode).
ln -f "$(agent_exe)" "$TEST_DIR/vigild-hardlink"
refused "$TEST_DIR/vigild-hardlink"
r=$?
ok "a hard link to the agent's binary is refused" test $r = 0

head -c 100000 /dev/urandom >"$work/evil"
cp "$work/evil" "$TEST_DIR/evil.orig"
chmod 4751 "$work/evil"
chown 65534:65534 "$work/evil"
chmod 4751 "$work/evil"
ctl --json task delete-file --quarantine "$work/evil" >"$TEST_DIR/q.json"
qid=$(jget "$TEST_DIR/q.json" 'd["result"]["quarantine"]')
ok "quarantine then delete" test "$(jget "$TEST_DIR/q.json" 'd["state"]')" = succeeded -a ! -e "$work/evil"
ok "the quarantine lists it, 0600" bash -c 'ctl() { "$VIGILCTL" --socket "$SOCKET" "$@"; }; ctl quarantine list | grep -q "$1" && test "$(stat -c %a "$STATE_DIR/quarantine/$1.data")" = 600' _ "$qid"
ok "restore succeeds" status_of ctl quarantine restore "$qid"
ok "the same bytes come back" cmp -s "$work/evil" "$TEST_DIR/evil.orig"
ok "with the same mode and owner" test "$(stat -c '%a %u %g' "$work/evil")" = "4751 65534 65534"
echo other >"$work/again"
ctl --json task delete-file --quarantine "$work/again" >"$TEST_DIR/q3.json"
qid3=$(jget "$TEST_DIR/q3.json" 'd["result"]["quarantine"]')
echo "a new file in its place" >"$work/again"
ok "restore never overwrites a file in the original place" \
	bash -c '[ "$(status_of_ctl quarantine restore "$1")" = 1 ] && [ "$(cat "$2")" = "a new file in its place" ]' _ "$qid3" "$work/again"
ok "a bad quarantine id is refused" test "$(status_of ctl quarantine restore ../../etc/passwd)" = 1
ctl settings set tasks.get_file_max_mb=1 >/dev/null
head -c 2000000 /dev/urandom >"$work/large"
ok "a file over the limit is not quarantined, and not deleted" \
	bash -c '[ "$(status_of_ctl task delete-file --quarantine "$1")" = 1 ] && [ -s "$1" ]' _ "$work/large"
ctl settings set tasks.get_file_max_mb=100 >/dev/null
ok "task list --state filters" bash -c '"$VIGILCTL" --socket "$SOCKET" --json task list --state refused | python3 -c "import json,sys; l=json.load(sys.stdin); assert l and all(t[\"state\"] == \"refused\" for t in l)"'
echo junk >"$work/junk"
ctl --json task delete-file --quarantine "$work/junk" >"$TEST_DIR/q2.json"
qid=$(jget "$TEST_DIR/q2.json" 'd["result"]["quarantine"]')
ok "purge removes the entry for good" bash -c 'ctl() { "$VIGILCTL" --socket "$SOCKET" "$@"; }; ctl quarantine purge --yes "$1" >/dev/null && ! ctl quarantine list | grep -q "$1" && test ! -e "$STATE_DIR/quarantine/$1.data"' _ "$qid"
finish
