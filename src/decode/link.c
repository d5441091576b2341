/* link.c - link layers: the link-type table, Ethernet with VLAN tags and
 * 802.2 LLC/SNAP, Linux cooked capture v1/v2, BSD loopback, raw IP, and the
 * ethertype dispatch (IPv4, IPv6, ARP, PPPoE session, MPLS).
 *
 * Every layer reads through struct cur; what a layer fills stays filled when a
 * layer above it rejects the packet (decode.h).
 */
#include "decode/decode.h"

#include <string.h>

#include "lib/cursor.h"

#if defined(__has_include)
#if __has_include(<pcap/dlt.h>)
#include <pcap/dlt.h>
#endif
#endif

/* The DLT_* values libpcap hands out (pcap_datalink()). Where <pcap/dlt.h>
 * is missing we fall back to the Linux values; DLT_RAW and DLT_LOOP differ on
 * OpenBSD (14 and 12), which the header gets right when present. */
#ifndef DLT_NULL
#define DLT_NULL 0
#endif
#ifndef DLT_EN10MB
#define DLT_EN10MB 1
#endif
#ifndef DLT_RAW
#define DLT_RAW 12
#endif
#ifndef DLT_LOOP
#define DLT_LOOP 108
#endif
#ifndef DLT_LINUX_SLL
#define DLT_LINUX_SLL 113
#endif
#ifndef DLT_IPV4
#define DLT_IPV4 228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6 229
#endif
#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif
#define LINKTYPE_RAW 101 /* the pcap file value; libpcap maps it to DLT_RAW */

#define ETH_HDR 14
#define SLL_HDR 16
#define SLL2_HDR 20
#define MPLS_MAX_LABELS 8

#define ET_IPV4 0x0800
#define ET_ARP 0x0806
#define ET_VLAN 0x8100     /* IEEE 802.1Q C-tag */
#define ET_QINQ 0x88a8     /* IEEE 802.1ad S-tag */
#define ET_QINQ_OLD 0x9100 /* pre-standard QinQ, still in the field */
#define ET_IPV6 0x86dd
#define ET_PPPOE_SES 0x8864
#define ET_MPLS_UC 0x8847
#define ET_MPLS_MC 0x8848
#define ET_MAX_LEN 1500 /* IEEE 802.3 clause 3.2.6: <= 1500 is a length */

/* ---- names -------------------------------------------------------------- */

static const char *const counter_names[DC__COUNT] = {
	[DC_LINK_TRUNC] = "link_truncated",
	[DC_LINK_UNSUPP] = "link_unsupported",
	[DC_VLAN_DEPTH] = "vlan_too_deep",
	[DC_ARP_BAD] = "arp_bad",
	[DC_IP4_TRUNC] = "ipv4_truncated",
	[DC_IP4_BADHDR] = "ipv4_bad_header",
	[DC_IP4_FRAG] = "ipv4_fragments",
	[DC_IP6_TRUNC] = "ipv6_truncated",
	[DC_IP6_BADHDR] = "ipv6_bad_header",
	[DC_IP6_EXT_DEPTH] = "ipv6_ext_too_deep",
	[DC_IP6_FRAG] = "ipv6_fragments",
	[DC_TCP_BAD] = "tcp_bad",
	[DC_UDP_BAD] = "udp_bad",
	[DC_ICMP_BAD] = "icmp_bad",
	[DC_APP_BAD] = "app_payload_rejected",
	[DC_TUNNEL] = "ip_in_ip_tunnels",
	[DC_TUNNEL_DEPTH] = "tunnels_too_deep",
	[DC_FRAG_REASSEMBLED] = "frag_reassembled",
	[DC_FRAG_TIMEOUT] = "frag_timed_out",
	[DC_FRAG_OVERLAP] = "frag_overlaps",
	[DC_FRAG_DUP] = "frag_duplicates",
	[DC_FRAG_BAD] = "frag_bad",
	[DC_FRAG_TOOBIG] = "frag_too_big",
	[DC_FRAG_MEMFULL] = "frag_memory_full",
	[DC_FRAG_TABLEFULL] = "frag_table_full",
	[DC_FRAG_UNFINISHED] = "frag_unfinished",
	[DC_FRAG_PEAK] = "frag_memory_peak",
};

