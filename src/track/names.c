/* names.c - what devices learned from DNS: the name cache (which name this
 * device asked for when it learned an address), the names each device
 * asked about, and the queries still waiting for their answer.
 *
 * The name cache is keyed by (device, address); the newest answer wins, so
 * a CDN address shared by two names shows the name the device resolved
 * last before it connected. Both per-device tables give each device a
 * quota of 1/NAMES_PER_DEV_DIV of the cap (devquota.c): a device that
 * resolves without end evicts its own oldest entries, not another's.
 *
 * An answer is only the asker's when it answers a query the asker sent
 * (RFC 5452 section 9.1: same transaction id, from the address and port
 * the query went to, to the address and port it came from, same
 * protocol) within DNS_TIMEOUT_S of packet time. The pending queries are
 * one more per-device table (DNS_PENDING, DNS_PENDING_PER_DEV each), keyed
 * by the seeded hash of lib/table.h; a query matched is consumed, one that
 * waited longer than the timeout is retired from the oldest end, a few
 * per query so the work per packet stays bounded. */
#include <string.h>

#include "track/internal.h"

#define PENDING_RETIRE 8 /* timed-out queries retired per query seen */

static void name_evicted(void *ctx, uint32_t idx);
static void query_evicted(void *ctx, uint32_t idx);

int names_init(struct tracker *t)
{
	uint32_t ndev = t->cfg.max_devices;
	uint32_t per = t->cfg.max_names / NAMES_PER_DEV_DIV;
	if (dq_init(&t->names, sizeof(struct name_key), sizeof(struct name_ent),
		    offsetof(struct name_ent, link), t->cfg.max_names, per, ndev) < 0 ||
	    dq_init(&t->queries, sizeof(struct query_key), sizeof(struct query_ent),
		    offsetof(struct query_ent, link), t->cfg.max_names, per, ndev) < 0 ||
	    dq_init(&t->pending, sizeof(struct pend_key), sizeof(struct pend_ent),
		    offsetof(struct pend_ent, link), DNS_PENDING, DNS_PENDING_PER_DEV, ndev) < 0)
		return -1;
	t->names.on_evict = name_evicted;
	t->names.ctx = t;
	t->queries.on_evict = query_evicted;
	t->queries.ctx = t;
	t->name_bits = handle_bits(t->cfg.max_names);
	return 0;
}

void names_free(struct tracker *t)
{
	dq_free(&t->names);
	dq_free(&t->queries);
	dq_free(&t->pending);
}

size_t names_memory(const struct tracker *t)
{
	size_t heads = 3 * (size_t)t->cfg.max_devices * sizeof(struct dq_head);
	return table_memory(t->names.tbl) + table_memory(t->queries.tbl) + table_memory(t->pending.tbl) + heads;
}

/* The per-device lists of the three tables are indexed by the device's
 * slot in the device table; keys hold its handle (devices.c), so nothing
 * of an evicted device is found again, and names_drop_device() empties
 * its lists before the slot is reused. */
static uint32_t slot_of(const struct tracker *t, uint32_t dev)
{
	return tracker_device_index(t, dev);
}

static void name_event(struct tracker *t, uint32_t idx, uint8_t why)
{
	const struct name_ent *e = table_get(t->names.tbl, idx);
	struct track_expiry ev = { .kind = TEXP_NAME, .why = why, .dev = dev_at(t, e->key.dev),
				   .name = e->name, .addr = &e->key.addr };
	life_event(t, &ev);
}

static void query_event(struct tracker *t, uint32_t idx, uint8_t why)
{
	const struct query_ent *e = table_get(t->queries.tbl, idx);
	struct track_expiry ev = { .kind = TEXP_NAME, .why = why, .dev = dev_at(t, e->key.dev),
				   .name = e->key.name, .count = e->count };
	life_event(t, &ev);
}

/* dq evictions at a quota or the cap: an event each */
static void name_evicted(void *ctx, uint32_t idx)
{
	name_event(ctx, idx, TEXP_CAP);
}

static void query_evicted(void *ctx, uint32_t idx)
{
	query_event(ctx, idx, TEXP_CAP);
}

void names_drop_device(struct tracker *t, uint32_t dev, uint8_t why)
{
	uint32_t slot = slot_of(t, dev);
	if (slot >= t->names.ndev)
		return;
	for (uint32_t i = t->names.heads[slot].oldest; t->expiry && i != TABLE_NONE;) {
		const struct name_ent *e = table_get(t->names.tbl, i);
		name_event(t, i, why);
		i = e->link.next;
	}
	for (uint32_t i = t->queries.heads[slot].oldest; t->expiry && i != TABLE_NONE;) {
		const struct query_ent *e = table_get(t->queries.tbl, i);
		query_event(t, i, why);
		i = e->link.next;
	}
	t->st.names_expired += t->names.heads[slot].n + t->queries.heads[slot].n;
	dq_drop_device(&t->names, slot);
	dq_drop_device(&t->queries, slot);
	dq_drop_device(&t->pending, slot);
}

/* The name tables are in the order of the last answer or query (each
 * touches its entry): the walk stops at the first one still fresh. */
void names_expire(struct tracker *t, unsigned steps)
{
	uint64_t idle = (uint64_t)t->cfg.name_idle_s * 1000000u;
	for (unsigned n = 0; n < steps; n++) {
		uint32_t idx = table_oldest(t->names.tbl);
		const struct name_ent *e = idx == TABLE_NONE ? NULL : table_get(t->names.tbl, idx);
		if (!e || e->ts_us + idle > t->now_us)
			break;
		name_event(t, idx, TEXP_IDLE);
		dq_remove(&t->names, idx);
		t->st.names_expired++;
	}
	for (unsigned n = 0; n < steps; n++) {
		uint32_t idx = table_oldest(t->queries.tbl);
		const struct query_ent *e = idx == TABLE_NONE ? NULL : table_get(t->queries.tbl, idx);
		if (!e || e->last_us + idle > t->now_us)
			break;
		query_event(t, idx, TEXP_IDLE);
		dq_remove(&t->queries, idx);
		t->st.names_expired++;
	}
}

