/* cursor.h - the one way packet bytes are read: a pointer and what is left.
 *
 * Every read is checked against the remaining length. A failed read leaves the
 * cursor unchanged and returns false, so a decoder can write
 *     if (!cur_u16(&c, &v)) return DEC_E_TRUNC;
 * and a truncated packet ends the dissection cleanly. Nothing here allocates.
 * Multi-byte integers are network (big-endian) order unless the name says le.
 */
#ifndef ALFOIL_LIB_CURSOR_H
#define ALFOIL_LIB_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct cur {
	const uint8_t *p; /* next unread byte */
	size_t n;         /* bytes left */
};

static inline struct cur cur_make(const uint8_t *p, size_t n)
{
	struct cur c = { p, n };
	return c;
}

static inline bool cur_skip(struct cur *c, size_t k)
{
	if (c->n < k)
		return false;
	c->p += k;
	c->n -= k;
	return true;
}

static inline bool cur_u8(struct cur *c, uint8_t *v)
{
	if (c->n < 1)
		return false;
	*v = c->p[0];
	c->p++;
	c->n--;
	return true;
}

static inline bool cur_u16(struct cur *c, uint16_t *v)
{
	if (c->n < 2)
		return false;
	*v = (uint16_t)((unsigned)c->p[0] << 8 | c->p[1]);
	c->p += 2;
	c->n -= 2;
	return true;
}

static inline bool cur_u16le(struct cur *c, uint16_t *v)
{
	if (c->n < 2)
		return false;
	*v = (uint16_t)((unsigned)c->p[1] << 8 | c->p[0]);
	c->p += 2;
	c->n -= 2;
	return true;
}

static inline bool cur_u24(struct cur *c, uint32_t *v)
{
	if (c->n < 3)
		return false;
	*v = (uint32_t)c->p[0] << 16 | (uint32_t)c->p[1] << 8 | c->p[2];
	c->p += 3;
	c->n -= 3;
	return true;
}

static inline bool cur_u32(struct cur *c, uint32_t *v)
{
	if (c->n < 4)
		return false;
	*v = (uint32_t)c->p[0] << 24 | (uint32_t)c->p[1] << 16 |
	     (uint32_t)c->p[2] << 8 | c->p[3];
	c->p += 4;
	c->n -= 4;
	return true;
}

static inline bool cur_u32le(struct cur *c, uint32_t *v)
{
	if (c->n < 4)
		return false;
	*v = (uint32_t)c->p[3] << 24 | (uint32_t)c->p[2] << 16 |
	     (uint32_t)c->p[1] << 8 | c->p[0];
	c->p += 4;
	c->n -= 4;
	return true;
}

/* Copy k bytes out. */
static inline bool cur_copy(struct cur *c, void *dst, size_t k)
{
	if (c->n < k)
		return false;
	memcpy(dst, c->p, k);
	c->p += k;
	c->n -= k;
	return true;
}

/* Point *v at the next k bytes (zero-copy) and advance past them. */
static inline bool cur_take(struct cur *c, const uint8_t **v, size_t k)
{
	if (c->n < k)
		return false;
	*v = c->p;
	c->p += k;
	c->n -= k;
	return true;
}

/* Split off the next k bytes as a cursor of their own. */
static inline bool cur_sub(struct cur *c, struct cur *sub, size_t k)
{
	const uint8_t *p;
	if (!cur_take(c, &p, k))
		return false;
	*sub = cur_make(p, k);
	return true;
}

/* Read-only peeks at offset off from the current position. */
static inline bool cur_peek_u8(const struct cur *c, size_t off, uint8_t *v)
{
	if (c->n <= off)
		return false;
	*v = c->p[off];
	return true;
}

static inline bool cur_peek_u16(const struct cur *c, size_t off, uint16_t *v)
{
	if (c->n < 2 || c->n - 2 < off)
		return false;
	*v = (uint16_t)((unsigned)c->p[off] << 8 | c->p[off + 1]);
	return true;
}

#endif
