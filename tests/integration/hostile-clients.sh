#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Garbage, oversized lines, half-sent messages and crowds of clients never harm the agent.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
plan 15

client="$VIGIL_TOP_SRCDIR/tests/integration/hostile-client.py"
run_client() { timeout 60 python3 "$client" "$SOCKET" "$1" 1>&2; }
ok "agent starts" start_agent
rss_before=$(awk '/VmRSS/ {print $2}' "/proc/$AGENT_PID/status")
for scenario in malformed huge_line half_message nul_byte many_clients no_reader; do
	ok "$scenario: handled" run_client "$scenario"
	ok "$scenario: the agent still answers" ctl status
done
ok "the agent process is still the same one" kill -0 "$AGENT_PID"
rss=$(awk '/VmRSS/ {print $2}' "/proc/$AGENT_PID/status")
diag "agent RSS: ${rss_before} kB at start, ${rss} kB after the abuse"
# Growth, not the absolute figure, so that the sanitizer build (large shadow memory) is judged alike.
ok "the agent stayed small (RSS grew by less than 32 MiB)" test $((rss - rss_before)) -lt 32768
finish
