/* devquota.c - a bounded table whose entries each belong to one device,
 * with a quota per device (see internal.h, struct dq).
 *
 * Each device's entries form a doubly linked list, oldest first, through a
 * struct dq_link inside the entry. An insert by a device at its quota
 * evicts that device's own oldest entry; an insert into a full table
 * evicts the oldest entry of the device holding the most (found by a scan
 * of the per-device counts, only when the table is full). So a device
 * flooding the table pushes out its own entries, never another's, until
 * more devices than cap / per_dev are each at their quota. */
#include <stdlib.h>
#include <string.h>

#include "track/internal.h"

static struct dq_link *link_of(struct dq *q, uint32_t idx)
{
	uint8_t *e = table_get(q->tbl, idx);
	return e ? (struct dq_link *)(void *)(e + q->link_off) : NULL;
}

int dq_init(struct dq *q, size_t key_size, size_t entry_size, size_t link_off, uint32_t cap,
	    uint32_t per_dev, uint32_t ndev)
{
	memset(q, 0, sizeof *q);
	struct table_type ty = { key_size, entry_size, cap, false, NULL, NULL };
	q->tbl = table_new(&ty);
	q->heads = calloc(ndev ? ndev : 1, sizeof *q->heads);
	if (!q->tbl || !q->heads) {
		dq_free(q);
		return -1;
	}
	for (uint32_t i = 0; i < ndev; i++)
		q->heads[i].oldest = q->heads[i].newest = TABLE_NONE;
	q->ndev = ndev;
	q->per_dev = per_dev ? per_dev : 1;
	q->link_off = link_off;
	q->ty_cap = cap;
	return 0;
}

void dq_free(struct dq *q)
{
	table_free(q->tbl);
	free(q->heads);
	q->tbl = NULL;
	q->heads = NULL;
}

static void unlink_ent(struct dq *q, struct dq_link *l)
{
	struct dq_head *h = &q->heads[l->dev];
	if (l->prev != TABLE_NONE)
		link_of(q, l->prev)->next = l->next;
	else
		h->oldest = l->next;
	if (l->next != TABLE_NONE)
		link_of(q, l->next)->prev = l->prev;
	else
		h->newest = l->prev;
	h->n--;
}

static void link_newest(struct dq *q, uint32_t idx, struct dq_link *l, uint32_t dev)
{
	struct dq_head *h = &q->heads[dev];
	l->dev = dev;
	l->next = TABLE_NONE;
	l->prev = h->newest;
	if (h->newest != TABLE_NONE)
		link_of(q, h->newest)->next = idx;
	else
		h->oldest = idx;
	h->newest = idx;
	h->n++;
}

void dq_remove(struct dq *q, uint32_t idx)
{
	struct dq_link *l = link_of(q, idx);
	if (!l)
		return;
	unlink_ent(q, l);
	table_remove(q->tbl, idx);
}

/* The device with the most entries (the table is full, so one has some). */
static uint32_t hog(const struct dq *q)
{
	uint32_t best = TABLE_NONE, most = 0;
	for (uint32_t d = 0; d < q->ndev; d++)
		if (q->heads[d].n > most) {
			most = q->heads[d].n;
			best = d;
		}
	return best;
}

uint32_t dq_upsert(struct dq *q, uint32_t dev, const void *key, bool *created)
{
	if (created)
		*created = false;
	if (dev >= q->ndev)
		return TABLE_NONE;
	uint32_t idx = table_find(q->tbl, key);
	if (idx != TABLE_NONE) { /* again: now its device's newest */
		struct dq_link *l = link_of(q, idx);
		table_touch(q->tbl, idx);
		unlink_ent(q, l);
		if (q->heads[dev].n >= q->per_dev && q->heads[dev].oldest != TABLE_NONE) {
			if (q->on_evict)
				q->on_evict(q->ctx, q->heads[dev].oldest);
			dq_remove(q, q->heads[dev].oldest);
			q->evicted++;
			l = link_of(q, idx);
		}
		link_newest(q, idx, l, dev);
		return idx;
	}
	if (q->heads[dev].n >= q->per_dev) {
		if (q->on_evict)
			q->on_evict(q->ctx, q->heads[dev].oldest);
		dq_remove(q, q->heads[dev].oldest);
		q->evicted++;
	} else if (table_count(q->tbl) >= q->ty_cap) {
		uint32_t h = hog(q);
		if (h == TABLE_NONE)
			return TABLE_NONE;
		if (q->on_evict)
			q->on_evict(q->ctx, q->heads[h].oldest);
		dq_remove(q, q->heads[h].oldest);
		q->evicted++;
	}
	idx = table_upsert(q->tbl, key, created);
	if (idx == TABLE_NONE)
		return TABLE_NONE; /* out of memory: counted by the caller */
	link_newest(q, idx, link_of(q, idx), dev);
	return idx;
}

void dq_drop_device(struct dq *q, uint32_t dev)
{
	if (dev >= q->ndev)
		return;
	while (q->heads[dev].oldest != TABLE_NONE)
		dq_remove(q, q->heads[dev].oldest);
}

uint32_t dq_count_dev(const struct dq *q, uint32_t dev)
{
	return dev < q->ndev ? q->heads[dev].n : 0;
}
