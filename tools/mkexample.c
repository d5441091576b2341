/* mkexample.c - write the bundled example capture (examples/home.pcap).
 *
 * A deterministic generator: a fixed PRNG seed and fixed timestamps (from
 * 2026-11-01 08:00:00 UTC) make the output byte-identical on every run. It
 * builds ten minutes of a small home network's traffic frame by frame
 * (Ethernet, ARP, IPv4/IPv6, UDP/TCP/ICMPv6 with correct checksums) and only
 * writes a file: nothing is sent anywhere. docs/example.md describes it.
 *
 * Layout: byte buffer and frame store; L2-L4 builders; a TCP session
 * builder; application payloads (DHCP, DNS/mDNS, TLS, HTTP, SSDP, NTP, miIO,
 * Tuya); the network; one script per device; main. Every script sets the
 * clock `now` itself, frames are sorted by time before they are written.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <nettle/aes.h>
#include <nettle/md5.h>
#include <pcap/pcap.h>

#define T0 1793520000LL /* 2026-11-01 08:00:00 UTC */
#define MSEC 1000LL
#define SEC 1000000LL
#define END (600 * SEC)

static void die(const char *msg)
{
	fprintf(stderr, "mkexample: %s\n", msg);
	exit(1);
}

/* ---- randomness (xorshift64*, fixed seed) and the clock ---- */

static uint64_t rng = 0x616c666f696c2026ULL;
static int64_t now; /* microseconds since T0 */

static uint32_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 0x2545f4914f6cdd1dULL) >> 32);
}

static uint32_t rnd_in(uint32_t lo, uint32_t hi) { return lo + rnd() % (hi - lo + 1); }

static void rnd_fill(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)rnd();
}

/* ---- growable byte buffer ---- */

struct buf { uint8_t *p; size_t n, cap; };

static void b_need(struct buf *b, size_t k)
{
	if (b->n + k <= b->cap)
		return;
	size_t c = b->cap ? b->cap : 256;
	while (c < b->n + k)
		c *= 2;
	b->p = realloc(b->p, c);
	if (!b->p)
		die("out of memory");
	b->cap = c;
}

/* Append k bytes from d, or k zero bytes when d is NULL. */
static void b_put(struct buf *b, const void *d, size_t k)
{
	b_need(b, k);
	if (d)
		memcpy(b->p + b->n, d, k);
	else if (k)
		memset(b->p + b->n, 0, k);
	b->n += k;
}

static void b_u8(struct buf *b, unsigned v) { uint8_t x = (uint8_t)v; b_put(b, &x, 1); }
static void b_u16(struct buf *b, unsigned v) { b_u8(b, v >> 8); b_u8(b, v); }
static void b_u32(struct buf *b, uint32_t v) { b_u16(b, v >> 16); b_u16(b, v & 0xffff); }
static void b_str(struct buf *b, const char *s) { b_put(b, s, strlen(s)); }
static void b_rand(struct buf *b, size_t k) { b_need(b, k); rnd_fill(b->p + b->n, k); b->n += k; }
static void b_free(struct buf *b) { free(b->p); b->p = NULL; b->n = b->cap = 0; }

/* Reserve a w-byte big-endian length field; b_len fills it with the number
 * of bytes written after it. */
static size_t b_mark(struct buf *b, size_t w) { size_t at = b->n; b_put(b, NULL, w); return at; }

static void b_len(struct buf *b, size_t at, size_t w)
{
	size_t v = b->n - at - w;
	for (size_t i = 0; i < w; i++)
		b->p[at + i] = (uint8_t)(v >> (8 * (w - 1 - i)));
}

/* ---- frame store: frames are kept, sorted by (time, order) and written ---- */

struct frame { int64_t ts; uint32_t seq, len; uint8_t *d; };
static struct frame *frames;
static size_t nframes, capframes;

static void frame_add(const uint8_t *d, size_t n)
{
	if (nframes == capframes) {
		capframes = capframes ? capframes * 2 : 4096;
		frames = realloc(frames, capframes * sizeof *frames);
		if (!frames)
			die("out of memory");
	}
	size_t len = n < 60 ? 60 : n; /* Ethernet minimum, zero padded */
	struct frame *f = &frames[nframes];
	f->d = calloc(1, len);
	if (!f->d)
		die("out of memory");
	memcpy(f->d, d, n);
	f->ts = now;
	f->seq = (uint32_t)nframes++;
	f->len = (uint32_t)len;
}

