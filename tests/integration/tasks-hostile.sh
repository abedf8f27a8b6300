#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Destructive tasks against files an unprivileged user controls: the user (nobody) swaps names
# between the check and the action, at pause points of the test agent, so each race is run
# exactly, never left to luck.  What must hold: no symbolic link is followed in any component,
# an IOC action acts on the inode that matched or on nothing, restore writes only into the
# directory the file came from, terminate --exe never follows a link, get-file never opens a
# device node.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
plan 32

as_user() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }
tcall() { python3 "$VIGIL_TOP_SRCDIR/tests/integration/agent-call.py" "$SOCKET" "$@"; }
arm() { tcall test.pause "{\"point\": \"$1\"}" >/dev/null; }
waiting() { tcall test.paused "{\"point\": \"$1\"}" | grep -q '"waiting": true'; }
release() { tcall test.release "{\"point\": \"$1\"}" >/dev/null; }
jget() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }
final() { ctl --json task show "$1" | jget 'd["state"] not in ("queued", "running")' | grep -q True; }
# task_end ID: waits for the task to end and prints it (JSON).
task_end() { wait_for 30 final "$1" && ctl --json task show "$1"; }
export -f tcall waiting final jget ctl

use_test_agent
start_agent || exit 1

# Root's files, which the user must never get the agent to touch.
R="$TEST_DIR/rootdir"
mkdir -m 755 "$R"
echo "root's file" >"$R/victim.conf"
echo "root's other file" >"$R/x"
# The user's own directory, where it may do anything.
A="$TEST_DIR/atk"
install -d -o nobody -g nogroup -m 755 "$A"

ioc_name() {
	cat >"$TEST_DIR/name.ioc" <<XML
<?xml version="1.0" encoding="utf-8"?>
<OpenIOC xmlns="http://openioc.org/schemas/OpenIOC_1.1" id="hostile-$1" last-modified="2024-01-01T00:00:00" published-date="2024-01-01T00:00:00">
<metadata><short_description>hostile</short_description><authored_date>2024-01-01T00:00:00</authored_date></metadata>
<criteria><Indicator id="top" operator="OR"><IndicatorItem id="i1" condition="is" negate="false" preserve-case="false"><Context document="FileItem" search="FileItem/FileName" type="mir"/><Content type="string">$1</Content></IndicatorItem></Indicator></criteria><parameters/></OpenIOC>
XML
}

# 1. IOC --action quarantine: the matched file's directory becomes a link to root's directory
#    between the match and the action.
as_user mkdir "$A/dir"
as_user sh -c "echo payload >'$A/dir/victim.conf'"
ioc_name victim.conf
arm delete-file
ctl --json ioc scan "$TEST_DIR/name.ioc" --path "$A" --no-processes --no-ports --no-system --action quarantine \
	>"$TEST_DIR/scan1.json"
tid=$(jget 'd["actions"][0]["task_id"]' <"$TEST_DIR/scan1.json")
ok "the IOC action carries the matched inode" \
	test "$(jget 'd["iocs"][0]["matches"][0]["items"][0]["inode"]' <"$TEST_DIR/scan1.json")" = "$(stat -c %i "$A/dir/victim.conf")"
wait_for 30 waiting delete-file
as_user mv "$A/dir" "$A/old"
as_user ln -s "$R" "$A/dir"
release delete-file
task_end "$tid" >"$TEST_DIR/t1.json"
ok "a directory swapped for a link: the quarantine is refused" test "$(jget 'd["state"]' <"$TEST_DIR/t1.json")" = refused
ok "saying the path goes through a symbolic link" grep -q "symbolic link" "$TEST_DIR/t1.json"
ok "root's file is untouched" test "$(cat "$R/victim.conf")" = "root's file"
ok "and nothing went into the quarantine" test "$(ctl --json quarantine list | jget 'len(d)')" = 0

# 2. The same with a real directory put in place of the matched one: another inode.
as_user rm "$A/dir"
as_user mv "$A/old" "$A/dir"
arm delete-file
ctl --json ioc scan "$TEST_DIR/name.ioc" --path "$A" --no-processes --no-ports --no-system --action quarantine \
	>"$TEST_DIR/scan2.json"
tid=$(jget 'd["actions"][0]["task_id"]' <"$TEST_DIR/scan2.json")
wait_for 30 waiting delete-file
as_user mv "$A/dir" "$A/old"
as_user mkdir "$A/dir"
as_user sh -c "echo 'not what matched' >'$A/dir/victim.conf'"
release delete-file
task_end "$tid" >"$TEST_DIR/t2.json"
ok "another file under the matched name: refused" test "$(jget 'd["state"]' <"$TEST_DIR/t2.json")" = refused
ok "because it is not the inode that matched" grep -q "no longer the file that matched" "$TEST_DIR/t2.json"
ok "both files are still there" test -f "$A/old/victim.conf" -a -f "$A/dir/victim.conf"

