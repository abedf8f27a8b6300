# SPDX-License-Identifier: GPL-3.0-or-later
# The Debian packages (debian/, doc/install.md): built from a clean copy of the tree, installed,
# upgraded, removed and purged in a Debian chroot (added to TESTS and EXTRA_DIST).
TESTS += integration/package.sh
EXTRA_DIST += integration/package.sh package/base-chroot.sh package/build-debs.sh package/chroot-packages.txt
