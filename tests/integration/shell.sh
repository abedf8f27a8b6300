#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The interactive shell, typed into through tmux: completion, help, commands, history, quit.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
plan 8

export HOME="$TEST_DIR/home"
mkdir -p "$HOME"
tm() { tmux -L "vigil-shell-$$" "$@"; }
# kill-server leaves the socket file behind: remove it too.
on_exit "tmux -L vigil-shell-$$ kill-server; rm -f \"${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/vigil-shell-$$\""
screen() { tm capture-pane -p -t shell; }
screen_has() { screen | grep -qF -- "$1"; }

ok "agent starts" start_agent
tm new-session -d -s shell -x 120 -y 40 "env VIGIL_SOCKET=$SOCKET HOME=$HOME LANGUAGE= LANG=C.UTF-8 $VIGILCTL; sleep 30"
ok "the shell greets and prompts" wait_for 60 screen_has "vigil>"

tm send-keys -t shell "sett" Tab
tm send-keys -t shell "sh" Tab
tm send-keys -t shell "link.por" Tab
ok "tab completes command words and setting names" wait_for 60 screen_has "vigil> settings show link.port"
tm send-keys -t shell Enter
ok "the completed command runs" wait_for 60 screen_has "Port of the central server"

tm send-keys -t shell "settings set link.sync_period=7" Enter
ok "a change from the shell" wait_for 60 bash -c '"$VIGILCTL" settings show link.sync_period | grep -q "7 minutes"'
tm send-keys -t shell " settings set link.sync_period=8" Enter
wait_for 60 bash -c '"$VIGILCTL" settings show link.sync_period | grep -q "8 minutes"'
tm send-keys -t shell "help settings import" Enter
ok "help COMMAND in the shell" wait_for 60 screen_has "Needs root."
tm send-keys -t shell "quit" Enter
ok "quit leaves the shell and writes the history" wait_for 60 grep -q "settings set link.sync_period=7" "$HOME/.vigilctl_history"
ok "a line typed with a leading space stays out of the history" bash -c '! grep -q "sync_period=8" "$HOME/.vigilctl_history"'
finish
