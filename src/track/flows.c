/* flows.c - the flow table: one entry per 5-tuple, both directions, with an
 * idle timeout and LRU eviction at the cap. TCP handshakes that span
 * segments are collected in a small pool of stream buffers. */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "track/internal.h"

struct flow *flow_at(struct tracker *t, uint32_t idx)
{
	return idx == TABLE_NONE ? NULL : table_get(t->flows, idx);
}

void flow_release_stream(struct tracker *t, struct flow *f)
{
	if (f->stream == TABLE_NONE)
		return;
	struct stream_buf *s = &t->streams[f->stream];
	s->in_use = 0;
	s->len = s->need = 0;
	f->stream = TABLE_NONE;
}

uint32_t stream_alloc(struct tracker *t, uint32_t flow_idx)
{
	for (uint32_t i = 0; i < t->cfg.max_streams; i++) {
		struct stream_buf *s = &t->streams[i];
		if (s->in_use)
			continue;
		if (!s->data && !(s->data = malloc(t->cfg.stream_bytes)))
			break;
		s->in_use = 1;
		s->len = s->need = 0;
		s->flow = flow_idx;
		return i;
	}
	t->st.streams_refused++;
	return TABLE_NONE;
}

uint32_t flow_get(struct tracker *t, const struct pkt *p, uint64_t ts, int *side, bool *created)
{
	struct flow_key k;
	if (p->l4proto == IPPROTO_TCP && (p->tcp_flags & TCP_SYN))
		direction_note_tcp(t, p);
	memset(&k, 0, sizeof k);
	int c = addr_cmp(&p->src, &p->dst);
	int src_is_a = c < 0 || (c == 0 && p->sport <= p->dport);
	if (src_is_a) {
		k.a = p->src, k.pa = p->sport;
		k.b = p->dst, k.pb = p->dport;
	} else {
		k.a = p->dst, k.pa = p->dport;
		k.b = p->src, k.pb = p->sport;
	}
	k.proto = p->l4proto;
	*side = src_is_a ? 0 : 1;
	/* packets come in bursts of one flow: the last flow again costs a
	 * compare instead of a keyed hash */
	struct flow *last = t->last_flow != TABLE_NONE ? table_get(t->flows, t->last_flow) : NULL;
	if (last && memcmp(&last->key, &k, sizeof k) == 0) {
		*created = false;
		table_touch(t->flows, t->last_flow);
		last->last_us = ts;
		return t->last_flow;
	}
	uint64_t ev = table_evictions(t->flows);
	uint32_t idx = table_upsert(t->flows, &k, created);
	t->st.flows_evicted += table_evictions(t->flows) - ev;
	if (idx == TABLE_NONE)
		return TABLE_NONE;
	struct flow *f = table_get(t->flows, idx);
	if (*created) {
		t->st.flows_created++;
		f->first_us = ts;
		f->init = (uint8_t)direction_opener(t, p, *side);
		f->dev[0] = f->dev[1] = TABLE_NONE;
		f->dest[0] = f->dest[1] = TABLE_NONE;
		f->stream = TABLE_NONE;
		f->sent = 0;
	}
	f->last_us = ts;
	t->last_flow = idx;
	return idx;
}

/* Retire idle flows from the LRU end, a few per packet so the work per
 * packet stays bounded. */
unsigned flow_expire(struct tracker *t, uint64_t now)
{
	unsigned n = 0;
	for (; n < 8; n++) {
		uint32_t idx = table_oldest(t->flows);
		if (idx == TABLE_NONE)
			break;
		struct flow *f = table_get(t->flows, idx);
		uint64_t idle = (f->key.proto == IPPROTO_TCP ? t->cfg.tcp_idle_s : t->cfg.udp_idle_s) *
				1000000ull;
		if (f->last_us + idle >= now)
			break;
		flow_release_stream(t, f);
		table_remove(t->flows, idx);
		t->st.flows_expired++;
	}
	return n;
}
