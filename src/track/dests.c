/* dests.c - per-device destination aggregates: (device, remote address,
 * protocol, service port, direction) with bytes each way and the names the
 * remote end goes by. Bounded; when full, new destinations are counted and
 * refused, never evicted (a phone-home map must not silently forget). */
#include <netinet/in.h>
#include <string.h>

#include "track/internal.h"

static const char *const app_names[APP__COUNT] = {
	[APP_UNKNOWN] = "", [APP_DNS] = "dns", [APP_MDNS] = "mdns",
	[APP_DHCP] = "dhcp", [APP_DHCP6] = "dhcpv6", [APP_SSDP] = "ssdp",
	[APP_NTP] = "ntp", [APP_TLS] = "tls", [APP_HTTP] = "http",
	[APP_QUIC] = "quic", [APP_MQTT] = "mqtt", [APP_MIIO] = "miio",
	[APP_TUYA] = "tuya", [APP_LLMNR] = "llmnr", [APP_NETBIOS] = "netbios",
	[APP_ICMP] = "icmp", [APP_YEELIGHT] = "yeelight",
};

const char *app_proto_name(enum app_proto a)
{
	return (unsigned)a < APP__COUNT ? app_names[a] : "";
}

const char *enc_state_name(enum enc_state e)
{
	switch (e) {
	case ENC_YES: return "yes";
	case ENC_LIKELY: return "likely";
	case ENC_NO: return "no";
	default: return "unknown";
	}
}

/* A first guess from the service port; replaced when a decoder sees the
 * real protocol. */
enum app_proto app_guess(uint8_t proto, uint16_t port)
{
	if (proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6)
		return APP_ICMP;
	if (proto == IPPROTO_UDP) {
		switch (port) {
		case 53: return APP_DNS;
		case 5353: return APP_MDNS;
		case 67: case 68: return APP_DHCP;
		case 546: case 547: return APP_DHCP6;
		case 1900: return APP_SSDP;
		case 123: return APP_NTP;
		case 443: return APP_QUIC;
		case 5355: return APP_LLMNR;
		case 137: case 138: return APP_NETBIOS;
		case 54321: return APP_MIIO;
		case 6666: case 6667: return APP_TUYA;
		default: return APP_UNKNOWN;
		}
	}
	if (proto == IPPROTO_TCP) {
		switch (port) {
		case 53: return APP_DNS;
		case 80: case 8080: return APP_HTTP;
		case 443: case 8443: case 853: case 8883: case 993: case 995:
		case 465: case 5223:
			return APP_TLS;
		case 1883: return APP_MQTT;
		case 55443: return APP_YEELIGHT;
		default: return APP_UNKNOWN;
		}
	}
	return APP_UNKNOWN;
}

static enum enc_state enc_guess(uint8_t proto, uint16_t port, enum app_proto app)
{
	switch (app) {
	case APP_TLS: case APP_QUIC:
		return ENC_LIKELY;
	case APP_HTTP: case APP_DNS: case APP_MDNS: case APP_SSDP: case APP_DHCP:
	case APP_DHCP6: case APP_NTP: case APP_MQTT: case APP_LLMNR: case APP_NETBIOS:
	case APP_YEELIGHT:
		return ENC_NO;
	case APP_MIIO: case APP_TUYA:
		return ENC_YES; /* AES payloads behind a cleartext header */
	default:
		break;
	}
	if (proto == IPPROTO_TCP && (port == 22 || port == 5061))
		return ENC_LIKELY;
	if (proto == IPPROTO_TCP && (port == 21 || port == 23))
		return ENC_NO;
	return ENC_UNKNOWN;
}

struct dest *dest_at(struct tracker *t, uint32_t idx)
{
	return idx == TABLE_NONE ? NULL : table_get(t->dests, idx);
}

uint32_t dest_get(struct tracker *t, uint32_t dev, const struct ip_addr *remote, uint8_t proto,
		  uint16_t port, int inbound, uint64_t ts, bool *created)
{
	struct dest_key k;
	memset(&k, 0, sizeof k);
	k.dev = dev;
	k.proto = proto;
	k.inbound = (uint8_t)(inbound != 0);
	k.port = port;
	k.addr = *remote;
	uint32_t idx = table_upsert(t->dests, &k, created);
	if (idx == TABLE_NONE) {
		t->st.dests_refused++;
		return TABLE_NONE;
	}
	struct dest *d = table_get(t->dests, idx);
	if (*created) {
		d->first_us = ts;
		d->app = (uint8_t)app_guess(proto, port);
		d->enc = (uint8_t)enc_guess(proto, port, d->app);
		struct device *dv = dev_at(t, dev);
		if (dv)
			dv->n_dests++;
	}
	if (ts < d->first_us)
		d->first_us = ts; /* a later file may hold earlier packets */
	if (ts > d->last_us)
		d->last_us = ts;
	if (d->flows && ts > d->last_flow_us) {
		double gap = (double)(ts - d->last_flow_us) / 1e6;
		d->n_gaps++;
		d->gap_sum += gap;
		d->gap_sq += gap * gap;
	}
	d->last_flow_us = ts;
	d->flows++;
	if (!d->dns_name)
		d->dns_name = names_get(t, dev, remote);
	return idx;
}
