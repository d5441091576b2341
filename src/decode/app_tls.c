/* app_tls.c - the TLS ClientHello (RFC 8446 4.1.2; RFC 5246 7.4.1.2 for
 * TLS 1.0-1.2): the server the client asked for, the protocols it wants,
 * the highest version it offers, and its JA3 and JA4 fingerprints.
 *
 * The hello may span several TLS records (a long list of extensions, a
 * post-quantum key share; RFC 8446 5.1 lets a handshake message, even its
 * 4-byte header, be cut anywhere) and those records several TCP segments:
 * the tracker buffers the client stream until app_tls_need() says the
 * message is complete, and app_tls() joins the fragments in scratch space.
 * A hello cut short still yields what precedes the cut (usually the SNI);
 * the fingerprints need the whole message.
 *
 * Version: the highest entry of supported_versions (RFC 8446 4.2.1) when the
 * extension is there, GREASE left out, else the legacy client_version.
 * JA3 (Salesforce): MD5 of "version,ciphers,extensions,groups,formats",
 * decimal values joined by '-', GREASE values (RFC 8701) left out, version
 * being the legacy client_version.
 * JA4 (FoxIO, technical_details/JA4.md): "t" version sni cipher-count
 * ext-count alpn "_" sha256(sorted ciphers)[:12] "_" sha256(sorted
 * extensions without SNI and ALPN "_" signature algorithms in order)[:12],
 * values as 4 lowercase hex digits, GREASE left out everywhere, an empty
 * list written as twelve zeros.
 *
 * At most TLS_MAX_LIST values of each list are kept (a real hello has well
 * under 100); the rest are ignored.
 */
#include <stdlib.h>
#include <string.h>

#include <nettle/md5.h>
#include <nettle/sha2.h>

#include "decode/app.h"
#include "decode/decode.h"
#include "lib/cursor.h"
#include "lib/fmt.h"

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

#define TLS_MAX_LIST 256

