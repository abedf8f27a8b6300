#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# vigilctl's conventions, through its own process and, for what needs a terminal, tmux: help at
# every level, wrapped to the width; options read by one parser (typed values, usage errors with
# the synopsis); Ctrl-C and Ctrl-D at the prompt; confirmation of permanent deletes; completion
# of options and their values (the shell and bash); -S for the socket; JSON errors, JSON Lines,
# and one rule for "nothing found".
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
command -v tmux >/dev/null || { echo "Bail out! tmux is needed"; exit 1; }
plan 57

export HOME="$TEST_DIR/home" LANG=C.UTF-8 LANGUAGE=
mkdir -p "$HOME"
unset TMUX
tm() { tmux -L "vigil-cli-$$" -f /dev/null "$@"; }
on_exit "tmux -L vigil-cli-$$ kill-server; rm -f \"${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/vigil-cli-$$\""
# run_in_tmux NAME COLUMNS COMMAND...: COMMAND on a terminal; its exit status goes to $TEST_DIR/NAME.rc.
# The sh around it survives the Ctrl-C sent to COMMAND (a trap, not an ignore: COMMAND gets the default).
run_in_tmux() {
	local name=$1 cols=$2
	shift 2
	rm -f "$TEST_DIR/$name.rc"
	tm new-session -d -s "$name" -x "$cols" -y 50 \
		sh -c 'trap : INT; "$@"; echo $? >"$0"; sleep 60' "$TEST_DIR/$name.rc" env VIGIL_SOCKET="$SOCKET" HOME="$HOME" "$@"
}
pane() { tm capture-pane -p -J -S - -t "$1"; }
pane_has() { pane "$1" | grep -qF -- "$2"; }
rc_of() { cat "$TEST_DIR/$1.rc" 2>/dev/null; }
has_rc() { [ -s "$TEST_DIR/$1.rc" ]; }
show_pane() { pane "$1" | sed 's/^/#   |/'; }
# widest: the widest line of standard input, in characters.
widest() { python3 -c 'import sys; print(max((len(l.rstrip("\n")) for l in sys.stdin), default=0))'; }

ok "agent starts" start_agent

# ---- Help at every level (issue 14 item 10) ----
out=$(ctl help settings 2>&1); rc=$?
ok "help GROUP lists the group's commands" bash -c '[ "$1" = 0 ] && [[ "$2" == *"settings import"* && "$2" == *"settings history"* ]]' _ "$rc" "$out"
out=$(ctl settings --help 2>&1); rc=$?
ok "GROUP --help lists them too" bash -c '[ "$1" = 0 ] && [[ "$2" == *"settings set"* && "$2" == *"settings export"* ]]' _ "$rc" "$out"
out=$(ctl settings 2>&1); rc=$?
ok "a group alone lists its commands" bash -c '[ "$1" = 0 ] && [[ "$2" == *"settings show"* ]]' _ "$rc" "$out"
out=$(ctl isolation exception -h 2>&1); rc=$?
ok "a group two words deep" bash -c '[ "$1" = 0 ] && [[ "$2" == *"isolation exception remove ID"* ]] && [[ "$2" != *"isolation on"* ]]' _ "$rc" "$out"
out=$(ctl settings set --help 2>&1); rc=$?
ok "COMMAND --help shows its usage and options" bash -c '[ "$1" = 0 ] && [[ "$2" == *"Usage: settings set KEY=VALUE..."* && "$2" == *"Options:"* && "$2" == *"--help"* ]]' _ "$rc" "$out"
out=$(ctl help task delete-file 2>&1)
ok "help COMMAND lists every option with its help" bash -c '[[ "$1" == *"--quarantine"*"keep a copy in the quarantine first"* && "$1" == *"--yes"* && "$1" == *"Needs root."* ]]' _ "$out"
ok "an unknown subcommand is a usage error naming the group" bash -c \
	'out=$("$VIGILCTL" settings frob 2>&1); [ $? = 2 ] && [[ "$out" == *"unknown command \"frob\"; try \"help settings\""* ]]'