const char *dec_counter_name(enum dec_counter c)
{
	return (unsigned)c < DC__COUNT && counter_names[c] ? counter_names[c] : "?";
}

const char *dec_status_name(int status)
{
	switch (status) {
	case DEC_OK: return "ok";
	case DEC_E_TRUNC: return "truncated";
	case DEC_E_BADLEN: return "bad-length";
	case DEC_E_BADVER: return "bad-version";
	case DEC_E_DEPTH: return "too-deep";
	case DEC_E_UNSUPP: return "unsupported";
	case DEC_E_MALFORMED: return "malformed";
	default: return "?";
	}
}

/* ---- the link-type table ------------------------------------------------- */

enum link_kind { LK_ETHER, LK_NULL, LK_LOOP, LK_RAW, LK_IPV4, LK_IPV6, LK_SLL, LK_SLL2 };

static const struct linktype {
	int dlt;
	enum link_kind kind;
	const char *name;
} linktypes[] = {
	/* The platform's DLT_* first: on OpenBSD DLT_LOOP is 12, so it must win
	 * over the literal 12 (Linux DLT_RAW) further down. */
	{ DLT_EN10MB, LK_ETHER, "EN10MB" },
	{ DLT_NULL, LK_NULL, "NULL" },
	{ DLT_LOOP, LK_LOOP, "LOOP" },
	{ DLT_RAW, LK_RAW, "RAW" },
	{ DLT_LINUX_SLL, LK_SLL, "LINUX_SLL" },
	{ DLT_LINUX_SLL2, LK_SLL2, "LINUX_SLL2" },
	{ DLT_IPV4, LK_IPV4, "IPV4" },
	{ DLT_IPV6, LK_IPV6, "IPV6" },
	/* Raw IP under its other numbers: 12 (Linux, most BSDs), 14 (OpenBSD),
	 * 101 (LINKTYPE_RAW as written in files). */
	{ 12, LK_RAW, "RAW" },
	{ 14, LK_RAW, "RAW" },
	{ LINKTYPE_RAW, LK_RAW, "RAW" },
};

static const struct linktype *linktype_find(int dlt)
{
	for (size_t i = 0; i < sizeof linktypes / sizeof linktypes[0]; i++)
		if (linktypes[i].dlt == dlt)
			return &linktypes[i];
	return NULL;
}

int decode_linktype_supported(int dlt)
{
	return linktype_find(dlt) != NULL;
}

const char *decode_linktype_name(int dlt)
{
	const struct linktype *lt = linktype_find(dlt);
	return lt ? lt->name : "unknown";
}

int decode_packet(struct dec_ctx *ctx, int dlt, const uint8_t *p, size_t caplen,
		  uint32_t wirelen, struct pkt *out)
{
	memset(out, 0, sizeof *out);
	out->caplen = caplen > UINT32_MAX ? UINT32_MAX : (uint32_t)caplen;
	out->wirelen = wirelen;
	if (!p)
		caplen = 0;
	const struct linktype *lt = linktype_find(dlt);
	if (!lt) {
		ctx->stats.n[DC_LINK_UNSUPP]++;
		return DEC_E_UNSUPP;
	}
	switch (lt->kind) {
	case LK_ETHER: return decode_ether(ctx, p, caplen, out);
	case LK_NULL: return decode_null(ctx, p, caplen, out, 0);
	case LK_LOOP: return decode_null(ctx, p, caplen, out, 1);
	case LK_RAW: return decode_raw_ip(ctx, p, caplen, out);
	case LK_IPV4: return decode_ethertype(ctx, ET_IPV4, p, caplen, out);
	case LK_IPV6: return decode_ethertype(ctx, ET_IPV6, p, caplen, out);
	case LK_SLL: return decode_sll(ctx, p, caplen, out);
	case LK_SLL2: return decode_sll2(ctx, p, caplen, out);
	}
	ctx->stats.n[DC_LINK_UNSUPP]++;
	return DEC_E_UNSUPP;
}

/* ---- IEEE 802.2 LLC / SNAP ------------------------------------------------ */

