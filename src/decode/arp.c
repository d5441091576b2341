/* arp.c - ARP for IPv4 over Ethernet (RFC 826).
 *
 * Only 48-bit MAC addresses with IPv4 are decoded (hardware address length
 * 6, protocol 0x0800, protocol address length 4): that is the only kind a
 * home network carries, and the only kind struct pkt_arp can hold. Hardware
 * type is 1 (Ethernet) or 6 (IEEE 802, which RFC 1042 uses for ARP in
 * 802.2 SNAP frames; the addresses are the same MACs).
 */
#include "decode/decode.h"

#include "lib/cursor.h"

#define ARP_LEN 28 /* 8-byte fixed part + 2 * (6 + 4) addresses */

int decode_arp(struct dec_ctx *ctx, const uint8_t *p, size_t len, struct pkt *out)
{
	struct cur c = cur_make(p, len);
	uint16_t htype, ptype, op;
	uint8_t hlen, plen;
	if (!cur_u16(&c, &htype) || !cur_u16(&c, &ptype) || !cur_u8(&c, &hlen) ||
	    !cur_u8(&c, &plen) || !cur_u16(&c, &op)) {
		ctx->stats.n[DC_ARP_BAD]++;
		return DEC_E_TRUNC;
	}
	if ((htype != 1 && htype != 6) || ptype != 0x0800 || hlen != 6 || plen != 4) {
		ctx->stats.n[DC_ARP_BAD]++;
		return DEC_E_UNSUPP;
	}
	if (c.n < ARP_LEN - 8) {
		ctx->stats.n[DC_ARP_BAD]++;
		return DEC_E_TRUNC;
	}
	/* sender hardware/protocol address, then target (RFC 826 "Packet
	 * format"); lengths checked above, so the copies cannot fail. */
	cur_copy(&c, out->arp.sha, 6);
	cur_copy(&c, out->arp.spa, 4);
	cur_copy(&c, out->arp.tha, 6);
	cur_copy(&c, out->arp.tpa, 4);
	out->arp.op = op;
	out->l3 = L3_ARP;
	return DEC_OK;
}
