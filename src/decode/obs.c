/* obs.c - observation names and scratch space (see obs.h). */
#include "decode/obs.h"

static const char *const obs_names[OBS__COUNT] = {
	[OBS_DHCP_MSG_TYPE] = "dhcp-msg-type",
	[OBS_DHCP_HOSTNAME] = "dhcp-hostname",
	[OBS_DHCP_FQDN] = "dhcp-fqdn",
	[OBS_DHCP_VENDOR_CLASS] = "dhcp-vendor-class",
	[OBS_DHCP_CLIENT_ID] = "dhcp-client-id",
	[OBS_DHCP_REQUESTED_IP] = "dhcp-requested-ip",
	[OBS_DHCP_PRL] = "dhcp-prl",
	[OBS_DHCP_ASSIGNED_IP] = "dhcp-assigned-ip",
	[OBS_DHCP_CHADDR] = "dhcp-chaddr",
	[OBS_DHCP6_FQDN] = "dhcp6-fqdn",
	[OBS_DHCP6_VENDOR_CLASS] = "dhcp6-vendor-class",
	[OBS_DHCP6_DUID] = "dhcp6-duid",
	[OBS_DNS_MESSAGE] = "dns-message",
	[OBS_DNS_QUERY] = "dns-query",
	[OBS_DNS_A] = "dns-a",
	[OBS_DNS_AAAA] = "dns-aaaa",
	[OBS_DNS_CNAME] = "dns-cname",
	[OBS_MDNS_SERVICE] = "mdns-service",
	[OBS_MDNS_HOSTNAME] = "mdns-hostname",
	[OBS_MDNS_TXT] = "mdns-txt",
	[OBS_SSDP_SERVER] = "ssdp-server",
	[OBS_SSDP_USN] = "ssdp-usn",
	[OBS_SSDP_NT] = "ssdp-nt",
	[OBS_SSDP_LOCATION] = "ssdp-location",
	[OBS_TLS_SNI] = "tls-sni",
	[OBS_TLS_ALPN] = "tls-alpn",
	[OBS_TLS_VERSION] = "tls-version",
	[OBS_TLS_JA3] = "tls-ja3",
	[OBS_TLS_JA4] = "tls-ja4",
	[OBS_TLS_WEAK] = "tls-weak-offer",
	[OBS_HTTP_HOST] = "http-host",
	[OBS_HTTP_USER_AGENT] = "http-user-agent",
	[OBS_HTTP_REQUEST] = "http-request",
	[OBS_HTTP_AUTH] = "http-auth",
	[OBS_HTTP_SOAP] = "http-soap-action",
	[OBS_NTP] = "ntp",
	[OBS_MIIO_HELLO] = "miio-hello",
	[OBS_MIIO_DEVICE] = "miio-device",
	[OBS_TUYA_DISCOVERY] = "tuya-discovery",
	[OBS_CS2] = "cs2-pppp",
	[OBS_ND_ADDR] = "nd-addr",
	[OBS_APP] = "app",
};

const char *obs_kind_name(enum obs_kind k)
{
	return (unsigned)k < OBS__COUNT && obs_names[k] ? obs_names[k] : "?";
}

char *obs_scratch(struct obs_sink *s, size_t n)
{
	if (!s || !s->scratch || n > s->scratch_cap - s->scratch_used)
		return NULL;
	char *p = s->scratch + s->scratch_used;
	s->scratch_used += n;
	return p;
}
