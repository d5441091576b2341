/* services.c - the one table of well-known service ports: which application
 * a port carries, whether it is encrypted, and whether the port is a
 * server's (the responder's) or a client's (DHCP clients send from 68).
 * Used for the first guess of a destination's application and for deciding
 * which end of a flow is the server (direction.c). One line per service. */
#include <netinet/in.h>
#include <stddef.h>

#include "track/internal.h"

#define T IPPROTO_TCP
#define U IPPROTO_UDP
static const struct service services[] = {
	/* proto, port, app, encrypted, server side */
	{ U, 53, APP_DNS, ENC_NO, 1 },        { T, 53, APP_DNS, ENC_NO, 1 },
	{ U, 5353, APP_MDNS, ENC_NO, 1 },     { U, 67, APP_DHCP, ENC_NO, 1 },
	{ U, 68, APP_DHCP, ENC_NO, 0 },       { U, 547, APP_DHCP6, ENC_NO, 1 },
	{ U, 546, APP_DHCP6, ENC_NO, 0 },     { U, 1900, APP_SSDP, ENC_NO, 1 },
	{ U, 123, APP_NTP, ENC_NO, 1 },       { U, 443, APP_QUIC, ENC_LIKELY, 1 },
	{ U, 5355, APP_LLMNR, ENC_NO, 1 },    { U, 137, APP_NETBIOS, ENC_NO, 1 },
	{ U, 138, APP_NETBIOS, ENC_NO, 1 },   { U, 54321, APP_MIIO, ENC_YES, 1 },
	{ U, 8053, APP_MIIO, ENC_YES, 1 },    { U, 6666, APP_TUYA, ENC_YES, 1 },
	{ U, 6667, APP_TUYA, ENC_YES, 1 },
	/* udp/80: the Mi Home cloud (ot.io.mi.com) among others; a device
	 * reaches it from its miIO port 54321 */
	{ U, 80, APP_UNKNOWN, ENC_UNKNOWN, 1 },
	/* CS2 Network P2P (PPPP): the rendezvous/relay servers listen on
	 * 32100 (some deployments also on 32101-32102), LAN search on 32108 */
	{ U, 32100, APP_CS2, ENC_UNKNOWN, 1 }, { U, 32101, APP_CS2, ENC_UNKNOWN, 1 },
	{ U, 32102, APP_CS2, ENC_UNKNOWN, 1 }, { U, 32108, APP_CS2, ENC_UNKNOWN, 1 },
	{ T, 80, APP_HTTP, ENC_NO, 1 },       { T, 8080, APP_HTTP, ENC_NO, 1 },
	{ T, 443, APP_TLS, ENC_LIKELY, 1 },   { T, 8443, APP_TLS, ENC_LIKELY, 1 },
	{ T, 853, APP_TLS, ENC_LIKELY, 1 },   { T, 8883, APP_TLS, ENC_LIKELY, 1 },
	{ T, 993, APP_TLS, ENC_LIKELY, 1 },   { T, 995, APP_TLS, ENC_LIKELY, 1 },
	{ T, 465, APP_TLS, ENC_LIKELY, 1 },   { T, 5223, APP_TLS, ENC_LIKELY, 1 },
	{ T, 1883, APP_MQTT, ENC_NO, 1 },     { T, 55443, APP_YEELIGHT, ENC_NO, 1 },
	{ T, 22, APP_UNKNOWN, ENC_LIKELY, 1 }, { T, 5061, APP_UNKNOWN, ENC_LIKELY, 1 },
	{ T, 21, APP_UNKNOWN, ENC_NO, 1 },    { T, 23, APP_UNKNOWN, ENC_NO, 1 },
};
#undef T
#undef U

const struct service *service_lookup(uint8_t proto, uint16_t port)
{
	for (size_t i = 0; i < sizeof services / sizeof services[0]; i++)
		if (services[i].proto == proto && services[i].port == port)
			return &services[i];
	return NULL;
}

bool service_port(uint8_t proto, uint16_t port)
{
	const struct service *s = service_lookup(proto, port);
	return s && s->server;
}
