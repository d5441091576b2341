/* community_id.c - the Community ID of a flow, version 1 (see the header).
 *
 * What is hashed, in network byte order: the 2-byte seed, the smaller
 * endpoint's address, the other's (4 bytes each for IPv4, 16 for IPv6),
 * the protocol, one zero byte, and for the protocols with ports the
 * smaller endpoint's port and the other's. An endpoint is smaller by its
 * address, then its port. ICMP has no ports: its type and code (or the
 * type that answers it) stand in for them, and a message without an
 * answer keeps the order it was sent in. */
#include "lib/community_id.h"

#include <nettle/base64.h>
#include <nettle/sha1.h>
#include <string.h>

enum { P_ICMP = 1, P_TCP = 6, P_UDP = 17, P_ICMP6 = 58, P_SCTP = 132 };

/* The reply to an ICMP type (or the request of a reply), -1 when it has
 * none (it is "one way"). */
static int icmp_counterpart(uint8_t proto, uint16_t type)
{
	static const uint8_t v4[][2] = {
		{ 8, 0 }, { 0, 8 },   /* echo, echo reply */
		{ 13, 14 }, { 14, 13 }, /* timestamp */
		{ 15, 16 }, { 16, 15 }, /* information */
		{ 10, 9 },              /* router solicitation -> advertisement (not back) */
		{ 17, 18 }, { 18, 17 }, /* address mask */
	};
	static const uint8_t v6[][2] = {
		{ 128, 129 }, { 129, 128 }, /* echo */
		{ 133, 134 }, { 134, 133 }, /* router solicitation, advertisement */
		{ 135, 136 }, { 136, 135 }, /* neighbour solicitation, advertisement */
		{ 130, 131 }, { 131, 130 }, /* multicast listener query, report */
		{ 139, 140 }, { 140, 139 }, /* node information query, reply */
		{ 144, 145 }, { 145, 144 }, /* home agent address discovery */
	};
	const uint8_t(*m)[2] = proto == P_ICMP ? v4 : v6;
	size_t n = proto == P_ICMP ? sizeof v4 / sizeof v4[0] : sizeof v6 / sizeof v6[0];
	for (size_t i = 0; i < n; i++)
		if (m[i][0] == type)
			return m[i][1];
	return -1;
}

int community_id(uint16_t seed, const struct ip_addr *src, const struct ip_addr *dst, uint8_t proto, uint16_t sport,
		 uint16_t dport, char out[static COMMUNITY_ID_LEN])
{
	int v4 = addr_is_v4(src);
	if (v4 != addr_is_v4(dst))
		return -1;
	const uint8_t *a = v4 ? src->b + 12 : src->b, *b = v4 ? dst->b + 12 : dst->b;
	size_t alen = v4 ? 4 : 16;
	int ports = proto == P_TCP || proto == P_UDP || proto == P_SCTP || proto == P_ICMP || proto == P_ICMP6;
	int one_way = 0;
	if (proto == P_ICMP || proto == P_ICMP6) {
		int c = icmp_counterpart(proto, sport);
		if (c >= 0)
			dport = (uint16_t)c;
		else
			one_way = 1; /* type and code, as sent */
	}
	if (!ports)
		sport = dport = 0;
	int c = memcmp(a, b, alen);
	if (!one_way && (c > 0 || (c == 0 && sport > dport))) {
		const uint8_t *t = a;
		a = b;
		b = t;
		uint16_t p = sport;
		sport = dport;
		dport = p;
	}
	uint8_t buf[2 + 16 + 16 + 2 + 4];
	size_t n = 0;
	buf[n++] = (uint8_t)(seed >> 8);
	buf[n++] = (uint8_t)seed;
	memcpy(buf + n, a, alen);
	n += alen;
	memcpy(buf + n, b, alen);
	n += alen;
	buf[n++] = proto;
	buf[n++] = 0;
	if (ports) {
		buf[n++] = (uint8_t)(sport >> 8);
		buf[n++] = (uint8_t)sport;
		buf[n++] = (uint8_t)(dport >> 8);
		buf[n++] = (uint8_t)dport;
	}
	struct sha1_ctx ctx;
	uint8_t d[SHA1_DIGEST_SIZE];
	sha1_init(&ctx);
	sha1_update(&ctx, n, buf);
	sha1_digest(&ctx, sizeof d, d);
	out[0] = '1';
	out[1] = ':';
	base64_encode_raw(out + 2, sizeof d, d);
	out[2 + BASE64_ENCODE_RAW_LENGTH(SHA1_DIGEST_SIZE)] = '\0';
	return 0;
}
