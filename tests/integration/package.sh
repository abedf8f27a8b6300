#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The Debian packages (debian/, doc/install.md): built from a clean copy of the tree
# (tests/package/build-debs.sh, cached by the tree's contents), checked by lintian, then
# installed into a fresh Debian 12 chroot (tests/package/base-chroot.sh, cached) whose every
# command runs in a network namespace of the test's own: the agent that the package's scripts
# start there isolates that namespace, never the host.  Without systemd in the chroot, the
# scripts take their SysV path (invoke-rc.d, allowed by a policy-rc.d of the test).
#
# Install: the group, the state directory, the agent started, vigilctl status.  Upgrade (to the
# same tree built as VERSION+upgrade1) while isolated: the agent restarted, settings, identity
# and isolation kept, the table in the kernel throughout.  Remove: the warning, the table kept.
# Purge: the announcement, and nothing of Vigil left but dpkg's own records.
. "$VIGIL_TOP_SRCDIR/tests/integration/lib.sh"
# The agent that the package starts has its telemetry on (audit is host-wide) until the test
# turns it off: hold the audit tests' lock.
. "$VIGIL_TOP_SRCDIR/tests/integration/telemetry-lib.sh"
plan 39

pkgdir="$VIGIL_TOP_SRCDIR/tests/package"
cache=${VIGIL_CACHE_DIR:-/var/cache/vigil-tests}
ROOT="$TEST_DIR/root"
NS="vigil-pkg-$$"

# Every process whose root is the chroot, then the namespace and the mounts.
chroot_pids() {
	local p
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/root" 2>/dev/null)" = "$ROOT" ] && echo "${p#/proc/}"
	done
	return 0
}
cleanup_chroot() {
	local pids
	pids=$(chroot_pids)
	[ -n "$pids" ] && kill -9 $pids
	wait_for 30 bash -c '[ -z "$(for p in /proc/[0-9]*; do [ "$(readlink "$p/root" 2>/dev/null)" = "$1" ] && echo x; done)" ]' _ "$ROOT"
	ip netns del "$NS"
	umount "$ROOT/dev" "$ROOT/proc"
	rm -rf "$ROOT"
}
on_exit cleanup_chroot

# in_root COMMAND...: COMMAND in the chroot, in the test's namespace, with an environment of its
# own (none of lib.sh's VIGIL_SOCKET).
in_root() {
	ip netns exec "$NS" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 TERM=dumb \
		DEBIAN_FRONTEND=noninteractive chroot "$ROOT" "$@"
}
in_ns() { ip netns exec "$NS" "$@"; }

start=$SECONDS
debs=$("$pkgdir/build-debs.sh" "$VIGIL_TOP_SRCDIR" "$cache")
rc=$?
diag "packages: $debs ($((SECONDS - start)) s)"
ok "the packages build from a clean copy of the tree" test "$rc" = 0 -a -d "$debs/current" -a -d "$debs/upgrade"
version=$(sed -n '1s/^[^ ]* (\([^)]*\)).*/\1/p' "$VIGIL_TOP_SRCDIR/debian/changelog")
arch=$(dpkg --print-architecture)
cur="$debs/current"
upg="$debs/upgrade"
ok "vigil, libvigil2 and libvigil-dev are made" test -f "$cur/vigil_${version}_$arch.deb" \
	-a -f "$cur/libvigil2_${version}_$arch.deb" -a -f "$cur/libvigil-dev_${version}_$arch.deb"

# What each package holds.
contents() { dpkg-deb -c "$1" | awk '{ print $6 }' | sed 's|^\./|/|'; }
contents "$cur/vigil_${version}_$arch.deb" >"$TEST_DIR/vigil.list"
has_all() {
	local list=$1 f
	shift
	for f in "$@"; do grep -qx -- "$f" "$list" || { diag "missing: $f"; return 1; }; done
}
ok "vigil holds the programs, units, init script, sysusers entry, man pages, completion, catalog" \
	has_all "$TEST_DIR/vigil.list" /usr/sbin/vigild /usr/bin/vigilctl /usr/bin/vigil-console \
	/lib/systemd/system/vigild.service /lib/systemd/system/vigil-isolation.service /etc/init.d/vigild \
	/usr/lib/sysusers.d/vigil.conf /usr/share/man/man8/vigild.8.gz /usr/share/man/man8/vigilctl.8.gz \
	/usr/share/man/man8/vigil-console.8.gz /usr/share/man/man5/vigild.conf.5.gz \
	/usr/share/bash-completion/completions/vigilctl /usr/share/locale/fr/LC_MESSAGES/vigil.mo \
	/etc/vigil/vigild.conf