# ---- One parser: typed values, usage errors with the synopsis ----
out=$(ctl task list --limit 0 2>&1); rc=$?
ok "a value out of range is a usage error with the synopsis" bash -c '[ "$1" = 2 ] && [[ "$2" == *"--limit takes a number from 1 to 10000"* && "$2" == *"Usage: task list [--state STATE] [--limit N]"* ]]' _ "$rc" "$out"
out=$(ctl telemetry show --type bogus 2>&1); rc=$?
ok "an enumeration names its words" bash -c '[ "$1" = 2 ] && [[ "$2" == *"--type takes process, network, file or other, not \"bogus\""* ]]' _ "$rc" "$out"
ok "--opt=value and unambiguous prefixes of options" bash -c \
	'"$VIGILCTL" --json task list --stat=refused --lim=3 | python3 -c "import json,sys; assert json.load(sys.stdin) == []"'
ok "options of a program run by a task stay its own" bash -c \
	'"$VIGILCTL" --json task run --timeout 10 /bin/echo --help -n | python3 -c "import json,sys; d=json.load(sys.stdin); assert d[\"result\"][\"stdout\"] == \"--help -n\\n\", d"'

# ---- Help wraps to the width, never cuts a word (item 12) ----
w=0 ncmds=0 widest_cmd=
while read -r cmd; do
	n=$("$VIGILCTL" help $cmd | widest)
	ncmds=$((ncmds + 1))
	[ "$n" -gt "$w" ] && w=$n && widest_cmd=$cmd
done < <("$VIGILCTL" --commands-roff | grep -A1 '^\.TP$' | sed -n 's/^\\fB//p' | sed 's/\\fR.*//; s/\\ / /g' | grep -v '^\\-')
diag "widest help line, not on a terminal: $w columns (help $widest_cmd)"
ok "help COMMAND has no line over 80 columns when not a terminal" test "$w" -le 80 -a "$ncmds" -gt 40
ok "vigilctl --help has no line over 80 columns" test "$("$VIGILCTL" --help | widest)" -le 80
ok "nor in French" test "$(LANGUAGE=fr "$VIGILCTL" --help | widest)" -le 80
run_in_tmux narrow 50 "$VIGILCTL" help ioc scan
wait_for 60 has_rc narrow
ok "on a terminal of 50 columns, no line is wider" test "$(pane narrow | widest)" -le 50
# The usage lines (up to the blank line): each bracket closes on its own line.
balanced() { sed '/^$/q' | awk '{ o = gsub(/\[/, "["); c = gsub(/\]/, "]"); if (o != c) bad = 1 } END { exit bad }'; }
export -f balanced
ok "... and the synopsis breaks between options, not inside one" bash -c \
	'balanced <<<"$1" && grep -q "\[--hash-limit SIZE\]" <<<"$1" && grep -q "\[--action ACTION\]" <<<"$1"' _ "$(pane narrow)"

# ---- Confirmation of permanent deletes (item 13) ----
work="$TEST_DIR/files"
mkdir -p "$work"
echo keep >"$work/a"
out=$(ctl task delete-file "$work/a" </dev/null 2>&1); rc=$?
ok "a script must say --yes to delete for good" bash -c '[ "$1" = 2 ] && [[ "$2" == *"--yes"* ]] && [ -e "$3" ]' _ "$rc" "$out" "$work/a"
printf 'task delete-file %s\n' "$work/a" >"$TEST_DIR/delete.script"
run_in_tmux fromfile 100 "$VIGILCTL" -f "$TEST_DIR/delete.script"
wait_for 60 has_rc fromfile
ok "so must -f FILE, even from a terminal" bash -c '[ "$(cat "$1")" = 2 ] && [ -e "$2" ]' _ "$TEST_DIR/fromfile.rc" "$work/a"
run_in_tmux askno 100 "$VIGILCTL" task delete-file "$work/a"
ok "a person at a terminal is asked" wait_for 60 pane_has askno "Delete $work/a for good (no copy is kept)? [y/N]"
tm send-keys -t askno n Enter
wait_for 60 has_rc askno
ok "... \"n\" keeps the file (exit 1)" bash -c '[ "$(cat "$1")" = 1 ] && [ -e "$2" ]' _ "$TEST_DIR/askno.rc" "$work/a"
run_in_tmux askyes 100 "$VIGILCTL" task delete-file "$work/a"
wait_for 60 pane_has askyes "for good"
tm send-keys -t askyes y Enter
wait_for 60 has_rc askyes
ok "... \"y\" deletes it" bash -c '[ "$(cat "$1")" = 0 ] && [ ! -e "$2" ]' _ "$TEST_DIR/askyes.rc" "$work/a"
echo junk >"$work/b"
ok "--yes deletes without a question" bash -c '"$VIGILCTL" task delete-file --yes "$1" </dev/null >/dev/null && [ ! -e "$1" ]' _ "$work/b"
echo junk >"$work/q"
qid=$(ctl --json task delete-file --quarantine "$work/q" </dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["result"]["quarantine"])')
ok "a delete into the quarantine is not asked" test -n "$qid" -a ! -e "$work/q"
ok "quarantine purge in a script needs --yes" bash -c '[ "$("$VIGILCTL" quarantine purge "$1" </dev/null >/dev/null 2>&1; echo $?)" = 2 ] && [ -e "$STATE_DIR/quarantine/$1.data" ]' _ "$qid"

