#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# vigilctl status at a glance: a state word per part, the numbers that matter, problems as
# sentences, local dates; never a raw value (JSON, epoch numbers, -1, null); every detail with
# --verbose; every field with --json; colour only on a terminal, never with NO_COLOR; French
# through and through, aligned by display width.  Also the task detail and the event rows.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
plan 29

use_test_agent
start_agent
out=$(ctl status)
diag "$out"
ok "one line per part, each with its state word" bash -c '
	for part in "Agent  *active" "Telemetry  *off" "Server link  *not configured" "Isolation  *off" \
		"Tasks  *idle" "IOC scans  *idle"; do
		grep -qE "^  [●○*o] $part" <<<"$1" || { echo "no $part"; exit 1; }
	done' _ "$out"
ok "the agent's line: since a local time, how long ago, its pid" bash -c '[[ "$1" =~ since\ [0-9]{2}:[0-9]{2}\ \([0-9]+\ s\ ago\),\ pid\ [0-9]+ ]]' _ "$out"
# raw FILE: no JSON, no epoch number (seconds or ms), no -1, no null, no long decimals.
raw() { grep -nE '[{}]|"|\bnull\b|(^|[^0-9])-1\b|\b1[0-9]{9}\b|[0-9]\.[0-9]{3,}|1970' <<<"$1"; }
ok "no raw value in status" bash -c "$(declare -f raw); ! raw \"\$1\"" _ "$out"
iso=$(ctl isolation status)
ok "a fresh agent's isolation is off, without a date" bash -c '[[ "$(head -1 <<<"$1")" == "Isolation: off" ]] && ! grep -q 1970 <<<"$1"' _ "$iso"

