/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The registry: the settings tables of the core and of every subsystem, gathered at start.
 * A table that does not hold together (a key twice, a key outside its prefixes, a malformed
 * definition) is refused with a message naming its owner and the key, and the agent does not
 * start: a definition error shows at the first start, never as a silent default.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nls.h"
#include "settings.h"
#include "vigil/error.h"

#define MAX_SETTINGS 256
#define MAX_PREFIXES 64
#define MAX_PREFIX 32

struct by_addr {
	uintptr_t addr;
	size_t index;
};

struct vg_setting_registry {
	const struct vg_setting_def *defs[MAX_SETTINGS]; /* in the order shown */
	const char *owners[MAX_SETTINGS];
	size_t n;
	struct by_addr sorted[MAX_SETTINGS];             /* defs by address, for the handles */
	struct {
		const char *prefix;
		const char *owner;
	} prefixes[MAX_PREFIXES];
	size_t nprefixes;
};

int vg_setting_registry_new(struct vg_setting_registry **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

void vg_setting_registry_free(struct vg_setting_registry *reg)
{
	free(reg);
}

static bool is_word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/* Lower-case words joined by single dots, at least two words unless a prefix. */
static bool well_formed(const char *key, bool prefix)
{
	size_t len = key ? strlen(key) : 0, words = 1;

	if (len == 0 || len >= (prefix ? MAX_PREFIX : VG_SETTING_MAX_KEY) || key[0] == '.' || key[len - 1] == '.')
		return false;
	for (const char *p = key; *p; p++) {
		if (*p == '.') {
			if (prefix || p[1] == '.')
				return false;
			words++;
		} else if (!is_word_char(*p)) {
			return false;
		}
	}
	return prefix || words >= 2;
}

static const char *prefix_owner(const struct vg_setting_registry *reg, const char *prefix)
{
	for (size_t i = 0; i < reg->nprefixes; i++)
		if (strcmp(reg->prefixes[i].prefix, prefix) == 0)
			return reg->prefixes[i].owner;
	return NULL;
}

static bool in_prefixes(const struct vg_setting_table *table, const char *key)
{
	for (const char *const *p = table->prefixes; p && *p; p++) {
		size_t len = strlen(*p);

		if (strncmp(key, *p, len) == 0 && key[len] == '.')
			return true;
	}
	return false;
}

static int check_def(const struct vg_setting_def *d, const char *owner, struct vg_error *err)
{
	char canon[VG_SETTING_MAX_VALUE];
	struct vg_error inner;

	switch (d->type) {
	case VG_SETTING_BOOL:
	case VG_SETTING_STRING:
		if (d->min || d->max)
			goto bounds;
		break;
	case VG_SETTING_INT:
		if (d->min > d->max)
			goto bounds;
		break;
	case VG_SETTING_LIST:
		if (d->min || d->max < 1)
			goto bounds;
		break;
	default:
		return vg_error_set(err, -EINVAL, N_("settings of %s: %s has an unknown type"), owner, d->key);
	}
	if (!d->help || !d->help[0])
		return vg_error_set(err, -EINVAL, N_("settings of %s: %s has no help text"), owner, d->key);
	if ((d->flags & ~(unsigned)(VG_SETTING_SECRET | VG_SETTING_PATHS)) ||
	    ((d->flags & VG_SETTING_PATHS) && d->type != VG_SETTING_STRING && d->type != VG_SETTING_LIST))
		return vg_error_set(err, -EINVAL, N_("settings of %s: %s has flags that this agent does not know"),
				    owner, d->key);
	if (d->validate && (d->type == VG_SETTING_BOOL || d->type == VG_SETTING_INT))
		return vg_error_set(err, -EINVAL, N_("settings of %s: %s has a check that its type does not use"),
				    owner, d->key);
	if (!d->def)
		return vg_error_set(err, -EINVAL, N_("settings of %s: %s has no default"), owner, d->key);
	if (vg_setting_normalize(d, d->def, canon, sizeof(canon), &inner) < 0)
		return vg_error_set(err, -EINVAL, N_("settings of %s: the default of %s is refused by its own checks: %s"),
				    owner, d->key, inner.message);
	/* Values are compared as text: a default must be written as every stored value is. */
	if (strcmp(canon, d->def) != 0)
		return vg_error_set(err, -EINVAL, N_("settings of %s: the default of %s is not in its canonical form \"%s\""),
				    owner, d->key, canon);
	return 0;
bounds:
	return vg_error_set(err, -EINVAL, N_("settings of %s: %s has bounds that do not fit its type"), owner, d->key);
}

static int by_addr_cmp(const void *a, const void *b)
{
	uintptr_t x = ((const struct by_addr *)a)->addr, y = ((const struct by_addr *)b)->addr;

	return x < y ? -1 : x > y;
}

static void sort_by_addr(struct vg_setting_registry *reg)
{
	for (size_t i = 0; i < reg->n; i++)
		reg->sorted[i] = (struct by_addr){ (uintptr_t)reg->defs[i], i };
	qsort(reg->sorted, reg->n, sizeof(reg->sorted[0]), by_addr_cmp);
}

static int add_prefixes(struct vg_setting_registry *reg, const char *owner, const struct vg_setting_table *table,
			struct vg_error *err)
{
	for (const char *const *p = table->prefixes; p && *p; p++) {
		const char *other;

		if (!well_formed(*p, true))
			return vg_error_set(err, -EINVAL, N_("settings of %s: the prefix \"%s\" is malformed"), owner, *p);
		if ((other = prefix_owner(reg, *p)))
			return vg_error_set(err, -EEXIST, N_("settings of %s: the prefix \"%s\" is already claimed by %s"),
					    owner, *p, other);
		if (reg->nprefixes >= MAX_PREFIXES)
			return vg_error_set(err, -E2BIG, N_("settings of %s: too many prefixes"), owner);
		reg->prefixes[reg->nprefixes].prefix = *p;
		reg->prefixes[reg->nprefixes++].owner = owner;
	}
	return 0;
}

static int add_defs(struct vg_setting_registry *reg, const char *owner, const struct vg_setting_table *table,
		    struct vg_error *err)
{
	char limit[16];
	int r;

	for (const struct vg_setting_def *const *d = table->defs; d && *d; d++) {
		const struct vg_setting_def *def = *d;

		if (!well_formed(def->key, false))
			return vg_error_set(err, -EINVAL,
					    N_("settings of %s: the key \"%s\" is malformed (lower-case words joined by dots)"),
					    owner, def->key ? def->key : "");
		if (!in_prefixes(table, def->key))
			return vg_error_set(err, -EINVAL, N_("settings of %s: %s is outside the prefixes of its table"),
					    owner, def->key);
		for (size_t i = 0; i < reg->n; i++)
			if (reg->defs[i] == def || strcmp(reg->defs[i]->key, def->key) == 0)
				return vg_error_set(err, -EEXIST, N_("settings of %s: %s is declared twice (also by %s)"),
						    owner, def->key, reg->owners[i]);
		if ((r = check_def(def, owner, err)) < 0)
			return r;
		if (reg->n >= MAX_SETTINGS) {
			snprintf(limit, sizeof(limit), "%d", MAX_SETTINGS);
			return vg_error_set(err, -E2BIG, N_("settings of %s: too many settings (at most %s)"), owner, limit);
		}
		reg->owners[reg->n] = owner;
		reg->defs[reg->n++] = def;
	}
	return 0;
}

int vg_setting_registry_add(struct vg_setting_registry *reg, const char *owner,
			    const struct vg_setting_table *table, struct vg_error *err)
{
	size_t n = reg->n, nprefixes = reg->nprefixes;
	int r;

	if ((r = add_prefixes(reg, owner, table, err)) < 0 || (r = add_defs(reg, owner, table, err)) < 0) {
		/* All or nothing: the table's part goes. */
		reg->n = n;
		reg->nprefixes = nprefixes;
		return r;
	}
	sort_by_addr(reg);
	return 0;
}

const struct vg_setting_def *const *vg_setting_registry_defs(const struct vg_setting_registry *reg,
							      size_t *count)
{
	*count = reg->n;
	return reg->defs;
}

const struct vg_setting_def *vg_setting_registry_find(const struct vg_setting_registry *reg, const char *key,
						      struct vg_error *err)
{
	for (size_t i = 0; key && i < reg->n; i++)
		if (strcmp(reg->defs[i]->key, key) == 0)
			return reg->defs[i];
	vg_error_set(err, -ENOENT, N_("unknown setting \"%s\""), key ? key : "");
	return NULL;
}

ssize_t vg_setting_registry_index(const struct vg_setting_registry *reg, const struct vg_setting_def *def)
{
	struct by_addr key = { (uintptr_t)def, 0 };
	const struct by_addr *hit = bsearch(&key, reg->sorted, reg->n, sizeof(reg->sorted[0]), by_addr_cmp);

	return hit ? (ssize_t)hit->index : -1;
}
