/* mkmonth.c - write a month of a home network (tests/t-month.sh).
 *
 *   mkmonth [-d FIRST[-LAST]] [-s SEED] [-S] OUT.pcap
 *
 * 30 devices over 30 days of packet time from 2026-11-01 00:00 UTC: a
 * router (DHCP, DNS, NTP), six bulbs, four plugs, three cameras, a NAS, two
 * TVs, two speakers, a printer, a thermostat, a home hub polling the bulbs
 * and plugs, two laptops and six phones. The phones use a new randomised
 * MAC (and get a new address) every day, with the same DHCP host name;
 * every destination churns: the phones look up names of the day (new
 * content addresses and names every day) and the clouds of the appliances
 * answer from a new address every day. One laptop opens a few LAN devices'
 * web pages every day (over the month it touches more than scan_hosts LAN
 * hosts, never within an hour); on day 20 the second camera really scans
 * the LAN: ARP for 60 addresses and TCP to 48 hosts within three minutes.
 *
 * -S leaves the scan out (the same month otherwise: a steady household,
 * whose memory over a month the test compares with its first days').
 * -d picks days (1-30) and writes only those: each day has its own seed,
 * so day N alone is byte for byte day N of the month. Deterministic for a
 * seed; only writes a file (classic pcap, Ethernet, checksums filled in).
 * About 6,000 packets a day.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T0 1793491200ULL /* 2026-11-01 00:00:00 UTC */
#define SEC 1000000ULL
#define MIN (60 * SEC)
#define HOUR (3600 * SEC)
#define DAY (86400 * SEC)
#define DAYS 30
#define SCAN_DAY 20

static void die(const char *msg)
{
	fprintf(stderr, "mkmonth: %s\n", msg);
	exit(1);
}

/* ---- randomness: xorshift64*, seeded per day ---- */

static uint64_t rng;

static uint32_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 0x2545f4914f6cdd1dULL) >> 32);
}

static uint32_t rnd_in(uint32_t lo, uint32_t hi) { return lo + rnd() % (hi - lo + 1); }

/* ---- one day's frames, sorted by time before they are written ---- */

struct frame {
	uint64_t t;   /* microseconds since T0 */
	uint32_t seq; /* order of making: ties keep it */
	uint32_t len;
	size_t off;   /* into arena */
};

static struct frame *frames;
static size_t nframes, capframes;
static uint8_t *arena;
static size_t arena_n, arena_cap;

static void frame_add(uint64_t t, const uint8_t *d, size_t n)
{
	if (nframes == capframes) {
		capframes = capframes ? capframes * 2 : 8192;
		frames = realloc(frames, capframes * sizeof *frames);
		if (!frames)
			die("out of memory");
	}
	if (arena_n + n > arena_cap) {
		while (arena_n + n > arena_cap)
			arena_cap = arena_cap ? arena_cap * 2 : (1u << 20);
		arena = realloc(arena, arena_cap);
		if (!arena)
			die("out of memory");
	}
	memcpy(arena + arena_n, d, n);
	frames[nframes] = (struct frame){ t, (uint32_t)nframes, (uint32_t)n, arena_n };
	nframes++;
	arena_n += n;
}

static int frame_cmp(const void *a, const void *b)
{
	const struct frame *x = a, *y = b;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void put32le(FILE *f, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
	fwrite(b, 1, 4, f);
}

static uint64_t total_frames, total_bytes;

static void frames_write(FILE *f)
{
	qsort(frames, nframes, sizeof *frames, frame_cmp);
	for (size_t i = 0; i < nframes; i++) {
		uint64_t t = T0 * SEC + frames[i].t;
		put32le(f, (uint32_t)(t / SEC));
		put32le(f, (uint32_t)(t % SEC));
		put32le(f, frames[i].len);
		put32le(f, frames[i].len);
		fwrite(arena + frames[i].off, 1, frames[i].len, f);
		total_bytes += frames[i].len;
	}
	total_frames += nframes;
	nframes = 0;
	arena_n = 0;
}

/* ---- L2-L4 ---- */

struct ep {
	uint8_t mac[6];
	uint32_t ip; /* host order */
};

static const uint8_t BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static uint64_t now; /* the clock of the frame being made */
static uint16_t ipid;

static void put16(uint8_t *p, unsigned v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v >> 16); put16(p + 2, v & 0xffff); }

