# SPDX-License-Identifier: GPL-3.0-or-later
# The tasks screen: a run started from its form runs in the agent and shows its result and its
# output; get-file, a refused cancel, the quarantine view after a delete with quarantine.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/console-lib.sh"
plan 22

: >"$TEST_DIR/vigild.conf"
start_agent --config "$TEST_DIR/vigild.conf"
marker="console-marker-$$"
start_console LANG=C.UTF-8
wait_screen 60 "agent .* connected" >/dev/null
keys F4
ok "F4 shows the tasks screen" wait_screen 60 "No task yet"
# The run form: executable, arguments (a quoted word keeps its blank), the rest left empty.
keys x
ok "x opens the run form" wait_screen 60 "Run a program"
keys /bin/echo Tab
keys -l "$marker 'two  words'"
keys Enter
ok "the task started from the form is in the list" wait_screen 60 "run .*succeeded.*/bin/echo.*exit code 0"
ok "the detail pane shows the run's output" wait_screen 60 "$marker two  words"
ok "vigilctl task list has the same task" \
	sh -c "'$VIGILCTL' --socket '$SOCKET' --json task list | grep -q '\"$marker\"'"
# Enter opens the whole detail, Esc closes it.
keys Enter
ok "Enter shows the whole detail with the result" wait_screen 60 "Exit code:  *0"
ok "in labelled lines with local times, no raw data" sh -c "
	s=\$(tmux -L $TMUX_NAME capture-pane -p -t console)
	printf '%s\n' \"\$s\" | grep -qE 'Requested: +[0-9]{2}:[0-9]{2} \([0-9]+ (s|min) ago\) by uid 0, here' &&
	! printf '%s\n' \"\$s\" | grep -qE '[{}]|exit_code|1[0-9]{12}'"
keys Escape
# get-file with a relative path: the agent refuses the request before any task exists, and the
# form says why and stays open.
keys g
wait_screen 60 "Collect a file" >/dev/null
keys relative/path Enter
ok "a malformed request shows the agent's reason in the form" wait_screen 60 "relative/path: not an absolute path"
ok "and no task was made of it" sh -c "! '$VIGILCTL' --socket '$SOCKET' task list | grep -q relative/path"
keys Escape
# delete-file with the quarantine, then the quarantine view lists the file.
victim="$TEST_DIR/victim-$$.txt"
echo "evidence" >"$victim"
keys d
wait_screen 60 "Delete a file" >/dev/null
keys -l "$victim"
keys Enter
ok "delete-file with the quarantine succeeds" wait_screen 60 "delete-file .*succeeded"
ok "the file is gone" test ! -e "$victim"
keys Q
ok "Q shows the quarantine with the file" wait_screen 60 "/victim-"
keys R
ok "R asks before restoring it" wait_screen 60 "Restore .*victim-"
keys Enter
ok "the file is back at its path" wait_for 60 test -e "$victim"
ok "and the quarantine is empty again" wait_screen 60 "The quarantine is empty"
# Cancel of a task that has ended is refused by the console itself (once the list shows it ended).
keys Q
wait_screen 60 "quarantine-restore succeeded" >/dev/null
keys Home c
ok "cancel of an ended task says so" wait_screen 60 "already ended"
# A long run: the new task is selected, c asks for a confirmation, Enter cancels it.
keys x
wait_screen 60 "Run a program" >/dev/null
keys /bin/sleep Tab 600 Enter
ok "a long run shows as running" wait_screen 60 "run  *running .*/bin/sleep"
keys c
ok "c asks before cancelling the selected task" wait_screen 60 "Cancel task [0-9]* (run)?"
keys Enter
ok "the task is cancelled" wait_screen 60 "run  *cancelled .*/bin/sleep"
ok "and the agent says so" sh -c "'$VIGILCTL' --socket '$SOCKET' --json task list --state cancelled | grep -q /bin/sleep"
# An output longer than one reply (64 KiB): the pane gets the rest with task.output.
keys x
wait_screen 60 "Run a program" >/dev/null
keys /usr/bin/seq Tab 1 Space 30000 Enter
wait_screen 60 "run  *succeeded .*/usr/bin/seq" >/dev/null
keys Enter End
ok "the whole output of a long run shows, to its last line" wait_screen 60 "^ 30000 *$"
keys Escape
ok "q quits cleanly" quit_console
finish
