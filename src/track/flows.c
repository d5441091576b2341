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

/* Server endpoints from TCP handshakes (see struct server_ep). */
static struct server_ep *server_slot(struct tracker *t, const struct ip_addr *a, uint16_t port)
{
	uint32_t h = 2166136261u; /* FNV-1a: a collision only costs a guess */
	for (int i = 0; i < 16; i++)
		h = (h ^ a->b[i]) * 16777619u;
	h = (h ^ port) * 16777619u;
	h = (h ^ (port >> 8)) * 16777619u;
	return &t->servers[h % SERVER_EPS];
}

static void server_note(struct tracker *t, const struct ip_addr *a, uint16_t port)
{
	struct server_ep *e = server_slot(t, a, port);
	e->a = *a;
	e->port = port;
	e->used = 1;
}

static bool server_known(struct tracker *t, const struct ip_addr *a, uint16_t port)
{
	const struct server_ep *e = server_slot(t, a, port);
	return e->used && e->port == port && !memcmp(&e->a, a, sizeof *a);
}

/* Which side opened the flow, judged from its first packet. */
static int guess_initiator(struct tracker *t, const struct pkt *p, int src_side)
{
	/* a broadcast or multicast is sent, never answered to: its sender
	 * opened it, whichever port is lower (an answer to a phone app's
	 * discovery broadcast goes from a device's service port to the app's
	 * temporary one) */
	if (addr_is_group(&p->dst))
		return src_side;
	if (p->l4proto == IPPROTO_TCP) {
		if ((p->tcp_flags & (TCP_SYN | TCP_ACK)) == TCP_SYN)
			return src_side;
		if ((p->tcp_flags & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK))
			return !src_side;
		/* mid-stream: an end seen answering a handshake is the server
		 * (a cloud on a high port such as 50443 would otherwise pass
		 * for the client of the device's lower temporary port) */
		if (server_known(t, &p->dst, p->dport))
			return src_side;
		if (server_known(t, &p->src, p->sport))
			return !src_side;
	}
	/* Mid-stream or UDP: the side on the lower (service) port is the
	 * server, unless both are ephemeral-looking and equal. */
	if (p->sport < p->dport && p->sport < 49152 && p->sport != 0)
		return !src_side;
	return src_side;
}

uint32_t flow_get(struct tracker *t, const struct pkt *p, uint64_t ts, int *side, bool *created)
{
	struct flow_key k;
	if (p->l4proto == IPPROTO_TCP && (p->tcp_flags & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK))
		server_note(t, &p->src, p->sport);
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
		f->init = (uint8_t)guess_initiator(t, p, *side);
		f->dev[0] = f->dev[1] = TABLE_NONE;
		f->dest[0] = f->dest[1] = TABLE_NONE;
		f->stream = TABLE_NONE;
	}
	f->last_us = ts;
	t->last_flow = idx;
	return idx;
}

/* Retire idle flows from the LRU end, a few per packet so the work per
 * packet stays bounded. */
void flow_expire(struct tracker *t, uint64_t now)
{
	for (int n = 0; n < 8; n++) {
		uint32_t idx = table_oldest(t->flows);
		if (idx == TABLE_NONE)
			return;
		struct flow *f = table_get(t->flows, idx);
		uint64_t idle = (f->key.proto == IPPROTO_TCP ? t->cfg.tcp_idle_s : t->cfg.udp_idle_s) *
				1000000ull;
		if (f->last_us + idle >= now)
			return;
		flow_release_stream(t, f);
		table_remove(t->flows, idx);
		t->st.flows_expired++;
	}
}
