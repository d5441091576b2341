/* test_reasm.c - IP reassembly (reasm/): datagrams put together in and out
 * of order, IPv4 and IPv6, overlaps and duplicates, ends that disagree,
 * timeouts, the memory and datagram caps, snap lengths, and what a
 * dropped datagram still hands on. Fragments are made as bytes and
 * decoded by decode/, as in a capture. */
#include "testutil.h"

#include <stdio.h>

#include "decode/decode.h"
#include "reasm/reasm.h"

#define DLT_RAW_ 12
#define SEC 1000000ull

/* ---- what reasm hands on ------------------------------------------------ */

#define MAX_OUT 4096
struct out {
	struct pkt p;
	uint64_t ts;
	uint8_t payload[1500];
	size_t payload_len;
	int same_view; /* the very view handed in (a packet of one frame) */
};
static struct out outs[MAX_OUT];
static int n_out;
static const struct pkt *last_in;

static void collect(void *user, const struct pkt *p, uint64_t ts)
{
	(void)user;
	assert_true(n_out < MAX_OUT);
	struct out *o = &outs[n_out++];
	o->p = *p;
	o->ts = ts;
	o->same_view = p == last_in;
	o->payload_len = p->payload_len < sizeof o->payload ? p->payload_len : sizeof o->payload;
	if (p->payload_len)
		memcpy(o->payload, p->payload, o->payload_len);
}

struct fx {
	struct dec_ctx dec;
	struct reasm *r;
	uint64_t due;
};

static struct fx *fx_new(const struct reasm_config *cfg)
{
	struct fx *f = calloc(1, sizeof *f);
	assert_non_null(f);
	f->r = reasm_new(cfg, &f->dec, collect, NULL);
	assert_non_null(f->r);
	n_out = 0;
	return f;
}

static void fx_free(struct fx *f)
{
	reasm_free(f->r);
	free(f);
}

/* ---- fragments as bytes ------------------------------------------------- */

static const uint8_t SRC4[4] = { 192, 168, 1, 50 }, DST4[4] = { 203, 0, 113, 9 };
static const uint8_t SRC6[16] = { 0xfd, [15] = 0x50 }, DST6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x09 };

/* A UDP datagram's bytes: header then n bytes of a pattern. */
static size_t udp_dgram(uint8_t *b, unsigned sport, unsigned dport, size_t n, uint8_t seed)
{
	b[0] = (uint8_t)(sport >> 8), b[1] = (uint8_t)sport;
	b[2] = (uint8_t)(dport >> 8), b[3] = (uint8_t)dport;
	b[4] = (uint8_t)((n + 8) >> 8), b[5] = (uint8_t)(n + 8);
	b[6] = b[7] = 0;
	for (size_t i = 0; i < n; i++)
		b[8 + i] = (uint8_t)(seed + i * 7);
	return n + 8;
}

/* Feed an IPv4 fragment of data[off, off+len) (more: MF) at ts; caplen
 * cuts what is captured (0: all). */
static void frag4_cut(struct fx *f, uint16_t id, const uint8_t *data, size_t off, size_t len, int more,
		      uint64_t ts, size_t cut)
{
	size_t n = 20 + len;
	uint8_t *b = malloc(n);
	assert_non_null(b);
	memset(b, 0, 20);
	b[0] = 0x45;
	b[2] = (uint8_t)(n >> 8), b[3] = (uint8_t)n;
	b[4] = (uint8_t)(id >> 8), b[5] = (uint8_t)id;
	unsigned fl = (more ? 0x2000u : 0) | (unsigned)(off / 8);
	b[6] = (uint8_t)(fl >> 8), b[7] = (uint8_t)fl;
	b[8] = 64;
	b[9] = 17;
	memcpy(b + 12, SRC4, 4);
	memcpy(b + 16, DST4, 4);
	memcpy(b + 20, data + off, len);
	size_t cap = cut ? cut : n;
	uint8_t *h = heap(b, cap); /* exact size: ASan sees any read past it */
	struct pkt p;
	decode_packet(&f->dec, DLT_RAW_, h, cap, (uint32_t)n + 14, &p);
	last_in = &p;
	f->due = reasm_packet(f->r, &p, ts);
	last_in = NULL;
	free(h);
	free(b);
}

