/* held.h - the devices alfoil enforce writes rules for, and the policy of
 * each: a device with a profile gets profile; the policy file's MAC lines,
 * then its kind lines (the report's kinds; kind:unknown for a device the
 * report does not place), then its default (for appliances only: phones,
 * computers and network gear keep profile or allow, said to warn) decide.
 * The report's devices give their addresses; the router is never covered
 * by a kind line or the default.
 */
#ifndef ALFOIL_ENFORCE_HELD_H
#define ALFOIL_ENFORCE_HELD_H

#include <stddef.h>

#include "enforce/inreport.h"
#include "enforce/nft.h"
#include "enforce/polfile.h"
#include "policy/mud.h"

#define HELD_MAX_DEVS 4096

/* On the heap: HELD_MAX_DEVS devices are 1.6 MiB. */
struct held {
	struct nft_device *devs;
	size_t nd;
	unsigned char *named; /* 1: a MAC line, 2: a kind line */
	char (*kind_of)[32];  /* from the report; "" unknown */
};

/* 0, or -1 when out of memory (held_free either way). */
int held_init(struct held *h);
void held_free(struct held *h);
/* The device of this MAC, made (allow, no profile) when make and room is
 * left; NULL when not. */
struct nft_device *held_get(struct held *h, const char *mac, int make);
/* Every device's policy from the profiles, the policy file and the report. */
void held_assign(struct held *h, const struct mud_set *set, const struct polfile *pf, const struct inrep *in_rep,
		 void (*warn)(const char *fmt, ...));

#endif
