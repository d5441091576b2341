/* app_pppp.c - CS2 Network P2P, "PPPP" (the protocol of iLnkP2P and many
 * white-label camera SDKs): every datagram is one message, magic 0xf1, a
 * message type, and a big-endian 16-bit length of the body that follows.
 * The types are public (Wireshark dissectors and open clients list them);
 * those seen here: HELLO 0x00 / HELLO_ACK 0x01 (to the rendezvous server on
 * udp/32100), DEV_LGN* 0x10-0x15 (a device logs in with its id), P2P_REQ
 * 0x20/0x21, LAN_SEARCH/NOTIFY 0x30-0x32 (udp/32108), PUNCH_TO/PUNCH_PKT/
 * P2P_RDY 0x40-0x43 (hole punching), RLY_* 0x70-0x84 (relay), DRW 0xd0 and
 * DRW_ACK 0xd1 (data), ALIVE 0xe0/0xe1, CLOSE 0xf0, REPORT_SESSION_RDY 0xf9.
 * Bodies are vendor-encrypted or opaque: only the header is read. */
#include "decode/app.h"
#include "decode/decode.h"
#include "lib/cursor.h"

#define PPPP_MAGIC 0xf1

/* The message types CS2 defines; any other type byte is not PPPP. */
static bool pppp_type_known(uint8_t t)
{
	switch (t) {
	case 0x00: case 0x01: case 0x02: case 0x03: case 0x08: case 0x09:
	case 0x10: case 0x11: case 0x12: case 0x13: case 0x14: case 0x15:
	case 0x18: case 0x19: case 0x20: case 0x21: case 0x30: case 0x31:
	case 0x32: case 0x40: case 0x41: case 0x42: case 0x43: case 0x60:
	case 0x61: case 0x62: case 0x63: case 0x67: case 0x68: case 0x69:
	case 0x70: case 0x71: case 0x72: case 0x73: case 0x74: case 0x80:
	case 0x81: case 0x82: case 0x83: case 0x84: case 0xd0: case 0xd1:
	case 0xe0: case 0xe1: case 0xf0: case 0xf9:
		return true;
	default:
		return false;
	}
}

/* True when a datagram is one CS2 PPPP message (magic, known type, exact
 * length): P2P peers use any port, so the content must say it. */
bool app_pppp_is(const uint8_t *p, size_t len)
{
	struct cur c = cur_make(p, len);
	uint8_t magic, type;
	uint16_t blen;
	if (!cur_u8(&c, &magic) || !cur_u8(&c, &type) || !cur_u16(&c, &blen))
		return false;
	return magic == PPPP_MAGIC && pppp_type_known(type) && blen == c.n;
}

int app_pppp(const uint8_t *p, size_t len, struct obs_sink *sink)
{
	if (len < 4)
		return DEC_E_TRUNC;
	if (p[0] != PPPP_MAGIC || !pppp_type_known(p[1]))
		return DEC_E_BADVER;
	if (!app_pppp_is(p, len))
		return DEC_E_BADLEN;
	struct obs o = obs_make(OBS_CS2);
	o.num = p[1];
	obs_emit(sink, &o);
	return DEC_OK;
}
