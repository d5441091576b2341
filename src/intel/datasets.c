/* datasets.c - versions and dates of the data alfoil reads (see datasets.h). */
#include "intel/datasets.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "intel/classify.h"
#include "intel/clouds.h"
#include "intel/infra.h"
#include "intel/ipdb.h"
#include "intel/oui.h"

static int digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

int data_set_date(const char *v, char out[static 11])
{
	out[0] = '\0';
	for (const char *p = v; *p; p++) {
		if (p != v && isdigit((unsigned char)p[-1]))
			continue;
		if (digits(p, 4) && p[4] == '-' && digits(p + 5, 2) && p[7] == '-' && digits(p + 8, 2)) {
			memcpy(out, p, 10);
			out[10] = '\0';
			return 0;
		}
		/* YYYYMMDD[HH], as @ip-location-db versions its packages */
		if (digits(p, 8) && (p[0] == '1' || p[0] == '2') && p[4] <= '1' && p[6] <= '3') {
			snprintf(out, 11, "%.4s-%.2s-%.2s", p, p + 4, p + 6);
			return 0;
		}
	}
	return -1;
}

static void mtime_date(const char *path, char out[static 11])
{
	struct stat sb;
	struct tm tm;
	out[0] = '\0';
	if (stat(path, &sb) == 0 && gmtime_r(&sb.st_mtime, &tm))
		strftime(out, 11, "%Y-%m-%d", &tm);
}

/* The "key: value" line of the VERSION file beside path (scripts/setup.sh
 * writes it). */
static void version_beside(const char *path, const char *key, char *out, size_t n)
{
	char vp[1100];
	const char *slash = strrchr(path, '/');
	int dl = slash ? (int)(slash - path) : 1;
	snprintf(vp, sizeof vp, "%.*s/VERSION", dl, slash ? path : ".");
	out[0] = '\0';
	FILE *f = fopen(vp, "r");
	if (!f)
		return;
	char line[512];
	size_t kl = strlen(key);
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, key, kl) && line[kl] == ':') {
			const char *v = line + kl + 1;
			while (*v == ' ')
				v++;
			snprintf(out, n, "%.*s", (int)strcspn(v, "\r\n"), v);
			break;
		}
	fclose(f);
}

/* The "# version: ..." comment of a rule file (clouds.tsv, signatures.tsv). */
static void version_comment(const char *path, char *out, size_t n)
{
	out[0] = '\0';
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	char line[512];
	for (int i = 0; i < 60 && fgets(line, sizeof line, f); i++)
		if (!strncmp(line, "# version:", 10)) {
			const char *v = line + 10;
			while (*v == ' ')
				v++;
			snprintf(out, n, "%.*s", (int)strcspn(v, "\r\n"), v);
			break;
		}
	fclose(f);
}

static void finish(struct data_set *d, const char *mtime_of)
{
	if (!d->loaded)
		return;
	if (data_set_date(d->version, d->date) < 0 && mtime_of)
		mtime_date(mtime_of, d->date);
}

size_t data_sets_describe(const struct oui_db *oui, const struct ipdb *ip, const struct clouds *cl,
			  const struct classifier *cls, const struct infra *inf,
			  struct data_set out[static DATA_SETS])
{
	static const char *const names[DATA_SETS] = { "oui", "country", "asn", "clouds", "signatures",
								   "infrastructure" };
	memset(out, 0, DATA_SETS * sizeof *out);
	for (int i = 0; i < DATA_SETS; i++)
		out[i].name = names[i];
	if (oui) {
		out[0].loaded = 1;
		snprintf(out[0].version, sizeof out[0].version, "%s", oui_version(oui, 0));
		snprintf(out[0].path, sizeof out[0].path, "%s", oui_dir(oui, 0));
		if (oui_dir(oui, 1)[0])
			snprintf(out[0].fallback, sizeof out[0].fallback, "%s (%s)", oui_version(oui, 1),
				 oui_dir(oui, 1));
		finish(&out[0], NULL);
	}
	const char *cp = ipdb_country_path(ip), *ap = ipdb_asn_path(ip);
	if (cp[0]) {
		out[1].loaded = 1;
		snprintf(out[1].path, sizeof out[1].path, "%s", cp);
		version_beside(cp, "country", out[1].version, sizeof out[1].version);
		finish(&out[1], cp);
	}
	if (ap[0]) {
		out[2].loaded = 1;
		snprintf(out[2].path, sizeof out[2].path, "%s", ap);
		version_beside(ap, "asn", out[2].version, sizeof out[2].version);
		finish(&out[2], ap);
	}
	const char *rp[3] = { cl ? clouds_path(cl) : "", cls ? classifier_path(cls) : "",
			      inf ? infra_path(inf) : "" };
	for (int i = 0; i < 3; i++)
		if (rp[i][0]) {
			struct data_set *d = &out[3 + i];
			d->loaded = 1;
			snprintf(d->path, sizeof d->path, "%s", rp[i]);
			version_comment(rp[i], d->version, sizeof d->version);
			finish(d, rp[i]);
		}
	return DATA_SETS;
}
