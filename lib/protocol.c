/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The control protocol's one definition: the lookups over the command table and the check of a
 * request's arguments against it (the table itself is protocol-table.c). */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "nls.h"
#include "protocol-table.h"
#include "vigil/error.h"
#include "vigil/protocol.h"

const struct vg_proto_command *vg_proto_command(enum vg_cmd cmd)
{
	if ((unsigned)cmd >= VG_CMD_COUNT)
		return NULL;
	return &vg_cmd_table[cmd];
}

const char *vg_proto_name(enum vg_cmd cmd)
{
	const struct vg_proto_command *c = vg_proto_command(cmd);

	return c ? c->name : "";
}

const struct vg_proto_command *vg_proto_command_find(const char *name)
{
	if (!name)
		return NULL;
	for (unsigned i = 0; i < VG_CMD_COUNT; i++)
		if (strcmp(vg_cmd_table[i].name, name) == 0)
			return &vg_cmd_table[i];
	return NULL;
}

const struct vg_proto_arg *vg_proto_arg_find(const struct vg_proto_command *cmd, const char *key)
{
	for (const struct vg_proto_arg *a = cmd ? cmd->args : NULL; a && a->key; a++)
		if (strcmp(a->key, key) == 0)
			return a;
	return NULL;
}

static unsigned type_of(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_STRING:
		return VG_ARG_STRING;
	case JSON_INTEGER:
		return VG_ARG_INT;
	case JSON_TRUE:
	case JSON_FALSE:
		return VG_ARG_BOOL;
	case JSON_ARRAY:
		return VG_ARG_ARRAY;
	case JSON_OBJECT:
		return VG_ARG_OBJECT;
	case JSON_NULL:
		return VG_ARG_NULL;
	default:
		return 0;               /* a real number: no argument takes one */
	}
}

static const char *type_words(unsigned types)
{
	static const struct {
		unsigned mask;
		const char *words;
	} names[] = {
		{ VG_ARG_STRING, N_("a string") },
		{ VG_ARG_INT, N_("an integer") },
		{ VG_ARG_BOOL, N_("true or false") },
		{ VG_ARG_ARRAY, N_("an array") },
		{ VG_ARG_OBJECT, N_("an object") },
		{ VG_ARG_STRING | VG_ARG_INT, N_("a string or an integer") },
		{ VG_ARG_STRING | VG_ARG_ARRAY, N_("a string or an array of strings") },
		{ VG_ARG_INT | VG_ARG_STRING | VG_ARG_BOOL | VG_ARG_ARRAY, N_("a value") },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if ((types & ~VG_ARG_NULL) == names[i].mask)
			return names[i].words;
	return N_("a value of another type");
}

int vg_proto_check_args(const struct vg_proto_command *cmd, const json_t *args, struct vg_error *err)
{
	const struct vg_proto_arg *a;
	const char *key;
	json_t *v;

	if (!cmd)
		return vg_error_set(err, -EINVAL, N_("unknown command"));
	if (args && !json_is_object(args))
		return vg_error_set(err, -EINVAL, N_("the arguments of %s must be an object"), cmd->name);
	json_object_foreach((json_t *)args, key, v) {
		if (!(a = vg_proto_arg_find(cmd, key)))
			return vg_error_set(err, -EINVAL, N_("%s takes no argument \"%s\""), cmd->name, key);
		if (!(type_of(v) & a->types))
			return vg_error_set(err, -EINVAL, N_("the argument \"%s\" of %s must be %s"), key, cmd->name,
					    type_words(a->types));
		if (json_is_array(v) && !(a->flags & VG_ARG_ANY_ITEMS)) {
			size_t i;
			json_t *item;

			json_array_foreach(v, i, item)
				if (!json_is_string(item))
					return vg_error_set(err, -EINVAL, N_("the argument \"%s\" of %s must hold strings only"),
							    key, cmd->name);
		}
	}
	for (a = cmd->args; a && a->key; a++)
		if ((a->flags & VG_ARG_REQUIRED) && !(args && json_object_get(args, a->key)))
			return vg_error_set(err, -EINVAL, N_("%s needs the argument \"%s\""), cmd->name, a->key);
	return 0;
}

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
