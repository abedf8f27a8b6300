#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The parser sandbox (doc/security.md): OpenIOC documents given to ioc check are parsed by a
# worker process that runs as nobody with no capability (effective, permitted, bounding,
# ambient), PR_SET_NO_NEW_PRIVS, a seccomp filter, rlimits and no descriptor but its socket.
# The test agent's worker misbehaves on purpose for documents of some names (tests/agent/
# test-worker.c), as one taken over by a hostile document would: a crash, a forbidden system
# call (killed by seccomp), a loop (killed by its CPU limit), a grab of all memory (bounded by
# agent.sandbox_memory_mib), a forged answer, a broken frame.  Each time the request gets an
# error, the agent goes on, the worker is restarted and the next document is checked as
# before; a worker killed while idle is replaced without the next request noticing.
# A scan's documents and the live indicators (ioc watch) are parsed there too, and come back as
# a tree that the agent checks: a forged tree is refused, and a document that only the worker
# can read (it is no XML at all) is scanned and armed, so the agent never parsed it itself.
# A scan's `matches` tests run there as well: a pattern that takes the test worker over kills
# it, and the scan goes on with those tests unknown.  So does the scan's --hint.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
plan 51

use_test_agent
start_agent --set agent.sandbox_cpu_seconds=2 --set agent.sandbox_memory_mib=64 || exit 1
GOOD="$VIGIL_TOP_SRCDIR/tests/fuzz/corpus/ioc-load/v11-and.ioc"
for n in crash syscall spin memory forged frame busy; do cp "$GOOD" "$TEST_DIR/vigil-test-$n.ioc"; done

# sandbox KEY: a field of the sandbox's status (ioc section).
sandbox() { ctl --json status | python3 -c 'import json,sys; print(json.load(sys.stdin)["sections"]["ioc"]["sandbox"][sys.argv[1]])' "$1"; }
# checks FILE: ioc check's JSON entry for FILE, as "loaded|error".
checks() {
	ctl --json ioc check "$1" | python3 -c 'import json,sys; d=json.load(sys.stdin)["documents"][0]; print("%s|%s" % (d["loaded"], d.get("error", "")))'
}
good_checks() { [ "$(checks "$GOOD" | cut -d'|' -f1)" = True ]; }
field() { awk -v k="$2:" '$1 == k { $1 = ""; sub(/^ /, ""); print; exit }' "/proc/$1/status"; }

ok "a document is checked in the sandbox" good_checks
pid=$(sandbox pid)
ok "the sandbox runs (pid $pid), not the agent" test "$pid" -gt 0 -a "$pid" != "$AGENT_PID"
ok "it runs as nobody" test "$(field "$pid" Uid)" = "65534 65534 65534 65534"
ok "with no group" test -z "$(field "$pid" Groups | tr -d ' ')"
caps_zero=1
for c in CapInh CapPrm CapEff CapBnd CapAmb; do
	[ "$(field "$pid" $c)" = 0000000000000000 ] || { diag "$c is $(field "$pid" $c)"; caps_zero=0; }
done
ok "with no capability at all (effective, permitted, bounding, ambient)" test "$caps_zero" = 1
ok "with PR_SET_NO_NEW_PRIVS" test "$(field "$pid" NoNewPrivs)" = 1
ok "under a seccomp filter" test "$(field "$pid" Seccomp)" = 2
ok "its descriptors are its socket and the standard three" \
	test "$(ls "/proc/$pid/fd" | sort -n | tr '\n' ' ')" = "0 1 2 3 "
ok "its directory is /" test "$(readlink "/proc/$pid/cwd")" = /
ok "no core, no file written, four descriptors at most" bash -c '
	grep -Eq "^Max core file size +0 +0 " /proc/$1/limits && grep -Eq "^Max file size +0 +0 " /proc/$1/limits &&
	grep -Eq "^Max open files +4 +4 " /proc/$1/limits' _ "$pid"
ok "its address space and CPU time are bounded" bash -c '
	grep -Eq "^Max address space +[0-9]+ +[0-9]+ " /proc/$1/limits && grep -Eq "^Max cpu time +[0-9]+ +[0-9]+ " /proc/$1/limits' _ "$pid"
