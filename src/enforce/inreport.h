/* inreport.h - what alfoil enforce takes from a report's records: those
 * the engine made of captures, or those report_load() read from a saved
 * --json report (which checked every field as JSON: docs/json-schema.md).
 * Its names came from packets either way.
 *
 * Per device: its MAC (one unicast station, normalised), whether it is the
 * router, its kind (a plain word), its own addresses (not one it only sent
 * from, `addresses_unproven`, when that is a global address or one another
 * device has too: a frame's source is whatever its sender wrote, and a
 * device's addresses go into the sets that quarantine it both ways), the
 * host names it looked up (lower case, no final dot, at least one dot);
 * and every (name, address) answer. What is not valid is left out and told
 * to warn, naming the device and the value (escaped), at most
 * INREP_WARN_PER_DEV lines a device and a count after.
 */
#ifndef ALFOIL_ENFORCE_INREPORT_H
#define ALFOIL_ENFORCE_INREPORT_H

#include <stddef.h>

#include "enforce/nft.h"

#define INREP_MAX_DEVS 4096
#define INREP_WARN_PER_DEV 16

struct inrep_dev {
	char mac[18];   /* lower case, colons */
	int router;     /* roles has "gateway" */
	char kind[32];  /* identity.kind, "" when unknown */
	double confidence; /* identity.confidence, 0..1 (the highest of its entries) */
	char addrs[NFT_DEV_ADDRS][46];
	unsigned char unproven[NFT_DEV_ADDRS]; /* in addresses_unproven */
	size_t n_addrs;
	char **queries; /* dns.queries: host names with a dot, lower case, no
			 * final dot; sorted, each once */
	size_t n_queries;
};

struct inrep_answer {
	char name[254]; /* as the queries */
	char addr[46];
};

struct inrep {
	struct inrep_dev *devs; /* a MAC once (a second entry adds to the first) */
	size_t n_devs;
	struct inrep_answer *answers; /* sorted, each once */
	size_t n_answers;
	size_t skipped;      /* values left out */
	size_t skipped_devs; /* devices beyond INREP_MAX_DEVS */
};

/* name stands for the report (its file, or the captures) in messages. 0,
 * or -1 when out of memory (out is to be freed with inrep_free either way). */
struct report;
int inrep_from_report(const struct report *rep, const char *name, struct inrep *out,
		      void (*warn)(const char *fmt, ...));
const struct inrep_dev *inrep_find(const struct inrep *r, const char *mac);
void inrep_free(struct inrep *r);

/* A host name from a packet as rules use it: lower case, no final dot,
 * at least one dot. 0 and out set, or -1 when it is no such name. */
int inrep_name_norm(const char *s, char out[static 254]);

#endif
