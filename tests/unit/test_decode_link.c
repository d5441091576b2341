/* test_decode_link.c - link layers: the link-type table, Ethernet with VLAN
 * stacks and LLC/SNAP, Linux cooked v1/v2, BSD loopback in both byte orders,
 * raw IP, PPPoE and MPLS; and every prefix of valid frames under ASan. */
#include "testutil.h"

#include <stdlib.h>

#include "decode/decode.h"

#define DLT_NULL_ 0
#define DLT_EN10MB_ 1
#define DLT_RAW_ 12
#define DLT_LOOP_ 108
#define DLT_SLL_ 113
#define DLT_SLL2_ 276

/* ---- a small frame builder ---------------------------------------------- */

static const uint8_t MAC_DST[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
static const uint8_t MAC_SRC[6] = { 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb };
static const uint8_t IP4_SRC[4] = { 192, 168, 1, 10 };
static const uint8_t IP4_DST[4] = { 8, 8, 4, 4 };

static void eth(struct buf *b, unsigned type)
{
	put(b, MAC_DST, 6);
	put(b, MAC_SRC, 6);
	put16(b, type);
}

/* IPv4 (no options) + UDP 5353 -> 53 carrying "abc". 31 bytes. */
static void ip4_udp(struct buf *b)
{
	put(b, (uint8_t[]){ 0x45, 0, 0, 31, 0x12, 0x34, 0x40, 0, 64, 17, 0, 0 }, 12);
	put(b, IP4_SRC, 4);
	put(b, IP4_DST, 4);
	put(b, (uint8_t[]){ 0x14, 0xe9, 0, 53, 0, 11, 0, 0, 'a', 'b', 'c' }, 11);
}

/* IPv6 + UDP 546 -> 547 carrying "xy". 50 bytes. */
static void ip6_udp(struct buf *b)
{
	put(b, (uint8_t[]){ 0x60, 0, 0, 0, 0, 10, 17, 1 }, 8);
	put(b, (uint8_t[]){ 0xfe, 0x80, [15] = 1 }, 16);
	put(b, (uint8_t[]){ 0xff, 0x02, [13] = 1, [15] = 2 }, 16);
	put(b, (uint8_t[]){ 0x02, 0x22, 0x02, 0x23, 0, 10, 0, 0, 'x', 'y' }, 10);
}

/* Decode b from a fresh heap copy, kept in b->h until the next dec() or
 * the test's final free(b.h). */
static int dec(struct dec_ctx *ctx, int dlt, struct buf *b, struct pkt *out)
{
	free(b->h);
	b->h = heap(b->b, b->n);
	return decode_packet(ctx, dlt, b->h, b->n, (uint32_t)b->n + 4, out);
}

static void check_ip4_udp(const struct pkt *p, const uint8_t *ipstart)
{
	struct ip_addr a;
	assert_int_equal(p->l3, L3_IPV4);
	assert_int_equal(p->ethertype, 0x0800);
	assert_int_equal(p->frag, FRAG_NONE);
	assert_int_equal(p->ttl, 64);
	assert_int_equal(p->l4proto, 17);
	addr_from_v4(&a, IP4_SRC);
	assert_true(addr_eq(&p->src, &a));
	addr_from_v4(&a, IP4_DST);
	assert_true(addr_eq(&p->dst, &a));
	assert_int_equal(p->ip_len, 31);
	assert_int_equal(p->has_l4, 1);
	assert_int_equal(p->sport, 5353);
	assert_int_equal(p->dport, 53);
	assert_int_equal(p->tcp_flags, 0);
	assert_int_equal(p->payload_len, 3);
	assert_ptr_equal(p->payload, ipstart + 28);
	assert_memory_equal(p->payload, "abc", 3);
}

static void check_ip6_udp(const struct pkt *p, const uint8_t *ipstart)
{
	assert_int_equal(p->l3, L3_IPV6);
	assert_int_equal(p->ethertype, 0x86dd);
	assert_int_equal(p->ttl, 1);
	assert_int_equal(p->l4proto, 17);
	assert_int_equal(p->src.b[0], 0xfe);
	assert_int_equal(p->src.b[15], 1);
	assert_int_equal(p->dst.b[0], 0xff);
	assert_int_equal(p->dst.b[15], 2);
	assert_int_equal(p->ip_len, 50);
	assert_int_equal(p->has_l4, 1);
	assert_int_equal(p->sport, 546);
	assert_int_equal(p->dport, 547);
	assert_ptr_equal(p->payload, ipstart + 48);
	assert_int_equal(p->payload_len, 2);
}

static uint64_t total(const struct dec_ctx *ctx)
{
	uint64_t t = 0;
	for (int i = 0; i < DC__COUNT; i++)
		t += ctx->stats.n[i];
	return t;
}

/* ---- tests -------------------------------------------------------------- */

static void test_linktypes(void **state)
{
	(void)state;
	int ok[] = { 0, 1, 12, 14, 101, 108, 113, 228, 229, 276 };
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		assert_true(decode_linktype_supported(ok[i]));
		assert_string_not_equal(decode_linktype_name(ok[i]), "unknown");
	}
	assert_string_equal(decode_linktype_name(1), "EN10MB");
	assert_string_equal(decode_linktype_name(113), "LINUX_SLL");
	assert_false(decode_linktype_supported(127)); /* radiotap */
	assert_false(decode_linktype_supported(-1));
	assert_string_equal(decode_linktype_name(127), "unknown");

	struct dec_ctx ctx = { 0 };
	struct pkt p;
	uint8_t frame[20] = { 0 };
	memset(&p, 0xaa, sizeof p);
	assert_int_equal(decode_packet(&ctx, 127, frame, sizeof frame, 99, &p), DEC_E_UNSUPP);
	assert_int_equal(ctx.stats.n[DC_LINK_UNSUPP], 1);
	assert_int_equal(p.caplen, 20);
	assert_int_equal(p.wirelen, 99);
	assert_int_equal(p.l3, L3_NONE);
	assert_int_equal(p.has_mac, 0);
	assert_null(p.payload);
}