static void frag4(struct fx *f, uint16_t id, const uint8_t *data, size_t off, size_t len, int more, uint64_t ts)
{
	frag4_cut(f, id, data, off, len, more, ts, 0);
}

static void frag6(struct fx *f, uint32_t id, uint8_t nh, const uint8_t *data, size_t off, size_t len, int more,
		  uint64_t ts)
{
	size_t n = 48 + len;
	uint8_t *b = calloc(1, n);
	assert_non_null(b);
	b[0] = 0x60;
	b[4] = (uint8_t)((n - 40) >> 8), b[5] = (uint8_t)(n - 40);
	b[6] = 44;
	b[7] = 64;
	memcpy(b + 8, SRC6, 16);
	memcpy(b + 24, DST6, 16);
	b[40] = nh;
	unsigned om = (unsigned)off | (more ? 1u : 0);
	b[42] = (uint8_t)(om >> 8), b[43] = (uint8_t)om;
	b[44] = (uint8_t)(id >> 24), b[45] = (uint8_t)(id >> 16), b[46] = (uint8_t)(id >> 8), b[47] = (uint8_t)id;
	memcpy(b + 48, data + off, len);
	struct pkt p;
	decode_packet(&f->dec, DLT_RAW_, b, n, (uint32_t)n, &p);
	f->due = reasm_packet(f->r, &p, ts);
	free(b);
}

/* A whole (unfragmented) IPv4 UDP packet. */
static void whole4(struct fx *f, uint64_t ts)
{
	uint8_t b[20 + 12] = { 0x45, 0, 0, 32, 0, 1, 0x40, 0, 64, 17 };
	memcpy(b + 12, SRC4, 4);
	memcpy(b + 16, DST4, 4);
	udp_dgram(b + 20, 1000, 2000, 4, 1);
	struct pkt p;
	decode_packet(&f->dec, DLT_RAW_, b, sizeof b, sizeof b, &p);
	last_in = &p;
	f->due = reasm_packet(f->r, &p, ts);
	last_in = NULL;
}

static uint64_t ctr(const struct fx *f, enum dec_counter c)
{
	return f->dec.stats.n[c];
}

/* ---- tests -------------------------------------------------------------- */

static void test_in_order_and_reversed(void **state)
{
	(void)state;
	uint8_t d[3000];
	size_t n = udp_dgram(d, 5353, 53, 2992, 3);
	for (int rev = 0; rev < 2; rev++) {
		struct fx *f = fx_new(NULL);
		uint64_t t = 1000 * SEC;
		if (!rev) {
			frag4(f, 7, d, 0, 1480, 1, t);
			frag4(f, 7, d, 1480, 1480, 1, t + 1);
			assert_int_equal(n_out, 0);
			assert_true(f->due == t + 30 * SEC);
			frag4(f, 7, d, 2960, n - 2960, 0, t + 2);
		} else {
			frag4(f, 7, d, 2960, n - 2960, 0, t);
			frag4(f, 7, d, 1480, 1480, 1, t + 1);
			frag4(f, 7, d, 0, 1480, 1, t + 2);
		}
		assert_int_equal(n_out, 1);
		const struct out *o = &outs[0];
		assert_int_equal(o->p.frag, FRAG_NONE);
		assert_int_equal(o->p.l3, L3_IPV4);
		assert_int_equal(o->p.has_l4, 1);
		assert_int_equal(o->p.sport, 5353);
		assert_int_equal(o->p.dport, 53);
		assert_int_equal(o->p.payload_len, n - 8);
		assert_memory_equal(o->payload, d + 8, 1500);
		assert_int_equal(o->p.frames, 3);
		assert_int_equal(pkt_frames(&o->p), 3);
		assert_int_equal(o->p.wirelen, n + 3 * 20 + 3 * 14); /* every frame's wire bytes */
		assert_int_equal(o->p.ip_len, 20 + n);
		assert_true(o->ts == t + 2);
		assert_int_equal(ctr(f, DC_FRAG_REASSEMBLED), 1);
		assert_int_equal(ctr(f, DC_IP4_FRAG), 3);
		assert_true(f->due == UINT64_MAX);
		assert_int_equal(ctr(f, DC_FRAG_PEAK), 2 * (2048 + 32));
		fx_free(f);
	}
}