static uint32_t sum16(uint32_t s, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)(p[n - 1] << 8);
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static uint8_t pkt[2048];

static void eth(const uint8_t *dst, const uint8_t *src, unsigned type, size_t n)
{
	memcpy(pkt, dst, 6);
	memcpy(pkt + 6, src, 6);
	put16(pkt + 12, type);
	frame_add(now, pkt, 14 + n);
}

/* IPv4 with its L4 already at pkt + 34 (l4 bytes); csoff: where the L4
 * checksum goes (UDP 6, TCP 16) */
static void ip4(const struct ep *s, const uint8_t *dmac, uint32_t dip, unsigned proto, size_t l4, size_t csoff)
{
	uint8_t *h = pkt + 14;
	memset(h, 0, 20);
	h[0] = 0x45;
	put16(h + 2, (unsigned)(20 + l4));
	put16(h + 4, ipid++);
	h[6] = 0x40;
	h[8] = 64;
	h[9] = (uint8_t)proto;
	put32(h + 12, s->ip);
	put32(h + 16, dip);
	put16(h + 10, fold(sum16(0, h, 20)));
	uint8_t ph[12];
	memcpy(ph, h + 12, 8);
	ph[8] = 0;
	ph[9] = (uint8_t)proto;
	put16(ph + 10, (unsigned)l4);
	put16(h + 20 + csoff, 0);
	put16(h + 20 + csoff, fold(sum16(sum16(0, ph, 12), h + 20, l4)));
	eth(dmac, s->mac, 0x0800, 20 + l4);
}

static void udp(const struct ep *s, unsigned sp, const uint8_t *dmac, uint32_t dip, unsigned dp, const uint8_t *d,
		size_t n)
{
	uint8_t *u = pkt + 34;
	put16(u, sp);
	put16(u + 2, dp);
	put16(u + 4, (unsigned)(8 + n));
	memcpy(u + 8, d, n);
	ip4(s, dmac, dip, 17, 8 + n, 6);
}

static void arp(unsigned op, const struct ep *s, const uint8_t *tmac, uint32_t tip)
{
	uint8_t *a = pkt + 14;
	put16(a, 1);
	put16(a + 2, 0x0800);
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, op);
	memcpy(a + 8, s->mac, 6);
	put32(a + 14, s->ip);
	memcpy(a + 18, op == 1 ? (const uint8_t[6]){ 0 } : tmac, 6);
	put32(a + 24, tip);
	eth(op == 1 ? BCAST : tmac, s->mac, 0x0806, 28);
}

struct tcp {
	const struct ep *c, *s;
	unsigned cp, sp;
	uint32_t seq[2];
};

enum { FIN = 1, SYN = 2, RST = 4, PSH = 8, ACK = 16 };

static void tcp_seg(struct tcp *t, int dir, unsigned fl, const uint8_t *d, size_t n)
{
	const struct ep *a = dir ? t->s : t->c, *b = dir ? t->c : t->s;
	uint8_t *h = pkt + 34;
	memset(h, 0, 20);
	put16(h, dir ? t->sp : t->cp);
	put16(h + 2, dir ? t->cp : t->sp);
	put32(h + 4, t->seq[dir]);
	put32(h + 8, (fl & ACK) ? t->seq[!dir] : 0);
	h[12] = 5 << 4;
	h[13] = (uint8_t)fl;
	put16(h + 14, 64240);
	memcpy(h + 20, d, n);
	t->seq[dir] += (uint32_t)n + ((fl & (SYN | FIN)) ? 1 : 0);
	ip4(a, b->mac, b->ip, 6, 20 + n, 16);
	now += 2000 + rnd() % 3000;
}

