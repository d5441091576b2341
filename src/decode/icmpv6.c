/* icmpv6.c - the ICMPv6 header (RFC 4443 section 2.1): type, code, checksum.
 *
 * As for ICMP, only the 4 common bytes are header: the payload starts with
 * the type-specific body (for Neighbor Discovery, RFC 4861 section 4, the
 * reserved/flags word, the target address, then options).
 */
#include "decode/decode.h"

#include "lib/cursor.h"

#define ICMP6_HDR 4

int decode_icmpv6(struct dec_ctx *ctx, const uint8_t *p, size_t len, struct pkt *out)
{
	struct cur c = cur_make(p, len);
	uint8_t type, code;
	uint16_t csum;
	out->l4proto = 58;
	if (c.n < ICMP6_HDR) {
		ctx->stats.n[DC_ICMP_BAD]++;
		return DEC_E_TRUNC;
	}
	cur_u8(&c, &type);
	cur_u8(&c, &code);
	cur_u16(&c, &csum);
	(void)csum;
	out->icmp_type = type;
	out->icmp_code = code;
	out->sport = 0;
	out->dport = 0;
	out->payload = c.p;
	out->payload_len = c.n;
	out->has_l4 = 1;
	return DEC_OK;
}