ok "/etc/vigil/vigild.conf is a conffile" bash -c \
	'dpkg-deb -I "$1" conffiles | grep -qx /etc/vigil/vigild.conf' _ "$cur/vigil_${version}_$arch.deb"
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
contents "$cur/libvigil2_${version}_$arch.deb" >"$TEST_DIR/lib.list"
contents "$cur/libvigil-dev_${version}_$arch.deb" >"$TEST_DIR/dev.list"
ok "libvigil2 holds libvigil.so.2" has_all "$TEST_DIR/lib.list" "/usr/lib/$multiarch/libvigil.so.2"
ok "libvigil-dev holds the headers, the .so, vigil.pc, vg_ioc(3) and vg_sigma(3)" \
	has_all "$TEST_DIR/dev.list" /usr/include/vigil/client.h /usr/include/vigil/protocol.h \
	/usr/include/vigil/error.h /usr/include/vigil/ioc.h /usr/include/vigil/sigma.h \
	"/usr/lib/$multiarch/libvigil.so" "/usr/lib/$multiarch/pkgconfig/vigil.pc" \
	/usr/share/man/man3/vg_ioc.3.gz /usr/share/man/man3/vg_sigma.3.gz
# The library's package follows its soname.
ok "the library's soname is the package's" bash -c \
	'dpkg-deb -I "$1" shlibs | grep -q "^libvigil 2 libvigil2 "' _ "$cur/libvigil2_${version}_$arch.deb"
# The symbols file names exactly what the library exports (the build checks it too).
exports() {
	dpkg-deb -x "$cur/libvigil2_${version}_$arch.deb" "$TEST_DIR/lib"
	nm -D --defined-only "$TEST_DIR/lib/usr/lib/$multiarch/libvigil.so.2" | awk '{ print $3 }' |
		sed -n 's/^\(vg_[a-z0-9_]*\)@@VIGIL_1$/\1/p' | sort
}
ok "the symbols file names exactly what libvigil.so.2 exports" bash -c \
	'diff <(sed -n "s/^ \(vg_[a-z0-9_]*\)@VIGIL_1 .*/\1/p" "$1" | sort) "$2"' \
	_ "$VIGIL_TOP_SRCDIR/debian/libvigil2.symbols" <(exports)