static void test_names(void **state)
{
	(void)state;
	for (int i = 0; i < DC__COUNT; i++)
		assert_string_not_equal(dec_counter_name((enum dec_counter)i), "?");
	assert_string_equal(dec_counter_name(DC__COUNT), "?");
	assert_string_equal(dec_counter_name(DC_IP4_BADHDR), "ipv4_bad_header");
	assert_string_equal(dec_counter_name(DC_LINK_TRUNC), "link_truncated");
	for (int s = DEC_E_MALFORMED; s <= DEC_OK; s++)
		assert_string_not_equal(dec_status_name(s), "?");
	assert_string_equal(dec_status_name(DEC_E_TRUNC), "truncated");
	assert_string_equal(dec_status_name(-99), "?");
}

static void test_ether_ipv4_udp(void **state)
{
	(void)state;
	struct dec_ctx ctx = { 0 };
	struct buf b = { .n = 0 };
	struct pkt p;
	eth(&b, 0x0800);
	ip4_udp(&b);
	memset(&p, 0x5a, sizeof p); /* decode_packet must zero it */
	assert_int_equal(dec(&ctx, DLT_EN10MB_, &b, &p), DEC_OK);
	assert_int_equal(p.caplen, 45);
	assert_int_equal(p.wirelen, 49);
	assert_int_equal(p.has_mac, 1);
	assert_int_equal(p.has_mac_dst, 1);
	assert_memory_equal(p.mac_src, MAC_SRC, 6);
	assert_memory_equal(p.mac_dst, MAC_DST, 6);
	assert_int_equal(p.n_vlan, 0);
	assert_int_equal(p.vlan[0], 0);
	check_ip4_udp(&p, b.h + 14);
	assert_int_equal(p.tcp_seq, 0);
	assert_int_equal(p.tcp_ack, 0);
	assert_int_equal(p.icmp_type, 0);
	assert_int_equal(p.icmp_code, 0);
	assert_int_equal(p.arp.op, 0);
	assert_int_equal(total(&ctx), 0);
	free(b.h);
}

