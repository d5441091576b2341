/* decode.h - packet decoding: bytes in, a struct pkt view out.
 *
 * The contract of every decoder in decode/ (see docs/internals.md):
 *   - input is (ctx, const uint8_t *p, size_t len); any sequence of bytes;
 *   - output is a caller-owned view filled in place, pointing into p;
 *   - returns DEC_OK (0) or a negative DEC_E_* code, and counts the reason in
 *     ctx->stats when it rejects;
 *   - allocates nothing, prints nothing, keeps no global state;
 *   - nesting is capped (VLAN tags, IPv6 extension headers, DNS pointers).
 * A packet rejected at layer N keeps what layers below N decoded.
 */
#ifndef ALFOIL_DECODE_DECODE_H
#define ALFOIL_DECODE_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "decode/pkt.h"

enum dec_status {
	DEC_OK = 0,
	DEC_E_TRUNC = -1,     /* shorter than a header or a length says */
	DEC_E_BADLEN = -2,    /* a length field is impossible */
	DEC_E_BADVER = -3,    /* version / magic not what the protocol says */
	DEC_E_DEPTH = -4,     /* too many VLAN tags, extension headers, hops */
	DEC_E_UNSUPP = -5,    /* a link type or variant we do not decode */
	DEC_E_MALFORMED = -6, /* anything else inconsistent */
};

/* Why packets were rejected, counted per layer. */
enum dec_counter {
	DC_LINK_TRUNC,
	DC_LINK_UNSUPP,
	DC_VLAN_DEPTH,
	DC_ARP_BAD,
	DC_IP4_TRUNC,
	DC_IP4_BADHDR,
	DC_IP4_FRAG,        /* fragments seen (not an error) */
	DC_IP6_TRUNC,
	DC_IP6_BADHDR,      /* version not 6 */
	DC_IP6_EXT_DEPTH,
	DC_IP6_FRAG,
	DC_TCP_BAD,
	DC_UDP_BAD,
	DC_ICMP_BAD,
	DC_APP_BAD,         /* an application decoder rejected its payload */
	DC_TUNNEL,          /* IP-in-IP (6in4, 4in6, IPIP) decoded to the inner packet */
	DC_TUNNEL_DEPTH,    /* tunnels nested deeper than PKT_MAX_TUNNELS */
	/* IP reassembly (reasm/), which runs these decoders again on the
	 * datagrams it puts together: counted beside them */
	DC_FRAG_REASSEMBLED, /* datagrams put together and decoded */
	DC_FRAG_TIMEOUT,     /* datagrams dropped incomplete after their timeout */
	DC_FRAG_OVERLAP,     /* datagrams dropped: fragments overlap or disagree on the end */
	DC_FRAG_DUP,         /* exact duplicate fragments ignored */
	DC_FRAG_BAD,         /* fragments ignored: no data, or a non-last one not a multiple of 8 */
	DC_FRAG_TOOBIG,      /* datagrams dropped: data past 65535 bytes */
	DC_FRAG_MEMFULL,     /* datagrams dropped, oldest first, to stay within the memory cap */
	DC_FRAG_TABLEFULL,   /* datagrams dropped, oldest first, beyond the datagrams-at-once cap */
	DC_FRAG_UNFINISHED,  /* datagrams still incomplete when the input ended */
	DC_FRAG_PEAK,        /* not a count: most bytes of fragment memory in use at once */
	DC__COUNT
};

struct dec_stats {
	uint64_t n[DC__COUNT];
};

struct dec_ctx {
	struct dec_stats stats;
};

const char *dec_counter_name(enum dec_counter c);
const char *dec_status_name(int status);

/* Link types we decode: values are libpcap DLT_* numbers as returned by
 * pcap_datalink(). */
int decode_linktype_supported(int dlt);
const char *decode_linktype_name(int dlt);

/* Decode one captured frame of link type dlt (a DLT_* value). Fills *out
 * (zeroed first). Returns DEC_OK or the status of the layer that stopped. */
int decode_packet(struct dec_ctx *ctx, int dlt, const uint8_t *p, size_t caplen,
		  uint32_t wirelen, struct pkt *out);

/* The layers, each usable alone (tests and fuzzers call them directly).
 * Each decodes its header at p and continues to the layer above. */
int decode_ether(struct dec_ctx *ctx, const uint8_t *p, size_t len, struct pkt *out);
int decode_sll(struct dec_ctx *ctx, const uint8_t *p, size_t len, struct pkt *out);
int decode_sll2(struct dec_ctx *ctx, const uint8_t *p, size_t len, struct pkt *out);
int decode_null(struct dec_ctx *ctx, const uint8_t *p, size_t len, struct pkt *out, int big_endian_loop);
int decode_raw_ip(struct dec_ctx *ctx, const uint8_t *p, size_t len, struct pkt *out);
/* Dispatch on an ethertype (after link and VLAN headers). */
int decode_ethertype(struct dec_ctx *ctx, uint16_t type, const uint8_t *p, size_t len, struct pkt *out);
int decode_arp(struct dec_ctx *ctx, const uint8_t *p, size_t len, struct pkt *out);
int decode_ipv4(struct dec_ctx *ctx, const uint8_t *p, size_t len, struct pkt *out);
int decode_ipv6(struct dec_ctx *ctx, const uint8_t *p, size_t len, struct pkt *out);
int decode_tcp(struct dec_ctx *ctx, const uint8_t *p, size_t len, struct pkt *out);
int decode_udp(struct dec_ctx *ctx, const uint8_t *p, size_t len, struct pkt *out);
int decode_icmp(struct dec_ctx *ctx, const uint8_t *p, size_t len, struct pkt *out);
int decode_icmpv6(struct dec_ctx *ctx, const uint8_t *p, size_t len, struct pkt *out);
/* The 4-byte header ICMP and ICMPv6 share; proto is 1 or 58. */
int decode_icmp_header(struct dec_ctx *ctx, uint8_t proto, const uint8_t *p, size_t len, struct pkt *out);
/* IP-in-IP (RFC 2003 IPIP, RFC 4213 6in4, RFC 2473 4in6): proto is the
 * outer next-header value, 4 or 41. The packet becomes the inner one (the
 * frame's MAC addresses stay); at most PKT_MAX_TUNNELS layers. */
int decode_tunnel(struct dec_ctx *ctx, uint8_t proto, const uint8_t *p, size_t len, struct pkt *out);

#endif
