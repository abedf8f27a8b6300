#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Protected files: delete-file refuses what keeps the host alive unless asked with --force, and
# proposes the quarantine.  The agent runs in a mount namespace of its own where /etc/passwd and
# a file of the coreutils package are bind mounts of copies in the test directory: a broken
# check could only fail on a busy mount point, never reach the host's files.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
plan 14

jget() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }

# A file that dpkg lists (as /bin/true: on a merged /usr it is /usr/bin/true).
pkgfile=$(readlink -f /bin/true)
cp /etc/passwd "$TEST_DIR/passwd.copy"
cp "$pkgfile" "$TEST_DIR/pkg.copy"
cp /etc/passwd "$TEST_DIR/passwd.before"
# shellcheck disable=SC2016
AGENT_PREFIX=(unshare --mount --propagation private -- bash -c \
	'mount --bind "$1" /etc/passwd && mount --bind "$2" "$3" && shift 3 && exec "$@"' _ \
	"$TEST_DIR/passwd.copy" "$TEST_DIR/pkg.copy" "$pkgfile")
start_agent || exit 1

ctl --json task delete-file --yes /etc/passwd >"$TEST_DIR/p1.json" 2>/dev/null
ok "deleting /etc/passwd is refused" test "$(jget 'd["state"]' <"$TEST_DIR/p1.json")" = refused
ok "the refusal says why and proposes the quarantine with --force" \
	grep -q 'protected (/etc/passwd).*--quarantine --force' "$TEST_DIR/p1.json"
ctl --json task delete-file --quarantine /etc/passwd >"$TEST_DIR/p2.json" 2>/dev/null
ok "quarantining it without --force is refused too" grep -q 'give force (vigilctl --force)' "$TEST_DIR/p2.json"
ok "and nothing went into the quarantine" test "$(ctl --json quarantine list | jget 'len(d)')" = 0
# With --force the check is skipped: the delete reaches the (busy) mount point and fails there.
ctl --json task delete-file --yes --force /etc/passwd >"$TEST_DIR/p3.json" 2>/dev/null
ok "with --force the protection is not what stops it" \
	test "$(jget 'd["state"]' <"$TEST_DIR/p3.json")" = failed -a -z "$(grep protected "$TEST_DIR/p3.json")"
ok "the host's /etc/passwd is untouched" cmp -s /etc/passwd "$TEST_DIR/passwd.before"

ctl --json task delete-file --yes "$pkgfile" >"$TEST_DIR/k1.json" 2>/dev/null
ok "a file installed by a package is refused ($pkgfile)" grep -q "protected (dpkg)" "$TEST_DIR/k1.json"
ok "status counts the package files indexed" \
	test "$(ctl --json status | jget 'd["sections"]["tasks"]["protected"]["package_files"] > 1000')" = True

libc=$(ldd /bin/true | awk '/libc.so/ {print $3}')
ln "$(readlink -f "$libc")" "$TEST_DIR/libc-link"
ctl --json task delete-file --yes "$TEST_DIR/libc-link" >"$TEST_DIR/l1.json" 2>/dev/null
ok "a hard link to libc is refused (by inode)" grep -q "protected (libc)" "$TEST_DIR/l1.json"
ok "and stays" test -f "$TEST_DIR/libc-link"

mkdir "$TEST_DIR/keep"
echo precious >"$TEST_DIR/keep/f"
ctl settings set "tasks.protected_paths=$TEST_DIR/keep" >/dev/null
ctl --json task delete-file --yes "$TEST_DIR/keep/f" >"$TEST_DIR/s1.json" 2>/dev/null
ok "a file under tasks.protected_paths is refused" grep -q "protected ($TEST_DIR/keep)" "$TEST_DIR/s1.json"
ok "and stays" test -f "$TEST_DIR/keep/f"
ctl --json task delete-file --quarantine --force "$TEST_DIR/keep/f" >"$TEST_DIR/s2.json"
ok "--quarantine --force puts it in the quarantine" test "$(jget 'd["state"]' <"$TEST_DIR/s2.json")" = succeeded
ok "from which it can be restored" \
	bash -c '"$VIGILCTL" --socket "$SOCKET" quarantine restore "$1" >/dev/null && [ "$(cat "$2")" = precious ]' _ \
	"$(jget 'd["result"]["quarantine"]' <"$TEST_DIR/s2.json")" "$TEST_DIR/keep/f"
finish