static void test_ether_ipv6(void **state)
{
	(void)state;
	struct dec_ctx ctx = { 0 };
	struct buf b = { .n = 0 };
	struct pkt p;
	eth(&b, 0x86dd);
	ip6_udp(&b);
	assert_int_equal(dec(&ctx, DLT_EN10MB_, &b, &p), DEC_OK);
	assert_int_equal(p.has_mac, 1);
	check_ip6_udp(&p, b.h + 14);
	free(b.h);
}

static void test_vlan_stacks(void **state)
{
	(void)state;
	struct dec_ctx ctx = { 0 };
	struct pkt p;

	/* one 802.1Q tag, PCP 5 and DEI set: only the 12-bit VID is kept */
	struct buf b = { .n = 0 };
	eth(&b, 0x8100);
	put16(&b, 0xb000 | 100);
	put16(&b, 0x0800);
	ip4_udp(&b);
	assert_int_equal(dec(&ctx, DLT_EN10MB_, &b, &p), DEC_OK);
	assert_int_equal(p.n_vlan, 1);
	assert_int_equal(p.vlan[0], 100);
	assert_int_equal(p.ethertype, 0x0800);
	check_ip4_udp(&p, b.h + 18);

	/* QinQ: 802.1ad S-tag, then C-tag; and the old 0x9100 */
	b.n = 0;
	eth(&b, 0x88a8);
	put16(&b, 10);
	put16(&b, 0x9100);
	put16(&b, 20);
	put16(&b, 0x8100);
	put16(&b, 4095);
	put16(&b, 0x86dd);
	ip6_udp(&b);
	assert_int_equal(dec(&ctx, DLT_EN10MB_, &b, &p), DEC_OK);
	assert_int_equal(p.n_vlan, 3);
	assert_int_equal(p.vlan[0], 10);
	assert_int_equal(p.vlan[1], 20);
	assert_int_equal(p.vlan[2], 4095);
	check_ip6_udp(&p, b.h + 26);

	/* PKT_MAX_VLAN tags are fine, one more is too deep */
	for (int extra = 0; extra <= 1; extra++) {
		b.n = 0;
		eth(&b, 0x8100);
		for (int i = 0; i < PKT_MAX_VLAN + extra; i++) {
			put16(&b, (unsigned)i + 1);
			put16(&b, i + 1 < PKT_MAX_VLAN + extra ? 0x8100 : 0x0800);
		}
		ip4_udp(&b);
		memset(&ctx, 0, sizeof ctx);
		int r = dec(&ctx, DLT_EN10MB_, &b, &p);
		assert_int_equal(p.n_vlan, PKT_MAX_VLAN);
		assert_int_equal(p.vlan[PKT_MAX_VLAN - 1], PKT_MAX_VLAN);
		if (!extra) {
			assert_int_equal(r, DEC_OK);
			check_ip4_udp(&p, b.h + 14 + 4 * PKT_MAX_VLAN);
		} else {
			assert_int_equal(r, DEC_E_DEPTH);
			assert_int_equal(ctx.stats.n[DC_VLAN_DEPTH], 1);
			assert_int_equal(p.l3, L3_NONE);
			assert_int_equal(p.has_mac, 1); /* lower layer kept */
			assert_memory_equal(p.mac_src, MAC_SRC, 6);
		}
	}

	/* a tag cut in half */
	b.n = 0;
	eth(&b, 0x8100);
	put8(&b, 0);
	memset(&ctx, 0, sizeof ctx);
	assert_int_equal(dec(&ctx, DLT_EN10MB_, &b, &p), DEC_E_TRUNC);
	assert_int_equal(ctx.stats.n[DC_LINK_TRUNC], 1);
	free(b.h);
}