static void tcp_open(struct tcp *t, const struct ep *c, const struct ep *s, unsigned sp)
{
	*t = (struct tcp){ c, s, rnd_in(40000, 60999), sp, { rnd(), rnd() } };
	tcp_seg(t, 0, SYN, NULL, 0);
	tcp_seg(t, 1, SYN | ACK, NULL, 0);
	tcp_seg(t, 0, ACK, NULL, 0);
}

static void tcp_close(struct tcp *t)
{
	tcp_seg(t, 0, FIN | ACK, NULL, 0);
	tcp_seg(t, 1, FIN | ACK, NULL, 0);
	tcp_seg(t, 0, ACK, NULL, 0);
}

/* n bytes of data in dir, as segments of at most 1400 bytes, then an ACK
 * (d NULL: TLS application data records) */
static void tcp_data(struct tcp *t, int dir, const uint8_t *d, size_t n)
{
	static uint8_t fill[1400] = { 0x17, 3, 3, 0x05, 0x73 };
	for (size_t off = 0; off < n || (!n && !off); off += 1400) {
		size_t k = n - off < 1400 ? n - off : 1400;
		tcp_seg(t, dir, PSH | ACK, d ? d + off : fill, k);
		if (!n)
			break;
	}
	tcp_seg(t, !dir, ACK, NULL, 0);
}

/* ---- applications ---- */

static size_t dns_name(uint8_t *p, const char *name)
{
	size_t n = 0;
	while (*name) {
		const char *dot = strchr(name, '.');
		size_t l = dot ? (size_t)(dot - name) : strlen(name);
		p[n++] = (uint8_t)l;
		memcpy(p + n, name, l);
		n += l;
		name += l + (dot != NULL);
	}
	p[n++] = 0;
	return n;
}

static struct ep router;

/* a DNS lookup of name by c through the router, answered with addr */
static void dns_lookup(const struct ep *c, const char *name, uint32_t addr)
{
	uint8_t m[512];
	unsigned id = rnd() & 0xffff, sp = rnd_in(30000, 60999);
	put16(m, id);
	put16(m + 2, 0x0100);
	put16(m + 4, 1);
	memset(m + 6, 0, 6);
	size_t n = 12 + dns_name(m + 12, name);
	put16(m + n, 1);
	put16(m + n + 2, 1);
	n += 4;
	udp(c, sp, router.mac, router.ip, 53, m, n);
	now += 3000 + rnd() % 20000;
	put16(m + 2, 0x8180);
	put16(m + 6, 1);
	uint8_t *a = m + n;
	put16(a, 0xc00c);
	put16(a + 2, 1);
	put16(a + 4, 1);
	put32(a + 6, 300);
	put16(a + 10, 4);
	put32(a + 12, addr);
	n += 16;
	udp(&router, 53, c->mac, c->ip, sp, m, n);
	now += 1000;
}

/* a TLS 1.3 ClientHello with sni */
static size_t client_hello(uint8_t *b, const char *sni)
{
	static const uint16_t cs[] = { 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030 };
	size_t n = 0, sl = strlen(sni);
	b[n++] = 0x16, b[n++] = 3, b[n++] = 1, n += 2; /* record, length at 3 */
	b[n++] = 1, n += 3;                            /* handshake, length at 6 */
	b[n++] = 3, b[n++] = 3;
	for (int i = 0; i < 32; i++)
		b[n++] = (uint8_t)rnd();
	b[n++] = 0;
	put16(b + n, sizeof cs);
	n += 2;
	for (size_t i = 0; i < sizeof cs / 2; i++, n += 2)
		put16(b + n, cs[i]);
	b[n++] = 1, b[n++] = 0;
	size_t ext = n;
	n += 2;
	put16(b + n, 0), put16(b + n + 2, (unsigned)(sl + 5)), put16(b + n + 4, (unsigned)(sl + 3));
	b[n + 6] = 0, put16(b + n + 7, (unsigned)sl);
	memcpy(b + n + 9, sni, sl);
	n += 9 + sl;
	put16(b + n, 43), put16(b + n + 2, 3), b[n + 4] = 2, put16(b + n + 5, 0x0304);
	n += 7;
	put16(b + ext, (unsigned)(n - ext - 2));
	put16(b + 3, (unsigned)(n - 5));
	b[6] = 0, put16(b + 7, (unsigned)(n - 9));
	return n;
}

