/* reasm.c - IP fragments put back together (see reasm.h).
 *
 * A datagram being put together is one table entry (lib/table.h, seeded
 * SipHash; one table per family, whose LRU order is the order they were
 * opened in, because an entry is never touched after it is created) and
 * up to 32 slabs of 2 KiB of its data. Each slab has a bitmap of which
 * 8-byte units hold data: every fragment but the last is a multiple of 8
 * bytes long and every offset is (RFC 791 section 3.2, RFC 8200 section
 * 4.5), so the units decide overlaps, duplicates and completeness
 * exactly. The slabs come from one array of max_bytes, allocated at start
 * and touched only as it is used; a free list hands them out, so nothing
 * is allocated per packet.
 */
#include "reasm/reasm.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/table.h"

#define SLAB 2048u
#define SLAB_UNITS (SLAB / 8u)
#define MAX_DATA 65535u /* IPv6: the payload length; IPv4: less its header */
#define DG_SLABS ((MAX_DATA + SLAB - 1) / SLAB)
#define HEAD 128u       /* first data bytes kept: any transport header, and an
			   inner IPv6 header with TCP behind it */
#define IP4_HDR 20u
#define IP6_HDR 40u
#define MAX_SLABS 65535u /* slab numbers are 16 bits, 0 meaning none */

struct slab {
	uint64_t have[SLAB_UNITS / 64]; /* which 8-byte units hold data */
	uint8_t data[SLAB];
};

struct dg_key {
	struct ip_addr src, dst;
	uint32_t id;
	uint8_t mac[6]; /* the frame's source: one sender's fragments only */
	uint16_t vlan;  /* outermost VLAN id, 0 without */
	uint8_t v6;
	uint8_t proto;  /* IPv4 protocol; 0 for IPv6 (RFC 8200 keys on the rest) */
	uint8_t pad[2];
};
_Static_assert(sizeof(struct dg_key) == 48, "no padding in the key");

/* The link layer of the frame that opened a datagram. */
struct dg_link {
	uint8_t has_mac, has_mac_dst, n_vlan, tunnels, ttl;
	uint8_t mac_src[6], mac_dst[6];
	uint16_t vlan[PKT_MAX_VLAN];
	uint16_t ethertype;
};

struct dg {
	struct dg_key key;
	uint64_t first_us, last_us;
	uint64_t wire, cap;       /* wire and captured bytes of every frame */
	uint32_t frames;
	uint32_t units;           /* 8-byte units held */
	uint32_t end;             /* the data's length, when has_end */
	uint32_t hi;              /* the furthest data byte seen */
	uint32_t cut;             /* captured data stops here (a snap length) */
	uint16_t slab[DG_SLABS];  /* slab number + 1, or 0 */
	uint8_t has_end, has_first, proto, head_len;
	uint8_t head[HEAD];       /* the first data bytes, for a datagram dropped */
	struct dg_link lk;
};

struct reasm {
	struct reasm_config cfg;
	struct dec_ctx *dec;
	reasm_emit_fn emit;
	void *user;
	struct table *t[2]; /* IPv4, IPv6 */
	struct slab *slabs;
	uint16_t *free;     /* a stack of free slab numbers */
	uint32_t nslabs, nfree;
	uint8_t *buf;       /* a datagram rebuilt: its IP header and data */
	uint64_t due;
};

enum { PLACED, COMPLETE, IGNORED };

void reasm_config_default(struct reasm_config *c)
{
	c->max_bytes = 4u << 20;
	c->max_datagrams = 1024;
	c->ip4_timeout_s = 30;
	c->ip6_timeout_s = 60;
}