static void test_llc_snap(void **state)
{
	(void)state;
	struct dec_ctx ctx = { 0 };
	struct pkt p;

	/* 802.3 + LLC: spanning tree BPDU (42 42 03), padded to 60 bytes */
	struct buf b = { .n = 0 };
	eth(&b, 38);
	put(&b, (uint8_t[]){ 0x42, 0x42, 0x03 }, 3);
	while (b.n < 60)
		put8(&b, 0);
	assert_int_equal(dec(&ctx, DLT_EN10MB_, &b, &p), DEC_OK);
	assert_int_equal(p.l3, L3_OTHER);
	assert_int_equal(p.ethertype, 0);
	assert_int_equal(p.has_mac, 1);

	/* RFC 1042 SNAP carrying IPv4; the 802.3 length (8 + 31) cuts the
	 * trailing padding before IP sees it */
	b.n = 0;
	eth(&b, 8 + 31);
	put(&b, (uint8_t[]){ 0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00 }, 8);
	ip4_udp(&b);
	put(&b, (uint8_t[]){ 0xde, 0xad, 0xbe, 0xef }, 4);
	assert_int_equal(dec(&ctx, DLT_EN10MB_, &b, &p), DEC_OK);
	check_ip4_udp(&p, b.h + 22);

	/* SNAP with a vendor OUI (Cisco CDP) */
	b.n = 0;
	eth(&b, 10);
	put(&b, (uint8_t[]){ 0xaa, 0xaa, 0x03, 0, 0, 0x0c, 0x20, 0x00, 1, 2 }, 10);
	assert_int_equal(dec(&ctx, DLT_EN10MB_, &b, &p), DEC_OK);
	assert_int_equal(p.l3, L3_OTHER);

	/* SNAP header cut short */
	b.n = 0;
	eth(&b, 100);
	put(&b, (uint8_t[]){ 0xaa, 0xaa, 0x03, 0, 0 }, 5);
	assert_int_equal(dec(&ctx, DLT_EN10MB_, &b, &p), DEC_E_TRUNC);
	assert_int_equal(ctx.stats.n[DC_LINK_TRUNC], 1);

	/* an ethertype nobody decodes (LLDP) */
	b.n = 0;
	eth(&b, 0x88cc);
	put(&b, (uint8_t[]){ 2, 7, 4 }, 3);
	assert_int_equal(dec(&ctx, DLT_EN10MB_, &b, &p), DEC_OK);
	assert_int_equal(p.l3, L3_OTHER);
	assert_int_equal(p.ethertype, 0x88cc);
	assert_int_equal(p.has_l4, 0);

	/* shorter than the Ethernet header */
	b.n = 13;
	assert_int_equal(dec(&ctx, DLT_EN10MB_, &b, &p), DEC_E_TRUNC);
	assert_int_equal(p.has_mac, 0);
	assert_int_equal(ctx.stats.n[DC_LINK_TRUNC], 2);
	free(b.h);
}

static void sll_hdr(struct buf *b, unsigned hatype, unsigned alen, unsigned proto)
{
	put16(b, 0);      /* packet type: to us */
	put16(b, hatype); /* ARPHRD_ETHER */
	put16(b, alen);
	put(b, MAC_SRC, 6);
	put16(b, 0);      /* address padding to 8 */
	put16(b, proto);
}

