#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds Vigil's Debian packages from a clean copy of the tree, twice: as the tree says
# (debian/changelog's version) and once more with a higher version (VERSION+upgrade1, a
# changelog entry added in the copy), so that the package test can upgrade from one to the
# other.  The results are kept in the cache directory under a key made of every file of the
# tree, so that the plain and sanitizer suites, and reruns of an unchanged tree, build once.
#
#   tests/package/build-debs.sh SRCDIR [CACHE_DIR]
#
# Prints the directory holding current/*.deb, upgrade/*.deb and build.log files.  The tree's
# files are git's (tracked and untracked, not ignored) when SRCDIR is a git checkout, else
# every file of SRCDIR (a release tarball) but the build directories under it (build-aux is
# the tree's).
set -euo pipefail

src=$(cd "$1" && pwd)
cache=${2:-${VIGIL_CACHE_DIR:-/var/cache/vigil-tests}}
mkdir -p "$cache/debs"
# A make that runs this test must not hand its jobserver to the package's build.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES

list=$(mktemp)
trap 'rm -f "$list"' EXIT
if git -C "$src" rev-parse --show-toplevel >/dev/null 2>&1 &&
	[ "$(git -C "$src" rev-parse --show-toplevel)" = "$src" ]; then
	git -C "$src" ls-files -co --exclude-standard -z | sort -z >"$list"
else
	# distcheck builds in _build and installs in _inst; .ci/run builds in build-*.
	(cd "$src" && find . \( -path ./_build -o -path ./_inst -o -path ./build -o -path ./build-plain \
		-o -path ./build-sanitizers -o -path ./build-fuzz \) -prune \
		-o -type f -print0 |
		sed -z 's|^\./||' | sort -z) >"$list"
fi
key=$( (cd "$src" && tar --null --no-recursion --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner \
	-cf - -T "$list") | sha256sum | cut -c1-16)
out="$cache/debs/$key"

exec 9>"$cache/debs/.lock"
flock -w 3600 9
if [ -e "$out/done" ]; then
	echo "$out"
	exit 0
fi

work=$(mktemp -d "$cache/debs/.build.XXXXXX")
trap 'rm -f "$list"; rm -rf "$work"' EXIT
version=$(sed -n '1s/^[^ ]* (\([^)]*\)).*/\1/p' "$src/debian/changelog")
jobs=$(nproc)

# build NAME: dpkg-buildpackage in a fresh copy, the debs (no debug symbols) into $work/NAME.
build() {
	local name=$1 tree="$work/$1-tree/vigil"
	mkdir -p "$tree" "$work/$name"
	(cd "$src" && tar --null --no-recursion -cf - -T "$list") | tar -C "$tree" -xf -
	if [ "$name" = upgrade ]; then
		{
			printf 'vigil (%s+upgrade1) unstable; urgency=medium\n\n' "$version"
			printf '  * The same tree, built again with a higher version for the upgrade test.\n\n'
			printf ' -- Vigil developers <vigil@example.org>  %s\n\n' "$(date -R)"
			cat "$tree/debian/changelog"
		} >"$tree/debian/changelog.new"
		mv "$tree/debian/changelog.new" "$tree/debian/changelog"
	fi
	if ! (cd "$tree" && DEB_BUILD_OPTIONS="parallel=$jobs" dpkg-buildpackage -us -uc -b) >"$work/$name.log" 2>&1; then
		tail -40 "$work/$name.log" >&2
		echo "build-debs: dpkg-buildpackage ($name) failed" >&2
		return 1
	fi
	mv "$work/$name-tree/"*.deb "$work/$name/"
	rm -f "$work/$name/"*-dbgsym_*.deb
	mv "$work/$name.log" "$work/$name/build.log"
	rm -rf "$work/$name-tree"
}
build current
build upgrade
touch "$work/done"
rm -f "$list"
rm -rf "$out"
mv "$work" "$out"
trap - EXIT
# Only the newest few builds are kept.
ls -1dt "$cache/debs/"*/ | tail -n +5 | xargs -r rm -rf
echo "$out"
