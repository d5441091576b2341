/* test_app_misc.c - SSDP, HTTP, NTP, miIO, Tuya and the UDP dispatch. */
#include <nettle/aes.h>
#include <nettle/md5.h>

#include "testutil.h"

#include "decode/app.h"
#include "decode/decode.h"

#define S(lit) (const uint8_t *)(lit), sizeof(lit) - 1

static void test_ssdp_notify(void **state)
{
	(void)state;
	static const char msg[] = "NOTIFY * HTTP/1.1\r\n"
				  "HOST: 239.255.255.250:1900\r\n"
				  "CACHE-CONTROL: max-age=1800\r\n"
				  "LOCATION: http://192.168.1.101:49153/description.xml\r\n"
				  "NT: urn:schemas-upnp-org:device:Basic:1\r\n"
				  "NTS: ssdp:alive\r\n"
				  "server:   Linux/3.10 UPnP/1.0 Yeelight/1.0  \r\n"
				  "USN: uuid:0a1b2c3d::urn:schemas-upnp-org:device:Basic:1\r\n\r\n";
	struct tu_sink s;
	tu_sink_init(&s);
	assert_int_equal(app_ssdp(S(msg), &s.sink), DEC_OK);
	assert_int_equal(s.n, 4);
	assert_non_null(tu_find_str(&s, OBS_SSDP_LOCATION, "http://192.168.1.101:49153/description.xml"));
	assert_non_null(tu_find_str(&s, OBS_SSDP_NT, "urn:schemas-upnp-org:device:Basic:1"));
	assert_int_equal(tu_find_str(&s, OBS_SSDP_NT, "urn:schemas-upnp-org:device:Basic:1")->num, 0);
	assert_non_null(tu_find_str(&s, OBS_SSDP_SERVER, "Linux/3.10 UPnP/1.0 Yeelight/1.0"));
	assert_non_null(tu_find_str(&s, OBS_SSDP_USN, "uuid:0a1b2c3d::urn:schemas-upnp-org:device:Basic:1"));
	tu_every_prefix(app_ssdp, S(msg));
}

static void test_ssdp_search_and_junk(void **state)
{
	(void)state;
	struct tu_sink s;
	tu_sink_init(&s);
	assert_int_equal(app_ssdp(S("M-SEARCH * HTTP/1.1\nST: ssdp:all\nUSER-AGENT: Android/13 UPnP/1.1\n\n"),
				  &s.sink),
			 DEC_OK);
	assert_non_null(tu_find_str(&s, OBS_SSDP_NT, "ssdp:all"));
	assert_int_equal(tu_find_str(&s, OBS_SSDP_NT, "ssdp:all")->num, 1); /* searched for */
	assert_non_null(tu_find_str(&s, OBS_SSDP_SERVER, "Android/13 UPnP/1.1"));
	tu_sink_init(&s);
	assert_int_equal(app_ssdp(S("GET / HTTP/1.1\r\nServer: x\r\n\r\n"), &s.sink), DEC_E_UNSUPP);
	assert_int_equal(app_ssdp(S("NOTIFY * HTTP/1.1"), &s.sink), DEC_E_TRUNC);
	/* a header without a colon ends the head; an empty value is skipped */
	assert_int_equal(app_ssdp(S("NOTIFY * HTTP/1.1\r\nSERVER:\r\nbogus\r\nUSN: u\r\n"), &s.sink), DEC_OK);
	assert_int_equal(s.n, 0);
}

