/* test_app_tls.c - TLS ClientHello: SNI, ALPN, version, JA3 and JA4, a hello
 * over two records, app_tls_need, GREASE, and malformed hellos.
 *
 * The expected JA3 and JA4 values were computed independently (Python's
 * hashlib over the JA3 string and the JA4 lists, per the Salesforce JA3 and
 * FoxIO JA4 definitions), not by this code. */
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

static const uint8_t HELLO_OLD[] = { 0x16, 0x03, 0x01, 0x00, 0x2f, 0x01, 0x00, 0x00, 0x2b, 0x03, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x2f, 0x00, 0x35, 0x01, 0x00 };

#define JA3_STR "771,4865-4866-49195-49199-156,0-23-10-11-13-16-43,29-23,0"
#define JA3_MD5 "ea982a69469ef6f76e19612344508f6b"
#define JA4 "t13d0507h2_c03c18a8b7cd_1fdf4de06b7e"

static void test_hello(void **state)
{
	(void)state;
	struct tu_sink s;
	tu_sink_init(&s);
	assert_int_equal(app_tls_need(HELLO, sizeof HELLO), (long)sizeof HELLO);
	assert_int_equal(app_tls(HELLO, sizeof HELLO, &s.sink), DEC_OK);
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
}

static void test_old_hello(void **state)
{
	(void)state;
	struct tu_sink s;
	tu_sink_init(&s);
	/* TLS 1.0, no extensions at all: legal (RFC 5246 7.4.1.2) */
	assert_int_equal(app_tls(HELLO_OLD, sizeof HELLO_OLD, &s.sink), DEC_OK);
	assert_null(tu_find(&s, OBS_TLS_SNI));
	assert_int_equal(tu_find(&s, OBS_TLS_VERSION)->num, 0x0301);
	assert_non_null(tu_find_str(&s, OBS_TLS_JA3, "dac4920d4335e769327dbf4e1b759e15"));
	assert_string_equal(tu_find(&s, OBS_TLS_JA3)->str2, "769,47-53,,,");
	assert_non_null(tu_find_str(&s, OBS_TLS_JA4, "t10i020000_f54dd463d39b_000000000000"));
}

/* The same hello cut into two handshake records (RFC 8446 5.1 allows a
 * handshake message to span records). */
static size_t split_records(uint8_t *out, size_t first)
{
	const uint8_t *hs = HELLO + 5;
	size_t hl = sizeof HELLO - 5, k = 0;
	out[k++] = 0x16, out[k++] = 3, out[k++] = 1;
	out[k++] = (uint8_t)(first >> 8), out[k++] = (uint8_t)first;
	memcpy(out + k, hs, first), k += first;
	out[k++] = 0x16, out[k++] = 3, out[k++] = 3;
	out[k++] = (uint8_t)((hl - first) >> 8), out[k++] = (uint8_t)(hl - first);
	memcpy(out + k, hs + first, hl - first), k += hl - first;
	return k;
}

static void test_two_records(void **state)
{
	(void)state;
	uint8_t buf[sizeof HELLO + 5];
	for (size_t first = 1; first < sizeof HELLO - 5; first += 7) {
		size_t n = split_records(buf, first);
		struct tu_sink s;
		tu_sink_init(&s);
		if (first >= 4)
			assert_int_equal(app_tls_need(buf, n), (long)n);
		else
			assert_int_equal(app_tls_need(buf, n), -1); /* length not known from record 1 */
		if (first < 4)
			continue;
		assert_int_equal(app_tls(buf, n, &s.sink), DEC_OK);
		assert_non_null(tu_find_str(&s, OBS_TLS_SNI, "de.ot.io.mi.com"));
		assert_non_null(tu_find_str(&s, OBS_TLS_JA3, JA3_MD5));
		assert_non_null(tu_find_str(&s, OBS_TLS_JA4, JA4));
		/* only the first record so far: need says how much is missing */
		assert_int_equal(app_tls_need(buf, 5 + first), (long)n);
	}
}

static void test_need(void **state)
{
	(void)state;
	assert_int_equal(app_tls_need(HELLO, 0), -1);
	assert_int_equal(app_tls_need(HELLO, 3), -1);
	assert_int_equal(app_tls_need(HELLO, 8), -1);
	assert_int_equal(app_tls_need(HELLO, 9), (long)sizeof HELLO);
	assert_int_equal(app_tls_need((const uint8_t *)"GET / HTTP/1.1\r\n", 16), 0);
	static const uint8_t server_hello[] = { 0x16, 3, 3, 0, 10, 2, 0, 0, 6 };
	assert_int_equal(app_tls_need(server_hello, sizeof server_hello), 0);
	static const uint8_t app_data[] = { 0x17, 3, 3, 0, 10 };
	assert_int_equal(app_tls_need(app_data, sizeof app_data), 0);
	static const uint8_t huge[] = { 0x16, 3, 1, 0x48, 0x01, 1, 0x01, 0x00, 0x01 }; /* > 18432 */
	assert_int_equal(app_tls_need(huge, sizeof huge), 0);
	static const uint8_t hl_huge[] = { 0x16, 3, 1, 0, 100, 1, 0x7f, 0, 0 }; /* 8 MB hello */
	assert_int_equal(app_tls_need(hl_huge, sizeof hl_huge), 0);
}

