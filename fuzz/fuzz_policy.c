/* fuzz_policy.c - libFuzzer target for the policy file of alfoil enforce
 * (enforce/polfile.c): any bytes in, lines out. Every MAC taken must be one
 * unicast station in the one form rules use, every kind a plain word: what
 * reaches a ruleset from this file can be nothing else. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "enforce/names.h"
#include "enforce/polfile.h"

static void quiet(const char *fmt, ...)
{
	(void)fmt;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct polfile pf;
	int bad = polfile_parse("fuzz", (const char *)data, size, &pf, quiet);
	if (bad >= 0) {
		for (size_t i = 0; i < pf.n_macs; i++) {
			char norm[18];
			if (enforce_mac_norm(pf.macs[i].mac, norm) != MAC_OK || strcmp(norm, pf.macs[i].mac) ||
			    (unsigned)pf.macs[i].pol > POL_QUARANTINE)
				abort();
		}
		for (size_t i = 0; i < pf.n_kinds; i++)
			if (!pf.kinds[i].kind[0] || strpbrk(pf.kinds[i].kind, " \t\r\n\"';{}#=:/\\"))
				abort();
		if (pf.n_macs > POLFILE_MAX_MACS || pf.n_kinds > POLFILE_MAX_KINDS)
			abort();
	}
	polfile_free(&pf);
	return 0;
}
