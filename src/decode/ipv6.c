/* ipv6.c - the IPv6 header (RFC 8200 section 3), its extension headers
 * (section 4) and the transport dispatch.
 *
 * The payload length bounds everything above the fixed header, so trailing
 * Ethernet padding never becomes payload. At most PKT_MAX_IP6_EXT extension
 * headers are followed: a longer chain is almost certainly an attack on
 * parsers, and is rejected as DEC_E_DEPTH. A fragment (section 4.5) is
 * decoded to its Fragment header only: what follows it is the fragment's
 * data, for reasm/ to put together.
 */
#include "decode/decode.h"

#include <stdbool.h>

#include "lib/cursor.h"

#define IP6_HDR 40

/* Next-header values (IANA "Assigned Internet Protocol Numbers"). */
#define NH_HOPOPTS 0
#define NH_TCP 6
#define NH_UDP 17
#define NH_ROUTING 43
#define NH_FRAGMENT 44
#define NH_AH 51
#define NH_ICMPV6 58
#define NH_NONE 59
#define NH_DSTOPTS 60
#define NH_MOBILITY 135 /* RFC 6275 */
#define NH_HIP 139      /* RFC 7401 */
#define NH_SHIM6 140    /* RFC 5533 */

static bool is_ext_header(uint8_t nh)
{
	switch (nh) {
	case NH_HOPOPTS: case NH_ROUTING: case NH_FRAGMENT: case NH_AH:
	case NH_DSTOPTS: case NH_MOBILITY: case NH_HIP: case NH_SHIM6:
		return true;
	default:
		return false;
	}
}

/* Step over the extension header *nh at c: DEC_OK with *nh and c moved on,
 * or DEC_E_TRUNC. */
static int ext_header(struct dec_ctx *ctx, struct cur *c, uint8_t *nh, struct pkt *out)
{
	uint8_t next, hlen;
	size_t size;
	if (*nh == NH_FRAGMENT) {
		/* RFC 8200 4.5: next(1) reserved(1) offset:13 res:2 M:1 id(4) */
		uint8_t res;
		uint16_t offm;
		uint32_t id;
		if (!cur_u8(c, &next) || !cur_u8(c, &res) || !cur_u16(c, &offm) || !cur_u32(c, &id))
			goto trunc;
		(void)res;
		if (offm >> 3 || (offm & 1)) {
			out->frag = offm >> 3 ? FRAG_LATER : FRAG_FIRST;
			out->frag_more = offm & 1;
			out->frag_off = offm & 0xfff8; /* 8-octet units in the top 13 bits */
			out->frag_id = id;
			ctx->stats.n[DC_IP6_FRAG]++;
		}
		/* offset 0 without M is an atomic fragment (RFC 6946): the
		 * whole packet, decoded as usual. */
		*nh = next;
		return DEC_OK;
	}
	if (!cur_peek_u8(c, 0, &next) || !cur_peek_u8(c, 1, &hlen))
		goto trunc;
	if (*nh == NH_AH)
		size = ((size_t)hlen + 2) * 4; /* RFC 4302 2.2: 4-octet units, minus 2 */
	else
		size = ((size_t)hlen + 1) * 8; /* RFC 8200 4.3-4.6, RFC 6564: 8-octet
						  units, not counting the first 8 */
	if (!cur_skip(c, size))
		goto trunc;
	*nh = next;
	return DEC_OK;
trunc:
	ctx->stats.n[DC_IP6_TRUNC]++;
	return DEC_E_TRUNC;
}

int decode_ipv6(struct dec_ctx *ctx, const uint8_t *p, size_t len, struct pkt *out)
{
	struct cur c = cur_make(p, len);
	uint32_t vtcfl;
	uint16_t plen;
	uint8_t nh, hlim;
	uint8_t src[16], dst[16];
	if (c.n < IP6_HDR) {
		ctx->stats.n[DC_IP6_TRUNC]++;
		return DEC_E_TRUNC;
	}
	/* version(4) traffic class(8) flow label(20), payload length, next
	 * header, hop limit, source, destination */
	cur_u32(&c, &vtcfl);
	cur_u16(&c, &plen);
	cur_u8(&c, &nh);
	cur_u8(&c, &hlim);
	cur_copy(&c, src, 16);
	cur_copy(&c, dst, 16);
	if (vtcfl >> 28 != 6) {
		ctx->stats.n[DC_IP6_BADHDR]++;
		return DEC_E_BADVER;
	}
	/* Payload length 0 means a jumbogram (RFC 2675) or, far more often, a
	 * host's own offloaded send: take what was captured. Otherwise cut
	 * padding off and accept a snap length shorter than the packet. */
	size_t total = plen ? (size_t)plen + IP6_HDR : len;
	if (plen && c.n > plen)
		c.n = plen;

	addr_from_v6(&out->src, src);
	addr_from_v6(&out->dst, dst);
	out->ttl = hlim;
	out->ip_len = total > UINT16_MAX ? UINT16_MAX : (uint16_t)total;
	out->l3 = L3_IPV6;

	for (int n = 0; is_ext_header(nh) && out->frag == FRAG_NONE; n++) {
		if (n == PKT_MAX_IP6_EXT) {
			ctx->stats.n[DC_IP6_EXT_DEPTH]++;
			return DEC_E_DEPTH;
		}
		int r = ext_header(ctx, &c, &nh, out);
		if (r < 0)
			return r;
	}
	out->l4proto = nh;
	if (out->frag != FRAG_NONE) {
		/* the rest is the fragment's data; c.n is already cut to the
		 * payload length, which is at most 65535 */
		size_t used = (size_t)(c.p - p) - IP6_HDR;
		size_t declared = plen ? (plen > used ? plen - used : 0) : c.n;
		out->frag_proto = nh;
		out->frag_len = (uint16_t)(declared > UINT16_MAX ? UINT16_MAX : declared);
		out->frag_caplen = (uint16_t)(c.n < out->frag_len ? c.n : out->frag_len);
		out->frag_data = c.p;
		return DEC_OK;
	}

	switch (nh) {
	case NH_TCP: return decode_tcp(ctx, c.p, c.n, out);
	case NH_UDP: return decode_udp(ctx, c.p, c.n, out);
	case NH_ICMPV6: return decode_icmpv6(ctx, c.p, c.n, out);
	case 4: case 41: return decode_tunnel(ctx, nh, c.p, c.n, out);
	default: return DEC_OK; /* ESP, no next header (59), OSPF ...: addresses only */
	}
}