static void test_whole_packets_pass(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL);
	whole4(f, 5 * SEC);
	assert_int_equal(n_out, 1);
	assert_true(outs[0].same_view);
	assert_true(f->due == UINT64_MAX);
	assert_int_equal(outs[0].p.frames, 0);
	fx_free(f);
}

static void test_overlap(void **state)
{
	(void)state;
	uint8_t a[64], b[64];
	size_t n = udp_dgram(a, 40000, 53, 48, 1);
	udp_dgram(b, 40000, 53, 48, 99);
	struct fx *f = fx_new(NULL);
	frag4(f, 9, a, 0, 24, 1, 10 * SEC);
	frag4(f, 9, b, 16, n - 16, 0, 10 * SEC + 1); /* rewrites bytes 16..23 */
	assert_int_equal(ctr(f, DC_FRAG_OVERLAP), 1);
	assert_int_equal(ctr(f, DC_FRAG_REASSEMBLED), 0);
	/* handed on without a payload, its frames and ports kept */
	assert_int_equal(n_out, 1);
	assert_int_equal(outs[0].p.has_l4, 1);
	assert_int_equal(outs[0].p.sport, 40000);
	assert_int_equal(outs[0].p.payload_len, 0);
	assert_null(outs[0].p.payload);
	assert_int_equal(outs[0].p.frames, 2);
	assert_int_equal(outs[0].p.wirelen, 14 + 20 + 24 + 14 + 20 + n - 16);
	assert_true(f->due == UINT64_MAX);
	/* the same key afterwards is a new datagram */
	frag4(f, 9, a, 0, 24, 1, 11 * SEC);
	frag4(f, 9, a, 24, n - 24, 0, 11 * SEC + 1);
	assert_int_equal(n_out, 2);
	assert_int_equal(ctr(f, DC_FRAG_REASSEMBLED), 1);
	assert_memory_equal(outs[1].payload, a + 8, n - 8);
	/* a partial overlap with the same bytes is still an overlap */
	frag4(f, 10, a, 0, 24, 1, 12 * SEC);
	frag4(f, 10, a, 16, n - 16, 0, 12 * SEC);
	assert_int_equal(ctr(f, DC_FRAG_OVERLAP), 2);
	fx_free(f);
}

static void test_duplicates(void **state)
{
	(void)state;
	uint8_t a[64], b[64];
	size_t n = udp_dgram(a, 40000, 53, 48, 1);
	udp_dgram(b, 40000, 53, 48, 99);
	struct fx *f = fx_new(NULL);
	frag4(f, 9, a, 0, 24, 1, 10 * SEC);
	frag4(f, 9, a, 0, 24, 1, 10 * SEC); /* exact duplicate: ignored */
	assert_int_equal(ctr(f, DC_FRAG_DUP), 1);
	assert_int_equal(n_out, 0);
	frag4(f, 9, a, 24, n - 24, 0, 10 * SEC);
	assert_int_equal(n_out, 1);
	assert_int_equal(outs[0].p.frames, 3);
	assert_memory_equal(outs[0].payload, a + 8, n - 8);
	/* the same place with other bytes is an overlap */
	frag4(f, 11, a, 0, 24, 1, 10 * SEC);
	frag4(f, 11, b, 0, 24, 1, 10 * SEC);
	assert_int_equal(ctr(f, DC_FRAG_OVERLAP), 1);
	assert_int_equal(ctr(f, DC_FRAG_DUP), 1);
	fx_free(f);
}