/* RFC 8701 2: 0x0a0a, 0x1a1a, ... 0xfafa */
static bool grease(uint16_t v)
{
	return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

static size_t rec_len(const uint8_t *rec)
{
	return (size_t)rec[3] << 8 | rec[4];
}

/* A record header that can carry part of a ClientHello. */
static bool rec_ok(const uint8_t *rec)
{
	size_t r = rec_len(rec);
	return rec[0] == TLS_HANDSHAKE && rec[1] == 3 && r > 0 && r <= TLS_MAX_RECORD;
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
	/* Walk the records present, collecting the 4-byte handshake header
	 * (it may straddle records), until the message is covered. */
	uint8_t hdr[4];
	size_t pos = 0, have = 0, total = 0; /* total 0: not known yet */
	for (;;) {
		if (len - pos < 5)
			return total ? (long)(pos + 5 + (total - have)) : -1;
		if (!rec_ok(p + pos))
			/* the hello ends early: decode what there is */
			return total ? (long)pos : 0;
		size_t r = rec_len(p + pos), avail = len - pos - 5;
		if (avail > r)
			avail = r;
		for (size_t i = 0; i < avail && have + i < 4; i++)
			hdr[have + i] = p[pos + 5 + i];
		size_t known = have + avail < 4 ? have + avail : 4;
		if (known >= 1 && hdr[0] != TLS_CLIENT_HELLO)
			return 0;
		if (!total && known == 4) {
			size_t hl = (size_t)hdr[1] << 16 | (size_t)hdr[2] << 8 | hdr[3];
			if (hl > TLS_MAX_HELLO)
				return 0;
			total = 4 + hl;
		}
		if (total && have + r >= total)
			return (long)(pos + 5 + (total - have));
		if (avail < r) /* this record is still arriving; at least one more follows */
			return total ? (long)(pos + 5 + r + 5 + (total - have - r)) : -1;
		have += r;
		pos += 5 + r;
	}
}

/* Copy (when out is not NULL) the handshake bytes carried by the
 * consecutive handshake records at p, at most cap of them; returns how
 * many there are. */
static size_t hs_copy(const uint8_t *p, size_t len, uint8_t *out, size_t cap)
{
	size_t pos = 0, n = 0;
	while (n < cap && len - pos >= 5 && rec_ok(p + pos)) {
		size_t r = rec_len(p + pos), avail = len - pos - 5;
		if (avail > r)
			avail = r;
		size_t take = avail < cap - n ? avail : cap - n;
		if (out)
			memcpy(out + n, p + pos + 5, take);
		n += take;
		if (avail < r)
			break;
		pos += 5 + r;
	}
	return n;
}

/* The ClientHello handshake message (header included): in the first record
 * when it holds all of it, else joined in scratch; with too little scratch,
 * what the first record holds. Returns DEC_OK and sets *m, *mlen, *complete,
 * or an error when there is no hello to parse. */
static int join_records(const uint8_t *p, size_t len, struct obs_sink *sink, const uint8_t **m, size_t *mlen,
			bool *complete)
{
	uint8_t hdr[4];
	if (len < 5)
		return DEC_E_TRUNC;
	if (p[1] != 3)
		return DEC_E_BADVER;
	if (!rec_ok(p))
		return DEC_E_BADLEN;
	size_t k = hs_copy(p, len, hdr, 4);
	if (k >= 1 && hdr[0] != TLS_CLIENT_HELLO)
		return DEC_E_UNSUPP; /* another handshake message */
	if (k < 4)
		return DEC_E_TRUNC;
	size_t hl = (size_t)hdr[1] << 16 | (size_t)hdr[2] << 8 | hdr[3];
	if (hl > TLS_MAX_HELLO)
		return DEC_E_BADLEN;
	size_t total = 4 + hl, first = len - 5 < rec_len(p) ? len - 5 : rec_len(p);
	if (first >= total) {
		*m = p + 5;
		*mlen = total;
		*complete = true;
		return DEC_OK;
	}
	size_t avail = hs_copy(p, len, NULL, total);
	uint8_t *buf = (uint8_t *)obs_scratch(sink, avail);
	if (buf) {
		*mlen = hs_copy(p, len, buf, avail);
		*m = buf;
	} else {
		if (first < 4)
			return DEC_E_TRUNC;
		*mlen = first; /* no room: the first fragment alone */
		*m = p + 5;
	}
	*complete = *mlen == total;
	return DEC_OK;
}

struct hello {
	uint16_t legacy_version, max_version;
	uint16_t max_tls; /* highest 0x03xx entry of supported_versions, 0 none */
	bool has_versions; /* supported_versions with a non-GREASE entry, whole */
	bool has_sni, has_alpn;
	uint16_t ciphers[TLS_MAX_LIST], exts[TLS_MAX_LIST], groups[TLS_MAX_LIST], sigalgs[TLS_MAX_LIST];
	uint8_t formats[TLS_MAX_LIST];
	int nciphers, nexts, ngroups, nformats, nsigalgs;
	const uint8_t *alpn1; /* first ALPN protocol, maybe empty */
	size_t alpn1_len;
};

static uint16_t hello_version(const struct hello *h)
{
	return h->has_versions ? h->max_version : h->legacy_version;
}

/* RFC 6066 3: a list of (type, name); the first host_name (type 0). */
static void parse_sni(struct cur body, struct obs_sink *sink, struct hello *h)
{
	uint16_t list;
	bool first = !h->has_sni;
	h->has_sni = true;
	if (!first || !cur_u16(&body, &list) || list > body.n)
		return;
	body.n = list;
	for (;;) {
		uint8_t type;
		uint16_t nl;
		const uint8_t *name;
		if (!cur_u8(&body, &type) || !cur_u16(&body, &nl) || !cur_take(&body, &name, nl))
			return;
		if (type == 0) {
			if (nl > 0) {
				struct obs o = obs_make(OBS_TLS_SNI);
				o.str = (const char *)name;
				o.len = nl;
				obs_emit(sink, &o);
			}
			return;
		}
	}
}

/* RFC 7301 3.1: a list of non-empty 1-byte-length protocol names. */
static void parse_alpn(struct cur body, struct obs_sink *sink, struct hello *h)
{
	uint16_t list;
	bool first = !h->has_alpn;
	h->has_alpn = true;
	if (!first || !cur_u16(&body, &list) || list > body.n)
		return;
	body.n = list;
	/* "a,b" is never longer than the list: each comma replaces a length */
	char *s = obs_scratch(sink, list);
	size_t n = 0;
	for (int i = 0; body.n > 0; i++) {
		uint8_t l;
		const uint8_t *proto;
		if (!cur_u8(&body, &l) || !cur_take(&body, &proto, l))
			break;
		if (i == 0) {
			h->alpn1 = proto;
			h->alpn1_len = l;
		}
		if (!s || !l)
			continue;
		if (n)
			s[n++] = ',';
		for (size_t j = 0; j < l; j++)
			s[n++] = proto[j] < 0x20 || proto[j] > 0x7e || proto[j] == ',' ? '?' : (char)proto[j];
	}
	if (s && n) {
		struct obs o = obs_make(OBS_TLS_ALPN);
		o.str = s;
		o.len = n;
		obs_emit(sink, &o);
	}
}

/* A list of 16-bit values behind a 1- or 2-byte length, GREASE left out,
 * appended to out (at most TLS_MAX_LIST). */
static void parse_u16_list(struct cur body, size_t lenbytes, uint16_t *out, int *count)
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
		if (!grease(v) && *count < TLS_MAX_LIST)
			out[(*count)++] = v;
}