verbose=$(ctl status --verbose)
ok "--verbose adds the details, labelled" bash -c 'grep -q "^      State directory: *$2$" <<<"$1" && grep -q "^      Last written to the spool: *never$" <<<"$1" && [ $(wc -l <<<"$1") -gt 30 ]' _ "$verbose" "$STATE_DIR"
ok "no raw value in --verbose either" bash -c "$(declare -f raw); ! raw \"\$1\"" _ "$verbose"
json=$(ctl --json status)
ok "--json keeps every field for machines" bash -c 'python3 -c "
import json, sys
d = json.loads(sys.argv[1]); s = d[\"sections\"]
assert s[\"isolation\"][\"who\"] == -1 and s[\"isolation\"][\"since\"] is None and s[\"isolation\"][\"since_ms\"] is None and s[\"isolation\"][\"until\"] is None
assert set(s[\"telemetry\"][\"rates_per_s\"]) == {\"process\", \"network\", \"file\"}
assert s[\"telemetry\"][\"last_commit\"] is None and d[\"spool\"][\"available\"] is True
" "$1"' _ "$json"

# Events: rates are rounded, counts in words.
test_emit 500 >/dev/null
out=$(ctl status)
ok "the telemetry line counts the events, the rate rounded" bash -c 'grep -qE "^  [●○] Telemetry  .*[0-9.]+ events/s, [0-9]+ events since the start$" <<<"$1" && ! grep -qE "[0-9]\.[0-9]{2}" <<<"$1"' _ "$out"
spool_in_units() { ctl status -v | grep -qE "^      Spool: *[0-9]+ events, [0-9.]+ (KiB|MiB)$"; }
ok "the spool in the agent's details, in units" wait_for 60 spool_in_units
# French typography in what the parts say, the separators between their numbers too.
waiting_events() { ctl status | grep -q "; [0-9]* events waiting"; }
wait_for 60 waiting_events
nbsp_before_punct() { python3 -c '
import re, sys
bad = [l for l in sys.argv[1].splitlines() if re.search(r"[^\u00a0\u202f][:;](\s|$)", l)]
assert not bad, bad
' "$1"; }
ok "LANGUAGE=fr: a no-break space before every ; and : (summaries, details)" nbsp_before_punct "$(LANGUAGE=fr ctl status -v)"

# Colour: on a terminal only, and never with NO_COLOR.
esc=$'\e['
ok "piped: no colour" bash -c '! grep -qF "$1" <<<"$2"' _ "$esc" "$out"
tty_out=$(TERM=xterm script -qec "\"$VIGILCTL\" --socket \"$SOCKET\" status" /dev/null)
ok "on a terminal: the state words in colour" bash -c 'grep -qF "$1" <<<"$2"' _ "$esc" "$tty_out"
tty_out=$(NO_COLOR=1 TERM=xterm script -qec "\"$VIGILCTL\" --socket \"$SOCKET\" status" /dev/null)
ok "on a terminal with NO_COLOR: none" bash -c '! grep -qF "$1" <<<"$2" && grep -q "Telemetry" <<<"$2"' _ "$esc" "$tty_out"

# A problem of the link is a sentence, under its line.
ctl settings set link.system_ca=yes >/dev/null
ctl server add 127.0.0.1:9 >/dev/null
waiting() { ctl status | grep -q "Server link  *waiting to retry"; }
ok "the link waits to retry" wait_for 60 waiting
out=$(ctl status)
diag "$out"
ok "its problem is a sentence on the next line" bash -c 'grep -A2 "Server link" <<<"$1" | grep -qE "^ {17}nothing listens on 127\.0\.0\.1:9: check the server.s address and"' _ "$out"

# French: every part, every state, every label; the values aligned by display width.
fr=$(LANGUAGE=fr ctl status)
diag "$fr"
ok "LANGUAGE=fr: every part is in French" bash -c '
	for w in Télémétrie "Liaison serveur" Isolement Tâches "Analyses IOC" "en attente" "dernier contact" "en veille"; do
		grep -q "$w" <<<"$1" || { echo "no $w"; exit 1; }
	done' _ "$fr"
ok "LANGUAGE=fr: no English word left" bash -c '! grep -qiE "waiting|retry|configured|idle|running|since|events|last contact|scans|terms|task" <<<"$1"' _ "$fr"
ok "LANGUAGE=fr: a number and its unit never part at the end of a line" \
	grep -qE "il y a [0-9]+"$'\xc2\xa0'"(s|min)\)" <<<"$fr"
frv=$(LANGUAGE=fr ctl status --verbose)
# The values of the agent's details start in one column, counted in characters (not bytes).
# Python counts characters, and every character here takes one column.
value_columns() { python3 -c '
import re, sys
lines = [l for l in sys.argv[1].splitlines() if re.match(r"^ +\S.*?\u00a0: +\S", l)][:int(sys.argv[2])]
cols = {len(re.match(r"^( +\S.*?\u00a0: +)\S", l).group(1)) for l in lines}
assert len(lines) == int(sys.argv[2]) and len(cols) == 1, (lines, cols)
' "$1" "$2"; }
ok "LANGUAGE=fr --verbose: labels with a no-break space before the colon, values in one column" value_columns "$frv" 10
ok "LANGUAGE=fr telemetry stats: values in one column, however long the label" value_columns "$(LANGUAGE=fr ctl telemetry stats)" 12

# The task detail: labelled lines, local times, sizes; never raw data.
printf 'twelve bytes' >"$TEST_DIR/twelve"
ctl task get-file "$TEST_DIR/twelve" >/dev/null
show=$(ctl task show 1)
diag "$show"
ok "task show: labelled lines with the kind in words" bash -c 'grep -q "^  Task: *1, collect a file$" <<<"$1" && grep -q "^  State: *succeeded$" <<<"$1"' _ "$show"
ok "task show: the size in words, times local with how long ago" bash -c 'grep -q "^  Size: *12 bytes$" <<<"$1" && grep -qE "^  Modified: *[0-9]{2}:[0-9]{2} \([0-9]+ (s|min) ago\)$" <<<"$1"' _ "$show"
# (The copy's file name in the collection directory has a number of its own.)
ok "task show: no raw value" bash -c "$(declare -f raw); ! raw \"\$(grep -v /collected/ <<<\"\$1\")\"" _ "$show"
ctl task terminate 999999 >/dev/null 2>&1
show=$(ctl task show 2)
ok "a terminate: one line per process, and the error as a sentence" bash -c 'grep -q "^  Process 999999: *gone: no such process$" <<<"$1" && grep -q "^  Error: *no process 999999$" <<<"$1" && ! grep -q "start_time" <<<"$1"' _ "$show"
frshow=$(LANGUAGE=fr ctl task show 2)
diag "$frshow"
ok "LANGUAGE=fr task show: in French, the error too" bash -c 'grep -q "terminer des processus" <<<"$1" && grep -q "aucun processus 999999" <<<"$1" && ! grep -qE "gone|no such|Requested" <<<"$1"' _ "$frshow"
ok "LANGUAGE=fr task show: values in one column" value_columns "$frshow" 6

# Events: the activity and the acting process tell rows apart; other events say what they are.
test_emit 1 1001 >/dev/null
test_emit 1 2004 >/dev/null
stored() { ctl telemetry show --limit 2 | grep -q detection; }
wait_for 60 stored
rows=$(ctl telemetry show --limit 2)
diag "$rows"
ok "telemetry show: an activity column in words" bash -c 'grep -qE "^[0-9-]+ [0-9:.]+  file +create +[0-9]+ +" <<<"$1"' _ "$rows"
ok "telemetry show: an event of another class has its type and text" bash -c 'grep -qE "  detection +create +- +test event" <<<"$1"' _ "$rows"
frrows=$(LANGUAGE=fr ctl telemetry show --limit 2)
ok "LANGUAGE=fr telemetry show: types and activities in French" bash -c 'grep -q "fichier" <<<"$1" && grep -q "création" <<<"$1" && grep -q "détection" <<<"$1"' _ "$frrows"
finish
