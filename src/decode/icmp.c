/* icmp.c - the ICMP header (RFC 792): type, code, checksum.
 *
 * Only the 4 bytes common to every message are taken as header; the next 4
 * (identifier/sequence, pointer, unused, next-hop MTU ...) depend on the type
 * and are left at the start of the payload for whoever needs them.
 */
#include "decode/decode.h"

#include "lib/cursor.h"

#define ICMP_HDR 4

int decode_icmp_header(struct dec_ctx *ctx, uint8_t proto, const uint8_t *p, size_t len, struct pkt *out)
{
	struct cur c = cur_make(p, len);
	uint8_t type, code;
	uint16_t csum;
	out->l4proto = proto;
	if (c.n < ICMP_HDR) {
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

int decode_icmp(struct dec_ctx *ctx, const uint8_t *p, size_t len, struct pkt *out)
{
	return decode_icmp_header(ctx, 1, p, len, out);
}
