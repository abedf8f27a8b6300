/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The command table of the control protocol, indexed by enum vg_cmd (protocol-table.c). */
#ifndef VIGIL_PROTOCOL_TABLE_H
#define VIGIL_PROTOCOL_TABLE_H

#include "vigil/protocol.h"

extern const struct vg_proto_command vg_cmd_table[VG_CMD_COUNT];

#endif
