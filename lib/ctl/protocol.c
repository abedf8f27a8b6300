/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "vigil/protocol.h"

static const struct {
	int code;
	const char *name;
} errors[] = {
	{ -EINVAL, VG_PROTO_E_INVALID },
	{ -ERANGE, VG_PROTO_E_INVALID },
	{ -ENOENT, VG_PROTO_E_NOT_FOUND },
	{ -EPERM, VG_PROTO_E_DENIED },
	{ -EACCES, VG_PROTO_E_DENIED },
	{ -ENOSYS, VG_PROTO_E_UNKNOWN_COMMAND },
	{ -EMSGSIZE, VG_PROTO_E_TOO_LARGE },
	{ -E2BIG, VG_PROTO_E_TOO_LARGE },
	{ -EFBIG, VG_PROTO_E_TOO_LARGE },
	{ -EBUSY, VG_PROTO_E_BUSY },
	{ -EAGAIN, VG_PROTO_E_BUSY },
	{ -EOPNOTSUPP, VG_PROTO_E_UNSUPPORTED },
	{ -EEXIST, VG_PROTO_E_EXISTS },
	{ -EPROTO, VG_PROTO_E_BAD_REQUEST },
	{ -EPROTONOSUPPORT, VG_PROTO_E_VERSION },
	{ -EIO, VG_PROTO_E_INTERNAL },
};

const char *vg_proto_error_name(int code)
{
	for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++)
		if (errors[i].code == code)
			return errors[i].name;
	return VG_PROTO_E_INTERNAL;
}

int vg_proto_error_code(const char *name)
{
	for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++)
		if (strcmp(errors[i].name, name) == 0)
			return errors[i].code;
	return -EIO;
}
