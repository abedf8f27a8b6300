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
	wait_for 30 link_error_has "$text"
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
ok "an unknown command is answered 400, not run" wait_for 20 python3 -c "
import json,sys
for l in open('$TEST_DIR/central-unknown/responses.jsonl'):
    r = json.loads(l)
    if r['request_id'].startswith('hostile-') and r['response']['status'] == 400: sys.exit(0)
sys.exit(1)"
ctl server remove "127.0.0.1:$PORT" >/dev/null
stop_central unknown

# A server that asks the agent to slow down (503 with Retry-After: 6) is obeyed.
PORT=$(free_port)
ADMIN=$(free_port)
start_central slow "$PORT" --fail-events --retry-after 6 --admin-port "$ADMIN"
ctl server add "127.0.0.1:$PORT" >/dev/null
ctl settings set link.max_transfer_delay=1 >/dev/null
test_emit 5 >/dev/null
ok "a 503 with Retry-After is reported" wait_for 15 link_error_has "asked the agent to slow down"
sleep 9
tries=$(python3 -c "import json,urllib.request; print(json.load(urllib.request.urlopen('http://127.0.0.1:$ADMIN/stats', timeout=5))['refused_batches'])")
ok "the agent waited as asked: $tries batch attempts in about 10 s" test "$tries" -ge 2 -a "$tries" -le 3
ok "a 503 is a pause, not a reconnection: one hello" test "$(central_stat "$ADMIN" hello)" = 1
ctl server remove "127.0.0.1:$PORT" >/dev/null
stop_central slow

ok "the agent is still up" ctl status
peak=$(awk '/VmHWM/ {print $2}' "/proc/$AGENT_PID/status")
diag "agent peak RSS: $peak kB"
ok "the agent stayed bounded in memory (peak $peak kB)" test "$peak" -lt 262144
ok "the agent stops cleanly" stop_agent
finish
