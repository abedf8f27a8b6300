# SPDX-License-Identifier: GPL-3.0-or-later
# Tests of the ioc subsystem (added to check_PROGRAMS, TESTS and EXTRA_DIST).
ioc_unit_tests = unit/test-ioc-eval unit/test-ioc-hostile unit/test-ioc-corpus unit/test-ioc-scan
check_PROGRAMS += $(ioc_unit_tests)
TESTS += $(ioc_unit_tests)
unit_test_ioc_eval_SOURCES = unit/test-ioc-eval.c unit/ioc-fake.h
unit_test_ioc_hostile_SOURCES = unit/test-ioc-hostile.c unit/ioc-fake.h
unit_test_ioc_corpus_SOURCES = unit/test-ioc-corpus.c
unit_test_ioc_scan_SOURCES = unit/test-ioc-scan.c unit/ioc-fake.h
TESTS += integration/ioc-scan.sh integration/ioc-actions.sh integration/ioc-status.sh integration/sandbox.sh
EXTRA_DIST += integration/ioc-scan.sh integration/ioc-actions.sh integration/ioc-status.sh integration/sandbox.sh

# libFuzzer target of the OpenIOC loader (./configure CC=clang --enable-fuzzing), seeded from
# fuzz/corpus/ioc-load/ and, in CI, the shared corpus.
if ENABLE_FUZZING
noinst_PROGRAMS += fuzz/fuzz-ioc-load
fuzz_fuzz_ioc_load_SOURCES = fuzz/fuzz-ioc-load.c
fuzz_fuzz_ioc_load_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
endif
EXTRA_DIST += fuzz/fuzz-ioc-load.c fuzz/corpus/ioc-load/v11-and.ioc fuzz/corpus/ioc-load/v10-quirks.ioc fuzz/corpus/ioc-load/dtd.ioc
