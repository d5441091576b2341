/* events.h - the events table read back (alfoil events): what watch said,
 * once per kind, device and subject (docs/store.md, events). */
#ifndef ALFOIL_STORE_EVENTS_H
#define ALFOIL_STORE_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct store_event {
	int64_t id;
	uint64_t time_us, last_us, count;
	const char *kind, *device, *label, *display, *subject, *severity, *advice, *state;
	const char *record; /* its evidence, a JSON object as text, or NULL */
};

struct store_event_query {
	uint64_t since_us;   /* first seen at or after (0: all) */
	const char *device;  /* NULL: all */
	int all;             /* also those kept in a learning period, and acked ones */
	int64_t after_id;    /* only ids above (--follow) */
};

/* Calls fn for each event, oldest first (the strings live until fn
 * returns); stops when fn returns nonzero. Returns the highest id seen
 * (q->after_id when none), or -1 with err. */
typedef int (*store_event_fn)(void *ctx, const struct store_event *e);
int64_t store_events(struct store *s, const struct store_event_query *q, store_event_fn fn, void *ctx, char *err,
		     size_t errlen);

#endif
