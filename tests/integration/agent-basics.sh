#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The real vigild driven by the real vigilctl: status, settings round trip, scripts, exit codes, help.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
plan 30

ok "vigild --version" bash -c '"$VIGILD" --version | grep -q "^vigild [0-9]"'
for opt in --foreground --config --state-dir --socket --pid-file --log-level --check-config --help --version; do
	"$VIGILD" --help | grep -q -- "$opt" || { diag "vigild --help lacks $opt"; missing=1; }
done
ok "vigild --help lists every option" test -z "${missing:-}"
missing=
for opt in --socket --json --file --help --version; do
	"$VIGILCTL" --help | grep -q -- "$opt" || { diag "vigilctl --help lacks $opt"; missing=1; }
done
ok "vigilctl --help lists every option and the commands" bash -c '[ -z "'"${missing:-}"'" ] && "$VIGILCTL" --help | grep -q "settings import"'

ok "agent starts" start_agent
out=$(ctl status --verbose)
ok "status: exit 0 and the version" bash -c '[[ "$1" == *"Vigil agent "* && "$1" == *"State directory:"*"'"$STATE_DIR"'"* ]]' _ "$out"
ok "status --json is JSON with pid and sections" bash -c \
	'ctl() { "$VIGILCTL" --socket "$SOCKET" "$@"; }; ctl --json status | python3 -c "import json,sys; d=json.load(sys.stdin); assert d[\"pid\"] > 1 and \"link\" in d[\"sections\"] and len(d[\"agent_id\"]) == 36"'

# The allocator it says it runs is the one it was built with, and the one its process maps.
if grep -q '^#define HAVE_JEMALLOC 1' "$VIGIL_TOP_BUILDDIR/config.h"; then want=jemalloc; else want=libc; fi
allocator=$(ctl --json status | python3 -c 'import json,sys; print(json.load(sys.stdin)["allocator"])')
mapped=libc
grep -q 'libjemalloc' "/proc/$AGENT_PID/maps" && mapped=jemalloc
ok "status names the allocator it was built with ($want)" test "$allocator/$mapped" = "$want/$want"
# An idle agent sleeps: under a tenth of a second of CPU in two seconds.  Its start-up work
# comes first: the index of the package files delete refuses (a worker builds it once, a
# quarter of a second of CPU with a cold cache) must be done before the agent is idle.
package_index_built() {
	ctl --json status | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["sections"]["tasks"]["protected"]["indexed_at"] > 0'
}
wait_for 60 package_index_built || diag "the package index was not built within 60 s"
cpu() { awk '{print $14 + $15}' "/proc/$AGENT_PID/stat"; }
before=$(cpu); sleep 2; after=$(cpu) # a measured period, not a wait
diag "CPU ticks while idle for 2 s: $((after - before))"
ok "an idle agent uses no CPU" test $((after - before)) -le 10

ok "settings set several at once" ctl settings set link.port=8443 link.servers=a.example.com,b.example.com:444 telemetry.enabled=off
ok "settings show KEY gives the new value" bash -c '"$VIGILCTL" settings show link.port | grep -q "8443"'
ok "a bad value: exit 1, message names the range, nothing changed" bash -c '
	out=$("$VIGILCTL" settings set link.sync_period=10 link.port=70000 2>&1); rc=$?
	[ $rc -eq 1 ] && [[ "$out" == *"between 1 and 65535"* ]] &&
	"$VIGILCTL" --json settings show link.sync_period | grep -q "\"value\": 5"'
ok "unknown key: exit 1 and named" bash -c '
	out=$("$VIGILCTL" settings set link.colour=blue 2>&1); [ $? -eq 1 ] && [[ "$out" == *"link.colour"* ]]'

