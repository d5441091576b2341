/* datasets.h - which version of each data set alfoil reads, and of when:
 * the IEEE registry, the country and ASN databases, clouds.tsv and
 * signatures.tsv. For `alfoil --version` and the report headers. */
#ifndef ALFOIL_INTEL_DATASETS_H
#define ALFOIL_INTEL_DATASETS_H

#include <stddef.h>

struct oui_db;
struct ipdb;
struct clouds;
struct classifier;
struct infra;

#define DATA_SETS 6

struct data_set {
	const char *name;   /* "oui", "country", "asn", "clouds", "signatures",
			     * "infrastructure" */
	int loaded;
	char version[160];  /* "oui-data 2.1.9 2026-08-26", "" unknown */
	char date[11];      /* YYYY-MM-DD of the data, "" unknown */
	char path[1024];    /* the file or directory read */
	char fallback[1200]; /* oui: the older registry read for what it lacks */
};

/* One entry per data set, in the order above; any database may be NULL
 * (then loaded is 0). Returns DATA_SETS. */
size_t data_sets_describe(const struct oui_db *oui, const struct ipdb *ip, const struct clouds *cl,
			  const struct classifier *cls, const struct infra *inf,
			  struct data_set out[static DATA_SETS]);

/* "2026-06-17" from a version string holding a date (YYYY-MM-DD, or the
 * YYYYMMDD of "2.3.2026061719"); 0, or -1 when it holds none. */
int data_set_date(const char *version, char out[static 11]);

#endif