void names_put(struct tracker *t, uint32_t dev, const struct ip_addr *a, uint32_t name, uint32_t ttl)
{
	struct name_key k;
	memset(&k, 0, sizeof k);
	k.dev = dev;
	k.addr = *a;
	uint64_t ev = t->names.evicted;
	bool created;
	uint32_t idx = dq_upsert(&t->names, slot_of(t, dev), &k, &created);
	t->st.names_evicted += t->names.evicted - ev;
	if (idx == TABLE_NONE)
		return;
	struct name_ent *e = table_get(t->names.tbl, idx);
	if (created)
		e->handle = handle_make(t->name_bits, &t->name_serial, idx);
	e->name = name;
	e->ts_us = t->now_us;
	e->ttl = ttl;
}

uint32_t names_get(struct tracker *t, uint32_t dev, const struct ip_addr *a)
{
	struct name_key k;
	memset(&k, 0, sizeof k);
	k.dev = dev;
	k.addr = *a;
	uint32_t idx = table_find(t->names.tbl, &k);
	if (idx == TABLE_NONE)
		return 0;
	struct name_ent *e = table_get(t->names.tbl, idx);
	return e->name;
}

void queries_add(struct tracker *t, uint32_t dev, uint32_t name)
{
	struct query_key k = { dev, name };
	bool created;
	uint64_t ev = t->queries.evicted;
	uint32_t idx = dq_upsert(&t->queries, slot_of(t, dev), &k, &created);
	t->st.names_evicted += t->queries.evicted - ev;
	if (idx == TABLE_NONE)
		return;
	struct query_ent *e = table_get(t->queries.tbl, idx);
	if (created)
		e->first_us = t->now_us;
	e->last_us = t->now_us;
	e->count++;
}

/* |a - b| <= the timeout: packet time, which may step back between files */
static bool in_time(uint64_t a, uint64_t b)
{
	uint64_t d = a > b ? a - b : b - a;
	return d <= (uint64_t)DNS_TIMEOUT_S * 1000000u;
}

void pending_retire(struct tracker *t)
{
	for (int i = 0; i < PENDING_RETIRE; i++) {
		uint32_t idx = table_oldest(t->pending.tbl);
		const struct pend_ent *e = idx == TABLE_NONE ? NULL : table_get(t->pending.tbl, idx);
		if (!e || in_time(e->ts_us, t->now_us))
			return;
		dq_remove(&t->pending, idx);
		t->st.dns_queries_expired++;
	}
}

static void pend_key_of(struct pend_key *k, const struct pkt *p, bool response, uint16_t txid)
{
	memset(k, 0, sizeof *k);
	k->client = response ? p->dst : p->src;
	k->server = response ? p->src : p->dst;
	k->cport = response ? p->dport : p->sport;
	k->sport = response ? p->sport : p->dport;
	k->txid = txid;
	k->proto = p->l4proto;
}

void dns_query_sent(struct tracker *t, uint32_t dev, const struct pkt *p, uint16_t txid)
{
	struct pend_key k;
	pending_retire(t);
	pend_key_of(&k, p, false, txid);
	uint64_t ev = t->pending.evicted;
	uint32_t idx = dq_upsert(&t->pending, slot_of(t, dev), &k, NULL);
	if (idx != TABLE_NONE)
		((struct pend_ent *)table_get(t->pending.tbl, idx))->dev = dev;
	t->st.dns_pending_evicted += t->pending.evicted - ev;
	if (idx == TABLE_NONE) {
		t->st.dns_pending_refused++;
		return;
	}
	struct pend_ent *e = table_get(t->pending.tbl, idx);
	e->ts_us = t->now_us;
}

uint32_t dns_response_match(struct tracker *t, const struct pkt *p, uint16_t txid)
{
	struct pend_key k;
	pend_key_of(&k, p, true, txid);
	uint32_t idx = table_find(t->pending.tbl, &k);
	const struct pend_ent *e = idx == TABLE_NONE ? NULL : table_get(t->pending.tbl, idx);
	if (!e)
		return TABLE_NONE;
	uint32_t dev = e->dev;
	bool fresh = in_time(e->ts_us, t->now_us);
	dq_remove(&t->pending, idx);
	if (!fresh)
		t->st.dns_queries_expired++;
	return fresh ? dev : TABLE_NONE;
}

uint32_t tracker_name_next(const struct tracker *t, uint32_t idx)
{
	return table_next(t->names.tbl, idx);
}

void tracker_name(const struct tracker *t, uint32_t idx, uint32_t *dev, struct ip_addr *addr,
		  uint32_t *name)
{
	const struct name_ent *e = table_get(t->names.tbl, idx);
	*dev = e->key.dev;
	*addr = e->key.addr;
	*name = e->name;
}

uint32_t tracker_query_next(const struct tracker *t, uint32_t idx)
{
	return table_next(t->queries.tbl, idx);
}

void tracker_query(const struct tracker *t, uint32_t idx, uint32_t *dev, uint32_t *name,
		   uint32_t *count)
{
	const struct query_ent *e = table_get(t->queries.tbl, idx);
	*dev = e->key.dev;
	*name = e->key.name;
	*count = e->count;
}
