/* app_ndp.c - IPv6 Neighbor Discovery (RFC 4861): which MAC owns which
 * address.
 *
 * Input is the whole ICMPv6 message, from the type byte. One observation per
 * message, OBS_ND_ADDR with num = the ICMPv6 type:
 *   - Neighbor Advertisement (136) with a Target Link-Layer Address option:
 *     addr = the target, mac = the option: "target is at mac";
 *   - Router Solicitation (133), Router Advertisement (134) and Neighbor
 *     Solicitation (135) with a Source Link-Layer Address option:
 *     addr = all zero, mac = the option: "the sender of this packet (its
 *     IPv6 source) is at mac". The NS target is the address being asked
 *     about, not the sender's, so it is not reported.
 * Redirect (137) is validated but reports nothing: its target is a router
 * the sender recommends, not itself.
 */
#include "decode/app.h"
#include "decode/decode.h"

#include "lib/cursor.h"

#define ND_RS 133
#define ND_RA 134
#define ND_NS 135
#define ND_NA 136
#define ND_REDIRECT 137

#define OPT_SLLA 1 /* RFC 4861 4.6.1 Source Link-Layer Address */
#define OPT_TLLA 2 /*                  Target Link-Layer Address */
#define ND_MAX_OPTS 32

int app_ndp(const uint8_t *p, size_t len, struct obs_sink *sink)
{
	struct cur c = cur_make(p, len);
	uint8_t type, code;
	uint16_t csum;
	uint8_t target[16] = { 0 };
	size_t fixed; /* message body before the options (RFC 4861 section 4) */
	if (!cur_u8(&c, &type) || !cur_u8(&c, &code) || !cur_u16(&c, &csum))
		return DEC_E_TRUNC;
	(void)csum;
	switch (type) {
	case ND_RS: fixed = 4; break;       /* reserved */
	case ND_RA: fixed = 12; break;      /* hop limit, flags, lifetime, timers */
	case ND_NS:
	case ND_NA: fixed = 4 + 16; break;  /* reserved or flags, target */
	case ND_REDIRECT: fixed = 4 + 16 + 16; break; /* target, destination */
	default: return DEC_E_UNSUPP;
	}
	/* Sections 6.1.1, 6.1.2, 7.1.1, 7.1.2, 8.1: code must be 0. */
	if (code != 0)
		return DEC_E_MALFORMED;
	if (c.n < fixed)
		return DEC_E_TRUNC;
	if (type == ND_NS || type == ND_NA) {
		cur_skip(&c, 4);
		cur_copy(&c, target, 16);
	} else {
		cur_skip(&c, fixed);
	}

	/* Options (section 4.6): type(1), length(1) in units of 8 octets
	 * including these two bytes. */
	uint8_t want = type == ND_NA ? OPT_TLLA : OPT_SLLA;
	uint8_t mac[6];
	int found = 0, status = DEC_OK;
	for (int n = 0; c.n > 0; n++) {
		uint8_t otype, olen;
		struct cur body;
		if (n == ND_MAX_OPTS) {
			status = DEC_E_DEPTH;
			break;
		}
		if (!cur_u8(&c, &otype) || !cur_u8(&c, &olen)) {
			status = DEC_E_TRUNC;
			break;
		}
		/* 4.6: "Nodes MUST silently discard an ND packet that contains
		 * an option with length zero": nothing from it is reported. */
		if (olen == 0)
			return DEC_E_MALFORMED;
		if (!cur_sub(&c, &body, (size_t)olen * 8 - 2)) {
			status = DEC_E_TRUNC; /* cut by the snap length: keep what we saw */
			break;
		}
		/* A 6-byte MAC fills exactly one unit on Ethernet and Wi-Fi
		 * (RFC 2464 section 6); other lengths are other link types. */
		if (otype == want && olen == 1 && !found) {
			cur_copy(&body, mac, 6);
			found = 1;
		}
	}
	if (found && type != ND_REDIRECT) {
		struct obs o = obs_make(OBS_ND_ADDR);
		if (type == ND_NA)
			addr_from_v6(&o.addr, target);
		memcpy(o.mac, mac, 6);
		o.has_mac = 1;
		o.num = type;
		obs_emit(sink, &o);
	}
	return status;
}
