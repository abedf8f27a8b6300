# SPDX-License-Identifier: GPL-3.0-or-later
# The console tests: vigil-console inside a private tmux server, driven with send-keys and
# read with capture-pane.  Source after lib.sh.
#
#   start_console [NAME=VALUE...]   the console in a detached window (CONSOLE_COLS x CONSOLE_ROWS),
#                                   through the command in CONSOLE_PREFIX (array) if any
#   quit_console                    q, and a clean exit (status 0)
#   keys KEY...                     tmux send-keys
#   screen                          the text on the screen
#   wait_screen SECONDS PATTERN     waits until the screen matches the grep pattern
#   screen_lacks PATTERN            the screen does not match the grep pattern
#   click X Y                       a click of button 1 at column X, row Y (from 0)

: "${VIGIL_CONSOLE:?VIGIL_CONSOLE must point at the vigil-console binary}"
command -v tmux >/dev/null || { echo "Bail out! tmux is needed for the console tests"; exit 1; }

# A server of our own: tests run in parallel, and maybe inside someone's tmux.
unset TMUX
TMUX_NAME="vigil-$$"
CONSOLE_COLS=${CONSOLE_COLS:-100}
CONSOLE_ROWS=${CONSOLE_ROWS:-30}
tmx() { tmux -L "$TMUX_NAME" -f /dev/null "$@"; }
# kill-server leaves the socket file behind: remove it too.
on_exit "tmux -L $TMUX_NAME kill-server; rm -f \"${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$TMUX_NAME\""

CONSOLE_RC="$TEST_DIR/console.rc"
CONSOLE_PREFIX=()   # a command to run the console through (setpriv for another user)
start_console() {
	rm -f "$CONSOLE_RC"
	# The exit status goes to a file: tmux may see the pane close before it learns the status.
	tmx new-session -d -s console -x "$CONSOLE_COLS" -y "$CONSOLE_ROWS" \
		sh -c '"$@"; echo $? >"$0"' "$CONSOLE_RC" "${CONSOLE_PREFIX[@]}" env TERM=screen "$@" "$VIGIL_CONSOLE" --socket "$SOCKET" \; \
		set-option -t console remain-on-exit on
}

# kill_tmux: ends the tmux server and waits until it is gone, so that the next start_console
# cannot reach a server that is still going away.
kill_tmux() {
	tmx kill-server 2>/dev/null
	local i
	for i in $(seq 100); do
		tmx list-sessions >/dev/null 2>&1 || return 0
		sleep 0.05
	done
}

keys() { tmx send-keys -t console "$@"; }
screen() { tmx capture-pane -p -t console; }
screen_has() { screen | grep -q -- "$1"; }
screen_lacks() { ! screen_has "$1"; }

# click X Y: a press and a release of button 1 at column X, row Y (from 0), as an xterm sends them.
click() {
	local cx cy
	cx=$(printf '%x' $((33 + $1)))
	cy=$(printf '%x' $((33 + $2)))
	keys -H 1b 5b 4d 20 "$cx" "$cy"
	keys -H 1b 5b 4d 23 "$cx" "$cy"
}

wait_screen() {
	local limit=$1 pattern=$2
	if wait_for "$limit" screen_has "$pattern"; then return 0; fi
	diag "the screen does not show \"$pattern\"; it shows:"
	screen | sed 's/^/|/' | while IFS= read -r l; do diag "$l"; done
	return 1
}

# console_running: the console has not exited.
console_running() { [ ! -e "$CONSOLE_RC" ]; }
console_pid() { tmx display-message -p -t console '#{pane_pid}'; }

# quit_console: q, then waits for a clean exit (status 0: with the sanitizers, no leak either).
quit_console() {
	keys q
	wait_for 60 test -s "$CONSOLE_RC" || { diag "the console did not exit"; return 1; }
	[ "$(cat "$CONSOLE_RC")" = 0 ] || { diag "console exit status: $(cat "$CONSOLE_RC")"; screen | sed 's/^/#   /'; return 1; }
}
