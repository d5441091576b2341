/* app_tuya.c - Tuya LAN discovery: devices broadcast a JSON description of
 * themselves every few seconds (UDP 6666 in cleartext for protocol 3.1,
 * UDP 6667 encrypted for 3.3 and later).
 *
 * Frame (3.1-3.4): 0x000055AA | seq | cmd | length (of what follows) |
 * return code | payload | CRC32 | 0x0000AA55. The 6667 payload is
 * AES-128-ECB under MD5("yGAdlopoPVldABfn"), a key every Tuya device and
 * app shares - so it hides nothing, and is decrypted here to read gwId,
 * productKey and version. Protocol 3.5 frames (0x00006699, AES-GCM) are
 * recognised and reported without the JSON.
 */
#include <string.h>

#include <nettle/aes.h>
#include <nettle/md5.h>

#include "decode/app.h"
#include "decode/decode.h"
#include "lib/cursor.h"

#define TUYA_PREFIX 0x000055aau
#define TUYA_SUFFIX 0x0000aa55u
#define TUYA_PREFIX_35 0x00006699u
#define TUYA_MAX_JSON 1024

/* The string value of "key":"value" in a flat JSON object, or NULL. */
static const char *json_str(const char *j, size_t n, const char *key, size_t *vlen)
{
	size_t k = strlen(key);
	for (size_t i = 0; i + k + 2 < n; i++) {
		if (j[i] != '"' || memcmp(j + i + 1, key, k) != 0 || j[i + k + 1] != '"')
			continue;
		size_t v = i + k + 2;
		while (v < n && (j[v] == ' ' || j[v] == ':'))
			v++;
		if (v >= n || j[v] != '"')
			return NULL;
		const char *s = j + v + 1, *e = memchr(s, '"', n - v - 1);
		if (!e)
			return NULL;
		*vlen = (size_t)(e - s);
		return s;
	}
	return NULL;
}

static const uint8_t *decrypt(const uint8_t *in, size_t n, struct obs_sink *sink, size_t *outn)
{
	static const char udp_key[] = "yGAdlopoPVldABfn";
	uint8_t key[MD5_DIGEST_SIZE];
	struct md5_ctx m;
	struct aes128_ctx a;
	n -= n % AES_BLOCK_SIZE;
	if (!n || n > TUYA_MAX_JSON)
		return NULL;
	uint8_t *out = (uint8_t *)obs_scratch(sink, n);
	if (!out)
		return NULL;
	md5_init(&m);
	md5_update(&m, sizeof udp_key - 1, (const uint8_t *)udp_key);
	md5_digest(&m, sizeof key, key);
	aes128_set_decrypt_key(&a, key);
	aes128_decrypt(&a, n, out, in);
	size_t pad = out[n - 1]; /* PKCS#7 */
	if (pad >= 1 && pad <= AES_BLOCK_SIZE)
		n -= pad;
	*outn = n;
	return out;
}

int app_tuya(const uint8_t *p, size_t len, struct obs_sink *sink)
{
	struct cur c = cur_make(p, len);
	uint32_t prefix, seq, cmd, flen;
	if (!cur_u32(&c, &prefix))
		return DEC_E_TRUNC;
	struct obs o = obs_make(OBS_TUYA_DISCOVERY);
	if (prefix == TUYA_PREFIX_35) {
		o.num = 35;
		obs_emit(sink, &o);
		return DEC_OK;
	}
	if (prefix != TUYA_PREFIX)
		return DEC_E_BADVER;
	if (!cur_u32(&c, &seq) || !cur_u32(&c, &cmd) || !cur_u32(&c, &flen))
		return DEC_E_TRUNC;
	if (flen < 12 || flen > c.n)
		return DEC_E_BADLEN;
	/* return code, payload, CRC, suffix */
	const uint8_t *body = c.p + 4;
	size_t blen = flen - 12;
	uint32_t suffix = (uint32_t)c.p[flen - 4] << 24 | (uint32_t)c.p[flen - 3] << 16 |
			  (uint32_t)c.p[flen - 2] << 8 | c.p[flen - 1];
	if (suffix != TUYA_SUFFIX)
		return DEC_E_MALFORMED;

	const char *j = (const char *)body;
	size_t jn = blen;
	if (!blen || body[0] != '{') {
		const uint8_t *d = decrypt(body, blen, sink, &jn);
		if (!d || !jn || d[0] != '{')
			return DEC_E_MALFORMED;
		j = (const char *)d;
	}
	size_t vl = 0;
	const char *v = json_str(j, jn, "version", &vl);
	if (v && vl == 3 && v[1] == '.' && v[0] >= '1' && v[0] <= '9' && v[2] >= '0' && v[2] <= '9')
		o.num = (uint64_t)(v[0] - '0') * 10 + (uint64_t)(v[2] - '0');
	o.str = json_str(j, jn, "gwId", &o.len);
	o.str2 = json_str(j, jn, "productKey", &o.len2);
	if (!o.str)
		o.len = 0;
	if (!o.str2)
		o.len2 = 0;
	obs_emit(sink, &o);
	return DEC_OK;
}