/* a TLS session of c to name at addr:port, up and down application bytes */
static void tls(const struct ep *c, const char *name, uint32_t addr, unsigned port, size_t up, size_t down)
{
	struct ep s = { { 0 }, addr };
	memcpy(s.mac, router.mac, 6);
	struct tcp t;
	uint8_t ch[600];
	tcp_open(&t, c, &s, port);
	tcp_data(&t, 0, ch, client_hello(ch, name));
	uint8_t sh[100] = { 0x16, 3, 3, 0, 90, 2, 0, 0, 86, 3, 3 };
	tcp_data(&t, 1, sh, sizeof sh);
	tcp_data(&t, 0, NULL, up);
	tcp_data(&t, 1, NULL, down);
	tcp_close(&t);
}

/* a DHCP request from c (a lease for c->ip) with its host name, and the
 * router's ACK */
static void dhcp(const struct ep *c, const char *host, const char *vendor)
{
	uint8_t m[400];
	memset(m, 0, 240);
	m[0] = 1, m[1] = 1, m[2] = 6;
	put32(m + 4, rnd());
	memcpy(m + 28, c->mac, 6);
	put32(m + 236, 0x63825363);
	size_t n = 240;
	m[n++] = 53, m[n++] = 1, m[n++] = 3;
	m[n++] = 50, m[n++] = 4, put32(m + n, c->ip), n += 4;
	m[n++] = 12, m[n++] = (uint8_t)strlen(host), memcpy(m + n, host, strlen(host)), n += strlen(host);
	if (vendor)
		m[n++] = 60, m[n++] = (uint8_t)strlen(vendor), memcpy(m + n, vendor, strlen(vendor)), n += strlen(vendor);
	static const uint8_t prl[] = { 55, 7, 1, 3, 6, 12, 15, 28, 42 };
	memcpy(m + n, prl, sizeof prl), n += sizeof prl;
	m[n++] = 255;
	struct ep zero = *c;
	zero.ip = 0;
	udp(&zero, 68, BCAST, 0xffffffff, 67, m, n);
	now += 5000;
	m[0] = 2;
	put32(m + 16, c->ip);
	n = 240;
	m[n++] = 53, m[n++] = 1, m[n++] = 5;
	m[n++] = 54, m[n++] = 4, put32(m + n, router.ip), n += 4;
	m[n++] = 51, m[n++] = 4, put32(m + n, 86400), n += 4;
	m[n++] = 1, m[n++] = 4, put32(m + n, 0xffffff00), n += 4;
	m[n++] = 3, m[n++] = 4, put32(m + n, router.ip), n += 4;
	m[n++] = 6, m[n++] = 4, put32(m + n, router.ip), n += 4;
	m[n++] = 255;
	udp(&router, 67, BCAST, 0xffffffff, 68, m, n);
	now += 2000;
}

/* ---- the household ---- */

enum kind { BULB, PLUG, CAMERA, NAS, TV, SPEAKER, PRINTER, THERMO, HUB, LAPTOP, PHONE };

struct dev {
	enum kind kind;
	const char *host, *vendor;
	uint8_t oui[3];
	const char *cloud; /* its cloud's name (a new address every day) */
	unsigned port, period_min, up, down;
	struct ep ep;
};

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))
#define LAN(h) IP(192, 168, 1, h)

