# SPDX-License-Identifier: GPL-3.0-or-later
# Tests of the ioc subsystem (added to check_PROGRAMS, TESTS and EXTRA_DIST).
ioc_unit_tests = unit/test-ioc-eval unit/test-ioc-hostile unit/test-ioc-corpus unit/test-ioc-scan
check_PROGRAMS += $(ioc_unit_tests)
TESTS += $(ioc_unit_tests)
unit_test_ioc_eval_SOURCES = unit/test-ioc-eval.c unit/ioc-fake.h
unit_test_ioc_hostile_SOURCES = unit/test-ioc-hostile.c unit/ioc-fake.h
unit_test_ioc_corpus_SOURCES = unit/test-ioc-corpus.c
unit_test_ioc_scan_SOURCES = unit/test-ioc-scan.c unit/ioc-fake.h
TESTS += integration/ioc-scan.sh
EXTRA_DIST += integration/ioc-scan.sh
