/* addr.c - IP and MAC address helpers (see addr.h). */
#include "lib/addr.h"
#include "lib/fmt.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

static const uint8_t v4_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

void addr_from_v4(struct ip_addr *a, const uint8_t v4[static 4])
{
	memcpy(a->b, v4_prefix, 12);
	memcpy(a->b + 12, v4, 4);
}

void addr_from_v6(struct ip_addr *a, const uint8_t v6[static 16])
{
	memcpy(a->b, v6, 16);
}

bool addr_is_v4(const struct ip_addr *a)
{
	return memcmp(a->b, v4_prefix, 12) == 0;
}

bool addr_is_zero(const struct ip_addr *a)
{
	static const uint8_t z[16];
	if (addr_is_v4(a))
		return memcmp(a->b + 12, z, 4) == 0;
	return memcmp(a->b, z, 16) == 0;
}

bool addr_eq(const struct ip_addr *a, const struct ip_addr *b)
{
	return memcmp(a->b, b->b, 16) == 0;
}

int addr_cmp(const struct ip_addr *a, const struct ip_addr *b)
{
	return memcmp(a->b, b->b, 16);
}

const char *addr_fmt(const struct ip_addr *a, char buf[static ADDR_STRLEN])
{
	if (!addr_is_v4(a)) {
		inet_ntop(AF_INET6, a->b, buf, ADDR_STRLEN);
		return buf;
	}
	/* dotted quad by hand: inet_ntop goes through sprintf, and ARP
	 * claims are formatted per packet */
	char *o = buf;
	for (int i = 12; i < 16; i++) {
		o += fmt_dec(o, a->b[i]);
		*o++ = '.';
	}
	o[-1] = '\0';
	return buf;
}

int addr_parse(struct ip_addr *a, const char *s)
{
	uint8_t b[16];
	if (inet_pton(AF_INET, s, b) == 1) {
		addr_from_v4(a, b);
		return 0;
	}
	if (inet_pton(AF_INET6, s, b) == 1) {
		addr_from_v6(a, b);
		return 0;
	}
	return -1;
}

/* IPv4 prefix match on the host-order value. */
static bool in4(uint32_t v, uint32_t net, int bits)
{
	uint32_t mask = bits ? ~0u << (32 - bits) : 0;
	return (v & mask) == net;
}

static enum addr_scope scope4(const uint8_t *p)
{
	uint32_t v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	if (v == 0)
		return SCOPE_UNSPEC;
	if (v == 0xffffffffu)
		return SCOPE_BROADCAST;
	if (in4(v, 0x7f000000u, 8))
		return SCOPE_LOOPBACK;
	if (in4(v, 0x0a000000u, 8) || in4(v, 0xac100000u, 12) || in4(v, 0xc0a80000u, 16))
		return SCOPE_PRIVATE;
	if (in4(v, 0x64400000u, 10))
		return SCOPE_CGNAT;
	if (in4(v, 0xa9fe0000u, 16))
		return SCOPE_LINKLOCAL;
	if (in4(v, 0xe0000000u, 4))
		return SCOPE_MULTICAST;
	/* RFC 6890 special-purpose blocks that are not on the internet:
	 * 0/8 this network, 192.0.0/24 IETF, 192.0.2/24, 198.51.100/24,
	 * 203.0.113/24 documentation, 198.18/15 benchmarking, 240/4 reserved. */
	if (in4(v, 0x00000000u, 8) || in4(v, 0xc0000000u, 24) || in4(v, 0xc0000200u, 24) ||
	    in4(v, 0xc6336400u, 24) || in4(v, 0xcb007100u, 24) || in4(v, 0xc6120000u, 15) ||
	    in4(v, 0xf0000000u, 4))
		return SCOPE_RESERVED;
	return SCOPE_GLOBAL;
}

enum addr_ip4in6 addr_ip4in6(const struct ip_addr *a, struct ip_addr *v4)
{
	const uint8_t *p = a->b;
	static const uint8_t wkp[12] = { 0x00, 0x64, 0xff, 0x9b };            /* 64:ff9b::/96 */
	static const uint8_t local[12] = { 0x00, 0x64, 0xff, 0x9b, 0x00, 0x01 }; /* 64:ff9b:1::/96 */
	if (addr_is_v4(a))
		return ADDR_4IN6_NONE;
	if (memcmp(p, wkp, 12) == 0 || memcmp(p, local, 12) == 0) {
		/* RFC 6052 section 2.2: a /96 prefix, the IPv4 address last */
		addr_from_v4(v4, p + 12);
		return ADDR_4IN6_NAT64;
	}
	if (p[0] == 0x20 && p[1] == 0x02) {
		/* RFC 3056 section 2: 2002:V4ADDR::/48 */
		addr_from_v4(v4, p + 2);
		return ADDR_4IN6_6TO4;
	}
	if (p[0] == 0x20 && p[1] == 0x01 && p[2] == 0 && p[3] == 0) {
		/* RFC 4380 section 4: 2001:0::/32, server, flags, port, and the
		 * client's public IPv4 address with every bit inverted */
		uint8_t c[4] = { (uint8_t)~p[12], (uint8_t)~p[13], (uint8_t)~p[14], (uint8_t)~p[15] };
		addr_from_v4(v4, c);
		return ADDR_4IN6_TEREDO;
	}
	return ADDR_4IN6_NONE;
}

