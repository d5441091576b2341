/* app_tls.c - the TLS ClientHello (RFC 8446 4.1.2; RFC 5246 7.4.1.2 for
 * TLS 1.0-1.2): the server the client asked for, the protocols it wants,
 * the highest version it offers, and its JA3 and JA4 fingerprints.
 *
 * The hello may span several TLS records (a long list of extensions, a
 * post-quantum key share) and those records several TCP segments: the
 * tracker buffers the client stream until app_tls_need() says the message
 * is complete, and app_tls() joins the record fragments in scratch space.
 * A hello cut short still yields what precedes the cut (usually the SNI);
 * the fingerprints need the whole message.
 *
 * JA3 (Salesforce): MD5 of "version,ciphers,extensions,groups,formats",
 * decimal values joined by '-', GREASE values (RFC 8701) left out.
 * JA4 (FoxIO, JA4 spec v1): "t" version sni cipher-count ext-count alpn
 * "_" sha256(sorted ciphers)[:12] "_" sha256(sorted extensions without SNI
 * and ALPN "_" signature algorithms in order)[:12], values as 4 hex digits.
 */
#include <stdlib.h>
#include <string.h>

#include <nettle/md5.h>
#include <nettle/sha2.h>

#include "decode/app.h"
#include "decode/decode.h"
#include "lib/cursor.h"

#define TLS_HANDSHAKE 22
#define TLS_CLIENT_HELLO 1
#define TLS_MAX_RECORD (16384 + 2048) /* RFC 8446 5.2 ciphertext limit */
#define TLS_MAX_HELLO 65536

#define EXT_SNI 0x0000
#define EXT_GROUPS 0x000a
#define EXT_POINT_FORMATS 0x000b
#define EXT_SIG_ALGS 0x000d
#define EXT_ALPN 0x0010
#define EXT_VERSIONS 0x002b

#define MAX_CIPHERS 256
#define MAX_EXTS 128
#define MAX_GROUPS 64
#define MAX_FORMATS 16
#define MAX_SIGALGS 64

