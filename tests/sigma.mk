# SPDX-License-Identifier: GPL-3.0-or-later
# Tests of the Sigma rule engine of the library (added to check_PROGRAMS, TESTS and EXTRA_DIST).
# The corpus test reads the shared public rules from $VIGIL_SHARED_DIR/sigma-corpus.
sigma_unit_tests = unit/test-sigma-match unit/test-sigma-load
check_PROGRAMS += $(sigma_unit_tests)
TESTS += $(sigma_unit_tests)
unit_test_sigma_match_SOURCES = unit/test-sigma-match.c unit/sigma-test.h
unit_test_sigma_load_SOURCES = unit/test-sigma-load.c unit/sigma-test.h