static void test_ends(void **state)
{
	(void)state;
	uint8_t a[80];
	size_t n = udp_dgram(a, 1, 2, 64, 5);
	struct fx *f = fx_new(NULL);
	/* two last fragments, other ends */
	frag4(f, 1, a, 32, 40, 0, SEC);
	frag4(f, 1, a, 24, 8, 0, SEC);
	assert_int_equal(ctr(f, DC_FRAG_OVERLAP), 1);
	/* data past a known end */
	frag4(f, 2, a, 32, 8, 0, SEC);
	frag4(f, 2, a, 40, 8, 1, SEC);
	assert_int_equal(ctr(f, DC_FRAG_OVERLAP), 2);
	/* an end before data already held */
	frag4(f, 3, a, 40, 16, 1, SEC);
	frag4(f, 3, a, 24, 8, 0, SEC);
	assert_int_equal(ctr(f, DC_FRAG_OVERLAP), 3);
	/* a "more" fragment reaching the known end */
	frag4(f, 4, a, 64, n - 64, 0, SEC);
	frag4(f, 4, a, 56, n - 56, 1, SEC);
	assert_int_equal(ctr(f, DC_FRAG_OVERLAP), 4);
	/* past 65535: the ping of death */
	frag4(f, 5, a, 0, 16, 1, SEC);
	uint8_t big[65536] = { 0 };
	frag4(f, 5, big, 65520, 8, 0, SEC);
	assert_int_equal(ctr(f, DC_FRAG_TOOBIG), 1);
	/* no data, or a middle fragment not a multiple of 8: that frame alone */
	int before = n_out;
	frag4(f, 6, a, 8, 0, 1, SEC);
	frag4(f, 6, a, 8, 12, 1, SEC);
	assert_int_equal(ctr(f, DC_FRAG_BAD), 2);
	assert_int_equal(n_out, before + 2);
	assert_int_equal(outs[n_out - 1].p.frag, FRAG_LATER);
	assert_int_equal(ctr(f, DC_FRAG_REASSEMBLED), 0);
	reasm_finish(f->r);
	assert_int_equal(ctr(f, DC_FRAG_UNFINISHED), 0);
	fx_free(f);
}

static void test_timeouts(void **state)
{
	(void)state;
	uint8_t a[64];
	size_t n = udp_dgram(a, 1234, 53, 40, 1);
	struct fx *f = fx_new(NULL);
	uint64_t t = 100 * SEC;
	frag4(f, 1, a, 0, 24, 1, t);
	frag6(f, 1, 17, a, 0, 24, 1, t);
	assert_true(f->due == t + 30 * SEC);
	whole4(f, t + 30 * SEC - 1);
	assert_int_equal(n_out, 1); /* only the whole packet */
	whole4(f, t + 30 * SEC);
	/* the IPv4 datagram is handed on (its ports, no payload) before it */
	assert_int_equal(n_out, 3);
	assert_int_equal(ctr(f, DC_FRAG_TIMEOUT), 1);
	assert_int_equal(outs[1].p.l3, L3_IPV4);
	assert_int_equal(outs[1].p.sport, 1234);
	assert_int_equal(outs[1].p.payload_len, 0);
	assert_true(outs[1].ts == t);
	assert_true(outs[2].same_view);
	assert_true(f->due == t + 60 * SEC);
	/* IPv6 waits 60 s: completed at 59 */
	frag6(f, 1, 17, a, 24, n - 24, 0, t + 59 * SEC);
	assert_int_equal(n_out, 4);
	assert_int_equal(outs[3].p.l3, L3_IPV6);
	assert_int_equal(outs[3].p.frames, 2);
	assert_int_equal(outs[3].p.payload_len, n - 8);
	assert_int_equal(ctr(f, DC_FRAG_REASSEMBLED), 1);
	/* the IPv4 fragment that comes too late opens a datagram of its own,
	 * without its first fragment: handed on as addresses only */
	frag4(f, 1, a, 24, n - 24, 0, t + 59 * SEC);
	reasm_finish(f->r);
	assert_int_equal(ctr(f, DC_FRAG_UNFINISHED), 1);
	assert_int_equal(outs[n_out - 1].p.has_l4, 0);
	assert_int_equal(outs[n_out - 1].p.l3, L3_IPV4);
	assert_int_equal(outs[n_out - 1].p.frames, 1);
	fx_free(f);
}

