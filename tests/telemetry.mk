# SPDX-License-Identifier: GPL-3.0-or-later
# Tests of the telemetry subsystem (added to check_PROGRAMS, TESTS and EXTRA_DIST).
check_PROGRAMS += unit/test-spool unit/test-telemetry unit/test-ebpf-decode
TESTS += unit/test-spool unit/test-telemetry unit/test-ebpf-decode
unit_test_spool_SOURCES = unit/test-spool.c
unit_test_telemetry_SOURCES = unit/test-telemetry.c
unit_test_ebpf_decode_SOURCES = unit/test-ebpf-decode.c
telemetry_scripts = integration/telemetry-process.sh integration/telemetry-network.sh \
	integration/telemetry-exclusion.sh integration/telemetry-auditd.sh integration/telemetry-crash.sh \
	integration/telemetry-file.sh \
	integration/telemetry-process-auditd.sh integration/telemetry-network-auditd.sh \
	integration/telemetry-exclusion-auditd.sh integration/telemetry-file-auditd.sh \
	integration/telemetry-file-watch.sh integration/telemetry-dropped.sh integration/telemetry-off.sh
# The same tests against the eBPF sensor, and its own (beside auditd, drops, fallback).
telemetry_ebpf_scripts = integration/telemetry-process-ebpf.sh integration/telemetry-network-ebpf.sh \
	integration/telemetry-exclusion-ebpf.sh integration/telemetry-crash-ebpf.sh integration/telemetry-ebpf.sh
TESTS += $(telemetry_scripts)
if ENABLE_EBPF
TESTS += $(telemetry_ebpf_scripts)
endif
EXTRA_DIST += integration/telemetry-lib.sh $(telemetry_scripts) $(telemetry_ebpf_scripts)
