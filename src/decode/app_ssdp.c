/* app_ssdp.c - SSDP, the UPnP discovery protocol (UPnP Device Architecture
 * 2.0, section 1): NOTIFY announcements, M-SEARCH requests and their
 * unicast responses, all HTTP heads over UDP 1900.
 *
 * Emits OBS_SSDP_SERVER (SERVER, or USER-AGENT of a search), OBS_SSDP_USN,
 * OBS_SSDP_NT (NT of a NOTIFY, ST of a search or response) and
 * OBS_SSDP_LOCATION, each only when non-empty; num = 1 on all of them when
 * the message is an M-SEARCH (its ST names what the sender looks for, not
 * what it is).
 */
#include <string.h>

#include "decode/app.h"
#include "decode/decode.h"
#include "decode/http_head.h"

static bool starts(const char *s, size_t n, const char *pre)
{
	size_t k = strlen(pre);
	return n >= k && memcmp(s, pre, k) == 0;
}

int app_ssdp(const uint8_t *p, size_t len, struct obs_sink *sink)
{
	struct http_head h;
	struct http_field f;
	const char *line;
	size_t llen;
	if (!http_head_start(&h, p, len, &line, &llen))
		return DEC_E_TRUNC;
	int search = starts(line, llen, "M-SEARCH * HTTP/1.");
	if (!search && !starts(line, llen, "NOTIFY * HTTP/1.") && !starts(line, llen, "HTTP/1."))
		return DEC_E_UNSUPP;
	while (http_head_next(&h, &f)) {
		enum obs_kind k;
		if (http_name_is(&f, "SERVER") || http_name_is(&f, "USER-AGENT"))
			k = OBS_SSDP_SERVER;
		else if (http_name_is(&f, "USN"))
			k = OBS_SSDP_USN;
		else if (http_name_is(&f, "NT") || http_name_is(&f, "ST"))
			k = OBS_SSDP_NT;
		else if (http_name_is(&f, "LOCATION"))
			k = OBS_SSDP_LOCATION;
		else
			continue;
		if (!f.vlen)
			continue;
		struct obs o = obs_make(k);
		o.num = (uint64_t)search;
		o.str = f.value;
		o.len = f.vlen;
		obs_emit(sink, &o);
	}
	return DEC_OK;
}
