/* life.c - lifetimes of devices, destinations and names: handles, idle
 * expiry, the expiry events, and the tick.
 *
 * Handles are index | serial << bits (bits: enough for the table's cap),
 * so what a flow or a name entry holds of an entry gone resolves to
 * nothing instead of to the entry that took its slot.
 *
 * Idle expiry (tracker_config dev_idle_s, dest_idle_s, name_idle_s; 0 =
 * never) walks each table from its least recently used end, a bounded
 * number of steps per packet and per tracker_tick(). The name tables are
 * in the order of their last answer or query, so the walk stops at the
 * first entry still fresh. Devices and destinations are moved to the
 * recent end when bound or flowed to, not on every packet (that costs a
 * list update per packet): an entry met that is not idle by its last
 * packet is moved to the recent end and the walk goes on, so each entry is
 * looked at about once per round of the table, and an idle one goes at
 * most a round late (count / steps packets or ticks).
 *
 * A device that goes takes its destinations and names with it; each has
 * its event first (tracker_set_expiry()), then the device's. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "track/internal.h"

uint32_t handle_bits(uint32_t cap)
{
	uint32_t b = 0;
	while (b < 32 && (1ull << b) < cap)
		b++;
	return b;
}

uint32_t handle_make(uint32_t bits, uint32_t *serial, uint32_t idx)
{
	uint32_t h;
	do
		h = bits >= 32 ? idx : idx | ((*serial)++ << bits);
	while (h == TABLE_NONE);
	return h;
}

void tracker_set_expiry(struct tracker *t, tracker_expiry_fn fn, void *ctx)
{
	t->expiry = fn;
	t->expiry_ctx = ctx;
}

void life_event(struct tracker *t, struct track_expiry *e)
{
	if (!t->expiry)
		return;
	e->now_us = t->now_us;
	e->strings = t->strs;
	t->expiry(t->expiry_ctx, e);
}

void life_drop_dest(struct tracker *t, uint32_t idx, uint8_t why)
{
	const struct dest *d = table_get(t->dests, idx);
	if (!d)
		return;
	struct track_expiry e = { .kind = TEXP_DEST, .why = why, .dest = d };
	e.dev = dev_at(t, d->key.dev);
	life_event(t, &e);
	dest_unlink_free(t, idx);
	t->stale = 1; /* flows may hold it (not so a merge: rebind_sender) */
}

void life_drop_device(struct tracker *t, uint32_t idx, uint8_t why)
{
	struct device *d = table_get(t->devices, idx);
	if (!d)
		return;
	for (uint32_t x = d->dest_head; x != TABLE_NONE;) {
		const struct dest *e = table_get(t->dests, x);
		uint32_t next = e ? e->dev_next : TABLE_NONE;
		life_drop_dest(t, x, why);
		if (why == TEXP_IDLE)
			t->st.dests_expired++;
		else
			t->st.dests_evicted++;
		x = next;
	}
	names_drop_device(t, d->handle, why);
	t->stale = 1;
	struct track_expiry ev = { .kind = TEXP_DEVICE, .why = why, .dev = d };
	life_event(t, &ev);
	if (!d->evidence && t->n_probation)
		t->n_probation--;
	d->handle = TABLE_NONE;
	table_remove(t->devices, idx);
}

static bool idle(uint64_t last, uint32_t idle_s, uint64_t now)
{
	return last + (uint64_t)idle_s * 1000000u <= now;
}

/* One walk of a table whose order is kept only on binding (see above):
 * up to steps of its oldest entries, each dropped when its last_us (at
 * last_off in the entry) is idle_s old, else moved to the young end. */
static void expire_walk(struct tracker *t, struct table *tab, size_t last_off, uint32_t idle_s,
			void (*drop)(struct tracker *, uint32_t, uint8_t), uint64_t *expired, unsigned steps)
{
	for (unsigned n = 0; n < steps && table_count(tab); n++) {
		uint32_t idx = table_oldest(tab);
		uint64_t last;
		memcpy(&last, (const char *)table_get(tab, idx) + last_off, sizeof last);
		if (!idle(last, idle_s, t->now_us)) {
			table_touch(tab, idx);
			continue;
		}
		drop(t, idx, TEXP_IDLE);
		(*expired)++;
	}
}

/* How many entries a rotating walk looks at: enough to go round the
 * whole table 64 times per idle period over the time since the walk
 * last looked (*walk_us; an entry idle_s idle goes within 1.02 idle_s,
 * so a long run holds little more than what is live: with 8, the
 * generated month's tables held 17 % more), at most steps; 0 until that
 * comes to one entry (the time keeps adding up). Rotating a fixed 8 entries of each table at every packet cost
 * more than the tracking itself (watch -r of the benchmark capture:
 * table_touch and the walk were an eighth of its time). */
