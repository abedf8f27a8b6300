# SPDX-License-Identifier: GPL-3.0-or-later
libvigil_agent_la_SOURCES += telemetry/subsystem.c telemetry/telemetry.h telemetry/telemetry-settings.h \
	telemetry/queue.c telemetry/queue.h \
	telemetry/enrich.c telemetry/enrich.h telemetry/exclusions.c telemetry/exclusions.h \
	telemetry/audit.c telemetry/audit.h telemetry/audit-parse.c telemetry/audit-parse.h \
	telemetry/ebpf.h telemetry/ebpf-decode.c telemetry/ebpf-decode.h telemetry/ebpf/records.h \
	telemetry/proctable.c telemetry/proctable.h \
	telemetry/fanotify.c telemetry/fanotify.h telemetry/commands.c
# What the detection subsystem asks of the telemetry: its stage, the audit records its rules read.
libvigil_agent_la_SOURCES += telemetry/stage.h telemetry/stage.c telemetry/audit-records.h telemetry/audit-records.c
libvigil_agent_la_LIBADD += $(AUDIT_LIBS) $(AUPARSE_LIBS) $(OPENSSL_LIBS)
AM_CFLAGS += $(AUDIT_CFLAGS) $(AUPARSE_CFLAGS) $(OPENSSL_CFLAGS)

if ENABLE_EBPF
# The eBPF sensor: its kernel programs are compiled against a vmlinux.h made from the kernel's
# BTF, stripped of their DWARF (bpftool gen object keeps the BTF that CO-RE needs), and
# embedded in vigild as a skeleton header: nothing to install.
libvigil_agent_la_SOURCES += telemetry/ebpf.c
nodist_libvigil_agent_la_SOURCES = telemetry/ebpf/sensor.skel.h
libvigil_agent_la_LIBADD += $(LIBBPF_LIBS)
AM_CFLAGS += $(LIBBPF_CFLAGS)
AM_CPPFLAGS += -I$(builddir)/telemetry/ebpf
BUILT_SOURCES = telemetry/ebpf/sensor.skel.h
CLEANFILES = telemetry/ebpf/vmlinux.h telemetry/ebpf/sensor.bpf.o telemetry/ebpf/sensor.skel.h

telemetry/ebpf/vmlinux.h:
	@$(MKDIR_P) telemetry/ebpf
	$(AM_V_GEN)$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c >$@.tmp && mv $@.tmp $@

telemetry/ebpf/sensor.bpf.o: $(srcdir)/telemetry/ebpf/sensor.bpf.c $(srcdir)/telemetry/ebpf/records.h \
		telemetry/ebpf/vmlinux.h
	$(AM_V_GEN)$(CLANG) -target bpf -g -O2 -Wall -D__TARGET_ARCH_$(BPF_TARGET_ARCH) \
		-I$(builddir)/telemetry/ebpf -c $(srcdir)/telemetry/ebpf/sensor.bpf.c -o $@.full && \
	$(BPFTOOL) gen object $@ $@.full >/dev/null && rm -f $@.full

telemetry/ebpf/sensor.skel.h: telemetry/ebpf/sensor.bpf.o
	$(AM_V_GEN)$(BPFTOOL) gen skeleton telemetry/ebpf/sensor.bpf.o name vigil_sensor >$@.tmp && mv $@.tmp $@
else
libvigil_agent_la_SOURCES += telemetry/ebpf-none.c
endif
