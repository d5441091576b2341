/* names.c - the per-device name cache: which name this device asked DNS for
 * when it learned an address. Keyed by (device, address); LRU-bounded. The
 * newest answer wins, so a CDN address shared by two names shows the name
 * the device resolved last before it connected. */
#include <string.h>

#include "track/internal.h"

void names_put(struct tracker *t, uint32_t dev, const struct ip_addr *a, uint32_t name)
{
	struct name_key k;
	memset(&k, 0, sizeof k);
	k.dev = dev;
	k.addr = *a;
	uint64_t ev = table_evictions(t->names);
	uint32_t idx = table_upsert(t->names, &k, NULL);
	t->st.names_evicted += table_evictions(t->names) - ev;
	if (idx == TABLE_NONE)
		return;
	struct name_ent *e = table_get(t->names, idx);
	e->name = name;
	e->ts_us = t->now_us;
}

uint32_t names_get(struct tracker *t, uint32_t dev, const struct ip_addr *a)
{
	struct name_key k;
	memset(&k, 0, sizeof k);
	k.dev = dev;
	k.addr = *a;
	uint32_t idx = table_find(t->names, &k);
	if (idx == TABLE_NONE)
		return 0;
	struct name_ent *e = table_get(t->names, idx);
	return e->name;
}

void queries_add(struct tracker *t, uint32_t dev, uint32_t name)
{
	struct query_key k = { dev, name };
	bool created;
	uint64_t ev = table_evictions(t->queries);
	uint32_t idx = table_upsert(t->queries, &k, &created);
	t->st.names_evicted += table_evictions(t->queries) - ev;
	if (idx == TABLE_NONE)
		return;
	struct query_ent *e = table_get(t->queries, idx);
	if (created)
		e->first_us = t->now_us;
	e->last_us = t->now_us;
	e->count++;
}

uint32_t tracker_name_next(const struct tracker *t, uint32_t idx)
{
	return table_next(t->names, idx);
}

void tracker_name(const struct tracker *t, uint32_t idx, uint32_t *dev, struct ip_addr *addr,
		  uint32_t *name)
{
	const struct name_ent *e = table_get(t->names, idx);
	*dev = e->key.dev;
	*addr = e->key.addr;
	*name = e->name;
}

uint32_t tracker_query_next(const struct tracker *t, uint32_t idx)
{
	return table_next(t->queries, idx);
}

void tracker_query(const struct tracker *t, uint32_t idx, uint32_t *dev, uint32_t *name,
		   uint32_t *count)
{
	const struct query_ent *e = table_get(t->queries, idx);
	*dev = e->key.dev;
	*name = e->key.name;
	*count = e->count;
}