ctl settings export "$TEST_DIR/s.ini" >/dev/null
ctl settings export --format json "$TEST_DIR/s.json" >/dev/null
ok "export ini holds the values" grep -q "^port = 8443" "$TEST_DIR/s.ini"
ok "export json holds the values" python3 -c "import json; d=json.load(open('$TEST_DIR/s.json')); assert d['link.port']==8443 and d['link.servers']==['a.example.com','b.example.com:444'] and d['telemetry.enabled'] is False"
ctl settings set link.port=443 link.servers= telemetry.enabled=yes >/dev/null
ok "import ini restores" bash -c '"$VIGILCTL" settings import "$1" >/dev/null && "$VIGILCTL" settings show link.port | grep -q 8443' _ "$TEST_DIR/s.ini"
ctl settings set link.port=443 link.servers= telemetry.enabled=yes >/dev/null
ok "import json restores" bash -c '"$VIGILCTL" settings import "$1" >/dev/null && "$VIGILCTL" --json settings show link.servers | grep -q b.example.com:444' _ "$TEST_DIR/s.json"
printf '[link]\nport = 1234\nsync_period = -3\n' >"$TEST_DIR/bad.ini"
ok "a bad import names file and line, changes nothing" bash -c '
	out=$("$VIGILCTL" settings import "$1" 2>&1); [ $? -eq 1 ] && [[ "$out" == *"bad.ini:3:"* ]] &&
	"$VIGILCTL" settings show link.port | grep -q 8443' _ "$TEST_DIR/bad.ini"
ok "history records who changed what" bash -c '"$VIGILCTL" settings history | grep -q "root  *0  *link.port  *443  *8443"'
ok "--json history is an array with uid 0" bash -c '"$VIGILCTL" --json settings history | python3 -c "import json,sys; h=json.load(sys.stdin); assert h and h[0][\"uid\"]==0"'

ok "unambiguous prefixes are accepted" bash -c '"$VIGILCTL" sett sh link.port | grep -q "^link.port"'
ok "exit 2 for an ambiguous prefix" test "$(status_of ctl s)" = 2
ok "exit 2 for an unknown command" test "$(status_of ctl frobnicate)" = 2
ok "exit 2 for a missing argument" test "$(status_of ctl settings import)" = 2
ok "exit 3 when the agent cannot be reached" test "$(status_of "$VIGILCTL" --socket "$TEST_DIR/none.sock" status)" = 3

printf 'status\n# a comment\n\nsettings set link.port=444\nsettings set link.port=0\nsettings set link.port=445\n' >"$TEST_DIR/script"
out=$(ctl -f "$TEST_DIR/script" 2>&1); rc=$?
ok "a script stops at the first failing line and names it" bash -c '[ "$1" = 1 ] && [[ "$2" == *"script:5:"* ]] && "$VIGILCTL" settings show link.port | grep -q 444' _ "$rc" "$out"
ok "commands from a pipe" bash -c 'printf "settings set link.port=446\nsettings show link.port\n" | "$VIGILCTL" | grep -q 446'
ok "help COMMAND explains it" bash -c '"$VIGILCTL" help settings set | grep -q "Needs root"'
ok "vigild --check-config names file and line" bash -c '
	printf "[agent]\nlog_level = loud\n" >"$1"; out=$("$VIGILD" --check-config --config "$1" 2>&1); [ $? -ne 0 ] && [[ "$out" == *"$1:2:"* ]]' _ "$TEST_DIR/bad.conf"
# The test agent's commands (tests/agent/) are not in the product.
ok "vigild has no test commands (test.clock, test.emit)" bash -c '
	for c in test.clock test.emit; do
		out=$(python3 "$VIGIL_TOP_SRCDIR/tests/integration/agent-call.py" "$SOCKET" "$c" "{\"advance\": 1, \"count\": 1}" 2>&1)
		[ $? -ne 0 ] && [[ "$out" == *"unknown command"* ]] || { echo "$c: $out"; exit 1; }
	done'
ok "a second agent on the same socket is refused" bash -c '
	out=$("$VIGILD" --foreground --config "$AGENT_CONFIG" --state-dir "$1" --socket "$SOCKET" 2>&1); [ $? -ne 0 ] && [[ "$out" == *"already running"* ]]' _ "$TEST_DIR/state2"
finish
