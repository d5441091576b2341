/* oui.c - IEEE registry loader and longest-prefix lookup (see oui.h). */
#include "intel/oui.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <time.h>

#include "intel/paths.h"
#include "lib/addr.h"

struct oui_ent {
	uint64_t prefix; /* the assignment, left-aligned in 48 bits */
	uint32_t org;    /* offset into names */
	char country[3];
	uint8_t src;     /* 0: the first directory read, 1: the fallback */
};

struct oui_reg {
	const char *name;
	const char *file;
	int bits;
	struct oui_ent *ents;
	size_t n, alloc;
};

struct oui_db {
	struct oui_reg reg[3]; /* longest prefix first: MA-S, MA-M, MA-L */
	char *names;
	size_t names_len, names_alloc;
	char describe[1200];
	char dir[2][1024], version[2][256];
};

static const struct {
	const char *name, *file;
	int bits;
} reg_def[3] = {
	{ "MA-S", "oui36.csv", 36 },
	{ "MA-M", "mam.csv", 28 },
	{ "MA-L", "oui.csv", 24 },
};

/* Split one CSV record in place (RFC 4180 quoting); returns the field count. */
static int csv_split(char *line, char **f, int maxf)
{
	int n = 0;
	char *p = line;
	while (n < maxf) {
		char *out = p;
		f[n++] = out;
		if (*p == '"') {
			p++;
			for (;;) {
				if (*p == '\0')
					break;
				if (*p == '"' && p[1] == '"') {
					*out++ = '"';
					p += 2;
				} else if (*p == '"') {
					p++;
					break;
				} else {
					*out++ = *p++;
				}
			}
			while (*p && *p != ',')
				p++;
		} else {
			while (*p && *p != ',')
				*out++ = *p++;
		}
		int more = *p == ',';
		if (*p)
			p++;
		*out = '\0';
		if (!more)
			break;
	}
	return n;
}

static int hexdigit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = toupper(c);
	return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static struct oui_ent *find_ent(struct oui_reg *r, uint64_t prefix)
{
	size_t lo = 0, hi = r->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (r->ents[mid].prefix < prefix)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < r->n && r->ents[lo].prefix == prefix ? &r->ents[lo] : NULL;
}

static uint64_t hex_prefix(const char *s, int digits, int *ok)
{
	uint64_t v = 0;
	*ok = 1;
	for (int i = 0; i < digits; i++) {
		int h = hexdigit((unsigned char)s[i]);
		if (h < 0)
			*ok = 0;
		v = v << 4 | (uint64_t)(h < 0 ? 0 : h);
	}
	return v;
}

/* The entry at prefix takes the country of its last address line, when that
 * line is a two-letter code. */
static void take_country(struct oui_reg *r, uint64_t prefix, char *last, int src)
{
	size_t ll = strlen(last);
	while (ll && isspace((unsigned char)last[ll - 1]))
		last[--ll] = '\0';
	struct oui_ent *e = find_ent(r, prefix);
	if (e && e->src == src && ll == 2 && isupper((unsigned char)last[0]) && isupper((unsigned char)last[1]))
		memcpy(e->country, last, 3);
}

/* The CSV files run the address into one field ("... Noord Brabant NL
 * 5656 AE"), where a postcode can end in letters; the .txt files of the
 * same registry put the country on a line of its own, the last of the
 * address. Where that line is a two-letter code it wins. */
static void txt_countries(struct oui_reg *r, const char *dir, int src)
{
	char path[4096], line[1024], last[1024] = "";
	size_t fl = strlen(r->file);
	snprintf(path, sizeof path, "%s/%.*s.txt", dir, (int)(fl > 4 ? fl - 4 : fl), r->file);
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	uint64_t oui = 0, prefix = 0;
	int in_entry = 0, ok;
	while (fgets(line, sizeof line, f)) {
		size_t n = strcspn(line, "\r\n");
		line[n] = '\0';
		if (n >= 8 && line[2] == '-' && line[5] == '-' && strstr(line, "(hex)")) {
			char h[7] = { line[0], line[1], line[3], line[4], line[6], line[7], 0 };
			oui = hex_prefix(h, 6, &ok);
			if (!ok)
				oui = UINT64_MAX;
		} else if (line[0] != '\t' && oui != UINT64_MAX && strstr(line, "(base 16)")) {
			uint64_t start = r->bits == 24 ? 0 : hex_prefix(line, 6, &ok);
			prefix = oui << 24 | (start & 0xffffff);
			in_entry = 1;
			last[0] = '\0';
		} else if (in_entry && line[0] == '\t') {
			const char *s = line;
			while (*s == '\t' || *s == ' ')
				s++;
			size_t k = n - (size_t)(s - line);
			if (k >= sizeof last)
				k = sizeof last - 1;
			memcpy(last, s, k);
			last[k] = '\0';
		} else if (in_entry) {
			take_country(r, prefix, last, src);
			in_entry = 0;
		}
	}
	if (in_entry) /* the last entry, without a blank line after it */
		take_country(r, prefix, last, src);
	fclose(f);
}

