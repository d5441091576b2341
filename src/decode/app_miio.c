/* app_miio.c - Xiaomi miIO, the local protocol of Mi Home devices (UDP
 * 54321). Every packet starts with a 32-byte header:
 *
 *   magic 0x2131 | length (whole packet) | unknown (4) | device id (4)
 *   | stamp (4, seconds since the device booted) | checksum (16)
 *
 * followed by the AES-encrypted JSON payload. The discovery "hello" is the
 * bare header with every field after the length set to 0xff; the device
 * answers with its id and stamp (and, unprovisioned, its token in the
 * checksum field). Emits OBS_MIIO_HELLO or OBS_MIIO_DEVICE.
 */
#include "decode/app.h"
#include "decode/decode.h"
#include "lib/cursor.h"

#define MIIO_MAGIC 0x2131
#define MIIO_HDR_LEN 32

/* miIO framed over TCP (Mi Home gateways reach their cloud so, often on
 * port 80): a payload starting with the magic and a whole header. */
bool app_miio_is(const uint8_t *p, size_t len)
{
	return len >= MIIO_HDR_LEN && p[0] == MIIO_MAGIC >> 8 && p[1] == (MIIO_MAGIC & 0xff);
}

int app_miio(const uint8_t *p, size_t len, struct obs_sink *sink)
{
	struct cur c = cur_make(p, len);
	uint16_t magic, plen;
	uint32_t unknown, devid, stamp;
	if (len < MIIO_HDR_LEN)
		return DEC_E_TRUNC;
	cur_u16(&c, &magic);
	cur_u16(&c, &plen);
	cur_u32(&c, &unknown);
	cur_u32(&c, &devid);
	cur_u32(&c, &stamp);
	if (magic != MIIO_MAGIC)
		return DEC_E_BADVER;
	if (plen < MIIO_HDR_LEN || plen > len)
		return DEC_E_BADLEN;
	struct obs o;
	if (plen == MIIO_HDR_LEN && unknown == 0xffffffffu && devid == 0xffffffffu &&
	    stamp == 0xffffffffu) {
		o = obs_make(OBS_MIIO_HELLO);
	} else if (devid != 0 && devid != 0xffffffffu) {
		o = obs_make(OBS_MIIO_DEVICE);
		o.num = devid;
		o.num2 = stamp;
	} else {
		return DEC_E_MALFORMED;
	}
	obs_emit(sink, &o);
	return DEC_OK;
}