/* An 802.2 LLC header (DSAP, SSAP, control). Only SNAP (AA AA 03, RFC 1042)
 * carries an ethertype: OUI 00-00-00 (RFC 1042) or 00-00-F8 (802.1H bridge
 * tunnel). Everything else (STP, CDP, IPX, ...) is L3_OTHER. */
static int llc(struct dec_ctx *ctx, struct cur c, struct pkt *out)
{
	uint8_t dsap, ssap, ctl;
	if (!cur_u8(&c, &dsap) || !cur_u8(&c, &ssap) || !cur_u8(&c, &ctl)) {
		ctx->stats.n[DC_LINK_TRUNC]++;
		return DEC_E_TRUNC;
	}
	if (dsap != 0xaa || ssap != 0xaa || ctl != 0x03) {
		out->l3 = L3_OTHER;
		return DEC_OK;
	}
	uint32_t oui;
	uint16_t type;
	if (!cur_u24(&c, &oui) || !cur_u16(&c, &type)) {
		ctx->stats.n[DC_LINK_TRUNC]++;
		return DEC_E_TRUNC;
	}
	if (oui != 0x000000 && oui != 0x0000f8) {
		out->l3 = L3_OTHER; /* vendor protocol (Cisco CDP, Apple, ...) */
		return DEC_OK;
	}
	return decode_ethertype(ctx, type, c.p, c.n, out);
}

/* After the link header's type field: VLAN tags (802.1Q, 802.1ad and the old
 * 0x9100), then an 802.3 length or an ethertype. */
static int ether_type(struct dec_ctx *ctx, uint16_t type, struct cur c, struct pkt *out)
{
	while (type == ET_VLAN || type == ET_QINQ || type == ET_QINQ_OLD) {
		if (out->n_vlan >= PKT_MAX_VLAN) {
			ctx->stats.n[DC_VLAN_DEPTH]++;
			return DEC_E_DEPTH;
		}
		uint16_t tci;
		if (!cur_u16(&c, &tci) || !cur_u16(&c, &type)) {
			ctx->stats.n[DC_LINK_TRUNC]++;
			return DEC_E_TRUNC;
		}
		out->vlan[out->n_vlan++] = tci & 0x0fff; /* 802.1Q 9.6: VID is 12 bits */
		out->ethertype = type;
	}
	if (type <= ET_MAX_LEN) {
		/* 802.3 length frame: the length counts the LLC data, so what
		 * follows it is padding (minimum frame size) or an FCS. */
		out->ethertype = 0;
		if (c.n > type)
			c.n = type;
		return llc(ctx, c, out);
	}
	return decode_ethertype(ctx, type, c.p, c.n, out);
}

/* ---- Ethernet, Linux cooked, loopback, raw -------------------------------- */

int decode_ether(struct dec_ctx *ctx, const uint8_t *p, size_t len, struct pkt *out)
{
	struct cur c = cur_make(p, len);
	uint16_t type;
	/* IEEE 802.3 clause 3.1.1: destination, source, length/type. */
	if (c.n < ETH_HDR) {
		ctx->stats.n[DC_LINK_TRUNC]++;
		return DEC_E_TRUNC;
	}
	cur_copy(&c, out->mac_dst, 6);
	cur_copy(&c, out->mac_src, 6);
	cur_u16(&c, &type);
	out->has_mac = 1;
	out->has_mac_dst = 1;
	out->ethertype = type;
	return ether_type(ctx, type, c, out);
}

#define ARPHRD_ETHER 1
#define ARPHRD_NETLINK 824
#define LINUX_P_802_3 0x0001 /* Novell raw 802.3: no LLC header */
#define LINUX_P_802_2 0x0004 /* 802.2 frame: starts with the LLC header */

/* Shared tail of SLL and SLL2: the link-layer address (the sender's; the
 * destination is not captured) and the protocol, which is an ethertype
 * except for the small Linux ETH_P_* values (<linux/if_ether.h>). */