/* The country is the last two-letter upper-case word of the address. */
static void country_of(const char *addr, char cc[static 3])
{
	cc[0] = '\0';
	size_t len = strlen(addr);
	size_t end = len;
	while (end > 0) {
		while (end > 0 && isspace((unsigned char)addr[end - 1]))
			end--;
		size_t start = end;
		while (start > 0 && !isspace((unsigned char)addr[start - 1]))
			start--;
		if (end - start == 2 && isupper((unsigned char)addr[start]) &&
		    isupper((unsigned char)addr[start + 1])) {
			cc[0] = addr[start];
			cc[1] = addr[start + 1];
			cc[2] = '\0';
			return;
		}
		end = start;
	}
}

static uint32_t add_name(struct oui_db *db, const char *s)
{
	size_t len = strlen(s);
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	if (db->names_len + len + 1 > db->names_alloc) {
		size_t n = db->names_alloc ? db->names_alloc * 2 : 1 << 20;
		while (n < db->names_len + len + 1)
			n *= 2;
		char *p = realloc(db->names, n);
		if (!p)
			return UINT32_MAX;
		db->names = p;
		db->names_alloc = n;
	}
	uint32_t off = (uint32_t)db->names_len;
	memcpy(db->names + off, s, len);
	db->names[off + len] = '\0';
	db->names_len += len + 1;
	return off;
}

static int cmp_ent(const void *a, const void *b)
{
	const struct oui_ent *x = a, *y = b;
	if (x->prefix != y->prefix)
		return x->prefix < y->prefix ? -1 : 1;
	return (int)x->src - (int)y->src;
}

static int load_reg(struct oui_db *db, struct oui_reg *r, const char *dir, int src)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, r->file);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	char line[2048];
	int digits = r->bits / 4;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = '\0';
		char *fld[4];
		if (csv_split(line, fld, 4) < 3 || strncmp(fld[0], "MA-", 3) != 0)
			continue;
		if ((int)strlen(fld[1]) != digits)
			continue;
		uint64_t v = 0;
		int ok = 1;
		for (int i = 0; i < digits; i++) {
			int h = hexdigit((unsigned char)fld[1][i]);
			if (h < 0)
				ok = 0;
			v = v << 4 | (uint64_t)(h < 0 ? 0 : h);
		}
		if (!ok)
			continue;
		if (r->n == r->alloc) {
			size_t n = r->alloc ? r->alloc * 2 : 4096;
			struct oui_ent *e = realloc(r->ents, n * sizeof *e);
			if (!e)
				break;
			r->ents = e;
			r->alloc = n;
		}
		struct oui_ent *e = &r->ents[r->n];
		e->prefix = v << (48 - r->bits);
		e->org = add_name(db, fld[2]);
		if (e->org == UINT32_MAX)
			break;
		country_of(fld[3] ? fld[3] : "", e->country);
		e->src = (uint8_t)src;
		r->n++;
	}
	fclose(f);
	return 0;
}

/* Sorted, one entry per prefix: the first source's, with the fallback's
 * country when the first has none. */
static void merge_reg(struct oui_reg *r)
{
	size_t k = 1; /* the compiled registry comes sorted: no sort then */
	while (k < r->n && cmp_ent(&r->ents[k - 1], &r->ents[k]) <= 0)
		k++;
	if (k < r->n)
		qsort(r->ents, r->n, sizeof *r->ents, cmp_ent);
	size_t w = 0;
	for (size_t i = 0; i < r->n; i++) {
		if (w && r->ents[w - 1].prefix == r->ents[i].prefix) {
			if (!r->ents[w - 1].country[0])
				memcpy(r->ents[w - 1].country, r->ents[i].country, 3);
			continue;
		}
		r->ents[w++] = r->ents[i];
	}
	r->n = w;
}

/* "oui-data 2.1.9 2026-08-26" from dir/VERSION, else the date Debian's
 * ieee-data records in .lastupdate, else the date of oui.csv. */
static void dir_version(const char *dir, char *out, size_t n)
{
	char path[4096], line[256] = "";
	snprintf(path, sizeof path, "%s/VERSION", dir);
	FILE *f = fopen(path, "r");
	if (f) {
		if (fgets(line, sizeof line, f))
			line[strcspn(line, "\r\n")] = '\0';
		fclose(f);
		if (line[0]) {
			snprintf(out, n, "%s", line);
			return;
		}
	}
	time_t t = 0;
	snprintf(path, sizeof path, "%s/.lastupdate", dir);
	if ((f = fopen(path, "r"))) {
		long long v = 0;
		if (fscanf(f, "%lld", &v) == 1)
			t = (time_t)v;
		fclose(f);
	}
	struct stat sb;
	snprintf(path, sizeof path, "%s/oui.csv", dir);
	if (!t && stat(path, &sb) == 0)
		t = sb.st_mtime;
	struct tm tm;
	char date[16] = "date unknown";
	if (t && gmtime_r(&t, &tm))
		strftime(date, sizeof date, "%Y-%m-%d", &tm);
	snprintf(out, n, "%s%s", strstr(dir, "ieee-data") ? "Debian ieee-data " : "", date);
}