static unsigned walk_budget(struct tracker *t, uint64_t *walk_us, uint32_t count, uint32_t idle_s, unsigned steps)
{
	if (t->now_us <= *walk_us || !count) {
		*walk_us = t->now_us > *walk_us ? t->now_us : *walk_us;
		return 0;
	}
	uint64_t b = (uint64_t)count * 64 * (t->now_us - *walk_us) / ((uint64_t)idle_s * 1000000u);
	if (!b)
		return 0;
	*walk_us = t->now_us;
	return b < steps ? (unsigned)b : steps;
}

/* Expire what has been idle, at most steps entries of each table. */
static void life_expire(struct tracker *t, unsigned steps)
{
	if (t->cfg.name_idle_s)
		names_expire(t, steps);
	if (t->cfg.dest_idle_s)
		expire_walk(t, t->dests, offsetof(struct dest, last_us), t->cfg.dest_idle_s, life_drop_dest,
			    &t->st.dests_expired,
			    walk_budget(t, &t->walk_dest_us, table_count(t->dests), t->cfg.dest_idle_s, steps));
	if (t->cfg.dev_idle_s)
		expire_walk(t, t->devices, offsetof(struct device, last_us), t->cfg.dev_idle_s, life_drop_device,
			    &t->st.devices_expired,
			    walk_budget(t, &t->walk_dev_us, table_count(t->devices), t->cfg.dev_idle_s, steps));
}

void tracker_tick(struct tracker *t, uint64_t now_us)
{
	if (now_us > t->now_us)
		t->now_us = now_us;
	/* 8 a call; the oldest not idle ends it (the flows are in LRU order) */
	for (unsigned n = 0; n < TRACK_TICK_STEPS / 8 && flow_expire(t, t->now_us) == 8; n++)
		;
	pending_retire(t);
	life_expire(t, TRACK_TICK_STEPS);
	life_strings(t);
}

/* The string pool. Strings are interned once and referred to by id from
 * devices' attributes, destinations' names, the name cache and the
 * queries; entries that go leave their strings behind. When
 * STR_COMPACT_GONE entries went since the last look, every id held is
 * marked; when at least STR_COMPACT_DEAD of the bytes, and STR_COMPACT_MIN
 * bytes or more, are dead, the pool is rebuilt with the live ones and
 * every id held is replaced (the query table, keyed by its name, is
 * rebuilt in its LRU order). The look is O(entries + strings), at most
 * once per STR_COMPACT_GONE entries gone; it runs between packets (at a
 * packet's start, or a tick), when no id is held elsewhere. So the pool
 * of a long run stays at about what its live entries hold. */
#define STR_COMPACT_GONE 1024
#define STR_COMPACT_DEAD 4          /* 1/4 of the bytes */
#define STR_COMPACT_MIN (64u << 10) /* a chunk of the pool */

static uint64_t gone_count(const struct tracker *t)
{
	const struct tracker_stats *s = &t->st;
	return s->devices_evicted + s->devices_displaced + s->devices_expired + s->dests_evicted +
	       s->dests_expired + s->names_expired + s->names_evicted;
}

static void mark(uint64_t *live, uint32_t id)
{
	live[id >> 6] |= 1ull << (id & 63);
}

/* Rebuild the query table with its keys' names remapped. */
static bool remap_queries(struct tracker *t, const uint32_t *remap)
{
	struct dq q;
	struct dq *o = &t->queries;
	if (dq_init(&q, sizeof(struct query_key), sizeof(struct query_ent), offsetof(struct query_ent, link),
		    o->ty_cap, o->per_dev, o->ndev) < 0)
		return false;
	for (uint32_t i = table_oldest(o->tbl); i != TABLE_NONE; i = table_newer(o->tbl, i)) {
		const struct query_ent *e = table_get(o->tbl, i);
		struct query_key k = { e->key.dev, remap[e->key.name] };
		bool created;
		uint32_t ni = dq_upsert(&q, e->link.dev, &k, &created);
		if (ni == TABLE_NONE) {
			dq_free(&q);
			return false;
		}
		struct query_ent *n = table_get(q.tbl, ni);
		n->count = e->count;
		n->first_us = e->first_us;
		n->last_us = e->last_us;
	}
	q.on_evict = o->on_evict;
	q.ctx = o->ctx;
	q.evicted = o->evicted;
	dq_free(o);
	*o = q;
	return true;
}

