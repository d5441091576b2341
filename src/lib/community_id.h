/* community_id.h - the Community ID of a flow (version 1).
 *
 * The flow hash that Zeek, Suricata, Elastic and Wazuh share
 * (https://github.com/corelight/community-id-spec): SHA-1 over the seed,
 * the two endpoints in a fixed order, the protocol and the ports, in
 * base64, after "1:". The same flow gives the same string seen from
 * either side, so an alfoil event joins with their records of it. */
#ifndef ALFOIL_LIB_COMMUNITY_ID_H
#define ALFOIL_LIB_COMMUNITY_ID_H

#include <stddef.h>
#include <stdint.h>

#include "lib/addr.h"

/* "1:" + 28 characters of base64 + NUL */
#define COMMUNITY_ID_LEN 31

/* The ID of a flow from src to dst. proto: the IP protocol number.
 * TCP, UDP and SCTP: sport and dport are the ports. ICMP (1) and
 * ICMPv6 (58): sport is the message's type and dport its code; a type
 * with a reply (echo, router solicitation, ...) is paired with it as the
 * spec says. Other protocols: the ports are ignored. Both addresses must
 * be of one family (IPv4 or IPv6); -1 when not. seed: 0 for the
 * interoperable value. out: COMMUNITY_ID_LEN bytes. */
int community_id(uint16_t seed, const struct ip_addr *src, const struct ip_addr *dst, uint8_t proto, uint16_t sport,
		 uint16_t dport, char out[static COMMUNITY_ID_LEN]);

#endif
