/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: audit records as the kernel (or anyone who can write them: a user's
 * command line, file names) makes them, through the parser that groups them into events and
 * builds OCSF process and network events.  Input: lines "TYPE TEXT", TYPE a record type
 * number (1300 SYSCALL, 1309 EXECVE, 1302 PATH, 1306 SOCKADDR, 1320 EOE...). */
#include "config.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "telemetry/audit-parse.h"
#include "telemetry/queue.h"
#include "telemetry/telemetry.h"

#define MAX_TEXT 8970 /* the kernel's largest record */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__lsan_default_suppressions(void);

/* libauparse keeps a few bytes of its own (strdup inside it, never handed to us) from some
 * malformed record sequences, which the kernel does not write: the leaks of our code are
 * what this target looks for. */
const char *__lsan_default_suppressions(void)
{
	return "leak:libauparse.so\n";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_telemetry tel = { .self = -1 };
	struct vg_audit_parser *p = NULL;
	char *copy = malloc(size + 1), *at, *end;
	json_t *out[64];
	size_t n;

	if (!copy)
		return 0;
	/* NUL-terminated, so that strtol stops at the end at the latest. */
	memcpy(copy, data, size);
	copy[size] = '\0';
	at = copy;
	end = copy + size;
	if (vg_tq_new(&tel.in, 4096, -1) < 0) {
		free(copy);
		return 0;
	}
	if (vg_audit_parser_new(&p, &tel) < 0)
		goto out;
	vg_audit_parser_set_watching(p, size % 2 == 0);
	while (at < end) {
		char *nl = memchr(at, '\n', (size_t)(end - at)), *line_end = nl ? nl : end, *text;
		long type = strtol(at, &text, 10);

		if (text > line_end)
			text = line_end;
		if (text < line_end && *text == ' ')
			text++;
		if (type > 0 && type < 65536 && (size_t)(line_end - text) <= MAX_TEXT) {
			*line_end = '\0';
			/* A record's text never holds a NUL: audit writes such values in hex. */
			vg_audit_parser_record(p, (int)type, text, strlen(text));
		}
		at = line_end + 1;
	}
	vg_audit_parser_age(p);
	vg_audit_parser_flush(p);
	vg_audit_parser_overrun(p);
	vg_audit_parser_free(p);
out:
	while ((n = vg_tq_pop(tel.in, out, 64, 0)) > 0)
		for (size_t i = 0; i < n; i++)
			json_decref(out[i]);
	vg_tq_free(tel.in);
	free(copy);
	return 0;
}
