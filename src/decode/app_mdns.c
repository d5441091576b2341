/* app_mdns.c - multicast DNS and DNS-SD (RFC 6762, RFC 6763): the names and
 * services a device announces about itself.
 *
 * All record sections are read (answers, authority and additional), since
 * announcements put the SRV, TXT and address records in any of them:
 *   PTR  _svc._proto.local -> Instance._svc._proto.local
 *        OBS_MDNS_SERVICE, str = "_svc._proto", str2 = "Instance"
 *   SRV  Instance._svc._proto.local -> host.local   OBS_MDNS_HOSTNAME (no addr)
 *   A / AAAA  host.local -> address                 OBS_MDNS_HOSTNAME + addr
 *   TXT  one OBS_MDNS_TXT per non-empty string, str = owner, str2 = "k=v"
 * Questions are not reported: they name what others are looked for.
 * The cache-flush bit (top bit of the class, RFC 6762 10.2) is ignored.
 */
#include <string.h>

#include "decode/app.h"
#include "decode/decode.h"
#include "decode/dns_wire.h"

#define MDNS_MAX_RR 64
#define MDNS_MAX_TXT 32

static bool ends_with(const char *s, size_t n, const char *suf)
{
	size_t k = strlen(suf);
	return n >= k && dns_name_eq(s + n - k, k, suf, k);
}

/* "_hap._tcp.local" -> "_hap._tcp"; false when not a service type. */
static bool service_type(const char *s, size_t n, size_t *tlen)
{
	if (!ends_with(s, n, ".local") || n < 7 || s[0] != '_')
		return false;
	*tlen = n - 6;
	return true;
}

static void on_ptr(const uint8_t *p, const struct dns_rr *rr, struct obs_sink *sink)
{
	char target[DNS_NAME_MAX + 1];
	size_t tl, off = rr->rdata_off;
	if (!service_type(rr->name, rr->name_len, &tl))
		return; /* reverse mapping (in-addr.arpa) or not DNS-SD */
	int n = dns_read_name(p, rr->rdata_off + rr->rdlen, &off, target);
	if (n < 0)
		return;
	struct obs o = obs_make(OBS_MDNS_SERVICE);
	if (dns_name_eq(rr->name, rr->name_len, "_services._dns-sd._udp.local", 28)) {
		/* service enumeration: the target is a service type */
		size_t t2;
		if (!service_type(target, (size_t)n, &t2))
			return;
		o.str = target;
		o.len = t2;
	} else {
		/* Instance.<type>.local: the instance is what precedes the type */
		size_t suffix = rr->name_len + 1;
		o.str = rr->name;
		o.len = tl;
		if ((size_t)n > suffix && ends_with(target, (size_t)n, rr->name) &&
		    target[(size_t)n - suffix] == '.') {
			o.str2 = target;
			o.len2 = (size_t)n - suffix;
		}
	}
	obs_emit(sink, &o);
}

static void on_srv(const uint8_t *p, const struct dns_rr *rr, struct obs_sink *sink)
{
	char target[DNS_NAME_MAX + 1];
	size_t off = rr->rdata_off + 6; /* priority, weight, port */
	if (rr->rdlen < 7)
		return;
	int n = dns_read_name(p, rr->rdata_off + rr->rdlen, &off, target);
	if (n <= 0 || !ends_with(target, (size_t)n, ".local"))
		return;
	struct obs o = obs_make(OBS_MDNS_HOSTNAME);
	o.str = target;
	o.len = (size_t)n;
	obs_emit(sink, &o);
}

static void on_txt(const uint8_t *p, const struct dns_rr *rr, struct obs_sink *sink)
{
	size_t off = rr->rdata_off, end = rr->rdata_off + rr->rdlen;
	for (int k = 0; k < MDNS_MAX_TXT && off < end; k++) {
		size_t l = p[off++];
		if (l > end - off)
			return;
		if (l) {
			struct obs o = obs_make(OBS_MDNS_TXT);
			o.str = rr->name;
			o.len = rr->name_len;
			o.str2 = (const char *)p + off;
			o.len2 = l;
			obs_emit(sink, &o);
		}
		off += l;
	}
}

int app_mdns(const uint8_t *p, size_t len, struct obs_sink *sink)
{
	struct dns_hdr h;
	struct dns_rr rr;
	char qname[DNS_NAME_MAX + 1];
	size_t off = DNS_HDR_LEN;
	(void)sink;
	if (!dns_read_hdr(p, len, &h))
		return DEC_E_TRUNC;
	if ((h.flags >> 11) & 0xf)
		return DEC_E_UNSUPP;
	for (unsigned i = 0; i < h.qd; i++) {
		uint16_t qt, qc;
		int r = dns_read_question(p, len, &off, qname, &qt, &qc);
		if (r < 0)
			return r;
	}
	unsigned total = (unsigned)h.an + h.ns + h.ar;
	if (total > MDNS_MAX_RR)
		total = MDNS_MAX_RR;
	for (unsigned i = 0; i < total; i++) {
		int r = dns_read_rr(p, len, &off, &rr);
		if (r < 0)
			return r;
		if ((rr.cls & 0x7fff) != 1)
			continue;
		switch (rr.type) {
		case DNS_T_PTR: on_ptr(p, &rr, sink); break;
		case DNS_T_SRV: on_srv(p, &rr, sink); break;
		case DNS_T_TXT: on_txt(p, &rr, sink); break;
		case DNS_T_A:
		case DNS_T_AAAA: {
			if (rr.rdlen != (rr.type == DNS_T_A ? 4 : 16) ||
			    !ends_with(rr.name, rr.name_len, ".local"))
				break;
			struct obs o = obs_make(OBS_MDNS_HOSTNAME);
			o.str = rr.name;
			o.len = rr.name_len;
			if (rr.type == DNS_T_A)
				addr_from_v4(&o.addr, p + rr.rdata_off);
			else
				addr_from_v6(&o.addr, p + rr.rdata_off);
			obs_emit(sink, &o);
			break;
		}
		default:
			break;
		}
	}
	return DEC_OK;
}