ok "the OOM killer takes it first" test "$(cat "/proc/$pid/oom_score_adj")" = 1000
ok "it is not dumpable (its /proc files are root's)" test "$(stat -c %u "/proc/$pid/mem")" = 0

out=$(checks "$TEST_DIR/vigil-test-crash.ioc")
# SIGSEGV; SIGSYS under AddressSanitizer, whose handler of the fault makes calls the filter refuses.
ok "a document that crashes the sandbox gets an error" bash -c '[[ "$1" == "False|"*"died (signal SIG"@(SEGV|SYS)")"* ]]' _ "$out"
ok "the agent goes on and the next document is checked" good_checks
ok "the crash is counted, the worker restarted" test "$(sandbox deaths)" = 1 -a "$(sandbox pid)" != "$pid"
ok "status shows the sandbox, its death and why" bash -c '
	out=$("$VIGILCTL" --socket "$SOCKET" status --verbose)
	grep -q "Parser sandbox: *process $1, uid 65534" <<<"$out" && grep -q "Sandbox starts and deaths: *[0-9]* starts, 1 death$" <<<"$out" &&
	grep -q "Last sandbox death: .*signal SIG" <<<"$out"' _ "$(sandbox pid)"

out=$(checks "$TEST_DIR/vigil-test-syscall.ioc")
ok "a forbidden system call kills the sandbox (seccomp: SIGSYS)" bash -c '[[ "$1" == "False|"*"died (signal SIGSYS)"* ]]' _ "$out"
ok "and the next document is checked" good_checks

out=$(checks "$TEST_DIR/vigil-test-spin.ioc")
ok "a sandbox that spins is stopped by its CPU limit" bash -c '[[ "$1" == "False|"*"died (signal SIGXCPU)"* ]]' _ "$out"
ok "and the next document is checked" good_checks

out=$(checks "$TEST_DIR/vigil-test-memory.ioc")
mib=$(sed -n 's/.*memory ran out after \([0-9]*\) MiB.*/\1/p' <<<"$out")
ok "a sandbox that takes all the memory it can gets at most agent.sandbox_memory_mib (got ${mib:-?} MiB)" \
	test -n "$mib" -a "${mib:-999}" -le 64
ok "and the next document is checked" good_checks

out=$(checks "$TEST_DIR/vigil-test-forged.ioc")
ok "an answer that names a term the agent does not know is refused" \
	bash -c '[[ "$1" == "False|the parser sandbox gave a malformed answer about "* ]]' _ "$out"
# A scan: its documents come back from the sandbox as a tree, which the agent checks.
SCAN_DIR="$TEST_DIR/scan"
mkdir -p "$SCAN_DIR" && : >"$SCAN_DIR/vigil-sandbox-only-target" && : >"$SCAN_DIR/other"
printf 'not XML: only the test worker reads this\n' >"$TEST_DIR/vigil-test-sandbox-only.ioc"
cp "$GOOD" "$TEST_DIR/vigil-test-forged-tree.ioc"
scan() { ctl --json ioc scan "$@" --path "$SCAN_DIR" --no-processes --no-ports --no-system; }
FORGED="vigil-test-forged-tree.ioc: the parser sandbox's tree is refused: /criteria/0/children/0/term has the value"
out=$(scan "$TEST_DIR/vigil-test-forged-tree.ioc" 2>&1)
ok "a scan whose document comes back as a forged tree is refused, naming the document and the forgery" \
	bash -c '[[ "$1" == *"$2 '"'"'FileItem/../../etc/shadow'"'"'"* ]]' _ "$out" "$FORGED"
scan "$TEST_DIR/vigil-test-sandbox-only.ioc" >"$TEST_DIR/only.json" 2>&1
ok "a document that is no XML but that the sandbox reads is scanned: the agent never parsed it" \
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); i=d["iocs"][0]
assert d["state"]=="done" and i["id"]=="sandbox-only" and i["result"]=="match", d
assert i["matches"]==[{"indicator":"i1","items":[{"document":"FileItem","path":sys.argv[2]}]}], i' \
	"$TEST_DIR/only.json" "$SCAN_DIR/vigil-sandbox-only-target"
