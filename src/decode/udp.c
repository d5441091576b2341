/* udp.c - the UDP header (RFC 768).
 *
 * The UDP length counts header and data. A length above what was captured is
 * a snap length (or the first piece of a fragmented datagram): decode what
 * is there. A length below it means trailing bytes that are not UDP data.
 */
#include "decode/decode.h"

#include "lib/cursor.h"

#define UDP_HDR 8

int decode_udp(struct dec_ctx *ctx, const uint8_t *p, size_t len, struct pkt *out)
{
	struct cur c = cur_make(p, len);
	uint16_t sport, dport, ulen, csum;
	out->l4proto = 17;
	if (c.n < UDP_HDR) {
		ctx->stats.n[DC_UDP_BAD]++;
		return DEC_E_TRUNC;
	}
	cur_u16(&c, &sport);
	cur_u16(&c, &dport);
	cur_u16(&c, &ulen);
	cur_u16(&c, &csum);
	(void)csum;
	if (ulen < UDP_HDR) {
		/* Includes 0, which RFC 2675 section 4 allows only inside an
		 * IPv6 jumbogram, something no home network carries. */
		ctx->stats.n[DC_UDP_BAD]++;
		return DEC_E_BADLEN;
	}
	if (c.n > (size_t)ulen - UDP_HDR)
		c.n = (size_t)ulen - UDP_HDR;
	out->sport = sport;
	out->dport = dport;
	out->payload = c.p;
	out->payload_len = c.n;
	out->has_l4 = 1;
	return DEC_OK;
}
