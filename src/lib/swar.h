/* swar.h - eight bytes at a time in a 64-bit word ("SIMD within a
 * register"), for the loops over names that run for nearly every packet.
 * Every test answers "is there any such byte in the word"; the callers
 * take the byte-by-byte path for a word where the answer is yes. */
#ifndef ALFOIL_LIB_SWAR_H
#define ALFOIL_LIB_SWAR_H

#include <stdint.h>
#include <string.h>

#define SWAR_ONES 0x0101010101010101ull
#define SWAR_HIGH 0x8080808080808080ull

static inline uint64_t swar_load(const void *p)
{
	uint64_t w;
	memcpy(&w, p, 8);
	return w;
}

/* non-zero when some byte of w is zero */
static inline uint64_t swar_has_zero(uint64_t w)
{
	return (w - SWAR_ONES) & ~w & SWAR_HIGH;
}

/* non-zero when some byte of w equals c */
static inline uint64_t swar_has_byte(uint64_t w, uint8_t c)
{
	return swar_has_zero(w ^ (SWAR_ONES * c));
}

/* non-zero when some byte of w is below n (n <= 128) */
static inline uint64_t swar_has_less(uint64_t w, uint8_t n)
{
	return (w - SWAR_ONES * n) & ~w & SWAR_HIGH;
}

/* ASCII w (no byte >= 0x80) with 'A'..'Z' made lower case */
static inline uint64_t swar_ascii_lower(uint64_t w)
{
	uint64_t ge_a = w + SWAR_ONES * (0x80 - 'A');
	uint64_t gt_z = w + SWAR_ONES * (0x7f - 'Z');
	return w | (((ge_a & ~gt_z) & SWAR_HIGH) >> 2);
}

#endif
