/* app_dhcp.c - DHCPv4 (RFC 2131, options RFC 2132): how a device names and
 * describes itself when it asks for an address.
 *
 * Emits, in packet order: OBS_DHCP_CHADDR (op, giaddr, and the Ethernet
 * hardware address),
 * one observation per known option (12 hostname, 81 client FQDN, 60 vendor
 * class, 61 client id, 50 requested IP, 55 parameter request list, 53 message
 * type) and, for a server ACK, OBS_DHCP_ASSIGNED_IP = yiaddr for chaddr.
 * Options in the sname/file fields (option 52 overload) are not read.
 */
#include <string.h>

#include "decode/app.h"
#include "decode/decode.h"
#include "decode/dns_wire.h"
#include "lib/cursor.h"
#include "lib/fmt.h"

#define BOOTP_FIXED 236
#define DHCP_MAGIC 0x63825363u
#define DHCP_MAX_OPTS 128

#define DHCPACK 5

static void emit_str(struct obs_sink *sink, enum obs_kind k, const uint8_t *v, size_t n)
{
	/* some clients count the terminating NUL in the length */
	while (n && v[n - 1] == 0)
		n--;
	if (!n)
		return;
	struct obs o = obs_make(k);
	o.str = (const char *)v;
	o.len = n;
	obs_emit(sink, &o);
}

/* Option 81 (RFC 4702): flags, rcode1, rcode2, then the name, in DNS wire
 * format when the E flag is set, else ASCII (deprecated but common). */
static void emit_fqdn(struct obs_sink *sink, const uint8_t *v, size_t n)
{
	char name[DNS_NAME_MAX + 1];
	if (n < 4)
		return;
	if (!(v[0] & 0x04)) {
		emit_str(sink, OBS_DHCP_FQDN, v + 3, n - 3);
		return;
	}
	size_t len = dns_labels_text(v + 3, n - 3, name);
	if (!len)
		return;
	char *s = obs_scratch(sink, len);
	if (s) {
		memcpy(s, name, len);
		emit_str(sink, OBS_DHCP_FQDN, (const uint8_t *)s, len);
	}
}

static void emit_prl(struct obs_sink *sink, const uint8_t *v, size_t n)
{
	char *s = obs_scratch(sink, 4 * n + 1);
	size_t k = 0;
	if (!s || !n)
		return;
	for (size_t i = 0; i < n; i++) { /* "1,3,6,15": at most 4 bytes each */
		if (i)
			s[k++] = ',';
		k += fmt_dec(s + k, v[i]);
	}
	s[k] = '\0';
	struct obs o = obs_make(OBS_DHCP_PRL);
	o.bytes = v;
	o.nbytes = n;
	o.str = s;
	o.len = k;
	obs_emit(sink, &o);
}

/* Who the options are about (chaddr, when Ethernet), what the message is
 * (op) and whether a relay agent forwarded it (giaddr, RFC 2131 4.1). */
static void emit_chaddr(struct obs_sink *sink, uint8_t op, const uint8_t *giaddr, const uint8_t *chaddr)
{
	struct obs o = obs_make(OBS_DHCP_CHADDR);
	o.num = op;
	addr_from_v4(&o.addr, giaddr);
	if (chaddr) {
		memcpy(o.mac, chaddr, 6);
		o.has_mac = 1;
	}
	obs_emit(sink, &o);
}

int app_dhcp(const uint8_t *p, size_t len, struct obs_sink *sink)
{
	struct cur c = cur_make(p, len);
	uint8_t op, htype, hlen;
	uint32_t magic;
	if (len < BOOTP_FIXED + 4)
		return DEC_E_TRUNC;
	cur_u8(&c, &op);
	cur_u8(&c, &htype);
	cur_u8(&c, &hlen);
	if (op != 1 && op != 2)
		return DEC_E_MALFORMED;
	const uint8_t *yiaddr = p + 16, *giaddr = p + 24, *chaddr = p + 28;
	cur_skip(&c, BOOTP_FIXED - 3);
	cur_u32(&c, &magic);
	if (magic != DHCP_MAGIC)
		return DEC_E_BADVER; /* plain BOOTP */
	bool ether = htype == 1 && hlen == 6;
	emit_chaddr(sink, op, giaddr, ether ? chaddr : NULL);

	int msg_type = 0, status = DEC_OK;
	for (int k = 0;; k++) {
		uint8_t code, olen;
		const uint8_t *v;
		if (k == DHCP_MAX_OPTS) {
			status = DEC_E_DEPTH;
			break;
		}
		if (!cur_u8(&c, &code)) {
			status = DEC_E_TRUNC; /* no end option */
			break;
		}
		if (code == 0)
			continue; /* pad */
		if (code == 255)
			break;
		if (!cur_u8(&c, &olen) || !cur_take(&c, &v, olen)) {
			status = DEC_E_TRUNC;
			break;
		}
		struct obs o;
		switch (code) {
		case 12: emit_str(sink, OBS_DHCP_HOSTNAME, v, olen); break;
		case 60: emit_str(sink, OBS_DHCP_VENDOR_CLASS, v, olen); break;
		case 81: emit_fqdn(sink, v, olen); break;
		case 55: emit_prl(sink, v, olen); break;
		case 61: obs_emit_bytes(sink, OBS_DHCP_CLIENT_ID, v, olen); break;
		case 50:
			if (olen == 4) {
				o = obs_make(OBS_DHCP_REQUESTED_IP);
				addr_from_v4(&o.addr, v);
				obs_emit(sink, &o);
			}
			break;
		case 53:
			if (olen == 1) {
				msg_type = v[0];
				o = obs_make(OBS_DHCP_MSG_TYPE);
				o.num = v[0];
				obs_emit(sink, &o);
			}
			break;
		default:
			break;
		}
	}
	static const uint8_t zero4[4];
	if (op == 2 && msg_type == DHCPACK && ether && memcmp(yiaddr, zero4, 4) != 0) {
		struct obs o = obs_make(OBS_DHCP_ASSIGNED_IP);
		addr_from_v4(&o.addr, yiaddr);
		memcpy(o.mac, chaddr, 6);
		o.has_mac = 1;
		obs_emit(sink, &o);
	}
	return status;
}
