#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# get-file through the real agent and vigilctl: hashes, the copy, the size limit, refusals.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"

# jget FILE EXPR: a value of the JSON document in FILE (d), printed.
jget() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$@"; }
# jcheck FILE EXPR: succeeds when EXPR holds for the JSON document in FILE.
jcheck() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' "$@"; }

plan 18
start_agent || exit 1
work="$TEST_DIR/files"
mkdir -p "$work"

# Larger than 1 MiB (and than any transfer chunk), and not a multiple of a block.
head -c 3145733 /dev/urandom >"$work/big.bin"
want=$(sha256sum "$work/big.bin" | cut -d' ' -f1)
ctl --json task get-file "$work/big.bin" >"$TEST_DIR/get.json"
ok "get-file of a 3 MiB file succeeds" test "$(jget "$TEST_DIR/get.json" 'd["state"]')" = succeeded
ok "its SHA-256 is right" test "$(jget "$TEST_DIR/get.json" 'd["result"]["sha256"]')" = "$want"
ok "its MD5 and size are right" test "$(jget "$TEST_DIR/get.json" 'd["result"]["md5"], d["result"]["size"]')" \
	= "('$(md5sum "$work/big.bin" | cut -d' ' -f1)', 3145733)"
copy=$(jget "$TEST_DIR/get.json" 'd["result"]["copy"]')
ok "the copy in the collection directory is identical" cmp -s "$copy" "$work/big.bin"
ok "the copy is 0600 inside the state directory" \
	test "$(stat -c %a "$copy")" = 600 -a "${copy#"$STATE_DIR"/collected/}" != "$copy"
ok "the task prints as an object with id, kind, state and result" \
	jcheck "$TEST_DIR/get.json" 'd["id"] > 0 and d["kind"] == "get-file" and "result" in d and d["result"]["owner"] == "root"'

ok "a matching --sha256 is accepted" status_of ctl task get-file "$work/big.bin" --sha256 "$want"
ok "a wrong --sha256 fails" test "$(status_of ctl task get-file "$work/big.bin" --sha256 "$(printf '%064d' 0)")" = 1

ctl settings set tasks.get_file_max_mb=1 >/dev/null
ctl task get-file "$work/big.bin" >"$TEST_DIR/limit.out" 2>&1
rc=$?
ok "over the size limit is refused" test $rc = 1 -a "$(grep -c 'refused' "$TEST_DIR/limit.out")" -ge 1
ok "the refusal names the limit" grep -q "size limit of 1 MiB" "$TEST_DIR/limit.out"
ctl settings set tasks.get_file_max_mb=100 >/dev/null

refused() { ctl --json task get-file "$1" >"$TEST_DIR/r.json" 2>/dev/null; test "$(jget "$TEST_DIR/r.json" 'd["state"]')" = refused; }
ok "a directory is refused" refused "$work"
ok "/dev/null is refused" refused /dev/null
ok "/proc/self/status is refused" refused /proc/self/status
ln -s /proc/self/status "$work/link-to-proc"
ok "a symbolic link is refused (no following to /proc)" refused "$work/link-to-proc"
mkfifo "$work/fifo"
ok "a FIFO is refused (and the open does not hang)" timeout 120 bash -c 'ctl() { "$VIGILCTL" --socket "$SOCKET" "$@"; }; ctl --json task get-file "$1" 2>/dev/null | grep -q "\"state\": \"refused\""' _ "$work/fifo"
ok "a path through a magic link (/proc/self/root) is refused" refused /proc/self/root/etc/passwd
ok "the agent's own database is refused" refused "$STATE_DIR/vigil.db"
ok "a relative path is made absolute by vigilctl" bash -c 'cd "$1" && "$VIGILCTL" task get-file big.bin >/dev/null' _ "$work"
finish
