/* test_app_tls.c - TLS ClientHello: SNI, ALPN, version, JA3 and JA4, a hello
 * over several records (cut anywhere, even inside the handshake header),
 * app_tls_need, GREASE, and malformed hellos.
 *
 * The expected JA3 and JA4 values were computed independently (Python's
 * hashlib over the JA3 string and the JA4 lists, per the Salesforce JA3 and
 * FoxIO JA4 definitions; the JA3 MD5s rechecked with md5sum), not by this
 * code. */
#include "testutil.h"

#include "decode/app.h"
#include "decode/decode.h"

/* TLS 1.3 hello: GREASE cipher, extension and group; SNI de.ot.io.mi.com;
 * ALPN h2,http/1.1; supported_versions 1.3, 1.2; sig algs 0403,0804,0401. */
static const uint8_t HELLO[] = {
	0x16, 0x03, 0x01, 0x00, 0xb2, 0x01, 0x00, 0x00, 0xae, 0x03, 0x03, 0x00,
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c,
	0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,
	0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x1a, 0x1a, 0x13, 0x01, 0x13, 0x02,
	0xc0, 0x2b, 0xc0, 0x2f, 0x00, 0x9c, 0x01, 0x00, 0x00, 0x59, 0x0a, 0x0a,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x12, 0x00, 0x00, 0x0f, 0x64,
	0x65, 0x2e, 0x6f, 0x74, 0x2e, 0x69, 0x6f, 0x2e, 0x6d, 0x69, 0x2e, 0x63,
	0x6f, 0x6d, 0x00, 0x17, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x08, 0x00, 0x06,
	0x2a, 0x2a, 0x00, 0x1d, 0x00, 0x17, 0x00, 0x0b, 0x00, 0x02, 0x01, 0x00,
	0x00, 0x0d, 0x00, 0x08, 0x00, 0x06, 0x04, 0x03, 0x08, 0x04, 0x04, 0x01,
	0x00, 0x10, 0x00, 0x0e, 0x00, 0x0c, 0x02, 0x68, 0x32, 0x08, 0x68, 0x74,
	0x74, 0x70, 0x2f, 0x31, 0x2e, 0x31, 0x00, 0x2b, 0x00, 0x05, 0x04, 0x03,
	0x04, 0x03, 0x03,
};

#define JA3_STR "771,4865-4866-49195-49199-156,0-23-10-11-13-16-43,29-23,0"
#define JA3_MD5 "ea982a69469ef6f76e19612344508f6b"
#define JA4 "t13d0507h2_c03c18a8b7cd_1fdf4de06b7e"
/* offset of the SNI extension's end in HELLO: the SNI is out once the
 * hello is cut after it */
#define HELLO_SNI_END (5 + 4 + 2 + 32 + 1 + 32 + 2 + 12 + 2 + 2 + 4 + 4 + 20)

static const uint8_t HELLO_OLD[] = {
	0x16, 0x03, 0x01, 0x00, 0x2f, 0x01, 0x00, 0x00, 0x2b, 0x03, 0x01, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x2f,
	0x00, 0x35, 0x01, 0x00,
};

/* GREASE everywhere (RFC 8701): ciphers 3a3a,1301,0a1a,c02b,fafa (0a1a only
 * looks like GREASE), extensions 8a8a first and dada last, groups 4a4a,
 * sig algs 5a5a, supported_versions 7a7a, a key share for 4a4a. SNI
 * a1.tuyaeu.com, ALPN h2. */
static const uint8_t HELLO_GREASE[] = {
	0x16, 0x03, 0x01, 0x00, 0xc3, 0x01, 0x00, 0x00, 0xbf, 0x03, 0x03, 0x40,
	0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x4b, 0x4c,
	0x4d, 0x4e, 0x4f, 0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58,
	0x59, 0x5a, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f, 0x00, 0x00, 0x0a, 0x3a, 0x3a,
	0x13, 0x01, 0x0a, 0x1a, 0xc0, 0x2b, 0xfa, 0xfa, 0x01, 0x00, 0x00, 0x8c,
	0x8a, 0x8a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x12, 0x00, 0x10, 0x00, 0x00,
	0x0d, 0x61, 0x31, 0x2e, 0x74, 0x75, 0x79, 0x61, 0x65, 0x75, 0x2e, 0x63,
	0x6f, 0x6d, 0x00, 0x0a, 0x00, 0x08, 0x00, 0x06, 0x4a, 0x4a, 0x00, 0x1d,
	0x00, 0x17, 0x00, 0x0b, 0x00, 0x02, 0x01, 0x00, 0x00, 0x0d, 0x00, 0x08,
	0x00, 0x06, 0x04, 0x03, 0x5a, 0x5a, 0x08, 0x04, 0x00, 0x10, 0x00, 0x05,
	0x00, 0x03, 0x02, 0x68, 0x32, 0x00, 0x2b, 0x00, 0x07, 0x06, 0x7a, 0x7a,
	0x03, 0x04, 0x03, 0x03, 0x00, 0x33, 0x00, 0x2b, 0x00, 0x29, 0x4a, 0x4a,
	0x00, 0x01, 0x00, 0x00, 0x1d, 0x00, 0x20, 0x00, 0x01, 0x02, 0x03, 0x04,
	0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10,
	0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c,
	0x1d, 0x1e, 0x1f, 0x00, 0x1b, 0x00, 0x03, 0x02, 0x00, 0x02, 0xff, 0x01,
	0x00, 0x01, 0x00, 0xda, 0xda, 0x00, 0x01, 0x00,
};

