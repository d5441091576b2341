/* test_decode_ip.c - ARP, IPv4 (options, padding, lengths, fragments) and
 * IPv6 (extension header chains, depth cap, fragments, jumbo length). */
#include "testutil.h"

#include <stdlib.h>

#include "decode/decode.h"

#define DLT_EN10MB_ 1
#define DLT_RAW_ 12

static const uint8_t MAC_DST[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
static const uint8_t MAC_SRC[6] = { 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb };
static const uint8_t IP4_SRC[4] = { 10, 0, 0, 7 };
static const uint8_t IP4_DST[4] = { 239, 255, 255, 250 };
static const uint8_t IP6_SRC[16] = { 0xfe, 0x80, [8] = 0x02, [15] = 0x42 };
static const uint8_t IP6_DST[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x99 };

static void eth(struct buf *b, unsigned type)
{
	put(b, MAC_DST, 6);
	put(b, MAC_SRC, 6);
	put16(b, type);
}

/* IPv4 header: ihl in words, options zero-filled (NOP would be 1; zero is
 * End of Option List, equally valid to skip). */
static void ip4(struct buf *b, unsigned ihl, unsigned total, unsigned frag, unsigned proto)
{
	put8(b, 0x40 | ihl);
	put8(b, 0);
	put16(b, total);
	put16(b, 0xbeef);
	put16(b, frag);
	put8(b, 17); /* TTL */
	put8(b, proto);
	put16(b, 0);
	put(b, IP4_SRC, 4);
	put(b, IP4_DST, 4);
	for (unsigned i = 5; i < ihl; i++)
		put(b, (uint8_t[]){ 1, 1, 1, 0 }, 4);
}

static void udp(struct buf *b, unsigned sport, unsigned dport, unsigned len)
{
	put16(b, sport);
	put16(b, dport);
	put16(b, len);
	put16(b, 0);
}

static void ip6(struct buf *b, unsigned plen, unsigned nh)
{
	put(b, (uint8_t[]){ 0x60, 0x0a, 0xbc, 0xde }, 4); /* TC 0, flow label */
	put16(b, plen);
	put8(b, nh);
	put8(b, 255);
	put(b, IP6_SRC, 16);
	put(b, IP6_DST, 16);
}

static int dec(struct dec_ctx *ctx, int dlt, const struct buf *b, struct pkt *out, uint8_t **h)
{
	*h = heap(b->b, b->n);
	return decode_packet(ctx, dlt, *h, b->n, (uint32_t)b->n, out);
}

static void assert_v4(const struct ip_addr *a, const uint8_t v4[4])
{
	struct ip_addr x;
	addr_from_v4(&x, v4);
	assert_true(addr_eq(a, &x));
}

static void assert_v6(const struct ip_addr *a, const uint8_t v6[16])
{
	assert_memory_equal(a->b, v6, 16);
}

/* Sum of the error counters (fragments are not errors). */
static uint64_t total_bad(const struct dec_ctx *ctx)
{
	uint64_t t = 0;
	for (int i = 0; i < DC__COUNT; i++)
		if (i != DC_IP4_FRAG && i != DC_IP6_FRAG)
			t += ctx->stats.n[i];
	return t;
}

/* ---- ARP ----------------------------------------------------------------- */

static void arp(struct buf *b, unsigned htype, unsigned op)
{
	put16(b, htype);
	put16(b, 0x0800);
	put8(b, 6);
	put8(b, 4);
	put16(b, op);
	put(b, MAC_SRC, 6);
	put(b, IP4_SRC, 4);
	put(b, op == 1 ? (const uint8_t[6]){ 0 } : MAC_DST, 6);
	put(b, (uint8_t[]){ 10, 0, 0, 1 }, 4);
}

static void test_arp(void **state)
{
	(void)state;
	struct dec_ctx ctx = { 0 };
	struct pkt p;
	uint8_t *h;
	for (unsigned op = 1; op <= 2; op++) {
		struct buf b = { .n = 0 };
		eth(&b, 0x0806);
		arp(&b, 1, op);
		while (b.n < 60)
			put8(&b, 0); /* Ethernet padding */
		assert_int_equal(dec(&ctx, DLT_EN10MB_, &b, &p, &h), DEC_OK);
		assert_int_equal(p.l3, L3_ARP);
		assert_int_equal(p.ethertype, 0x0806);
		assert_int_equal(p.has_mac, 1);
		assert_int_equal(p.arp.op, op);
		assert_memory_equal(p.arp.sha, MAC_SRC, 6);
		assert_memory_equal(p.arp.spa, IP4_SRC, 4);
		if (op == 1)
			assert_true(mac_is_zero(p.arp.tha));
		else
			assert_memory_equal(p.arp.tha, MAC_DST, 6);
		assert_memory_equal(p.arp.tpa, ((uint8_t[]){ 10, 0, 0, 1 }), 4);
		assert_true(addr_is_zero(&p.src)); /* ARP fills arp, not src/dst */
		assert_int_equal(p.has_l4, 0);
		assert_null(p.payload);
		free(h);
	}
	assert_int_equal(ctx.stats.n[DC_ARP_BAD], 0);

	/* RFC 1042 ARP in a SNAP frame says IEEE 802 (htype 6): same MACs */
	struct buf b = { .n = 0 };
	eth(&b, 8 + 28);
	put(&b, (uint8_t[]){ 0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x06 }, 8);
	arp(&b, 6, 1);
	assert_int_equal(dec(&ctx, DLT_EN10MB_, &b, &p, &h), DEC_OK);
	assert_int_equal(p.l3, L3_ARP);
	assert_int_equal(p.arp.op, 1);
	assert_memory_equal(p.arp.sha, MAC_SRC, 6);
	free(h);

	/* not a MAC (htype 32, InfiniBand) */
	b.n = 0;
	eth(&b, 0x0806);
	arp(&b, 32, 1);
	assert_int_equal(dec(&ctx, DLT_EN10MB_, &b, &p, &h), DEC_E_UNSUPP);
	assert_int_equal(p.l3, L3_NONE);
	assert_int_equal(ctx.stats.n[DC_ARP_BAD], 1);
	free(h);

	/* every cut of a request is truncated */
	b.n = 0;
	arp(&b, 1, 1);
	for (size_t len = 0; len < b.n; len++) {
		struct pkt q;
		memset(&q, 0, sizeof q);
		uint8_t *x = heap(b.b, len);
		assert_int_equal(decode_arp(&ctx, x, len, &q), DEC_E_TRUNC);
		assert_int_equal(q.l3, L3_NONE);
		free(x);
	}
	assert_int_equal(ctx.stats.n[DC_ARP_BAD], 1 + 28);
}

/* ---- IPv4 ---------------------------------------------------------------- */

static void test_ipv4_options_and_padding(void **state)
{
	(void)state;
	struct dec_ctx ctx = { 0 };
	struct pkt p;
	uint8_t *h;

	/* IHL 7 (8 bytes of options), UDP with 4 bytes of data, then Ethernet
	 * padding up to 60 bytes that must not become payload */
	struct buf b = { .n = 0 };
	eth(&b, 0x0800);
	ip4(&b, 7, 28 + 8 + 4, 0, 17);
	udp(&b, 1900, 1900, 12);
	put(&b, "M-SE", 4);
	assert_true(b.n < 60);
	while (b.n < 60)
		put8(&b, 0xee);
	assert_int_equal(dec(&ctx, DLT_EN10MB_, &b, &p, &h), DEC_OK);
	assert_int_equal(p.l3, L3_IPV4);
	assert_int_equal(p.frag, FRAG_NONE);
	assert_int_equal(p.ttl, 17);
	assert_int_equal(p.l4proto, 17);
	assert_v4(&p.src, IP4_SRC);
	assert_v4(&p.dst, IP4_DST);
	assert_true(addr_is_v4(&p.src));
	assert_int_equal(p.ip_len, 40);
	assert_int_equal(p.has_l4, 1);
	assert_int_equal(p.sport, 1900);
	assert_int_equal(p.dport, 1900);
	assert_ptr_equal(p.payload, h + 14 + 28 + 8);
	assert_int_equal(p.payload_len, 4);
	assert_int_equal(total_bad(&ctx), 0);
	free(h);

	/* a bare TCP ACK is 54 bytes: the 6 bytes of padding have no length
	 * field above IP to stop them, only the IP total length */
	b.n = 0;
	eth(&b, 0x0800);
	ip4(&b, 5, 40, 0, 6);
	put(&b, (uint8_t[]){ 0x01, 0xbb, 0xc3, 0x50, 0, 0, 0, 1, 0, 0, 0, 2, 0x50, 0x10,
			     0xff, 0xff, 0, 0, 0, 0 }, 20);
	while (b.n < 60)
		put8(&b, 0xee);
	assert_int_equal(dec(&ctx, DLT_EN10MB_, &b, &p, &h), DEC_OK);
	assert_int_equal(p.has_l4, 1);
	assert_int_equal(p.tcp_flags, 0x10);
	assert_ptr_equal(p.payload, h + 54);
	assert_int_equal(p.payload_len, 0);
	free(h);

	/* the same behind IPv6, with a 4-byte FCS after it */
	b.n = 0;
	eth(&b, 0x86dd);
	ip6(&b, 20, 6);
	put(&b, (uint8_t[]){ 0x01, 0xbb, 0xc3, 0x50, 0, 0, 0, 1, 0, 0, 0, 2, 0x50, 0x10,
			     0xff, 0xff, 0, 0, 0, 0 }, 20);
	put(&b, (uint8_t[]){ 1, 2, 3, 4 }, 4);
	assert_int_equal(dec(&ctx, DLT_EN10MB_, &b, &p, &h), DEC_OK);
	assert_int_equal(p.has_l4, 1);
	assert_int_equal(p.payload_len, 0);
	free(h);

	/* padding after a UDP datagram with no data */
	b.n = 0;
	eth(&b, 0x0800);
	ip4(&b, 5, 28, 0, 17);
	udp(&b, 68, 67, 8);
	while (b.n < 60)
		put8(&b, 0xee);
	assert_int_equal(dec(&ctx, DLT_EN10MB_, &b, &p, &h), DEC_OK);
	assert_int_equal(p.has_l4, 1);
	assert_int_equal(p.payload_len, 0);
	free(h);
}

static void test_ipv4_bad_headers(void **state)
{
	(void)state;
	struct dec_ctx ctx = { 0 };
	struct pkt p;
	uint8_t *h;
	struct buf b = { .n = 0 };

	/* IHL 4: below the 20-byte minimum */
	eth(&b, 0x0800);
	ip4(&b, 5, 28, 0, 17);
	udp(&b, 1, 2, 8);
	b.b[14] = 0x44;
	assert_int_equal(dec(&ctx, DLT_EN10MB_, &b, &p, &h), DEC_E_BADLEN);
	assert_int_equal(ctx.stats.n[DC_IP4_BADHDR], 1);
	assert_int_equal(p.l3, L3_NONE);      /* nothing of IP kept */
	assert_int_equal(p.has_mac, 1);       /* Ethernet kept */
	assert_int_equal(p.ethertype, 0x0800);
	assert_true(addr_is_zero(&p.src));
	free(h);

	/* IHL 15 (60 bytes) in a 28-byte packet */
	b.b[14] = 0x4f;
	assert_int_equal(dec(&ctx, DLT_EN10MB_, &b, &p, &h), DEC_E_TRUNC);
	assert_int_equal(ctx.stats.n[DC_IP4_TRUNC], 1);
	free(h);

	/* version 6 behind ethertype 0x0800 */
	b.b[14] = 0x65;
	assert_int_equal(dec(&ctx, DLT_EN10MB_, &b, &p, &h), DEC_E_BADVER);
	assert_int_equal(ctx.stats.n[DC_IP4_BADHDR], 2);
	free(h);

	/* total length 19 < header */
	b.b[14] = 0x45;
	b.b[16] = 0;
	b.b[17] = 19;
	assert_int_equal(dec(&ctx, DLT_EN10MB_, &b, &p, &h), DEC_E_BADLEN);
	assert_int_equal(ctx.stats.n[DC_IP4_BADHDR], 3);
	free(h);

	/* total length 0: offloaded send, take the captured length */
	b.b[17] = 0;
	assert_int_equal(dec(&ctx, DLT_EN10MB_, &b, &p, &h), DEC_OK);
	assert_int_equal(p.ip_len, 28);
	assert_int_equal(p.has_l4, 1);
	free(h);

	/* total length beyond the capture (snap length): what is there */
	b.b[16] = 0x05;
	b.b[17] = 0xdc;
	b.b[38] = 0x05; /* UDP length 1480 */
	b.b[39] = 0xc8;
	put(&b, "abcdef", 6);
	assert_int_equal(dec(&ctx, DLT_EN10MB_, &b, &p, &h), DEC_OK);
	assert_int_equal(p.ip_len, 1500);
	assert_int_equal(p.payload_len, 6);
	assert_ptr_equal(p.payload, h + 42);
	free(h);

	/* shorter than 20 bytes */
	b.n = 14 + 19;
	assert_int_equal(dec(&ctx, DLT_EN10MB_, &b, &p, &h), DEC_E_TRUNC);
	assert_int_equal(ctx.stats.n[DC_IP4_TRUNC], 2);
	free(h);
}

static void test_ipv4_fragments(void **state)
{
	(void)state;
	struct dec_ctx ctx = { 0 };
	struct pkt p;
	uint8_t *h;

	/* first fragment: MF, offset 0; decoded to the IP layer only (the
	 * UDP header is read when the datagram is whole, reasm/), its data
	 * handed over with its place, with options skipped and padding cut */
	struct buf b = { .n = 0 };
	ip4(&b, 6, 24 + 8 + 16, 0x2000, 17);
	udp(&b, 5353, 5353, 3000);
	put(&b, "0123456789abcdef", 16);
	put(&b, "pad", 3);
	assert_int_equal(dec(&ctx, DLT_RAW_, &b, &p, &h), DEC_OK);
	assert_int_equal(p.frag, FRAG_FIRST);
	assert_int_equal(ctx.stats.n[DC_IP4_FRAG], 1);
	assert_int_equal(p.has_l4, 0);
	assert_null(p.payload);
	assert_int_equal(p.frag_more, 1);
	assert_int_equal(p.frag_off, 0);
	assert_int_equal(p.frag_id, 0xbeef);
	assert_int_equal(p.frag_proto, 17);
	assert_int_equal(p.frag_len, 24);
	assert_int_equal(p.frag_caplen, 24);
	assert_ptr_equal(p.frag_data, h + 24);
	free(h);

	/* cut short by a snap length: the data said and the data there */
	b.n -= 3 + 10;
	assert_int_equal(dec(&ctx, DLT_RAW_, &b, &p, &h), DEC_OK);
	assert_int_equal(p.frag_len, 24);
	assert_int_equal(p.frag_caplen, 14);
	free(h);

	/* later fragment: offset 185 (1480 bytes), DF clear, the last */
	b.n = 0;
	ip4(&b, 5, 20 + 16, 185, 17);
	put(&b, "0123456789abcdef", 16);
	assert_int_equal(dec(&ctx, DLT_RAW_, &b, &p, &h), DEC_OK);
	assert_int_equal(p.frag, FRAG_LATER);
	assert_int_equal(ctx.stats.n[DC_IP4_FRAG], 3);
	assert_int_equal(p.l3, L3_IPV4);
	assert_int_equal(p.l4proto, 17);
	assert_int_equal(p.has_l4, 0);
	assert_int_equal(p.sport, 0);
	assert_null(p.payload);
	assert_int_equal(p.payload_len, 0);
	assert_int_equal(p.frag_more, 0);
	assert_int_equal(p.frag_off, 1480);
	assert_int_equal(p.frag_len, 16);
	assert_ptr_equal(p.frag_data, h + 20);
	free(h);

	/* DF alone is not a fragment */
	b.n = 0;
	ip4(&b, 5, 28, 0x4000, 17);
	udp(&b, 1, 2, 8);
	assert_int_equal(dec(&ctx, DLT_RAW_, &b, &p, &h), DEC_OK);
	assert_int_equal(p.frag, FRAG_NONE);
	assert_int_equal(ctx.stats.n[DC_IP4_FRAG], 3);
	free(h);

	/* a protocol without a decoder: addresses only */
	b.n = 0;
	ip4(&b, 6, 24 + 8, 0, 2); /* IGMP with Router Alert option */
	put(&b, (uint8_t[]){ 0x16, 0, 0, 0, 239, 1, 2, 3 }, 8);
	assert_int_equal(dec(&ctx, DLT_RAW_, &b, &p, &h), DEC_OK);
	assert_int_equal(p.l3, L3_IPV4);
	assert_int_equal(p.l4proto, 2);
	assert_int_equal(p.has_l4, 0);
	assert_null(p.payload);
	free(h);
}

/* ---- IPv6 ---------------------------------------------------------------- */

static void test_ipv6_basic(void **state)
{
	(void)state;
	struct dec_ctx ctx = { 0 };
	struct pkt p;
	uint8_t *h;
	struct buf b = { .n = 0 };
	eth(&b, 0x86dd);
	ip6(&b, 8 + 3, 17);
	udp(&b, 5353, 5353, 11);
	put(&b, "abc", 3);
	put(&b, (uint8_t[]){ 0xfc, 0xfc, 0xfc, 0xfc }, 4); /* FCS / padding */
	assert_int_equal(dec(&ctx, DLT_EN10MB_, &b, &p, &h), DEC_OK);
	assert_int_equal(p.l3, L3_IPV6);
	assert_int_equal(p.ethertype, 0x86dd);
	assert_int_equal(p.frag, FRAG_NONE);
	assert_int_equal(p.ttl, 255);
	assert_int_equal(p.l4proto, 17);
	assert_v6(&p.src, IP6_SRC);
	assert_v6(&p.dst, IP6_DST);
	assert_int_equal(p.ip_len, 40 + 11);
	assert_int_equal(p.has_l4, 1);
	assert_int_equal(p.sport, 5353);
	assert_int_equal(p.dport, 5353);
	assert_ptr_equal(p.payload, h + 14 + 48);
	assert_int_equal(p.payload_len, 3);
	free(h);

	/* payload length 0 (jumbogram / offload): the captured length */
	b.b[18] = 0;
	b.b[19] = 0;
	assert_int_equal(dec(&ctx, DLT_EN10MB_, &b, &p, &h), DEC_OK);
	assert_int_equal(p.ip_len, 40 + 11 + 4);
	assert_int_equal(p.payload_len, 3); /* the UDP length still bounds it */
	free(h);

	/* version 4 behind ethertype 0x86dd */
	b.b[14] = 0x40;
	assert_int_equal(dec(&ctx, DLT_EN10MB_, &b, &p, &h), DEC_E_BADVER);
	assert_int_equal(ctx.stats.n[DC_IP6_BADHDR], 1);
	assert_int_equal(p.l3, L3_NONE);
	free(h);

	b.n = 14 + 39;
	assert_int_equal(dec(&ctx, DLT_EN10MB_, &b, &p, &h), DEC_E_TRUNC);
	assert_int_equal(ctx.stats.n[DC_IP6_TRUNC], 1);
	free(h);
}

/* Extension header of the 8-octet-unit kind: next, len, then filler. */
static void ext(struct buf *b, unsigned next, unsigned units)
{
	put8(b, next);
	put8(b, units);
	for (unsigned i = 0; i < 6 + units * 8; i++)
		put8(b, i == 0 ? 1 : 0); /* PadN-ish filler */
}

static void test_ipv6_ext_chain(void **state)
{
	(void)state;
	struct dec_ctx ctx = { 0 };
	struct pkt p;
	uint8_t *h;

	/* hop-by-hop (8) -> destination options (16) -> routing (24) ->
	 * fragment (8, offset 0, M=1) -> AH (len 4: 24 bytes) -> UDP */
	struct buf b = { .n = 0 };
	ip6(&b, 8 + 16 + 24 + 8 + 24 + 8 + 2, 0);
	ext(&b, 60, 0);
	ext(&b, 43, 1);
	ext(&b, 44, 2);
	put(&b, (uint8_t[]){ 51, 0, 0x00, 0x01, 0xde, 0xad, 0xbe, 0xef }, 8);
	put8(&b, 17);
	put8(&b, 4);
	for (int i = 0; i < 22; i++)
		put8(&b, 0xa5);
	udp(&b, 500, 4500, 10);
	put(&b, "hi", 2);
	assert_int_equal(dec(&ctx, DLT_RAW_, &b, &p, &h), DEC_OK);
	assert_int_equal(p.l3, L3_IPV6);
	assert_int_equal(p.frag, FRAG_FIRST);
	assert_int_equal(ctx.stats.n[DC_IP6_FRAG], 1);
	/* decoding stops at the Fragment header: what follows (AH, UDP) is
	 * the fragment's data */
	assert_int_equal(p.l4proto, 51);
	assert_int_equal(p.has_l4, 0);
	assert_int_equal(p.frag_proto, 51);
	assert_int_equal(p.frag_more, 1);
	assert_int_equal(p.frag_off, 0);
	assert_int_equal(p.frag_id, 0xdeadbeef);
	assert_ptr_equal(p.frag_data, h + 40 + 56);
	assert_int_equal(p.frag_len, 24 + 8 + 2);
	assert_int_equal(p.frag_caplen, 24 + 8 + 2);
	free(h);

	/* every prefix of that chain before the Fragment header's end: never
	 * OK, never a read past the end; after it, a fragment cut short */
	for (size_t len = 0; len < 40 + 56; len++) {
		struct dec_ctx c2 = { 0 };
		uint8_t *x = heap(b.b, len);
		assert_int_not_equal(decode_packet(&c2, DLT_RAW_, x, len, 0, &p), DEC_OK);
		free(x);
	}
	for (size_t len = 40 + 56; len < b.n; len++) {
		struct dec_ctx c2 = { 0 };
		uint8_t *x = heap(b.b, len);
		assert_int_equal(decode_packet(&c2, DLT_RAW_, x, len, 0, &p), DEC_OK);
		assert_int_equal(p.frag_len, 24 + 8 + 2);
		assert_int_equal(p.frag_caplen, len - 40 - 56);
		free(x);
	}

	/* a later fragment: stop at the fragment header */
	b.n = 0;
	ip6(&b, 8 + 8 + 4, 0);
	ext(&b, 44, 0);
	put(&b, (uint8_t[]){ 17, 0, 0x05, 0xc9, 1, 2, 3, 4 }, 8); /* offset 185, M */
	put(&b, "data", 4);
	assert_int_equal(dec(&ctx, DLT_RAW_, &b, &p, &h), DEC_OK);
	assert_int_equal(p.frag, FRAG_LATER);
	assert_int_equal(ctx.stats.n[DC_IP6_FRAG], 2);
	assert_int_equal(p.l4proto, 17);
	assert_int_equal(p.has_l4, 0);
	assert_null(p.payload);
	assert_int_equal(p.frag_off, 1480);
	assert_int_equal(p.frag_more, 1);
	assert_int_equal(p.frag_id, 0x01020304);
	assert_int_equal(p.frag_len, 4);
	assert_memory_equal(p.frag_data, "data", 4);
	free(h);

	/* an atomic fragment (offset 0, M 0, RFC 6946) is a whole packet */
	b.n = 0;
	ip6(&b, 8 + 8, 44);
	put(&b, (uint8_t[]){ 17, 0, 0, 0, 1, 2, 3, 4 }, 8);
	udp(&b, 7, 9, 8);
	assert_int_equal(dec(&ctx, DLT_RAW_, &b, &p, &h), DEC_OK);
	assert_int_equal(p.frag, FRAG_NONE);
	assert_int_equal(ctx.stats.n[DC_IP6_FRAG], 2);
	assert_int_equal(p.has_l4, 1);
	free(h);

	/* an extension header longer than the packet */
	b.n = 0;
	ip6(&b, 8, 60);
	put(&b, (uint8_t[]){ 17, 1, 0, 0, 0, 0, 0, 0 }, 8); /* says 16 bytes */
	assert_int_equal(dec(&ctx, DLT_RAW_, &b, &p, &h), DEC_E_TRUNC);
	assert_int_equal(ctx.stats.n[DC_IP6_TRUNC], 1);
	assert_int_equal(p.l3, L3_IPV6); /* the fixed header is kept */
	assert_v6(&p.src, IP6_SRC);
	assert_int_equal(p.has_l4, 0);
	free(h);

	/* no next header (59) */
	b.n = 0;
	ip6(&b, 0, 59);
	assert_int_equal(dec(&ctx, DLT_RAW_, &b, &p, &h), DEC_OK);
	assert_int_equal(p.l4proto, 59);
	assert_int_equal(p.has_l4, 0);
	free(h);
}

static void test_ipv6_ext_depth(void **state)
{
	(void)state;
	for (int n = PKT_MAX_IP6_EXT; n <= PKT_MAX_IP6_EXT + 1; n++) {
		struct dec_ctx ctx = { 0 };
		struct pkt p;
		uint8_t *h;
		struct buf b = { .n = 0 };
		ip6(&b, (unsigned)n * 8 + 8, 60);
		for (int i = 0; i < n; i++)
			ext(&b, i + 1 < n ? 60 : 17, 0);
		udp(&b, 1, 2, 8);
		int r = dec(&ctx, DLT_RAW_, &b, &p, &h);
		if (n == PKT_MAX_IP6_EXT) {
			assert_int_equal(r, DEC_OK);
			assert_int_equal(p.has_l4, 1);
			assert_int_equal(p.dport, 2);
		} else {
			assert_int_equal(r, DEC_E_DEPTH);
			assert_int_equal(ctx.stats.n[DC_IP6_EXT_DEPTH], 1);
			assert_int_equal(p.l3, L3_IPV6);
			assert_int_equal(p.has_l4, 0);
		}
		free(h);
	}
}

/* ---- IP in IP -------------------------------------------------------------- */

static void test_tunnels(void **state)
{
	(void)state;
	struct dec_ctx ctx = { 0 };
	struct pkt p;
	uint8_t *h;
	struct buf b = { .n = 0 };
	/* 6in4: IPv4 proto 41, then IPv6/UDP */
	eth(&b, 0x0800);
	ip4(&b, 5, 20 + 40 + 8 + 3, 0, 41);
	ip6(&b, 8 + 3, 17);
	udp(&b, 40000, 53, 11);
	put(&b, "abc", 3);
	assert_int_equal(dec(&ctx, DLT_EN10MB_, &b, &p, &h), DEC_OK);
	assert_int_equal(p.l3, L3_IPV6);
	assert_int_equal(p.tunnels, 1);
	assert_v6(&p.src, IP6_SRC);
	assert_int_equal(p.dport, 53);
	assert_int_equal(p.payload_len, 3);
	assert_int_equal(ctx.stats.n[DC_TUNNEL], 1);
	free(h);
	/* 4in6 */
	b.n = 0;
	eth(&b, 0x86dd);
	ip6(&b, 20 + 8, 4);
	ip4(&b, 5, 20 + 8, 0, 17);
	udp(&b, 68, 67, 8);
	assert_int_equal(dec(&ctx, DLT_EN10MB_, &b, &p, &h), DEC_OK);
	assert_int_equal(p.l3, L3_IPV4);
	assert_v4(&p.src, IP4_SRC);
	assert_int_equal(p.sport, 68);
	free(h);
	/* IPIP nested three deep: refused at PKT_MAX_TUNNELS */
	b.n = 0;
	eth(&b, 0x0800);
	for (int i = 0; i < 4; i++)
		ip4(&b, 5, (unsigned)(20 * (4 - i) + 8), 0, i < 3 ? 4 : 17);
	udp(&b, 1, 2, 8);
	assert_int_equal(dec(&ctx, DLT_EN10MB_, &b, &p, &h), DEC_E_DEPTH);
	assert_int_equal(ctx.stats.n[DC_TUNNEL_DEPTH], 1);
	free(h);
	/* inner packet cut short */
	b.n = 0;
	eth(&b, 0x0800);
	ip4(&b, 5, 20 + 30, 0, 41);
	ip6(&b, 8, 17);
	b.n -= 10;
	b.b[16] = 0, b.b[17] = (uint8_t)(b.n - 14);
	assert_true(dec(&ctx, DLT_EN10MB_, &b, &p, &h) < 0);
	free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arp),
		cmocka_unit_test(test_ipv4_options_and_padding),
		cmocka_unit_test(test_ipv4_bad_headers),
		cmocka_unit_test(test_ipv4_fragments),
		cmocka_unit_test(test_ipv6_basic),
		cmocka_unit_test(test_ipv6_ext_chain),
		cmocka_unit_test(test_ipv6_ext_depth),
		cmocka_unit_test(test_tunnels),
	};
	return cmocka_run_group_tests_name("decode_ip", tests, NULL, NULL);
}
