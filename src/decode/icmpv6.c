/* icmpv6.c - the ICMPv6 header (RFC 4443 section 2.1): type, code, checksum.
 *
 * The same 4 bytes as ICMP's (icmp.c reads them): the payload starts with
 * the type-specific body (for Neighbor Discovery, RFC 4861 section 4, the
 * reserved/flags word, the target address, then options).
 */
#include "decode/decode.h"

int decode_icmpv6(struct dec_ctx *ctx, const uint8_t *p, size_t len, struct pkt *out)
{
	return decode_icmp_header(ctx, 58, p, len, out);
}
