/* ipdb.c - country and ASN lookups (see ipdb.h). */
#include "intel/ipdb.h"
#include "intel/paths.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <maxminddb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

const char ipdb_attribution[] =
	"IP country data: @ip-location-db/geo-whois-asn-country, CC BY 4.0, from the "
	"Number Resource Organization (nro.net). IP to ASN data: @ip-location-db/asn, "
	"CC BY 4.0, from RouteViews (routeviews.org), DB-IP (db-ip.com: IP to ASN Lite) "
	"and the NRO.";

#define ASN_MAGIC "ALFASN01"

struct asn_v4 {
	uint32_t first, last, org;
};

struct asn_v6 {
	uint8_t first[16], last[16];
	uint8_t org[4]; /* little-endian, unaligned */
};

struct asn_org {
	uint32_t asn, name;
};

struct ipdb {
	MMDB_s country, asn_mmdb;
	int has_country, has_asn_mmdb;
	/* asn.bin, mapped */
	const uint8_t *map;
	size_t map_len;
	const struct asn_v4 *v4;
	const struct asn_v6 *v6;
	const struct asn_org *orgs;
	const char *strings;
	uint32_t n4, n6, norgs, strbytes;
	char country_path[2400], asn_path[2400];
	char missing[5200];
	char describe[5000];
};

static int exists(const char *p)
{
	struct stat sb;
	return stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
}

static int load_asn_bin(struct ipdb *db, const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY);
	struct stat sb;
	if (fd < 0 || fstat(fd, &sb) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	size_t len = (size_t)sb.st_size;
	const uint8_t *m = len >= 24 ? mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0) : MAP_FAILED;
	close(fd);
	if (m == MAP_FAILED || memcmp(m, ASN_MAGIC, 8) != 0) {
		snprintf(err, errlen, "%s: not an alfoil ASN file (scripts/asn-compile.py makes one)", path);
		if (m != MAP_FAILED)
			munmap((void *)m, len);
		return -1;
	}
	uint32_t h[4];
	memcpy(h, m + 8, sizeof h);
	uint64_t need = 24 + (uint64_t)h[0] * sizeof(struct asn_v4) + (uint64_t)h[1] * sizeof(struct asn_v6) +
			(uint64_t)h[2] * sizeof(struct asn_org) + h[3];
	if (need != len || (h[3] && m[len - 1] != '\0')) {
		snprintf(err, errlen, "%s: truncated or corrupt (size %zu, header says %llu)", path, len,
			 (unsigned long long)need);
		munmap((void *)m, len);
		return -1;
	}
	db->map = m;
	db->map_len = len;
	db->n4 = h[0], db->n6 = h[1], db->norgs = h[2], db->strbytes = h[3];
	db->v4 = (const struct asn_v4 *)(m + 24);
	db->v6 = (const struct asn_v6 *)(m + 24 + (size_t)h[0] * sizeof(struct asn_v4));
	db->orgs = (const struct asn_org *)((const uint8_t *)db->v6 + (size_t)h[1] * sizeof(struct asn_v6));
	db->strings = (const char *)(db->orgs + h[2]);
	return 0;
}

static int open_mmdb(MMDB_s *mm, const char *path, char *err, size_t errlen)
{
	int r = MMDB_open(path, MMDB_MODE_MMAP, mm);
	if (r != MMDB_SUCCESS) {
		snprintf(err, errlen, "%s: %s", path, r == MMDB_IO_ERROR ? strerror(errno) : MMDB_strerror(r));
		return -1;
	}
	return 0;
}

struct ipdb *ipdb_open(const struct ipdb_paths *paths, char *err, size_t errlen)
{
	struct ipdb *db = calloc(1, sizeof *db);
	char dir[2200];
	if (!db)
		return NULL;
	err[0] = '\0';
	if (paths && paths->dir)
		snprintf(dir, sizeof dir, "%s", paths->dir);
	else
		intel_find_dir("ALFOIL_DATA_DIR", "data", "country.mmdb", dir, sizeof dir);
	if (paths && paths->country)
		snprintf(db->country_path, sizeof db->country_path, "%s", paths->country);
	else
		snprintf(db->country_path, sizeof db->country_path, "%s/country.mmdb", dir);
	if (paths && paths->asn)
		snprintf(db->asn_path, sizeof db->asn_path, "%s", paths->asn);
	else
		snprintf(db->asn_path, sizeof db->asn_path, "%s/asn.bin", dir);

	int named_c = paths && paths->country, named_a = paths && paths->asn;
	if (named_c || exists(db->country_path))
		db->has_country = open_mmdb(&db->country, db->country_path, err, errlen) == 0;
	if (named_a || exists(db->asn_path)) {
		size_t l = strlen(db->asn_path);
		char *e2 = err + strlen(err);
		size_t left = errlen - (size_t)(e2 - err);
		if (l > 5 && strcmp(db->asn_path + l - 5, ".mmdb") == 0)
			db->has_asn_mmdb = open_mmdb(&db->asn_mmdb, db->asn_path, e2, left) == 0;
		else
			load_asn_bin(db, db->asn_path, e2, left);
	}
	int has_asn = db->has_asn_mmdb || db->map;
	if (!db->has_country || !has_asn)
		snprintf(db->missing, sizeof db->missing,
			 "no %s%s%s data (looked for %s%s%s): run scripts/setup.sh, or give --data-dir",
			 db->has_country ? "" : "country", !db->has_country && !has_asn ? " or " : "",
			 has_asn ? "" : "ASN", db->has_country ? "" : db->country_path,
			 !db->has_country && !has_asn ? " and " : "", has_asn ? "" : db->asn_path);
	snprintf(db->describe, sizeof db->describe, "country: %s\nASN: %s%s",
		 db->has_country ? db->country_path : "(none)", has_asn ? db->asn_path : "(none)",
		 db->map ? " (compiled from @ip-location-db/asn)" : "");
	return db;
}

