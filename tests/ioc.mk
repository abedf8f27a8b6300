# SPDX-License-Identifier: GPL-3.0-or-later
# Tests of the ioc subsystem (added to check_PROGRAMS, TESTS and EXTRA_DIST).
ioc_unit_tests = unit/test-ioc-eval unit/test-ioc-hostile unit/test-ioc-corpus unit/test-ioc-scan unit/test-ioc-tree
check_PROGRAMS += $(ioc_unit_tests)
TESTS += $(ioc_unit_tests)
unit_test_ioc_eval_SOURCES = unit/test-ioc-eval.c unit/ioc-fake.h unit/ioc-tree.h
unit_test_ioc_hostile_SOURCES = unit/test-ioc-hostile.c unit/ioc-fake.h
unit_test_ioc_corpus_SOURCES = unit/test-ioc-corpus.c unit/ioc-tree.h
unit_test_ioc_tree_SOURCES = unit/test-ioc-tree.c unit/ioc-fake.h unit/ioc-tree.h
unit_test_ioc_scan_SOURCES = unit/test-ioc-scan.c unit/ioc-fake.h
TESTS += integration/ioc-scan.sh integration/ioc-actions.sh integration/ioc-status.sh integration/sandbox.sh
EXTRA_DIST += integration/ioc-scan.sh integration/ioc-actions.sh integration/ioc-status.sh integration/sandbox.sh

# libFuzzer targets of the OpenIOC loader (./configure CC=clang --enable-fuzzing), seeded from
# fuzz/corpus/ioc-load/ and, in CI, the shared corpus, and of the agent's reading of the parser
# sandbox's trees (fuzz/corpus/ioc-tree/: the trees of the ioc-load seeds).
if ENABLE_FUZZING
noinst_PROGRAMS += fuzz/fuzz-ioc-load fuzz/fuzz-ioc-tree
fuzz_fuzz_ioc_load_SOURCES = fuzz/fuzz-ioc-load.c fuzz/ioc-fuzz.h
fuzz_fuzz_ioc_load_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
fuzz_fuzz_ioc_tree_SOURCES = fuzz/fuzz-ioc-tree.c fuzz/ioc-fuzz.h
fuzz_fuzz_ioc_tree_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
endif
EXTRA_DIST += fuzz/fuzz-ioc-load.c fuzz/corpus/ioc-load/v11-and.ioc fuzz/corpus/ioc-load/v10-quirks.ioc fuzz/corpus/ioc-load/dtd.ioc \
	fuzz/fuzz-ioc-tree.c fuzz/corpus/ioc-tree/v11-and.json fuzz/corpus/ioc-tree/v10-quirks.json
