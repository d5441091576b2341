/* tunnel.c - IP in IP: IPv4 in IPv4 (RFC 2003), IPv6 in IPv4 (6in4,
 * RFC 4213, common with tunnel brokers) and IPv4 or IPv6 in IPv6 (RFC 2473,
 * DS-Lite). What a device says is in the inner packet, so the packet is
 * decoded through to it; the outer addresses are dropped, the frame's MAC
 * addresses kept. Nesting is bounded by PKT_MAX_TUNNELS.
 */
#include "decode/decode.h"

int decode_tunnel(struct dec_ctx *ctx, uint8_t proto, const uint8_t *p, size_t len, struct pkt *out)
{
	if (out->tunnels >= PKT_MAX_TUNNELS) {
		ctx->stats.n[DC_TUNNEL_DEPTH]++;
		return DEC_E_DEPTH;
	}
	out->tunnels++;
	ctx->stats.n[DC_TUNNEL]++;
	return proto == 4 ? decode_ipv4(ctx, p, len, out) : decode_ipv6(ctx, p, len, out);
}