/* The ClientHello body (after the 4-byte handshake header). Emits SNI and
 * ALPN as found. A length running past the end is DEC_E_TRUNC when the
 * message was cut (complete false), else DEC_E_BADLEN. */
static int parse_hello(struct cur c, bool complete, struct obs_sink *sink, struct hello *h)
{
	const int over = complete ? DEC_E_BADLEN : DEC_E_TRUNC;
	uint8_t sl, cl;
	uint16_t csl, el, v;
	struct cur sub;
	if (!cur_u16(&c, &h->legacy_version))
		return over;
	if ((h->legacy_version >> 8) != 3)
		return DEC_E_BADVER;
	if (!cur_skip(&c, 32) || !cur_u8(&c, &sl)) /* random, session id */
		return over;
	if (sl > 32)
		return DEC_E_MALFORMED;
	if (!cur_skip(&c, sl) || !cur_u16(&c, &csl))
		return over;
	if (csl & 1)
		return DEC_E_MALFORMED;
	if (!cur_sub(&c, &sub, csl))
		return over;
	while (cur_u16(&sub, &v))
		if (!grease(v) && h->nciphers < TLS_MAX_LIST)
			h->ciphers[h->nciphers++] = v;
	if (!cur_u8(&c, &cl) || !cur_skip(&c, cl)) /* compression methods */
		return over;
	if (c.n == 0)
		return complete ? DEC_OK : DEC_E_TRUNC; /* no extensions (RFC 5246 7.4.1.2) */
	if (!cur_u16(&c, &el))
		return over;
	if (el > c.n && complete)
		return DEC_E_BADLEN;
	if (el < c.n)
		c.n = el; /* anything after the extensions is ignored */
	while (c.n > 0) {
		uint16_t type, len;
		struct cur body;
		if (!cur_u16(&c, &type) || !cur_u16(&c, &len) || !cur_sub(&c, &body, len))
			return over;
		if (!grease(type) && h->nexts < TLS_MAX_LIST)
			h->exts[h->nexts++] = type;
		switch (type) {
		case EXT_SNI: parse_sni(body, sink, h); break;
		case EXT_ALPN: parse_alpn(body, sink, h); break;
		case EXT_GROUPS: parse_u16_list(body, 2, h->groups, &h->ngroups); break;
		case EXT_SIG_ALGS: parse_u16_list(body, 2, h->sigalgs, &h->nsigalgs); break;
		case EXT_POINT_FORMATS: {
			uint8_t n, f;
			if (!cur_u8(&body, &n))
				break;
			for (int i = 0; i < n && cur_u8(&body, &f); i++)
				if (h->nformats < TLS_MAX_LIST)
					h->formats[h->nformats++] = f;
			break;
		}
		case EXT_VERSIONS: {
			uint16_t vs[TLS_MAX_LIST]; /* a 1-byte length: at most 127 */
			int nv = 0;
			parse_u16_list(body, 1, vs, &nv);
			for (int i = 0; i < nv; i++) {
				if (!h->has_versions || vs[i] > h->max_version)
					h->max_version = vs[i];
				h->has_versions = true;
				if ((vs[i] >> 8) == 3 && vs[i] > h->max_tls)
					h->max_tls = vs[i]; /* not a draft or private value */
			}
			break;
		}
		default:
			break;
		}
	}
	return complete ? DEC_OK : DEC_E_TRUNC;
}

