/* app_dhcp6.c - DHCPv6 (RFC 8415): client identity and names.
 *
 * Client and server messages (not relay-forward/reply) are read; from their
 * options: 1 client identifier (DUID) -> OBS_DHCP6_DUID, 39 client FQDN
 * (RFC 4704) -> OBS_DHCP6_FQDN, 16 vendor class -> OBS_DHCP6_VENDOR_CLASS
 * (the first vendor-class-data item, num = enterprise number).
 */
#include <string.h>

#include "decode/app.h"
#include "decode/decode.h"
#include "decode/dns_wire.h"
#include "lib/cursor.h"

#define DHCP6_MAX_OPTS 64

static void emit_fqdn(struct obs_sink *sink, const uint8_t *v, size_t n)
{
	char name[DNS_NAME_MAX + 1];
	size_t len = n > 1 ? dns_labels_text(v + 1, n - 1, name) : 0; /* after flags */
	char *s = len ? obs_scratch(sink, len) : NULL;
	if (!s)
		return;
	memcpy(s, name, len);
	struct obs o = obs_make(OBS_DHCP6_FQDN);
	o.str = s;
	o.len = len;
	obs_emit(sink, &o);
}

int app_dhcp6(const uint8_t *p, size_t len, struct obs_sink *sink)
{
	struct cur c = cur_make(p, len);
	uint8_t type;
	if (!cur_u8(&c, &type) || !cur_skip(&c, 3))
		return DEC_E_TRUNC;
	if (type == 0 || type == 12 || type == 13 || type > 36)
		return DEC_E_UNSUPP; /* relay messages and unknown types */
	for (int k = 0; c.n > 0; k++) {
		uint16_t code, olen;
		const uint8_t *v;
		if (k == DHCP6_MAX_OPTS)
			return DEC_E_DEPTH;
		if (!cur_u16(&c, &code) || !cur_u16(&c, &olen) || !cur_take(&c, &v, olen))
			return DEC_E_TRUNC;
		struct obs o;
		switch (code) {
		case 1: obs_emit_bytes(sink, OBS_DHCP6_DUID, v, olen); break;
		case 39: emit_fqdn(sink, v, olen); break;
		case 16:
			if (olen >= 6) {
				size_t dl = (size_t)v[4] << 8 | v[5];
				if (dl && dl <= (size_t)olen - 6) {
					o = obs_make(OBS_DHCP6_VENDOR_CLASS);
					o.num = (uint64_t)v[0] << 24 | (uint64_t)v[1] << 16 | (uint64_t)v[2] << 8 | v[3];
					o.str = (const char *)v + 6;
					o.len = dl;
					obs_emit(sink, &o);
				}
			}
			break;
		default:
			break;
		}
	}
	return DEC_OK;
}
