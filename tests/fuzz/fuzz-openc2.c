/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: OpenC2 commands as a (possibly compromised) server sends them in a
 * long-poll answer — JSON, then validation, journaling and the answer of each command —
 * through vg_link_handle_commands over a journal in a database of its own. */
#include "config.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "link/link.h"
#include "store.h"
#include "tasks/journal.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct vg_store *store;
static struct vg_link link;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char dir[] = "/tmp/vigil-fuzz-openc2.XXXXXX", db[64];
	struct vg_error err = { 0 };

	(void)argc;
	(void)argv;
	if (!mkdtemp(dir))
		abort();
	snprintf(db, sizeof(db), "%s/db", dir);
	if (vg_store_open(&store, db, &err) < 0 || vg_journal_open(&link.journal, store, NULL, &err) < 0) {
		fprintf(stderr, "fuzz-openc2: %s\n", err.message);
		abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *cmds = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);

	/* The long-poll answer's "commands": an array of anything (handled one by one). */
	if (json_is_array(cmds))
		vg_link_handle_commands(&link, cmds);
	json_decref(cmds);
	return 0;
}