#define GREASE_JA3_STR "771,4865-2586-49195,0-10-11-13-16-43-51-27-65281,29-23,0"
#define GREASE_JA3_MD5 "369143e091895f729a93f31d73779f32"
#define GREASE_JA4 "t13d0309h2_996b897ac092_0046bcaf27ec"

/* ---- helpers --------------------------------------------------------------- */

/* app_tls on an exact-size heap copy, so ASan sees any read past n */
static int run(const uint8_t *p, size_t n, struct tu_sink *s)
{
	uint8_t *h = heap(p, n);
	tu_sink_init(s);
	int r = app_tls(h, n, &s->sink);
	free(h);
	return r;
}

static long need(const uint8_t *p, size_t n)
{
	if (n == 0)
		return app_tls_need(p, 0);
	uint8_t *h = heap(p, n);
	long r = app_tls_need(h, n);
	free(h);
	return r;
}

/* Re-record the handshake message of a one-record hello: fragments of the
 * given sizes, the last one taking the rest. Returns the stream length. */
static size_t records(uint8_t *out, size_t cap, const uint8_t *hello, size_t hello_len, const size_t *sizes,
		      int nsizes)
{
	const uint8_t *hs = hello + 5;
	size_t hl = hello_len - 5, k = 0, done = 0;
	for (int i = 0; done < hl; i++) {
		size_t n = i < nsizes ? sizes[i] : hl - done;
		if (n > hl - done)
			n = hl - done;
		assert_true(k + 5 + n <= cap);
		out[k++] = 0x16, out[k++] = 3, out[k++] = i ? 3 : 1;
		out[k++] = (uint8_t)(n >> 8), out[k++] = (uint8_t)n;
		memcpy(out + k, hs + done, n);
		k += n;
		done += n;
	}
	return k;
}

/* A ClientHello record built from parts: version, ciphers, then the
 * extensions block as given (none when ext is NULL). */
static void build(struct buf *b, unsigned ver, const uint16_t *ciphers, size_t nc, const struct buf *ext)
{
	size_t body = 2 + 32 + 1 + 2 + 2 * nc + 2 + (ext ? 2 + ext->n : 0);
	b->n = 0;
	put8(b, 0x16);
	put16(b, 0x0301);
	put16(b, (unsigned)(4 + body));
	put8(b, 1);
	put8(b, 0);
	put16(b, (unsigned)body);
	put16(b, ver);
	for (int i = 0; i < 32; i++)
		put8(b, (unsigned)i);
	put8(b, 0);
	put16(b, (unsigned)(2 * nc));
	for (size_t i = 0; i < nc; i++)
		put16(b, ciphers[i]);
	put8(b, 1);
	put8(b, 0);
	if (ext) {
		put16(b, (unsigned)ext->n);
		put(b, ext->b, ext->n);
	}
}

static void ext(struct buf *e, unsigned type, const void *body, size_t n)
{
	put16(e, type);
	put16(e, (unsigned)n);
	put(e, body, n);
}

static void ext_versions(struct buf *e, const uint16_t *v, size_t n)
{
	uint8_t body[64];
	body[0] = (uint8_t)(2 * n);
	for (size_t i = 0; i < n; i++)
		body[1 + 2 * i] = (uint8_t)(v[i] >> 8), body[2 + 2 * i] = (uint8_t)v[i];
	ext(e, 0x002b, body, 1 + 2 * n);
}

static const uint16_t CIPHERS[] = { 0x1301, 0xc02b };

static const struct tu_obs *ja4_of(const struct tu_sink *s)
{
	const struct tu_obs *o = tu_find(s, OBS_TLS_JA4);
	assert_non_null(o);
	assert_int_equal(strnlen(o->str, sizeof o->str), 36);
	return o;
}

/* ---- whole hellos ---------------------------------------------------------- */

static void test_hello(void **state)
{
	(void)state;
	struct tu_sink s;
	assert_int_equal(need(HELLO, sizeof HELLO), (long)sizeof HELLO);
	assert_int_equal(run(HELLO, sizeof HELLO, &s), DEC_OK);
	assert_non_null(tu_find_str(&s, OBS_TLS_SNI, "de.ot.io.mi.com"));
	assert_non_null(tu_find_str(&s, OBS_TLS_ALPN, "h2,http/1.1"));
	const struct tu_obs *v = tu_find(&s, OBS_TLS_VERSION);
	assert_non_null(v);
	assert_int_equal(v->num, 0x0304); /* from supported_versions, not 0x0303 */
	const struct tu_obs *j3 = tu_find(&s, OBS_TLS_JA3);
	assert_non_null(j3);
	assert_string_equal(j3->str, JA3_MD5);
	assert_string_equal(j3->str2, JA3_STR);
	assert_non_null(tu_find_str(&s, OBS_TLS_JA4, JA4));
	assert_int_equal(s.n, 5);
	/* bytes after the hello (the next record, application data) do not
	 * matter */
	uint8_t more[sizeof HELLO + 8];
	memcpy(more, HELLO, sizeof HELLO);
	memcpy(more + sizeof HELLO, (uint8_t[]){ 0x17, 3, 3, 0, 3, 1, 2, 3 }, 8);
	assert_int_equal(need(more, sizeof more), (long)sizeof HELLO);
	assert_int_equal(run(more, sizeof more, &s), DEC_OK);
	assert_non_null(tu_find_str(&s, OBS_TLS_JA4, JA4));
}