lintian --allow-root --no-tag-display-limit "$cur"/*.deb >"$TEST_DIR/lintian.out" 2>&1
ok "lintian reports no error" bash -c '! grep -q "^E:" "$1"' _ "$TEST_DIR/lintian.out"
grep '^[EW]:' "$TEST_DIR/lintian.out" | sed 's/^/lintian: /' | while read -r l; do diag "$l"; done

# The chroot, its namespace, and a policy that lets invoke-rc.d start services (no init there).
base=$("$pkgdir/base-chroot.sh" "$cache")
ok "the base chroot is there" test -s "$base"
mkdir "$ROOT"
tar -C "$ROOT" --numeric-owner -xzf "$base"
mount -t proc proc "$ROOT/proc"
mount --bind /dev "$ROOT/dev"
ip netns add "$NS"
ip -n "$NS" link set lo up
printf '#!/bin/sh\nexit 0\n' >"$ROOT/usr/sbin/policy-rc.d"
chmod 755 "$ROOT/usr/sbin/policy-rc.d"
mkdir "$ROOT/debs"
cp "$cur"/vigil_*.deb "$cur"/libvigil2_*.deb "$ROOT/debs/"
mkdir "$ROOT/debs/upgrade"
cp "$upg"/vigil_*.deb "$upg"/libvigil2_*.deb "$ROOT/debs/upgrade/"
# What the chroot holds before: the purge must bring it back to this, dpkg's records aside (and
# adduser's lock, /etc's backups of the group files).
snapshot() {
	(cd "$ROOT" && find . -xdev \( -path ./proc -o -path ./dev -o -path ./debs -o -path ./var/lib/dpkg \
		-o -path ./var/log -o -path ./var/cache/debconf -o -path ./tmp -o -path ./run/adduser \) -prune -o -print) |
		grep -v -e '^\./etc/\(group\|gshadow\|passwd\|shadow\)-$' | sort
}
snapshot >"$TEST_DIR/before.list"

# Install.
in_root dpkg -i /debs/libvigil2_"$version"_"$arch".deb /debs/vigil_"$version"_"$arch".deb >"$TEST_DIR/install.out" 2>&1
rc=$?
sed 's/^/install: /' "$TEST_DIR/install.out" | while read -r l; do diag "$l"; done
ok "dpkg -i installs vigil and libvigil2 in the chroot" test "$rc" = 0
ok "the group vigil is made (addgroup: no systemd here)" in_root getent group vigil
ok "the state directory is 0700" test "$(stat -c %a "$ROOT/var/lib/vigil")" = 700
ok "the init script is registered" test -L "$ROOT/etc/rc2.d/S01vigild"
ok "the package's scripts started the agent: vigilctl status works" wait_for 60 in_root vigilctl status
in_root vigilctl settings set telemetry.process=no telemetry.network=no telemetry.files=no >/dev/null
pid1=$(cat "$ROOT/run/vigil/vigild.pid")
id1=$(in_root vigilctl --json status | python3 -c 'import json,sys; print(json.load(sys.stdin)["agent_id"])')

# State to keep: a setting, an exception, the isolation.
in_root vigilctl settings set isolation.auto_release_hours=500 >/dev/null
in_root vigilctl isolation exception add --direction out --protocol tcp --remote 192.0.2.10 \
	--remote-port 443 --comment pkgtest >/dev/null
in_root vigilctl isolation on --reason "package test" >/dev/null 2>&1
iso_on() { in_root vigilctl --json isolation status | grep -q '"state": "on"'; }
table_there() { in_ns nft list table inet vigil >/dev/null 2>&1; }
ok "the agent isolates the chroot's namespace" iso_on
ok "its table is in the namespace's kernel" table_there
ok "and not the host" bash -c '! nft list table inet vigil >/dev/null 2>&1'
# A server CA among the state, and a changed conffile.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=pkgtest-ca -days 2 \
	-keyout "$TEST_DIR/ca.key" -out "$ROOT/debs/ca.pem" >/dev/null 2>&1
in_root vigilctl cert server import /debs/ca.pem >/dev/null
printf 'log_level = notice\n' >>"$ROOT/etc/vigil/vigild.conf"
spool_events() { in_root vigilctl --json status | python3 -c 'import json,sys; print(json.load(sys.stdin)["spool"]["events"])'; }
# The isolation's events reach the spool (written by the agent's writer, not at once).
spool_has_events() { [ "$(spool_events)" -gt 0 ]; }
wait_for 60 spool_has_events
ev1=$(spool_events)
state_files() { (cd "$ROOT/var/lib/vigil" && find . -type f ! -name '*-wal' ! -name '*-shm' | sort); }
state_files >"$TEST_DIR/state-before.list"
# While dpkg upgrades, the table must never leave the kernel: a watcher notes any moment without it.
: >"$TEST_DIR/table-gaps"
(while [ ! -e "$TEST_DIR/upgrade-done" ]; do
	table_there || echo gap >>"$TEST_DIR/table-gaps"
	sleep 0.05
done) &
watcher=$!
in_root dpkg -i "/debs/upgrade/libvigil2_$version+upgrade1_$arch.deb" "/debs/upgrade/vigil_$version+upgrade1_$arch.deb" >"$TEST_DIR/upgrade.out" 2>&1
rc=$?
touch "$TEST_DIR/upgrade-done"
wait "$watcher"
sed 's/^/upgrade: /' "$TEST_DIR/upgrade.out" | while read -r l; do diag "$l"; done
ok "dpkg -i upgrades to $version+upgrade1" test "$rc" = 0 -a "$(in_root dpkg-query -W -f='${Version}' vigil)" = "$version+upgrade1"
ok "the agent answers after the upgrade" wait_for 60 in_root vigilctl status
pid2=$(cat "$ROOT/run/vigil/vigild.pid" 2>/dev/null)
ok "and it was restarted (pid $pid1 then $pid2)" test -n "$pid2" -a "$pid2" != "$pid1"
ok "the isolation table never left the kernel during the upgrade" test ! -s "$TEST_DIR/table-gaps"
still_isolated() {
	in_root vigilctl --json isolation status | python3 -c 'import json, sys
s = json.load(sys.stdin)
sys.exit(not (s["state"] == "on" and s["reason"] == "package test" and s["check"]["ok"]))'
}
ok "the host is still isolated, the agent's check finds its table intact" still_isolated
exception_kept() { in_root vigilctl isolation exception list | grep -q pkgtest; }
ok "the exception is kept" exception_kept
setting_kept() { in_root vigilctl --json settings show isolation.auto_release_hours | grep -q '"value": 500'; }
ok "the settings are kept" setting_kept
id2=$(in_root vigilctl --json status | python3 -c 'import json,sys; print(json.load(sys.stdin)["agent_id"])')
ok "the agent's identity is kept" test -n "$id1" -a "$id1" = "$id2"
ca_kept() { in_root vigilctl cert server show | grep -q pkgtest-ca; }
ok "the server certificate is kept" ca_kept
ok "the changed vigild.conf is kept" grep -qx 'log_level = notice' "$ROOT/etc/vigil/vigild.conf"
ev2=$(spool_events)
ok "the event spool is kept ($ev1 events before, $ev2 after)" test "${ev1:-0}" -gt 0 -a "${ev2:-0}" -ge "${ev1:-0}"
state_files >"$TEST_DIR/state-after.list"
ok "every file of the state directory is still there" test -z "$(comm -23 "$TEST_DIR/state-before.list" "$TEST_DIR/state-after.list")"

# Remove while isolated.
in_root dpkg -r vigil >"$TEST_DIR/remove.out" 2>&1
rc=$?
sed 's/^/remove: /' "$TEST_DIR/remove.out" | while read -r l; do diag "$l"; done
ok "dpkg -r says the host stays isolated and how to release it" bash -c \
	'[ "$1" = 0 ] && grep -q "stays isolated" "$2" && grep -q "nft delete table inet vigil" "$2"' _ "$rc" "$TEST_DIR/remove.out"
agent_gone() { ! kill -0 "$pid2" 2>/dev/null; }
ok "the agent is stopped" wait_for 60 agent_gone
ok "and the isolation stays in the kernel" table_there
ok "the settings and the state stay" test -f "$ROOT/etc/vigil/vigild.conf" -a -f "$ROOT/var/lib/vigil/vigil.db"

# Purge.
in_root dpkg -P vigil libvigil2 >"$TEST_DIR/purge.out" 2>&1
rc=$?
sed 's/^/purge: /' "$TEST_DIR/purge.out" | while read -r l; do diag "$l"; done
ok "dpkg -P announces what it removes and that the isolation may remain" bash -c \
	'[ "$1" = 0 ] && grep -q "purge removes /var/lib/vigil" "$2" && grep -q "THIS HOST WAS ISOLATED" "$2"' \
	_ "$rc" "$TEST_DIR/purge.out"
ok "the purge does not change the network (as it said)" table_there
ok "the group vigil is gone" test -z "$(in_root getent group vigil)"
snapshot >"$TEST_DIR/after.list"
ok "nothing of Vigil is left in the chroot" diff "$TEST_DIR/before.list" "$TEST_DIR/after.list"
ok "no process is left in the chroot" test -z "$(chroot_pids)"
diag "package test: $((SECONDS - start)) s"
finish
