#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A local user names a file with terminal sequences (OSC 0 sets the window's
# title, CSI the colours, U+009B is CSI in one character).  What vigilctl prints for a person
# (ioc scan, a run's output, an error naming the file) shows them escaped; its --json output
# keeps them exact.  (telemetry show: telemetry-file.sh, which runs the file collector.)
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
plan 9

DIR="$TEST_DIR/drop"
mkdir -p "$DIR"
chmod 0777 "$DIR"
MARK="vgesc$$"
NAME=$(printf '%s\033]0;pwned\007\033[31m\302\233m.bin' "$MARK")
ESCAPED="$MARK\\x1b]0;pwned\\x07\\x1b[31m\\u009bm.bin"
# raw_controls FILE: FILE holds a byte that a terminal obeys (other than newline and tab).
raw_controls() { LC_ALL=C grep -qP '[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]' "$1"; }
clean() { ! raw_controls "$1"; }
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }

# (lib.sh passes --config /dev/null, which vigild refuses as not a regular file: give a real one.)
: >"$TEST_DIR/vigild.conf"
start_agent --config "$TEST_DIR/vigild.conf" || { finish; exit; }
# The attacker: an unprivileged user creates the file.
nobody sh -c 'printf payload >"$1"' sh "$DIR/$NAME"
ok "the user's file exists under its name" test -f "$DIR/$NAME"

cat >"$TEST_DIR/name.ioc" <<IOC
<?xml version="1.0" encoding="utf-8"?>
<OpenIOC xmlns="http://openioc.org/schemas/OpenIOC_1.1" id="esc-ioc" last-modified="2024-01-01T00:00:00" published-date="2024-01-01T00:00:00">
<metadata><short_description>esc</short_description><authored_date>2024-01-01T00:00:00</authored_date></metadata>
<criteria><Indicator id="esc-top" operator="OR"><IndicatorItem id="esc-1" condition="contains" negate="false" preserve-case="false"><Context document="FileItem" search="FileItem/FileName" type="mir"/><Content type="string">pwned</Content></IndicatorItem></Indicator></criteria><parameters/></OpenIOC>
IOC
ctl ioc scan "$TEST_DIR/name.ioc" --path "$DIR" --no-processes --no-ports --no-system >"$TEST_DIR/scan.txt" 2>&1
ok "ioc scan prints the match escaped" grep -qF "$ESCAPED" "$TEST_DIR/scan.txt"
ok "and no control character" clean "$TEST_DIR/scan.txt"
ctl --json ioc scan "$TEST_DIR/name.ioc" --path "$DIR" --no-processes --no-ports --no-system >"$TEST_DIR/scan.json"
ok "ioc scan --json keeps the name exact" python3 -c '
import json, sys
def strings(v):
    if isinstance(v, dict): v = list(v.values())
    if isinstance(v, list): return [s for x in v for s in strings(x)]
    return [v] if isinstance(v, str) else []
sys.exit(0 if any(sys.argv[2] in s for s in strings(json.load(open(sys.argv[1])))) else 1)' "$TEST_DIR/scan.json" "$NAME"

ctl task run /bin/ls "$DIR" >"$TEST_DIR/run.txt" 2>&1
ok "a run's output is escaped for a person" grep -qF "$ESCAPED" "$TEST_DIR/run.txt"
ok "and has no control character" clean "$TEST_DIR/run.txt"

ctl task get-file "$DIR/$NAME.gone" >"$TEST_DIR/err.txt" 2>&1
ok "an error naming the file is escaped" grep -qF "$ESCAPED" "$TEST_DIR/err.txt"
ok "and has no control character" clean "$TEST_DIR/err.txt"
ok "the agent is still the same process" kill -0 "$AGENT_PID"
finish