/* append "v1-v2-..." (decimal) at s + n; the caller sized s for 6 bytes a
 * value */
static size_t join_dec(char *s, size_t n, const uint16_t *v, int count)
{
	for (int i = 0; i < count; i++) {
		if (i)
			s[n++] = '-';
		n += fmt_dec(s + n, v[i]);
	}
	return n;
}

/* Weak offers (RFC 7465 no RC4, RFC 5246 A.5 export and NULL, anonymous
 * key exchange; PSK-only: no suite that authenticates the server). */
static bool in_ranges(uint16_t v, const uint16_t (*r)[2], size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (v >= r[i][0] && v <= r[i][1])
			return true;
	return false;
}

/* The weak-suite observation; returns its text and length (NULL, 0 when
 * none). */
static const char *emit_weak(const struct hello *h, struct obs_sink *sink, size_t *len)
{
	*len = 0;
	static const uint16_t rc4[][2] = { { 0x0003, 0x0005 }, { 0x0017, 0x0018 }, { 0x0020, 0x0020 },
					   { 0x0024, 0x0024 }, { 0x0028, 0x0028 }, { 0x002b, 0x002b },
					   { 0x008a, 0x008a }, { 0x008e, 0x008e }, { 0x0092, 0x0092 },
					   { 0xc002, 0xc002 }, { 0xc007, 0xc007 }, { 0xc00c, 0xc00c },
					   { 0xc011, 0xc011 }, { 0xc016, 0xc016 }, { 0xc033, 0xc033 } };
	static const uint16_t export[][2] = { { 0x0003, 0x0003 }, { 0x0006, 0x0006 }, { 0x0008, 0x0008 },
					      { 0x000b, 0x000b }, { 0x000e, 0x000e }, { 0x0011, 0x0011 },
					      { 0x0014, 0x0014 }, { 0x0017, 0x0017 }, { 0x0019, 0x0019 },
					      { 0x0026, 0x002a }, { 0x0062, 0x0066 } };
	static const uint16_t null[][2] = { { 0x0001, 0x0002 }, { 0x002c, 0x002e }, { 0x003b, 0x003b },
					    { 0x00b0, 0x00b1 }, { 0x00b4, 0x00b5 }, { 0x00b8, 0x00b9 },
					    { 0xc001, 0xc001 }, { 0xc006, 0xc006 }, { 0xc00b, 0xc00b },
					    { 0xc010, 0xc010 }, { 0xc015, 0xc015 } };
	static const uint16_t anon[][2] = { { 0x0018, 0x001b }, { 0x0034, 0x0034 }, { 0x003a, 0x003a },
					    { 0x006c, 0x006d }, { 0x00a6, 0x00a7 }, { 0xc015, 0xc019 } };
	static const uint16_t psk[][2] = { { 0x002c, 0x002e }, { 0x008a, 0x0095 }, { 0x00a8, 0x00b9 },
					   { 0xc034, 0xc03b }, { 0xc0a4, 0xc0ab }, { 0xccab, 0xccae } };
	bool w_rc4 = false, w_exp = false, w_null = false, w_anon = false, all_psk = h->nciphers > 0;
	for (int i = 0; i < h->nciphers; i++) {
		uint16_t v = h->ciphers[i];
		if (v == 0x00ff || v == 0x5600)
			continue; /* signalling values, not suites */
		w_rc4 |= in_ranges(v, rc4, sizeof rc4 / sizeof rc4[0]);
		w_exp |= in_ranges(v, export, sizeof export / sizeof export[0]);
		w_null |= in_ranges(v, null, sizeof null / sizeof null[0]);
		w_anon |= in_ranges(v, anon, sizeof anon / sizeof anon[0]);
		all_psk &= in_ranges(v, psk, sizeof psk / sizeof psk[0]);
	}
	if (!(w_rc4 || w_exp || w_null || w_anon || all_psk))
		return NULL;
	char *s = obs_scratch(sink, 48);
	if (!s)
		return NULL;
	size_t n = 0;
	const char *names[] = { "RC4", "export", "NULL", "anonymous", "PSK-only" };
	bool on[] = { w_rc4, w_exp, w_null, w_anon, all_psk };
	for (int i = 0; i < 5; i++)
		if (on[i]) {
			size_t l = strlen(names[i]);
			if (n)
				s[n++] = ',';
			memcpy(s + n, names[i], l);
			n += l;
		}
	struct obs o = obs_make(OBS_TLS_WEAK);
	o.str = s;
	o.len = n;
	obs_emit(sink, &o);
	*len = n;
	return s;
}