static void test_old_hello(void **state)
{
	(void)state;
	struct tu_sink s;
	/* TLS 1.0, no extensions at all: legal (RFC 5246 7.4.1.2) */
	assert_int_equal(run(HELLO_OLD, sizeof HELLO_OLD, &s), DEC_OK);
	assert_null(tu_find(&s, OBS_TLS_SNI));
	assert_null(tu_find(&s, OBS_TLS_ALPN));
	assert_int_equal(tu_find(&s, OBS_TLS_VERSION)->num, 0x0301);
	assert_non_null(tu_find_str(&s, OBS_TLS_JA3, "dac4920d4335e769327dbf4e1b759e15"));
	assert_string_equal(tu_find(&s, OBS_TLS_JA3)->str2, "769,47-53,,,");
	/* no extensions: JA4_c is twelve zeros, not the hash of "" */
	assert_non_null(tu_find_str(&s, OBS_TLS_JA4, "t10i020000_f54dd463d39b_000000000000"));
}

static void test_grease(void **state)
{
	(void)state;
	struct tu_sink s;
	assert_int_equal(run(HELLO_GREASE, sizeof HELLO_GREASE, &s), DEC_OK);
	assert_non_null(tu_find_str(&s, OBS_TLS_SNI, "a1.tuyaeu.com"));
	assert_non_null(tu_find_str(&s, OBS_TLS_ALPN, "h2"));
	assert_int_equal(tu_find(&s, OBS_TLS_VERSION)->num, 0x0304); /* not 0x7a7a */
	const struct tu_obs *j3 = tu_find(&s, OBS_TLS_JA3);
	assert_non_null(j3);
	assert_string_equal(j3->str2, GREASE_JA3_STR);
	assert_string_equal(j3->str, GREASE_JA3_MD5);
	assert_string_equal(ja4_of(&s)->str, GREASE_JA4);
}

/* ---- records and segments -------------------------------------------------- */

static void check_full(const uint8_t *p, size_t n)
{
	struct tu_sink s;
	assert_int_equal(need(p, n), (long)n);
	assert_int_equal(run(p, n, &s), DEC_OK);
	assert_non_null(tu_find_str(&s, OBS_TLS_SNI, "de.ot.io.mi.com"));
	assert_non_null(tu_find_str(&s, OBS_TLS_ALPN, "h2,http/1.1"));
	assert_int_equal(tu_find(&s, OBS_TLS_VERSION)->num, 0x0304);
	assert_non_null(tu_find_str(&s, OBS_TLS_JA3, JA3_MD5));
	assert_string_equal(tu_find(&s, OBS_TLS_JA3)->str2, JA3_STR);
	assert_non_null(tu_find_str(&s, OBS_TLS_JA4, JA4));
}

/* The same hello in two handshake records, cut at every point, the 4-byte
 * handshake header included (RFC 8446 5.1). */
static void test_two_records(void **state)
{
	(void)state;
	uint8_t buf[sizeof HELLO + 5];
	for (size_t first = 1; first < sizeof HELLO - 5; first++) {
		size_t n = records(buf, sizeof buf, HELLO, sizeof HELLO, &first, 1);
		assert_int_equal(n, sizeof HELLO + 5);
		check_full(buf, n);
		/* only the first record so far: need says at least one more
		 * header, or -1 while the hello length is not known */
		long r = need(buf, 5 + first);
		if (first < 4)
			assert_int_equal(r, -1);
		else
			assert_int_equal(r, (long)n);
	}
}

static void test_many_records(void **state)
{
	(void)state;
	uint8_t buf[2048];
	/* 1, 1, 1, 1 bytes (the header alone over four records), then 2 */
	static const size_t tiny[] = { 1, 1, 1, 1, 2, 2, 2, 2 };
	size_t n = records(buf, sizeof buf, HELLO, sizeof HELLO, tiny, 8);
	check_full(buf, n);
	/* 7-byte records all along */
	size_t seven[40];
	for (int i = 0; i < 40; i++)
		seven[i] = 7;
	n = records(buf, sizeof buf, HELLO, sizeof HELLO, seven, 40);
	check_full(buf, n);
	n = records(buf, sizeof buf, HELLO_GREASE, sizeof HELLO_GREASE, seven, 40);
	struct tu_sink s;
	assert_int_equal(need(buf, n), (long)n);
	assert_int_equal(run(buf, n, &s), DEC_OK);
	assert_non_null(tu_find_str(&s, OBS_TLS_JA4, GREASE_JA4));
	assert_non_null(tu_find_str(&s, OBS_TLS_JA3, GREASE_JA3_MD5));
}

/* Every prefix of a stream of three records: need() never says "not TLS",
 * never more than the whole, and exactly the whole once it is there. */
static void test_need_every_prefix(void **state)
{
	(void)state;
	uint8_t buf[sizeof HELLO + 10];
	static const size_t cuts[] = { 2, 60 };
	size_t n = records(buf, sizeof buf, HELLO, sizeof HELLO, cuts, 2);
	for (size_t k = 0; k <= n; k++) {
		long r = need(buf, k);
		assert_true(r == -1 || (r > (long)k && r <= (long)n) || (k == n && r == (long)n));
	}
	/* with one record: -1 until the handshake header is in */
	for (size_t k = 0; k <= sizeof HELLO; k++) {
		long r = need(HELLO, k);
		assert_int_equal(r, k < 9 ? -1 : (long)sizeof HELLO);
	}
}