const char *addr_ip4in6_name(enum addr_ip4in6 k)
{
	return k == ADDR_4IN6_NAT64 ? "nat64" : k == ADDR_4IN6_6TO4 ? "6to4" : k == ADDR_4IN6_TEREDO ? "teredo" : "";
}

enum addr_scope addr_scope(const struct ip_addr *a)
{
	const uint8_t *p = a->b;
	static const uint8_t z[16];
	static const uint8_t one[16] = { [15] = 1 };
	if (addr_is_v4(a))
		return scope4(p + 12);
	if (memcmp(p, z, 16) == 0)
		return SCOPE_UNSPEC;
	if (memcmp(p, one, 16) == 0)
		return SCOPE_LOOPBACK;
	if (p[0] == 0xff)
		return SCOPE_MULTICAST;
	if (p[0] == 0xfe && (p[1] & 0xc0) == 0x80)
		return SCOPE_LINKLOCAL;
	if ((p[0] & 0xfe) == 0xfc)
		return SCOPE_ULA;
	struct ip_addr v4;
	if (p[0] == 0x00 && addr_ip4in6(a, &v4) == ADDR_4IN6_NAT64)
		/* a NAT64 address is where its IPv4 address is; RFC 6052
		 * section 3.1: the well-known prefix never carries a
		 * non-global one */
		return scope4(v4.b + 12) == SCOPE_GLOBAL ? SCOPE_GLOBAL : SCOPE_RESERVED;
	if (p[0] == 0x20 && p[1] == 0x01 && p[2] == 0x0d && p[3] == 0xb8)
		return SCOPE_RESERVED; /* 2001:db8::/32 documentation */
	if ((p[0] & 0xe0) != 0x20)
		return SCOPE_RESERVED; /* outside 2000::/3, the global unicast space */
	return SCOPE_GLOBAL;
}

const char *addr_scope_name(enum addr_scope s)
{
	static const char *const names[] = {
		[SCOPE_UNSPEC] = "unspecified", [SCOPE_LOOPBACK] = "loopback",
		[SCOPE_PRIVATE] = "private",    [SCOPE_CGNAT] = "cgnat",
		[SCOPE_LINKLOCAL] = "link-local", [SCOPE_ULA] = "ula",
		[SCOPE_MULTICAST] = "multicast", [SCOPE_BROADCAST] = "broadcast",
		[SCOPE_RESERVED] = "reserved",  [SCOPE_GLOBAL] = "internet",
	};
	return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

/* As addr_scope() would say unspecified, loopback, private, CGNAT,
 * link-local or ULA, without the rest of its tests: asked for both ends
 * of nearly every packet. */
bool addr_is_local(const struct ip_addr *a)
{
	const uint8_t *p = a->b;
	if (addr_is_v4(a)) {
		p += 12;
		return (p[0] | p[1] | p[2] | p[3]) == 0 || p[0] == 127 || p[0] == 10 ||
		       (p[0] == 172 && (p[1] & 0xf0) == 16) || (p[0] == 192 && p[1] == 168) ||
		       (p[0] == 100 && (p[1] & 0xc0) == 64) || (p[0] == 169 && p[1] == 254);
	}
	if ((p[0] & 0xfe) == 0xfc || (p[0] == 0xfe && (p[1] & 0xc0) == 0x80))
		return true;
	if (p[0] != 0)
		return false;
	for (int i = 1; i < 15; i++)
		if (p[i])
			return false;
	return p[15] <= 1; /* :: and ::1 */
}

/* As addr_scope() would say multicast or broadcast, without the rest of
 * its tests: asked for both ends of nearly every packet. */
bool addr_is_group(const struct ip_addr *a)
{
	if (addr_is_v4(a)) {
		const uint8_t *p = a->b + 12;
		return (p[0] & 0xf0) == 0xe0 || (p[0] == 0xff && p[1] == 0xff && p[2] == 0xff && p[3] == 0xff);
	}
	return a->b[0] == 0xff;
}

const char *mac_fmt(const uint8_t mac[static 6], char buf[static MAC_STRLEN])
{
	snprintf(buf, MAC_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
		 mac[3], mac[4], mac[5]);
	return buf;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int mac_parse(uint8_t mac[static 6], const char *s)
{
	for (int i = 0; i < 6; i++) {
		int hi = hexval((unsigned char)s[0]);
		int lo = hi < 0 ? -1 : hexval((unsigned char)s[1]);
		if (lo < 0)
			return -1;
		mac[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (i < 5) {
			if (*s != ':' && *s != '-')
				return -1;
			s++;
		}
	}
	return *s ? -1 : 0;
}

bool mac_is_group(const uint8_t mac[static 6])
{
	return mac[0] & 1;
}

bool mac_is_local_admin(const uint8_t mac[static 6])
{
	return mac[0] & 2;
}

bool mac_is_zero(const uint8_t mac[static 6])
{
	static const uint8_t z[6];
	return memcmp(mac, z, 6) == 0;
}