static int frame_cmp(const void *a, const void *b)
{
	const struct frame *x = a, *y = b;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* ---- L2-L4 builders ---- */

/* An endpoint as seen on the LAN: for a host on the internet the MAC is the
 * router's. rtt: round trip from the capture point (the router) to it. */
struct ep { uint8_t mac[6]; uint8_t v6, ttl; uint8_t ip[16]; int64_t rtt; };

static struct ep mkep(const uint8_t mac[6], const char *ip, unsigned ttl, int64_t rtt)
{
	struct ep e;
	memset(&e, 0, sizeof e);
	memcpy(e.mac, mac, 6);
	e.v6 = strchr(ip, ':') != NULL;
	if (inet_pton(e.v6 ? AF_INET6 : AF_INET, ip, e.ip) != 1)
		die("bad address in the network table");
	e.ttl = (uint8_t)ttl;
	e.rtt = rtt;
	return e;
}

static uint32_t sum16(uint32_t s, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void eth_send(const uint8_t dst[6], const uint8_t src[6], unsigned type,
		     const uint8_t *pl, size_t n)
{
	struct buf b = {0};
	b_put(&b, dst, 6);
	b_put(&b, src, 6);
	b_u16(&b, type);
	b_put(&b, pl, n);
	frame_add(b.p, b.n);
	b_free(&b);
}

static uint16_t ip_id(const struct ep *e)
{
	static uint16_t ctr[64];
	unsigned h = (e->ip[0] * 31u + e->ip[1] * 7u + e->ip[2] * 3u + e->ip[3]) & 63;
	return (uint16_t)(h * 1031u + ++ctr[h]);
}

/* Fill the transport checksum at l4[csoff] (pseudo header included) and send
 * l4 in an IPv4 or IPv6 packet from s to d. */
static void ip_send(const struct ep *s, const struct ep *d, unsigned proto, struct buf *l4, size_t csoff)
{
	size_t al = s->v6 ? 16 : 4;
	uint32_t ps = sum16(sum16(0, s->ip, al), d->ip, al) + proto + (uint32_t)l4->n;
	l4->p[csoff] = l4->p[csoff + 1] = 0;
	uint16_t c = fold(sum16(ps, l4->p, l4->n));
	if (proto == 17 && c == 0)
		c = 0xffff;
	l4->p[csoff] = (uint8_t)(c >> 8);
	l4->p[csoff + 1] = (uint8_t)c;

	struct buf b = {0};
	if (!s->v6) {
		b_u8(&b, 0x45);
		b_u8(&b, 0);
		b_u16(&b, (unsigned)(20 + l4->n));
		b_u16(&b, ip_id(s));
		b_u16(&b, proto == 6 ? 0x4000 : 0); /* DF on TCP */
		b_u8(&b, s->ttl);
		b_u8(&b, proto);
		b_u16(&b, 0);
		b_put(&b, s->ip, 4);
		b_put(&b, d->ip, 4);
		uint16_t hc = fold(sum16(0, b.p, 20));
		b.p[10] = (uint8_t)(hc >> 8);
		b.p[11] = (uint8_t)hc;
	} else {
		b_u32(&b, 0x60000000u);
		b_u16(&b, (unsigned)l4->n);
		b_u8(&b, proto);
		b_u8(&b, s->ttl);
		b_put(&b, s->ip, 16);
		b_put(&b, d->ip, 16);
	}
	b_put(&b, l4->p, l4->n);
	eth_send(d->mac, s->mac, s->v6 ? 0x86dd : 0x0800, b.p, b.n);
	b_free(&b);
}

static void udp_send(const struct ep *s, const struct ep *d, unsigned sp, unsigned dp,
		     const void *pl, size_t n)
{
	struct buf b = {0};
	b_u16(&b, sp);
	b_u16(&b, dp);
	b_u16(&b, (unsigned)(8 + n));
	b_u16(&b, 0);
	b_put(&b, pl, n);
	ip_send(s, d, 17, &b, 6);
	b_free(&b);
}

static const uint8_t BCAST[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

/* ARP (RFC 826) over Ethernet; op 1 request (target MAC zero), 2 reply. */
static void arp(unsigned op, const struct ep *s, const struct ep *t)
{
	struct buf b = {0};
	b_u16(&b, 1);
	b_u16(&b, 0x0800);
	b_u8(&b, 6);
	b_u8(&b, 4);
	b_u16(&b, op);
	b_put(&b, s->mac, 6);
	b_put(&b, s->ip, 4);
	b_put(&b, op == 1 ? NULL : t->mac, 6);
	b_put(&b, t->ip, 4);
	eth_send(op == 1 ? BCAST : t->mac, s->mac, 0x0806, b.p, b.n);
	b_free(&b);
}

/* ICMPv6 neighbour discovery (RFC 4861), hop limit 255. */
static void icmp6_send(const struct ep *s, const struct ep *d, struct buf *m)
{
	struct ep s2 = *s;
	s2.ttl = 255;
	ip_send(&s2, d, 58, m, 2);
}

static struct ep solicited_node(const uint8_t target[16])
{
	static const uint8_t mc[6] = {0x33, 0x33, 0xff};
	struct ep e = mkep(mc, "ff02::1:ff00:0", 255, 0);
	memcpy(e.mac + 3, target + 13, 3);
	memcpy(e.ip + 13, target + 13, 3);
	return e;
}

static void nd_ns(const struct ep *s, const uint8_t target[16])
{
	struct buf b = {0};
	struct ep d = solicited_node(target);
	b_u8(&b, 135);
	b_put(&b, NULL, 7);
	b_put(&b, target, 16);
	b_u8(&b, 1); /* source link-layer address */
	b_u8(&b, 1);
	b_put(&b, s->mac, 6);
	icmp6_send(s, &d, &b);
	b_free(&b);
}

/* flags: 0x80 router, 0x40 solicited, 0x20 override */
static void nd_na(const struct ep *s, const struct ep *d, unsigned flags)
{
	struct buf b = {0};
	b_u8(&b, 136);
	b_put(&b, NULL, 3);
	b_u8(&b, flags);
	b_put(&b, NULL, 3);
	b_put(&b, s->ip, 16);
	b_u8(&b, 2); /* target link-layer address */
	b_u8(&b, 1);
	b_put(&b, s->mac, 6);
	icmp6_send(s, d, &b);
	b_free(&b);
}

/* ---- TCP session builder ---- */

enum { C2S = 0, S2C = 1 };
enum { F_FIN = 0x01, F_SYN = 0x02, F_PSH = 0x08, F_ACK = 0x10 };

struct tcp { struct ep e[2]; uint16_t port[2]; uint32_t seq[2]; uint16_t win[2]; size_t mss; };

static void tcp_seg(struct tcp *t, int dir, unsigned fl, const uint8_t *d, size_t n)
{
	static const uint8_t syn_opt[12] = {2, 4, 0, 0, 1, 3, 3, 8, 1, 1, 4, 2};
	size_t on = (fl & F_SYN) ? sizeof syn_opt : 0;
	struct buf b = {0};
	b_u16(&b, t->port[dir]);
	b_u16(&b, t->port[!dir]);
	b_u32(&b, t->seq[dir]);
	b_u32(&b, (fl & F_ACK) ? t->seq[!dir] : 0);
	b_u8(&b, (unsigned)((20 + on) / 4) << 4);
	b_u8(&b, fl);
	b_u16(&b, t->win[dir]);
	b_put(&b, NULL, 4); /* checksum, urgent pointer */
	if (on) {
		b_put(&b, syn_opt, on); /* MSS, NOP, WS 8, NOP, NOP, SACK permitted */
		b.p[22] = (uint8_t)(t->mss >> 8);
		b.p[23] = (uint8_t)t->mss;
	}
	b_put(&b, d, n);
	ip_send(&t->e[dir], &t->e[!dir], 6, &b, 16);
	t->seq[dir] += (uint32_t)n + ((fl & (F_SYN | F_FIN)) ? 1u : 0u);
	b_free(&b);
}

/* Three-way handshake, client c:cport to server s:sport, starting at now. */
static void tcp_open(struct tcp *t, const struct ep *c, unsigned cport, const struct ep *s, unsigned sport)
{
	memset(t, 0, sizeof *t);
	t->e[C2S] = *c;
	t->e[S2C] = *s;
	t->port[C2S] = (uint16_t)cport;
	t->port[S2C] = (uint16_t)sport;
	t->seq[C2S] = rnd();
	t->seq[S2C] = rnd();
	t->win[C2S] = 64240;
	t->win[S2C] = 65160;
	t->mss = c->v6 ? 1440 : 1460;
	tcp_seg(t, C2S, F_SYN, NULL, 0);
	now += s->rtt;
	tcp_seg(t, S2C, F_SYN | F_ACK, NULL, 0);
	now += c->rtt;
	t->win[C2S] = 502; /* scaled by 2^8 from here on */
	t->win[S2C] = 501;
	tcp_seg(t, C2S, F_ACK, NULL, 0);
}

/* Send n bytes in direction dir: MSS-sized segments about 1.2 ms apart, the
 * receiver acknowledging every second segment and the last one after its
 * round trip. Returns with now after the last acknowledgement. */
static void tcp_send(struct tcp *t, int dir, const uint8_t *d, size_t n)
{
	int64_t tseg = now, last = now, ackdelay = t->e[!dir].rtt;
	size_t off = 0;
	for (int k = 1; off < n; k++) {
		size_t m = n - off < t->mss ? n - off : t->mss;
		now = tseg;
		tcp_seg(t, dir, off + m == n ? F_PSH | F_ACK : F_ACK, d + off, m);
		off += m;
		if (k % 2 == 0 || off == n) {
			now = tseg + ackdelay;
			tcp_seg(t, !dir, F_ACK, NULL, 0);
			last = now;
		}
		tseg += (int64_t)(1200 * m / 1460) + 15;
	}
	now = (last > tseg ? last : tseg) + 200;
}

static void tcp_close(struct tcp *t, int dir)
{
	tcp_seg(t, dir, F_FIN | F_ACK, NULL, 0);
	now += t->e[!dir].rtt;
	tcp_seg(t, !dir, F_FIN | F_ACK, NULL, 0);
	now += t->e[dir].rtt;
	tcp_seg(t, dir, F_ACK, NULL, 0);
}

/* ---- TLS 1.3 (RFC 8446): ClientHello, server flight, opaque records ---- */

struct tlsprof { const uint16_t *cs; size_t ncs; const char *alpn; int browser; };

static const uint16_t cs_browser[] = {0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9,
				      0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035};
static const uint16_t cs_mbedtls[] = {0x1301, 0x1302, 0x1303, 0xc02c, 0xc02b, 0xc030, 0xc02f, 0xc0ad,
				      0xc0ac, 0xc024, 0xc023, 0xc028, 0xc027, 0xc00a, 0xc009, 0xc014,
				      0xc013, 0x009d, 0x009c, 0x003d, 0x003c, 0x0035, 0x002f, 0x00ff};
static const struct tlsprof TLS_CHROME = {cs_browser, 15, "h2,http/1.1", 1};
static const struct tlsprof TLS_DOT = {cs_browser, 15, "dot", 1};
static const struct tlsprof TLS_IOT = {cs_mbedtls, 24, NULL, 0};

/* Start an extension: type and a reserved length; close it with b_len. */
static size_t ext(struct buf *b, unsigned type) { b_u16(b, type); return b_mark(b, 2); }

static void tls_client_hello(struct buf *b, const char *sni, const struct tlsprof *p, const uint8_t sid[32])
{
	static const uint16_t groups[] = {0x001d, 0x0017, 0x0018};
	static const uint16_t sigs[] = {0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601, 0x0201};
	b_u8(b, 0x16);
	b_u16(b, 0x0301);
	size_t rl = b_mark(b, 2);
	b_u8(b, 1); /* client_hello */
	size_t hl = b_mark(b, 3);
	b_u16(b, 0x0303);
	b_rand(b, 32);
	b_u8(b, 32);
	b_put(b, sid, 32);
	b_u16(b, (unsigned)(2 * p->ncs));
	for (size_t i = 0; i < p->ncs; i++)
		b_u16(b, p->cs[i]);
	b_u16(b, 0x0100); /* one compression method: null */
	size_t el = b_mark(b, 2), x, l;

	x = ext(b, 0x0000); /* server_name */
	l = b_mark(b, 2);
	b_u8(b, 0);
	b_u16(b, (unsigned)strlen(sni));
	b_str(b, sni);
	b_len(b, l, 2);
	b_len(b, x, 2);
	if (p->browser) {
		b_len(b, ext(b, 0x0017), 2); /* extended_master_secret */
		x = ext(b, 0xff01);          /* renegotiation_info */
		b_u8(b, 0);
		b_len(b, x, 2);
	}
	x = ext(b, 0x000a); /* supported_groups */
	b_u16(b, sizeof groups);
	for (size_t i = 0; i < 3; i++)
		b_u16(b, groups[i]);
	b_len(b, x, 2);
	x = ext(b, 0x000b); /* ec_point_formats: uncompressed */
	b_u16(b, 0x0100);
	b_len(b, x, 2);
	if (p->browser)
		b_len(b, ext(b, 0x0023), 2); /* session_ticket */
	if (p->alpn) {
		x = ext(b, 0x0010);
		l = b_mark(b, 2);
		for (const char *a = p->alpn; *a;) {
			size_t n = strcspn(a, ",");
			b_u8(b, (unsigned)n);
			b_put(b, a, n);
			a += n + (a[n] == ',');
		}
		b_len(b, l, 2);
		b_len(b, x, 2);
	}
	if (p->browser) {
		x = ext(b, 0x0005); /* status_request: OCSP */
		b_u8(b, 1);
		b_u32(b, 0);
		b_len(b, x, 2);
	}
	x = ext(b, 0x000d); /* signature_algorithms */
	b_u16(b, sizeof sigs);
	for (size_t i = 0; i < sizeof sigs / 2; i++)
		b_u16(b, sigs[i]);
	b_len(b, x, 2);
	if (p->browser)
		b_len(b, ext(b, 0x0012), 2); /* signed_certificate_timestamp */
	x = ext(b, 0x0033); /* key_share: x25519 */
	b_u16(b, 36);
	b_u16(b, 0x001d);
	b_u16(b, 32);
	b_rand(b, 32);
	b_len(b, x, 2);
	x = ext(b, 0x002d); /* psk_key_exchange_modes: psk_dhe_ke */
	b_u16(b, 0x0101);
	b_len(b, x, 2);
	x = ext(b, 0x002b); /* supported_versions: 1.3, 1.2 */
	b_u8(b, 4);
	b_u32(b, 0x03040303);
	b_len(b, x, 2);
	b_len(b, el, 2);
	b_len(b, hl, 3);
	b_len(b, rl, 2);
}

/* Opaque application_data records (type 0x17) carrying n bytes in total. */
static void tls_records(struct buf *b, size_t n)
{
	while (n) {
		size_t m = n > 16401 ? 16401 : n;
		b_u8(b, 0x17);
		b_u16(b, 0x0303);
		b_u16(b, (unsigned)m);
		b_rand(b, m);
		n -= m;
	}
}

/* ServerHello choosing TLS_AES_128_GCM_SHA256 and x25519, the compatibility
 * ChangeCipherSpec, then the encrypted rest of the server's flight. */
static void tls_server_flight(struct buf *b, const uint8_t sid[32], size_t enc)
{
	b_u8(b, 0x16);
	b_u16(b, 0x0303);
	size_t rl = b_mark(b, 2);
	b_u8(b, 2);
	size_t hl = b_mark(b, 3);
	b_u16(b, 0x0303);
	b_rand(b, 32);
	b_u8(b, 32);
	b_put(b, sid, 32);
	b_u16(b, 0x1301);
	b_u8(b, 0);
	size_t el = b_mark(b, 2);
	b_u16(b, 0x002b);
	b_u16(b, 2);
	b_u16(b, 0x0304);
	b_u16(b, 0x0033);
	b_u16(b, 36);
	b_u16(b, 0x001d);
	b_u16(b, 32);
	b_rand(b, 32);
	b_len(b, el, 2);
	b_len(b, hl, 3);
	b_len(b, rl, 2);
	b_put(b, "\x14\x03\x03\x00\x01\x01", 6);
	tls_records(b, enc);
}

/* TCP handshake, ClientHello, server flight, client Finished. */
static void tls_open(struct tcp *t, const struct ep *c, unsigned cport, const struct ep *s, unsigned sport,
		     const char *sni, const struct tlsprof *p)
{
	uint8_t sid[32];
	struct buf b = {0};
	rnd_fill(sid, sizeof sid);
	tcp_open(t, c, cport, s, sport);
	now += 300;
	tls_client_hello(&b, sni, p, sid);
	tcp_send(t, C2S, b.p, b.n);
	b.n = 0;
	now += 2 * MSEC;
	tls_server_flight(&b, sid, rnd_in(2400, 4300));
	tcp_send(t, S2C, b.p, b.n);
	b.n = 0;
	now += 3 * MSEC;
	b_put(&b, "\x14\x03\x03\x00\x01\x01", 6);
	tls_records(&b, 53);
	tcp_send(t, C2S, b.p, b.n);
	b_free(&b);
}

/* One request/response exchange of opaque records: up bytes, then down. */
static void tls_xfer(struct tcp *t, size_t up, size_t down)
{
	struct buf b = {0};
	if (up) {
		tls_records(&b, up);
		tcp_send(t, C2S, b.p, b.n);
		b.n = 0;
		now += rnd_in(1, 20) * MSEC;
	}
	if (down) {
		tls_records(&b, down);
		tcp_send(t, S2C, b.p, b.n);
	}
	b_free(&b);
}

/* ---- HTTP/1.1 ---- */

static void http_date(char *out, size_t n)
{
	time_t tt = (time_t)(T0 + now / SEC);
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, n, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

static void http_get(struct tcp *t, const char *host, const char *path, const char *ua,
		     const char *status, const char *ctype, const char *body)
{
	char req[512], resp[512], date[64];
	int n = snprintf(req, sizeof req,
			 "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: %s\r\n"
			 "Connection: Keep-Alive\r\nAccept-Encoding: gzip\r\n\r\n", path, host, ua);
	tcp_send(t, C2S, (const uint8_t *)req, (size_t)n);
	now += 3 * MSEC;
	http_date(date, sizeof date);
	n = snprintf(resp, sizeof resp, "HTTP/1.1 %s\r\nDate: %s\r\n%s%s%sContent-Length: %zu\r\n\r\n%s",
		     status, date, ctype ? "Content-Type: " : "", ctype ? ctype : "", ctype ? "\r\n" : "",
		     strlen(body), body);
	tcp_send(t, S2C, (const uint8_t *)resp, (size_t)n);
}

/* ---- DNS and mDNS (RFC 1035, 6762) with name compression ---- */

struct dns {
	struct buf b;
	unsigned qd, an;
	int nsfx;
	struct { size_t off; char s[128]; } sfx[48]; /* names written, for pointers */
};

static void dns_name(struct dns *m, const char *n)
{
	while (*n) {
		for (int i = 0; i < m->nsfx; i++)
			if (!strcasecmp(m->sfx[i].s, n)) {
				b_u16(&m->b, 0xc000 | (unsigned)m->sfx[i].off);
				return;
			}
		if (m->nsfx < 48 && m->b.n < 0x3fff && strlen(n) < 128) {
			m->sfx[m->nsfx].off = m->b.n;
			snprintf(m->sfx[m->nsfx++].s, 128, "%s", n);
		}
		size_t l = strcspn(n, ".");
		b_u8(&m->b, (unsigned)l);
		b_put(&m->b, n, l);
		n += l + (n[l] == '.');
	}
	b_u8(&m->b, 0);
}

static void dns_begin(struct dns *m, unsigned id, unsigned flags)
{
	memset(m, 0, sizeof *m);
	b_u16(&m->b, id);
	b_u16(&m->b, flags);
	b_put(&m->b, NULL, 8); /* counts, filled by dns_end */
}

static void dns_q(struct dns *m, const char *name, unsigned type, unsigned cls)
{
	dns_name(m, name);
	b_u16(&m->b, type);
	b_u16(&m->b, cls);
	m->qd++;
}

/* Owner, type, class, TTL; returns the RDLENGTH mark for b_len. */
static size_t dns_rr(struct dns *m, const char *owner, unsigned type, unsigned cls, uint32_t ttl)
{
	dns_name(m, owner);
	b_u16(&m->b, type);
	b_u16(&m->b, cls);
	b_u32(&m->b, ttl);
	m->an++;
	return b_mark(&m->b, 2);
}

static void dns_end(struct dns *m)
{
	m->b.p[4] = (uint8_t)(m->qd >> 8);
	m->b.p[5] = (uint8_t)m->qd;
	m->b.p[6] = (uint8_t)(m->an >> 8);
	m->b.p[7] = (uint8_t)m->an;
}

/* A query from cli to the resolver and its answer: name -> CNAME chain
 * (NULL-terminated, may be NULL) -> addresses (A or AAAA by their form). */
static void dns_lookup(const struct ep *cli, const struct ep *srv, const char *name, unsigned qtype,
		       const char *const *cnames, const char *const *addrs, uint32_t ttl)
{
	static struct dns m;
	unsigned id = rnd() & 0xffff, port = rnd_in(32768, 60999);
	dns_begin(&m, id, 0x0100);
	dns_q(&m, name, qtype, 1);
	dns_end(&m);
	udp_send(cli, srv, port, 53, m.b.p, m.b.n);
	b_free(&m.b);
	now += rnd_in(1, 35) * MSEC;

	dns_begin(&m, id, 0x8180);
	dns_q(&m, name, qtype, 1);
	const char *owner = name;
	for (; cnames && *cnames; owner = *cnames++) {
		size_t r = dns_rr(&m, owner, 5, 1, ttl);
		dns_name(&m, *cnames);
		b_len(&m.b, r, 2);
	}
	for (; addrs && *addrs; addrs++) {
		uint8_t a[16];
		int v6 = strchr(*addrs, ':') != NULL;
		if (inet_pton(v6 ? AF_INET6 : AF_INET, *addrs, a) != 1)
			die("bad address in a DNS answer");
		if ((qtype == 28) != v6)
			continue;
		size_t r = dns_rr(&m, owner, v6 ? 28 : 1, 1, ttl);
		b_put(&m.b, a, v6 ? 16 : 4);
		b_len(&m.b, r, 2);
	}
	dns_end(&m);
	udp_send(srv, cli, 53, port, m.b.p, m.b.n);
	b_free(&m.b);
	now += 2 * MSEC;
}

/* ---- the network ---- */

struct dev {
	const char *label, *host, *vclass;
	uint8_t mac[6];
	const char *ip;
	unsigned ttl;
	const uint8_t *prl;
	size_t nprl;
	int cid, maxsz;          /* send option 61 (type 1 + MAC); option 57 */
	unsigned port;           /* next ephemeral port */
	uint32_t did, stamp0;    /* miIO device id, uptime at T0 */
	const char *token;       /* miIO token, 16 bytes */
	struct ep e;
};

static const uint8_t PRL_LWIP[] = {1, 3, 28, 6, 15, 44, 46, 47, 31, 33, 121, 43};
static const uint8_t PRL_UDHCPC[] = {1, 3, 6, 12, 15, 28, 42};
static const uint8_t PRL_ANDROID[] = {1, 3, 6, 15, 26, 28, 51, 58, 59, 43, 114, 108};
static const uint8_t PRL_WINDOWS[] = {1, 3, 6, 15, 31, 33, 43, 44, 46, 47, 119, 121, 249, 252};

static struct dev router = {"router", "TL-Archer", NULL, {0x50, 0xc7, 0xbf, 0x8a, 0x3e, 0x10},
			    "192.168.1.1", 64, NULL, 0, 0, 0, 40000, 0, 0, NULL, {{0}, 0, 0, {0}, 0}};
static struct dev bulb = {"bulb", "yeelink-light-color1_miio123456789", NULL,
			  {0xf8, 0x24, 0x41, 0xc2, 0x8e, 0x17}, "192.168.1.101", 255,
			  PRL_LWIP, sizeof PRL_LWIP, 0, 0, 49153, 123456789, 5311,
			  "\x7a\x3c\x91\x0e\x55\xd2\x48\xb6\x1f\x9a\x03\xc7\x6e\x21\xd8\x4b", {{0}, 0, 0, {0}, 0}};
static struct dev gw = {"gateway", "lumi-gateway-v3_miio12345678", "udhcp 1.19.4",
			{0x78, 0x11, 0xdc, 0x5b, 0xa0, 0xe4}, "192.168.1.102", 64,
			PRL_UDHCPC, sizeof PRL_UDHCPC, 0, 0, 41873, 12345678, 86127,
			"\x5f\x61\x2d\x8e\x94\x0b\xc3\x7a\x16\xe8\x42\xa9\x3d\x70\xb5\x0c", {{0}, 0, 0, {0}, 0}};
static struct dev cam = {"camera", "chuangmi-camera-ipc019_miio317265904", "udhcp 1.24.2",
			 {0x94, 0xf8, 0x27, 0x6d, 0x12, 0xc9}, "192.168.1.103", 64,
			 PRL_UDHCPC, sizeof PRL_UDHCPC, 0, 0, 45212, 317265904, 20416,
			 "\xc1\x08\x6b\xf2\x3a\x57\x9d\x44\xe0\x12\x8f\x6d\xb9\x35\x27\xa0", {{0}, 0, 0, {0}, 0}};
static struct dev plug = {"plug", "ESP_3A1F2B", NULL, {0x68, 0xc6, 0x3a, 0x3a, 0x1f, 0x2b},
			  "192.168.1.104", 255, PRL_LWIP, sizeof PRL_LWIP, 0, 0, 49153, 0, 0, NULL,
			  {{0}, 0, 0, {0}, 0}};
static struct dev phone = {"phone", "Pixel-7", "android-dhcp-13", {0x5e, 0xa1, 0x3c, 0x77, 0x09, 0xd4},
			   "192.168.1.105", 64, PRL_ANDROID, sizeof PRL_ANDROID, 1, 1500, 38612, 0, 0,
			   NULL, {{0}, 0, 0, {0}, 0}};
static struct dev laptop = {"laptop", "DESKTOP-4KX9Q2", "MSFT 5.0", {0x34, 0xf6, 0x4b, 0x91, 0x6e, 0x2a},
			    "192.168.1.106", 128, PRL_WINDOWS, sizeof PRL_WINDOWS, 1, 0, 52144, 0, 0,
			    NULL, {{0}, 0, 0, {0}, 0}};

static struct ep rt_ll, lap_ll, lap_gua, bcast4, mdns4, ssdp4, allnodes6;

static unsigned eport(struct dev *d)
{
	d->port += rnd_in(1, 9);
	return d->port;
}

/* A host on the internet: behind the router's MAC. */
static struct ep remote(const char *ip, unsigned ttl, int64_t rtt_ms) { return mkep(router.mac, ip, ttl, rtt_ms * MSEC); }

static void net_init(void)
{
	static const uint8_t mc_mdns[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb};
	static const uint8_t mc_ssdp[6] = {0x01, 0x00, 0x5e, 0x7f, 0xff, 0xfa};
	static const uint8_t mc_all6[6] = {0x33, 0x33, 0x00, 0x00, 0x00, 0x01};
	struct dev *all[] = {&router, &bulb, &gw, &cam, &plug, &phone, &laptop};
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		all[i]->e = mkep(all[i]->mac, all[i]->ip, all[i]->ttl, i == 0 ? 100 : (3 + (int64_t)i) * MSEC);
	rt_ll = mkep(router.mac, "fe80::52c7:bfff:fe8a:3e10", 255, 100);
	lap_ll = mkep(laptop.mac, "fe80::8d3c:5a12:e7b0:41f9", 128, 9 * MSEC);
	lap_gua = mkep(laptop.mac, "2a02:8108:1a80:3c00:b5e1:9f27:6c0a:d34e", 128, 9 * MSEC);
	bcast4 = mkep(BCAST, "255.255.255.255", 0, 0);
	mdns4 = mkep(mc_mdns, "224.0.0.251", 0, 0);
	ssdp4 = mkep(mc_ssdp, "239.255.255.250", 0, 0);
	allnodes6 = mkep(mc_all6, "ff02::1", 0, 0);
}

/* ---- DHCP (RFC 2131/2132) ---- */

static void dhcp_opt(struct buf *b, unsigned code, const void *d, size_t n)
{
	b_u8(b, code);
	b_u8(b, (unsigned)n);
	b_put(b, d, n);
}

static void dhcp_head(struct buf *b, unsigned op, uint32_t xid, unsigned secs, const struct dev *d,
		      const uint8_t *yiaddr, unsigned type)
{
	b_u8(b, op);
	b_u8(b, 1);
	b_u8(b, 6);
	b_u8(b, 0);
	b_u32(b, xid);
	b_u16(b, secs);
	b_u16(b, 0);
	b_put(b, NULL, 4);   /* ciaddr */
	b_put(b, yiaddr, 4); /* yiaddr (zero when NULL) */
	b_put(b, NULL, 8);   /* siaddr, giaddr */
	b_put(b, d->mac, 6);
	b_put(b, NULL, 10 + 64 + 128); /* chaddr padding, sname, file */
	b_u32(b, 0x63825363);
	uint8_t t = (uint8_t)type;
	dhcp_opt(b, 53, &t, 1);
}

static void dhcp_tail(struct buf *b)
{
	b_u8(b, 255);
	if (b->n < 300)
		b_put(b, NULL, 300 - b->n);
}

static void dhcp_client(struct dev *d, uint32_t xid, unsigned secs, unsigned type)
{
	struct buf b = {0};
	struct ep src = d->e;
	uint8_t cid[7] = {1};
	memcpy(cid + 1, d->mac, 6);
	memset(src.ip, 0, 4);
	dhcp_head(&b, 1, xid, secs, d, NULL, type);
	if (d->cid)
		dhcp_opt(&b, 61, cid, 7);
	if (d->maxsz) {
		uint8_t sz[2] = {(uint8_t)(d->maxsz >> 8), (uint8_t)d->maxsz};
		dhcp_opt(&b, 57, sz, 2);
	}
	dhcp_opt(&b, 50, d->e.ip, 4);
	if (type == 3)
		dhcp_opt(&b, 54, router.e.ip, 4);
	dhcp_opt(&b, 12, d->host, strlen(d->host));
	if (d->vclass)
		dhcp_opt(&b, 60, d->vclass, strlen(d->vclass));
	dhcp_opt(&b, 55, d->prl, d->nprl);
	dhcp_tail(&b);
	udp_send(&src, &bcast4, 68, 67, b.p, b.n);
	b_free(&b);
}

static void dhcp_server(struct dev *d, uint32_t xid, unsigned type)
{
	static const uint8_t mask[4] = {255, 255, 255, 0}, bc[4] = {192, 168, 1, 255};
	static const uint8_t lease[4] = {0, 1, 0x51, 0x80}, t1[4] = {0, 0, 0xa8, 0xc0}, t2[4] = {0, 1, 0x27, 0x50};
	struct buf b = {0};
	dhcp_head(&b, 2, xid, 0, d, d->e.ip, type);
	dhcp_opt(&b, 54, router.e.ip, 4);
	dhcp_opt(&b, 51, lease, 4);
	dhcp_opt(&b, 58, t1, 4);
	dhcp_opt(&b, 59, t2, 4);
	dhcp_opt(&b, 1, mask, 4);
	dhcp_opt(&b, 28, bc, 4);
	dhcp_opt(&b, 3, router.e.ip, 4);
	dhcp_opt(&b, 6, router.e.ip, 4);
	dhcp_opt(&b, 15, "lan", 3);
	dhcp_tail(&b);
	udp_send(&router.e, &d->e, 67, 68, b.p, b.n); /* unicast to chaddr/yiaddr */
	b_free(&b);
}

/* DISCOVER, OFFER, REQUEST, ACK, then the device resolves the router. */
static void dhcp_join(struct dev *d)
{
	uint32_t xid = rnd();
	dhcp_client(d, xid, 0, 1);
	now += rnd_in(2, 12) * MSEC;
	dhcp_server(d, xid, 2);
	now += rnd_in(5, 60) * MSEC;
	dhcp_client(d, xid, 0, 3);
	now += rnd_in(2, 12) * MSEC;
	dhcp_server(d, xid, 5);
	now += rnd_in(100, 400) * MSEC;
	arp(1, &d->e, &router.e);
	now += 1 * MSEC;
	arp(2, &router.e, &d->e);
	now += 50 * MSEC;
}

/* ---- mDNS, SSDP, NTP ---- */

static void mdns_announce(const struct dev *d, const char *svc, unsigned port, const char *txt)
{
	static struct dns m;
	char host[128], inst[192];
	struct ep s = d->e;
	snprintf(host, sizeof host, "%s.local", d->host);
	snprintf(inst, sizeof inst, "%s.%s", d->host, svc);
	dns_begin(&m, 0, 0x8400);
	size_t r = dns_rr(&m, svc, 12, 1, 4500);
	dns_name(&m, inst);
	b_len(&m.b, r, 2);
	r = dns_rr(&m, inst, 33, 0x8001, 120);
	b_u16(&m.b, 0);
	b_u16(&m.b, 0);
	b_u16(&m.b, port);
	dns_name(&m, host);
	b_len(&m.b, r, 2);
	r = dns_rr(&m, inst, 16, 0x8001, 4500);
	b_u8(&m.b, (unsigned)strlen(txt));
	b_str(&m.b, txt);
	b_len(&m.b, r, 2);
	r = dns_rr(&m, host, 1, 0x8001, 120);
	b_put(&m.b, d->e.ip, 4);
	b_len(&m.b, r, 2);
	dns_end(&m);
	s.ttl = 255;
	udp_send(&s, &mdns4, 5353, 5353, m.b.p, m.b.n);
	b_free(&m.b);
}

static const char *SSDP_SERVER = "Linux/4.14 UPnP/1.0 miniupnpd/2.2";
static const char *SSDP_UUID = "uuid:3a2f8c1e-50c7-4bf8-a3e1-50c7bf8a3e10";
static const char *IGD = "urn:schemas-upnp-org:device:InternetGatewayDevice:1";

static void ssdp_router(const struct ep *to, unsigned port, const char *nt)
{
	char msg[640], usn[160];
	struct ep s = router.e;
	if (!strncmp(nt, "uuid:", 5))
		snprintf(usn, sizeof usn, "%s", nt);
	else
		snprintf(usn, sizeof usn, "%s::%s", SSDP_UUID, nt);
	int n = snprintf(msg, sizeof msg, "%s\r\n%sCACHE-CONTROL: max-age=120\r\n"
			 "LOCATION: http://192.168.1.1:1900/rootDesc.xml\r\n"
			 "OPT: \"http://schemas.upnp.org/upnp/1/0/\"; ns=01\r\n01-NLS: 1\r\n"
			 "%s: %s\r\n%sSERVER: %s\r\nUSN: %s\r\n"
			 "BOOTID.UPNP.ORG: 1\r\nCONFIGID.UPNP.ORG: 1337\r\n\r\n",
			 to == &ssdp4 ? "NOTIFY * HTTP/1.1" : "HTTP/1.1 200 OK",
			 to == &ssdp4 ? "HOST: 239.255.255.250:1900\r\n" : "EXT:\r\n",
			 to == &ssdp4 ? "NT" : "ST", nt, to == &ssdp4 ? "NTS: ssdp:alive\r\n" : "",
			 SSDP_SERVER, usn);
	s.ttl = to == &ssdp4 ? 2 : 64;
	udp_send(&s, to, 1900, port, msg, (size_t)n);
}

static void ntp_ts(struct buf *b, int64_t t)
{
	b_u32(b, (uint32_t)(T0 + t / SEC + 2208988800LL));
	b_u32(b, (uint32_t)(((uint64_t)(t % SEC) << 32) / SEC));
}

static void ntp_exchange(const struct ep *c, const struct ep *s, unsigned cport, uint32_t refid)
{
	struct buf b = {0};
	int64_t tx = now;
	b_u32(&b, 0x2300 << 16 | 0x0ae9); /* LI 0, v4, client; stratum 0; poll 10; precision -23 */
	b_put(&b, NULL, 36);
	ntp_ts(&b, tx);
	udp_send(c, s, cport, 123, b.p, b.n);
	b.n = 0;
	now += s->rtt;
	b_u32(&b, 0x24020ae7); /* server, stratum 2 */
	b_u32(&b, 0x00000150);
	b_u32(&b, 0x00000380);
	b_u32(&b, refid);
	ntp_ts(&b, now - 37 * SEC);
	ntp_ts(&b, tx);
	ntp_ts(&b, now - s->rtt / 2);
	ntp_ts(&b, now - s->rtt / 2 + 40);
	udp_send(s, c, 123, cport, b.p, b.n);
	b_free(&b);
	now += 5 * MSEC;
}

/* ---- Xiaomi miIO (UDP 54321): hello, reply, encrypted messages ---- */

static void md5of(uint8_t out[16], const uint8_t *a, size_t na, const uint8_t *b2, size_t nb)
{
	struct md5_ctx c;
	md5_init(&c);
	md5_update(&c, na, a);
	md5_update(&c, nb, b2);
	md5_digest(&c, 16, out);
}

static void miio_head(struct buf *b, size_t len, uint32_t unk, uint32_t did, uint32_t stamp)
{
	b_u16(b, 0x2131);
	b_u16(b, (unsigned)len);
	b_u32(b, unk);
	b_u32(b, did);
	b_u32(b, stamp);
}

static void miio_hello(const struct ep *from, unsigned sport, const struct ep *to)
{
	struct buf b = {0};
	miio_head(&b, 32, 0xffffffff, 0xffffffff, 0xffffffff);
	b_put(&b, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 16);
	udp_send(from, to, sport, 54321, b.p, b.n);
	b_free(&b);
}

/* The device's answer to a hello: its id and uptime; the token is hidden. */
static void miio_reply(const struct dev *d, const struct ep *to, unsigned dport)
{
	struct buf b = {0};
	miio_head(&b, 32, 0, d->did, d->stamp0 + (uint32_t)(now / SEC));
	b_put(&b, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 16);
	udp_send(&d->e, to, 54321, dport, b.p, b.n);
	b_free(&b);
}

/* A real miIO message: AES-128-CBC with key md5(token), iv md5(key+token),
 * and checksum md5(header + token + data). */
static void miio_msg(struct buf *b, const struct dev *d, const char *json)
{
	const uint8_t *tok = (const uint8_t *)d->token;
	uint8_t key[16], iv[16], blk[16];
	struct aes128_ctx ctx;
	size_t n = strlen(json), pad = 16 - n % 16, start = b->n;
	md5of(key, tok, 16, NULL, 0);
	md5of(iv, key, 16, tok, 16);
	aes128_set_encrypt_key(&ctx, key);
	miio_head(b, 32 + n + pad, 0, d->did, d->stamp0 + (uint32_t)(now / SEC));
	b_put(b, tok, 16); /* the checksum is computed over the token here */
	for (size_t i = 0; i < n + pad; i += 16) {
		for (size_t k = 0; k < 16; k++)
			blk[k] = (uint8_t)((i + k < n ? (uint8_t)json[i + k] : (uint8_t)pad) ^ iv[k]);
		aes128_encrypt(&ctx, 16, iv, blk);
		b_put(b, iv, 16);
	}
	md5of(key, b->p + start, b->n - start, NULL, 0);
	memcpy(b->p + start + 16, key, 16);
}

static void miio_udp(const struct ep *s, const struct ep *d2, unsigned sp, unsigned dp, const struct dev *dev,
		     const char *json)
{
	struct buf b = {0};
	miio_msg(&b, dev, json);
	udp_send(s, d2, sp, dp, b.p, b.n);
	b_free(&b);
}

/* ---- Tuya 3.3 LAN discovery (UDP 6667): AES-128-ECB with md5 of the
 * well-known UDP key, framed 0x000055AA .. CRC32 0x0000AA55 ---- */

static uint32_t crc32(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;
	while (n--) {
		c ^= *p++;
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
	}
	return ~c;
}

static void tuya_discovery(struct buf *b, uint32_t seq, const char *json)
{
	uint8_t key[16], blk[16];
	struct aes128_ctx ctx;
	size_t n = strlen(json), pad = 16 - n % 16;
	md5of(key, (const uint8_t *)"yGAdlopoPVldABfn", 16, NULL, 0);
	aes128_set_encrypt_key(&ctx, key);
	b_u32(b, 0x000055aa);
	b_u32(b, seq);
	b_u32(b, 0x13);
	b_u32(b, (uint32_t)(4 + n + pad + 8));
	b_u32(b, 0); /* return code */
	for (size_t i = 0; i < n + pad; i += 16) {
		for (size_t k = 0; k < 16; k++)
			blk[k] = i + k < n ? (uint8_t)json[i + k] : (uint8_t)pad;
		aes128_encrypt(&ctx, 16, blk, blk);
		b_put(b, blk, 16);
	}
	b_u32(b, crc32(b->p, b->n));
	b_u32(b, 0x0000aa55);
}

/* ---- device scripts ---- */

#define LIST(...) ((const char *const[]){__VA_ARGS__, NULL})

static void script_router(void)
{
	const char *nts[] = {"upnp:rootdevice", SSDP_UUID, IGD};
	struct dev *lan[] = {&bulb, &gw, &cam, &plug, &phone, &laptop};
	for (int64_t t = 300 * MSEC; t < END; t += 120 * SEC) {
		now = t;
		for (int i = 0; i < 3; i++, now += 2 * MSEC)
			ssdp_router(&ssdp4, 1900, nts[i]);
	}
	for (int64_t t = 250 * SEC; t < END; t += 240 * SEC) /* ARP cache refresh */
		for (size_t i = 0; i < 6; i++) {
			now = t + (int64_t)i * 40 * MSEC;
			arp(1, &router.e, &lan[i]->e);
			now += lan[i]->e.rtt;
			arp(2, &lan[i]->e, &router.e);
		}
}

static void script_bulb(void)
{
	static const char *const cn[] = {"ot-de-1936428170.eu-central-1.elb.amazonaws.com", NULL};
	struct ep cloud = remote("3.120.177.22", 236, 24);
	struct tcp t;
	now = 1 * SEC;
	dhcp_join(&bulb);
	dns_lookup(&bulb.e, &router.e, "de.ot.io.mi.com", 1, cn, LIST("3.120.177.22", "18.185.96.41"), 60);
	for (int64_t t0 = now; now < END - 10 * SEC; now = t0 += 120 * SEC) { /* ot keepalive */
		unsigned p = 53712;
		miio_udp(&bulb.e, &cloud, p, 8053, &bulb, "{\"id\":1207,\"method\":\"_otc.ping\",\"params\":{}}");
		now += cloud.rtt;
		miio_udp(&cloud, &bulb.e, 8053, p, &bulb, "{\"id\":1207,\"result\":\"pong\"}");
	}
	now = 3 * SEC;
	tls_open(&t, &bulb.e, eport(&bulb), &cloud, 443, "de.ot.io.mi.com", &TLS_IOT);
	tls_xfer(&t, 421, 189); /* _otc.info: model, firmware, Wi-Fi details */
	for (int64_t t0 = now; (now = t0 += 60 * SEC + rnd_in(0, 900) * MSEC) < END;)
		tls_xfer(&t, rnd_in(101, 181), rnd_in(43, 69));
}

static void script_gateway(void)
{
	static const char *const cn[] = {"ot.io.mi.com.cdn.dnsv1.com", NULL};
	struct ep cloud = remote("118.89.204.59", 47, 228);
	struct ep ntp = remote("162.159.200.123", 57, 11);
	struct tcp t;
	now = 1800 * MSEC;
	dhcp_join(&gw);
	mdns_announce(&gw, "_miio._udp.local", 54321, "epoch=1");
	now += 1 * SEC;
	mdns_announce(&gw, "_miio._udp.local", 54321, "epoch=1");
	dns_lookup(&gw.e, &router.e, "pool.ntp.org", 1, NULL,
		   LIST("162.159.200.123", "185.232.69.65", "94.16.114.254", "5.45.97.204"), 130);
	ntp_exchange(&gw.e, &ntp, 123, 0x0a1b0a4d);
	dns_lookup(&gw.e, &router.e, "ot.io.mi.com", 1, cn, LIST("118.89.204.59", "118.89.204.61"), 600);
	tls_open(&t, &gw.e, eport(&gw), &cloud, 443, "ot.io.mi.com", &TLS_IOT);
	tls_xfer(&t, 612, 233);
	for (int64_t t0 = now; (now = t0 += 45 * SEC + rnd_in(0, 500) * MSEC) < END;)
		tls_xfer(&t, rnd_in(85, 260), rnd_in(60, 90)); /* heartbeats and sensor reports */
}

static void script_camera(void)
{
	static const char *const api_cn[] = {"business.smartcamera.api.io.mi.com.w.cdngslb.com", NULL};
	static const char *const up_cn[] = {"cn-v1-camera.oss-cn-shanghai.aliyuncs.com", NULL};
	static const int64_t events[] = {95, 310, 505};
	struct ep api = remote("161.117.71.39", 46, 184), store = remote("47.102.97.140", 49, 236);
	struct tcp t;
	now = 2600 * MSEC;
	dhcp_join(&cam);
	for (int64_t t0 = 4 * SEC; t0 < END - 20 * SEC; t0 += 150 * SEC) {
		now = t0;
		dns_lookup(&cam.e, &router.e, "business.smartcamera.api.io.mi.com", 1, api_cn,
			   LIST("161.117.71.39"), 60);
		tls_open(&t, &cam.e, eport(&cam), &api, 443, "business.smartcamera.api.io.mi.com", &TLS_IOT);
		tls_xfer(&t, rnd_in(700, 950), rnd_in(1200, 1900));
		tcp_close(&t, C2S);
	}
	for (size_t i = 0; i < 3; i++) { /* motion events: a video clip each */
		now = events[i] * SEC;
		dns_lookup(&cam.e, &router.e, "cn-v1.camera.io.mi.com", 1, up_cn, LIST("47.102.97.140"), 60);
		tls_open(&t, &cam.e, eport(&cam), &store, 443, "cn-v1.camera.io.mi.com", &TLS_IOT);
		tls_xfer(&t, 1100000 + rnd_in(0, 150000), 310);
		tcp_close(&t, C2S);
	}
}

static void script_plug(void)
{
	static const char *const m2_cn[] = {"mqtt-eu-7a21c93f0b4e.elb.eu-central-1.amazonaws.com", NULL};
	struct ep a1 = remote("18.196.141.87", 233, 23), m2 = remote("3.122.209.140", 233, 25);
	struct tcp t;
	struct buf b = {0};
	char json[256];
	now = 3500 * MSEC;
	dhcp_join(&plug);
	snprintf(json, sizeof json, "{\"ip\":\"%s\",\"gwId\":\"8001306468c63a3a1f2b\",\"active\":2,"
		 "\"ablilty\":0,\"encrypt\":true,\"productKey\":\"keyq7wcpjdxs4cnu\",\"version\":\"3.3\"}",
		 plug.ip);
	uint32_t seq = 0;
	for (int64_t t0 = now + 2 * SEC; t0 < END; t0 += 5 * SEC) {
		now = t0 + rnd_in(0, 20) * MSEC;
		b.n = 0;
		tuya_discovery(&b, seq++, json);
		udp_send(&plug.e, &bcast4, 49152, 6667, b.p, b.n);
	}
	b_free(&b);
	now = 5 * SEC;
	dns_lookup(&plug.e, &router.e, "a1.tuyaeu.com", 1, NULL, LIST("18.196.141.87", "52.59.157.207"), 60);
	tls_open(&t, &plug.e, eport(&plug), &a1, 443, "a1.tuyaeu.com", &TLS_IOT);
	tls_xfer(&t, 1180, 2860); /* device activation / config */
	tcp_close(&t, C2S);
	dns_lookup(&plug.e, &router.e, "m2.tuyaeu.com", 1, m2_cn, LIST("3.122.209.140"), 60);
	tls_open(&t, &plug.e, eport(&plug), &m2, 8883, "m2.tuyaeu.com", &TLS_IOT);
	tls_xfer(&t, 97, 21); /* MQTT CONNECT / CONNACK */
	tls_xfer(&t, 74, 0);  /* SUBSCRIBE */
	for (int64_t t0 = now; (now = t0 += 60 * SEC) < END;)
		tls_xfer(&t, 19, 19); /* PINGREQ / PINGRESP */
}

static void script_phone(void)
{
	static const char *const ua_cp = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 "
					 "(KHTML, like Gecko) Chrome/60.0.3112.32 Safari/537.36";
	static const char *yl[] = {
		"{\"id\":1,\"method\":\"get_prop\",\"params\":[\"power\",\"bright\",\"ct\",\"rgb\",\"color_mode\",\"name\"]}\r\n",
		"{\"id\":1,\"result\":[\"off\",\"80\",\"4000\",\"16711680\",\"2\",\"\"]}\r\n",
		"{\"id\":2,\"method\":\"set_power\",\"params\":[\"on\",\"smooth\",500]}\r\n",
		"{\"id\":2,\"result\":[\"ok\"]}\r\n{\"method\":\"props\",\"params\":{\"power\":\"on\"}}\r\n"};
	struct ep gcs = remote("142.250.186.67", 117, 12), www = remote("142.250.185.100", 117, 12);
	struct ep dot = remote("8.8.8.8", 118, 11);
	struct tcp t;
	static struct dns m;
	now = 40 * SEC;
	dhcp_join(&phone);
	dns_lookup(&phone.e, &router.e, "connectivitycheck.gstatic.com", 1, NULL, LIST("142.250.186.67"), 300);
	dns_lookup(&phone.e, &router.e, "www.google.com", 1, NULL, LIST("142.250.185.100"), 300);
	tcp_open(&t, &phone.e, eport(&phone), &gcs, 80);
	http_get(&t, "connectivitycheck.gstatic.com", "/generate_204", ua_cp, "204 No Content", NULL, "");
	tcp_close(&t, C2S);
	tls_open(&t, &phone.e, eport(&phone), &www, 443, "www.google.com", &TLS_CHROME);
	tls_xfer(&t, 1520, 24800);
	tcp_close(&t, C2S);
	tls_open(&t, &phone.e, eport(&phone), &dot, 853, "dns.google", &TLS_DOT); /* Private DNS probe */
	tls_xfer(&t, 128, 256);
	tcp_close(&t, C2S);

	now = 55 * SEC; /* Mi Home app opens: mDNS browse, miIO discovery, local control */
	dns_begin(&m, 0, 0);
	dns_q(&m, "_miio._udp.local", 12, 1);
	dns_q(&m, "_googlecast._tcp.local", 12, 1);
	dns_end(&m);
	{
		struct ep s = phone.e;
		s.ttl = 255;
		udp_send(&s, &mdns4, 5353, 5353, m.b.p, m.b.n);
		b_free(&m.b);
	}
	now += 40 * MSEC;
	mdns_announce(&gw, "_miio._udp.local", 54321, "epoch=1");
	now += 200 * MSEC;
	unsigned p = eport(&phone);
	miio_hello(&phone.e, p, &bcast4);
	struct dev *mi[] = {&bulb, &gw, &cam};
	for (int i = 0; i < 3; i++) {
		now += rnd_in(3, 15) * MSEC;
		miio_reply(mi[i], &phone.e, p);
	}
	now += 300 * MSEC;
	miio_hello(&phone.e, p, &gw.e);
	now += gw.e.rtt;
	miio_reply(&gw, &phone.e, p);
	now += 20 * MSEC;
	miio_udp(&phone.e, &gw.e, p, 54321, &gw, "{\"id\":1001,\"method\":\"miIO.info\",\"params\":[]}");
	now += 25 * MSEC;
	miio_udp(&gw.e, &phone.e, 54321, p, &gw,
		 "{\"id\":1001,\"result\":{\"life\":86182,\"model\":\"lumi.gateway.v3\",\"fw_ver\":\"1.4.1_176\","
		 "\"hw_ver\":\"MW300\",\"mac\":\"78:11:DC:5B:A0:E4\",\"ap\":{\"rssi\":-51,\"ssid\":\"HomeNet\"},"
		 "\"netif\":{\"localIp\":\"192.168.1.102\",\"mask\":\"255.255.255.0\",\"gw\":\"192.168.1.1\"}}}");
	for (int64_t t0 = 60 * SEC; t0 < END; t0 += 150 * SEC) { /* Yeelight LAN control */
		now = t0;
		tcp_open(&t, &phone.e, eport(&phone), &bulb.e, 55443);
		t.win[S2C] = 5840;
		for (int i = 0; i < 4; i++, now += 30 * MSEC)
			tcp_send(&t, i % 2, (const uint8_t *)yl[i], strlen(yl[i]));
		now += 2 * SEC;
		tcp_close(&t, C2S);
	}
}

static void script_laptop(void)
{
	static const char *const ua_ncsi = "Microsoft NCSI";
	struct ep ncsi = remote("13.107.4.52", 118, 14), gh = remote("140.82.121.4", 51, 18);
	struct ep yt6 = remote("2a00:1450:4001:80b::200e", 118, 12);
	struct ep ntp[2] = {remote("185.232.69.65", 56, 16), remote("94.16.114.254", 55, 19)};
	struct tcp t;
	char msg[320];
	now = 5 * SEC;
	dhcp_join(&laptop);
	{ /* IPv6: RS, RA (prefix, RDNSS), unsolicited NAs */
		static const uint8_t mc_all_r[6] = {0x33, 0x33, 0, 0, 0, 2};
		struct ep allr = mkep(mc_all_r, "ff02::2", 255, 0);
		struct buf b = {0};
		b_u8(&b, 133);
		b_put(&b, NULL, 7);
		b_u8(&b, 1);
		b_u8(&b, 1);
		b_put(&b, laptop.mac, 6);
		icmp6_send(&lap_ll, &allr, &b);
		b.n = 0;
		now += 3 * MSEC;
		b_put(&b, "\x86\x00\x00\x00\x40\x00\x07\x08\x00\x00\x00\x00\x00\x00\x00\x00", 16);
		b_put(&b, "\x01\x01", 2);
		b_put(&b, router.mac, 6);
		b_put(&b, "\x05\x01\x00\x00\x00\x00\x05\xdc", 8);                 /* MTU 1500 */
		b_put(&b, "\x03\x04\x40\xc0\x00\x01\x51\x80\x00\x00\x38\x40\x00\x00\x00\x00", 16); /* prefix */
		b_put(&b, lap_gua.ip, 8);
		b_put(&b, NULL, 8);
		b_put(&b, "\x19\x03\x00\x00\x00\x00\x07\x08", 8); /* RDNSS */
		b_put(&b, rt_ll.ip, 16);
		icmp6_send(&rt_ll, &allnodes6, &b);
		b_free(&b);
		now += 800 * MSEC;
		nd_na(&lap_ll, &allnodes6, 0x20);
		now += 5 * MSEC;
		nd_na(&lap_gua, &allnodes6, 0x20);
	}
	now = 6 * SEC; /* SSDP M-SEARCH for the internet gateway, the router answers */
	unsigned sp = eport(&laptop);
	int n = snprintf(msg, sizeof msg, "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n"
			 "MAN: \"ssdp:discover\"\r\nMX: 2\r\nST: %s\r\n\r\n", IGD);
	for (int64_t t0 = 6 * SEC; t0 < END; t0 += 300 * SEC) {
		struct ep s = laptop.e;
		s.ttl = 2;
		now = t0;
		udp_send(&s, &ssdp4, sp, 1900, msg, (size_t)n);
		now += rnd_in(20, 400) * MSEC;
		ssdp_router(&laptop.e, sp, IGD);
	}
	now = 7 * SEC;
	dns_lookup(&laptop.e, &router.e, "www.msftconnecttest.com", 1, LIST("v4ncsi.msedge.net"),
		   LIST("13.107.4.52"), 60);
	tcp_open(&t, &laptop.e, eport(&laptop), &ncsi, 80);
	http_get(&t, "www.msftconnecttest.com", "/connecttest.txt", ua_ncsi, "200 OK", "text/plain",
		 "Microsoft Connect Test");
	tcp_close(&t, C2S);
	dns_lookup(&laptop.e, &router.e, "pool.ntp.org", 1, NULL,
		   LIST("185.232.69.65", "94.16.114.254", "5.45.97.204", "162.159.200.123"), 130);
	for (int i = 0; i < 2; i++)
		ntp_exchange(&laptop.e, &ntp[i], 123, i ? 0xc0a80001 : 0x5bbdb62c);
	now = 20 * SEC;
	dns_lookup(&laptop.e, &router.e, "github.com", 1, NULL, LIST("140.82.121.4"), 60);
	tls_open(&t, &laptop.e, eport(&laptop), &gh, 443, "github.com", &TLS_CHROME);
	tls_xfer(&t, 2100, 61200);
	now += 4 * SEC;
	tls_xfer(&t, 1400, 18400);
	tcp_close(&t, C2S);
	now = 130 * SEC; /* YouTube over IPv6, names resolved over IPv6 too */
	dns_lookup(&lap_ll, &rt_ll, "www.youtube.com", 1, LIST("youtube-ui.l.google.com"),
		   LIST("142.250.185.78", "142.250.185.110"), 300);
	dns_lookup(&lap_ll, &rt_ll, "www.youtube.com", 28, LIST("youtube-ui.l.google.com"),
		   LIST("2a00:1450:4001:80b::200e"), 300);
	tls_open(&t, &lap_gua, eport(&laptop), &yt6, 443, "www.youtube.com", &TLS_CHROME);
	tls_xfer(&t, 1850, 152000);
	for (int i = 0; i < 3; i++) {
		now += 15 * SEC;
		tls_xfer(&t, 900, 88000);
	}
	tcp_close(&t, C2S);
	now = 400 * SEC; /* the router checks the laptop's global address */
	nd_ns(&rt_ll, lap_gua.ip);
	now += 4 * MSEC;
	nd_na(&lap_gua, &rt_ll, 0x60);
}

/* ---- main ---- */

static void usage(FILE *f)
{
	fprintf(f, "usage: mkexample OUT.pcap\n"
		   "Write alfoil's example capture: ten minutes of a small home network\n"
		   "(Yeelight bulb, Xiaomi gateway and camera, Tuya plug, phone, laptop).\n"
		   "The output is deterministic; nothing is sent anywhere.\n");
}

int main(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage(stdout);
		return 0;
	}
	if (argc != 2 || argv[1][0] == '\0' || (argv[1][0] == '-' && argv[1][1] != '\0')) {
		usage(stderr);
		return 2;
	}
	const char *out = argv[1];

	net_init();
	script_router();
	script_bulb();
	script_gateway();
	script_camera();
	script_plug();
	script_laptop();
	script_phone();
	qsort(frames, nframes, sizeof *frames, frame_cmp);

	pcap_t *p = pcap_open_dead(DLT_EN10MB, 65535);
	if (!p)
		die("pcap_open_dead failed");
	pcap_dumper_t *dump = pcap_dump_open(p, out);
	if (!dump) {
		fprintf(stderr, "mkexample: cannot write %s: %s\n", out, pcap_geterr(p));
		pcap_close(p);
		return 1;
	}
	uint64_t bytes = 0;
	size_t kept = 0;
	for (size_t i = 0; i < nframes; i++) {
		struct frame *f = &frames[i];
		if (f->ts < END) {
			struct pcap_pkthdr h;
			memset(&h, 0, sizeof h);
			h.ts.tv_sec = (time_t)(T0 + f->ts / SEC);
			h.ts.tv_usec = (suseconds_t)(f->ts % SEC);
			h.caplen = h.len = f->len;
			pcap_dump((u_char *)dump, &h, f->d);
			bytes += f->len;
			kept++;
		}
		free(f->d);
	}
	free(frames);
	FILE *fp = pcap_dump_file(dump);
	int bad = pcap_dump_flush(dump) != 0 || ferror(fp);
	pcap_dump_close(dump);
	pcap_close(p);
	if (bad) {
		fprintf(stderr, "mkexample: cannot write %s: %s\n", out, strerror(errno ? errno : EIO));
		return 1;
	}
	printf("mkexample: wrote %s: %zu packets, %llu bytes of frames, 2026-11-01 08:00-08:10 UTC\n",
	       out, kept, (unsigned long long)bytes);
	return 0;
}
