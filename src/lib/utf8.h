/* utf8.h - text that is safe to show: valid UTF-8 with nothing that moves,
 * hides or breaks what is around it.
 *
 * Strings from packets (and file names, and anything read from a file) may
 * hold terminal escapes (C0 controls, ESC), C1 controls (U+0080..U+009F,
 * which some terminals obey as CSI), bidirectional embeddings, overrides
 * and isolates (U+202A..U+202E, U+2066..U+2069: "evil\u202Egnp.exe" shows as
 * "evilexe.png"), direction marks, zero-width and other invisible format
 * characters, line and paragraph separators, and bytes that are not UTF-8.
 * utf8_clean() replaces each of those with a replacement character; every
 * other character is kept as it is.
 */
#ifndef ALFOIL_LIB_UTF8_H
#define ALFOIL_LIB_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Flags for utf8_clean() and utf8_is_clean(). */
#define UTF8_KEEP_LINES 1u /* keep '\n' and '\t' (a document, not a field) */
#define UTF8_FFFD 2u       /* replace with U+FFFD (3 bytes) instead of '?' */

/* Length of the valid UTF-8 sequence at s[0..n) (n > 0), or 0 when it is
 * not one (RFC 3629 section 4: no overlongs, no surrogates, nothing past
 * U+10FFFF, nothing cut short). */
size_t utf8_seq(const unsigned char *s, size_t n);
/* The code point of the valid sequence of k bytes at s. */
uint32_t utf8_decode(const unsigned char *s, size_t k);
/* True for code points that are not shown as themselves: C0 and C1
 * controls, DEL, and the invisible format characters that reorder or hide
 * text (bidi controls and marks, zero-width characters, U+2028/U+2029,
 * U+FEFF, interlinear annotations, tag characters). */
int utf8_hidden(uint32_t cp);
/* s[0..len) made safe, at out (no NUL added); returns the bytes written.
 * out has room for len bytes, or 3 * len with UTF8_FFFD. Each invalid byte
 * and each hidden character becomes one replacement. */
size_t utf8_clean(char *out, const char *s, size_t len, unsigned flags);
/* 1 when utf8_clean() would give s back unchanged. */
int utf8_is_clean(const char *s, size_t len, unsigned flags);

#endif
