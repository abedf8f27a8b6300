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
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
plan 35

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
ok "the agent logged each death" test "$(grep -c 'sandbox: worker .*ended (signal' "$AGENT_LOG")" -ge 4

pid=$(sandbox pid)
stop_agent
ok "the worker ends with the agent" wait_for 30 bash -c '! kill -0 "$1" 2>/dev/null' _ "$pid"
start_agent || exit 1
good_checks
pid=$(sandbox pid)
kill_agent
ok "and with an agent that was killed (PR_SET_PDEATHSIG)" wait_for 30 bash -c '! kill -0 "$1" 2>/dev/null' _ "$pid"

finish