static void test_ipv6(void **state)
{
	(void)state;
	uint8_t a[200];
	size_t n = udp_dgram(a, 547, 546, 180, 9);
	struct fx *f = fx_new(NULL);
	/* the next header of the first fragment counts, not a later one's */
	frag6(f, 0xabcdef01, 6, a, 64, n - 64, 0, SEC);
	frag6(f, 0xabcdef01, 17, a, 0, 64, 1, SEC);
	assert_int_equal(n_out, 1);
	assert_int_equal(outs[0].p.l3, L3_IPV6);
	assert_int_equal(outs[0].p.l4proto, 17);
	assert_int_equal(outs[0].p.sport, 547);
	assert_int_equal(outs[0].p.ip_len, 40 + n);
	assert_memory_equal(outs[0].payload, a + 8, n - 8);
	assert_memory_equal(outs[0].p.src.b, SRC6, 16);
	/* IPv6 and IPv4 with the same identification are apart */
	frag6(f, 5, 17, a, 0, 64, 1, SEC);
	frag4(f, 5, a, 64, n - 64, 0, SEC);
	assert_int_equal(n_out, 1);
	reasm_finish(f->r);
	assert_int_equal(ctr(f, DC_FRAG_UNFINISHED), 2);
	fx_free(f);
}

static void test_snap_length(void **state)
{
	(void)state;
	uint8_t a[400];
	size_t n = udp_dgram(a, 9, 10, 392, 2);
	struct fx *f = fx_new(NULL);
	frag4_cut(f, 3, a, 0, 200, 1, SEC, 20 + 100); /* 100 of 200 captured */
	frag4(f, 3, a, 200, n - 200, 0, SEC);
	assert_int_equal(n_out, 1);
	/* decoded as far as captured without a gap, as a packet cut by a
	 * snap length would be */
	assert_int_equal(outs[0].p.has_l4, 1);
	assert_int_equal(outs[0].p.payload_len, 100 - 8);
	assert_memory_equal(outs[0].payload, a + 8, 92);
	fx_free(f);
}

static void test_memory_cap(void **state)
{
	(void)state;
	struct reasm_config cfg;
	reasm_config_default(&cfg);
	cfg.max_bytes = REASM_MIN_BYTES; /* 63 slabs */
	uint8_t a[1500];
	size_t n = udp_dgram(a, 7, 8, 1400, 4);
	struct fx *f = fx_new(&cfg);
	for (int i = 0; i < 100; i++)
		frag4(f, (uint16_t)i, a, 0, 1400, 1, SEC + (uint64_t)i);
	assert_int_equal(ctr(f, DC_FRAG_MEMFULL), 100 - 63);
	assert_true(ctr(f, DC_FRAG_PEAK) <= REASM_MIN_BYTES);
	assert_true(reasm_memory(f->r) >= 63 * 2080);
	/* the oldest went first: the newest can be finished */
	frag4(f, 99, a, 1400, n - 1400, 0, 2 * SEC);
	assert_int_equal(ctr(f, DC_FRAG_REASSEMBLED), 1);
	assert_int_equal(outs[n_out - 1].p.payload_len, n - 8);
	/* a datagram as large as can be still fits */
	static uint8_t big[65535];
	size_t bn = udp_dgram(big, 7, 8, 65515 - 8, 4);
	for (size_t off = 0; off < bn; off += 1480)
		frag4(f, 500, big, off, bn - off < 1480 ? bn - off : 1480, bn - off > 1480, 3 * SEC);
	assert_int_equal(ctr(f, DC_FRAG_REASSEMBLED), 2);
	assert_int_equal(outs[n_out - 1].p.payload_len, bn - 8);
	assert_memory_equal(outs[n_out - 1].payload, big + 8, 1500);
	/* it took 32 of the 63 slabs: of the 62 one-slab datagrams left,
	 * the 31 oldest made room */
	assert_int_equal(ctr(f, DC_FRAG_MEMFULL), 100 - 63 + 31);
	reasm_finish(f->r);
	assert_int_equal(ctr(f, DC_FRAG_UNFINISHED), 31);
	fx_free(f);
}