static void test_sll(void **state)
{
	(void)state;
	struct dec_ctx ctx = { 0 };
	struct pkt p;

	struct buf b = { .n = 0 };
	sll_hdr(&b, 1, 6, 0x0800);
	ip4_udp(&b);
	assert_int_equal(dec(&ctx, DLT_SLL_, &b, &p), DEC_OK);
	assert_int_equal(p.has_mac, 1);
	assert_int_equal(p.has_mac_dst, 0);
	assert_memory_equal(p.mac_src, MAC_SRC, 6);
	assert_true(mac_is_zero(p.mac_dst));
	check_ip4_udp(&p, b.h + 16);

	/* a tunnel: no address */
	b.n = 0;
	sll_hdr(&b, 65534, 0, 0x86dd);
	ip6_udp(&b);
	assert_int_equal(dec(&ctx, DLT_SLL_, &b, &p), DEC_OK);
	assert_int_equal(p.has_mac, 0);
	check_ip6_udp(&p, b.h + 16);

	/* VLAN tag left in the frame */
	b.n = 0;
	sll_hdr(&b, 1, 6, 0x8100);
	put16(&b, 7);
	put16(&b, 0x0800);
	ip4_udp(&b);
	assert_int_equal(dec(&ctx, DLT_SLL_, &b, &p), DEC_OK);
	assert_int_equal(p.n_vlan, 1);
	assert_int_equal(p.vlan[0], 7);
	check_ip4_udp(&p, b.h + 20);

	/* ETH_P_802_2: an LLC frame (STP) */
	b.n = 0;
	sll_hdr(&b, 1, 6, 0x0004);
	put(&b, (uint8_t[]){ 0x42, 0x42, 0x03, 0, 0 }, 5);
	assert_int_equal(dec(&ctx, DLT_SLL_, &b, &p), DEC_OK);
	assert_int_equal(p.l3, L3_OTHER);

	b.n = 15;
	assert_int_equal(dec(&ctx, DLT_SLL_, &b, &p), DEC_E_TRUNC);
	assert_int_equal(ctx.stats.n[DC_LINK_TRUNC], 1);
	free(b.h);
}

static void test_sll2(void **state)
{
	(void)state;
	struct dec_ctx ctx = { 0 };
	struct pkt p;
	struct buf b = { .n = 0 };
	put16(&b, 0x86dd); /* protocol */
	put16(&b, 0);      /* reserved */
	put32(&b, 3);      /* interface index */
	put16(&b, 1);      /* ARPHRD_ETHER */
	put8(&b, 4);       /* outgoing */
	put8(&b, 6);
	put(&b, MAC_SRC, 6);
	put16(&b, 0);
	ip6_udp(&b);
	assert_int_equal(dec(&ctx, DLT_SLL2_, &b, &p), DEC_OK);
	assert_int_equal(p.has_mac, 1);
	assert_int_equal(p.has_mac_dst, 0);
	assert_memory_equal(p.mac_src, MAC_SRC, 6);
	check_ip6_udp(&p, b.h + 20);

	b.n = 19;
	assert_int_equal(dec(&ctx, DLT_SLL2_, &b, &p), DEC_E_TRUNC);
	free(b.h);
}

