/* mkflood.c - write a capture that floods alfoil's tables (for the memory
 * benchmark and tests: docs/benchmark.md).
 *
 *   mkflood [-n PACKETS] [-s SEED] OUT.pcap
 *
 * Every packet is new to a tracker: a random 5-tuple from a spoofed,
 * random MAC (a new "device" each time), DNS answers from the router for
 * random names, and mDNS announcements of random instance names. Packets
 * are 1 microsecond apart, so nothing goes idle: flows, devices,
 * destinations, names and strings can only stay bounded by the caps.
 * Deterministic for a seed; only writes a file.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T0 1793520000ULL /* 2026-11-01 08:00:00 UTC */

static uint64_t rng;

static uint32_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 0x2545f4914f6cdd1dULL) >> 32);
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

/* a random unicast MAC, sometimes with a real-looking vendor prefix */
static void rnd_mac(uint8_t m[6])
{
	uint32_t a = rnd(), b = rnd();
	m[0] = (uint8_t)((a & 0xfe) | ((a >> 8) & 1 ? 0x02 : 0)); /* unicast; half locally administered */
	m[1] = (uint8_t)(a >> 16), m[2] = (uint8_t)(a >> 24);
	m[3] = (uint8_t)b, m[4] = (uint8_t)(b >> 8), m[5] = (uint8_t)(b >> 16);
}

/* Ethernet + IPv4 + UDP/TCP headers at f; returns the L4 payload offset. */
static size_t headers(uint8_t *f, const uint8_t dst[6], const uint8_t src[6], uint32_t sip, uint32_t dip,
		      unsigned proto, unsigned sport, unsigned dport, size_t payload)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	put16(f + 12, 0x0800);
	uint8_t *ip = f + 14;
	size_t l4 = proto == 6 ? 20 : 8;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, (unsigned)(20 + l4 + payload));
	ip[8] = 64;
	ip[9] = (uint8_t)proto;
	put32(ip + 12, sip);
	put32(ip + 16, dip);
	uint32_t s = 0;
	for (int i = 0; i < 20; i += 2)
		s += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	put16(ip + 10, ~s & 0xffff);
	uint8_t *t = ip + 20;
	memset(t, 0, l4);
	put16(t, sport);
	put16(t + 2, dport);
	if (proto == 6) {
		put32(t + 4, rnd());
		t[12] = 0x50;
		t[13] = 0x02; /* SYN */
		put16(t + 14, 65535);
	} else
		put16(t + 4, (unsigned)(8 + payload));
	return 14 + 20 + l4;
}

/* a DNS name of random labels into q (wire form); returns its length */
static size_t rnd_name(uint8_t *q, const char *zone)
{
	size_t n = 0;
	char lab[16];
	int k = snprintf(lab, sizeof lab, "h%08x", rnd());
	q[n++] = (uint8_t)k;
	memcpy(q + n, lab, (size_t)k);
	n += (size_t)k;
	for (const char *z = zone; *z;) {
		const char *dot = strchr(z, '.');
		size_t l = dot ? (size_t)(dot - z) : strlen(z);
		q[n++] = (uint8_t)l;
		memcpy(q + n, z, l);
		n += l;
		z += l + (dot ? 1 : 0);
	}
	q[n++] = 0;
	return n;
}