# ---- The shell: completion (item 14), Ctrl-C and Ctrl-D (item 11) ----
run_in_tmux shell 120 "$VIGILCTL"
wait_for 60 pane_has shell "vigil>"
tm send-keys -t shell "task delete-file --qu" Tab
ok "Tab completes an option" wait_for 60 pane_has shell "vigil> task delete-file --quarantine"
tm send-keys -t shell C-u "telemetry show --type pr" Tab
ok "Tab completes an option's words" wait_for 60 pane_has shell "vigil> telemetry show --type process"
tm send-keys -t shell C-u "settings export --format=js" Tab
ok "Tab completes after --option=" wait_for 60 pane_has shell "vigil> settings export --format=json"
tm send-keys -t shell C-u "task list --state tim" Tab
ok "Tab completes an enumeration" wait_for 60 pane_has shell "vigil> task list --state timed_out"
tm send-keys -t shell C-u "task run --cwd /us" Tab
ok "Tab completes a directory" wait_for 60 pane_has shell "vigil> task run --cwd /usr/"
tm send-keys -t shell C-u "quarantine purge " Tab
ok "Tab completes what the agent holds (quarantine ids)" wait_for 60 pane_has shell "vigil> quarantine purge $qid"
tm send-keys -t shell Enter
ok "the shell asks before purging" wait_for 60 pane_has shell "Delete quarantine entry $qid for good? [y/N]"
tm send-keys -t shell y Enter
ok "... and purges once told yes" wait_for 60 bash -c '! "$VIGILCTL" quarantine list | grep -q "$1"' _ "$qid"
tm send-keys -t shell "status" Enter
wait_for 60 pane_has shell "Vigil agent"
tm send-keys -t shell "settings sho"
wait_for 60 pane_has shell "vigil> settings sho"
tm send-keys -t shell C-c
# The shell has taken the Ctrl-C once it echoes it (readline's ^C).
wait_for 60 pane_has shell "vigil> settings sho^C"
ok "Ctrl-C at the prompt leaves the shell running" bash -c '! [ -s "$1" ]' _ "$TEST_DIR/shell.rc"
tm send-keys -t shell "settings show link.port" Enter
ok "... and clears the line: the next command runs alone" wait_for 60 pane_has shell "Port of the central server"
tm send-keys -t shell "telemetry follow" Enter
wait_for 60 pane_has shell "Following new events"
tm send-keys -t shell C-c
tm send-keys -t shell "settings show link.sync_period" Enter
ok "Ctrl-C stops a running command, not the shell" wait_for 60 pane_has shell "Period of synchronization"
tm send-keys -t shell Up
ok "the session's history is kept" wait_for 60 bash -c 'tmux -L "vigil-cli-$1" capture-pane -p -t shell | grep -v "^ *$" | tail -3 | grep -qF "vigil> settings show link.sync_period"' _ $$
tm send-keys -t shell C-u C-d
wait_for 60 has_rc shell
[ "$(rc_of shell)" = 0 ] || { diag "exit status $(rc_of shell)"; show_pane shell; }
ok "Ctrl-D leaves the shell, exit 0" test "$(rc_of shell)" = 0
ok "... and writes the history" bash -c 'grep -qx "status" "$1" && grep -qx "settings show link.port" "$1"' _ "$HOME/.vigilctl_history"