# 3. delete-file: a directory of the path swapped for a link before the task starts...
as_user mkdir "$A/d3"
as_user sh -c "echo mine >'$A/d3/x'"
arm delete-file
tid=$(ctl --json task delete-file --yes --no-wait "$A/d3/x" | jget 'd["id"]')
wait_for 30 waiting delete-file
as_user mv "$A/d3" "$A/d3old"
as_user ln -s "$R" "$A/d3"
release delete-file
ok "delete-file through a swapped directory is refused" test "$(task_end "$tid" | jget 'd["state"]')" = refused
ok "root's file is untouched" test "$(cat "$R/x")" = "root's other file"
# ...and after its checks: the action stays in the directory that was checked.
as_user rm "$A/d3"
as_user mv "$A/d3old" "$A/d3"
arm delete-file:checked
tid=$(ctl --json task delete-file --yes --no-wait "$A/d3/x" | jget 'd["id"]')
wait_for 30 waiting delete-file:checked
as_user mv "$A/d3" "$A/d3old"
as_user ln -s "$R" "$A/d3"
release delete-file:checked
state=$(task_end "$tid" | jget 'd["state"]')
ok "a swap after the checks deletes the file that was checked" test "$state" = succeeded -a ! -e "$A/d3old/x"
ok "and never root's" test "$(cat "$R/x")" = "root's other file"

# 4. quarantine restore: the original directory replaced by a link to a directory of root's
#    (think /etc and ld.so.preload), then by another directory.
E="$TEST_DIR/etc"
mkdir -m 755 "$E"
as_user mkdir "$A/q"
as_user sh -c "echo '/home/nobody/evil.so' >'$A/q/ld.so.preload'"
qid=$(ctl --json task delete-file --quarantine "$A/q/ld.so.preload" | jget 'd["result"]["quarantine"]')
ok "the user's file went into the quarantine" test -n "$qid" -a ! -e "$A/q/ld.so.preload"
as_user mv "$A/q" "$A/qold"
as_user ln -s "$E" "$A/q"
ctl --json quarantine restore "$qid" >"$TEST_DIR/r1.json" 2>/dev/null
ok "restore through a link is refused" test "$(jget 'd["state"]' <"$TEST_DIR/r1.json")" = refused
ok "nothing was written into root's directory" test ! -e "$E/ld.so.preload"
as_user rm "$A/q"
as_user mkdir "$A/q"
ctl --json quarantine restore "$qid" >"$TEST_DIR/r2.json" 2>/dev/null
ok "restore into a replaced directory is refused" grep -q "not the one the file was quarantined from" "$TEST_DIR/r2.json"
ok "and writes nothing there" test ! -e "$A/q/ld.so.preload"
as_user rmdir "$A/q"
as_user mv "$A/qold" "$A/q"
arm quarantine-restore:checked
tid=$(ctl --json quarantine restore --no-wait "$qid" | jget 'd["id"]')
wait_for 30 waiting quarantine-restore:checked
as_user mv "$A/q" "$A/qnew"
as_user ln -s "$E" "$A/q"
release quarantine-restore:checked
state=$(task_end "$tid" | jget 'd["state"]')
ok "a swap after the checks: the file goes back into the directory it came from" \
	test "$state" = succeeded -a "$(stat -c %U "$A/qnew/ld.so.preload" 2>/dev/null)" = nobody
ok "never into root's" test ! -e "$E/ld.so.preload"

# 5. terminate --exe: a user's link named like malware, pointing at a service of root's.
mkdir "$TEST_DIR/bin"
cp /bin/sleep "$TEST_DIR/bin/svc-$$"
"$TEST_DIR/bin/svc-$$" 300 &
svc=$!
on_exit "kill $svc"
as_user ln -s "$TEST_DIR/bin/svc-$$" "$A/miner"
ctl --json task terminate --exe "$A/miner" >"$TEST_DIR/k.json" 2>/dev/null
ok "terminate --exe with a symbolic link is refused" test "$(jget 'd["state"]' <"$TEST_DIR/k.json")" = refused
ok "naming the link and its target" grep -q "is a symbolic link (to $TEST_DIR/bin/svc-$$)" "$TEST_DIR/k.json"
ok "root's service still runs" kill -0 "$svc"

# 6. get-file never opens a device node (an O_PATH descriptor is checked first): an inotify
#    watch sees every open of the node.
mkdir -m 755 "$TEST_DIR/devs"
mknod -m 666 "$TEST_DIR/devs/null2" c 1 3
as_user ln -s "$TEST_DIR/devs" "$A/d"
python3 - "$TEST_DIR/devs/null2" "$TEST_DIR/opens.log" <<'PY' &
import ctypes, os, struct, sys, select
libc = ctypes.CDLL(None, use_errno=True)
fd = libc.inotify_init1(0)
libc.inotify_add_watch(fd, sys.argv[1].encode(), 0x20 | 0x10 | 0x08)
names = {0x20: "OPEN", 0x10: "CLOSE_NOWRITE", 0x08: "CLOSE_WRITE"}
out = open(sys.argv[2], "w")
print("READY", file=out, flush=True)
done = False
while not done and select.select([fd], [], [], 60)[0]:
    data, i = os.read(fd, 4096), 0
    while i < len(data):
        _, mask, _, n = struct.unpack_from("iIII", data, i)
        i += 16 + n
        print(names.get(mask & 0x38, hex(mask)), file=out, flush=True)
        done = done or mask & 0x08