static void test_null_loop(void **state)
{
	(void)state;
	struct dec_ctx ctx = { 0 };
	struct pkt p;
	struct {
		int dlt;
		uint8_t fam[4];
		int v6;
	} cases[] = {
		{ DLT_NULL_, { 2, 0, 0, 0 }, 0 },   /* little-endian host */
		{ DLT_NULL_, { 0, 0, 0, 2 }, 0 },   /* big-endian host */
		{ DLT_NULL_, { 24, 0, 0, 0 }, 1 },  /* NetBSD/OpenBSD AF_INET6 */
		{ DLT_NULL_, { 0, 0, 0, 28 }, 1 },  /* FreeBSD, big-endian */
		{ DLT_NULL_, { 30, 0, 0, 0 }, 1 },  /* macOS */
		{ DLT_NULL_, { 10, 0, 0, 0 }, 1 },  /* Linux */
		{ DLT_LOOP_, { 0, 0, 0, 2 }, 0 },   /* always network order */
		{ DLT_LOOP_, { 0, 0, 0, 24 }, 1 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct buf b = { .n = 0 };
		put(&b, cases[i].fam, 4);
		if (cases[i].v6)
			ip6_udp(&b);
		else
			ip4_udp(&b);
		assert_int_equal(dec(&ctx, cases[i].dlt, &b, &p), DEC_OK);
		assert_int_equal(p.has_mac, 0);
		if (cases[i].v6)
			check_ip6_udp(&p, b.h + 4);
		else
			check_ip4_udp(&p, b.h + 4);
		free(b.h);
	}

	/* DLT_LOOP is not byte-order guessed; an unknown family is L3_OTHER */
	struct buf b = { .n = 0 };
	put(&b, (uint8_t[]){ 2, 0, 0, 0 }, 4);
	ip4_udp(&b);
	assert_int_equal(dec(&ctx, DLT_LOOP_, &b, &p), DEC_OK);
	assert_int_equal(p.l3, L3_OTHER);
	b.n = 0;
	put(&b, (uint8_t[]){ 7, 0, 0, 0 }, 4);
	assert_int_equal(dec(&ctx, DLT_NULL_, &b, &p), DEC_OK);
	assert_int_equal(p.l3, L3_OTHER);
	b.n = 3;
	assert_int_equal(dec(&ctx, DLT_NULL_, &b, &p), DEC_E_TRUNC);
	assert_int_equal(ctx.stats.n[DC_LINK_TRUNC], 1);
	free(b.h);
}

static void test_raw(void **state)
{
	(void)state;
	struct dec_ctx ctx = { 0 };
	struct pkt p;
	struct buf b4 = { .n = 0 }, b6 = { .n = 0 };
	ip4_udp(&b4);
	ip6_udp(&b6);
	int raw[] = { 12, 14, 101 };
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(dec(&ctx, raw[i], &b4, &p), DEC_OK);
		assert_int_equal(p.has_mac, 0);
		check_ip4_udp(&p, b4.h);
		assert_int_equal(dec(&ctx, raw[i], &b6, &p), DEC_OK);
		check_ip6_udp(&p, b6.h);
	}
	assert_int_equal(dec(&ctx, 228, &b4, &p), DEC_OK); /* DLT_IPV4 */
	check_ip4_udp(&p, b4.h);
	assert_int_equal(dec(&ctx, 229, &b6, &p), DEC_OK); /* DLT_IPV6 */
	check_ip6_udp(&p, b6.h);
	/* DLT_IPV4 holding IPv6 is a bad version at the IP layer */
	assert_int_equal(dec(&ctx, 228, &b6, &p), DEC_E_BADVER);
	assert_int_equal(ctx.stats.n[DC_IP4_BADHDR], 1);

	b4.b[0] = 0x55;
	assert_int_equal(dec(&ctx, DLT_RAW_, &b4, &p), DEC_E_BADVER);
	assert_int_equal(ctx.stats.n[DC_LINK_UNSUPP], 1);
	b4.n = 0;
	assert_int_equal(dec(&ctx, DLT_RAW_, &b4, &p), DEC_E_TRUNC);
	assert_int_equal(ctx.stats.n[DC_LINK_TRUNC], 1);
	free(b4.h);
	free(b6.h);
}