static bool grease(uint16_t v)
{
	return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

long app_tls_need(const uint8_t *p, size_t len)
{
	if (len < 1)
		return -1;
	if (p[0] != TLS_HANDSHAKE)
		return 0;
	if (len < 2)
		return -1;
	if (p[1] != 3)
		return 0;
	if (len < 5)
		return -1;
	size_t rl = (size_t)p[3] << 8 | p[4];
	if (rl == 0 || rl > TLS_MAX_RECORD)
		return 0;
	if (len < 6)
		return -1;
	if (p[5] != TLS_CLIENT_HELLO)
		return 0;
	/* the handshake length may itself straddle records; with a 1-byte
	 * first fragment it is unknown yet */
	if (len < 9 || rl < 4)
		return -1;
	size_t hl = (size_t)p[6] << 16 | (size_t)p[7] << 8 | p[8];
	if (hl > TLS_MAX_HELLO)
		return 0;
	/* walk the records present; assume the rest arrives in one record */
	size_t want = 4 + hl, pos = 0;
	for (;;) {
		if (pos + 5 > len)
			return (long)(pos + 5 + want);
		if (p[pos] != TLS_HANDSHAKE)
			return (long)pos; /* the hello ends early: decode what there is */
		size_t r = (size_t)p[pos + 3] << 8 | p[pos + 4];
		if (r == 0 || r > TLS_MAX_RECORD)
			return (long)pos;
		if (r >= want)
			return (long)(pos + 5 + want);
		want -= r;
		pos += 5 + r;
	}
}

/* The handshake message bytes (header included) from consecutive records:
 * points into p when the first record holds them all, else joined in
 * scratch. *complete tells whether all of it was there. */
static const uint8_t *join_records(const uint8_t *p, size_t len, struct obs_sink *sink, size_t *out_len,
				   bool *complete)
{
	if (len < 5 || p[0] != TLS_HANDSHAKE || p[1] != 3)
		return NULL;
	size_t rl = (size_t)p[3] << 8 | p[4];
	size_t avail = len - 5 < rl ? len - 5 : rl;
	if (avail < 4 || p[5] != TLS_CLIENT_HELLO)
		return NULL;
	size_t want = 4 + ((size_t)p[6] << 16 | (size_t)p[7] << 8 | p[8]);
	if (want - 4 > TLS_MAX_HELLO)
		return NULL;
	if (avail >= want) {
		*out_len = want;
		*complete = true;
		return p + 5;
	}
	uint8_t *buf = (uint8_t *)obs_scratch(sink, want);
	if (!buf) { /* no room: the first fragment alone */
		*out_len = avail;
		*complete = false;
		return p + 5;
	}
	size_t have = 0, pos = 0;
	while (have < want && pos + 5 <= len && p[pos] == TLS_HANDSHAKE) {
		size_t r = (size_t)p[pos + 3] << 8 | p[pos + 4];
		size_t take = r;
		if (take > len - pos - 5)
			take = len - pos - 5;
		if (take > want - have)
			take = want - have;
		memcpy(buf + have, p + pos + 5, take);
		have += take;
		if (take < r)
			break;
		pos += 5 + r;
	}
	*out_len = have;
	*complete = have == want;
	return buf;
}

struct hello {
	uint16_t legacy_version, best_version;
	uint16_t ciphers[MAX_CIPHERS], exts[MAX_EXTS], groups[MAX_GROUPS], sigalgs[MAX_SIGALGS];
	uint8_t formats[MAX_FORMATS];
	int nciphers, nexts, ngroups, nformats, nsigalgs;
	bool has_sni;
	const uint8_t *alpn1; /* first ALPN protocol */
	size_t alpn1_len;
};

static void emit_sni(struct cur body, struct obs_sink *sink, struct hello *h)
{
	uint16_t list;
	h->has_sni = true;
	if (!cur_u16(&body, &list))
		return;
	while (body.n >= 3) {
		uint8_t type;
		uint16_t nl;
		const uint8_t *name;
		cur_u8(&body, &type);
		cur_u16(&body, &nl);
		if (!cur_take(&body, &name, nl))
			return;
		if (type == 0 && nl > 0) {
			struct obs o = obs_make(OBS_TLS_SNI);
			o.str = (const char *)name;
			o.len = nl;
			obs_emit(sink, &o);
			return;
		}
	}
}

static void emit_alpn(struct cur body, struct obs_sink *sink, struct hello *h)
{
	uint16_t list;
	if (!cur_u16(&body, &list) || list > body.n)
		return;
	body.n = list;
	char *s = obs_scratch(sink, list);
	size_t n = 0;
	while (body.n > 0) {
		uint8_t l;
		const uint8_t *proto;
		if (!cur_u8(&body, &l) || !cur_take(&body, &proto, l))
			break;
		if (!h->alpn1 && l) {
			h->alpn1 = proto;
			h->alpn1_len = l;
		}
		if (s && l && n + l + (n ? 1 : 0) <= list) {
			if (n)
				s[n++] = ',';
			for (size_t i = 0; i < l; i++)
				s[n++] = proto[i] < 0x20 || proto[i] > 0x7e || proto[i] == ',' ? '?' : (char)proto[i];
		}
	}
	if (s && n) {
		struct obs o = obs_make(OBS_TLS_ALPN);
		o.str = s;
		o.len = n;
		obs_emit(sink, &o);
	}
}

static void read_u16_list(struct cur body, size_t lenbytes, uint16_t *out, int *count, int max, bool skip_grease)
{
	size_t l;
	if (lenbytes == 1) {
		uint8_t v;
		if (!cur_u8(&body, &v))
			return;
		l = v;
	} else {
		uint16_t v;
		if (!cur_u16(&body, &v))
			return;
		l = v;
	}
	if (l > body.n)
		l = body.n;
	body.n = l;
	uint16_t v;
	while (cur_u16(&body, &v))
		if (!(skip_grease && grease(v)) && *count < max)
			out[(*count)++] = v;
}

/* Parse the ClientHello body (after the 4-byte handshake header). Emits
 * SNI and ALPN as found; returns DEC_OK when the whole body parsed. */
static int parse_hello(struct cur c, struct obs_sink *sink, struct hello *h)
{
	uint8_t sl, cl;
	uint16_t csl, el;
	if (!cur_u16(&c, &h->legacy_version))
		return DEC_E_TRUNC;
	h->best_version = h->legacy_version;
	if ((h->legacy_version >> 8) != 3)
		return DEC_E_BADVER;
	if (!cur_skip(&c, 32) || !cur_u8(&c, &sl))
		return DEC_E_TRUNC;
	if (sl > 32)
		return DEC_E_MALFORMED;
	if (!cur_skip(&c, sl) || !cur_u16(&c, &csl))
		return DEC_E_TRUNC;
	if (csl & 1)
		return DEC_E_MALFORMED;
	struct cur cs;
	if (!cur_sub(&c, &cs, csl))
		return DEC_E_TRUNC;
	uint16_t v;
	while (cur_u16(&cs, &v))
		if (!grease(v) && h->nciphers < MAX_CIPHERS)
			h->ciphers[h->nciphers++] = v;
	if (!cur_u8(&c, &cl) || !cur_skip(&c, cl))
		return DEC_E_TRUNC;
	if (c.n == 0)
		return DEC_OK; /* no extensions (RFC 5246 7.4.1.2) */
	if (!cur_u16(&c, &el))
		return DEC_E_TRUNC;
	bool cut = el > c.n;
	if (cut)
		el = (uint16_t)c.n;
	c.n = el;
	while (c.n > 0) {
		uint16_t type, len;
		struct cur body;
		if (!cur_u16(&c, &type) || !cur_u16(&c, &len))
			return DEC_E_TRUNC;
		if (!cur_sub(&c, &body, len))
			return DEC_E_TRUNC;
		if (!grease(type) && h->nexts < MAX_EXTS)
			h->exts[h->nexts++] = type;
		switch (type) {
		case EXT_SNI: emit_sni(body, sink, h); break;
		case EXT_ALPN: emit_alpn(body, sink, h); break;
		case EXT_GROUPS: read_u16_list(body, 2, h->groups, &h->ngroups, MAX_GROUPS, true); break;
		case EXT_SIG_ALGS: read_u16_list(body, 2, h->sigalgs, &h->nsigalgs, MAX_SIGALGS, true); break;
		case EXT_POINT_FORMATS: {
			uint8_t n, f;
			if (!cur_u8(&body, &n))
				break;
			for (int i = 0; i < n && cur_u8(&body, &f); i++)
				if (h->nformats < MAX_FORMATS)
					h->formats[h->nformats++] = f;
			break;
		}
		case EXT_VERSIONS: {
			uint16_t vs[32];
			int nv = 0;
			read_u16_list(body, 1, vs, &nv, 32, true);
			for (int i = 0; i < nv; i++)
				if ((vs[i] >> 8) == 3 && vs[i] > h->best_version)
					h->best_version = vs[i];
			break;
		}
		default:
			break;
		}
	}
	return cut ? DEC_E_TRUNC : DEC_OK;
}

static void hex(char *out, const uint8_t *d, size_t n)
{
	static const char x[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = x[d[i] >> 4];
		out[2 * i + 1] = x[d[i] & 15];
	}
}

/* v in decimal at s; returns the digits written (at most 5) */
static size_t put_dec(char *s, unsigned v)
{
	char tmp[5];
	size_t n = 0, k = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v && n < sizeof tmp);
	while (n)
		s[k++] = tmp[--n];
	return k;
}