static void test_truncated(void **state)
{
	(void)state;
	/* every prefix: no read past the end, and no fingerprint from half a
	 * hello (a JA3 of a partial hello would be a wrong fingerprint) */
	for (size_t k = 0; k < sizeof HELLO; k++) {
		struct tu_sink *s = malloc(sizeof *s);
		uint8_t *copy = malloc(k ? k : 1);
		assert_non_null(s);
		assert_non_null(copy);
		memcpy(copy, HELLO, k);
		tu_sink_init(s);
		assert_true(app_tls(copy, k, &s->sink) < 0);
		assert_null(tu_find(s, OBS_TLS_JA3));
		assert_null(tu_find(s, OBS_TLS_JA4));
		/* the SNI comes out once the hello is cut after it */
		if (k >= 5 + 4 + 2 + 32 + 1 + 32 + 2 + 12 + 2 + 2 + 4 + 4 + 20 + 4)
			assert_non_null(tu_find_str(s, OBS_TLS_SNI, "de.ot.io.mi.com"));
		free(copy);
		free(s);
	}
}

static void test_malformed(void **state)
{
	(void)state;
	uint8_t b[sizeof HELLO];
	struct tu_sink s;
	/* odd cipher suite length */
	memcpy(b, HELLO, sizeof b);
	b[5 + 4 + 2 + 32 + 1 + 32 + 1] = 11;
	tu_sink_init(&s);
	assert_true(app_tls(b, sizeof b, &s.sink) < 0);
	assert_int_equal(s.n, 0);
	/* session id longer than 32 */
	memcpy(b, HELLO, sizeof b);
	b[5 + 4 + 2 + 32] = 33;
	tu_sink_init(&s);
	assert_int_equal(app_tls(b, sizeof b, &s.sink), DEC_E_MALFORMED);
	/* an extension length running past the extensions block */
	memcpy(b, HELLO, sizeof b);
	size_t ext0 = 5 + 4 + 2 + 32 + 1 + 32 + 2 + 12 + 2 + 2; /* first extension (GREASE) */
	b[ext0 + 2] = 0x7f;
	tu_sink_init(&s);
	assert_true(app_tls(b, sizeof b, &s.sink) < 0);
	assert_null(tu_find(&s, OBS_TLS_JA3));
	/* wrong client_version major */
	memcpy(b, HELLO, sizeof b);
	b[9] = 2;
	tu_sink_init(&s);
	assert_int_equal(app_tls(b, sizeof b, &s.sink), DEC_E_BADVER);
	/* not a handshake, not a ClientHello */
	memcpy(b, HELLO, sizeof b);
	b[0] = 0x17;
	assert_int_equal(app_tls(b, sizeof b, &s.sink), DEC_E_UNSUPP);
	memcpy(b, HELLO, sizeof b);
	b[5] = 2;
	assert_true(app_tls(b, sizeof b, &s.sink) < 0);
	/* an empty SNI host name is not reported */
	static const uint8_t empty_sni[] = { 22, 3, 1, 0, 56, 1, 0, 0, 52, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 47, 1, 0, 0, 9, 0, 0, 0, 5, 0, 3, 0, 0, 0 };
	tu_sink_init(&s);
	assert_int_equal(app_tls(empty_sni, sizeof empty_sni, &s.sink), DEC_OK);
	assert_null(tu_find(&s, OBS_TLS_SNI));
	assert_non_null(tu_find(&s, OBS_TLS_JA4));
	assert_int_equal(tu_find(&s, OBS_TLS_JA4)->str[3], 'd'); /* the extension is there */
}

static void test_tiny_scratch(void **state)
{
	(void)state;
	/* no scratch at all: the split hello is read from its first record,
	 * nothing is written anywhere */
	uint8_t buf[sizeof HELLO + 5];
	size_t n = split_records(buf, 100);
	struct tu_sink s;
	tu_sink_init(&s);
	s.sink.scratch_cap = 0;
	assert_true(app_tls(buf, n, &s.sink) <= 0);
	assert_null(tu_find(&s, OBS_TLS_JA3));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hello),     cmocka_unit_test(test_old_hello),
		cmocka_unit_test(test_two_records), cmocka_unit_test(test_need),
		cmocka_unit_test(test_truncated), cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_tiny_scratch),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
