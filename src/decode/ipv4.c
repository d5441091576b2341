/* ipv4.c - the IPv4 header (RFC 791 section 3.1) and the transport dispatch.
 *
 * The IP total length bounds everything above it: bytes after it are
 * Ethernet padding (frames under 64 bytes) or an FCS and must not become
 * payload. A fragment (RFC 791 section 2.3, "Fragmentation") is decoded to
 * this layer only: its identification, offset, MF flag and data are put in
 * the view for reasm/, which decodes the datagram when it is whole.
 */
#include "decode/decode.h"

#include "lib/cursor.h"

#define IP4_MIN_HDR 20
#define IP4_MF 0x2000      /* more fragments */
#define IP4_OFFMASK 0x1fff /* fragment offset, in 8-byte units */

/* A fragment: its place and data for reasm/ (RFC 791 section 3.2). The
 * identification is read again here, so that the common path keeps none
 * of this; hlen <= avail <= ip_len <= 65535. */
static int fragment(struct dec_ctx *ctx, const uint8_t *p, size_t hlen, size_t avail, uint16_t frag,
		    struct pkt *out)
{
	struct cur c = cur_make(p, hlen);
	uint16_t off = frag & IP4_OFFMASK, id = 0;
	cur_peek_u16(&c, 4, &id);
	out->frag = off ? FRAG_LATER : FRAG_FIRST;
	out->frag_more = (frag & IP4_MF) != 0;
	out->frag_proto = out->l4proto;
	out->frag_off = (uint16_t)(off * 8u); /* 8-octet units; at most 65528 */
	out->frag_id = id;
	out->frag_len = (uint16_t)(out->ip_len - hlen);
	out->frag_caplen = (uint16_t)(avail - hlen);
	out->frag_data = p + hlen;
	ctx->stats.n[DC_IP4_FRAG]++;
	return DEC_OK;
}

int decode_ipv4(struct dec_ctx *ctx, const uint8_t *p, size_t len, struct pkt *out)
{
	struct cur c = cur_make(p, len);
	uint8_t vihl, tos, ttl, proto;
	uint16_t total, id, frag, csum;
	uint8_t src[4], dst[4];
	if (c.n < IP4_MIN_HDR) {
		ctx->stats.n[DC_IP4_TRUNC]++;
		return DEC_E_TRUNC;
	}
	cur_u8(&c, &vihl);
	cur_u8(&c, &tos);
	cur_u16(&c, &total);
	cur_u16(&c, &id);
	cur_u16(&c, &frag);
	cur_u8(&c, &ttl);
	cur_u8(&c, &proto);
	cur_u16(&c, &csum);
	cur_copy(&c, src, 4);
	cur_copy(&c, dst, 4);
	(void)tos, (void)id, (void)csum;

	if (vihl >> 4 != 4) {
		ctx->stats.n[DC_IP4_BADHDR]++;
		return DEC_E_BADVER;
	}
	size_t hlen = (size_t)(vihl & 0x0f) * 4; /* IHL: 32-bit words, >= 5 */
	if (hlen < IP4_MIN_HDR) {
		ctx->stats.n[DC_IP4_BADHDR]++;
		return DEC_E_BADLEN;
	}
	if (hlen > len) {
		ctx->stats.n[DC_IP4_TRUNC]++;
		return DEC_E_TRUNC;
	}
	/* Total length 0 is what a host captures of its own segmentation-
	 * offloaded sends (TSO/GSO): the length is filled in by the NIC.
	 * Take what was captured, as Wireshark does. */
	size_t tot = total ? total : (len > UINT16_MAX ? UINT16_MAX : len);
	if (tot < hlen) {
		ctx->stats.n[DC_IP4_BADHDR]++;
		return DEC_E_BADLEN;
	}
	/* Shorter capture than the total length is a snap length, not an
	 * error: decode what is there. Longer is padding: cut it off. */
	size_t avail = tot < len ? tot : len;

	addr_from_v4(&out->src, src);
	addr_from_v4(&out->dst, dst);
	out->ttl = ttl;
	out->l4proto = proto;
	out->ip_len = (uint16_t)tot;
	out->l3 = L3_IPV4;

	if (frag & (IP4_MF | IP4_OFFMASK))
		return fragment(ctx, p, hlen, avail, frag, out);

	/* Options (RFC 791 section 3.1) are skipped: hlen <= avail. */
	struct cur l4 = cur_make(p, avail);
	cur_skip(&l4, hlen);
	switch (proto) {
	case 6: return decode_tcp(ctx, l4.p, l4.n, out);
	case 17: return decode_udp(ctx, l4.p, l4.n, out);
	case 1: return decode_icmp(ctx, l4.p, l4.n, out);
	case 4: case 41: return decode_tunnel(ctx, proto, l4.p, l4.n, out);
	default: return DEC_OK; /* IGMP, ESP, GRE ...: addresses only */
	}
}