static void test_need(void **state)
{
	(void)state;
	assert_int_equal(app_tls_need(HELLO, 0), -1);
	assert_int_equal(app_tls_need(HELLO, 1), -1);
	assert_int_equal(app_tls_need(HELLO, 3), -1);
	assert_int_equal(app_tls_need(HELLO, 5), -1);
	assert_int_equal(app_tls_need(HELLO, 8), -1);
	assert_int_equal(app_tls_need(HELLO, 9), (long)sizeof HELLO);
	/* not TLS: HTTP, SSH, application data, an alert */
	assert_int_equal(app_tls_need((const uint8_t *)"GET / HTTP/1.1\r\n", 16), 0);
	assert_int_equal(app_tls_need((const uint8_t *)"SSH-2.0-dropbear\r\n", 18), 0);
	static const uint8_t app_data[] = { 0x17, 3, 3, 0, 10 };
	assert_int_equal(app_tls_need(app_data, sizeof app_data), 0);
	static const uint8_t alert[] = { 0x15, 3, 3, 0, 2, 2, 40 };
	assert_int_equal(app_tls_need(alert, sizeof alert), 0);
	/* a handshake, but not a ClientHello, or not TLS 1.x records */
	static const uint8_t server_hello[] = { 0x16, 3, 3, 0, 10, 2, 0, 0, 6 };
	assert_int_equal(app_tls_need(server_hello, sizeof server_hello), 0);
	assert_int_equal(app_tls_need(server_hello, 6), 0);
	static const uint8_t sslv2[] = { 0x16, 2, 0 };
	assert_int_equal(app_tls_need(sslv2, sizeof sslv2), 0);
	/* record lengths: 0, over 2^14 + 2048 */
	static const uint8_t empty_rec[] = { 0x16, 3, 1, 0, 0, 1, 0, 0, 1 };
	assert_int_equal(app_tls_need(empty_rec, sizeof empty_rec), 0);
	static const uint8_t huge_rec[] = { 0x16, 3, 1, 0x48, 0x01, 1, 0x01, 0x00, 0x01 };
	assert_int_equal(app_tls_need(huge_rec, sizeof huge_rec), 0);
	/* the hello length: over 64 KiB is not taken for TLS; 64 KiB is,
	 * over several records */
	static const uint8_t hl_over[] = { 0x16, 3, 1, 0, 100, 1, 0x01, 0x00, 0x01 };
	assert_int_equal(app_tls_need(hl_over, sizeof hl_over), 0);
	static const uint8_t hl_8m[] = { 0x16, 3, 1, 0, 100, 1, 0x7f, 0, 0 };
	assert_int_equal(app_tls_need(hl_8m, sizeof hl_8m), 0);
	static const uint8_t hl_64k[] = { 0x16, 3, 1, 0, 100, 1, 0x01, 0x00, 0x00 };
	assert_int_equal(app_tls_need(hl_64k, sizeof hl_64k), 5 + 100 + 5 + (65536 + 4 - 100));
	/* the header over two records: 1 byte, then the rest */
	static const uint8_t split_hdr[] = { 0x16, 3, 1, 0, 1, 1, 0x16, 3, 3, 0, 42, 0, 0, 39 };
	assert_int_equal(app_tls_need(split_hdr, 6), -1);
	assert_int_equal(app_tls_need(split_hdr, 10), -1);
	assert_int_equal(app_tls_need(split_hdr, sizeof split_hdr), 6 + 5 + 42);
	/* ... or a ServerHello so split */
	static const uint8_t split_sh[] = { 0x16, 3, 1, 0, 1, 2, 0x16, 3, 3, 0, 42, 0, 0, 39 };
	assert_int_equal(app_tls_need(split_sh, 6), 0);
	/* a first record holding 20 bytes of a 100-byte hello, the second one
	 * on its way: at least one more record header is needed */
	static const uint8_t two[] = { 0x16, 3, 1, 0, 20, 1, 0, 0, 96, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	assert_int_equal(app_tls_need(two, sizeof two), 5 + 20 + 5 + 80);
	/* the hello ends early (an alert instead of the next record): the
	 * records before it are what there is */
	uint8_t early[sizeof two + 7];
	memcpy(early, two, sizeof two);
	memcpy(early + sizeof two, alert, sizeof alert);
	assert_int_equal(app_tls_need(early, sizeof early), (long)sizeof two);
	struct tu_sink s;
	assert_int_equal(run(early, sizeof early, &s), DEC_E_TRUNC);
}

/* ---- weak offers ------------------------------------------------------------- */

static void test_weak_offers(void **state)
{
	(void)state;
	struct buf b;
	struct tu_sink s;
	/* modern suites: nothing */
	build(&b, 0x0303, CIPHERS, 2, NULL);
	assert_int_equal(run(b.b, b.n, &s), DEC_OK);
	assert_null(tu_find(&s, OBS_TLS_WEAK));
	/* RC4 and an export suite among good ones */
	build(&b, 0x0301, (const uint16_t[]){ 0xc02f, 0x0005, 0x0008 }, 3, NULL);
	assert_int_equal(run(b.b, b.n, &s), DEC_OK);
	assert_non_null(tu_find_str(&s, OBS_TLS_WEAK, "RC4,export"));
	/* NULL and anonymous */
	build(&b, 0x0303, (const uint16_t[]){ 0x0002, 0x0034 }, 2, NULL);
	assert_int_equal(run(b.b, b.n, &s), DEC_OK);
	assert_non_null(tu_find_str(&s, OBS_TLS_WEAK, "NULL,anonymous"));
	/* PSK only (the signalling value 0x00ff does not count) */
	build(&b, 0x0303, (const uint16_t[]){ 0x00a8, 0xc0a4, 0x00ff }, 3, NULL);
	assert_int_equal(run(b.b, b.n, &s), DEC_OK);
	assert_non_null(tu_find_str(&s, OBS_TLS_WEAK, "PSK-only"));
	/* PSK with a certificate suite beside it: fine */
	build(&b, 0x0303, (const uint16_t[]){ 0x00a8, 0xc02f }, 2, NULL);
	assert_int_equal(run(b.b, b.n, &s), DEC_OK);
	assert_null(tu_find(&s, OBS_TLS_WEAK));
}

/* ---- versions and ALPN ----------------------------------------------------- */

static void test_versions(void **state)
{
	(void)state;
	struct buf e, b;
	struct tu_sink s;
	/* the highest entry, GREASE left out; a draft or private version
	 * (Facebook's 0xfb1a) is higher than 0x0304 and has no JA4 name */
	e.n = 0;
	ext_versions(&e, (const uint16_t[]){ 0x0304, 0xfb1a, 0x2a2a }, 3);
	build(&b, 0x0303, CIPHERS, 2, &e);
	assert_int_equal(run(b.b, b.n, &s), DEC_OK);
	assert_int_equal(tu_find(&s, OBS_TLS_VERSION)->num, 0x0304); /* the highest real TLS version */
	assert_memory_equal(ja4_of(&s)->str, "t00i0201", 8);           /* JA4 takes 0xfb1a: "00" */
	/* only GREASE: the legacy version */
	e.n = 0;
	ext_versions(&e, (const uint16_t[]){ 0x3a3a }, 1);
	build(&b, 0x0303, CIPHERS, 2, &e);
	assert_int_equal(run(b.b, b.n, &s), DEC_OK);
	assert_int_equal(tu_find(&s, OBS_TLS_VERSION)->num, 0x0303);
	assert_memory_equal(ja4_of(&s)->str, "t12i0201", 8);
	/* supported_versions lower than the legacy field: the extension wins */
	e.n = 0;
	ext_versions(&e, (const uint16_t[]){ 0x0302, 0x0301 }, 2);
	build(&b, 0x0303, CIPHERS, 2, &e);
	assert_int_equal(run(b.b, b.n, &s), DEC_OK);
	assert_int_equal(tu_find(&s, OBS_TLS_VERSION)->num, 0x0302);
	assert_memory_equal(ja4_of(&s)->str, "t11i0201", 8);
	assert_string_equal(tu_find(&s, OBS_TLS_JA3)->str2, "771,4865-49195,43,,");
	/* SSL 3.0 */
	build(&b, 0x0300, CIPHERS, 2, NULL);
	assert_int_equal(run(b.b, b.n, &s), DEC_OK);
	assert_memory_equal(ja4_of(&s)->str, "ts3i020000", 10);
	/* client_version 2.0 or 4.0: not a TLS hello */
	build(&b, 0x0200, CIPHERS, 2, NULL);
	assert_int_equal(run(b.b, b.n, &s), DEC_E_BADVER);
	assert_int_equal(s.n, 0);
}

static void alpn_case(const void *list, size_t n, const char *ja4_alpn, const char *obs)
{
	struct buf e, b;
	struct tu_sink s;
	uint8_t body[64];
	body[0] = (uint8_t)(n >> 8), body[1] = (uint8_t)n;
	memcpy(body + 2, list, n);
	e.n = 0;
	ext(&e, 0x0010, body, 2 + n);
	build(&b, 0x0303, CIPHERS, 2, &e);
	assert_int_equal(run(b.b, b.n, &s), DEC_OK);
	assert_memory_equal(ja4_of(&s)->str + 8, ja4_alpn, 2);
	if (obs)
		assert_non_null(tu_find_str(&s, OBS_TLS_ALPN, obs));
	else
		assert_null(tu_find(&s, OBS_TLS_ALPN));
}

static void test_alpn(void **state)
{
	(void)state;
	alpn_case("\x08http/1.1", 9, "h1", "http/1.1");
	alpn_case("\x02h2\x08http/1.1", 12, "h2", "h2,http/1.1");
	alpn_case("\x01x", 2, "xx", "x");                 /* one character: both */
	alpn_case("\x00\x02h2", 4, "00", "h2");           /* the first value empty */
	alpn_case("\x02\xab\xcd", 3, "ad", "??");         /* not alphanumeric: hex */
	alpn_case("\x02" "0\xab", 3, "3b", "0?");
	alpn_case("\x04" "0\xab\xcd" "1", 5, "01", "0??1");
	alpn_case("\x03" "a,b", 4, "ab", "a?b");          /* no comma inside a value */
	alpn_case("\x09h2", 3, "00", NULL);               /* a value past the list */
}

/* ---- malformed ------------------------------------------------------------- */

static void test_truncated(void **state)
{
	(void)state;
	/* every prefix: no read past the end, and no fingerprint from half a
	 * hello (a JA3 of a partial hello would be a wrong fingerprint) */
	for (size_t k = 0; k < sizeof HELLO; k++) {
		struct tu_sink *s = malloc(sizeof *s);
		assert_non_null(s);
		assert_true(run(HELLO, k, s) < 0);
		assert_null(tu_find(s, OBS_TLS_JA3));
		assert_null(tu_find(s, OBS_TLS_JA4));
		assert_null(tu_find(s, OBS_TLS_VERSION)); /* supported_versions comes last */
		if (k >= HELLO_SNI_END)
			assert_non_null(tu_find_str(s, OBS_TLS_SNI, "de.ot.io.mi.com"));
		else
			assert_null(tu_find(s, OBS_TLS_SNI));
		free(s);
	}
	assert_int_equal(tu_every_prefix(app_tls, HELLO_GREASE, sizeof HELLO_GREASE), 0);
	assert_int_equal(tu_every_prefix(app_tls, HELLO_OLD, sizeof HELLO_OLD), 0);
	uint8_t buf[sizeof HELLO + 20];
	static const size_t cuts[] = { 3, 50, 1 };
	size_t n = records(buf, sizeof buf, HELLO, sizeof HELLO, cuts, 3);
	assert_int_equal(tu_every_prefix(app_tls, buf, n), 0);
	/* a version is reported from a cut hello once supported_versions was
	 * read whole */
	static const uint16_t v13[] = { 0x0304 };
	struct buf e = { .n = 0 }, b;
	ext_versions(&e, v13, 1);
	ext(&e, 0x0015, (uint8_t[8]){ 0 }, 8); /* padding */
	build(&b, 0x0303, CIPHERS, 2, &e);
	struct tu_sink s;
	assert_int_equal(run(b.b, b.n - 1, &s), DEC_E_TRUNC);
	assert_int_equal(tu_find(&s, OBS_TLS_VERSION)->num, 0x0304);
	assert_null(tu_find(&s, OBS_TLS_JA3));
}

static void test_malformed(void **state)
{
	(void)state;
	uint8_t b[sizeof HELLO];
	struct tu_sink s;
	const size_t cs = 5 + 4 + 2 + 32 + 1 + 32; /* the cipher suites length */
	const size_t ext0 = cs + 2 + 12 + 2 + 2;  /* first extension (GREASE) */
	/* odd cipher suite length */
	memcpy(b, HELLO, sizeof b);
	b[cs + 1] = 11;
	assert_int_equal(run(b, sizeof b, &s), DEC_E_MALFORMED);
	assert_int_equal(s.n, 0);
	/* a cipher suite length past the hello: 0xfffe */
	memcpy(b, HELLO, sizeof b);
	b[cs] = 0xff, b[cs + 1] = 0xfe;
	assert_int_equal(run(b, sizeof b, &s), DEC_E_BADLEN);
	assert_int_equal(s.n, 0);
	/* session id longer than 32 */
	memcpy(b, HELLO, sizeof b);
	b[5 + 4 + 2 + 32] = 33;
	assert_int_equal(run(b, sizeof b, &s), DEC_E_MALFORMED);
	/* compression methods past the end */
	memcpy(b, HELLO, sizeof b);
	b[cs + 2 + 12] = 0xff;
	assert_int_equal(run(b, sizeof b, &s), DEC_E_BADLEN);
	/* the extensions length past the hello */
	memcpy(b, HELLO, sizeof b);
	b[ext0 - 2] = 0x01;
	assert_int_equal(run(b, sizeof b, &s), DEC_E_BADLEN);
	assert_int_equal(s.n, 0);
	/* an extension length running past the extensions block */
	memcpy(b, HELLO, sizeof b);
	b[ext0 + 2] = 0x7f;
	assert_int_equal(run(b, sizeof b, &s), DEC_E_BADLEN);
	assert_int_equal(s.n, 0);
	/* ... a later one: what came before it is still reported */
	memcpy(b, HELLO, sizeof b);
	b[sizeof b - 7] = 0x40; /* supported_versions length */
	assert_int_equal(run(b, sizeof b, &s), DEC_E_BADLEN);
	assert_non_null(tu_find_str(&s, OBS_TLS_SNI, "de.ot.io.mi.com"));
	assert_non_null(tu_find_str(&s, OBS_TLS_ALPN, "h2,http/1.1"));
	assert_null(tu_find(&s, OBS_TLS_JA3));
	assert_null(tu_find(&s, OBS_TLS_VERSION));
	/* an SNI list or name longer than the extension: no SNI, the rest is
	 * fine (the extension itself is whole) */
	memcpy(b, HELLO, sizeof b);
	b[ext0 + 4 + 4 + 1] = 0x40; /* server_name_list length */
	assert_int_equal(run(b, sizeof b, &s), DEC_OK);
	assert_null(tu_find(&s, OBS_TLS_SNI));
	assert_non_null(tu_find_str(&s, OBS_TLS_JA4, JA4));
	memcpy(b, HELLO, sizeof b);
	b[ext0 + 4 + 4 + 2 + 1 + 1] = 0x40; /* host_name length */
	assert_int_equal(run(b, sizeof b, &s), DEC_OK);
	assert_null(tu_find(&s, OBS_TLS_SNI));
	/* wrong client_version major */
	memcpy(b, HELLO, sizeof b);
	b[9] = 2;
	assert_int_equal(run(b, sizeof b, &s), DEC_E_BADVER);
	/* not a handshake, not a ClientHello, not a TLS record */
	memcpy(b, HELLO, sizeof b);
	b[0] = 0x17;
	assert_int_equal(run(b, sizeof b, &s), DEC_E_UNSUPP);
	memcpy(b, HELLO, sizeof b);
	b[5] = 2;
	assert_int_equal(run(b, sizeof b, &s), DEC_E_UNSUPP);
	memcpy(b, HELLO, sizeof b);
	b[1] = 2;
	assert_int_equal(run(b, sizeof b, &s), DEC_E_BADVER);
	/* record length 0, or over the limit */
	memcpy(b, HELLO, sizeof b);
	b[3] = 0, b[4] = 0;
	assert_int_equal(run(b, sizeof b, &s), DEC_E_BADLEN);
	memcpy(b, HELLO, sizeof b);
	b[3] = 0x50;
	assert_int_equal(run(b, sizeof b, &s), DEC_E_BADLEN);
	/* handshake length over 64 KiB */
	memcpy(b, HELLO, sizeof b);
	b[6] = 0x7f;
	assert_int_equal(run(b, sizeof b, &s), DEC_E_BADLEN);
	assert_int_equal(s.n, 0);
	/* a handshake length longer than the record, and nothing more: cut */
	memcpy(b, HELLO, sizeof b);
	b[8] = 0xff;
	assert_int_equal(run(b, sizeof b, &s), DEC_E_TRUNC);
	assert_non_null(tu_find_str(&s, OBS_TLS_SNI, "de.ot.io.mi.com"));
	assert_null(tu_find(&s, OBS_TLS_JA3));
	/* shorter than the record: the rest of the record is ignored */
	memcpy(b, HELLO, sizeof b);
	b[8] = 0xae - 9; /* cuts supported_versions off */
	b[ext0 - 1] = 0x59 - 9;
	assert_int_equal(run(b, sizeof b, &s), DEC_OK);
	assert_int_equal(tu_find(&s, OBS_TLS_VERSION)->num, 0x0303);
	/* an empty SNI host name is not reported, but the extension counts */
	static const uint8_t empty_sni[] = { 22, 3, 1, 0, 56, 1, 0, 0, 52, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 47, 1, 0, 0, 9, 0, 0, 0, 5, 0, 3, 0, 0, 0 };
	assert_int_equal(run(empty_sni, sizeof empty_sni, &s), DEC_OK);
	assert_null(tu_find(&s, OBS_TLS_SNI));
	assert_int_equal(ja4_of(&s)->str[3], 'd');
	/* an empty extension body where a list is expected */
	struct buf e = { .n = 0 }, h;
	ext(&e, 0x0000, "", 0);
	ext(&e, 0x000a, "", 0);
	ext(&e, 0x000b, "", 0);
	ext(&e, 0x000d, "", 0);
	ext(&e, 0x0010, "", 0);
	ext(&e, 0x002b, "", 0);
	build(&h, 0x0303, CIPHERS, 2, &e);
	assert_int_equal(run(h.b, h.n, &s), DEC_OK);
	assert_int_equal(tu_count(&s, OBS_TLS_SNI) + tu_count(&s, OBS_TLS_ALPN), 0);
	assert_string_equal(tu_find(&s, OBS_TLS_JA3)->str2, "771,4865-49195,0-10-11-13-16-43,,");
	assert_memory_equal(ja4_of(&s)->str, "t12d020600", 10);
	/* one byte after the compression methods: neither extensions nor
	 * their absence */
	build(&h, 0x0303, CIPHERS, 2, NULL);
	h.b[4]++, h.b[8]++;
	put8(&h, 0);
	assert_int_equal(run(h.b, h.n, &s), DEC_E_BADLEN);
}

static void count_ja3_cipher_dashes(void *user, const struct obs *o)
{
	if (o->kind != OBS_TLS_JA3)
		return;
	int *dashes = user;
	const char *f = memchr(o->str2, ',', o->len2);
	assert_non_null(f);
	const char *end = memchr(f + 1, ',', o->len2 - (size_t)(f + 1 - o->str2));
	assert_non_null(end);
	*dashes = 0;
	for (f++; f < end; f++)
		*dashes += *f == '-';
}

/* Counts over what is kept or shown: 260 cipher suites (256 kept), 100
 * extensions (JA4 shows 99). */
static void test_huge_counts(void **state)
{
	(void)state;
	static struct buf b, e; /* 1 KiB each: off the stack */
	uint16_t c[260];
	for (int i = 0; i < 260; i++)
		c[i] = (uint16_t)(0x0100 + i);
	e.n = 0;
	for (unsigned i = 0; i < 100; i++)
		ext(&e, 0x1000 + i, "", 0);
	build(&b, 0x0303, c, 260, &e);
	struct tu_sink *s = malloc(sizeof *s);
	assert_non_null(s);
	assert_int_equal(run(b.b, b.n, s), DEC_OK);
	assert_memory_equal(ja4_of(s)->str, "t12i9999", 8);
	free(s);
	/* JA3 keeps the first 256 cipher suites: 255 dashes in that field (the
	 * string is longer than tu_obs keeps: counted in the callback) */
	static char scratch[8192];
	int dashes = -1;
	struct obs_sink cs = { count_ja3_cipher_dashes, &dashes, scratch, sizeof scratch, 0, NULL };
	assert_int_equal(app_tls(b.b, b.n, &cs), DEC_OK);
	assert_int_equal(dashes, 255);
	/* a 1-byte-length list of 127 versions */
	e.n = 0;
	uint8_t vers[1 + 254];
	vers[0] = 254;
	for (int i = 0; i < 127; i++)
		vers[1 + 2 * i] = 3, vers[2 + 2 * i] = (uint8_t)i;
	ext(&e, 0x002b, vers, sizeof vers);
	build(&b, 0x0303, CIPHERS, 2, &e);
	struct tu_sink t;
	assert_int_equal(run(b.b, b.n, &t), DEC_OK);
	assert_int_equal(tu_find(&t, OBS_TLS_VERSION)->num, 0x037e);
}

/* Scratch too small to join the records: the first record alone; just
 * enough to join them but not for the fingerprints: SNI only. */
static void test_tiny_scratch(void **state)
{
	(void)state;
	uint8_t buf[sizeof HELLO + 5];
	size_t first = HELLO_SNI_END - 5; /* the SNI just fits in the first record */
	size_t n = records(buf, sizeof buf, HELLO, sizeof HELLO, &first, 1);
	struct tu_sink s;
	uint8_t *h = heap(buf, n);
	tu_sink_init(&s);
	s.sink.scratch_cap = 0;
	assert_int_equal(app_tls(h, n, &s.sink), DEC_E_TRUNC);
	assert_non_null(tu_find_str(&s, OBS_TLS_SNI, "de.ot.io.mi.com"));
	assert_null(tu_find(&s, OBS_TLS_JA3));
	tu_sink_init(&s);
	s.sink.scratch_cap = sizeof HELLO - 5; /* the handshake message exactly */
	assert_int_equal(app_tls(h, n, &s.sink), DEC_OK);
	assert_non_null(tu_find_str(&s, OBS_TLS_SNI, "de.ot.io.mi.com"));
	assert_int_equal(tu_find(&s, OBS_TLS_VERSION)->num, 0x0304);
	assert_null(tu_find(&s, OBS_TLS_ALPN)); /* no room left */
	assert_null(tu_find(&s, OBS_TLS_JA3));
	assert_true(s.sink.scratch_used <= s.sink.scratch_cap);
	/* a first record shorter than the handshake header and no scratch */
	first = 2;
	n = records(buf, sizeof buf, HELLO, sizeof HELLO, &first, 1);
	free(h);
	h = heap(buf, n);
	tu_sink_init(&s);
	s.sink.scratch_cap = 0;
	assert_int_equal(app_tls(h, n, &s.sink), DEC_E_TRUNC);
	assert_int_equal(s.n, 0);
	free(h);
	/* a NULL sink: nothing emitted, nothing written */
	assert_int_equal(app_tls(HELLO, sizeof HELLO, NULL), DEC_OK);
}

/* Random damage to a three-record hello: any status, no crash, no read
 * past the end (exact-size heap copies under ASan). */
static void test_mutations(void **state)
{
	(void)state;
	uint8_t base[sizeof HELLO_GREASE + 10], m[sizeof base];
	static const size_t cuts[] = { 3, 77 };
	size_t n = records(base, sizeof base, HELLO_GREASE, sizeof HELLO_GREASE, cuts, 2);
	uint32_t x = 2463534242u;
	for (int iter = 0; iter < 20000; iter++) {
		memcpy(m, base, n);
		int flips = 1 + iter % 4;
		for (int f = 0; f < flips; f++) {
			x ^= x << 13, x ^= x >> 17, x ^= x << 5;
			size_t at = x % n;
			x ^= x << 13, x ^= x >> 17, x ^= x << 5;
			m[at] = (x & 3) == 0 ? 0xff : (x & 3) == 1 ? 0 : (uint8_t)(x >> 8);
		}
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		size_t len = iter & 1 ? n : x % (n + 1);
		struct tu_sink s;
		assert_true(run(m, len, &s) <= 0);
		assert_true(s.sink.scratch_used <= s.sink.scratch_cap);
		assert_true(need(m, len) >= -1);
	}
}

/* ---- the fingerprint cache ------------------------------------------------ */

/* With the cache the same fingerprints come out as without it, the first
 * time (filling it) and the second (from it). */
static void same_with_cache(const uint8_t *p, size_t n, struct tls_fp_cache *fc)
{
	struct tu_sink plain, cached;
	int r = run(p, n, &plain);
	for (int round = 0; round < 2; round++) {
		uint8_t *h = heap(p, n);
		tu_sink_init(&cached);
		cached.sink.tls_cache = fc;
		assert_int_equal(app_tls(h, n, &cached.sink), r);
		free(h);
		static const enum obs_kind kinds[] = { OBS_TLS_JA3, OBS_TLS_JA4, OBS_TLS_WEAK };
		for (size_t k = 0; k < 3; k++) {
			const struct tu_obs *a = tu_find(&plain, kinds[k]), *b = tu_find(&cached, kinds[k]);
			assert_int_equal(a != NULL, b != NULL);
			if (a)
				assert_string_equal(a->str, b->str);
		}
	}
}

static void test_fp_cache(void **state)
{
	(void)state;
	struct tls_fp_cache *fc = calloc(1, sizeof *fc);
	same_with_cache(HELLO, sizeof HELLO, fc);
	assert_int_equal(fc->misses, 1);
	assert_int_equal(fc->hits, 1);
	same_with_cache(HELLO_GREASE, sizeof HELLO_GREASE, fc);
	same_with_cache(HELLO_OLD, sizeof HELLO_OLD, fc);
	same_with_cache(HELLO, sizeof HELLO, fc); /* still there */
	assert_int_equal(fc->misses, 3);
	assert_int_equal(fc->hits, 5);
	/* hellos that differ in one cipher, in the order of their ciphers or
	 * only in a weak suite get their own fingerprints */
	struct buf b;
	static const uint16_t lists[][3] = { { 0xc02f, 0x0005, 0x0008 }, { 0xc02f, 0x0008, 0x0005 },
					     { 0xc02f, 0x0005, 0xc030 }, { 0xc02b, 0x0005, 0xc030 },
					     { 0x0002, 0x0034, 0xc02f }, { 0x00a8, 0xc0a4, 0x00ff } };
	for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
		build(&b, 0x0303, lists[i], 3, NULL);
		same_with_cache(b.b, b.n, fc);
	}
	assert_int_equal(fc->misses, 3 + 6);
	free(fc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hello),
		cmocka_unit_test(test_old_hello),
		cmocka_unit_test(test_grease),
		cmocka_unit_test(test_two_records),
		cmocka_unit_test(test_many_records),
		cmocka_unit_test(test_need_every_prefix),
		cmocka_unit_test(test_need),
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_weak_offers),
		cmocka_unit_test(test_alpn),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_huge_counts),
		cmocka_unit_test(test_tiny_scratch),
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_fp_cache),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
