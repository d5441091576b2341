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
#include <string.h>

#include "track/internal.h"

uint32_t handle_bits(uint32_t cap)
{
	uint32_t b = 0;
	while (b < 32 && (1ull << b) < cap)
		b++;
	return b;
}

uint32_t handle_slot(uint32_t bits, uint32_t h)
{
	return bits >= 32 ? h : h & ((1u << bits) - 1);
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

/* One walk of a table whose order is kept only on binding: see above. */
static void expire_devices(struct tracker *t, unsigned steps)
{
	for (unsigned n = 0; n < steps && table_count(t->devices); n++) {
		uint32_t idx = table_oldest(t->devices);
		const struct device *d = table_get(t->devices, idx);
		if (!idle(d->last_us, t->cfg.dev_idle_s, t->now_us)) {
			table_touch(t->devices, idx);
			continue;
		}
		life_drop_device(t, idx, TEXP_IDLE);
		t->st.devices_expired++;
	}
}

static void expire_dests(struct tracker *t, unsigned steps)
{
	for (unsigned n = 0; n < steps && table_count(t->dests); n++) {
		uint32_t idx = table_oldest(t->dests);
		const struct dest *d = table_get(t->dests, idx);
		if (!idle(d->last_us, t->cfg.dest_idle_s, t->now_us)) {
			table_touch(t->dests, idx);
			continue;
		}
		life_drop_dest(t, idx, TEXP_IDLE);
		t->st.dests_expired++;
	}
}

void life_expire(struct tracker *t, unsigned steps)
{
	if (t->cfg.name_idle_s)
		names_expire(t, steps);
	if (t->cfg.dest_idle_s)
		expire_dests(t, steps);
	if (t->cfg.dev_idle_s)
		expire_devices(t, steps);
}

void tracker_tick(struct tracker *t, uint64_t now_us)
{
	if (now_us > t->now_us)
		t->now_us = now_us;
	for (unsigned n = 0; n < TRACK_TICK_STEPS / 8; n++)
		flow_expire(t, t->now_us); /* 8 each */
	pending_retire(t);
	life_expire(t, TRACK_TICK_STEPS);
}
