/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * About how much memory a JSON value holds: what the event queues count against their byte
 * bound, so that the agent's memory is bounded by its settings whatever the size of the
 * events (a command line of two megabytes is one event, like `true`).
 */
#ifndef VIGIL_JSON_WEIGHT_H
#define VIGIL_JSON_WEIGHT_H

#include <jansson.h>
#include <stddef.h>

/* The bytes of value's strings and keys, and a fixed overhead per value.  Nesting deeper than
 * 64 levels is counted as that overhead only (events are never that deep). */
size_t vg_json_weight(const json_t *value);

#endif