scan "$GOOD" >"$TEST_DIR/good.json" 2>&1
ok "a scan of a well-formed document goes on as before" \
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); i=d["iocs"][0]
assert d["state"]=="done" and i["id"]=="seed-11" and i["result"]!="match" and not i["matches"], d' "$TEST_DIR/good.json"
out=$(scan "$TEST_DIR/vigil-test-crash.ioc" 2>&1)
ok "a document that crashes the sandbox refuses the scan with the sandbox's error" \
	bash -c '[[ "$1" == *"died (signal SIG"@(SEGV|SYS)") while handling ioc.tree"* ]]' _ "$out"
# ioc watch: its documents are parsed in the sandbox as well.
ctl --json ioc watch "$TEST_DIR/vigil-test-sandbox-only.ioc" >"$TEST_DIR/watch.json" 2>&1
ok "ioc watch arms a document that only the sandbox can read" \
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
assert [a["id"] for a in d["armed"]]==["sandbox-only"] and not d["refused"], d' \
	"$TEST_DIR/watch.json"
out=$(ctl --json ioc watch "$TEST_DIR/vigil-test-forged-tree.ioc" 2>&1)
ok "and refuses a forged tree" bash -c '[[ "$1" == *"the parser sandbox'"'"'s tree is refused"* ]]' _ "$out"

# regex FILE ID PATTERN: a document whose one test is FileItem/FileName matching PATTERN.
regex() {
	cat >"$1" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<OpenIOC xmlns="http://openioc.org/schemas/OpenIOC_1.1" id="$2"><metadata><short_description>regex</short_description>
</metadata><criteria><Indicator id="$2-or" operator="OR"><IndicatorItem id="$2-i" condition="matches" preserve-case="false">
<Context document="FileItem" search="FileItem/FileName"/><Content type="string">$3</Content></IndicatorItem>
</Indicator></criteria></OpenIOC>
EOF
}
# regex_result FILE: the scan's result of the one document in FILE.
regex_result() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["iocs"][0]["result"])' "$1"; }
regex "$TEST_DIR/regex.ioc" regex-ioc '^VIGIL-sandbox-only-t.rget$'
scan "$TEST_DIR/regex.ioc" >"$TEST_DIR/regex.json" 2>&1
ok "a scan's matches test is evaluated (in the sandbox) as before" \
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); i=d["iocs"][0]
assert d["state"]=="done" and i["result"]=="match", d
assert i["matches"]==[{"indicator":"regex-ioc-or","items":[{"document":"FileItem","path":sys.argv[2]}]}], i' \
	"$TEST_DIR/regex.json" "$SCAN_DIR/vigil-sandbox-only-target"
deaths=$(sandbox deaths)
regex "$TEST_DIR/regex-crash.ioc" regex-crash vigil-test-regex-crash
scan "$TEST_DIR/regex-crash.ioc" >"$TEST_DIR/regex-crash.json" 2>&1
ok "a pattern that takes the sandbox over kills it, not the agent: the scan ends, its tests unknown" \
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); i=d["iocs"][0]
assert d["state"]=="done" and i["result"]=="unknown" and not i["matches"], d
assert "a regular expression could not be evaluated: vigil-test-regex-crash" in json.dumps(d), d' \
	"$TEST_DIR/regex-crash.json"
ok "the sandbox died running it (PCRE2 ran there)" test "$(sandbox deaths)" -gt "$deaths"
scan "$TEST_DIR/regex.ioc" >"$TEST_DIR/regex2.json" 2>&1
ok "and the next scan's matches test is evaluated again" test "$(regex_result "$TEST_DIR/regex2.json")" = match
scan "$TEST_DIR/regex.ioc" --hint 'other$' >"$TEST_DIR/hint1.json" 2>&1
scan "$TEST_DIR/regex.ioc" --hint 'only-t.rget$' >"$TEST_DIR/hint2.json" 2>&1
ok "--hint (tested in the sandbox) limits the files evaluated as before" \
	test "$(regex_result "$TEST_DIR/hint1.json") $(regex_result "$TEST_DIR/hint2.json")" = "no-match match"
