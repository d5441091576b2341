/* siphash.h - SipHash-1-3 (Aumasson & Bernstein), keyed with a random seed so
 * that hostile traffic cannot aim collisions at our tables. */
#ifndef ALFOIL_LIB_SIPHASH_H
#define ALFOIL_LIB_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t siphash13(const void *data, size_t len, const uint8_t key[static 16]);
/* Fill a seed from getrandom(2); falls back to time and pid. */
void siphash_seed(uint8_t key[static 16]);

#endif
