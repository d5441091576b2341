/* dns_wire.c - DNS names, questions and records (see dns_wire.h). */
#include "decode/dns_wire.h"

#include <string.h>

#include "decode/decode.h"
#include "lib/swar.h"

bool dns_read_hdr(const uint8_t *msg, size_t len, struct dns_hdr *h)
{
	if (len < DNS_HDR_LEN)
		return false;
	h->id = (uint16_t)(msg[0] << 8 | msg[1]);
	h->flags = (uint16_t)(msg[2] << 8 | msg[3]);
	h->qd = (uint16_t)(msg[4] << 8 | msg[5]);
	h->an = (uint16_t)(msg[6] << 8 | msg[7]);
	h->ns = (uint16_t)(msg[8] << 8 | msg[9]);
	h->ar = (uint16_t)(msg[10] << 8 | msg[11]);
	return true;
}

static char label_char(uint8_t ch)
{
	return (ch < 0x20 || ch == 0x7f || ch == '.') ? '?' : (char)ch;
}

int dns_read_name(const uint8_t *msg, size_t len, size_t *off, char *out)
{
	size_t pos = *off, n = 0;
	size_t resume = 0; /* where the caller continues: after the first pointer */
	int hops = 0;
	out[0] = '\0';
	for (;;) {
		if (pos >= len)
			return DEC_E_TRUNC;
		uint8_t l = msg[pos];
		if ((l & 0xc0) == 0xc0) {
			if (pos + 1 >= len)
				return DEC_E_TRUNC;
			size_t target = (size_t)(l & 0x3f) << 8 | msg[pos + 1];
			/* strictly backwards: no loops, no forward references */
			if (target >= pos || ++hops > DNS_MAX_HOPS)
				return DEC_E_DEPTH;
			if (!resume)
				resume = pos + 2;
			pos = target;
			continue;
		}
		if (l & 0xc0) /* 0x40 extended label type, 0x80 reserved */
			return DEC_E_MALFORMED;
		if (l == 0) {
			pos++;
			break;
		}
		if (pos + 1 + l > len)
			return DEC_E_TRUNC;
		if (n + (n ? 1 : 0) + l > DNS_NAME_MAX)
			return DEC_E_BADLEN;
		if (n)
			out[n++] = '.';
		const uint8_t *src = msg + pos + 1;
		size_t i = 0;
		for (; i + 8 <= l; i += 8) { /* most labels are plain: a word at a time */
			uint64_t w = swar_load(src + i);
			if (swar_has_less(w, 0x20) | swar_has_byte(w, 0x7f) | swar_has_byte(w, '.'))
				for (size_t j = 0; j < 8; j++)
					out[n + i + j] = label_char(src[i + j]);
			else
				memcpy(out + n + i, &w, 8);
		}
		for (; i < l; i++)
			out[n + i] = label_char(src[i]);
		n += l;
		pos += 1 + (size_t)l;
	}
	out[n] = '\0';
	*off = resume ? resume : pos;
	return (int)n;
}

int dns_read_question(const uint8_t *msg, size_t len, size_t *off, char *name, uint16_t *qtype,
		      uint16_t *qclass)
{
	size_t o = *off;
	int n = dns_read_name(msg, len, &o, name);
	if (n < 0)
		return n;
	if (len - o < 4)
		return DEC_E_TRUNC;
	*qtype = (uint16_t)(msg[o] << 8 | msg[o + 1]);
	*qclass = (uint16_t)(msg[o + 2] << 8 | msg[o + 3]);
	*off = o + 4;
	return n;
}

int dns_read_rr(const uint8_t *msg, size_t len, size_t *off, struct dns_rr *rr)
{
	size_t o = *off;
	int n = dns_read_name(msg, len, &o, rr->name);
	if (n < 0)
		return n;
	rr->name_len = (size_t)n;
	if (len - o < 10)
		return DEC_E_TRUNC;
	const uint8_t *p = msg + o;
	rr->type = (uint16_t)(p[0] << 8 | p[1]);
	rr->cls = (uint16_t)(p[2] << 8 | p[3]);
	rr->ttl = (uint32_t)p[4] << 24 | (uint32_t)p[5] << 16 | (uint32_t)p[6] << 8 | p[7];
	rr->rdlen = (uint16_t)(p[8] << 8 | p[9]);
	o += 10;
	if (len - o < rr->rdlen)
		return DEC_E_TRUNC;
	rr->rdata_off = o;
	*off = o + rr->rdlen;
	return DEC_OK;
}

size_t dns_labels_text(const uint8_t *v, size_t n, char *out)
{
	size_t len = 0, off = 0;
	while (off < n) {
		size_t l = v[off++];
		if (l == 0 || l > 63 || l > n - off || len + 1 + l > DNS_NAME_MAX)
			break;
		if (len)
			out[len++] = '.';
		for (size_t i = 0; i < l; i++)
			out[len++] = label_char(v[off + i]);
		off += l;
	}
	out[len] = '\0';
	return len;
}

static char fold(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

bool dns_name_eq(const char *a, size_t alen, const char *b, size_t blen)
{
	if (alen != blen)
		return false;
	for (size_t i = 0; i < alen; i++)
		if (fold(a[i]) != fold(b[i]))
			return false;
	return true;
}
