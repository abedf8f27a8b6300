# SPDX-License-Identifier: GPL-3.0-or-later
# The IOC screen: an IOC written here, chosen with the file picker, scanned over a test tree with
# the options from the form: the progress reaches 100 %, the results tree shows the hit, folds,
# and the scan is in the past scans.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
. "$VIGIL_TOP_SRCDIR/tests/integration/console-lib.sh"
plan 19

TREE="$TEST_DIR/tree"
mkdir -p "$TREE/a" "$TREE/b"
printf 'console payload %s' "$$" >"$TREE/a/dropper-$$.bin"
printf 'something else' >"$TREE/b/config.dat"
SHA=$(sha256sum "$TREE/a/dropper-$$.bin" | cut -d' ' -f1)
mkdir -p "$TEST_DIR/iocs"
cat >"$TEST_DIR/iocs/console-$$.ioc" <<IOC
<?xml version="1.0" encoding="utf-8"?>
<OpenIOC xmlns="http://openioc.org/schemas/OpenIOC_1.1" id="console-ioc-$$" last-modified="2024-01-01T00:00:00" published-date="2024-01-01T00:00:00">
<metadata><short_description>console test</short_description><authored_date>2024-01-01T00:00:00</authored_date></metadata>
<criteria><Indicator id="top-$$" operator="OR"><Indicator id="both-$$" operator="AND">
<IndicatorItem id="name-$$" condition="is" negate="false" preserve-case="false"><Context document="FileItem" search="FileItem/FileName" type="mir"/><Content type="string">dropper-$$.bin</Content></IndicatorItem>
<IndicatorItem id="hash-$$" condition="is" negate="false" preserve-case="false"><Context document="FileItem" search="FileItem/Sha256sum" type="mir"/><Content type="sha256">$SHA</Content></IndicatorItem>
</Indicator></Indicator></criteria><parameters/></OpenIOC>
IOC

: >"$TEST_DIR/vigild.conf"
start_agent --config "$TEST_DIR/vigild.conf"
start_console LANG=C.UTF-8
wait_screen 60 "agent .* connected" >/dev/null
keys F5
ok "F5 shows the IOC screen" wait_screen 60 "IOC files: none"
# The picker: '/' takes a directory, the list shows the file, Space chooses it.
keys f
ok "f opens the file picker" wait_screen 60 "Choose the IOC files in"
keys /
keys C-u
keys -l "$TEST_DIR/iocs"
keys Enter
ok "the picker lists the directory typed" wait_screen 60 "\[ \] console-$$.ioc"
keys Down Space
ok "Space chooses the file" wait_screen 60 "\[x\] console-$$.ioc"
keys Escape
ok "the screen names the chosen file" wait_screen 60 "IOC files: console-$$.ioc"
# The options: the test tree only, no processes, ports or system.
keys o
wait_screen 60 "Options of the scan" >/dev/null
keys C-u
keys -l "$TREE"
keys Tab Tab
# A word that is not a collector is refused in the form, which names it and stays open.
keys -l "ports, bogus"
keys Enter
ok "the form refuses a Skip word it does not know, naming it" wait_screen 60 'Skip: "bogus" is not one of processes, ports, files, system'
ok "and the options are not taken" screen_lacks "skip ports, bogus"
keys C-u
keys -l "processes, ports, system"
keys Enter
ok "the options show in the screen" wait_screen 60 "skip processes, ports, system"
keys s
ok "the scan reaches 100 %" wait_screen 60 "100 %"
ok "the results tree shows the IOC matched" wait_screen 60 "console-$$.ioc (console-ioc-$$): MATCH"
ok "and the item that matched" wait_screen 60 "FileItem .*dropper-$$.bin"
# Enter on the IOC folds it: the items go.
keys Home Enter
ok "Enter folds the IOC" wait_for 60 screen_lacks "FileItem .*dropper"
keys p
ok "p shows the scan among the past scans" wait_screen 60 "scan 1 .* done .* 1 IOC matched"
# Two clicks on the past scan (body row 6, screen row 7) open its results.
# (The console takes the clicks in order: the first selects, the second opens; no pause needed.)
click 5 7
click 5 7
ok "two clicks on a past scan open its results" wait_screen 60 "Results of scan 1 (done)"
# A scan that takes long (a large sparse file to hash): c cancels it.
BIG="$TEST_DIR/big"
mkdir -p "$BIG"
truncate -s 200G "$BIG/sparse.bin"
# An IOC on the hash alone, so that every file is hashed; chosen by typing its path in the picker.
sed -e "s/console-ioc-$$/hash-ioc-$$/" -e "/name-$$/d" "$TEST_DIR/iocs/console-$$.ioc" >"$TEST_DIR/iocs/hash-$$.ioc"
keys f
wait_screen 60 "Choose the IOC files in" >/dev/null
keys /
keys C-u
keys -l "$TEST_DIR/iocs/hash-$$.ioc"
keys Enter
wait_screen 60 "\[x\] hash-$$.ioc" >/dev/null
keys Escape
keys o
wait_screen 60 "Options of the scan" >/dev/null
keys C-u
keys -l "$BIG"
keys Tab Tab Tab C-u 300G Enter
keys s
# (The agent counts a file's bytes when the file is done: the time elapsed says the stream flows.
# Any time from 2 s on: a busy machine may show the screen late, never early.)
progress_flows() { screen | grep -E 'running: files .* [0-9]{2}:[0-9]{2}:[0-9]{2} elapsed' | grep -qvE ' 00:00:0[01] elapsed'; }
ok "the progress follows the running scan" eval 'wait_for 60 progress_flows || { screen | sed "s/^/# |/"; false; }'
ok "a running scan is not a slow agent" sh -c "! tmux -L $TMUX_NAME capture-pane -p -t console | grep -q 'waiting for the agent'"
keys c
ok "c cancels the scan" wait_screen 60 "Results of scan 2 (cancelled)"
keys p
ok "the past scans have it as cancelled" wait_screen 60 "scan 2 .* cancelled"
ok "q quits cleanly" quit_console
finish
