#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A task is made only from a well-formed request that names something on this host: a typo is an
# error naming the argument, and no task appears in the list or the journal.  Quarantine ids may
# be shortened to a unique prefix, as git's hashes; an ambiguous one lists the candidates.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"

plan 19
start_agent || exit 1
work="$TEST_DIR/files"
mkdir -p "$work"
tasks() { ctl --json task list | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
# refused_before EXPECTED-TEXT VIGILCTL-ARGS...: exit status 1 (WANT_RC), the text on stderr, no
# new task.
refused_before() {
	local want=$1 before after rc
	shift
	before=$(tasks)
	ctl "$@" >"$TEST_DIR/out" 2>"$TEST_DIR/err"
	rc=$?
	after=$(tasks)
	if [ $rc != "${WANT_RC:-1}" ] || ! grep -q -- "$want" "$TEST_DIR/err" || [ "$before" != "$after" ]; then
		diag "rc $rc, tasks $before -> $after, stderr: $(cat "$TEST_DIR/err")"
		return 1
	fi
}

# task run exits with its program's status, and 125 when the program did not run.
refused_run() { WANT_RC=125 refused_before "$@"; }

ok "no task yet" test "$(tasks)" = 0
ok "get-file --sha256 abc is refused before a task exists" \
	refused_before "64 hexadecimal digits" task get-file --sha256 abc /etc/hostname
ok "delete-file --sha256 with a non-hex digit too" \
	refused_before "64 hexadecimal digits" task delete-file --yes --sha256 "$(printf 'g%063d' 0)" "$work/x"
ok "quarantine restore of an id that is not hexadecimal" \
	refused_before "is not a quarantine id" quarantine restore 4c9z
ok "quarantine restore 4c94 with an empty quarantine: no such entry" \
	refused_before "no quarantine entry 4c94" quarantine restore 4c94
ok "quarantine purge of a whole id that does not exist" \
	refused_before "no quarantine entry 0123456789abcdef" quarantine purge --yes 0123456789abcdef
ok "task run as a user that does not exist" \
	refused_run 'no user "nosuchuser4711"' task run --user nosuchuser4711 /bin/true
ok "task run as a malformed user name" \
	refused_run 'is not a user name' task run --user 'bad;user' /bin/true
ok "the journal holds no task either" test "$(ctl --json task list --limit 100 | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 0

# The server's path checks the same: a raw request without the required path is refused by the
# protocol table, and a relative one by the agent, before anything is queued.
raw() { python3 "$VIGIL_TOP_SRCDIR/tests/integration/agent-call.py" "$SOCKET" "$@" 2>&1; }
ok "task.get-file without a path: invalid-argument naming it" \
	eval 'raw task.get-file "{}" | grep -q "needs the argument \"path\""'
ok "task.get-file with a relative path: not an absolute path" \
	eval 'raw task.get-file "{\"path\": \"etc/hostname\"}" | grep -q "not an absolute path"'
ok "still no task" test "$(tasks)" = 0

# Seventeen files in quarantine: their ids are 16 random hex digits, so two of them begin with
# the same digit (pigeonhole), and each has a shortest prefix that names it alone.
for n in $(seq 17); do
	echo "content $n" >"$work/f$n"
	ctl task delete-file --quarantine "$work/f$n" >/dev/null 2>&1
done
ids=$(ctl --json quarantine list | python3 -c 'import json,sys; print(" ".join(e["id"] for e in json.load(sys.stdin)))')
set -- $ids
ok "17 files are in quarantine" test $# = 17
# With 17 ids of 16 hex digits, two begin with the same digit (pigeonhole).
shared=$(python3 -c '
import sys, collections
c = collections.Counter(i[0] for i in sys.argv[1:])
print(next(d for d, k in c.items() if k > 1))' $ids)
unique=$(python3 -c '
import sys
ids = sys.argv[1:]
for n in range(1, 17):
    for i in ids:
        if sum(j.startswith(i[:n]) for j in ids) == 1:
            print(i[:n], i); sys.exit(0)' $ids)
set -- $unique
prefix=$1 whole=$2
original=$(ctl --json quarantine list | python3 -c 'import json,sys; print(next(e["path"] for e in json.load(sys.stdin) if e["id"] == sys.argv[1]))' "$whole")
before=$(tasks)
ctl quarantine restore "$shared" >"$TEST_DIR/out" 2>"$TEST_DIR/err"
rc=$?
ok "an ambiguous prefix ($shared) is an error listing the candidates ($rc)" \
	eval 'test $rc = 1 && grep -q "ambiguous" "$TEST_DIR/err" && test "$(grep -o "$shared[0-9a-f]\{15\}" "$TEST_DIR/err" | wc -l)" -ge 2'
ok "and makes no task" test "$(tasks)" = "$before"
ctl --json quarantine restore "$(echo "$prefix" | tr a-f A-F)" >"$TEST_DIR/r.json"
rc=$?
ok "a unique prefix ($prefix, in capitals) restores the entry it names ($rc)" \
	eval 'test $rc = 0 && python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d[\"request\"][\"id\"] == sys.argv[2] and d[\"state\"] == \"succeeded\" else 1)" "$TEST_DIR/r.json" "$whole"'
ok "the file is back" test -f "$original"
ok "the entry left the quarantine" eval '! ctl quarantine list | grep -q "$whole"'
ok "a run as an existing user is a task as before" eval 'ctl task run --user nobody /bin/true'
finish
