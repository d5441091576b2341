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

/* The event id acknowledged (state acked: alfoil events hides it). 1 done,
 * 0 no such event (or it was not new), -1 with err. */
int store_event_ack(struct store *s, int64_t id, char *err, size_t errlen);

/* A device's events of kind (of subject, or all when "") kept from now on
 * with state muted, and those of it not yet acked muted too (add), or no
 * longer (remove: 1 done, 0 there was none). -1 with err. */
int store_mute(struct store *s, const char *device, const char *kind, const char *subject, int add, uint64_t now_us,
	       char *err, size_t errlen);

struct store_mute_row {
	const char *device, *kind, *subject;
	uint64_t time_us;
};
typedef int (*store_mute_fn)(void *ctx, const struct store_mute_row *m);
int store_mutes(struct store *s, store_mute_fn fn, void *ctx, char *err, size_t errlen);

/* A person's policy for a device (alfoil device MAC --policy): allow,
 * profile, local-only, quarantine; NULL or "" removes it (1 done, 0 there
 * was none). -1 with err. */
int store_set_policy(struct store *s, const char *device, const char *policy, uint64_t now_us, char *err,
		     size_t errlen);
struct store_policy_row {
	const char *device, *policy;
	uint64_t time_us;
};
typedef int (*store_policy_fn)(void *ctx, const struct store_policy_row *p);
/* Every row, in device order; fn returning non-zero stops. 0, or -1 with err. */
int store_policies(struct store *s, store_policy_fn fn, void *ctx, char *err, size_t errlen);
/* meta guard_since: set to now_us when on and not set, removed when off;
 * *since its value (0 when off). 0, or -1 with err. */
int store_guard_since(struct store *s, int on, uint64_t now_us, uint64_t *since, char *err, size_t errlen);

/* The kinds of event watch writes, NULL-terminated. */
extern const char *const store_event_kinds[];

#endif
