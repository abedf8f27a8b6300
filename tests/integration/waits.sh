#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The integration tests wait for conditions, never for fixed times, so that they pass on a
# loaded machine: every wait_for, wait_screen and wait_event has a bound of 30 s or more (a
# failure limit, not a window), and no script sleeps a fixed time before it checks something.
# A sleep is allowed as the poll interval of a wait (0.05 or 0.25 on a line of its own), as a
# process started in the background (sleep 300 &), and as a measured period marked so.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
plan 2

cd "$VIGIL_TOP_SRCDIR/tests/integration" || exit 1
short=$(grep -nE '\bwait_(for|screen|event) ([0-9]|[12][0-9])( |$)' -- *.sh)
[ -z "$short" ] || { diag "bounds under 30 s:"; sed 's/^/#   /' <<<"$short"; }
ok "every wait has a bound of 30 s or more" test -z "$short"

sleeps=$(grep -nE '(^|[;&|({]|then|do|else)[[:space:]]*sleep [0-9.]+[[:space:]]*($|;|&&|\|\||\)|#)' -- *.sh |
	grep -vE '^[^:]+:[0-9]+:[[:space:]]*sleep 0\.(05|25)$' | grep -vE 'sleep [0-9.]+[[:space:]]*&([^&]|$)' |
	grep -vF '# a measured period, not a wait')
[ -z "$sleeps" ] || { diag "fixed sleeps:"; sed 's/^/#   /' <<<"$sleeps"; }
ok "no fixed sleep before a check" test -z "$sleeps"
finish