static void test_http(void **state)
{
	(void)state;
	static const char req[] = "POST /gslb?tver=2&id=123456789 HTTP/1.1\r\n"
				  "Host: 27.109.124.86:80\r\n"
				  "User-Agent: MIoT/1.0 (lumi.gateway.v3)\r\n"
				  "Content-Length: 0\r\n\r\n";
	struct tu_sink s;
	assert_true(app_http_is_request(S(req)));
	assert_false(app_http_is_request(S("HTTP/1.1 200 OK\r\n")));
	assert_false(app_http_is_request(S("GE")));
	/* other methods: known by the HTTP/1.x line they start */
	assert_true(app_http_is_request(S("PROPFIND /dav/ HTTP/1.1\r\nHost: x\r\n")));
	assert_false(app_http_is_request(S("PROPFIND /dav/ SIP/2.0\r\n")));
	assert_false(app_http_is_request(S("PROPFIND /dav/ HTTP/1.1"))); /* no line end yet */
	assert_false(app_http_is_request(S("AB / HTTP/1.1\r\n")));
	assert_false(app_http_is_request(S("NOTIFY HTTP/1.1\r\n")));
	tu_sink_init(&s);
	assert_int_equal(app_http(S("PROPFIND /dav/ HTTP/1.1\r\nHost: www.dlp-test.com\r\n\r\n"), &s.sink), DEC_OK);
	assert_non_null(tu_find_str(&s, OBS_HTTP_REQUEST, "PROPFIND"));
	assert_non_null(tu_find_str(&s, OBS_HTTP_HOST, "www.dlp-test.com"));
	tu_sink_init(&s);
	assert_int_equal(app_http(S(req), &s.sink), DEC_OK);
	const struct tu_obs *o = tu_find(&s, OBS_HTTP_REQUEST);
	assert_non_null(o);
	assert_string_equal(o->str, "POST");
	assert_string_equal(o->str2, "/gslb?tver=2&id=123456789");
	assert_non_null(tu_find_str(&s, OBS_HTTP_HOST, "27.109.124.86"));
	assert_non_null(tu_find_str(&s, OBS_HTTP_USER_AGENT, "MIoT/1.0 (lumi.gateway.v3)"));
	tu_every_prefix(app_http, S(req));
	/* credentials: the scheme is reported, never the secret */
	tu_sink_init(&s);
	assert_int_equal(app_http(S("GET /x HTTP/1.1\r\nAuthorization: Basic YWRtaW46cGFzcw==\r\n"
				    "SOAPAction: \"urn:schemas-upnp-org:service:WANIPConnection:1#AddPortMapping\"\r\n\r\n"),
				  &s.sink),
			 DEC_OK);
	o = tu_find(&s, OBS_HTTP_AUTH);
	assert_non_null(o);
	assert_string_equal(o->str, "Basic");
	assert_int_equal(o->num, 0);
	assert_non_null(tu_find_str(&s, OBS_HTTP_SOAP, "urn:schemas-upnp-org:service:WANIPConnection:1#AddPortMapping"));
	for (int i = 0; i < s.n; i++)
		assert_null(strstr(s.obs[i].str, "YWRtaW4")); /* the secret is not passed on */
	tu_sink_init(&s);
	assert_int_equal(app_http(S("GET /login.cgi?user=admin&password=1234 HTTP/1.0\r\n\r\n"), &s.sink), DEC_OK);
	o = tu_find(&s, OBS_HTTP_AUTH);
	assert_non_null(o);
	assert_int_equal(o->num, 1);
	tu_sink_init(&s);
	assert_int_equal(app_http(S("GET http://admin:pw@cam.local/ HTTP/1.1\r\n\r\n"), &s.sink), DEC_OK);
	assert_non_null(tu_find(&s, OBS_HTTP_AUTH));
	tu_sink_init(&s);
	assert_int_equal(app_http(S("GET /status?mail=a@b.c HTTP/1.1\r\n\r\n"), &s.sink), DEC_OK);
	assert_null(tu_find(&s, OBS_HTTP_AUTH)); /* an @ in a relative target is not a credential */
	/* IPv6 literal host */
	tu_sink_init(&s);
	assert_int_equal(app_http(S("GET / HTTP/1.0\nHost: [2001:db8::1]:8080\n\n"), &s.sink), DEC_OK);
	assert_non_null(tu_find_str(&s, OBS_HTTP_HOST, "2001:db8::1"));
	/* not HTTP/1.x */
	tu_sink_init(&s);
	assert_int_equal(app_http(S("GET /index.html\r\n"), &s.sink), DEC_E_MALFORMED);
	assert_int_equal(app_http(S("GET \r\n"), &s.sink), DEC_E_MALFORMED);
	assert_int_equal(app_http(S("GET / HTTP/2\r\n"), &s.sink), DEC_E_MALFORMED);
	assert_int_equal(s.n, 0);
	/* a head cut short: the request line is enough */
	assert_int_equal(app_http(S("GET /a HTTP/1.1\r\nHost: exam"), &s.sink), DEC_OK);
	assert_int_equal(s.n, 1);
}

