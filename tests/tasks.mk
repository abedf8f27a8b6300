# SPDX-License-Identifier: GPL-3.0-or-later
# Tests of the tasks subsystem (added to check_PROGRAMS, TESTS and EXTRA_DIST).