static struct dev devs[] = {
	{ BULB, "yeelink-light-color1_miio1001", NULL, { 0xf8, 0x24, 0x41 }, "de.ot.io.mi.com", 443, 120, 900, 600, {{0},0} },
	{ BULB, "yeelink-light-color1_miio1002", NULL, { 0xf8, 0x24, 0x41 }, "de.ot.io.mi.com", 443, 120, 900, 600, {{0},0} },
	{ BULB, "yeelink-light-mono1_miio1003", NULL, { 0xf8, 0x24, 0x41 }, "de.ot.io.mi.com", 443, 120, 900, 600, {{0},0} },
	{ BULB, "yeelink-light-mono1_miio1004", NULL, { 0xf8, 0x24, 0x41 }, "de.ot.io.mi.com", 443, 120, 900, 600, {{0},0} },
	{ BULB, "yeelink-light-strip2_miio1005", NULL, { 0xf8, 0x24, 0x41 }, "de.ot.io.mi.com", 443, 120, 900, 600, {{0},0} },
	{ BULB, "yeelink-light-strip2_miio1006", NULL, { 0xf8, 0x24, 0x41 }, "de.ot.io.mi.com", 443, 120, 900, 600, {{0},0} },
	{ PLUG, "ESP_3A1F01", NULL, { 0x68, 0xc6, 0x3a }, "a1.tuyaeu.com", 443, 90, 700, 500, {{0},0} },
	{ PLUG, "ESP_3A1F02", NULL, { 0x68, 0xc6, 0x3a }, "a1.tuyaeu.com", 443, 90, 700, 500, {{0},0} },
	{ PLUG, "ESP_3A1F03", NULL, { 0x68, 0xc6, 0x3a }, "m2.tuyaeu.com", 8883, 90, 700, 500, {{0},0} },
	{ PLUG, "ESP_3A1F04", NULL, { 0x68, 0xc6, 0x3a }, "m2.tuyaeu.com", 8883, 90, 700, 500, {{0},0} },
	{ CAMERA, "chuangmi-camera-ipc019_miio2001", NULL, { 0x94, 0xf8, 0x27 }, "de.camera.io.mi.com", 443, 120, 12000, 1500, {{0},0} },
	{ CAMERA, "chuangmi-camera-ipc019_miio2002", NULL, { 0x94, 0xf8, 0x27 }, "de.camera.io.mi.com", 443, 120, 12000, 1500, {{0},0} },
	{ CAMERA, "chuangmi-camera-ipc022_miio2003", NULL, { 0x94, 0xf8, 0x27 }, "de.camera.io.mi.com", 443, 120, 12000, 1500, {{0},0} },
	{ NAS, "DiskStation", NULL, { 0x00, 0x11, 0x32 }, "checkip.synology.com", 443, 240, 600, 1500, {{0},0} },
	{ TV, "Samsung-TV", NULL, { 0x00, 0x00, 0xf0 }, "time.samsungcloudsolution.com", 443, 180, 1500, 20000, {{0},0} },
	{ TV, "LGwebOSTV", NULL, { 0x00, 0x1c, 0x62 }, "lgtvsdp.com", 443, 180, 1500, 20000, {{0},0} },
	{ SPEAKER, "Sonos-Kitchen", NULL, { 0x00, 0x04, 0x3c }, "msmetrics.ws.sonos.com", 443, 120, 2000, 4000, {{0},0} },
	{ SPEAKER, "Sonos-Living", NULL, { 0x00, 0x04, 0x3c }, "msmetrics.ws.sonos.com", 443, 120, 2000, 4000, {{0},0} },
	{ PRINTER, "EPSON-ET2750", NULL, { 0x00, 0x00, 0x48 }, "epsonconnect.com", 443, 360, 800, 800, {{0},0} },
	{ THERMO, "tado-IB01", NULL, { 0x00, 0x1a, 0x11 }, "my.tado.com", 443, 30, 400, 300, {{0},0} },
	{ HUB, "homeassistant", "dhcpcd-9.4.1:Linux-6.1:armv7l:BCM2835", { 0xb8, 0x27, 0xeb }, "version.home-assistant.io", 443, 360, 500, 2000, {{0},0} },
	{ LAPTOP, "DESKTOP-4KX9Q2", "MSFT 5.0", { 0x34, 0xf6, 0x4b }, NULL, 0, 0, 0, 0, {{0},0} },
	{ LAPTOP, "Annas-MacBook-Air", NULL, { 0x00, 0x03, 0x93 }, NULL, 0, 0, 0, 0, {{0},0} },
	{ PHONE, "Pixel-7", "android-dhcp-14", { 0 }, NULL, 0, 0, 0, 0, {{0},0} },
	{ PHONE, "Galaxy-S23", "android-dhcp-14", { 0 }, NULL, 0, 0, 0, 0, {{0},0} },
	{ PHONE, "Annas-iPhone", NULL, { 0 }, NULL, 0, 0, 0, 0, {{0},0} },
	{ PHONE, "Bens-iPhone", NULL, { 0 }, NULL, 0, 0, 0, 0, {{0},0} },
	{ PHONE, "Pixel-6a", "android-dhcp-13", { 0 }, NULL, 0, 0, 0, 0, {{0},0} },
	{ PHONE, "Moto-g84", "android-dhcp-13", { 0 }, NULL, 0, 0, 0, 0, {{0},0} },
};
#define NDEV (sizeof devs / sizeof devs[0])
#define SCANNER 11 /* the second camera */

