/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Escaping control characters for a terminal (escape.h). */
#include "config.h"

#include <stdio.h>

#include "escape.h"

static void emit_hex(unsigned char byte, vg_escape_emit_fn emit, void *data)
{
	char text[8];

	snprintf(text, sizeof(text), "\\x%02x", byte);
	emit(text, 4, data);
}

/* Bytes that follow a lead byte of UTF-8, or 0 when it leads nothing valid. */
static size_t sequence_length(unsigned char lead)
{
	if (lead >= 0xc2 && lead <= 0xdf)
		return 2;
	if (lead >= 0xe0 && lead <= 0xef)
		return 3;
	if (lead >= 0xf0 && lead <= 0xf4)
		return 4;
	return 0;
}

/* What was held is not a character: its first byte escaped, the rest looked at again. */
static void release_held(struct vg_escape *esc, vg_escape_emit_fn emit, void *data)
{
	unsigned char rest[4];
	size_t nrest = esc->nheld - 1;

	emit_hex(esc->held[0], emit, data);
	for (size_t i = 0; i < nrest; i++)
		rest[i] = esc->held[i + 1];
	esc->nheld = esc->need = 0;
	vg_escape_feed(esc, (const char *)rest, nrest, emit, data);
}

void vg_escape_feed(struct vg_escape *esc, const char *text, size_t len, vg_escape_emit_fn emit, void *data)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t run = 0; /* bytes at p[i - run] .. p[i - 1] that pass unchanged */

	for (size_t i = 0; i < len; i++) {
		unsigned char b = p[i];

		if (esc->nheld) {
			if ((b & 0xc0) != 0x80) {
				release_held(esc, emit, data);
				i--; /* b again, on its own */
				continue;
			}
			esc->held[esc->nheld++] = b;
			if (esc->nheld < esc->need)
				continue;
			if (esc->held[0] == 0xc2 && esc->held[1] <= 0x9f) {
				char c1[8];

				snprintf(c1, sizeof(c1), "\\u%04x", esc->held[1]);
				emit(c1, 6, data);
			} else {
				emit((const char *)esc->held, esc->nheld, data);
			}
			esc->nheld = esc->need = 0;
			continue;
		}
		if (b >= 0x80) {
			if (run)
				emit((const char *)p + i - run, run, data);
			run = 0;
			if (!(esc->need = sequence_length(b))) {
				emit_hex(b, emit, data);
				continue;
			}
			esc->held[0] = b;
			esc->nheld = 1;
			continue;
		}
		if ((b < 0x20 && b != '\n' && b != '\t') || b == 0x7f) {
			if (run)
				emit((const char *)p + i - run, run, data);
			run = 0;
			emit_hex(b, emit, data);
			continue;
		}
		run++;
	}
	if (run)
		emit((const char *)p + len - run, run, data);
}

void vg_escape_finish(struct vg_escape *esc, vg_escape_emit_fn emit, void *data)
{
	while (esc->nheld)
		release_held(esc, emit, data);
}
