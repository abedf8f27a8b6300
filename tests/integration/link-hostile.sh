#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A hostile central server: oversized answers, invalid JSON, unknown commands, a body that
# never ends, a slow-loris server.  The agent stays up, bounded in memory, and says what happened.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/link-lib.sh"
plan 11

make_pki
start_agent
ctl settings set link.request_timeout=3 link.connect_timeout=3 >/dev/null
setup_link

# hostile MODE TEXT: the agent reports TEXT for a server in MODE.
hostile() {
	local mode=$1 text=$2 port
	port=$(free_port)
	start_central "$mode" "$port" --hostile "$mode" --poll-wait 2
	ctl server add "127.0.0.1:$port" >/dev/null
	wait_for 60 link_error_has "$text"
	local rc=$?
	ctl server remove "127.0.0.1:$port" >/dev/null
	stop_central "$mode"
	return $rc
}

ok "an oversized answer is refused" hostile oversized "sent an oversized response"
ok "invalid JSON is reported" hostile invalid-json "sent an invalid answer"
ok "a body that never ends is cut off" hostile endless "sent an oversized response"
ok "a slow-loris server is abandoned" hostile slowloris "did not answer in time"

PORT=$(free_port)
start_central unknown "$PORT" --hostile unknown-command --poll-wait 2
ctl server add "127.0.0.1:$PORT" >/dev/null
ok "an unknown command is answered 400, not run" wait_for 60 python3 -c "
import json,sys
for l in open('$TEST_DIR/central-unknown/responses.jsonl'):
    r = json.loads(l)
    if r['request_id'].startswith('hostile-') and r['response']['status'] == 400: sys.exit(0)
sys.exit(1)"
ctl server remove "127.0.0.1:$PORT" >/dev/null
stop_central unknown

# A server that asks the agent to slow down (503 with Retry-After: 6) is obeyed: the server
# sees each new attempt at least 6 s after it refused the last one (it stamps a refusal before
# answering it, and the agent counts the 6 s from the answer, so a busy machine only makes the
# gaps longer; 5.9 allows for the agent's millisecond clock).
PORT=$(free_port)
ADMIN=$(free_port)
start_central slow "$PORT" --fail-events --retry-after 6 --admin-port "$ADMIN"
ctl server add "127.0.0.1:$PORT" >/dev/null
ctl settings set link.max_transfer_delay=1 >/dev/null
test_emit 5 >/dev/null
ok "a 503 with Retry-After is reported" wait_for 60 link_error_has "asked the agent to slow down"
# refusals [MIN]: prints the gaps between refusals (seconds); fails while there are fewer than MIN.
refusals() {
	python3 - "$ADMIN" "${1:-0}" <<'PY'
import json, sys, urllib.request
at = json.load(urllib.request.urlopen("http://127.0.0.1:%s/stats" % sys.argv[1], timeout=60))["refused_at"]
print(" ".join("%.2f" % (b - a) for a, b in zip(at, at[1:])))
sys.exit(0 if len(at) >= int(sys.argv[2]) else 1)
PY
}
wait_for 120 refusals 3
gaps=$(refusals)
ok "the agent waited as asked: ${gaps:-no} s between attempts" \
	python3 -c 'import sys; g = [float(x) for x in sys.argv[1:]]; sys.exit(0 if len(g) >= 2 and min(g) >= 5.9 else 1)' $gaps
ok "a 503 is a pause, not a reconnection: one hello" test "$(central_stat "$ADMIN" hello)" = 1
ctl server remove "127.0.0.1:$PORT" >/dev/null
stop_central slow

ok "the agent is still up" ctl status
peak=$(awk '/VmHWM/ {print $2}' "/proc/$AGENT_PID/status")
diag "agent peak RSS: $peak kB"
ok "the agent stayed bounded in memory (peak $peak kB)" test "$peak" -lt 262144
ok "the agent stops cleanly" stop_agent
finish
