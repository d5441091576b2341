/* addr.h - IP and MAC addresses, their text forms and their scope.
 *
 * One address type serves IPv4 and IPv6: IPv4 is stored IPv4-mapped
 * (::ffff:a.b.c.d, RFC 4291 section 2.5.5.2) so a single 16-byte compare and
 * hash covers both families.
 */
#ifndef ALFOIL_LIB_ADDR_H
#define ALFOIL_LIB_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ip_addr {
	uint8_t b[16];
};

#define ADDR_STRLEN 46 /* INET6_ADDRSTRLEN */
#define MAC_STRLEN 18

void addr_from_v4(struct ip_addr *a, const uint8_t v4[static 4]);
void addr_from_v6(struct ip_addr *a, const uint8_t v6[static 16]);
bool addr_is_v4(const struct ip_addr *a);
bool addr_is_zero(const struct ip_addr *a); /* :: or 0.0.0.0 */
bool addr_eq(const struct ip_addr *a, const struct ip_addr *b);
int addr_cmp(const struct ip_addr *a, const struct ip_addr *b);
/* Text form: dotted quad for IPv4, RFC 5952 for IPv6. Returns buf. */
const char *addr_fmt(const struct ip_addr *a, char buf[static ADDR_STRLEN]);
/* Parse dotted quad or IPv6 text; 0 or -1. */
int addr_parse(struct ip_addr *a, const char *s);

/* Where an address points. Order matters only for readability. */
enum addr_scope {
	SCOPE_UNSPEC,     /* 0.0.0.0, :: */
	SCOPE_LOOPBACK,   /* 127/8, ::1 */
	SCOPE_PRIVATE,    /* RFC 1918 10/8, 172.16/12, 192.168/16 */
	SCOPE_CGNAT,      /* RFC 6598 100.64/10 */
	SCOPE_LINKLOCAL,  /* 169.254/16, fe80::/10 */
	SCOPE_ULA,        /* fc00::/7 (RFC 4193) */
	SCOPE_MULTICAST,  /* 224/4, ff00::/8 */
	SCOPE_BROADCAST,  /* 255.255.255.255 */
	SCOPE_RESERVED,   /* 0/8, 240/4, documentation and benchmark ranges */
	SCOPE_GLOBAL,     /* everything else: the internet */
};

/* IPv6 addresses that carry an IPv4 address: NAT64 (64:ff9b::/96, RFC 6052,
 * and 64:ff9b:1::/96 of RFC 8215's local-use /48 in the same /96 form; its
 * other lengths cannot be told apart, so are not read), 6to4 (2002::/16,
 * RFC 3056) and Teredo (2001:0::/32, RFC 4380: the client's public address).
 * The kind, and the IPv4 address in v4; ADDR_4IN6_NONE for the rest. */
enum addr_ip4in6 { ADDR_4IN6_NONE, ADDR_4IN6_NAT64, ADDR_4IN6_6TO4, ADDR_4IN6_TEREDO };
enum addr_ip4in6 addr_ip4in6(const struct ip_addr *a, struct ip_addr *v4);
const char *addr_ip4in6_name(enum addr_ip4in6 k); /* "nat64", "6to4", "teredo", "" */

/* A NAT64 address has the scope of the IPv4 address in it (a non-global
 * one is reserved); every other address its own. */
enum addr_scope addr_scope(const struct ip_addr *a);
const char *addr_scope_name(enum addr_scope s);
/* True for scopes that stay inside the home: private, CGNAT, link-local,
 * ULA, loopback, unspecified. Multicast and broadcast are "local" too but
 * never name a single device; see addr_is_group. */
bool addr_is_local(const struct ip_addr *a);
bool addr_is_group(const struct ip_addr *a); /* multicast or broadcast */

const char *mac_fmt(const uint8_t mac[static 6], char buf[static MAC_STRLEN]);
int mac_parse(uint8_t mac[static 6], const char *s); /* aa:bb:.. or aa-bb-.. */
bool mac_is_group(const uint8_t mac[static 6]);      /* I/G bit */
bool mac_is_local_admin(const uint8_t mac[static 6]); /* U/L bit: randomised */
bool mac_is_zero(const uint8_t mac[static 6]);

#endif
