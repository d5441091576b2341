/* tcp.c - the TCP header (RFC 9293 section 3.1).
 *
 * Options are stepped over, not parsed: nothing downstream needs them. The
 * payload is what follows the data offset, up to what the IP layer says the
 * segment holds.
 */
#include "decode/decode.h"

#include "lib/cursor.h"

#define TCP_MIN_HDR 20

int decode_tcp(struct dec_ctx *ctx, const uint8_t *p, size_t len, struct pkt *out)
{
	struct cur c = cur_make(p, len);
	uint16_t sport, dport, win, csum, urg;
	uint32_t seq, ack;
	uint8_t off, flags;
	out->l4proto = 6;
	if (c.n < TCP_MIN_HDR) {
		ctx->stats.n[DC_TCP_BAD]++;
		return DEC_E_TRUNC;
	}
	cur_u16(&c, &sport);
	cur_u16(&c, &dport);
	cur_u32(&c, &seq);
	cur_u32(&c, &ack);
	cur_u8(&c, &off);
	cur_u8(&c, &flags); /* CWR ECE URG ACK PSH RST SYN FIN */
	cur_u16(&c, &win);
	cur_u16(&c, &csum);
	cur_u16(&c, &urg);
	(void)win, (void)csum, (void)urg;
	size_t hlen = (size_t)(off >> 4) * 4; /* data offset: 32-bit words, >= 5 */
	if (hlen < TCP_MIN_HDR) {
		ctx->stats.n[DC_TCP_BAD]++;
		return DEC_E_BADLEN;
	}
	if (!cur_skip(&c, hlen - TCP_MIN_HDR)) {
		ctx->stats.n[DC_TCP_BAD]++;
		return DEC_E_TRUNC;
	}
	out->sport = sport;
	out->dport = dport;
	out->tcp_seq = seq;
	out->tcp_ack = ack;
	out->tcp_flags = flags;
	out->payload = c.p;
	out->payload_len = c.n;
	out->has_l4 = 1;
	return DEC_OK;
}