/* the address a cloud name answers from on a day: a new one every day */
static uint32_t cloud_addr(const char *name, unsigned day)
{
	uint32_t h = 2166136261u;
	for (const char *p = name; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	static const uint32_t nets[] = { IP(3, 120, 0, 0), IP(18, 194, 0, 0), IP(52, 28, 0, 0), IP(35, 156, 0, 0) };
	return nets[h % 4] | ((h >> 8) & 0xff) << 8 | (uint32_t)(day * 7 + (h >> 16) % 7 + 1);
}

/* what the phones use: names of the day at addresses of the day */
static const char *const content[] = { "scontent-fra5-%u-%u.cdninstagram.com", "rr%u---sn-4g5e6n%u.googlevideo.com",
				       "e%u-%u.dscg.akamaiedge.net", "edge-%u-%u.tiktokcdn-eu.com",
				       "video-%u-%u.xx.fbcdn.net" };
static const uint32_t content_net[] = { IP(157, 240, 0, 0), IP(142, 250, 0, 0), IP(23, 32, 0, 0), IP(92, 223, 0, 0),
					 IP(31, 13, 0, 0) };

static void device_day(struct dev *d, unsigned i, unsigned day)
{
	uint64_t base = (uint64_t)day * DAY;
	now = base + 6 * HOUR + rnd() % (2 * HOUR);
	dhcp(&d->ep, d->host, d->vendor);
	arp(2, &d->ep, router.mac, router.ip);
	if (d->kind == PHONE || d->kind == LAPTOP) {
		/* the day's browsing: 12 to 20 names new today */
		unsigned n = rnd_in(12, 20);
		for (unsigned k = 0; k < n; k++) {
			unsigned c = rnd() % 5;
			char name[128];
			snprintf(name, sizeof name, content[c], day + 1, i * 40 + k);
			uint32_t a = content_net[c] | (uint32_t)(day + 1) << 8 | (i * 40 + k + 1);
			now = base + 7 * HOUR + rnd() % (15 * HOUR);
			dns_lookup(&d->ep, name, a);
			tls(&d->ep, name, a, 443, rnd_in(600, 2000), rnd_in(2000, 9000));
		}
		/* the NAS: photos backed up, files */
		now = base + 20 * HOUR + rnd() % HOUR;
		struct tcp t;
		tcp_open(&t, &d->ep, &devs[13].ep, d->kind == PHONE ? 5001 : 445);
		tcp_data(&t, 0, NULL, rnd_in(10000, 30000));
		tcp_data(&t, 1, NULL, 800);
		tcp_close(&t);
	}
	if (d->kind == LAPTOP && i == 21) {
		/* one device's web page a day or so: over the month more LAN hosts
		 * than scan_hosts, never many at once */
		for (unsigned k = 0; k < 2; k++) {
			struct dev *o = &devs[(day * 2 + k) % 21];
			now = base + 19 * HOUR + k * 30 * MIN + rnd() % (20 * MIN);
			struct tcp t;
			tcp_open(&t, &d->ep, &o->ep, 80);
			tcp_data(&t, 0, (const uint8_t *)"GET / HTTP/1.1\r\nHost: device\r\n\r\n", 32);
			tcp_data(&t, 1, (const uint8_t *)"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 38);
			tcp_close(&t);
		}
	}
	if (d->kind == HUB) {
		/* polls the bulbs and plugs on the LAN every two hours */
		for (unsigned h = 0; h < 24; h += 2)
			for (unsigned k = 0; k < 10; k++) {
				now = base + h * HOUR + 7 * MIN + k * 3 * SEC + rnd() % SEC;
				struct tcp t;
				tcp_open(&t, &d->ep, &devs[k].ep, k < 6 ? 55443 : 6668);
				tcp_data(&t, 0, NULL, 60);
				tcp_data(&t, 1, NULL, 90);
				tcp_close(&t);
			}
	}
	if (d->cloud) {
		uint32_t a = cloud_addr(d->cloud, day);
		for (uint64_t t0 = base + rnd() % (d->period_min * MIN); t0 < base + DAY; t0 += d->period_min * MIN) {
			now = t0 + rnd() % (10 * MIN);
			if (now >= base + DAY - MIN) /* the day's frames stay in the day */
				break;
			dns_lookup(&d->ep, d->cloud, a);
			tls(&d->ep, d->cloud, a, d->port, d->up + rnd() % (d->up / 4 + 1), d->down + rnd() % (d->down / 4 + 1));
		}
		if (d->kind == BULB || d->kind == PLUG || d->kind == CAMERA || d->kind == THERMO) {
			/* NTP to the pool, twice a day */
			uint8_t ntp[48] = { 0x23 };
			for (int k = 0; k < 2; k++) {
				now = base + (uint64_t)(k * 12 + 3) * HOUR + rnd() % HOUR;
				uint32_t pa = IP(162, 159, 200, 1 + (day + i) % 100);
				dns_lookup(&d->ep, "pool.ntp.org", pa);
				udp(&d->ep, 123, router.mac, pa, 123, ntp, sizeof ntp);
				now += 30000;
				struct ep srv = { { 0 }, pa };
				memcpy(srv.mac, router.mac, 6);
				ntp[0] = 0x24;
				udp(&srv, 123, d->ep.mac, d->ep.ip, 123, ntp, sizeof ntp);
				ntp[0] = 0x23;
			}
		}
	}
}

/* day 20: the second camera sweeps the LAN: ARP for .2-.61, TCP to 48 of
 * them (port 23 then 80), within three minutes; the hosts that exist answer */
static void scan(unsigned day)
{
	struct dev *s = &devs[SCANNER];
	now = (uint64_t)day * DAY + 14 * HOUR + 23 * MIN;
	for (unsigned h = 2; h < 62; h++) {
		arp(1, &s->ep, NULL, LAN(h));
		now += 500000;
		for (size_t k = 0; k < NDEV; k++)
			if (devs[k].ep.ip == LAN(h)) {
				arp(2, &devs[k].ep, s->ep.mac, s->ep.ip);
				now += 1000;
			}
	}
	for (unsigned h = 2; h < 50; h++) {
		struct ep dst = { { 0 }, LAN(h) };
		memcpy(dst.mac, router.mac, 6);
		for (size_t k = 0; k < NDEV; k++)
			if (devs[k].ep.ip == LAN(h))
				dst = devs[k].ep;
		struct tcp t = { &s->ep, &dst, 40000 + h, 23, { rnd(), rnd() } };
		tcp_seg(&t, 0, SYN, NULL, 0);
		t.sp = 80;
		tcp_seg(&t, 0, SYN, NULL, 0);
		now += 1000000;
	}
}

static void router_day(unsigned day)
{
	/* the router's own: ARP for the hosts now and then, NTP */
	for (unsigned h = 0; h < 24; h += 4) {
		now = (uint64_t)day * DAY + h * HOUR + rnd() % MIN;
		for (size_t k = 0; k < NDEV; k += 3) {
			arp(1, &router, NULL, devs[k].ep.ip);
			now += 200;
			arp(2, &devs[k].ep, router.mac, router.ip);
			now += 1000;
		}
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: mkmonth [-d FIRST[-LAST]] [-s SEED] [-S] OUT.pcap   (days 1-%d; -S: no scan)\n", DAYS);
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned first = 1, last = DAYS;
	uint64_t seed = 0x6d6f6e7468323032ULL;
	int a = 1, scanning = 1;
	for (; a < argc && argv[a][0] == '-' && argv[a][1]; a++) {
		if (!strcmp(argv[a], "-d") && a + 1 < argc) {
			char *end;
			first = (unsigned)strtoul(argv[++a], &end, 10);
			last = *end == '-' ? (unsigned)strtoul(end + 1, &end, 10) : first;
			if (*end || first < 1 || last > DAYS || first > last)
				usage();
		} else if (!strcmp(argv[a], "-S")) {
			scanning = 0;
		} else if (!strcmp(argv[a], "-s") && a + 1 < argc) {
			seed = strtoull(argv[++a], NULL, 0);
		} else {
			usage();
		}
	}
	if (a != argc - 1)
		usage();
	FILE *f = fopen(argv[a], "wb");
	if (!f)
		die("cannot write the output file");
	put32le(f, 0xa1b2c3d4);
	fwrite((const uint8_t[]){ 2, 0, 4, 0 }, 1, 4, f);
	put32le(f, 0);
	put32le(f, 0);
	put32le(f, 65535);
	put32le(f, 1);

	router = (struct ep){ { 0x50, 0xc7, 0xbf, 0x8a, 0x3e, 0x10 }, LAN(1) };
	for (size_t i = 0; i < NDEV; i++) {
		struct dev *d = &devs[i];
		if (d->kind != PHONE) {
			memcpy(d->ep.mac, d->oui, 3);
			d->ep.mac[3] = 0x5a, d->ep.mac[4] = 0x10, d->ep.mac[5] = (uint8_t)(0x10 + i);
			d->ep.ip = LAN(10 + i);
		}
	}
	for (unsigned day = first - 1; day < last; day++) {
		rng = seed ^ (0x9e3779b97f4a7c15ULL * (day + 1));
		for (int k = 0; k < 8; k++)
			rnd();
		ipid = (uint16_t)rnd();
		for (size_t i = 0; i < NDEV; i++)
			if (devs[i].kind == PHONE) {
				/* a new randomised MAC (locally administered) and
				 * address today */
				devs[i].ep.mac[0] = (uint8_t)((rnd() & 0xfc) | 0x02);
				for (int k = 1; k < 6; k++)
					devs[i].ep.mac[k] = (uint8_t)rnd();
				devs[i].ep.ip = LAN(100 + (day * 6 + i) % 60);
			}
		router_day(day);
		for (size_t i = 0; i < NDEV; i++)
			device_day(&devs[i], (unsigned)i, day);
		if (day + 1 == SCAN_DAY && scanning)
			scan(day);
		frames_write(f);
	}
	if (fclose(f) != 0)
		die("write error");
	fprintf(stderr, "mkmonth: wrote %s: days %u-%u, %llu packets, %llu bytes\n", argv[a], first, last,
		(unsigned long long)total_frames, (unsigned long long)total_bytes);
	free(frames);
	free(arena);
	return 0;
}