static int sll_common(struct dec_ctx *ctx, uint16_t hatype, uint16_t alen,
		      const uint8_t addr[static 8], uint16_t proto, struct cur c,
		      struct pkt *out)
{
	if (alen == 6) {
		memcpy(out->mac_src, addr, 6);
		out->has_mac = 1;
		out->has_mac_dst = 0;
	}
	out->ethertype = proto;
	if (hatype == ARPHRD_NETLINK) {
		out->l3 = L3_OTHER; /* protocol is a netlink family */
		return DEC_OK;
	}
	if (proto == LINUX_P_802_2) {
		out->ethertype = 0;
		return llc(ctx, c, out);
	}
	if (proto <= ET_MAX_LEN) {
		out->ethertype = 0;
		out->l3 = L3_OTHER;
		return DEC_OK;
	}
	return ether_type(ctx, proto, c, out);
}

int decode_sll(struct dec_ctx *ctx, const uint8_t *p, size_t len, struct pkt *out)
{
	/* https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html:
	 * packet type(2) ARPHRD type(2) address length(2) address(8) protocol(2) */
	struct cur c = cur_make(p, len);
	uint16_t pkttype, hatype, alen, proto;
	uint8_t addr[8];
	if (c.n < SLL_HDR) {
		ctx->stats.n[DC_LINK_TRUNC]++;
		return DEC_E_TRUNC;
	}
	cur_u16(&c, &pkttype);
	cur_u16(&c, &hatype);
	cur_u16(&c, &alen);
	cur_copy(&c, addr, 8);
	cur_u16(&c, &proto);
	(void)pkttype;
	return sll_common(ctx, hatype, alen, addr, proto, c, out);
}

int decode_sll2(struct dec_ctx *ctx, const uint8_t *p, size_t len, struct pkt *out)
{
	/* https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL2.html:
	 * protocol(2) reserved(2) ifindex(4) ARPHRD type(2) packet type(1)
	 * address length(1) address(8) */
	struct cur c = cur_make(p, len);
	uint16_t proto, hatype;
	uint8_t pkttype, alen;
	uint8_t addr[8];
	if (c.n < SLL2_HDR) {
		ctx->stats.n[DC_LINK_TRUNC]++;
		return DEC_E_TRUNC;
	}
	cur_u16(&c, &proto);
	cur_skip(&c, 2 + 4);
	cur_u16(&c, &hatype);
	cur_u8(&c, &pkttype);
	cur_u8(&c, &alen);
	cur_copy(&c, addr, 8);
	(void)pkttype;
	return sll_common(ctx, hatype, alen, addr, proto, c, out);
}

/* Address families in DLT_NULL/DLT_LOOP headers
 * (https://www.tcpdump.org/linktypes/LINKTYPE_NULL.html). AF_INET is 2
 * everywhere; AF_INET6 is 24 (NetBSD, OpenBSD, BSD/OS, Npcap), 28 (FreeBSD),
 * 30 (macOS) or 10 (Linux). */
static uint16_t null_family(uint32_t af)
{
	switch (af) {
	case 2: return ET_IPV4;
	case 10: case 24: case 28: case 30: return ET_IPV6;
	default: return 0;
	}
}

int decode_null(struct dec_ctx *ctx, const uint8_t *p, size_t len, struct pkt *out, int big_endian_loop)
{
	struct cur c = cur_make(p, len);
	uint32_t be, le;
	if (c.n < 4) {
		ctx->stats.n[DC_LINK_TRUNC]++;
		return DEC_E_TRUNC;
	}
	struct cur le_c = c;
	cur_u32le(&le_c, &le);
	cur_u32(&c, &be);
	/* DLT_LOOP is always network order; DLT_NULL is the capturing host's
	 * order, unknown to us, so accept whichever reading is a known family. */
	uint16_t type = null_family(be);
	if (!type && !big_endian_loop)
		type = null_family(le);
	if (!type) {
		out->l3 = L3_OTHER; /* IPX, AppleTalk, OSI ... */
		return DEC_OK;
	}
	return decode_ethertype(ctx, type, c.p, c.n, out);
}

int decode_raw_ip(struct dec_ctx *ctx, const uint8_t *p, size_t len, struct pkt *out)
{
	struct cur c = cur_make(p, len);
	uint8_t v;
	if (!cur_peek_u8(&c, 0, &v)) {
		ctx->stats.n[DC_LINK_TRUNC]++;
		return DEC_E_TRUNC;
	}
	switch (v >> 4) {
	case 4: return decode_ethertype(ctx, ET_IPV4, c.p, c.n, out);
	case 6: return decode_ethertype(ctx, ET_IPV6, c.p, c.n, out);
	default:
		ctx->stats.n[DC_LINK_UNSUPP]++;
		return DEC_E_BADVER;
	}
}

