/* snapshot.c - a copy of the tracker's state (see snapshot.h).
 *
 * One pass over each table in slot order (the order tracker_*_next()
 * gives, so a report built from a snapshot lists what one built from the
 * tracker lists), handles resolved to dense indices through two maps of
 * the tables' caps, and strpool_clone() for the strings. */
#include <stdlib.h>
#include <string.h>

#include "track/internal.h"
#include "track/snapshot.h"

struct snap_name_ent {
	uint32_t dev, name, ttl;
	struct ip_addr addr;
};

struct snap_query_ent {
	uint32_t dev, name, count;
};

struct snapshot {
	uint64_t now_us;
	struct tracker_stats st;
	struct strpool *strs;
	struct device *devs;
	struct dest *dests;
	struct snap_name_ent *names;
	struct snap_query_ent *queries;
	uint32_t n_devs, n_dests, n_names, n_queries;
	uint32_t max_devices;
	size_t tracker_mem, bytes;
};

void snapshot_free(struct snapshot *s)
{
	if (!s)
		return;
	strpool_free(s->strs);
	free(s->devs);
	free(s->dests);
	free(s->names);
	free(s->queries);
	free(s);
}

/* The snapshot index of the device behind a handle, or TABLE_NONE. */
static uint32_t dev_map(const struct tracker *t, const uint32_t *devmap, uint32_t handle)
{
	uint32_t slot = tracker_device_index(t, handle);
	return slot == TABLE_NONE ? TABLE_NONE : devmap[slot];
}

struct snapshot *tracker_snapshot(const struct tracker *t)
{
	struct snapshot *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	uint32_t ndev = table_count(t->devices), ndest = table_count(t->dests);
	uint32_t nname = table_count(t->names.tbl), nquery = table_count(t->queries.tbl);
	uint32_t *devmap = malloc((size_t)t->cfg.max_devices * sizeof *devmap);
	uint32_t *destmap = malloc((size_t)t->cfg.max_dests * sizeof *destmap);
	s->devs = malloc((ndev ? ndev : 1) * sizeof *s->devs);
	s->dests = malloc((ndest ? ndest : 1) * sizeof *s->dests);
	s->names = malloc((nname ? nname : 1) * sizeof *s->names);
	s->queries = malloc((nquery ? nquery : 1) * sizeof *s->queries);
	s->strs = strpool_clone(t->strs);
	if (!devmap || !destmap || !s->devs || !s->dests || !s->names || !s->queries || !s->strs) {
		free(devmap);
		free(destmap);
		snapshot_free(s);
		return NULL;
	}
	s->now_us = t->now_us;
	s->st = t->st;
	s->max_devices = t->cfg.max_devices;
	s->tracker_mem = tracker_memory(t);

	/* devices; tracker indices are below the cap (lib/table.h grows to it) */
	for (uint32_t i = table_next(t->devices, TABLE_NONE); i != TABLE_NONE;
	     i = table_next(t->devices, i)) {
		devmap[i] = s->n_devs;
		memcpy(&s->devs[s->n_devs], table_get(t->devices, i), sizeof *s->devs);
		tracker_window_device(&s->devs[s->n_devs++], t->now_us, t->cfg.window_s);
		/* (the buckets as at the snapshot's time; the peak is kept) */
	}
	/* destinations of devices still there, key.dev made an index */
	for (uint32_t i = table_next(t->dests, TABLE_NONE); i != TABLE_NONE;
	     i = table_next(t->dests, i)) {
		const struct dest *d = table_get(t->dests, i);
		uint32_t dv = dev_map(t, devmap, d->key.dev);
		destmap[i] = TABLE_NONE;
		if (dv == TABLE_NONE)
			continue;
		destmap[i] = s->n_dests;
		struct dest *x = &s->dests[s->n_dests++];
		memcpy(x, d, sizeof *x); /* padding too: a copy compares equal */
		x->key.dev = dv;
	}
	/* the chains through them, in the tracker's order */
	for (uint32_t i = 0; i < s->n_devs; i++) {
		struct device *d = &s->devs[i];
		d->dest_head = d->dest_head == TABLE_NONE ? TABLE_NONE : destmap[d->dest_head];
	}
	for (uint32_t i = 0; i < s->n_dests; i++) {
		struct dest *d = &s->dests[i];
		d->dev_next = d->dev_next == TABLE_NONE ? TABLE_NONE : destmap[d->dev_next];
	}
	for (uint32_t i = table_next(t->names.tbl, TABLE_NONE); i != TABLE_NONE;
	     i = table_next(t->names.tbl, i)) {
		const struct name_ent *e = table_get(t->names.tbl, i);
		uint32_t dv = dev_map(t, devmap, e->key.dev);
		if (dv == TABLE_NONE)
			continue;
		struct snap_name_ent *x = &s->names[s->n_names++];
		x->dev = dv;
		x->name = e->name;
		x->ttl = e->ttl;
		x->addr = e->key.addr;
	}
	for (uint32_t i = table_next(t->queries.tbl, TABLE_NONE); i != TABLE_NONE;
	     i = table_next(t->queries.tbl, i)) {
		const struct query_ent *e = table_get(t->queries.tbl, i);
		uint32_t dv = dev_map(t, devmap, e->key.dev);
		if (dv == TABLE_NONE)
			continue;
		struct snap_query_ent *x = &s->queries[s->n_queries++];
		x->dev = dv;
		x->name = e->key.name;
		x->count = e->count;
	}
	free(devmap);
	free(destmap);
	s->bytes = sizeof *s + (size_t)ndev * sizeof *s->devs + (size_t)ndest * sizeof *s->dests +
		   (size_t)nname * sizeof *s->names + (size_t)nquery * sizeof *s->queries +
		   strpool_memory(s->strs);
	return s;
}

uint64_t snap_now_us(const struct snapshot *s)
{
	return s->now_us;
}

const struct tracker_stats *snap_stats(const struct snapshot *s)
{
	return &s->st;
}

const struct strpool *snap_strings(const struct snapshot *s)
{
	return s->strs;
}

uint32_t snap_device_count(const struct snapshot *s)
{
	return s->n_devs;
}

const struct device *snap_device(const struct snapshot *s, uint32_t i)
{
	return i < s->n_devs ? &s->devs[i] : NULL;
}

uint32_t snap_dest_count(const struct snapshot *s)
{
	return s->n_dests;
}

const struct dest *snap_dest(const struct snapshot *s, uint32_t i)
{
	return i < s->n_dests ? &s->dests[i] : NULL;
}

uint32_t snap_name_count(const struct snapshot *s)
{
	return s->n_names;
}

void snap_name(const struct snapshot *s, uint32_t i, uint32_t *dev, struct ip_addr *addr,
	       uint32_t *name)
{
	const struct snap_name_ent *e = &s->names[i];
	*dev = e->dev;
	*addr = e->addr;
	*name = e->name;
}

uint32_t snap_name_ttl(const struct snapshot *s, uint32_t i)
{
	return s->names[i].ttl;
}

uint32_t snap_query_count(const struct snapshot *s)
{
	return s->n_queries;
}

void snap_query(const struct snapshot *s, uint32_t i, uint32_t *dev, uint32_t *name,
		uint32_t *count)
{
	const struct snap_query_ent *e = &s->queries[i];
	*dev = e->dev;
	*name = e->name;
	*count = e->count;
}

uint32_t snap_max_devices(const struct snapshot *s)
{
	return s->max_devices;
}

size_t snap_tracker_memory(const struct snapshot *s)
{
	return s->tracker_mem;
}

size_t snap_bytes(const struct snapshot *s)
{
	return s->bytes;
}