static void test_ntp(void **state)
{
	(void)state;
	uint8_t p[48] = { 0x23 }; /* LI 0, VN 4, mode 3 client */
	struct tu_sink s;
	tu_sink_init(&s);
	assert_int_equal(app_ntp(p, sizeof p, &s.sink), DEC_OK);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.obs[0].num, 4 << 8 | 3);
	assert_int_equal(tu_every_prefix(app_ntp, p, sizeof p), 0);
	p[0] = 0x3b; /* VN 7 */
	assert_int_equal(app_ntp(p, sizeof p, &s.sink), DEC_E_BADVER);
	p[0] = 0x16; /* VN 2 mode 6 control: 12-byte header */
	tu_sink_init(&s);
	assert_int_equal(app_ntp(p, 12, &s.sink), DEC_OK);
	assert_int_equal(s.obs[0].num, 2 << 8 | 6);
}

static void test_miio(void **state)
{
	(void)state;
	uint8_t hello[32], reply[32];
	struct tu_sink s;
	memset(hello, 0xff, sizeof hello);
	hello[0] = 0x21, hello[1] = 0x31, hello[2] = 0, hello[3] = 32;
	tu_sink_init(&s);
	assert_int_equal(app_miio(hello, sizeof hello, &s.sink), DEC_OK);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.obs[0].kind, OBS_MIIO_HELLO);
	assert_int_equal(tu_every_prefix(app_miio, hello, sizeof hello), 0);

	memset(reply, 0, sizeof reply);
	reply[0] = 0x21, reply[1] = 0x31, reply[3] = 32;
	reply[8] = 0x07, reply[9] = 0x5b, reply[10] = 0xcd, reply[11] = 0x15; /* 123456789 */
	reply[15] = 0x2a; /* stamp 42 */
	tu_sink_init(&s);
	assert_int_equal(app_miio(reply, sizeof reply, &s.sink), DEC_OK);
	assert_int_equal(s.obs[0].kind, OBS_MIIO_DEVICE);
	assert_int_equal(s.obs[0].num, 123456789);
	assert_int_equal(s.obs[0].num2, 42);
	/* length field larger than the datagram; wrong magic */
	reply[3] = 64;
	assert_int_equal(app_miio(reply, sizeof reply, &s.sink), DEC_E_BADLEN);
	reply[3] = 32;
	reply[0] = 0x22;
	assert_int_equal(app_miio(reply, sizeof reply, &s.sink), DEC_E_BADVER);
}

/* A Tuya 3.3 discovery frame, encrypted the way devices do it. */
static size_t tuya_frame(uint8_t *out, const char *json, int encrypt)
{
	size_t n = strlen(json), pad = encrypt ? 16 - n % 16 : 0, k = 0;
	uint8_t body[512];
	memcpy(body, json, n);
	memset(body + n, (int)pad, pad);
	if (encrypt) {
		uint8_t key[16];
		struct md5_ctx m;
		struct aes128_ctx a;
		md5_init(&m);
		md5_update(&m, 16, (const uint8_t *)"yGAdlopoPVldABfn");
		md5_digest(&m, 16, key);
		aes128_set_encrypt_key(&a, key);
		aes128_encrypt(&a, n + pad, body, body);
	}
	static const uint8_t head[] = { 0, 0, 0x55, 0xaa, 0, 0, 0, 0, 0, 0, 0, 0x13 };
	memcpy(out, head, sizeof head);
	k = sizeof head;
	uint32_t flen = (uint32_t)(4 + n + pad + 8);
	out[k++] = (uint8_t)(flen >> 24), out[k++] = (uint8_t)(flen >> 16);
	out[k++] = (uint8_t)(flen >> 8), out[k++] = (uint8_t)flen;
	memset(out + k, 0, 4), k += 4; /* return code */
	memcpy(out + k, body, n + pad), k += n + pad;
	memset(out + k, 0xcc, 4), k += 4; /* CRC, not checked */
	static const uint8_t tail[] = { 0, 0, 0xaa, 0x55 };
	memcpy(out + k, tail, 4);
	return k + 4;
}

