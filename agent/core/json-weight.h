/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * About how much memory a JSON value holds: what the event queues count against their byte
 * bound, so that the agent's memory is bounded by its settings whatever the size of the
 * events (a command line of two megabytes is one event, like `true`).
 */
#ifndef VIGIL_JSON_WEIGHT_H
#define VIGIL_JSON_WEIGHT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* The heap value takes, within a few percent: the bytes of its strings and keys, and what
 * jansson allocates for each value.  Nesting deeper than 64 levels is counted as a scalar
 * (events are never that deep). */
size_t vg_json_weight(const json_t *value);

/* Whether an event of weight w may join held bytes of events under the bound max (0: none): an
 * empty queue takes any event, however heavy, so that one event never blocks the queue. */
static inline bool vg_json_weight_fits(size_t held, size_t w, size_t max)
{
	return !held || !max || (held < max && w <= max - held);
}

#endif