/* ---- ethertype dispatch -------------------------------------------------- */

static int ip_by_type(struct dec_ctx *ctx, uint16_t type, const uint8_t *p, size_t len,
		      struct pkt *out)
{
	out->ethertype = type;
	return type == ET_IPV4 ? decode_ipv4(ctx, p, len, out) : decode_ipv6(ctx, p, len, out);
}

/* RFC 2516 section 4: PPPoE session stage, VER=1 TYPE=1 CODE=0, then a PPP
 * protocol field (RFC 1661 section 2): 0x0021 IPv4, 0x0057 IPv6. */
static int pppoe_session(struct dec_ctx *ctx, struct cur c, struct pkt *out)
{
	uint8_t vt, code;
	uint16_t session, plen, proto;
	if (!cur_u8(&c, &vt) || !cur_u8(&c, &code) || !cur_u16(&c, &session) ||
	    !cur_u16(&c, &plen)) {
		ctx->stats.n[DC_LINK_TRUNC]++;
		return DEC_E_TRUNC;
	}
	(void)session;
	if (vt != 0x11 || code != 0) {
		ctx->stats.n[DC_LINK_UNSUPP]++;
		return DEC_E_BADVER;
	}
	if (c.n > plen)
		c.n = plen; /* the rest is Ethernet padding */
	if (!cur_u16(&c, &proto)) {
		ctx->stats.n[DC_LINK_TRUNC]++;
		return DEC_E_TRUNC;
	}
	if (proto == 0x0021)
		return ip_by_type(ctx, ET_IPV4, c.p, c.n, out);
	if (proto == 0x0057)
		return ip_by_type(ctx, ET_IPV6, c.p, c.n, out);
	out->l3 = L3_OTHER; /* LCP, IPCP, CHAP, ... */
	return DEC_OK;
}

/* RFC 3032 section 2.1: 4-byte label stack entries, S bit (bottom of stack)
 * in bit 8. Nothing says what follows; like most tools, guess from the first
 * nibble (4 or 6 is IP; 0 is a pseudowire control word, left alone). */
static int mpls(struct dec_ctx *ctx, struct cur c, struct pkt *out)
{
	for (int i = 0;; i++) {
		uint32_t e;
		if (i == MPLS_MAX_LABELS) {
			ctx->stats.n[DC_VLAN_DEPTH]++; /* a tag stack, like VLANs */
			return DEC_E_DEPTH;
		}
		if (!cur_u32(&c, &e)) {
			ctx->stats.n[DC_LINK_TRUNC]++;
			return DEC_E_TRUNC;
		}
		if (e & 0x100)
			break;
	}
	uint8_t v;
	if (!cur_peek_u8(&c, 0, &v)) {
		ctx->stats.n[DC_LINK_TRUNC]++;
		return DEC_E_TRUNC;
	}
	if (v >> 4 == 4 || v >> 4 == 6)
		return ip_by_type(ctx, v >> 4 == 4 ? ET_IPV4 : ET_IPV6, c.p, c.n, out);
	out->l3 = L3_OTHER;
	return DEC_OK;
}

int decode_ethertype(struct dec_ctx *ctx, uint16_t type, const uint8_t *p, size_t len, struct pkt *out)
{
	struct cur c = cur_make(p, len);
	out->ethertype = type;
	switch (type) {
	case ET_IPV4:
	case ET_IPV6: return ip_by_type(ctx, type, p, len, out);
	case ET_ARP: return decode_arp(ctx, p, len, out);
	case ET_PPPOE_SES: return pppoe_session(ctx, c, out);
	case ET_MPLS_UC:
	case ET_MPLS_MC: return mpls(ctx, c, out);
	default:
		out->l3 = L3_OTHER; /* LLDP, EAPOL, 802.1X, IPX, Wake-on-LAN ... */
		return DEC_OK;
	}
}
