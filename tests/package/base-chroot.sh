#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Makes, once, the Debian bookworm chroot that the package test installs Vigil into, and keeps it
# as a tarball in the cache directory, so that the suite downloads nothing after the first time.
#
#   tests/package/base-chroot.sh [CACHE_DIR]     (default $VIGIL_CACHE_DIR or /var/cache/vigil-tests)
#
# Prints the tarball's path.  The chroot is debootstrap's minbase with the packages that
# vigil's dependencies need (tests/package/chroot-packages.txt), so that dpkg -i of the built
# packages needs no network; the tarball's name carries a hash of that list, so that changing
# the list makes a new one.  The mirror is the one the machine's apt sources name for bookworm.
# .ci/run calls this in its setup phase; the package test calls it too (a no-op when cached).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${1:-${VIGIL_CACHE_DIR:-/var/cache/vigil-tests}}
suite=bookworm
list="$here/chroot-packages.txt"
mapfile -t pkgs < <(grep -v '^#' "$list" | grep .)
key=$(printf '%s\n' "$suite" "${pkgs[@]}" | sha256sum | cut -c1-16)
tarball="$cache/chroot-$suite-$key.tar.gz"
if [ -s "$tarball" ]; then
	echo "$tarball"
	exit 0
fi

# The first URI of the machine's apt sources that serves the suite (deb822 or one-line form).
mirror() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk -v s="$suite" '
			/^$/ { if (ok && uri != "") { print uri; found = 1; exit } ok = 0; uri = "" }
			/^URIs:/ { uri = $2 }
			/^Suites:/ { for (i = 2; i <= NF; i++) if ($i == s) ok = 1 }
			END { if (!found && ok && uri != "") print uri }' "$f"
	done
	cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
		awk -v s="$suite" '$1 == "deb" && $3 == s { print $2 }' || true
}
url=$(mirror | head -1 || true)
if [ -z "$url" ]; then
	echo "base-chroot: no apt source of this machine serves $suite" >&2
	exit 1
fi
command -v debootstrap >/dev/null || { echo "base-chroot: debootstrap is missing (apt-get install debootstrap)" >&2; exit 1; }

mkdir -p "$cache"
work=$(mktemp -d "$cache/.chroot.XXXXXX")
trap 'rm -rf "$work"' EXIT
include=$(IFS=,; echo "${pkgs[*]}")
if ! debootstrap --variant=minbase --include="$include" "$suite" "$work/root" "$url" >"$work/log" 2>&1; then
	tail -30 "$work/log" >&2
	echo "base-chroot: debootstrap failed (log above)" >&2
	exit 1
fi
# Nothing of the build machine's: no downloaded archives, no apt lists.
rm -rf "$work/root/var/cache/apt/archives/"*.deb "$work/root/var/lib/apt/lists/"*_Packages
tar -C "$work/root" --numeric-owner -czf "$work/base.tar.gz" .
mv "$work/base.tar.gz" "$tarball"
echo "$tarball"
