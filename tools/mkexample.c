/* mkexample.c - write the bundled example capture (examples/home.pcap).
 *
 * A deterministic generator: a fixed PRNG seed and fixed timestamps (from
 * 2026-11-01 08:00:00 UTC) make the output byte-identical on every run. It
 * builds ten minutes of a small home network's traffic frame by frame
 * (Ethernet, ARP, IPv4/IPv6, UDP/TCP/ICMPv6 with correct checksums) and only
 * writes a file: nothing is sent anywhere. docs/example.md describes it.
 *
 * Layout: byte buffer and frame store; L2-L4 builders; a TCP session
 * builder; application payloads (TLS, HTTP, DNS/mDNS, DHCP, SSDP, NTP, miIO,
 * Tuya); the network; one script per device; main. Each script sets the
 * clock `now` itself; frames are sorted by time before they are written.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
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
	if (!(b->p = realloc(b->p, c)))
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

/* Append fields, one letter of fmt per argument: b, h, w an unsigned as 8,
 * 16 or 32 bits big-endian; a, m, A the 4, 6 or 16 bytes a pointer points to
 * (zeros for NULL): IPv4 address, MAC, IPv6 address. Spaces are ignored. */
static void b_pack(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	for (const char *f = fmt; *f; f++) {
		if (*f == 'a' || *f == 'm' || *f == 'A') {
			b_put(b, va_arg(ap, const uint8_t *), *f == 'a' ? 4 : *f == 'm' ? 6 : 16);
		} else if (*f != ' ') {
			unsigned v = va_arg(ap, unsigned), w = *f == 'w' ? 4 : *f == 'h' ? 2 : 1;
			uint8_t x[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
			b_put(b, x + 4 - w, w);
		}
	}
	va_end(ap);
}

static void b_str(struct buf *b, const char *s) { b_put(b, s, strlen(s)); }
static void b_rand(struct buf *b, size_t k) { b_need(b, k); rnd_fill(b->p + b->n, k); b->n += k; }
static void b_free(struct buf *b) { free(b->p); b->p = NULL; b->n = b->cap = 0; }

/* Reserve a w-byte length field; b_len fills in the bytes written since. */
static size_t b_mark(struct buf *b, size_t w) { size_t at = b->n; b_put(b, NULL, w); return at; }

static void b_len(struct buf *b, size_t at, size_t w)
{
	size_t v = b->n - at - w;
	for (size_t i = 0; i < w; i++)
		b->p[at + i] = (uint8_t)(v >> (8 * (w - 1 - i)));
}

/* ---- frame store: kept in memory, sorted by (time, order), then written ---- */

struct frame { int64_t ts; uint32_t seq, len; uint8_t *d; };
static struct frame *frames;
static size_t nframes, capframes;

static void frame_add(const uint8_t *d, size_t n)
{
	if (nframes == capframes) {
		capframes = capframes ? capframes * 2 : 4096;
		if (!(frames = realloc(frames, capframes * sizeof *frames)))
			die("out of memory");
	}
	size_t len = n < 60 ? 60 : n; /* Ethernet minimum, zero padded */
	struct frame *f = &frames[nframes];
	if (!(f->d = calloc(1, len)))
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

/* An endpoint as seen on the LAN (for a host on the internet the MAC is the
 * router's); rtt is the round trip from the capture point to it. */
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

static void put16(uint8_t *p, unsigned v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }

static void eth_send(const uint8_t dst[6], const uint8_t src[6], unsigned type, const uint8_t *pl, size_t n)
{
	struct buf b = {0};
	b_pack(&b, "mmh", dst, src, type);
	b_put(&b, pl, n);
	frame_add(b.p, b.n);
	b_free(&b);
}

static unsigned ip_id(const struct ep *e)
{
	static uint16_t ctr[64];
	unsigned h = (e->ip[0] * 31u + e->ip[1] * 7u + e->ip[2] * 3u + e->ip[3]) & 63;
	return (h * 1031u + ++ctr[h]) & 0xffff;
}

/* Fill the transport checksum at l4[csoff] (pseudo header included), then
 * send l4 in an IPv4 or IPv6 packet from s to d. */
static void ip_send(const struct ep *s, const struct ep *d, unsigned proto, struct buf *l4, size_t csoff)
{
	size_t al = s->v6 ? 16 : 4;
	uint32_t ps = sum16(sum16(0, s->ip, al), d->ip, al) + proto + (uint32_t)l4->n;
	put16(l4->p + csoff, 0);
	uint16_t c = fold(sum16(ps, l4->p, l4->n));
	put16(l4->p + csoff, proto == 17 && c == 0 ? 0xffff : c);

	struct buf b = {0};
	if (!s->v6) { /* DF on TCP */
		b_pack(&b, "bbhhhbbhaa", 0x45, 0, (unsigned)(20 + l4->n), ip_id(s), proto == 6 ? 0x4000 : 0,
		       s->ttl, proto, 0, s->ip, d->ip);
		put16(b.p + 10, fold(sum16(0, b.p, 20)));
	} else {
		b_pack(&b, "whbbAA", 0x60000000u, (unsigned)l4->n, proto, s->ttl, s->ip, d->ip);
	}
	b_put(&b, l4->p, l4->n);
	eth_send(d->mac, s->mac, s->v6 ? 0x86dd : 0x0800, b.p, b.n);
	b_free(&b);
}

static void udp_send(const struct ep *s, const struct ep *d, unsigned sp, unsigned dp, const void *pl, size_t n)
{
	struct buf b = {0};
	b_pack(&b, "hhhh", sp, dp, (unsigned)(8 + n), 0);
	b_put(&b, pl, n);
	ip_send(s, d, 17, &b, 6);
	b_free(&b);
}

static const uint8_t BCAST[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

/* ARP (RFC 826): op 1 request (broadcast, target MAC zero), 2 reply. */
static void arp(unsigned op, const struct ep *s, const struct ep *t)
{
	struct buf b = {0};
	b_pack(&b, "hhbbhmama", 1, 0x0800, 6, 4, op, s->mac, s->ip, op == 1 ? NULL : t->mac, t->ip);
	eth_send(op == 1 ? BCAST : t->mac, s->mac, 0x0806, b.p, b.n);
	b_free(&b);
}

/* ICMPv6 (hop limit 255, as neighbour discovery requires); m starts with
 * type and code, the checksum follows. */
static void icmp6_send(const struct ep *s, const struct ep *d, struct buf *m)
{
	struct ep s2 = *s;
	s2.ttl = 255;
	ip_send(&s2, d, 58, m, 2);
}

/* Neighbour solicitation (RFC 4861) for target, to its solicited-node group. */
static void nd_ns(const struct ep *s, const uint8_t target[16])
{
	static const uint8_t mc[6] = {0x33, 0x33, 0xff};
	struct ep d = mkep(mc, "ff02::1:ff00:0", 255, 0);
	struct buf b = {0};
	memcpy(d.mac + 3, target + 13, 3);
	memcpy(d.ip + 13, target + 13, 3);
	b_pack(&b, "bbhwA bbm", 135, 0, 0, 0, target, 1, 1, s->mac); /* option: source link-layer address */
	icmp6_send(s, &d, &b);
	b_free(&b);
}

/* Neighbour advertisement for s's own address; flags 0x80 router,
 * 0x40 solicited, 0x20 override. */
static void nd_na(const struct ep *s, const struct ep *d, unsigned flags)
{
	struct buf b = {0};
	b_pack(&b, "bbhwA bbm", 136, 0, 0, flags << 24, s->ip, 2, 1, s->mac); /* option: target link-layer address */
	icmp6_send(s, d, &b);
	b_free(&b);
}

/* ---- TCP session builder ---- */

enum { C2S = 0, S2C = 1 };
enum { F_FIN = 0x01, F_SYN = 0x02, F_PSH = 0x08, F_ACK = 0x10 };

struct tcp { struct ep e[2]; uint16_t port[2], win[2]; uint32_t seq[2]; size_t mss; };

static void tcp_seg(struct tcp *t, int dir, unsigned fl, const uint8_t *d, size_t n)
{
	struct buf b = {0};
	unsigned on = (fl & F_SYN) ? 12 : 0;
	b_pack(&b, "hhwwbbhhh", t->port[dir], t->port[!dir], t->seq[dir], (fl & F_ACK) ? t->seq[!dir] : 0,
	       (20 + on) / 4 << 4, fl, t->win[dir], 0, 0);
	if (on) /* MSS, NOP, window scale 8, NOP, NOP, SACK permitted */
		b_pack(&b, "bbhbbbbbbbb", 2, 4, (unsigned)t->mss, 1, 3, 3, 8, 1, 1, 4, 2);
	b_put(&b, d, n);
	ip_send(&t->e[dir], &t->e[!dir], 6, &b, 16);
	t->seq[dir] += (uint32_t)n + ((fl & (F_SYN | F_FIN)) ? 1u : 0u);
	b_free(&b);
}

/* Three-way handshake from c:cport to s:sport, starting at now. */
static void tcp_open(struct tcp *t, const struct ep *c, unsigned cport, const struct ep *s, unsigned sport)
{
	uint32_t isn_c = rnd(), isn_s = rnd();
	*t = (struct tcp){{*c, *s}, {(uint16_t)cport, (uint16_t)sport}, {64240, 65160}, {isn_c, isn_s},
			  c->v6 ? 1440 : 1460};
	tcp_seg(t, C2S, F_SYN, NULL, 0);
	now += s->rtt; tcp_seg(t, S2C, F_SYN | F_ACK, NULL, 0);
	now += c->rtt;
	t->win[C2S] = 502; /* scaled by 2^8 from here on */
	t->win[S2C] = 501;
	tcp_seg(t, C2S, F_ACK, NULL, 0);
}

/* Send n bytes in direction dir: MSS-sized segments about 1.2 ms apart, the
 * receiver acknowledging every second one and the last one a round trip
 * later. Returns with now after the last acknowledgement. */
static void tcp_send(struct tcp *t, int dir, const void *data, size_t n)
{
	const uint8_t *d = data;
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
	now += t->e[!dir].rtt; tcp_seg(t, !dir, F_FIN | F_ACK, NULL, 0);
	now += t->e[dir].rtt; tcp_seg(t, dir, F_ACK, NULL, 0);
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
static const struct tlsprof TLS_IOT = {cs_mbedtls, 24, NULL, 0}; /* mbedTLS on a device */

/* Start an extension: its type and a length to close with b_len. */
static size_t ext(struct buf *b, unsigned type) { b_pack(b, "h", type); return b_mark(b, 2); }

static void tls_client_hello(struct buf *b, const char *sni, const struct tlsprof *p, const uint8_t sid[32])
{
	static const uint16_t sigs[] = {0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601, 0x0201};
	size_t x, l;
	b_pack(b, "bh", 0x16, 0x0301);
	size_t rl = b_mark(b, 2);
	b_pack(b, "b", 1); /* client_hello */
	size_t hl = b_mark(b, 3);
	b_pack(b, "h", 0x0303);
	b_rand(b, 32);
	b_pack(b, "b", 32);
	b_put(b, sid, 32); /* legacy_session_id, for middlebox compatibility */
	b_pack(b, "h", (unsigned)(2 * p->ncs));
	for (size_t i = 0; i < p->ncs; i++)
		b_pack(b, "h", p->cs[i]);
	b_pack(b, "bb", 1, 0); /* compression: null */
	size_t el = b_mark(b, 2);

	x = ext(b, 0x0000); /* server_name: one host_name */
	b_pack(b, "hbh", (unsigned)strlen(sni) + 3, 0, (unsigned)strlen(sni));
	b_str(b, sni);
	b_len(b, x, 2);
	if (p->browser) {
		b_len(b, ext(b, 0x0017), 2); /* extended_master_secret */
		b_pack(b, "hhb", 0xff01, 1, 0); /* renegotiation_info */
	}
	b_pack(b, "hhhhhh", 0x000a, 8, 6, 0x001d, 0x0017, 0x0018); /* groups: x25519, P-256, P-384 */
	b_pack(b, "hhbb", 0x000b, 2, 1, 0);                         /* ec_point_formats: uncompressed */
	if (p->browser)
		b_len(b, ext(b, 0x0023), 2); /* session_ticket */
	if (p->alpn) {
		x = ext(b, 0x0010);
		l = b_mark(b, 2);
		for (const char *a = p->alpn; *a;) {
			size_t n = strcspn(a, ",");
			b_pack(b, "b", (unsigned)n);
			b_put(b, a, n);
			a += n + (a[n] == ',');
		}
		b_len(b, l, 2);
		b_len(b, x, 2);
	}
	if (p->browser)
		b_pack(b, "hhbw", 0x0005, 5, 1, 0); /* status_request: OCSP */
	x = ext(b, 0x000d); /* signature_algorithms */
	b_pack(b, "h", (unsigned)sizeof sigs);
	for (size_t i = 0; i < sizeof sigs / 2; i++)
		b_pack(b, "h", sigs[i]);
	b_len(b, x, 2);
	if (p->browser)
		b_len(b, ext(b, 0x0012), 2); /* signed_certificate_timestamp */
	b_pack(b, "hhhhh", 0x0033, 38, 36, 0x001d, 32); /* key_share: x25519 */
	b_rand(b, 32);
	b_pack(b, "hhbb", 0x002d, 2, 1, 1);            /* psk_key_exchange_modes: psk_dhe_ke */
	b_pack(b, "hhbw", 0x002b, 5, 4, 0x03040303u);  /* supported_versions: 1.3, 1.2 */
	b_len(b, el, 2);
	b_len(b, hl, 3);
	b_len(b, rl, 2);
}

/* Opaque application_data records (type 0x17) carrying n bytes in total. */
static void tls_records(struct buf *b, size_t n)
{
	for (size_t m; n; n -= m) {
		m = n > 16401 ? 16401 : n;
		b_pack(b, "bhh", 0x17, 0x0303, (unsigned)m);
		b_rand(b, m);
	}
}

/* ServerHello (TLS_AES_128_GCM_SHA256, x25519), the compatibility
 * ChangeCipherSpec, then the encrypted rest of the server's flight. */
static void tls_server_flight(struct buf *b, const uint8_t sid[32], size_t enc)
{
	b_pack(b, "bhhbbhh", 0x16, 0x0303, 122, 2, 0, 118, 0x0303);
	b_rand(b, 32);
	b_pack(b, "b", 32);
	b_put(b, sid, 32);
	b_pack(b, "hbh hhh hhhh", 0x1301, 0, 46, 0x002b, 2, 0x0304, 0x0033, 36, 0x001d, 32);
	b_rand(b, 32);
	b_pack(b, "bhhb", 0x14, 0x0303, 1, 1);
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
	b_pack(&b, "bhhb", 0x14, 0x0303, 1, 1);
	tls_records(&b, 53);
	tcp_send(t, C2S, b.p, b.n);
	b_free(&b);
}

/* One exchange of opaque records: up bytes from the client, then down.
 * (Never pass two rnd() calls in one argument list: their order is
 * unspecified, and the output must not depend on the compiler.) */
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

/* An exchange of random sizes, up first. */
static void tls_xfer_rnd(struct tcp *t, uint32_t up_lo, uint32_t up_hi, uint32_t down_lo, uint32_t down_hi)
{
	size_t up = rnd_in(up_lo, up_hi), down = rnd_in(down_lo, down_hi);
	tls_xfer(t, up, down);
}

/* ---- HTTP/1.1 GET and its response ---- */

static void http_get(struct tcp *t, const char *host, const char *path, const char *ua,
		     const char *status, const char *ctype, const char *body)
{
	char req[512], resp[512], date[64];
	time_t tt = (time_t)(T0 + now / SEC);
	struct tm tm;
	int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: %s\r\n"
			 "Connection: Keep-Alive\r\nAccept-Encoding: gzip\r\n\r\n", path, host, ua);
	tcp_send(t, C2S, req, (size_t)n);
	now += 3 * MSEC;
	gmtime_r(&tt, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	n = snprintf(resp, sizeof resp, "HTTP/1.1 %s\r\nDate: %s\r\n%s%s%sContent-Length: %zu\r\n\r\n%s",
		     status, date, ctype ? "Content-Type: " : "", ctype ? ctype : "", ctype ? "\r\n" : "",
		     strlen(body), body);
	tcp_send(t, S2C, resp, (size_t)n);
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
	for (size_t l; *n; n += l + (n[l] == '.')) {
		for (int i = 0; i < m->nsfx; i++)
			if (!strcasecmp(m->sfx[i].s, n)) {
				b_pack(&m->b, "h", 0xc000 | (unsigned)m->sfx[i].off);
				return;
			}
		if (m->nsfx < 48 && m->b.n < 0x3fff && strlen(n) < 128) {
			m->sfx[m->nsfx].off = m->b.n;
			snprintf(m->sfx[m->nsfx++].s, 128, "%s", n);
		}
		l = strcspn(n, ".");
		b_pack(&m->b, "b", (unsigned)l);
		b_put(&m->b, n, l);
	}
	b_pack(&m->b, "b", 0);
}

static void dns_begin(struct dns *m, unsigned id, unsigned flags)
{
	memset(m, 0, sizeof *m);
	b_pack(&m->b, "hhwhh", id, flags, 0, 0, 0); /* counts: dns_end */
}

static void dns_q(struct dns *m, const char *name, unsigned type)
{
	dns_name(m, name);
	b_pack(&m->b, "hh", type, 1);
	m->qd++;
}

/* Owner, type, class, TTL; returns the RDLENGTH mark for b_len. */
static size_t dns_rr(struct dns *m, const char *owner, unsigned type, unsigned cls, uint32_t ttl)
{
	dns_name(m, owner);
	b_pack(&m->b, "hhw", type, cls, ttl);
	m->an++;
	return b_mark(&m->b, 2);
}

static void dns_end(struct dns *m)
{
	put16(m->b.p + 4, m->qd);
	put16(m->b.p + 6, m->an);
}

/* A query from cli to the resolver srv and its answer: name -> CNAME chain
 * (NULL-terminated, may be NULL) -> the addresses of qtype (A or AAAA). */
static void dns_lookup(const struct ep *cli, const struct ep *srv, const char *name, unsigned qtype,
		       const char *const *cnames, const char *const *addrs, uint32_t ttl)
{
	static struct dns m;
	unsigned id = rnd() & 0xffff, port = rnd_in(32768, 60999);
	dns_begin(&m, id, 0x0100);
	dns_q(&m, name, qtype);
	dns_end(&m);
	udp_send(cli, srv, port, 53, m.b.p, m.b.n);
	b_free(&m.b);
	now += rnd_in(1, 35) * MSEC;

	dns_begin(&m, id, 0x8180);
	dns_q(&m, name, qtype);
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
		size_t r = dns_rr(&m, owner, qtype, 1, ttl);
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
	const char *host, *vclass; /* DHCP options 12 and 60 */
	uint8_t mac[6];
	const char *ip;
	unsigned ttl;
	const uint8_t *prl;        /* DHCP option 55 */
	size_t nprl;
	int cid, maxsz;            /* send option 61 (type 1 + MAC); option 57 */
	unsigned port;             /* last ephemeral port used */
	uint32_t did, stamp0;      /* miIO device id, uptime at T0 */
	const char *token;         /* miIO token, 16 bytes */
	struct ep e;
};

static const uint8_t PRL_LWIP[] = {1, 3, 28, 6, 15, 44, 46, 47, 31, 33, 121, 43};
static const uint8_t PRL_UDHCPC[] = {1, 3, 6, 12, 15, 28, 42};
static const uint8_t PRL_ANDROID[] = {1, 3, 6, 15, 26, 28, 51, 58, 59, 43, 114, 108};
static const uint8_t PRL_WINDOWS[] = {1, 3, 6, 15, 31, 33, 43, 44, 46, 47, 119, 121, 249, 252};
#define PRL(a) a, sizeof a
#define EP0 {{0}, 0, 0, {0}, 0}

static struct dev router = {.host = "router", .mac = {0x50, 0xc7, 0xbf, 0x8a, 0x3e, 0x10},
			    .ip = "192.168.1.1", .ttl = 64};
static struct dev bulb = {"yeelink-light-color1_miio123456789", NULL, {0xf8, 0x24, 0x41, 0xc2, 0x8e, 0x17},
			  "192.168.1.101", 255, PRL(PRL_LWIP), 0, 0, 49152, 123456789, 5311,
			  "\x7a\x3c\x91\x0e\x55\xd2\x48\xb6\x1f\x9a\x03\xc7\x6e\x21\xd8\x4b", EP0};
static struct dev gw = {"lumi-gateway-v3_miio12345678", "udhcp 1.19.4", {0x78, 0x11, 0xdc, 0x5b, 0xa0, 0xe4},
			"192.168.1.102", 64, PRL(PRL_UDHCPC), 0, 0, 41873, 12345678, 86127,
			"\x5f\x61\x2d\x8e\x94\x0b\xc3\x7a\x16\xe8\x42\xa9\x3d\x70\xb5\x0c", EP0};
static struct dev cam = {"chuangmi-camera-ipc019_miio317265904", "udhcp 1.24.2",
			 {0x94, 0xf8, 0x27, 0x6d, 0x12, 0xc9}, "192.168.1.103", 64, PRL(PRL_UDHCPC), 0, 0,
			 45212, 317265904, 20416, NULL, EP0};
static struct dev plug = {"ESP_3A1F2B", NULL, {0x68, 0xc6, 0x3a, 0x3a, 0x1f, 0x2b}, "192.168.1.104", 255,
			  PRL(PRL_LWIP), 0, 0, 49152, 0, 0, NULL, EP0};
static struct dev phone = {"Pixel-7", "android-dhcp-13", {0x5e, 0xa1, 0x3c, 0x77, 0x09, 0xd4},
			   "192.168.1.105", 64, PRL(PRL_ANDROID), 1, 1500, 38612, 0, 0, NULL, EP0};
static struct dev laptop = {"DESKTOP-4KX9Q2", "MSFT 5.0", {0x34, 0xf6, 0x4b, 0x91, 0x6e, 0x2a},
			    "192.168.1.106", 128, PRL(PRL_WINDOWS), 1, 0, 52144, 0, 0, NULL, EP0};

static struct ep rt_ll, lap_ll, lap_gua, bcast4, mdns4, ssdp4, allnodes6, allrouters6;

static unsigned eport(struct dev *d) { return d->port += rnd_in(1, 9); }

/* A host on the internet: seen behind the router's MAC. */
static struct ep remote(const char *ip, unsigned ttl, int64_t rtt_ms) { return mkep(router.mac, ip, ttl, rtt_ms * MSEC); }

static void net_init(void)
{
	static const uint8_t mc_mdns[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb};
	static const uint8_t mc_ssdp[6] = {0x01, 0x00, 0x5e, 0x7f, 0xff, 0xfa};
	static const uint8_t mc_all6[6] = {0x33, 0x33, 0, 0, 0, 1}, mc_allr6[6] = {0x33, 0x33, 0, 0, 0, 2};
	struct dev *all[] = {&router, &bulb, &gw, &cam, &plug, &phone, &laptop};
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) /* Wi-Fi round trips 4-9 ms */
		all[i]->e = mkep(all[i]->mac, all[i]->ip, all[i]->ttl, i == 0 ? 100 : (3 + (int64_t)i) * MSEC);
	rt_ll = mkep(router.mac, "fe80::52c7:bfff:fe8a:3e10", 255, 100);
	lap_ll = mkep(laptop.mac, "fe80::8d3c:5a12:e7b0:41f9", 128, 9 * MSEC);
	lap_gua = mkep(laptop.mac, "2a02:8108:1a80:3c00:b5e1:9f27:6c0a:d34e", 128, 9 * MSEC);
	bcast4 = mkep(BCAST, "255.255.255.255", 0, 0);
	mdns4 = mkep(mc_mdns, "224.0.0.251", 0, 0);
	ssdp4 = mkep(mc_ssdp, "239.255.255.250", 0, 0);
	allnodes6 = mkep(mc_all6, "ff02::1", 0, 0);
	allrouters6 = mkep(mc_allr6, "ff02::2", 0, 0);
}

/* ---- DHCP (RFC 2131/2132) ---- */

static void dhcp_opt(struct buf *b, unsigned code, const void *d, size_t n)
{
	b_pack(b, "bb", code, (unsigned)n);
	b_put(b, d, n);
}

/* BOOTP header, magic cookie, option 53; yiaddr may be NULL (zero). */
static void dhcp_head(struct buf *b, unsigned op, uint32_t xid, const struct dev *d, const uint8_t *yiaddr,
		      unsigned type)
{
	b_pack(b, "bbbbwhhwawwm", op, 1, 6, 0, xid, 0, 0, 0, yiaddr, 0, 0, d->mac); /* ciaddr, yiaddr, siaddr, giaddr */
	b_put(b, NULL, 10 + 64 + 128); /* chaddr padding, sname, file */
	b_pack(b, "wbbb", 0x63825363u, 53, 1, type);
}

static void dhcp_tail(struct buf *b)
{
	b_pack(b, "b", 255);
	if (b->n < 300)
		b_put(b, NULL, 300 - b->n);
}

/* DISCOVER (type 1) or REQUEST (3) from 0.0.0.0 to the broadcast address. */
static void dhcp_client(struct dev *d, uint32_t xid, unsigned type)
{
	struct buf b = {0};
	struct ep src = d->e;
	uint8_t cid[7] = {1}, sz[2] = {(uint8_t)(d->maxsz >> 8), (uint8_t)d->maxsz};
	memcpy(cid + 1, d->mac, 6);
	memset(src.ip, 0, 4);
	dhcp_head(&b, 1, xid, d, NULL, type);
	if (d->cid)
		dhcp_opt(&b, 61, cid, 7);
	if (d->maxsz)
		dhcp_opt(&b, 57, sz, 2);
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

/* OFFER (2) or ACK (5), unicast to the offered address and chaddr. */
static void dhcp_server(struct dev *d, uint32_t xid, unsigned type)
{
	struct buf b = {0};
	dhcp_head(&b, 2, xid, d, d->e.ip, type);
	dhcp_opt(&b, 54, router.e.ip, 4);
	b_pack(&b, "bbw bbw bbw", 51, 4, 86400, 58, 4, 43200, 59, 4, 75600); /* lease, T1, T2 */
	b_pack(&b, "bbw bbw", 1, 4, 0xffffff00u, 28, 4, 0xc0a801ffu);         /* mask, broadcast */
	dhcp_opt(&b, 3, router.e.ip, 4);
	dhcp_opt(&b, 6, router.e.ip, 4);
	dhcp_opt(&b, 15, "lan", 3);
	dhcp_tail(&b);
	udp_send(&router.e, &d->e, 67, 68, b.p, b.n);
	b_free(&b);
}

/* DISCOVER, OFFER, REQUEST, ACK; then the device resolves the router. */
static void dhcp_join(struct dev *d)
{
	uint32_t xid = rnd();
	dhcp_client(d, xid, 1);
	now += rnd_in(2, 12) * MSEC; dhcp_server(d, xid, 2);
	now += rnd_in(5, 60) * MSEC; dhcp_client(d, xid, 3);
	now += rnd_in(2, 12) * MSEC; dhcp_server(d, xid, 5);
	now += rnd_in(100, 400) * MSEC; arp(1, &d->e, &router.e);
	now += 1 * MSEC; arp(2, &router.e, &d->e);
	now += 50 * MSEC;
}

/* ---- mDNS announcement, SSDP, NTP ---- */

/* PTR svc -> instance, SRV, TXT, A: what a device multicasts on joining or
 * answering a browse. The instance is named after the device's host name. */
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
	r = dns_rr(&m, inst, 33, 0x8001, 120); /* class with cache-flush */
	b_pack(&m.b, "hhh", 0, 0, port);
	dns_name(&m, host);
	b_len(&m.b, r, 2);
	r = dns_rr(&m, inst, 16, 0x8001, 4500);
	b_pack(&m.b, "b", (unsigned)strlen(txt));
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

static const char *SSDP_UUID = "uuid:3a2f8c1e-50c7-4bf8-a3e1-50c7bf8a3e10";
static const char *IGD = "urn:schemas-upnp-org:device:InternetGatewayDevice:1";

/* miniupnpd on the router: NOTIFY to the group, or a unicast search reply. */
static void ssdp_router(const struct ep *to, unsigned port, const char *nt)
{
	char msg[640], usn[160];
	int mc = to == &ssdp4;
	struct ep s = router.e;
	snprintf(usn, sizeof usn, "%s%s%s", SSDP_UUID, strncmp(nt, "uuid:", 5) ? "::" : "",
		 strncmp(nt, "uuid:", 5) ? nt : "");
	int n = snprintf(msg, sizeof msg, "%s\r\n%sCACHE-CONTROL: max-age=120\r\n"
			 "LOCATION: http://192.168.1.1:1900/rootDesc.xml\r\n"
			 "OPT: \"http://schemas.upnp.org/upnp/1/0/\"; ns=01\r\n01-NLS: 1\r\n"
			 "%s: %s\r\n%sSERVER: Linux/4.14 UPnP/1.0 miniupnpd/2.2\r\nUSN: %s\r\n"
			 "BOOTID.UPNP.ORG: 1\r\nCONFIGID.UPNP.ORG: 1337\r\n\r\n",
			 mc ? "NOTIFY * HTTP/1.1" : "HTTP/1.1 200 OK", mc ? "HOST: 239.255.255.250:1900\r\n" : "EXT:\r\n",
			 mc ? "NT" : "ST", nt, mc ? "NTS: ssdp:alive\r\n" : "", usn);
	s.ttl = mc ? 2 : 64;
	udp_send(&s, to, 1900, port, msg, (size_t)n);
}

static void ntp_ts(struct buf *b, int64_t t)
{
	b_pack(b, "ww", (unsigned)(T0 + t / SEC + 2208988800LL), (unsigned)(((uint64_t)(t % SEC) << 32) / SEC));
}

static void ntp_exchange(const struct ep *c, const struct ep *s, unsigned cport, uint32_t refid)
{
	struct buf b = {0};
	int64_t tx = now;
	b_pack(&b, "bbbb", 0x23, 0, 10, 0xe9); /* v4 client, poll 2^10, precision 2^-23 */
	b_put(&b, NULL, 36);
	ntp_ts(&b, tx);
	udp_send(c, s, cport, 123, b.p, b.n);
	b.n = 0;
	now += s->rtt;
	b_pack(&b, "bbbbwww", 0x24, 2, 10, 0xe7, 0x150, 0x380, refid); /* v4 server, stratum 2 */
	ntp_ts(&b, now - 37 * SEC);
	ntp_ts(&b, tx);
	ntp_ts(&b, now - s->rtt / 2);
	ntp_ts(&b, now - s->rtt / 2 + 40);
	udp_send(s, c, 123, cport, b.p, b.n);
	b_free(&b);
	now += 5 * MSEC;
}

/* ---- Xiaomi miIO (UDP 54321; UDP 8053 to the cloud) ---- */

static void md5of(uint8_t out[16], const void *a, size_t na, const void *b2, size_t nb)
{
	struct md5_ctx c;
	md5_init(&c);
	md5_update(&c, na, a);
	md5_update(&c, nb, b2);
	md5_digest(&c, 16, out);
}

/* Header: magic 0x2131, length, unknown, device id, stamp; 16 more bytes of
 * checksum (or 0xff) follow. */
static void miio_head(struct buf *b, size_t len, uint32_t unk, uint32_t did, uint32_t stamp)
{
	b_pack(b, "hhwww", 0x2131, (unsigned)len, unk, did, stamp);
}

static const char FF16[] = "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff";

static void miio_hello(const struct ep *from, unsigned sport, const struct ep *to)
{
	struct buf b = {0};
	miio_head(&b, 32, 0xffffffffu, 0xffffffffu, 0xffffffffu);
	b_put(&b, FF16, 16);
	udp_send(from, to, sport, 54321, b.p, b.n);
	b_free(&b);
}

/* A device's answer to a hello: its id and uptime; the token is withheld. */
static void miio_reply(const struct dev *d, const struct ep *to, unsigned dport)
{
	struct buf b = {0};
	miio_head(&b, 32, 0, d->did, d->stamp0 + (uint32_t)(now / SEC));
	b_put(&b, FF16, 16);
	udp_send(&d->e, to, 54321, dport, b.p, b.n);
	b_free(&b);
}

/* An encrypted message: AES-128-CBC with key md5(token), iv md5(key+token),
 * PKCS#7 padding; checksum md5(header + token + data). */
static void miio_udp(const struct ep *s, const struct ep *d, unsigned sp, unsigned dp, const struct dev *dev,
		     const char *json)
{
	uint8_t key[16], iv[16], blk[16];
	struct aes128_ctx ctx;
	struct buf b = {0};
	size_t n = strlen(json), pad = 16 - n % 16;
	md5of(key, dev->token, 16, NULL, 0);
	md5of(iv, key, 16, dev->token, 16);
	aes128_set_encrypt_key(&ctx, key);
	miio_head(&b, 32 + n + pad, 0, dev->did, dev->stamp0 + (uint32_t)(now / SEC));
	b_put(&b, dev->token, 16); /* replaced by the checksum below */
	for (size_t i = 0; i < n + pad; i += 16) {
		for (size_t k = 0; k < 16; k++)
			blk[k] = (uint8_t)((i + k < n ? (uint8_t)json[i + k] : pad) ^ iv[k]);
		aes128_encrypt(&ctx, 16, iv, blk);
		b_put(&b, iv, 16);
	}
	md5of(b.p + 16, b.p, b.n, NULL, 0);
	udp_send(s, d, sp, dp, b.p, b.n);
	b_free(&b);
}

/* ---- Tuya 3.3 LAN discovery (UDP 6667): JSON, AES-128-ECB under md5 of the
 * well-known UDP key, framed 0x000055AA seq cmd len retcode .. CRC32 0x0000AA55 ---- */

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
	md5of(key, "yGAdlopoPVldABfn", 16, NULL, 0);
	aes128_set_encrypt_key(&ctx, key);
	b_pack(b, "wwwww", 0x000055aau, seq, 0x13, (unsigned)(4 + n + pad + 8), 0);
	for (size_t i = 0; i < n + pad; i += 16) {
		for (size_t k = 0; k < 16; k++)
			blk[k] = i + k < n ? (uint8_t)json[i + k] : (uint8_t)pad;
		aes128_encrypt(&ctx, 16, blk, blk);
		b_put(b, blk, 16);
	}
	b_pack(b, "ww", crc32(b->p, b->n), 0x0000aa55u);
}

/* ---- device scripts ---- */

#define LIST(...) ((const char *const[]){__VA_ARGS__, NULL})

static void script_router(void)
{
	const char *nts[] = {"upnp:rootdevice", SSDP_UUID, IGD};
	struct dev *lan[] = {&bulb, &gw, &cam, &plug, &phone, &laptop};
	for (now = 300 * MSEC; now < END; now += 120 * SEC - 6 * MSEC)
		for (int i = 0; i < 3; i++, now += 2 * MSEC)
			ssdp_router(&ssdp4, 1900, nts[i]);
	for (int64_t t = 250 * SEC; t < END; t += 240 * SEC) /* ARP cache refresh */
		for (int i = 0; i < 6; i++) {
			now = t + i * 40 * MSEC;
			arp(1, &router.e, &lan[i]->e);
			now += lan[i]->e.rtt; arp(2, &lan[i]->e, &router.e);
		}
}

static void script_bulb(void)
{
	struct ep cloud = remote("3.120.177.22", 236, 24);
	struct tcp t;
	char ping[80];
	now = 1 * SEC;
	dhcp_join(&bulb);
	dns_lookup(&bulb.e, &router.e, "de.ot.io.mi.com", 1, LIST("ot-de-1936428170.eu-central-1.elb.amazonaws.com"),
		   LIST("3.120.177.22", "18.185.96.41"), 60);
	for (int64_t t0 = now, id = 1207; t0 < END; now = t0 += 120 * SEC, id++) { /* miIO cloud keepalive */
		snprintf(ping, sizeof ping, "{\"id\":%d,\"method\":\"_otc.ping\",\"params\":{}}", (int)id);
		miio_udp(&bulb.e, &cloud, 53712, 8053, &bulb, ping);
		now += cloud.rtt;
		snprintf(ping, sizeof ping, "{\"id\":%d,\"result\":\"pong\"}", (int)id);
		miio_udp(&cloud, &bulb.e, 8053, 53712, &bulb, ping);
	}
	now = 3 * SEC;
	tls_open(&t, &bulb.e, eport(&bulb), &cloud, 443, "de.ot.io.mi.com", &TLS_IOT);
	tls_xfer(&t, 421, 189); /* _otc.info: model, firmware, Wi-Fi details */
	for (int64_t t0 = now; (now = t0 += 60 * SEC + rnd_in(0, 900) * MSEC) < END;)
		tls_xfer_rnd(&t, 101, 181, 43, 69); /* state reports */
}

static void script_gateway(void)
{
	struct ep cloud = remote("118.89.204.59", 47, 228), ntp = remote("162.159.200.123", 57, 11);
	struct tcp t;
	now = 1800 * MSEC;
	dhcp_join(&gw);
	mdns_announce(&gw, "_miio._udp.local", 54321, "epoch=1");
	now += 1 * SEC; mdns_announce(&gw, "_miio._udp.local", 54321, "epoch=1");
	dns_lookup(&gw.e, &router.e, "pool.ntp.org", 1, NULL,
		   LIST("162.159.200.123", "185.232.69.65", "94.16.114.254", "5.45.97.204"), 130);
	ntp_exchange(&gw.e, &ntp, 123, 0x0a1b0a4d);
	dns_lookup(&gw.e, &router.e, "ot.io.mi.com", 1, LIST("ot.io.mi.com.cdn.dnsv1.com"),
		   LIST("118.89.204.59", "118.89.204.61"), 600);
	tls_open(&t, &gw.e, eport(&gw), &cloud, 443, "ot.io.mi.com", &TLS_IOT);
	tls_xfer(&t, 612, 233);
	for (int64_t t0 = now; (now = t0 += 45 * SEC + rnd_in(0, 500) * MSEC) < END;)
		tls_xfer_rnd(&t, 85, 260, 60, 90); /* heartbeats and sensor reports */
}

static void script_camera(void)
{
	struct ep api = remote("161.117.71.39", 46, 184), store = remote("47.102.97.140", 49, 236);
	struct tcp t;
	now = 2600 * MSEC;
	dhcp_join(&cam);
	for (int64_t t0 = 4 * SEC; t0 < END - 20 * SEC; t0 += 150 * SEC) { /* API polling */
		now = t0;
		dns_lookup(&cam.e, &router.e, "business.smartcamera.api.io.mi.com", 1,
			   LIST("business.smartcamera.api.io.mi.com.w.cdngslb.com"), LIST("161.117.71.39"), 60);
		tls_open(&t, &cam.e, eport(&cam), &api, 443, "business.smartcamera.api.io.mi.com", &TLS_IOT);
		tls_xfer_rnd(&t, 700, 950, 1200, 1900);
		tcp_close(&t, C2S);
	}
	for (int64_t ev = 95; ev < 600; ev += 205) { /* motion events: a video clip each */
		now = ev * SEC;
		dns_lookup(&cam.e, &router.e, "cn-v1.camera.io.mi.com", 1,
			   LIST("cn-v1-camera.oss-cn-shanghai.aliyuncs.com"), LIST("47.102.97.140"), 60);
		tls_open(&t, &cam.e, eport(&cam), &store, 443, "cn-v1.camera.io.mi.com", &TLS_IOT);
		tls_xfer(&t, 1100000 + rnd_in(0, 150000), 310);
		tcp_close(&t, C2S);
	}
}

static void script_plug(void)
{
	struct ep a1 = remote("18.196.141.87", 233, 23), m2 = remote("3.122.209.140", 233, 25);
	struct tcp t;
	struct buf b = {0};
	char json[256];
	now = 3500 * MSEC;
	dhcp_join(&plug);
	snprintf(json, sizeof json, "{\"ip\":\"%s\",\"gwId\":\"8001306468c63a3a1f2b\",\"active\":2,"
		 "\"ablilty\":0,\"encrypt\":true,\"productKey\":\"keyq7wcpjdxs4cnu\",\"version\":\"3.3\"}", plug.ip);
	for (int64_t t0 = now + 2 * SEC, seq = 0; t0 < END; t0 += 5 * SEC, seq++) { /* every 5 s */
		now = t0 + rnd_in(0, 20) * MSEC;
		b.n = 0;
		tuya_discovery(&b, (uint32_t)seq, json);
		udp_send(&plug.e, &bcast4, 49152, 6667, b.p, b.n);
	}
	b_free(&b);
	now = 5 * SEC;
	dns_lookup(&plug.e, &router.e, "a1.tuyaeu.com", 1, NULL, LIST("18.196.141.87", "52.59.157.207"), 60);
	tls_open(&t, &plug.e, eport(&plug), &a1, 443, "a1.tuyaeu.com", &TLS_IOT);
	tls_xfer(&t, 1180, 2860); /* activation and configuration over HTTPS */
	tcp_close(&t, C2S);
	dns_lookup(&plug.e, &router.e, "m2.tuyaeu.com", 1, LIST("mqtt-eu-7a21c93f0b4e.elb.eu-central-1.amazonaws.com"),
		   LIST("3.122.209.140"), 60);
	tls_open(&t, &plug.e, eport(&plug), &m2, 8883, "m2.tuyaeu.com", &TLS_IOT);
	tls_xfer(&t, 97, 21); /* MQTT CONNECT / CONNACK */
	tls_xfer(&t, 74, 0);  /* SUBSCRIBE */
	for (int64_t t0 = now; (now = t0 += 60 * SEC) < END;)
		tls_xfer(&t, 19, 19); /* PINGREQ / PINGRESP */
}

static void script_phone(void)
{
	static const char *yl[] = { /* Yeelight LAN control: JSON lines over TCP 55443 */
		"{\"id\":1,\"method\":\"get_prop\",\"params\":[\"power\",\"bright\",\"ct\",\"rgb\",\"color_mode\",\"name\"]}\r\n",
		"{\"id\":1,\"result\":[\"off\",\"80\",\"4000\",\"16711680\",\"2\",\"\"]}\r\n",
		"{\"id\":2,\"method\":\"set_power\",\"params\":[\"on\",\"smooth\",500]}\r\n",
		"{\"id\":2,\"result\":[\"ok\"]}\r\n{\"method\":\"props\",\"params\":{\"power\":\"on\"}}\r\n"};
	struct ep gcs = remote("142.250.186.67", 117, 12), www = remote("142.250.185.100", 117, 12);
	struct ep dot = remote("8.8.8.8", 118, 11), s = phone.e;
	struct dev *mi[] = {&bulb, &gw, &cam};
	struct tcp t;
	static struct dns m;
	now = 40 * SEC;
	dhcp_join(&phone);
	dns_lookup(&phone.e, &router.e, "connectivitycheck.gstatic.com", 1, NULL, LIST("142.250.186.67"), 300);
	dns_lookup(&phone.e, &router.e, "www.google.com", 1, NULL, LIST("142.250.185.100"), 300);
	tcp_open(&t, &phone.e, eport(&phone), &gcs, 80); /* Android's captive portal check */
	http_get(&t, "connectivitycheck.gstatic.com", "/generate_204",
		 "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
		 "Chrome/60.0.3112.32 Safari/537.36", "204 No Content", NULL, "");
	tcp_close(&t, C2S);
	tls_open(&t, &phone.e, eport(&phone), &www, 443, "www.google.com", &TLS_CHROME);
	tls_xfer(&t, 1520, 24800);
	tcp_close(&t, C2S);
	tls_open(&t, &phone.e, eport(&phone), &dot, 853, "dns.google", &TLS_DOT); /* Private DNS probe */
	tls_xfer(&t, 128, 256);
	tcp_close(&t, C2S);

	now = 55 * SEC; /* the Mi Home app opens: mDNS browse, miIO discovery, local control */
	dns_begin(&m, 0, 0);
	dns_q(&m, "_miio._udp.local", 12);
	dns_q(&m, "_googlecast._tcp.local", 12);
	dns_end(&m);
	s.ttl = 255;
	udp_send(&s, &mdns4, 5353, 5353, m.b.p, m.b.n);
	b_free(&m.b);
	now += 40 * MSEC; mdns_announce(&gw, "_miio._udp.local", 54321, "epoch=1");
	now += 200 * MSEC;
	unsigned p = eport(&phone);
	miio_hello(&phone.e, p, &bcast4);
	for (int i = 0; i < 3; i++) {
		now += rnd_in(3, 15) * MSEC; miio_reply(mi[i], &phone.e, p);
	}
	now += 300 * MSEC; miio_hello(&phone.e, p, &gw.e);
	now += gw.e.rtt; miio_reply(&gw, &phone.e, p);
	now += 20 * MSEC;
	miio_udp(&phone.e, &gw.e, p, 54321, &gw, "{\"id\":1001,\"method\":\"miIO.info\",\"params\":[]}");
	now += 25 * MSEC;
	miio_udp(&gw.e, &phone.e, 54321, p, &gw,
		 "{\"id\":1001,\"result\":{\"life\":86182,\"model\":\"lumi.gateway.v3\",\"fw_ver\":\"1.4.1_176\","
		 "\"hw_ver\":\"MW300\",\"mac\":\"78:11:DC:5B:A0:E4\",\"ap\":{\"rssi\":-51,\"ssid\":\"HomeNet\"},"
		 "\"netif\":{\"localIp\":\"192.168.1.102\",\"mask\":\"255.255.255.0\",\"gw\":\"192.168.1.1\"}}}");
	for (int64_t t0 = 60 * SEC; t0 < END; t0 += 150 * SEC) {
		now = t0;
		tcp_open(&t, &phone.e, eport(&phone), &bulb.e, 55443);
		t.win[S2C] = 5840;
		for (int i = 0; i < 4; i++, now += 30 * MSEC)
			tcp_send(&t, i % 2, yl[i], strlen(yl[i]));
		now += 2 * SEC; tcp_close(&t, C2S);
	}
}

/* Router solicitation, and the router's advertisement: flags 0, lifetime
 * 1800 s, source link-layer address, MTU 1500, the /64 prefix (on-link,
 * autonomous), RDNSS: the router itself. */
static void ipv6_setup(void)
{
	uint8_t prefix[16] = {0};
	struct buf b = {0};
	memcpy(prefix, lap_gua.ip, 8);
	b_pack(&b, "bbhwbbm", 133, 0, 0, 0, 1, 1, laptop.mac);
	icmp6_send(&lap_ll, &allrouters6, &b);
	b.n = 0;
	now += 3 * MSEC;
	b_pack(&b, "bbhbbhww bbm bbhw", 134, 0, 0, 64, 0, 1800, 0, 0, 1, 1, router.mac, 5, 1, 0, 1500);
	b_pack(&b, "bbbbwwwA bbhwA", 3, 4, 64, 0xc0, 86400, 14400, 0, prefix, 25, 3, 0, 1800, rt_ll.ip);
	icmp6_send(&rt_ll, &allnodes6, &b);
	b_free(&b);
	now += 800 * MSEC; nd_na(&lap_ll, &allnodes6, 0x20);
	now += 5 * MSEC; nd_na(&lap_gua, &allnodes6, 0x20);
}

static void script_laptop(void)
{
	struct ep ncsi = remote("13.107.4.52", 118, 14), gh = remote("140.82.121.4", 51, 18);
	struct ep yt6 = remote("2a00:1450:4001:80b::200e", 118, 12), s = laptop.e;
	struct ep ntp[2] = {remote("185.232.69.65", 56, 16), remote("94.16.114.254", 55, 19)};
	struct tcp t;
	char msg[320];
	now = 5 * SEC;
	dhcp_join(&laptop);
	ipv6_setup();
	unsigned sp = eport(&laptop); /* SSDP search for the internet gateway; the router answers */
	int n = snprintf(msg, sizeof msg, "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n"
			 "MAN: \"ssdp:discover\"\r\nMX: 2\r\nST: %s\r\n\r\n", IGD);
	s.ttl = 2;
	for (int64_t t0 = 6 * SEC; t0 < END; t0 += 300 * SEC) {
		now = t0;
		udp_send(&s, &ssdp4, sp, 1900, msg, (size_t)n);
		now += rnd_in(20, 400) * MSEC; ssdp_router(&laptop.e, sp, IGD);
	}
	now = 7 * SEC; /* Windows' connectivity check, then the clock */
	dns_lookup(&laptop.e, &router.e, "www.msftconnecttest.com", 1, LIST("v4ncsi.msedge.net"),
		   LIST("13.107.4.52"), 60);
	tcp_open(&t, &laptop.e, eport(&laptop), &ncsi, 80);
	http_get(&t, "www.msftconnecttest.com", "/connecttest.txt", "Microsoft NCSI", "200 OK", "text/plain",
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
	now += 4 * SEC; tls_xfer(&t, 1400, 18400);
	tcp_close(&t, C2S);
	now = 130 * SEC; /* YouTube over IPv6, the names resolved over IPv6 too */
	dns_lookup(&lap_ll, &rt_ll, "www.youtube.com", 1, LIST("youtube-ui.l.google.com"),
		   LIST("142.250.185.78", "142.250.185.110"), 300);
	dns_lookup(&lap_ll, &rt_ll, "www.youtube.com", 28, LIST("youtube-ui.l.google.com"),
		   LIST("2a00:1450:4001:80b::200e"), 300);
	tls_open(&t, &lap_gua, eport(&laptop), &yt6, 443, "www.youtube.com", &TLS_CHROME);
	tls_xfer(&t, 1850, 152000);
	for (int i = 0; i < 3; i++, now += 15 * SEC)
		tls_xfer(&t, 900, 88000);
	tcp_close(&t, C2S);
	now = 400 * SEC; /* the router checks the laptop's global address */
	nd_ns(&rt_ll, lap_gua.ip);
	now += 4 * MSEC; nd_na(&lap_gua, &rt_ll, 0x60);
}

/* ---- main ---- */

static void usage(FILE *f)
{
	fprintf(f, "usage: mkexample OUT.pcap\n"
		   "Write alfoil's example capture: ten minutes of a small home network\n"
		   "(Yeelight bulb, Xiaomi gateway and camera, Tuya plug, phone, laptop).\n"
		   "The output is the same on every run; nothing is sent anywhere.\n");
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
		fprintf(stderr, "mkexample: %s\n", pcap_geterr(p)); /* names the file */
		pcap_close(p);
		return 1;
	}
	uint64_t bytes = 0;
	size_t kept = 0;
	errno = 0;
	for (size_t i = 0; i < nframes; i++) {
		struct frame *f = &frames[i];
		if (f->ts < END) { /* the capture stops at ten minutes */
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
	int err = errno, bad = pcap_dump_flush(dump) != 0 || ferror(pcap_dump_file(dump));
	err = err ? err : errno;
	pcap_dump_close(dump);
	pcap_close(p);
	if (bad) {
		fprintf(stderr, "mkexample: cannot write %s: %s\n", out, strerror(err ? err : EIO));
		return 1;
	}
	printf("mkexample: wrote %s: %zu packets, %llu bytes (2026-11-01 08:00-08:10 UTC)\n", out, kept,
	       (unsigned long long)bytes);
	return 0;
}