static void test_datagram_cap(void **state)
{
	(void)state;
	struct reasm_config cfg;
	reasm_config_default(&cfg);
	cfg.max_datagrams = 4;
	uint8_t a[64];
	size_t n = udp_dgram(a, 7, 8, 40, 4);
	struct fx *f = fx_new(&cfg);
	for (int i = 0; i < 6; i++)
		frag4(f, (uint16_t)i, a, 0, 16, 1, SEC + (uint64_t)i);
	assert_int_equal(ctr(f, DC_FRAG_TABLEFULL), 2);
	frag4(f, 0, a, 16, n - 16, 0, 2 * SEC); /* the first was dropped */
	assert_int_equal(ctr(f, DC_FRAG_REASSEMBLED), 0);
	frag4(f, 5, a, 16, n - 16, 0, 2 * SEC);
	assert_int_equal(ctr(f, DC_FRAG_REASSEMBLED), 1);
	reasm_finish(f->r);
	assert_int_equal(reasm_memory(f->r) > 0, 1);
	size_t empty = reasm_memory(f->r);
	struct fx *g = fx_new(&cfg);
	assert_int_equal(reasm_memory(g->r), empty); /* all of it came back */
	fx_free(g);
	fx_free(f);
}

/* Fragments of one sender are not joined to another's. */
static void test_other_mac(void **state)
{
	(void)state;
	uint8_t a[64];
	size_t n = udp_dgram(a, 7, 8, 40, 4);
	struct fx *f = fx_new(NULL);
	uint8_t fr[2][14 + 20 + 64];
	size_t len[2];
	for (int k = 0; k < 2; k++) {
		uint8_t *b = fr[k];
		size_t off = k ? 24 : 0, dl = k ? n - 24 : 24;
		memcpy(b, (uint8_t[]){ 0, 1, 2, 3, 4, 5, 0x02, 0, 0, 0, 0, (uint8_t)(k + 1), 0x08, 0 }, 14);
		uint8_t *h = b + 14;
		memset(h, 0, 20);
		h[0] = 0x45;
		h[3] = (uint8_t)(20 + dl);
		h[5] = 42;
		h[6] = k ? 0 : 0x20;
		h[7] = (uint8_t)(off / 8);
		h[8] = 64;
		h[9] = 17;
		memcpy(h + 12, SRC4, 4);
		memcpy(h + 16, DST4, 4);
		memcpy(h + 20, a + off, dl);
		len[k] = 14 + 20 + dl;
	}
	for (int k = 0; k < 2; k++) {
		struct pkt p;
		decode_packet(&f->dec, 1, fr[k], len[k], (uint32_t)len[k], &p);
		reasm_packet(f->r, &p, SEC);
	}
	assert_int_equal(ctr(f, DC_FRAG_REASSEMBLED), 0);
	reasm_finish(f->r);
	assert_int_equal(ctr(f, DC_FRAG_UNFINISHED), 2);
	/* the dropped first one still carries its MAC and ports */
	assert_int_equal(outs[0].p.has_mac, 1);
	assert_int_equal(outs[0].p.mac_src[5], 1);
	assert_int_equal(outs[0].p.sport, 7);
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_order_and_reversed),
		cmocka_unit_test(test_whole_packets_pass),
		cmocka_unit_test(test_overlap),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_ends),
		cmocka_unit_test(test_timeouts),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_snap_length),
		cmocka_unit_test(test_memory_cap),
		cmocka_unit_test(test_datagram_cap),
		cmocka_unit_test(test_other_mac),
	};
	return cmocka_run_group_tests_name("reasm", tests, NULL, NULL);
}