out=$(scan "$TEST_DIR/regex.ioc" --hint '(' 2>&1)
ok "a hint that does not compile refuses the scan, as before" bash -c '[[ "$1" == *"invalid hint '"'"'('"'"'"* ]]' _ "$out"
[[ "$out" == *"invalid hint"* ]] || diag "the scan with the hint ( answered: $out"
# The scan's worker refuses such a hint after one round trip to the sandbox: on a loaded host,
# before the loop is done handing the scan over.  The test agent holds the loop there (2 s):
# what the worker found is still the scan's outcome, not "done" with nothing walked.
tcall() { python3 "$VIGIL_TOP_SRCDIR/tests/integration/agent-call.py" "$SOCKET" "$@"; }
reached() { tcall test.paused "{\"point\": \"$1\"}" | grep -q '"reached": true'; }
tcall test.pause '{"point": "ioc-scan:handed", "ms": 2000}' >/dev/null
out=$(scan "$TEST_DIR/regex.ioc" --hint '(' 2>&1)
ok "a hint refused before the loop has handed the scan over still refuses it" \
	bash -c '[[ "$1" == *"invalid hint '"'"'('"'"'"* ]]' _ "$out"
[[ "$out" == *"invalid hint"* ]] || diag "the scan with the hint ( answered: $out"
ok "(the loop was held there while the worker refused it)" reached ioc-scan:handed
deaths=$(sandbox deaths)
out=$(scan "$TEST_DIR/regex.ioc" --hint vigil-test-regex-crash 2>&1)
ok "a hint that takes the sandbox over kills it, not the agent, and refuses the scan" \
	bash -c '[[ "$1" == *"the hint '"'"'vigil-test-regex-crash'"'"' cannot be tested"* ]]' _ "$out"
ok "the sandbox died testing it" test "$(sandbox deaths)" -gt "$deaths"

deaths=$(sandbox deaths)
out=$(checks "$TEST_DIR/vigil-test-frame.ioc")
ok "a frame over the limit ends the worker and the request gets an error" \
	bash -c '[[ "$1" == "False|the parser sandbox broke the framing while handling ioc.parse"* ]]' _ "$out"
ok "and the next document is checked" good_checks
ok "the worker that broke the framing is counted" test "$(sandbox deaths)" = $((deaths + 1))

pid=$(sandbox pid)
deaths=$(sandbox deaths)
kill -KILL "$pid"
ok "a sandbox killed while idle is replaced: the next request does not notice" good_checks
ok "that death is counted too" test "$(sandbox deaths)" = $((deaths + 1)) -a "$(sandbox pid)" != "$pid"
# The test worker's CPU time for a life is twice agent.sandbox_cpu_seconds (20 times for vigild's).
starts=$(sandbox starts)
deaths=$(sandbox deaths)
first=$(checks "$TEST_DIR/vigil-test-busy.ioc")
second=$(checks "$TEST_DIR/vigil-test-busy.ioc")
ok "a worker near the end of its CPU time still answers" test "${first%%|*} ${second%%|*}" = "True True"
ok "then retires: the next document is checked by a new one" good_checks
ok "which is no death" test "$(sandbox deaths)" = "$deaths" -a "$(sandbox starts)" -gt "$starts"
ok "the agent logged each death" test "$(grep -c 'sandbox: worker .*ended (signal' "$AGENT_LOG")" -ge 5

pid=$(sandbox pid)
stop_agent
ok "the worker ends with the agent" wait_for 30 bash -c '! kill -0 "$1" 2>/dev/null' _ "$pid"
start_agent || exit 1
good_checks
pid=$(sandbox pid)
kill_agent
ok "and with an agent that was killed (PR_SET_PDEATHSIG)" wait_for 30 bash -c '! kill -0 "$1" 2>/dev/null' _ "$pid"

finish
