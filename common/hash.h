/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A fast non-cryptographic hash for tables and set membership (never for anything hostile
 * input could exploit by collisions beyond a slower lookup). */
#ifndef VIGIL_COMMON_HASH_H
#define VIGIL_COMMON_HASH_H

#include <stddef.h>
#include <stdint.h>

/* FNV-1a, 64 bits, of n bytes at p. */
static inline uint64_t vg_fnv1a64(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 1099511628211ull;
	}
	return h;
}

#endif
