/* utf8.c - see utf8.h. */
#include "lib/utf8.h"

#include <string.h>

#include "lib/swar.h"

size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t k;
	unsigned char lo = 0x80, hi = 0xbf;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		k = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		k = 3;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		k = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (n < k || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < k; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return k;
}

uint32_t utf8_decode(const unsigned char *s, size_t k)
{
	static const unsigned char lead_mask[5] = { 0, 0x7f, 0x1f, 0x0f, 0x07 };
	uint32_t cp = s[0] & lead_mask[k];
	for (size_t i = 1; i < k; i++)
		cp = cp << 6 | (s[i] & 0x3fu);
	return cp;
}

int utf8_hidden(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) /* C0, DEL, C1 */
		return 1;
	if (cp < 0xad)
		return 0;
	return cp == 0x00ad ||                   /* soft hyphen */
	       cp == 0x061c ||                   /* Arabic letter mark */
	       cp == 0x180e ||                   /* Mongolian vowel separator */
	       (cp >= 0x200b && cp <= 0x200f) || /* zero-width space/(non-)joiner, LRM, RLM */
	       (cp >= 0x2028 && cp <= 0x202e) || /* line/paragraph separators, LRE RLE PDF LRO RLO */
	       (cp >= 0x2060 && cp <= 0x206f) || /* word joiner, invisible operators, LRI RLI FSI PDI, ... */
	       cp == 0xfeff ||                   /* zero-width no-break space (BOM) */
	       (cp >= 0xfff9 && cp <= 0xfffb) || /* interlinear annotation */
	       (cp >= 0x1bca0 && cp <= 0x1bca3) || /* shorthand format controls */
	       (cp >= 0xe0000 && cp <= 0xe007f);  /* tag characters */
}

/* The length of the character at s[0..n) and whether it is kept. */
static size_t next(const unsigned char *s, size_t n, unsigned flags, int *keep)
{
	size_t k = utf8_seq(s, n);
	if (k == 0) {
		*keep = 0;
		return 1;
	}
	uint32_t cp = k == 1 ? s[0] : utf8_decode(s, k);
	*keep = !utf8_hidden(cp) || ((flags & UTF8_KEEP_LINES) && (cp == '\n' || cp == '\t'));
	return k;
}

/* Printable ASCII bytes at the start of s[0..len), a word at a time. */
static size_t ascii_run(const unsigned char *s, size_t len)
{
	size_t i = 0;
	for (; i + 8 <= len; i += 8) {
		uint64_t w = swar_load(s + i);
		if ((w & SWAR_HIGH) | swar_has_less(w, 0x20) | swar_has_byte(w, 0x7f))
			break;
	}
	while (i < len && s[i] >= 0x20 && s[i] < 0x7f)
		i++;
	return i;
}

size_t utf8_clean(char *out, const char *s, size_t len, unsigned flags)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = ascii_run(u, len), o = i;
	memmove(out, s, i);
	while (i < len) {
		int keep;
		size_t k = next(u + i, len - i, flags, &keep);
		if (keep) {
			memmove(out + o, u + i, k);
			o += k;
		} else if (flags & UTF8_FFFD) {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
		} else {
			out[o++] = '?';
		}
		i += k;
	}
	return o;
}

int utf8_is_clean(const char *s, size_t len, unsigned flags)
{
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = ascii_run(u, len); i < len;) {
		int keep;
		i += next(u + i, len - i, flags, &keep);
		if (!keep)
			return 0;
	}
	return 1;
}