struct oui_db *oui_load(const char *dir, char *err, size_t errlen)
{
	/* a directory named by the user is the only one read; otherwise the
	 * npm copy (data/ieee/, from scripts/setup.sh) first, Debian's after */
	const char *dirs[2] = { NULL, NULL };
	char npm[4096];
	if (!dir)
		dir = getenv("ALFOIL_IEEE_DIR");
	if (dir && *dir) {
		dirs[0] = dir;
	} else {
		dir = OUI_DEFAULT_DIR;
		if (intel_find_dir(NULL, OUI_NPM_SUBDIR, "oui.csv", npm, sizeof npm) == 0) {
			dirs[0] = npm;
			dirs[1] = dir;
		} else {
			dirs[0] = dir;
		}
	}
	struct oui_db *db = calloc(1, sizeof *db);
	if (!db) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	/* setup.sh merges Debian's rows into the npm copy (MERGED says so):
	 * then that copy alone is read, half the work at start-up */
	int nread = dirs[1] ? 2 : 1;
	if (dirs[1]) {
		char mp[4200];
		snprintf(mp, sizeof mp, "%s/MERGED", dirs[0]);
		if (access(mp, R_OK) == 0)
			nread = 1;
	}
	int loaded = 0, err_no = 0;
	for (int i = 0; i < 3; i++) {
		db->reg[i].name = reg_def[i].name;
		db->reg[i].file = reg_def[i].file;
		db->reg[i].bits = reg_def[i].bits;
		for (int s = 0; s < nread; s++) {
			if (load_reg(db, &db->reg[i], dirs[s], s) == 0)
				loaded++;
			else
				err_no = errno;
		}
		merge_reg(&db->reg[i]);
		/* Debian's .txt files correct the countries of what came from it */
		for (int s = 0; s < nread; s++)
			txt_countries(&db->reg[i], dirs[s], s);
	}
	if (!loaded || oui_count(db) == 0) {
		snprintf(err, errlen, "no IEEE registry in %s (oui.csv, mam.csv, oui36.csv): %s",
			 dirs[0], loaded ? "files empty" : strerror(err_no));
		oui_free(db);
		return NULL;
	}
	for (int s = 0; s < 2 && dirs[s]; s++) {
		snprintf(db->dir[s], sizeof db->dir[s], "%s", dirs[s]);
		dir_version(dirs[s], db->version[s], sizeof db->version[s]);
	}
	size_t n = (size_t)snprintf(db->describe, sizeof db->describe, "%s (%s, %zu assignments",
				    db->version[0], dirs[0], oui_count(db));
	if (dirs[1] && n < sizeof db->describe)
		snprintf(db->describe + n, sizeof db->describe - n, "; %s (%s) for what it lacks)",
			 db->version[1], dirs[1]);
	else if (n < sizeof db->describe)
		snprintf(db->describe + n, sizeof db->describe - n, ")");
	return db;
}

const char *oui_describe(const struct oui_db *db)
{
	return db ? db->describe : "";
}

const char *oui_dir(const struct oui_db *db, int i)
{
	return db && (i == 0 || i == 1) ? db->dir[i] : "";
}

const char *oui_version(const struct oui_db *db, int i)
{
	return db && (i == 0 || i == 1) ? db->version[i] : "";
}

void oui_free(struct oui_db *db)
{
	if (!db)
		return;
	for (int i = 0; i < 3; i++)
		free(db->reg[i].ents);
	free(db->names);
	free(db);
}

int oui_lookup(const struct oui_db *db, const uint8_t mac[static 6], struct oui_info *out)
{
	if (!db || mac_is_group(mac) || mac_is_local_admin(mac))
		return -1;
	uint64_t m = 0;
	for (int i = 0; i < 6; i++)
		m = m << 8 | mac[i];
	for (int i = 0; i < 3; i++) {
		const struct oui_reg *r = &db->reg[i];
		uint64_t key = m & (~0ULL << (48 - r->bits)) & 0xffffffffffffULL;
		size_t lo = 0, hi = r->n;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (r->ents[mid].prefix < key)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < r->n && r->ents[lo].prefix == key) {
			out->org = db->names + r->ents[lo].org;
			memcpy(out->country, r->ents[lo].country, 3);
			out->registry = r->name;
			out->bits = r->bits;
			return 0;
		}
	}
	return -1;
}

size_t oui_count(const struct oui_db *db)
{
	return db->reg[0].n + db->reg[1].n + db->reg[2].n;
}