struct reasm *reasm_new(const struct reasm_config *cfg, struct dec_ctx *dec, reasm_emit_fn emit,
			void *user)
{
	struct reasm *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	if (cfg)
		r->cfg = *cfg;
	else
		reasm_config_default(&r->cfg);
	if (r->cfg.max_bytes < REASM_MIN_BYTES)
		r->cfg.max_bytes = REASM_MIN_BYTES;
	if (!r->cfg.max_datagrams)
		r->cfg.max_datagrams = 1;
	r->dec = dec;
	r->emit = emit;
	r->user = user;
	r->due = UINT64_MAX;
	size_t n = r->cfg.max_bytes / sizeof(struct slab);
	r->nslabs = n > MAX_SLABS ? MAX_SLABS : (uint32_t)n;
	struct table_type ty = { sizeof(struct dg_key), sizeof(struct dg), r->cfg.max_datagrams, false,
				 NULL, NULL };
	r->t[0] = table_new(&ty);
	r->t[1] = table_new(&ty);
	/* untouched pages of these cost no memory until fragments come */
	r->slabs = malloc((size_t)r->nslabs * sizeof *r->slabs);
	r->free = malloc((size_t)r->nslabs * sizeof *r->free);
	r->buf = malloc(IP6_HDR + MAX_DATA);
	if (!r->t[0] || !r->t[1] || !r->slabs || !r->free || !r->buf) {
		reasm_free(r);
		return NULL;
	}
	for (uint32_t i = 0; i < r->nslabs; i++) /* low numbers first */
		r->free[i] = (uint16_t)(r->nslabs - 1 - i);
	r->nfree = r->nslabs;
	return r;
}

void reasm_free(struct reasm *r)
{
	if (!r)
		return;
	table_free(r->t[0]);
	table_free(r->t[1]);
	free(r->slabs);
	free(r->free);
	free(r->buf);
	free(r);
}

size_t reasm_memory(const struct reasm *r)
{
	return (size_t)(r->nslabs - r->nfree) * sizeof(struct slab) + table_memory(r->t[0]) +
	       table_memory(r->t[1]);
}

static uint64_t timeout_us(const struct reasm *r, int v6)
{
	return (uint64_t)(v6 ? r->cfg.ip6_timeout_s : r->cfg.ip4_timeout_s) * 1000000u;
}

static struct dg *dg_at(struct reasm *r, int f, uint32_t idx)
{
	return table_get(r->t[f], idx);
}

static void update_due(struct reasm *r)
{
	r->due = UINT64_MAX;
	for (int f = 0; f < 2; f++) {
		const struct dg *d = dg_at(r, f, table_oldest(r->t[f]));
		if (d && d->first_us + timeout_us(r, f) < r->due)
			r->due = d->first_us + timeout_us(r, f);
	}
}

/* The datagram opened first, over both families; false when none. */
static bool oldest(struct reasm *r, int *f, uint32_t *idx)
{
	const struct dg *a = dg_at(r, 0, table_oldest(r->t[0]));
	const struct dg *b = dg_at(r, 1, table_oldest(r->t[1]));
	if (!a && !b)
		return false;
	*f = !a || (b && b->first_us < a->first_us);
	*idx = table_oldest(r->t[*f]);
	return true;
}

/* ---- views handed on ------------------------------------------------------ */

static void view_init(const struct dg *d, struct pkt *o)
{
	memset(o, 0, sizeof *o);
	o->has_mac = d->lk.has_mac;
	o->has_mac_dst = d->lk.has_mac_dst;
	memcpy(o->mac_src, d->lk.mac_src, 6);
	memcpy(o->mac_dst, d->lk.mac_dst, 6);
	o->n_vlan = d->lk.n_vlan;
	memcpy(o->vlan, d->lk.vlan, sizeof o->vlan);
	o->ethertype = d->lk.ethertype;
	o->tunnels = d->lk.tunnels;
	o->frames = d->frames;
	o->wirelen = d->wire > UINT32_MAX ? UINT32_MAX : (uint32_t)d->wire;
	o->caplen = d->cap > UINT32_MAX ? UINT32_MAX : (uint32_t)d->cap;
}

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Decode the datagram whose data (len bytes said, have of them captured)
 * is in r->buf after room for a header: an IP header is written before it
 * (RFC 791 3.1 / RFC 8200 3: no options, no extension headers, nothing
 * fragmented) and the whole goes through decode/ from the IP layer. */
static void decode_rebuilt(struct reasm *r, const struct dg *d, uint32_t len, uint32_t have,
			   struct pkt *o)
{
	view_init(d, o);
	uint8_t *h;
	if (!d->key.v6) {
		h = r->buf + IP6_HDR - IP4_HDR;
		memset(h, 0, IP4_HDR);
		h[0] = 0x45;
		put16(h + 2, IP4_HDR + len);
		put16(h + 4, d->key.id);
		h[8] = d->lk.ttl;
		h[9] = d->proto;
		memcpy(h + 12, d->key.src.b + 12, 4);
		memcpy(h + 16, d->key.dst.b + 12, 4);
		decode_ipv4(r->dec, h, IP4_HDR + have, o);
	} else {
		h = r->buf;
		memset(h, 0, 8);
		h[0] = 0x60;
		put16(h + 4, len);
		h[6] = d->proto;
		h[7] = d->lk.ttl;
		memcpy(h + 8, d->key.src.b, 16);
		memcpy(h + 24, d->key.dst.b, 16);
		decode_ipv6(r->dec, h, IP6_HDR + have, o);
	}
}

