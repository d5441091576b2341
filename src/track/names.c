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
