/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The eBPF sensor of a vigild built without it (configure found no clang, bpftool, libbpf or
 * BTF, or was given --disable-ebpf): starting it fails and says why. */
#include "config.h"

#include <errno.h>

#include "nls.h"
#include "telemetry/ebpf.h"
#include "vigil/error.h"

bool vg_tel_ebpf_built(void)
{
	return false;
}

int vg_tel_ebpf_start(struct vg_tel_ebpf **out, struct vg_telemetry *tel, bool process, bool network,
		      struct vg_error *err)
{
	(void)tel;
	(void)process;
	(void)network;
	*out = NULL;
	return vg_error_set(err, -ENOTSUP, N_("this vigild was built without the eBPF sensor"));
}

void vg_tel_ebpf_stop(struct vg_tel_ebpf *e)
{
	(void)e;
}

void vg_tel_ebpf_configure(struct vg_tel_ebpf *e, bool process, bool network)
{
	(void)e;
	(void)process;
	(void)network;
}

uint64_t vg_tel_ebpf_lost(struct vg_tel_ebpf *e)
{
	(void)e;
	return 0;
}

json_t *vg_tel_ebpf_status(struct vg_tel_ebpf *e)
{
	(void)e;
	return json_object();
}

void vg_tel_ebpf_hold(struct vg_tel_ebpf *e, bool hold)
{
	(void)e;
	(void)hold;
}