static void test_pppoe_mpls(void **state)
{
	(void)state;
	struct dec_ctx ctx = { 0 };
	struct pkt p;

	/* RFC 2516 session: ver/type 0x11, code 0, session, length (PPP
	 * protocol + IP), then padding that must be cut off */
	struct buf b = { .n = 0 };
	eth(&b, 0x8864);
	put(&b, (uint8_t[]){ 0x11, 0x00, 0x12, 0x34, 0, 2 + 31, 0x00, 0x21 }, 8);
	ip4_udp(&b);
	put16(&b, 0);
	assert_int_equal(dec(&ctx, DLT_EN10MB_, &b, &p), DEC_OK);
	check_ip4_udp(&p, b.h + 22);

	b.n = 0;
	eth(&b, 0x8864);
	put(&b, (uint8_t[]){ 0x11, 0x00, 0x12, 0x34, 0, 2 + 50, 0x00, 0x57 }, 8);
	ip6_udp(&b);
	assert_int_equal(dec(&ctx, DLT_EN10MB_, &b, &p), DEC_OK);
	check_ip6_udp(&p, b.h + 22);

	b.n = 0; /* LCP */
	eth(&b, 0x8864);
	put(&b, (uint8_t[]){ 0x11, 0x00, 0x12, 0x34, 0, 6, 0xc0, 0x21, 1, 1, 0, 4 }, 12);
	assert_int_equal(dec(&ctx, DLT_EN10MB_, &b, &p), DEC_OK);
	assert_int_equal(p.l3, L3_OTHER);

	/* MPLS: two labels, bottom of stack on the second */
	b.n = 0;
	eth(&b, 0x8847);
	put32(&b, 100u << 12 | 64);
	put32(&b, 200u << 12 | 0x100 | 64);
	ip4_udp(&b);
	assert_int_equal(dec(&ctx, DLT_EN10MB_, &b, &p), DEC_OK);
	check_ip4_udp(&p, b.h + 22);

	/* nine labels: too deep */
	b.n = 0;
	eth(&b, 0x8847);
	for (int i = 0; i < 9; i++)
		put32(&b, (uint32_t)(i == 8 ? 0x100 : 0));
	ip4_udp(&b);
	assert_int_equal(dec(&ctx, DLT_EN10MB_, &b, &p), DEC_E_DEPTH);
	assert_int_equal(ctx.stats.n[DC_VLAN_DEPTH], 1);
	free(b.h);
}

/* Every prefix of valid frames, from an exact-size heap copy: no read past
 * the end (ASan), a non-OK status for every cut inside a header, and the
 * full frame decodes. */
static void prefixes(int dlt, const struct buf *b, size_t full_ok_from)
{
	for (size_t len = 0; len <= b->n; len++) {
		struct dec_ctx ctx = { 0 };
		struct pkt p;
		uint8_t *h = heap(b->b, len);
		int r = decode_packet(&ctx, dlt, h, len, (uint32_t)b->n, &p);
		assert_int_equal(p.caplen, len);
		if (len >= full_ok_from)
			assert_int_equal(r, DEC_OK);
		else
			assert_int_not_equal(r, DEC_OK);
		if (p.payload) {
			assert_true(p.payload >= h && p.payload + p.payload_len <= h + len);
		}
		free(h);
	}
}

static void test_every_prefix(void **state)
{
	(void)state;
	struct buf b = { .n = 0 };
	eth(&b, 0x88a8);
	put16(&b, 1);
	put16(&b, 0x8100);
	put16(&b, 2);
	put16(&b, 0x0800);
	ip4_udp(&b);
	prefixes(DLT_EN10MB_, &b, 22 + 28); /* UDP header complete */

	b.n = 0;
	sll_hdr(&b, 1, 6, 0x86dd);
	ip6_udp(&b);
	prefixes(DLT_SLL_, &b, 16 + 48);

	b.n = 0;
	eth(&b, 0x8864);
	put(&b, (uint8_t[]){ 0x11, 0x00, 0x12, 0x34, 0, 2 + 31, 0x00, 0x21 }, 8);
	ip4_udp(&b);
	prefixes(DLT_EN10MB_, &b, 22 + 28);

	b.n = 0;
	eth(&b, 0x8847);
	put32(&b, 0x100);
	ip4_udp(&b);
	prefixes(DLT_EN10MB_, &b, 18 + 28);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_linktypes),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_ether_ipv4_udp),
		cmocka_unit_test(test_ether_ipv6),
		cmocka_unit_test(test_vlan_stacks),
		cmocka_unit_test(test_llc_snap),
		cmocka_unit_test(test_sll),
		cmocka_unit_test(test_sll2),
		cmocka_unit_test(test_null_loop),
		cmocka_unit_test(test_raw),
		cmocka_unit_test(test_pppoe_mpls),
		cmocka_unit_test(test_every_prefix),
	};
	return cmocka_run_group_tests_name("decode_link", tests, NULL, NULL);
}