/* Returns the 32 hex digits of the MD5, NULL when out of scratch. */
static const char *emit_ja3(const struct hello *h, struct obs_sink *sink)
{
	/* each value: at most 5 digits and a separator; the version and 4
	 * commas fit in 16 */
	size_t cap = 16 + 6 * (size_t)(h->nciphers + h->nexts + h->ngroups + h->nformats);
	char *s = obs_scratch(sink, cap);
	char *md = obs_scratch(sink, 32);
	if (!s || !md)
		return NULL;
	uint16_t formats[TLS_MAX_LIST];
	for (int i = 0; i < h->nformats; i++)
		formats[i] = h->formats[i];
	size_t n = fmt_dec(s, h->legacy_version);
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
	fmt_hex(md, d, sizeof d);
	struct obs o = obs_make(OBS_TLS_JA3);
	o.str = md;
	o.len = 32;
	o.str2 = s;
	o.len2 = n;
	obs_emit(sink, &o);
	return md;
}

/* a few dozen values: insertion sort, no calls through a pointer */
static void sort_u16(uint16_t *v, int n)
{
	for (int i = 1; i < n; i++) {
		uint16_t x = v[i];
		int j = i;
		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/* "xxxx,xxxx,..." (4 lowercase hex digits a value) at s; returns the length */
static size_t join_hex4(char *s, const uint16_t *v, int n)
{
	size_t k = 0;
	for (int i = 0; i < n; i++) {
		uint8_t be[2] = { (uint8_t)(v[i] >> 8), (uint8_t)v[i] };
		if (i)
			s[k++] = ',';
		fmt_hex(s + k, be, 2);
		k += 4;
	}
	return k;
}

/* first 12 hex chars of sha256 over "xxxx,...[_yyyy,...]", or twelve zeros
 * when the first list is empty */
static void ja4_hash(char out[12], const uint16_t *v, int n, const uint16_t *tail, int ntail)
{
	struct sha256_ctx c;
	uint8_t d[SHA256_DIGEST_SIZE];
	char buf[5 * TLS_MAX_LIST + 5 * TLS_MAX_LIST];
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
	fmt_hex(out, d, 6);
}

static bool alnum(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

#define JA4_LEN 36 /* a(10) _ b(12) _ c(12) */

/* Returns the JA4 text (JA4_LEN), NULL when out of scratch. */
static const char *emit_ja4(const struct hello *h, struct obs_sink *sink)
{
	char *s = obs_scratch(sink, JA4_LEN);
	if (!s)
		return NULL;
	const char *ver;
	switch (hello_version(h)) {
	case 0x0304: ver = "13"; break;
	case 0x0303: ver = "12"; break;
	case 0x0302: ver = "11"; break;
	case 0x0301: ver = "10"; break;
	case 0x0300: ver = "s3"; break;
	default: ver = "00"; break;
	}
	/* first and last character of the first ALPN value; when either is
	 * not alphanumeric, the first and last hex digit of the value */
	char alpn[2] = { '0', '0' };
	if (h->alpn1_len) {
		uint8_t a = h->alpn1[0], z = h->alpn1[h->alpn1_len - 1];
		if (alnum(a) && alnum(z)) {
			alpn[0] = (char)a;
			alpn[1] = (char)z;
		} else {
			char hx[4];
			uint8_t two[2] = { a, z };
			fmt_hex(hx, two, 2);
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
	uint16_t sorted[TLS_MAX_LIST];
	memcpy(sorted, h->ciphers, (size_t)h->nciphers * sizeof sorted[0]);
	sort_u16(sorted, h->nciphers);
	s[10] = '_';
	ja4_hash(s + 11, sorted, h->nciphers, NULL, 0);
	int n = 0;
	for (int i = 0; i < h->nexts; i++)
		if (h->exts[i] != EXT_SNI && h->exts[i] != EXT_ALPN)
			sorted[n++] = h->exts[i];
	sort_u16(sorted, n);
	s[23] = '_';
	ja4_hash(s + 24, sorted, n, h->sigalgs, h->nsigalgs);
	struct obs o = obs_make(OBS_TLS_JA4);
	o.str = s;
	o.len = JA4_LEN;
	obs_emit(sink, &o);
	return s;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	h = (h ^ v) * 0xbf58476d1ce4e5b9ull;
	return h ^ (h >> 31);
}

static uint64_t mix_u16s(uint64_t h, const uint16_t *v, int n)
{
	h = mix(h, (uint64_t)n);
	for (int i = 0; i < n; i++)
		h = mix(h, v[i]);
	return h;
}

/* A digest of everything JA3, JA4 and the weak-suite check read; never 0. */
static uint64_t hello_key(const struct hello *h)
{
	uint64_t k = mix(0x9e3779b97f4a7c15ull, (uint64_t)h->legacy_version << 32 | (uint64_t)hello_version(h) << 16 |
						       (uint64_t)h->has_sni);
	k = mix_u16s(k, h->ciphers, h->nciphers);
	k = mix_u16s(k, h->exts, h->nexts);
	k = mix_u16s(k, h->groups, h->ngroups);
	k = mix_u16s(k, h->sigalgs, h->nsigalgs);
	k = mix(k, (uint64_t)h->nformats);
	for (int i = 0; i < h->nformats; i++)
		k = mix(k, h->formats[i]);
	k = mix(k, h->alpn1_len);
	if (h->alpn1_len)
		k = mix(k, (uint64_t)h->alpn1[0] << 8 | h->alpn1[h->alpn1_len - 1]);
	return k ? k : 1;
}

static void emit_fingerprints(const struct hello *h, struct obs_sink *sink)
{
	struct tls_fp_cache *fc = sink ? sink->tls_cache : NULL;
	if (!fc) {
		size_t wl;
		emit_ja3(h, sink);
		emit_ja4(h, sink);
		emit_weak(h, sink, &wl);
		return;
	}
	uint64_t key = hello_key(h);
	__typeof__(fc->e[0]) *e = &fc->e[key % TLS_FP_CACHE];
	if (e->key == key) {
		fc->hits++;
		struct obs o = obs_make(OBS_TLS_JA3);
		o.str = e->ja3;
		o.len = sizeof e->ja3;
		obs_emit(sink, &o);
		o = obs_make(OBS_TLS_JA4);
		o.str = e->ja4;
		o.len = sizeof e->ja4;
		obs_emit(sink, &o);
		if (e->weak_len) {
			o = obs_make(OBS_TLS_WEAK);
			o.str = e->weak;
			o.len = e->weak_len;
			obs_emit(sink, &o);
		}
		return;
	}
	fc->misses++;
	size_t wl;
	const char *ja3 = emit_ja3(h, sink), *ja4 = emit_ja4(h, sink), *weak = emit_weak(h, sink, &wl);
	if (!ja3 || !ja4 || wl > sizeof e->weak)
		return;
	e->key = key;
	memcpy(e->ja3, ja3, sizeof e->ja3);
	memcpy(e->ja4, ja4, sizeof e->ja4);
	if (weak)
		memcpy(e->weak, weak, wl);
	e->weak_len = (uint8_t)wl;
}

int app_tls(const uint8_t *p, size_t len, struct obs_sink *sink)
{
	const uint8_t *m;
	size_t mlen;
	bool complete;
	if (len >= 1 && p[0] != TLS_HANDSHAKE)
		return DEC_E_UNSUPP;
	int r = join_records(p, len, sink, &m, &mlen, &complete);
	if (r != DEC_OK)
		return r;
	struct hello hs; /* about 2.5 KiB */
	memset(&hs, 0, sizeof hs);
	r = parse_hello(cur_make(m + 4, mlen - 4), complete, sink, &hs);
	/* the version is known once supported_versions was read whole, or
	 * from the legacy field in a whole hello */
	if (r == DEC_OK || (r == DEC_E_TRUNC && hs.has_versions)) {
		/* the report wants a TLS version: JA4 takes any value (a private
		 * 0xfb1a gives "00"), this the highest real one */
		struct obs o = obs_make(OBS_TLS_VERSION);
		o.num = hs.max_tls ? hs.max_tls : hs.legacy_version;
		obs_emit(sink, &o);
	}
	if (r != DEC_OK)
		return r;
	emit_fingerprints(&hs, sink);
	return DEC_OK;
}