void ipdb_close(struct ipdb *db)
{
	if (!db)
		return;
	if (db->has_country)
		MMDB_close(&db->country);
	if (db->has_asn_mmdb)
		MMDB_close(&db->asn_mmdb);
	if (db->map)
		munmap((void *)db->map, db->map_len);
	free(db);
}

static void to_sockaddr(const struct ip_addr *a, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof *ss);
	if (addr_is_v4(a)) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, a->b + 12, 4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, a->b, 16);
	}
}

static int mm_entry(const MMDB_s *mm, const struct ip_addr *a, MMDB_lookup_result_s *res)
{
	struct sockaddr_storage ss;
	int e = 0;
	to_sockaddr(a, &ss);
	*res = MMDB_lookup_sockaddr(mm, (const struct sockaddr *)&ss, &e);
	return e == MMDB_SUCCESS && res->found_entry ? 0 : -1;
}

static void country_of(const struct ipdb *db, const struct ip_addr *a, char cc[3])
{
	MMDB_lookup_result_s res;
	MMDB_entry_data_s v;
	if (!db->has_country || mm_entry(&db->country, a, &res) < 0)
		return;
	/* ip-location-db: country_code; GeoLite2 and DB-IP: country.iso_code */
	if ((MMDB_get_value(&res.entry, &v, "country_code", NULL) == MMDB_SUCCESS ||
	     MMDB_get_value(&res.entry, &v, "country", "iso_code", NULL) == MMDB_SUCCESS ||
	     MMDB_get_value(&res.entry, &v, "registered_country", "iso_code", NULL) == MMDB_SUCCESS) &&
	    v.has_data && v.type == MMDB_DATA_TYPE_UTF8_STRING && v.data_size == 2) {
		cc[0] = v.utf8_string[0];
		cc[1] = v.utf8_string[1];
		cc[2] = '\0';
	}
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The range holding a: the last one whose first <= a, if its last >= a. */
static int asn_bin_org(const struct ipdb *db, const struct ip_addr *a, uint32_t *org)
{
	if (addr_is_v4(a)) {
		uint32_t x = (uint32_t)a->b[12] << 24 | (uint32_t)a->b[13] << 16 | (uint32_t)a->b[14] << 8 | a->b[15];
		size_t lo = 0, hi = db->n4;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (db->v4[mid].first <= x)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo == 0 || db->v4[lo - 1].last < x)
			return -1;
		*org = db->v4[lo - 1].org;
		return 0;
	}
	size_t lo = 0, hi = db->n6;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (memcmp(db->v6[mid].first, a->b, 16) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || memcmp(db->v6[lo - 1].last, a->b, 16) < 0)
		return -1;
	*org = le32(db->v6[lo - 1].org);
	return 0;
}

int ipdb_lookup(const struct ipdb *db, const struct ip_addr *a, struct ip_info *out)
{
	memset(out, 0, sizeof *out);
	/* private, link-local, multicast ... belong to nobody, whatever a
	 * database says (the whois-derived one puts 192.168/16 in AU) */
	if (!db || addr_scope(a) != SCOPE_GLOBAL)
		return -1;
	struct ip_addr v4;
	enum addr_ip4in6 k = addr_ip4in6(a, &v4);
	if (k != ADDR_4IN6_NONE && addr_scope(&v4) == SCOPE_GLOBAL) {
		out->translated = addr_ip4in6_name(k);
		out->ipv4 = v4;
		a = &out->ipv4;
	}
	country_of(db, a, out->country);
	uint32_t org;
	if (db->map && asn_bin_org(db, a, &org) == 0 && org < db->norgs) {
		out->asn = db->orgs[org].asn;
		uint32_t off = db->orgs[org].name;
		if (off < db->strbytes)
			snprintf(out->org, sizeof out->org, "%s", db->strings + off);
	} else if (db->has_asn_mmdb) {
		MMDB_lookup_result_s res;
		MMDB_entry_data_s v;
		if (mm_entry(&db->asn_mmdb, a, &res) == 0) {
			if (MMDB_get_value(&res.entry, &v, "autonomous_system_number", NULL) == MMDB_SUCCESS &&
			    v.has_data && v.type == MMDB_DATA_TYPE_UINT32)
				out->asn = v.uint32;
			if (MMDB_get_value(&res.entry, &v, "autonomous_system_organization", NULL) == MMDB_SUCCESS &&
			    v.has_data && v.type == MMDB_DATA_TYPE_UTF8_STRING) /* not NUL-terminated */
				snprintf(out->org, sizeof out->org, "%.*s", (int)v.data_size, v.utf8_string);
		}
	}
	return out->country[0] || out->asn ? 0 : -1;
}

const char *ipdb_missing(const struct ipdb *db)
{
	return db ? db->missing : "no IP data";
}

const char *ipdb_describe(const struct ipdb *db)
{
	return db ? db->describe : "";
}

const char *ipdb_country_path(const struct ipdb *db)
{
	return db && db->has_country ? db->country_path : "";
}

const char *ipdb_asn_path(const struct ipdb *db)
{
	return db && (db->map || db->has_asn_mmdb) ? db->asn_path : "";
}