PY
watcher=$!
on_exit "kill $watcher"
wait_for 30 grep -q READY "$TEST_DIR/opens.log"
ctl --json task get-file "$A/d/null2" >"$TEST_DIR/g1.json" 2>/dev/null
ok "get-file of a device through a linked directory is refused" test "$(jget 'd["state"]' <"$TEST_DIR/g1.json")" = refused
ctl --json task get-file "$TEST_DIR/devs/null2" >"$TEST_DIR/g2.json" 2>/dev/null
ok "get-file of a device node is refused" grep -q "not a regular file" "$TEST_DIR/g2.json"
echo x >"$TEST_DIR/devs/null2"   # the control: an open the watch must see
wait_for 30 grep -q CLOSE_WRITE "$TEST_DIR/opens.log"
ok "and the node was never opened (only the control write was)" \
	test "$(grep -v READY "$TEST_DIR/opens.log" | tr '\n' ' ')" = "OPEN CLOSE_WRITE "

# 7. A path with ".." is refused, not resolved.
ctl --json task delete-file --yes "$A/d3old/../../rootdir/x" >"$TEST_DIR/dd.json" 2>/dev/null
ok "a path with .. is refused" test "$(jget 'd["state"]' <"$TEST_DIR/dd.json")" = refused
ok "root's file is untouched" test -f "$R/x"
# 8. IOC --action terminate: the matched process exits and its pid goes to another process
#    (made with clone3 set_tid, so the reuse is exact) before the action runs.
cp /bin/sleep "$TEST_DIR/bin/vigil-reuse-$$"
setpriv --reuid=65534 --regid=65534 --clear-groups -- "$TEST_DIR/bin/vigil-reuse-$$" 300 &
victim=$!
cat >"$TEST_DIR/proc.ioc" <<XML
<?xml version="1.0" encoding="utf-8"?>
<OpenIOC xmlns="http://openioc.org/schemas/OpenIOC_1.1" id="hostile-proc" last-modified="2024-01-01T00:00:00" published-date="2024-01-01T00:00:00">
<metadata><short_description>hostile</short_description><authored_date>2024-01-01T00:00:00</authored_date></metadata>
<criteria><Indicator id="top" operator="OR"><IndicatorItem id="p1" condition="is" negate="false" preserve-case="false"><Context document="ProcessItem" search="ProcessItem/name" type="mir"/><Content type="string">vigil-reuse-$$</Content></IndicatorItem></Indicator></criteria><parameters/></OpenIOC>
XML
ok "the user's process runs" wait_for 30 grep -q "vigil-reuse" "/proc/$victim/comm"
arm terminate
ctl --json ioc scan "$TEST_DIR/proc.ioc" --no-files --no-ports --no-system --action terminate >"$TEST_DIR/scan3.json"
tid=$(jget 'd["actions"][0]["task_id"]' <"$TEST_DIR/scan3.json")
ok "the terminate action carries the process's start time" \
	test "$(jget 'd["actions"][0]["start_time"]' <"$TEST_DIR/scan3.json")" = "$(awk '{print $22}' "/proc/$victim/stat")"
wait_for 30 waiting terminate
kill -KILL "$victim"
wait "$victim" 2>/dev/null
# A process of root's takes the very pid the scan matched.
python3 - "$victim" /bin/sleep 300 <<'PY' >"$TEST_DIR/reused.pid"
import ctypes, os, signal, struct, sys
libc = ctypes.CDLL(None, use_errno=True)
tid = (ctypes.c_int * 1)(int(sys.argv[1]))
args = struct.pack("11Q", 0, 0, 0, 0, signal.SIGCHLD, 0, 0, 0, ctypes.addressof(tid), 1, 0)
r = libc.syscall(435, ctypes.create_string_buffer(args, len(args)), len(args))  # clone3
if r == 0:
    os.execv(sys.argv[2], sys.argv[2:])
if r < 0:
    sys.exit("clone3 with set_tid: %s" % os.strerror(ctypes.get_errno()))
print(r)
PY
on_exit "kill $victim"
ok "another process now has the matched pid" test "$(cat "$TEST_DIR/reused.pid")" = "$victim"
release terminate
task_end "$tid" >"$TEST_DIR/t8.json"
ok "the action finds the matched process gone" test "$(jget 'd["result"]["pids"][0]["result"]' <"$TEST_DIR/t8.json")" = gone
ok "and the process that reused its pid lives" kill -0 "$victim"
finish
