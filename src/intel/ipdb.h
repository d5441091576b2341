/* ipdb.h - IP address -> country and network (ASN, organisation), offline.
 *
 * Country: a MaxMind-format database read with libmaxminddb; by default
 * data/country.mmdb (@ip-location-db's geo-whois-asn-country), or any
 * GeoLite2-Country / DB-IP country file (country.iso_code) the user names.
 * ASN and organisation: data/asn.bin (scripts/asn-compile.py's compact form
 * of @ip-location-db/asn, mapped and binary-searched), or a GeoLite2-ASN /
 * DB-IP ASN mmdb (autonomous_system_number, autonomous_system_organization).
 *
 * Where the files are: the paths given, else the directory given, else
 * $ALFOIL_DATA_DIR, else data/ next to the alfoil binary, else
 * /usr/local/share/alfoil and /usr/share/alfoil. A missing file is not an
 * error: lookups answer what they can and ipdb_missing() says what is not
 * there.
 */
#ifndef ALFOIL_INTEL_IPDB_H
#define ALFOIL_INTEL_IPDB_H

#include <stddef.h>
#include <stdint.h>

#include "lib/addr.h"

struct ipdb;

struct ipdb_paths {
	const char *dir;     /* a data directory, or NULL */
	const char *country; /* an mmdb file, or NULL */
	const char *asn;     /* asn.bin or an ASN mmdb, or NULL */
};

struct ip_info {
	char country[3];   /* ISO 3166 alpha-2, "" unknown */
	uint32_t asn;      /* 0 unknown */
	char org[128];     /* the network's organisation, "" unknown */
	/* for an IPv6 address that carries an IPv4 address (NAT64, 6to4,
	 * Teredo: lib/addr.h), the facts above are the IPv4 address's */
	const char *translated; /* "nat64", "6to4", "teredo", or NULL */
	struct ip_addr ipv4;    /* the IPv4 address, when translated */
};

/* Never NULL unless out of memory; err receives a message for a file that
 * was named but could not be read. */
struct ipdb *ipdb_open(const struct ipdb_paths *paths, char *err, size_t errlen);
void ipdb_close(struct ipdb *db);

/* 0 when anything was found; -1 for addresses that are not global. An
 * IPv6 address that carries a global IPv4 address is looked up as that
 * IPv4 address (the country and network the packets go on to). */
int ipdb_lookup(const struct ipdb *db, const struct ip_addr *a, struct ip_info *out);

/* "" when both databases are there, else what is missing and how to get it. */
const char *ipdb_missing(const struct ipdb *db);
/* One line per database in use: file and what it is (for --version). */
const char *ipdb_describe(const struct ipdb *db);
/* The files in use, "" when that part is not loaded. */
const char *ipdb_country_path(const struct ipdb *db);
const char *ipdb_asn_path(const struct ipdb *db);

/* Attribution the data licences ask for (README, --version, HTML). */
extern const char ipdb_attribution[];

#endif