/* A datagram that will not be finished: its frames go on as one view of
 * the first fragment's transport header (its flow's ports) without a
 * payload, so they count to the flow and nothing in them is read; without
 * the first fragment, as addresses only (the capture's totals). */
static void emit_dropped(struct reasm *r, const struct dg *d)
{
	struct pkt o;
	if (d->has_first && d->head_len) {
		memcpy(r->buf + IP6_HDR, d->head, d->head_len);
		decode_rebuilt(r, d, d->head_len, d->head_len, &o);
		o.payload = NULL;
		o.payload_len = 0;
	} else {
		view_init(d, &o);
		o.l3 = d->key.v6 ? L3_IPV6 : L3_IPV4;
		o.src = d->key.src;
		o.dst = d->key.dst;
		o.ttl = d->lk.ttl;
		o.l4proto = d->proto;
	}
	r->emit(r->user, &o, d->last_us);
}

static void release(struct reasm *r, struct dg *d)
{
	for (uint32_t i = 0; i < DG_SLABS; i++)
		if (d->slab[i]) {
			r->free[r->nfree++] = (uint16_t)(d->slab[i] - 1);
			d->slab[i] = 0;
		}
}

/* Drop a datagram, counted under why (a DC_FRAG_* counter). */
static void drop(struct reasm *r, int f, uint32_t idx, enum dec_counter why)
{
	struct dg *d = dg_at(r, f, idx);
	r->dec->stats.n[why]++;
	emit_dropped(r, d);
	release(r, d);
	table_remove(r->t[f], idx);
	update_due(r);
}

/* The datagram is whole: put it together, decode it, hand it on. */
static void deliver(struct reasm *r, int f, uint32_t idx)
{
	struct dg *d = dg_at(r, f, idx);
	uint32_t len = d->end;
	for (uint32_t i = 0; i * SLAB < len; i++) {
		uint32_t k = len - i * SLAB < SLAB ? len - i * SLAB : SLAB;
		memcpy(r->buf + IP6_HDR + i * SLAB, r->slabs[d->slab[i] - 1].data, k);
	}
	struct pkt o;
	decode_rebuilt(r, d, len, d->cut < len ? d->cut : len, &o);
	r->dec->stats.n[DC_FRAG_REASSEMBLED]++;
	r->emit(r->user, &o, d->last_us);
	release(r, d);
	table_remove(r->t[f], idx);
	update_due(r);
}

/* ---- the units ------------------------------------------------------------ */

static struct slab *slab_of(struct reasm *r, const struct dg *d, uint32_t unit)
{
	uint16_t s = d->slab[unit / SLAB_UNITS];
	return s ? &r->slabs[s - 1] : NULL;
}

static bool unit_held(struct reasm *r, const struct dg *d, uint32_t u)
{
	const struct slab *s = slab_of(r, d, u);
	uint32_t b = u % SLAB_UNITS;
	return s && (s->have[b / 64] >> (b % 64) & 1);
}

static uint32_t units_held(struct reasm *r, const struct dg *d, uint32_t u0, uint32_t u1)
{
	uint32_t n = 0;
	for (uint32_t u = u0; u < u1; u++)
		n += unit_held(r, d, u);
	return n;
}

/* The captured bytes of the fragment equal what is held there. */
static bool same_bytes(struct reasm *r, const struct dg *d, uint32_t off, const uint8_t *p, uint32_t n)
{
	if (d->cut < off + n)
		n = d->cut > off ? d->cut - off : 0;
	for (uint32_t i = 0; i < n;) {
		uint32_t at = off + i, in = at % SLAB;
		uint32_t k = SLAB - in < n - i ? SLAB - in : n - i;
		if (memcmp(r->slabs[d->slab[at / SLAB] - 1].data + in, p + i, k))
			return false;
		i += k;
	}
	return true;
}

/* Slabs for the bytes [off, end) of datagram idx, dropping the oldest
 * datagrams to make room; -1 when it is the oldest itself. */