void life_strings(struct tracker *t)
{
	uint64_t gone = gone_count(t);
	if (gone - t->str_gone_seen < STR_COMPACT_GONE || strpool_bytes(t->strs) < STR_COMPACT_MIN)
		return;
	t->str_gone_seen = gone;
	uint32_t n = strpool_count(t->strs) + 1;
	uint64_t *live = calloc((n + 63) / 64, sizeof *live);
	uint32_t *remap = malloc(n * sizeof *remap);
	if (!live || !remap)
		goto out;
	for (uint32_t i = table_next(t->devices, TABLE_NONE); i != TABLE_NONE; i = table_next(t->devices, i)) {
		const struct device *d = table_get(t->devices, i);
		for (int k = 0; k < d->n_attrs; k++)
			mark(live, d->attrs[k].str);
	}
	for (uint32_t i = table_next(t->dests, TABLE_NONE); i != TABLE_NONE; i = table_next(t->dests, i)) {
		const struct dest *d = table_get(t->dests, i);
		mark(live, d->dns_name);
		mark(live, d->sni);
		mark(live, d->http_host);
		for (int k = 0; k < DEST_MAX_OTHER; k++)
			mark(live, d->other[k]);
	}
	for (uint32_t i = table_next(t->names.tbl, TABLE_NONE); i != TABLE_NONE; i = table_next(t->names.tbl, i))
		mark(live, ((const struct name_ent *)table_get(t->names.tbl, i))->name);
	for (uint32_t i = table_next(t->queries.tbl, TABLE_NONE); i != TABLE_NONE;
	     i = table_next(t->queries.tbl, i))
		mark(live, ((const struct query_ent *)table_get(t->queries.tbl, i))->key.name);
	size_t dead = 0;
	for (uint32_t id = 1; id < n; id++)
		if (!(live[id >> 6] >> (id & 63) & 1))
			dead += strpool_cost(t->strs, id);
	if (dead * STR_COMPACT_DEAD < strpool_bytes(t->strs) || dead < STR_COMPACT_MIN)
		goto out;
	size_t freed = strpool_compact(t->strs, live, remap);
	if (!freed)
		goto out;
	/* every id held, replaced */
	for (uint32_t i = table_next(t->devices, TABLE_NONE); i != TABLE_NONE; i = table_next(t->devices, i)) {
		struct device *d = table_get(t->devices, i);
		for (int k = 0; k < d->n_attrs; k++)
			d->attrs[k].str = remap[d->attrs[k].str];
	}
	for (uint32_t i = table_next(t->dests, TABLE_NONE); i != TABLE_NONE; i = table_next(t->dests, i)) {
		struct dest *d = table_get(t->dests, i);
		d->dns_name = remap[d->dns_name];
		d->sni = remap[d->sni];
		d->http_host = remap[d->http_host];
		for (int k = 0; k < DEST_MAX_OTHER; k++)
			d->other[k] = remap[d->other[k]];
	}
	for (uint32_t i = table_next(t->names.tbl, TABLE_NONE); i != TABLE_NONE; i = table_next(t->names.tbl, i)) {
		struct name_ent *e = table_get(t->names.tbl, i);
		e->name = remap[e->name];
	}
	if (!remap_queries(t, remap)) {
		/* out of memory: the queries go rather than name wrong strings */
		t->st.names_expired += table_count(t->queries.tbl);
		for (uint32_t d = 0; d < t->queries.ndev; d++)
			dq_drop_device(&t->queries, d);
	}
	t->st.strings_reclaimed += freed;
	t->st.string_compactions++;
out:
	free(live);
	free(remap);
}

/* ARP windows (tracker_config window_s): two buckets, the current and the
 * one before; a bucket starts at the device's first ARP, so a capture
 * shorter than a window counts as if there were none. */
void tracker_window_device(struct device *d, uint64_t now_us, uint32_t window_s)
{
	uint64_t w = (uint64_t)window_s * 1000000u;
	if (!w || !d->arp_win_us || now_us < d->arp_win_us + w)
		return;
	if (now_us < d->arp_win_us + 2 * w) { /* the next: the current becomes the one before */
		d->arp_prev_requests = d->arp_cur_requests;
		d->arp_prev_gratuitous = d->arp_cur_gratuitous;
		memcpy(d->arp_prev_targets, d->arp_cur_targets, sizeof d->arp_prev_targets);
		d->arp_win_us += w;
	} else { /* a window or more without ARP */
		d->arp_prev_requests = d->arp_prev_gratuitous = 0;
		memset(d->arp_prev_targets, 0, sizeof d->arp_prev_targets);
		d->arp_win_us = now_us;
	}
	d->arp_cur_requests = d->arp_cur_gratuitous = 0;
	memset(d->arp_cur_targets, 0, sizeof d->arp_cur_targets);
}

static unsigned bits256(const uint64_t *a, const uint64_t *b)
{
	unsigned n = 0;
	for (int i = 0; i < 4; i++)
		n += (unsigned)__builtin_popcountll(a[i] | b[i]);
	return n;
}

void arp_window_peak(struct device *d, uint64_t now_us)
{
	uint32_t req = d->arp_prev_requests + d->arp_cur_requests;
	unsigned n = bits256(d->arp_prev_targets, d->arp_cur_targets);
	unsigned peak = bits256(d->arp_targets, d->arp_targets);
	if (n > peak || (n == peak && req > d->arp_requests)) {
		d->arp_requests = req;
		for (int i = 0; i < 4; i++)
			d->arp_targets[i] = d->arp_prev_targets[i] | d->arp_cur_targets[i];
		d->arp_peak_us = now_us;
	}
	if (d->arp_prev_gratuitous + d->arp_cur_gratuitous > d->arp_gratuitous)
		d->arp_gratuitous = d->arp_prev_gratuitous + d->arp_cur_gratuitous;
}