# ---- bash completion, from the same declarations ----
# comp LINE: what bash completes at the end of LINE (COMP_WORDBREAKS as bash sets it, with "=").
comp() {
	PATH="$(dirname "$VIGILCTL"):$PATH" bash -c '. "$1/dist/vigilctl.bash-completion"
		COMP_LINE=$2; COMP_POINT=${#COMP_LINE}; _vigilctl; printf "%s\n" "${COMPREPLY[@]}"' _ "$VIGIL_TOP_SRCDIR" "$1"
}
export -f comp
ok "bash: command words" bash -c '[ "$(comp "vigilctl sett")" = settings ]'
ok "bash: an option's values" bash -c '[ "$(comp "vigilctl task list --state r" | sort | tr "\n" " ")" = "refused running " ]'
ok "bash: setting keys from the agent, after -S" bash -c \
	'comp "vigilctl -S $SOCKET settings show link.po" | grep -qx link.port'
ok "bash: the value after --option=" bash -c '[ "$(comp "vigilctl settings export --format=j")" = json ]'

# ---- One letter, one meaning (item 15) ----
ok "vigilctl -S SOCKET" "$VIGILCTL" -S "$SOCKET" status
out=$("$VIGILCTL" -s "$SOCKET" status 2>&1 >/dev/null); rc=$?
ok "the old -s still works, with a warning" bash -c '[ "$1" = 0 ] && [[ "$2" == *"-s is deprecated"*"use -S (--socket)"* ]]' _ "$rc" "$out"
ok "vigilctl --help shows -S" bash -c '"$VIGILCTL" --help | grep -q -- "-S, --socket PATH"'
ok "vigil-console takes -S too" bash -c '"$VIGIL_CONSOLE" -S /nonexistent --help | grep -q -- "-S, --socket PATH"'

# ---- JSON for scripts (items 17, 18, 20) ----
out=$(ctl --json task show 999999 2>/dev/null); rc=$?
ok "--json: an error is a JSON object on stdout, same exit status" bash -c '[ "$1" = 1 ] && python3 -c "import json,sys; e=json.loads(sys.argv[1])[\"error\"]; assert e[\"code\"]==\"not-found\" and e[\"msgid\"]==\"no task %s\" and e[\"args\"]==[\"999999\"] and e[\"message\"]==\"no task 999999\", e" "$2"' _ "$rc" "$out"
out=$(ctl --json task list --limit 0 2>/dev/null); rc=$?
ok "--json: a usage error too" bash -c '[ "$1" = 2 ] && python3 -c "import json,sys; e=json.loads(sys.argv[1])[\"error\"]; assert e[\"code\"]==\"usage\" and e[\"args\"]==[\"--limit\",\"1\",\"10000\"], e" "$2"' _ "$rc" "$out"
out=$("$VIGILCTL" --json -S "$TEST_DIR/none.sock" status 2>/dev/null); rc=$?
ok "--json: an agent out of reach too" bash -c '[ "$1" = 3 ] && python3 -c "import json,sys; assert json.loads(sys.argv[1])[\"error\"][\"code\"]==\"unreachable\"" "$2"' _ "$rc" "$out"
out=$(printf 'status\nsettings show link.port\nisolation exception list\n' | ctl --json)
ok "several commands print JSON Lines: one document per line" python3 -c '
import json, sys
lines = sys.argv[1].split("\n")
assert len(lines) == 3, lines
docs = [json.loads(l) for l in lines]
assert docs[0]["pid"] > 1 and docs[1]["key"] == "link.port" and docs[2] == []' "$out"
ok "one command into a pipe prints one line" test "$(ctl --json settings show link.port | wc -l)" = 1
run_in_tmux onetty 100 "$VIGILCTL" --json settings show link.port
wait_for 60 has_rc onetty
ok "one command on a terminal prints it indented" bash -c 'tmux -L "vigil-cli-$1" capture-pane -p -t onetty | grep -q "^  \"key\": \"link.port\","' _ $$
out=$(ctl cert server show 2>&1); rc=$?
ok "nothing to show is not an error: cert server show exits 0" bash -c '[ "$1" = 0 ] && [[ "$2" == "No server certificate is imported." ]]' _ "$rc" "$out"
ok "... and prints null with --json" test "$(ctl --json cert server show)" = null
ok "an empty list exits 0" test "$(status_of ctl isolation exception list)" = 0
ok "one named thing that does not exist exits 1" test "$(status_of ctl settings show no.such.key)" = 1
finish