static int make_room(struct reasm *r, int f, uint32_t idx, uint32_t off, uint32_t end)
{
	for (;;) {
		struct dg *d = dg_at(r, f, idx);
		uint32_t need = 0;
		for (uint32_t i = off / SLAB; i <= (end - 1) / SLAB; i++)
			need += !d->slab[i];
		if (need <= r->nfree) {
			for (uint32_t i = off / SLAB; i <= (end - 1) / SLAB; i++)
				if (!d->slab[i]) {
					uint16_t s = r->free[--r->nfree];
					memset(r->slabs[s].have, 0, sizeof r->slabs[s].have);
					d->slab[i] = (uint16_t)(s + 1);
				}
			uint64_t used = (uint64_t)(r->nslabs - r->nfree) * sizeof(struct slab);
			if (used > r->dec->stats.n[DC_FRAG_PEAK])
				r->dec->stats.n[DC_FRAG_PEAK] = used;
			return 0;
		}
		int vf;
		uint32_t vi;
		if (!oldest(r, &vf, &vi) || (vf == f && vi == idx))
			return -1;
		drop(r, vf, vi, DC_FRAG_MEMFULL);
	}
}

static void copy_in(struct reasm *r, struct dg *d, uint32_t off, const uint8_t *p, uint32_t n)
{
	for (uint32_t i = 0; i < n;) {
		uint32_t at = off + i, in = at % SLAB;
		uint32_t k = SLAB - in < n - i ? SLAB - in : n - i;
		memcpy(r->slabs[d->slab[at / SLAB] - 1].data + in, p + i, k);
		i += k;
	}
}

static void mark(struct reasm *r, struct dg *d, uint32_t u0, uint32_t u1)
{
	for (uint32_t u = u0; u < u1; u++) {
		struct slab *s = slab_of(r, d, u);
		uint32_t b = u % SLAB_UNITS;
		s->have[b / 64] |= 1ull << (b % 64);
	}
}

/* Put fragment p into datagram idx: PLACED, COMPLETE, IGNORED (an exact
 * duplicate), or a DC_FRAG_* counter (as a negative number) for why the
 * datagram is to be dropped. */
static int place(struct reasm *r, int f, uint32_t idx, const struct pkt *p)
{
	struct dg *d = dg_at(r, f, idx);
	uint32_t off = p->frag_off, len = p->frag_len, end = off + len;
	if (end > (f ? MAX_DATA : MAX_DATA - IP4_HDR))
		return -DC_FRAG_TOOBIG; /* "ping of death": past what the header can say */
	if (d->has_end && (end > d->end || (p->frag_more && end == d->end) ||
			   (!p->frag_more && end != d->end)))
		return -DC_FRAG_OVERLAP; /* past the end, or a second, other end */
	if (!p->frag_more && !d->has_end && d->hi > end)
		return -DC_FRAG_OVERLAP; /* an end before data already held */
	uint32_t u0 = off / 8, u1 = (end + 7) / 8;
	uint32_t held = units_held(r, d, u0, u1);
	if (held) {
		/* RFC 8200 4.5: an exact duplicate may be dropped alone; any
		 * other overlap drops the datagram (RFC 5722) */
		if (held == u1 - u0 && (p->frag_more || d->has_end) &&
		    same_bytes(r, d, off, p->frag_data, p->frag_caplen)) {
			r->dec->stats.n[DC_FRAG_DUP]++;
			return IGNORED;
		}
		return -DC_FRAG_OVERLAP;
	}
	if (make_room(r, f, idx, off, end) < 0)
		return -DC_FRAG_MEMFULL;
	d = dg_at(r, f, idx);
	copy_in(r, d, off, p->frag_data, p->frag_caplen);
	mark(r, d, u0, u1);
	if (p->frag_caplen < len && off + p->frag_caplen < d->cut)
		d->cut = off + p->frag_caplen;
	d->units += u1 - u0;
	if (end > d->hi)
		d->hi = end;
	if (!p->frag_more) {
		d->has_end = 1;
		d->end = end;
	}
	if (off == 0) {
		d->has_first = 1;
		d->proto = p->frag_proto; /* IPv6: the first fragment's next header */
		d->head_len = (uint8_t)(p->frag_caplen < HEAD ? p->frag_caplen : HEAD);
		memcpy(d->head, p->frag_data, d->head_len);
	}
	return d->has_end && d->units == (d->end + 7) / 8 ? COMPLETE : PLACED;
}

