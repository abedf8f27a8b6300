# SPDX-License-Identifier: GPL-3.0-or-later
# Tests of the Sigma rule engine of the library (added to check_PROGRAMS, TESTS and EXTRA_DIST).
# The corpus test reads the shared public rules from $VIGIL_SHARED_DIR/sigma-corpus.
sigma_unit_tests = unit/test-sigma-match unit/test-sigma-load unit/test-sigma-correlation \
	unit/test-sigma-hostile unit/test-sigma-corpus unit/test-sigma-prefilter unit/test-sigma-ocsf \
	unit/test-sigma-regex
check_PROGRAMS += $(sigma_unit_tests)
TESTS += $(sigma_unit_tests)
unit_test_sigma_match_SOURCES = unit/test-sigma-match.c unit/sigma-test.h
unit_test_sigma_load_SOURCES = unit/test-sigma-load.c unit/sigma-test.h
unit_test_sigma_correlation_SOURCES = unit/test-sigma-correlation.c unit/sigma-test.h
unit_test_sigma_hostile_SOURCES = unit/test-sigma-hostile.c unit/sigma-test.h
unit_test_sigma_corpus_SOURCES = unit/test-sigma-corpus.c
unit_test_sigma_prefilter_SOURCES = unit/test-sigma-prefilter.c
unit_test_sigma_ocsf_SOURCES = unit/test-sigma-ocsf.c unit/sigma-test.h
unit_test_sigma_regex_SOURCES = unit/test-sigma-regex.c unit/sigma-test.h
unit_test_sigma_regex_CFLAGS = $(AM_CFLAGS) $(PCRE2_CFLAGS)

# libFuzzer target of the Sigma loader (./configure CC=clang --enable-fuzzing), seeded from
# fuzz/corpus/sigma-load/ and, in CI, the shared Sigma corpus.
if ENABLE_FUZZING
noinst_PROGRAMS += fuzz/fuzz-sigma-load
fuzz_fuzz_sigma_load_SOURCES = fuzz/fuzz-sigma-load.c
fuzz_fuzz_sigma_load_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
endif
EXTRA_DIST += fuzz/fuzz-sigma-load.c fuzz/corpus/sigma-load/process-modifiers.yml fuzz/corpus/sigma-load/network.yml \
	fuzz/corpus/sigma-load/correlation.yml fuzz/corpus/sigma-load/auditd-collection.yml \
	fuzz/corpus/sigma-load/refused.yml