static void test_tuya(void **state)
{
	(void)state;
	static const char json[] = "{\"ip\":\"192.168.1.104\",\"gwId\":\"8001306468c63a3a1f2b\",\"active\":2,"
				   "\"ability\":0,\"mode\":0,\"encrypt\":true,\"productKey\":\"keyjup78v54myhan\","
				   "\"version\":\"3.3\"}";
	uint8_t f[600];
	struct tu_sink s;
	for (int enc = 0; enc <= 1; enc++) {
		size_t n = tuya_frame(f, json, enc);
		tu_sink_init(&s);
		assert_int_equal(app_tuya(f, n, &s.sink), DEC_OK);
		assert_int_equal(s.n, 1);
		assert_string_equal(s.obs[0].str, "8001306468c63a3a1f2b");
		assert_string_equal(s.obs[0].str2, "keyjup78v54myhan");
		assert_int_equal(s.obs[0].num, 33);
		assert_int_equal(tu_every_prefix(app_tuya, f, n), 0);
	}
	/* wrong key: garbage, not JSON */
	size_t n = tuya_frame(f, json, 1);
	f[20] ^= 0x55;
	tu_sink_init(&s);
	assert_int_equal(app_tuya(f, n, &s.sink), DEC_E_MALFORMED);
	/* length field too large, bad suffix, protocol 3.5 */
	n = tuya_frame(f, json, 0);
	f[15] = 0xff;
	assert_int_equal(app_tuya(f, n, &s.sink), DEC_E_BADLEN);
	n = tuya_frame(f, json, 0);
	f[n - 1] = 0;
	assert_int_equal(app_tuya(f, n, &s.sink), DEC_E_MALFORMED);
	tu_sink_init(&s);
	assert_int_equal(app_tuya(S("\x00\x00\x66\x99\x00\x00"), &s.sink), DEC_OK);
	assert_int_equal(s.obs[0].num, 35);
	assert_int_equal(app_tuya(S("\x12\x34\x56\x78"), &s.sink), DEC_E_BADVER);
}

/* CS2 PPPP: magic, type and the exact body length (captured HELLO and
 * PUNCH_PKT headers from the Yi camera sample). */
static void test_pppp(void **state)
{
	(void)state;
	const uint8_t hello[4] = { 0xf1, 0x00, 0x00, 0x00 };
	uint8_t punch[24] = { 0xf1, 0x41, 0x00, 0x14, 'T', 'N', 'P', 'U', 'S', 'A', 'E' };
	struct tu_sink s;
	tu_sink_init(&s);
	assert_true(app_pppp_is(hello, sizeof hello));
	assert_int_equal(app_pppp(hello, sizeof hello, &s.sink), DEC_OK);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.obs[0].kind, OBS_CS2);
	assert_int_equal(s.obs[0].num, 0x00);
	tu_sink_init(&s);
	assert_int_equal(app_pppp(punch, sizeof punch, &s.sink), DEC_OK);
	assert_int_equal(s.obs[0].num, 0x41);
	assert_int_equal(tu_every_prefix(app_pppp, punch, sizeof punch), 0);
	/* a length that does not match, an unknown type, another magic */
	assert_false(app_pppp_is(punch, sizeof punch - 1));
	assert_int_equal(app_pppp(punch, sizeof punch - 1, &s.sink), DEC_E_BADLEN);
	punch[1] = 0x55;
	assert_int_equal(app_pppp(punch, sizeof punch, &s.sink), DEC_E_BADVER);
	punch[1] = 0x41, punch[0] = 0xf2;
	assert_false(app_pppp_is(punch, sizeof punch));
	assert_false(app_pppp_is(hello, 3));
	assert_ptr_equal(app_for_udp(25508, 32100), app_pppp);
	assert_ptr_equal(app_for_udp(25508, 32108), app_pppp);
}

static void test_udp_dispatch(void **state)
{
	(void)state;
	assert_ptr_equal(app_for_udp(49152, 53), app_dns);
	assert_ptr_equal(app_for_udp(53, 49152), app_dns);
	assert_ptr_equal(app_for_udp(5353, 5353), app_mdns);
	assert_ptr_equal(app_for_udp(5353, 53), app_mdns);
	assert_ptr_equal(app_for_udp(68, 67), app_dhcp);
	assert_ptr_equal(app_for_udp(546, 547), app_dhcp6);
	assert_ptr_equal(app_for_udp(40000, 1900), app_ssdp);
	assert_ptr_equal(app_for_udp(123, 123), app_ntp);
	assert_ptr_equal(app_for_udp(54321, 50000), app_miio);
	assert_ptr_equal(app_for_udp(49152, 6667), app_tuya);
	assert_ptr_equal(app_for_udp(6666, 6666), app_tuya);
	assert_null(app_for_udp(40000, 40001));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ssdp_notify), cmocka_unit_test(test_ssdp_search_and_junk),
		cmocka_unit_test(test_http),        cmocka_unit_test(test_ntp),
		cmocka_unit_test(test_miio),        cmocka_unit_test(test_tuya),
		cmocka_unit_test(test_udp_dispatch), cmocka_unit_test(test_pppp),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
