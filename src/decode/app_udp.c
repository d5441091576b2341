/* app_udp.c - which application decoder reads a UDP datagram. A datagram
 * with 5353 on either side is mDNS; otherwise the destination port is tried
 * first, then the source port. miIO is also read on 8053, where Mi Home
 * devices reach their cloud. */
#include "decode/app.h"

struct udp_app {
	uint16_t port;
	app_decode_fn fn;
};

static const struct udp_app udp_apps[] = {
	{ 53, app_dns },     { 67, app_dhcp },    { 68, app_dhcp },
	{ 546, app_dhcp6 },  { 547, app_dhcp6 },  { 1900, app_ssdp },  { 123, app_ntp },
	{ 54321, app_miio }, { 8053, app_miio }, { 6666, app_tuya },  { 6667, app_tuya },
	{ 32100, app_pppp }, { 32101, app_pppp }, { 32102, app_pppp }, { 32108, app_pppp },
};

static app_decode_fn lookup(uint16_t port)
{
	for (size_t i = 0; i < sizeof udp_apps / sizeof udp_apps[0]; i++)
		if (udp_apps[i].port == port)
			return udp_apps[i].fn;
	return NULL;
}

app_decode_fn app_for_udp(uint16_t sport, uint16_t dport)
{
	if (sport == 5353 || dport == 5353)
		return app_mdns;
	app_decode_fn fn = lookup(dport);
	return fn ? fn : lookup(sport);
}
