/* test_decode_l4.c - TCP, UDP, ICMP, ICMPv6, every cut of an
 * Ethernet/IPv4/TCP frame, and Neighbor Discovery (app_ndp). */
#include "testutil.h"

#include <stdlib.h>

#include "decode/app.h"
#include "decode/decode.h"

#define DLT_EN10MB_ 1
#define DLT_RAW_ 12

static const uint8_t MAC_DST[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
static const uint8_t MAC_SRC[6] = { 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb };
static const uint8_t DEV_MAC[6] = { 0x78, 0x11, 0xdc, 0x01, 0x02, 0x03 };
static const uint8_t IP6_SRC[16] = { 0xfe, 0x80, [8] = 0x7a, [15] = 0x03 };
static const uint8_t IP6_DST[16] = { 0xff, 0x02, [15] = 0x01 };
static const uint8_t TARGET[16] = { 0xfd, 0x00, [14] = 0xbe, [15] = 0xef };

static int dec(struct dec_ctx *ctx, int dlt, const struct buf *b, struct pkt *out, uint8_t **h)
{
	*h = heap(b->b, b->n);
	return decode_packet(ctx, dlt, *h, b->n, (uint32_t)b->n, out);
}

static void ip4(struct buf *b, unsigned total, unsigned proto)
{
	put(b, (uint8_t[]){ 0x45, 0, total >> 8, total & 0xff, 0, 1, 0x40, 0, 64, proto, 0, 0,
			    192, 168, 1, 20, 52, 1, 2, 3 }, 20);
}

static void ip6(struct buf *b, unsigned plen, unsigned nh)
{
	put(b, (uint8_t[]){ 0x60, 0, 0, 0, plen >> 8, plen & 0xff, nh, 255 }, 8);
	put(b, IP6_SRC, 16);
	put(b, IP6_DST, 16);
}

/* The full Ethernet/IPv4/TCP frame: SYN+ACK with MSS, SACK-permitted,
 * timestamps, NOP, window scale (20 bytes of options), and 5 bytes data. */
static void eth_ip4_tcp(struct buf *b)
{
	put(b, MAC_DST, 6);
	put(b, MAC_SRC, 6);
	put16(b, 0x0800);
	ip4(b, 20 + 40 + 5, 6);
	put16(b, 443);
	put16(b, 50123);
	put32(b, 0x01020304);
	put32(b, 0xa0b0c0d0);
	put8(b, 10 << 4); /* data offset: 10 words */
	put8(b, TCP_SYN | TCP_ACK | TCP_PSH);
	put16(b, 65535);
	put16(b, 0);
	put16(b, 0);
	put(b, (uint8_t[]){ 2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7 }, 20);
	put(b, "hello", 5);
}

/* ---- TCP ----------------------------------------------------------------- */

static void test_tcp_options(void **state)
{
	(void)state;
	struct dec_ctx ctx = { 0 };
	struct pkt p;
	uint8_t *h;
	struct buf b = { .n = 0 };
	eth_ip4_tcp(&b);
	assert_int_equal(dec(&ctx, DLT_EN10MB_, &b, &p, &h), DEC_OK);
	assert_int_equal(p.l3, L3_IPV4);
	assert_int_equal(p.l4proto, 6);
	assert_int_equal(p.ip_len, 65);
	assert_int_equal(p.has_l4, 1);
	assert_int_equal(p.sport, 443);
	assert_int_equal(p.dport, 50123);
	assert_int_equal(p.tcp_seq, 0x01020304);
	assert_int_equal(p.tcp_ack, 0xa0b0c0d0);
	assert_int_equal(p.tcp_flags, TCP_SYN | TCP_ACK | TCP_PSH);
	assert_int_equal(p.icmp_type, 0);
	assert_ptr_equal(p.payload, h + 14 + 20 + 40);
	assert_int_equal(p.payload_len, 5);
	assert_memory_equal(p.payload, "hello", 5);
	for (int i = 0; i < DC__COUNT; i++)
		assert_int_equal(ctx.stats.n[i], 0);
	free(h);
}

static void test_tcp_bad_offset(void **state)
{
	(void)state;
	struct dec_ctx ctx = { 0 };
	struct pkt p;
	uint8_t *h;
	struct buf b = { .n = 0 };
	eth_ip4_tcp(&b);
	const size_t off = 14 + 20 + 12;

	b.b[off] = 4 << 4; /* 16 bytes: below the minimum */
	assert_int_equal(dec(&ctx, DLT_EN10MB_, &b, &p, &h), DEC_E_BADLEN);
	assert_int_equal(ctx.stats.n[DC_TCP_BAD], 1);
	assert_int_equal(p.l3, L3_IPV4); /* IP kept */
	assert_int_equal(p.l4proto, 6);
	assert_int_equal(p.has_l4, 0);
	assert_null(p.payload);
	free(h);

	b.b[off] = 15 << 4; /* 60 bytes: more than the 45 the segment has */
	assert_int_equal(dec(&ctx, DLT_EN10MB_, &b, &p, &h), DEC_E_TRUNC);
	assert_int_equal(ctx.stats.n[DC_TCP_BAD], 2);
	assert_int_equal(p.has_l4, 0);
	free(h);

	b.b[off] = 5 << 4; /* options become payload */
	assert_int_equal(dec(&ctx, DLT_EN10MB_, &b, &p, &h), DEC_OK);
	assert_int_equal(p.payload_len, 25);
	free(h);

	/* the IP total length, not the capture, bounds the data offset */
	b.b[off] = 10 << 4;
	b.b[14 + 3] = 20 + 36;
	assert_int_equal(dec(&ctx, DLT_EN10MB_, &b, &p, &h), DEC_E_TRUNC);
	assert_int_equal(ctx.stats.n[DC_TCP_BAD], 3);
	free(h);
}

/* Every cut of the full frame, from an exact-size heap copy: ASan reports
 * any read past len. Each cut inside a header fails with TRUNC; from the end
 * of the TCP header on, it decodes with the data it has. */
static void test_every_cut(void **state)
{
	(void)state;
	struct buf b = { .n = 0 };
	eth_ip4_tcp(&b);
	const size_t hdrs = 14 + 20 + 40;
	for (size_t len = 0; len <= b.n; len++) {
		struct dec_ctx ctx = { 0 };
		struct pkt p;
		uint8_t *h = heap(b.b, len);
		int r = decode_packet(&ctx, DLT_EN10MB_, h, len, (uint32_t)b.n, &p);
		assert_int_equal(p.caplen, len);
		assert_int_equal(p.wirelen, b.n);
		if (len < hdrs) {
			assert_int_equal(r, DEC_E_TRUNC);
			assert_int_equal(p.has_l4, 0);
			uint64_t which = len < 14 ? ctx.stats.n[DC_LINK_TRUNC]
				       : len < 34 ? ctx.stats.n[DC_IP4_TRUNC]
						  : ctx.stats.n[DC_TCP_BAD];
			assert_int_equal(which, 1);
			assert_int_equal(p.has_mac, len >= 14);
			assert_int_equal(p.l3, len >= 34 ? L3_IPV4 : L3_NONE);
		} else {
			assert_int_equal(r, DEC_OK);
			assert_int_equal(p.has_l4, 1);
			assert_ptr_equal(p.payload, h + hdrs);
			assert_int_equal(p.payload_len, len - hdrs);
		}
		free(h);
	}
}

/* ---- UDP ----------------------------------------------------------------- */

static void test_udp_lengths(void **state)
{
	(void)state;
	struct dec_ctx ctx = { 0 };
	struct pkt p;
	uint8_t *h;
	struct buf b = { .n = 0 };
	ip4(&b, 20 + 8 + 6, 17);
	put(&b, (uint8_t[]){ 0x00, 0x7b, 0x00, 0x7b, 0, 14, 0, 0 }, 8);
	put(&b, "ntp123", 6);

	assert_int_equal(dec(&ctx, DLT_RAW_, &b, &p, &h), DEC_OK);
	assert_int_equal(p.l4proto, 17);
	assert_int_equal(p.has_l4, 1);
	assert_int_equal(p.sport, 123);
	assert_int_equal(p.dport, 123);
	assert_int_equal(p.tcp_seq, 0);
	assert_ptr_equal(p.payload, h + 28);
	assert_int_equal(p.payload_len, 6);
	free(h);

	b.b[25] = 7; /* below the 8-byte header */
	assert_int_equal(dec(&ctx, DLT_RAW_, &b, &p, &h), DEC_E_BADLEN);
	assert_int_equal(ctx.stats.n[DC_UDP_BAD], 1);
	assert_int_equal(p.has_l4, 0);
	assert_int_equal(p.l3, L3_IPV4);
	free(h);

	b.b[25] = 0;
	assert_int_equal(dec(&ctx, DLT_RAW_, &b, &p, &h), DEC_E_BADLEN);
	assert_int_equal(ctx.stats.n[DC_UDP_BAD], 2);
	free(h);

	b.b[25] = 200; /* longer than what is there: take what is there */
	assert_int_equal(dec(&ctx, DLT_RAW_, &b, &p, &h), DEC_OK);
	assert_int_equal(p.payload_len, 6);
	free(h);

	b.b[25] = 8 + 2; /* shorter: the rest is not UDP data */
	assert_int_equal(dec(&ctx, DLT_RAW_, &b, &p, &h), DEC_OK);
	assert_int_equal(p.payload_len, 2);
	free(h);

	b.n = 20 + 7;
	b.b[3] = 27;
	assert_int_equal(dec(&ctx, DLT_RAW_, &b, &p, &h), DEC_E_TRUNC);
	assert_int_equal(ctx.stats.n[DC_UDP_BAD], 3);
	free(h);
}

/* ---- ICMP / ICMPv6 ------------------------------------------------------- */

static void test_icmp(void **state)
{
	(void)state;
	struct dec_ctx ctx = { 0 };
	struct pkt p;
	uint8_t *h;
	struct buf b = { .n = 0 };
	ip4(&b, 20 + 8 + 4, 1);
	put(&b, (uint8_t[]){ 8, 0, 0xf7, 0xff, 0x12, 0x34, 0, 1, 'p', 'i', 'n', 'g' }, 12);
	assert_int_equal(dec(&ctx, DLT_RAW_, &b, &p, &h), DEC_OK);
	assert_int_equal(p.l4proto, 1);
	assert_int_equal(p.has_l4, 1);
	assert_int_equal(p.icmp_type, 8);
	assert_int_equal(p.icmp_code, 0);
	assert_int_equal(p.sport, 0);
	assert_int_equal(p.dport, 0);
	/* the payload starts after type/code/checksum: id and seq come first */
	assert_ptr_equal(p.payload, h + 24);
	assert_int_equal(p.payload_len, 8);
	free(h);

	b.n = 23;
	b.b[3] = 23;
	assert_int_equal(dec(&ctx, DLT_RAW_, &b, &p, &h), DEC_E_TRUNC);
	assert_int_equal(ctx.stats.n[DC_ICMP_BAD], 1);
	assert_int_equal(p.has_l4, 0);
	free(h);
}

/* Neighbor Advertisement for TARGET with a TLLA option (RFC 4861 4.4). */
static void na(struct buf *b, unsigned opt_len_units)
{
	put(b, (uint8_t[]){ 136, 0, 0x12, 0x34, 0x60, 0, 0, 0 }, 8); /* S, O flags */
	put(b, TARGET, 16);
	put8(b, 2);
	put8(b, opt_len_units);
	put(b, DEV_MAC, 6);
}

static void test_icmpv6_na(void **state)
{
	(void)state;
	struct dec_ctx ctx = { 0 };
	struct pkt p;
	uint8_t *h;
	struct buf b = { .n = 0 };
	put(&b, MAC_DST, 6);
	put(&b, DEV_MAC, 6);
	put16(&b, 0x86dd);
	ip6(&b, 32, 58);
	na(&b, 1);
	assert_int_equal(dec(&ctx, DLT_EN10MB_, &b, &p, &h), DEC_OK);
	assert_int_equal(p.l3, L3_IPV6);
	assert_int_equal(p.l4proto, 58);
	assert_int_equal(p.has_l4, 1);
	assert_int_equal(p.icmp_type, 136);
	assert_int_equal(p.icmp_code, 0);
	assert_int_equal(p.sport, 0);
	assert_ptr_equal(p.payload, h + 14 + 40 + 4);
	assert_int_equal(p.payload_len, 28);

	/* app_ndp takes the whole ICMPv6 message, from the type byte */
	struct tu_sink s;
	tu_sink_init(&s);
	assert_int_equal(app_ndp(h + 14 + 40, 32, &s.sink), DEC_OK);
	assert_int_equal(s.n, 1);
	const struct tu_obs *o = tu_find(&s, OBS_ND_ADDR);
	assert_non_null(o);
	assert_memory_equal(o->addr.b, TARGET, 16);
	assert_memory_equal(o->mac, DEV_MAC, 6);
	assert_int_equal(o->num, 136);
	free(h);

	b.n = 14 + 40 + 3;
	assert_int_equal(dec(&ctx, DLT_EN10MB_, &b, &p, &h), DEC_E_TRUNC);
	assert_int_equal(ctx.stats.n[DC_ICMP_BAD], 1);
	free(h);
}

/* ---- Neighbor Discovery -------------------------------------------------- */

static int ndp(const struct buf *b, struct tu_sink *s)
{
	tu_sink_init(s);
	uint8_t *h = heap(b->b, b->n);
	int r = app_ndp(h, b->n, &s->sink);
	free(h);
	return r;
}

static void test_ndp_sender_options(void **state)
{
	(void)state;
	struct tu_sink s;
	struct buf b = { .n = 0 };

	/* NS for TARGET with a SLLA: the sender's MAC, address left zero */
	put(&b, (uint8_t[]){ 135, 0, 0, 0, 0, 0, 0, 0 }, 8);
	put(&b, TARGET, 16);
	put(&b, (uint8_t[]){ 1, 1 }, 2);
	put(&b, DEV_MAC, 6);
	assert_int_equal(ndp(&b, &s), DEC_OK);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.obs[0].kind, OBS_ND_ADDR);
	assert_true(addr_is_zero(&s.obs[0].addr));
	assert_memory_equal(s.obs[0].mac, DEV_MAC, 6);
	assert_int_equal(s.obs[0].num, 135);

	/* RA: 12-byte body, a prefix information option (32 bytes), SLLA, MTU */
	b.n = 0;
	put(&b, (uint8_t[]){ 134, 0, 0, 0, 64, 0xc0, 0x07, 0x08, 0, 0, 0, 0, 0, 0, 0, 0 }, 16);
	put(&b, (uint8_t[]){ 3, 4, 64, 0xc0 }, 4);
	for (int i = 0; i < 28; i++)
		put8(&b, 0);
	put(&b, (uint8_t[]){ 1, 1 }, 2);
	put(&b, MAC_SRC, 6);
	put(&b, (uint8_t[]){ 5, 1, 0, 0, 0, 0, 0x05, 0xdc }, 8);
	assert_int_equal(ndp(&b, &s), DEC_OK);
	assert_int_equal(s.n, 1);
	assert_memory_equal(s.obs[0].mac, MAC_SRC, 6);
	assert_true(addr_is_zero(&s.obs[0].addr));
	assert_int_equal(s.obs[0].num, 134);

	/* RS without options: nothing to say */
	b.n = 0;
	put(&b, (uint8_t[]){ 133, 0, 0, 0, 0, 0, 0, 0 }, 8);
	assert_int_equal(ndp(&b, &s), DEC_OK);
	assert_int_equal(s.n, 0);

	/* an NS carrying a TLLA (wrong option for NS) says nothing */
	b.n = 0;
	put(&b, (uint8_t[]){ 135, 0, 0, 0, 0, 0, 0, 0 }, 8);
	put(&b, TARGET, 16);
	put(&b, (uint8_t[]){ 2, 1 }, 2);
	put(&b, DEV_MAC, 6);
	assert_int_equal(ndp(&b, &s), DEC_OK);
	assert_int_equal(s.n, 0);
}

