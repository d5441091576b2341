/* app_http.c - HTTP/1.x request heads (RFC 9112): the method and target,
 * the Host the client wanted (port removed), its User-Agent, whether it sends
 * credentials in the clear (the Authorization scheme, or credentials in the
 * URL; never the credentials themselves) and UPnP SOAP actions (a device
 * asking the router to open a port).
 *
 * Only the first segment of a request is read; a head spread over several
 * segments yields what the first one holds.
 */
#include <string.h>

#include "decode/app.h"
#include "decode/decode.h"
#include "decode/http_head.h"

static const char *const methods[] = {
	"GET ", "POST ", "PUT ", "HEAD ", "DELETE ", "OPTIONS ", "PATCH ", "CONNECT ", "TRACE ",
};

#define HTTP_MAX_METHOD 20

/* Length of the method token of a request line, 0 when p does not start
 * like one. The common methods are known by name; any other token of
 * capitals (WebDAV's PROPFIND, UPnP's SUBSCRIBE ...) counts when the line
 * it starts ends in an HTTP/1.x version. */
static size_t method_len(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
		size_t k = strlen(methods[i]);
		if (len >= k && memcmp(p, methods[i], k) == 0)
			return k - 1;
	}
	size_t m = 0;
	while (m < len && m < HTTP_MAX_METHOD && ((p[m] >= 'A' && p[m] <= 'Z') || p[m] == '-'))
		m++;
	if (m < 3 || m >= len || p[m] != ' ')
		return 0;
	const uint8_t *nl = memchr(p, '\n', len);
	if (!nl)
		return 0;
	size_t l = (size_t)(nl - p);
	if (l && p[l - 1] == '\r')
		l--;
	if (l < m + 10 || memcmp(p + l - 8, "HTTP/1.", 7) != 0 || p[l - 9] != ' ')
		return 0;
	return m;
}

bool app_http_is_request(const uint8_t *p, size_t len)
{
	return method_len(p, len) != 0;
}

/* "host:port", "[v6]:port" -> host */
static void host_only(const char **s, size_t *n)
{
	const char *h = *s;
	size_t l = *n;
	if (l && h[0] == '[') {
		const char *rb = memchr(h, ']', l);
		if (rb) {
			*s = h + 1;
			*n = (size_t)(rb - h - 1);
		}
		return;
	}
	const char *colon = memchr(h, ':', l);
	if (colon)
		*n = (size_t)(colon - h);
}

int app_http(const uint8_t *p, size_t len, struct obs_sink *sink)
{
	struct http_head h;
	struct http_field f;
	const char *line;
	size_t llen, mlen = method_len(p, len);
	if (!mlen)
		return DEC_E_UNSUPP;
	if (!http_head_start(&h, p, len, &line, &llen))
		return DEC_E_TRUNC;
	/* request-line = method SP request-target SP HTTP-version */
	const char *target = line + mlen + 1;
	const char *sp = memchr(target, ' ', llen - mlen - 1);
	if (!sp || llen - (size_t)(sp - line) < 9 || memcmp(sp + 1, "HTTP/1.", 7) != 0)
		return DEC_E_MALFORMED;
	struct obs o = obs_make(OBS_HTTP_REQUEST);
	o.str = line;
	o.len = mlen;
	o.str2 = target;
	o.len2 = (size_t)(sp - target);
	obs_emit(sink, &o);
	/* credentials in the request target: http://user:pass@host/ (absolute
	 * form) or a password parameter in the query */
	int absolute_with_user = memchr(o.str2, '@', o.len2) && memmem(o.str2, o.len2, "://", 3);
	int password_param = memchr(o.str2, '=', o.len2) &&
			     (memmem(o.str2, o.len2, "password=", 9) || memmem(o.str2, o.len2, "passwd=", 7) ||
			      memmem(o.str2, o.len2, "pwd=", 4));
	if (absolute_with_user || password_param) {
		struct obs a = obs_make(OBS_HTTP_AUTH);
		a.str = "URL";
		a.len = 3;
		a.num = 1;
		obs_emit(sink, &a);
	}
	while (http_head_next(&h, &f)) {
		if (http_name_is(&f, "Host") && f.vlen) {
			o = obs_make(OBS_HTTP_HOST);
			o.str = f.value;
			o.len = f.vlen;
			host_only(&o.str, &o.len);
			if (o.len)
				obs_emit(sink, &o);
		} else if (http_name_is(&f, "Authorization") && f.vlen) {
			/* the scheme only: the credentials are not kept */
			const char *sp2 = memchr(f.value, ' ', f.vlen);
			o = obs_make(OBS_HTTP_AUTH);
			o.str = f.value;
			o.len = sp2 ? (size_t)(sp2 - f.value) : f.vlen;
			obs_emit(sink, &o);
		} else if (http_name_is(&f, "SOAPAction") && f.vlen) {
			o = obs_make(OBS_HTTP_SOAP);
			o.str = f.value;
			o.len = f.vlen;
			while (o.len && (o.str[0] == '"')) /* quoted per UPnP */
				o.str++, o.len--;
			while (o.len && o.str[o.len - 1] == '"')
				o.len--;
			if (o.len)
				obs_emit(sink, &o);
		} else if (http_name_is(&f, "User-Agent") && f.vlen) {
			o = obs_make(OBS_HTTP_USER_AGENT);
			o.str = f.value;
			o.len = f.vlen;
			obs_emit(sink, &o);
		}
	}
	return DEC_OK;
}
