/* app_ntp.c - NTP (RFC 5905 section 7.3; control messages, mode 6, RFC 9327):
 * version and mode, enough to say "this is time sync, in cleartext". */
#include "decode/app.h"
#include "decode/decode.h"

#define NTP_HDR_LEN 48
#define NTP_CTL_HDR_LEN 12

int app_ntp(const uint8_t *p, size_t len, struct obs_sink *sink)
{
	if (len < 1)
		return DEC_E_TRUNC;
	unsigned vn = (p[0] >> 3) & 7, mode = p[0] & 7;
	if (vn < 1 || vn > 4 || mode == 0)
		return DEC_E_BADVER;
	if (len < (mode >= 6 ? NTP_CTL_HDR_LEN : NTP_HDR_LEN))
		return DEC_E_TRUNC;
	struct obs o = obs_make(OBS_NTP);
	o.num = vn << 8 | mode;
	obs_emit(sink, &o);
	return DEC_OK;
}