static void test_ndp_malformed(void **state)
{
	(void)state;
	struct tu_sink s;
	struct buf b = { .n = 0 };

	/* NA without a TLLA: nothing */
	put(&b, (uint8_t[]){ 136, 0, 0, 0, 0x20, 0, 0, 0 }, 8);
	put(&b, TARGET, 16);
	assert_int_equal(ndp(&b, &s), DEC_OK);
	assert_int_equal(s.n, 0);

	/* an option of length 0: the whole message is discarded (RFC 4861
	 * 4.6), even the valid TLLA before it */
	b.n = 0;
	na(&b, 1);
	put(&b, (uint8_t[]){ 14, 0, 0, 0, 0, 0, 0, 0 }, 8);
	assert_int_equal(ndp(&b, &s), DEC_E_MALFORMED);
	assert_int_equal(s.n, 0);
	b.n = 0;
	na(&b, 0);
	assert_int_equal(ndp(&b, &s), DEC_E_MALFORMED);
	assert_int_equal(s.n, 0);

	/* non-zero code */
	b.n = 0;
	na(&b, 1);
	b.b[1] = 1;
	assert_int_equal(ndp(&b, &s), DEC_E_MALFORMED);
	assert_int_equal(s.n, 0);

	/* a TLLA of 2 units is not an Ethernet address */
	b.n = 0;
	na(&b, 2);
	put(&b, (uint8_t[]){ 0, 0, 0, 0, 0, 0, 0, 0 }, 8);
	assert_int_equal(ndp(&b, &s), DEC_OK);
	assert_int_equal(s.n, 0);

	/* an option running past the end (snap length): what was seen counts */
	b.n = 0;
	na(&b, 1);
	put(&b, (uint8_t[]){ 14, 2, 0, 0 }, 4);
	assert_int_equal(ndp(&b, &s), DEC_E_TRUNC);
	assert_int_equal(s.n, 1);

	/* 33 nonce options: the cap stops the walk */
	b.n = 0;
	put(&b, (uint8_t[]){ 135, 0, 0, 0, 0, 0, 0, 0 }, 8);
	put(&b, TARGET, 16);
	for (int i = 0; i < 33; i++)
		put(&b, (uint8_t[]){ 14, 1, 1, 2, 3, 4, 5, 6 }, 8);
	assert_int_equal(ndp(&b, &s), DEC_E_DEPTH);
	assert_int_equal(s.n, 0);

	/* not Neighbor Discovery */
	b.n = 0;
	put(&b, (uint8_t[]){ 128, 0, 0, 0, 0, 1, 0, 1 }, 8);
	assert_int_equal(ndp(&b, &s), DEC_E_UNSUPP);

	/* every cut of an NA: never a read past the end, never a wrong MAC.
	 * Cut right after the target it is a valid NA without options. */
	b.n = 0;
	na(&b, 1);
	for (size_t len = 0; len <= b.n; len++) {
		struct buf c = b;
		c.n = len;
		int r = ndp(&c, &s);
		assert_int_equal(r, len == b.n || len == 24 ? DEC_OK : DEC_E_TRUNC);
		assert_int_equal(s.n, len == b.n ? 1 : 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp_options),
		cmocka_unit_test(test_tcp_bad_offset),
		cmocka_unit_test(test_every_cut),
		cmocka_unit_test(test_udp_lengths),
		cmocka_unit_test(test_icmp),
		cmocka_unit_test(test_icmpv6_na),
		cmocka_unit_test(test_ndp_sender_options),
		cmocka_unit_test(test_ndp_malformed),
	};
	return cmocka_run_group_tests_name("decode_l4", tests, NULL, NULL);
}