int main(int argc, char **argv)
{
	unsigned long long count = 2000000;
	rng = 0x666c6f6f64ULL;
	int opt;
	while ((opt = getopt(argc, argv, "n:s:h")) != -1) {
		switch (opt) {
		case 'n': count = strtoull(optarg, NULL, 10); break;
		case 's': rng ^= strtoull(optarg, NULL, 10) * 0x9e3779b97f4a7c15ULL; break;
		default:
			fprintf(stderr, "usage: mkflood [-n PACKETS] [-s SEED] OUT.pcap\n");
			return opt == 'h' ? 0 : 1;
		}
	}
	if (optind != argc - 1 || !count) {
		fprintf(stderr, "usage: mkflood [-n PACKETS] [-s SEED] OUT.pcap\n");
		return 1;
	}
	FILE *out = fopen(argv[optind], "wb");
	if (!out) {
		fprintf(stderr, "mkflood: %s: %s\n", argv[optind], strerror(errno));
		return 1;
	}
	uint8_t hdr[24] = { 0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0 };
	hdr[16] = 0xff, hdr[17] = 0xff, hdr[20] = 1; /* snaplen 65535, Ethernet */
	fwrite(hdr, 1, sizeof hdr, out);
	static const uint8_t router[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
	static const uint8_t mdns_mac[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb };
	const uint32_t router_ip = 0xc0a80101; /* 192.168.1.1 */
	uint8_t f[600];
	for (unsigned long long i = 0; i < count; i++) {
		uint8_t mac[6];
		rnd_mac(mac);
		uint32_t lan = 0xc0a80000 | (rnd() & 0xfffe) | 2; /* 192.168.x.y */
		uint32_t r = rnd() % 100;
		size_t len;
		if (r < 70) { /* a new flow to a random internet address */
			uint32_t dip;
			do
				dip = rnd();
			while ((dip >> 24) == 0 || (dip >> 24) == 10 || (dip >> 24) == 127 || (dip >> 24) >= 224 ||
			       (dip >> 16) == 0xc0a8);
			unsigned proto = rnd() & 1 ? 6 : 17;
			size_t pl = proto == 17 ? 20 + rnd() % 100 : 0;
			len = headers(f, router, mac, lan, dip, proto, 1024 + rnd() % 64000, 1 + rnd() % 65535, pl);
			memset(f + len, 0xab, pl);
			len += pl;
		} else if (r < 90) { /* the router answers a lookup of a random name */
			uint8_t dns[300];
			size_t n = 12;
			memset(dns, 0, 12);
			put16(dns, rnd() & 0xffff);
			put16(dns + 2, 0x8180);
			put16(dns + 4, 1);
			put16(dns + 6, 1);
			n += rnd_name(dns + n, "flood.example");
			put16(dns + n, 1), put16(dns + n + 2, 1), n += 4;
			put16(dns + n, 0xc00c), n += 2; /* the answer: A, TTL 60 */
			put16(dns + n, 1), put16(dns + n + 2, 1), put32(dns + n + 4, 60), put16(dns + n + 8, 4);
			put32(dns + n + 10, rnd() | 0x01000000);
			n += 14;
			len = headers(f, mac, router, router_ip, lan, 17, 53, 1024 + rnd() % 64000, n);
			memcpy(f + len, dns, n);
			len += n;
		} else { /* an mDNS announcement of a random instance */
			uint8_t m[300];
			size_t n = 12;
			memset(m, 0, 12);
			put16(m + 2, 0x8400);
			put16(m + 6, 1);
			n += rnd_name(m + n, "_hap._tcp.local");
			put16(m + n, 16), put16(m + n + 2, 0x8001), put32(m + n + 4, 4500);
			static const uint8_t txt[] = { 6, 'm', 'd', '=', 'f', 'l', 'o' };
			put16(m + n + 8, sizeof txt);
			memcpy(m + n + 10, txt, sizeof txt);
			n += 10 + sizeof txt;
			len = headers(f, mdns_mac, mac, lan, 0xe00000fb, 17, 5353, 5353, n);
			memcpy(f + len, m, n);
			len += n;
		}
		uint8_t rec[16];
		uint64_t us = i;
		rec[0] = (uint8_t)(T0 + us / 1000000), rec[1] = (uint8_t)((T0 + us / 1000000) >> 8);
		rec[2] = (uint8_t)((T0 + us / 1000000) >> 16), rec[3] = (uint8_t)((T0 + us / 1000000) >> 24);
		uint32_t frac = (uint32_t)(us % 1000000);
		for (int b = 0; b < 4; b++) {
			rec[4 + b] = (uint8_t)(frac >> (8 * b));
			rec[8 + b] = rec[12 + b] = (uint8_t)(len >> (8 * b));
		}
		fwrite(rec, 1, 16, out);
		fwrite(f, 1, len, out);
	}
	if (fclose(out) != 0) {
		fprintf(stderr, "mkflood: %s: %s\n", argv[optind], strerror(errno));
		return 1;
	}
	fprintf(stderr, "mkflood: wrote %s: %llu packets\n", argv[optind], count);
	return 0;
}