/* append "v1-v2-..." (decimal); the caller sized s for 6 bytes a value */
static size_t join_dec(char *s, size_t n, const uint16_t *v, int count)
{
	for (int i = 0; i < count; i++) {
		if (i)
			s[n++] = '-';
		n += put_dec(s + n, v[i]);
	}
	return n;
}

static void emit_ja3(const struct hello *h, struct obs_sink *sink)
{
	/* each value: at most 5 digits and a separator */
	size_t cap = 16 + 6 * (size_t)(h->nciphers + h->nexts + h->ngroups + h->nformats);
	char *s = obs_scratch(sink, cap);
	char *md = obs_scratch(sink, 32);
	if (!s || !md)
		return;
	uint16_t formats[MAX_FORMATS];
	for (int i = 0; i < h->nformats; i++)
		formats[i] = h->formats[i];
	size_t n = put_dec(s, h->legacy_version);
	s[n++] = ',';
	n = join_dec(s, n, h->ciphers, h->nciphers);
	s[n++] = ',';
	n = join_dec(s, n, h->exts, h->nexts);
	s[n++] = ',';
	n = join_dec(s, n, h->groups, h->ngroups);
	s[n++] = ',';
	n = join_dec(s, n, formats, h->nformats);
	uint8_t d[MD5_DIGEST_SIZE];
	struct md5_ctx m;
	md5_init(&m);
	md5_update(&m, n, (const uint8_t *)s);
	md5_digest(&m, sizeof d, d);
	hex(md, d, sizeof d);
	struct obs o = obs_make(OBS_TLS_JA3);
	o.str = md;
	o.len = 32;
	o.str2 = s;
	o.len2 = n;
	obs_emit(sink, &o);
}