static void key_of(const struct pkt *p, struct dg_key *k)
{
	memset(k, 0, sizeof *k);
	k->src = p->src;
	k->dst = p->dst;
	k->id = p->frag_id;
	if (p->has_mac)
		memcpy(k->mac, p->mac_src, 6);
	k->vlan = p->n_vlan ? p->vlan[0] : 0;
	k->v6 = p->l3 == L3_IPV6;
	k->proto = k->v6 ? 0 : p->frag_proto;
}

static void link_of(const struct pkt *p, struct dg_link *l)
{
	l->has_mac = p->has_mac;
	l->has_mac_dst = p->has_mac_dst;
	memcpy(l->mac_src, p->mac_src, 6);
	memcpy(l->mac_dst, p->mac_dst, 6);
	l->n_vlan = p->n_vlan;
	memcpy(l->vlan, p->vlan, sizeof l->vlan);
	l->ethertype = p->ethertype;
	l->tunnels = p->tunnels;
	l->ttl = p->ttl;
}

/* The datagram p belongs to, opened when new; TABLE_NONE when no entry
 * can be had (out of memory). */
static uint32_t open_dg(struct reasm *r, const struct pkt *p, uint64_t ts, int *f)
{
	struct dg_key k;
	key_of(p, &k);
	*f = k.v6;
	uint32_t idx = table_find(r->t[*f], &k); /* does not touch the LRU order */
	if (idx != TABLE_NONE)
		return idx;
	int vf;
	uint32_t vi;
	if (table_count(r->t[0]) + table_count(r->t[1]) >= r->cfg.max_datagrams && oldest(r, &vf, &vi))
		drop(r, vf, vi, DC_FRAG_TABLEFULL);
	bool created;
	idx = table_upsert(r->t[*f], &k, &created);
	struct dg *d = dg_at(r, *f, idx);
	if (!d)
		return TABLE_NONE;
	d->first_us = ts;
	d->cut = UINT32_MAX;
	d->proto = k.proto;
	link_of(p, &d->lk);
	update_due(r);
	return idx;
}

static void fragment(struct reasm *r, const struct pkt *p, uint64_t ts)
{
	if (!p->frag_len || (p->frag_more && p->frag_len % 8)) {
		/* RFC 8200 4.5: a fragment other than the last must be a
		 * multiple of 8 octets; one without data says nothing. Its
		 * frame goes on alone (the totals). */
		r->dec->stats.n[DC_FRAG_BAD]++;
		r->emit(r->user, p, ts);
		return;
	}
	int f;
	uint32_t idx = open_dg(r, p, ts, &f);
	if (idx == TABLE_NONE) {
		r->emit(r->user, p, ts);
		return;
	}
	struct dg *d = dg_at(r, f, idx);
	if (d->frames < UINT32_MAX)
		d->frames += pkt_frames(p);
	d->wire += p->wirelen;
	d->cap += p->caplen;
	if (ts > d->last_us)
		d->last_us = ts;
	int rc = place(r, f, idx, p);
	if (rc == COMPLETE)
		deliver(r, f, idx);
	else if (rc < 0)
		drop(r, f, idx, (enum dec_counter)-rc);
}

static void expire(struct reasm *r, uint64_t ts)
{
	for (int f = 0; f < 2; f++) {
		uint32_t idx;
		const struct dg *d;
		while ((d = dg_at(r, f, idx = table_oldest(r->t[f]))) && ts >= d->first_us + timeout_us(r, f))
			drop(r, f, idx, DC_FRAG_TIMEOUT);
	}
	update_due(r);
}

uint64_t reasm_packet(struct reasm *r, const struct pkt *p, uint64_t ts)
{
	if (ts >= r->due)
		expire(r, ts);
	if (p->frag == FRAG_NONE)
		r->emit(r->user, p, ts);
	else
		fragment(r, p, ts);
	return r->due;
}

uint64_t reasm_tick(struct reasm *r, uint64_t now)
{
	if (now >= r->due)
		expire(r, now);
	return r->due;
}

void reasm_finish(struct reasm *r)
{
	int f;
	uint32_t idx;
	while (oldest(r, &f, &idx))
		drop(r, f, idx, DC_FRAG_UNFINISHED);
}