static int cmp_u16(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/* "xxxx,xxxx,..." (4 lowercase hex digits a value) at s; returns the length */
static size_t join_hex4(char *s, const uint16_t *v, int n)
{
	size_t k = 0;
	for (int i = 0; i < n; i++) {
		uint8_t be[2] = { (uint8_t)(v[i] >> 8), (uint8_t)v[i] };
		if (i)
			s[k++] = ',';
		hex(s + k, be, 2);
		k += 4;
	}
	return k;
}

/* first 12 hex chars of sha256 over "xxxx,...[_yyyy,...]", or zeros when
 * there is nothing to hash */
static void ja4_hash(char out[12], const uint16_t *v, int n, const uint16_t *tail, int ntail)
{
	struct sha256_ctx c;
	uint8_t d[SHA256_DIGEST_SIZE];
	char buf[5 * (MAX_CIPHERS > MAX_EXTS ? MAX_CIPHERS : MAX_EXTS) + 1 + 5 * MAX_SIGALGS];
	if (n == 0) {
		memset(out, '0', 12);
		return;
	}
	size_t k = join_hex4(buf, v, n);
	if (ntail) {
		buf[k++] = '_';
		k += join_hex4(buf + k, tail, ntail);
	}
	sha256_init(&c);
	sha256_update(&c, k, (const uint8_t *)buf);
	sha256_digest(&c, sizeof d, d);
	hex(out, d, 6);
}

static bool alnum(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static void emit_ja4(const struct hello *h, struct obs_sink *sink)
{
	char *s = obs_scratch(sink, 36);
	if (!s)
		return;
	const char *ver;
	switch (h->best_version) {
	case 0x0304: ver = "13"; break;
	case 0x0303: ver = "12"; break;
	case 0x0302: ver = "11"; break;
	case 0x0301: ver = "10"; break;
	case 0x0300: ver = "s3"; break;
	default: ver = "00"; break;
	}
	char alpn[3] = "00";
	if (h->alpn1) {
		uint8_t a = h->alpn1[0], z = h->alpn1[h->alpn1_len - 1];
		if (alnum(a) && alnum(z)) {
			alpn[0] = (char)a;
			alpn[1] = (char)z;
		} else {
			char hx[4];
			uint8_t two[2] = { a, z };
			hex(hx, two, 2);
			alpn[0] = hx[0];
			alpn[1] = hx[3];
		}
	}
	unsigned nc = h->nciphers > 99 ? 99 : (unsigned)h->nciphers;
	unsigned ne = h->nexts > 99 ? 99 : (unsigned)h->nexts;
	s[0] = 't';
	s[1] = ver[0];
	s[2] = ver[1];
	s[3] = h->has_sni ? 'd' : 'i';
	s[4] = (char)('0' + nc / 10);
	s[5] = (char)('0' + nc % 10);
	s[6] = (char)('0' + ne / 10);
	s[7] = (char)('0' + ne % 10);
	s[8] = alpn[0];
	s[9] = alpn[1];
	uint16_t sorted[MAX_CIPHERS > MAX_EXTS ? MAX_CIPHERS : MAX_EXTS];
	memcpy(sorted, h->ciphers, (size_t)h->nciphers * sizeof sorted[0]);
	qsort(sorted, (size_t)h->nciphers, sizeof sorted[0], cmp_u16);
	s[10] = '_';
	ja4_hash(s + 11, sorted, h->nciphers, NULL, 0);
	int n = 0;
	for (int i = 0; i < h->nexts; i++)
		if (h->exts[i] != EXT_SNI && h->exts[i] != EXT_ALPN)
			sorted[n++] = h->exts[i];
	qsort(sorted, (size_t)n, sizeof sorted[0], cmp_u16);
	s[23] = '_';
	ja4_hash(s + 24, sorted, n, h->sigalgs, h->nsigalgs);
	struct obs o = obs_make(OBS_TLS_JA4);
	o.str = s;
	o.len = 36;
	obs_emit(sink, &o);
}

int app_tls(const uint8_t *p, size_t len, struct obs_sink *sink)
{
	size_t mlen;
	bool complete;
	if (len >= 1 && p[0] != TLS_HANDSHAKE)
		return DEC_E_UNSUPP;
	const uint8_t *m = join_records(p, len, sink, &mlen, &complete);
	if (!m)
		return len < 9 ? DEC_E_TRUNC : DEC_E_MALFORMED;
	struct hello hs; /* about 1 KiB */
	struct hello *h = &hs;
	memset(h, 0, sizeof *h);
	int r = parse_hello(cur_make(m + 4, mlen - 4), sink, h);
	if (r != DEC_OK)
		return r;
	if (!complete)
		return DEC_E_TRUNC;
	struct obs o = obs_make(OBS_TLS_VERSION);
	o.num = h->best_version;
	obs_emit(sink, &o);
	emit_ja3(h, sink);
	emit_ja4(h, sink);
	return DEC_OK;
}
