/* findings.c - the detector table, configuration, blocklist, baseline and
 * the helpers detectors share (see findings.h). */
#include "analyze/findings.h"
#include "analyze/report_load.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The detectors: each is one file (find_*.c, defining find_NAME) and one
 * line here, in the order they run. */
#define DETECTORS(X) \
	X(find_lateral)  \
	X(find_dns)      \
	X(find_cleartext) \
	X(find_exposure) \
	X(find_phonehome) \
	X(find_knownbad) \
	X(find_p2p)      \
	X(find_relay)    \
	X(find_profile)

#define DECLARE(d) extern const struct detector d;
#define ENTRY(d) &d,
DETECTORS(DECLARE)
static const struct detector *const table[] = { DETECTORS(ENTRY) };

const struct detector *const *detectors(size_t *n)
{
	*n = sizeof table / sizeof table[0];
	return table;
}

static const char *const sev_names[] = { "info", "low", "medium", "high", "critical" };

const char *severity_name(enum severity s)
{
	return (unsigned)s <= SEV_CRITICAL ? sev_names[s] : "?";
}

int severity_parse(const char *s, enum severity *out)
{
	for (int i = 0; i <= SEV_CRITICAL; i++)
		if (!strcasecmp(s, sev_names[i])) {
			*out = (enum severity)i;
			return 0;
		}
	return -1;
}

/* ---- configuration ---------------------------------------------------- */

static const char *const default_resolvers[] = {
	"8.8.8.8", "8.8.4.4", "1.1.1.1", "1.0.0.1", "9.9.9.9", "149.112.112.112", "208.67.222.222",
	"208.67.220.220", "114.114.114.114", "114.114.115.115", "223.5.5.5", "223.6.6.6", "180.76.76.76",
	"119.29.29.29", "2001:4860:4860::8888", "2001:4860:4860::8844", "2606:4700:4700::1111",
	"2606:4700:4700::1001",
};
static const char *const default_doh[] = {
	"dns.google", "dns.google.com", "cloudflare-dns.com", "mozilla.cloudflare-dns.com", "dns.quad9.net",
	"doh.opendns.com", "dns.alidns.com", "doh.pub", "dns.nextdns.io", "doh.360.cn",
};

void find_config_default(struct find_config *c)
{
	static const unsigned admin[] = { 22, 23, 139, 445, 3389, 5900, 2323 };
	memset(c, 0, sizeof *c);
	c->scan_hosts = 16;
	c->scan_ports = 20;
	c->scan_window_us = 3600ull * 1000000;
	memcpy(c->admin_ports, admin, sizeof admin);
	c->n_admin_ports = sizeof admin / sizeof admin[0];
	for (size_t i = 0; i < sizeof default_resolvers / sizeof *default_resolvers; i++)
		snprintf(c->public_resolvers[c->n_public_resolvers++], ADDR_STRLEN, "%s", default_resolvers[i]);
	for (size_t i = 0; i < sizeof default_doh / sizeof *default_doh; i++)
		snprintf(c->doh_domains[c->n_doh_domains++], 64, "%s", default_doh[i]);
	c->unresolved_min = 3;
	c->upload_bytes = 50000000;
	c->infra_bytes = 10000;
	c->abroad_upload_bytes = 1000000;
	static const char *const up_kinds[] = { "camera", "appliance", "speaker", "tv" };
	for (size_t i = 0; i < sizeof up_kinds / sizeof *up_kinds; i++)
		snprintf(c->abroad_upload_kinds[c->n_abroad_upload_kinds++], 16, "%s", up_kinds[i]);
	c->entropy_min_len = 24;
	c->entropy_bits = 3.8;
	c->entropy_names = 10;
	c->telnet_hosts = 5;
	c->telnet_tries = 10;
	c->garp_storm = 50;
	c->beacon_flows = 8;
	c->beacon_jitter = 0.2;
	c->upload_factor = 10;
	c->min_severity = SEV_INFO;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* Comma-separated items into fixed slots; -1 when too many or too long. */
static int split_list(char *v, char *slots, size_t slot_len, size_t max, size_t *n)
{
	*n = 0;
	for (char *save = NULL, *tok = strtok_r(v, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		tok = trim(tok);
		if (!*tok)
			continue;
		if (*n == max || strlen(tok) >= slot_len)
			return -1;
		snprintf(slots + *n * slot_len, slot_len, "%s", tok);
		(*n)++;
	}
	return 0;
}

static int parse_uint(const char *v, unsigned long long max, unsigned long long *out)
{
	char *end;
	errno = 0;
	unsigned long long x = strtoull(v, &end, 10);
	if (errno || end == v || *end || x > max || v[0] == '-')
		return -1;
	*out = x;
	return 0;
}

/* "3600", "90s", "10m", "1h", "7d"; "0" (no unit needed): no window. */
static int parse_duration(const char *v, uint64_t *us)
{
	char *end;
	errno = 0;
	if (!isdigit((unsigned char)v[0]))
		return -1;
	unsigned long long x = strtoull(v, &end, 10);
	uint64_t unit = 1;
	switch (*end) {
	case '\0': case 's': unit = 1; break;
	case 'm': unit = 60; break;
	case 'h': unit = 3600; break;
	case 'd': unit = 86400; break;
	default: return -1;
	}
	if (errno || (*end && end[1]) || x > 365ull * 86400 / unit)
		return -1;
	*us = x * unit * 1000000;
	return 0;
}

int find_config_load(const char *path, struct find_config *c, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char line[2048];
	int lineno = 0;
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof line, f)) {
		lineno++;
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		char *s = trim(line);
		if (!*s)
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			snprintf(err, errlen, "%s:%d: want 'key = value'", path, lineno);
			goto bad;
		}
		*eq = '\0';
		char *k = trim(s), *v = trim(eq + 1);
		unsigned long long u;
		int ok = 0;
		struct {
			const char *key;
			unsigned long long max;
			uint64_t *u64;
			unsigned *u32;
		} nums[] = {
			{ "scan_hosts", 1000000, NULL, &c->scan_hosts },
			{ "scan_ports", 65535, NULL, &c->scan_ports },
			{ "unresolved_min", 1000000, NULL, &c->unresolved_min },
			{ "upload_bytes", UINT64_MAX, &c->upload_bytes, NULL },
			{ "infra_bytes", UINT64_MAX, &c->infra_bytes, NULL },
			{ "abroad_upload_bytes", UINT64_MAX, &c->abroad_upload_bytes, NULL },
			{ "entropy_min_len", 63, NULL, &c->entropy_min_len },
			{ "entropy_names", 1000000, NULL, &c->entropy_names },
			{ "telnet_hosts", 1000000, NULL, &c->telnet_hosts },
			{ "telnet_tries", 1000000, NULL, &c->telnet_tries },
			{ "garp_storm", 1000000, NULL, &c->garp_storm },
			{ "beacon_flows", 1000000, NULL, &c->beacon_flows },
			{ "upload_factor", 1000000, NULL, &c->upload_factor },
		};
		size_t ni;
		for (ni = 0; ni < sizeof nums / sizeof nums[0]; ni++)
			if (!strcmp(k, nums[ni].key))
				break;
		if (ni < sizeof nums / sizeof nums[0]) {
			if ((ok = parse_uint(v, nums[ni].max, &u) == 0 && u > 0)) {
				if (nums[ni].u64)
					*nums[ni].u64 = u;
				else
					*nums[ni].u32 = (unsigned)u;
			}
		} else if (!strcmp(k, "scan_window")) {
			ok = parse_duration(v, &c->scan_window_us) == 0;
		} else if (!strcmp(k, "beacon_jitter")) {
			char *end;
			double d = strtod(v, &end);
			if ((ok = *v && !*end && d > 0 && d < 10))
				c->beacon_jitter = d;
		} else if (!strcmp(k, "entropy_bits")) {
			char *end;
			double d = strtod(v, &end);
			if ((ok = *v && !*end && d > 0 && d <= 8))
				c->entropy_bits = d;
		} else if (!strcmp(k, "admin_ports")) {
			char tmp[FIND_MAX_LIST][8];
			size_t n;
			ok = split_list(v, &tmp[0][0], 8, FIND_MAX_LIST, &n) == 0;
			for (size_t i = 0; ok && i < n; i++) {
				ok = parse_uint(tmp[i], 65535, &u) == 0 && u > 0;
				c->admin_ports[i] = (unsigned)u;
			}
			if (ok)
				c->n_admin_ports = n;
		} else if (!strcmp(k, "public_resolvers")) {
			ok = split_list(v, &c->public_resolvers[0][0], ADDR_STRLEN, FIND_MAX_LIST, &c->n_public_resolvers) == 0;
		} else if (!strcmp(k, "abroad_upload_kinds")) {
			ok = split_list(v, &c->abroad_upload_kinds[0][0], 16, FIND_MAX_LIST,
					&c->n_abroad_upload_kinds) == 0;
		} else if (!strcmp(k, "doh_domains")) {
			ok = split_list(v, &c->doh_domains[0][0], 64, FIND_MAX_LIST, &c->n_doh_domains) == 0;
		} else if (!strcmp(k, "watch_countries")) {
			ok = split_list(v, &c->watch_countries[0][0], 3, FIND_MAX_LIST, &c->n_watch_countries) == 0;
			for (size_t i = 0; ok && i < c->n_watch_countries; i++) {
				char *cc = c->watch_countries[i];
				ok = strlen(cc) == 2 && isalpha((unsigned char)cc[0]) && isalpha((unsigned char)cc[1]);
				cc[0] = (char)toupper((unsigned char)cc[0]);
				cc[1] = (char)toupper((unsigned char)cc[1]);
			}
		} else if (!strcmp(k, "min_severity")) {
			ok = severity_parse(v, &c->min_severity) == 0;
		} else {
			snprintf(err, errlen, "%s:%d: unknown key '%s' (docs/findings.md lists them)", path, lineno, k);
			goto bad;
		}
		if (!ok) {
			snprintf(err, errlen, "%s:%d: bad value '%s' for %s", path, lineno, v, k);
			goto bad;
		}
	}
	fclose(f);
	return 0;
bad:
	fclose(f);
	return -1;
}

/* ---- findings ------------------------------------------------------------ */

struct finding *finding_add(struct findings *f, enum severity sev, const char *kind,
			    const struct rep_device *d, const char *subject)
{
	if (f->n == f->cap) {
		size_t nc = f->cap ? 2 * f->cap : 32;
		struct finding *v = realloc(f->v, nc * sizeof *v);
		if (!v)
			return NULL;
		f->v = v;
		f->cap = nc;
	}
	struct finding *x = &f->v[f->n++];
	memset(x, 0, sizeof *x);
	x->sev = sev;
	x->detector = kind;
	if (d) {
		snprintf(x->device, sizeof x->device, "%s", d->id);
		x->first_us = d->first_us;
		x->last_us = d->last_us;
	}
	snprintf(x->subject, sizeof x->subject, "%s", subject ? subject : "");
	snprintf(x->key, sizeof x->key, "%s/%s/%s", kind, x->device, x->subject);
	return x;
}

/* ---- evidence values ------------------------------------------------------ */

static struct fval *put(struct fset *s, const char *name, enum fv_type t)
{
	if (!s || s->n == FIND_FIELDS)
		return NULL;
	struct fval *v = &s->v[s->n++];
	memset(v, 0, sizeof *v);
	v->name = name;
	v->type = (uint8_t)t;
	return v;
}

static void put_u(struct fset *s, const char *name, enum fv_type t, uint64_t u)
{
	struct fval *v = put(s, name, t);
	if (v)
		v->v.u = u;
}

void fs_addr(struct fset *s, const char *name, const struct ip_addr *a)
{
	struct fval *v = put(s, name, FV_ADDR);
	if (v)
		v->v.addr = *a;
}

void fs_addr_text(struct fset *s, const char *name, const char *text)
{
	struct ip_addr a;
	if (text && addr_parse(&a, text) == 0)
		fs_addr(s, name, &a);
}

void fs_port(struct fset *s, const char *name, unsigned port) { put_u(s, name, FV_PORT, port); }
void fs_proto(struct fset *s, const char *name, unsigned proto) { put_u(s, name, FV_PROTO, proto); }
void fs_count(struct fset *s, const char *name, uint64_t n) { put_u(s, name, FV_COUNT, n); }
void fs_bytes(struct fset *s, const char *name, uint64_t n) { put_u(s, name, FV_BYTES, n); }
void fs_time(struct fset *s, const char *name, uint64_t us) { put_u(s, name, FV_TIME, us); }
void fs_flag(struct fset *s, const char *name, int on) { put_u(s, name, FV_FLAG, on != 0); }

void fs_real(struct fset *s, const char *name, double d)
{
	struct fval *v = put(s, name, FV_REAL);
	if (v)
		v->v.d = d;
}

static void put_s(struct fset *s, const char *name, enum fv_type t, const char *text)
{
	if (!s || !text || s->n == FIND_FIELDS)
		return;
	char *copy = strdup(text);
	struct fval *v = copy ? put(s, name, t) : NULL;
	if (v)
		v->v.s = copy;
}

void fs_name(struct fset *s, const char *name, const char *text) { put_s(s, name, FV_NAME, text); }
void fs_device(struct fset *s, const char *name, const char *id) { put_s(s, name, FV_DEVICE, id); }

struct flist *fs_list(struct fset *s, const char *name)
{
	for (size_t i = 0; s && i < s->n; i++)
		if (s->v[i].type == FV_LIST && !strcmp(s->v[i].name, name))
			return &s->v[i].v.list;
	struct fval *v = put(s, name, FV_LIST);
	return v ? &v->v.list : NULL;
}

struct fset *fl_item(struct flist *l)
{
	if (!l)
		return NULL;
	l->total++;
	if (l->n == FIND_LIST_MAX)
		return NULL;
	if (l->n == l->cap) {
		uint32_t nc = l->cap ? 2 * l->cap : 8;
		if (nc > FIND_LIST_MAX)
			nc = FIND_LIST_MAX;
		struct fset *v = realloc(l->v, nc * sizeof *v);
		if (!v)
			return NULL;
		l->v = v;
		l->cap = nc;
	}
	struct fset *it = &l->v[l->n++];
	it->n = 0;
	return it;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

size_t find_densest(uint64_t *t, size_t n, uint64_t window_us, uint64_t *start)
{
	*start = 0;
	if (!n)
		return 0;
	qsort(t, n, sizeof *t, cmp_u64);
	*start = t[0];
	if (!window_us)
		return n;
	size_t best = 0;
	for (size_t i = 0, j = 0; j < n; j++) {
		while (t[j] - t[i] > window_us)
			i++;
		if (j - i + 1 > best) {
			best = j - i + 1;
			*start = t[i];
		}
	}
	return best;
}

void fs_free(struct fset *s)
{
	for (size_t i = 0; i < s->n; i++) {
		struct fval *v = &s->v[i];
		if (v->type == FV_NAME || v->type == FV_DEVICE)
			free(v->v.s);
		else if (v->type == FV_LIST) {
			for (uint32_t k = 0; k < v->v.list.n; k++)
				fs_free(&v->v.list.v[k]);
			free(v->v.list.v);
		}
	}
	s->n = 0;
}

struct finding *finding_take(struct findings *f, enum severity sev, const char *kind,
			     const struct rep_device *d, const char *subject, struct fset *ev)
{
	struct finding *x = finding_add(f, sev, kind, d, subject);
	if (x) {
		x->ev = *ev;
		ev->n = 0;
	} else {
		fs_free(ev);
	}
	return x;
}

const struct fval *fs_get(const struct fset *s, const char *name)
{
	for (size_t i = 0; s && i < s->n; i++)
		if (!strcmp(s->v[i].name, name))
			return &s->v[i];
	return NULL;
}

uint64_t fs_u(const struct fset *s, const char *name)
{
	const struct fval *v = fs_get(s, name);
	return v && v->type != FV_NAME && v->type != FV_DEVICE && v->type != FV_LIST && v->type != FV_ADDR &&
			       v->type != FV_REAL
		       ? v->v.u : 0;
}

double fs_d(const struct fset *s, const char *name)
{
	const struct fval *v = fs_get(s, name);
	return v && v->type == FV_REAL ? v->v.d : 0;
}

const char *fs_s(const struct fset *s, const char *name)
{
	const struct fval *v = fs_get(s, name);
	return v && (v->type == FV_NAME || v->type == FV_DEVICE) ? v->v.s : NULL;
}

const struct ip_addr *fs_a(const struct fset *s, const char *name)
{
	const struct fval *v = fs_get(s, name);
	return v && v->type == FV_ADDR ? &v->v.addr : NULL;
}

const struct flist *fs_l(const struct fset *s, const char *name)
{
	const struct fval *v = fs_get(s, name);
	return v && v->type == FV_LIST ? &v->v.list : NULL;
}

const char *fv_type_name(enum fv_type t)
{
	static const char *const names[] = { "none", "address", "port", "protocol", "count", "bytes", "real",
					      "name", "device", "time", "flag", "list" };
	return (unsigned)t < sizeof names / sizeof *names ? names[t] : "?";
}

static int cmp_finding(const void *a, const void *b)
{
	const struct finding *x = a, *y = b;
	if (x->sev != y->sev)
		return (int)y->sev - (int)x->sev;
	int c = strcmp(x->device, y->device);
	return c ? c : strcmp(x->key, y->key);
}

void findings_run(const struct report *r, const struct find_inputs *in, struct findings *out)
{
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		table[i]->run(r, in, out);
	size_t k = 0;
	for (size_t i = 0; i < out->n; i++)
		if (out->v[i].sev >= in->cfg->min_severity)
			out->v[k++] = out->v[i];
		else
			fs_free(&out->v[i].ev);
	out->n = k;
	if (out->n > 1)
		qsort(out->v, out->n, sizeof *out->v, cmp_finding);
}

void findings_free(struct findings *f)
{
	for (size_t i = 0; i < f->n; i++)
		fs_free(&f->v[i].ev);
	free(f->v);
	memset(f, 0, sizeof *f);
}

/* ---- blocklist: hosts-file or one entry a line --------------------------- */

struct blocklist {
	char **v;
	size_t n;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct blocklist *blocklist_load(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	size_t cap = 0;
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	struct blocklist *b = calloc(1, sizeof *b);
	while (b && fgets(line, sizeof line, f)) {
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		char *tok[2] = { NULL, NULL }, *save = NULL;
		int nt = 0;
		for (char *t = strtok_r(line, " \t\r\n", &save); t && nt < 2; t = strtok_r(NULL, " \t\r\n", &save))
			tok[nt++] = t;
		if (!nt)
			continue;
		/* hosts format "0.0.0.0 bad.example": the name is the entry */
		const char *e = nt == 2 && (!strcmp(tok[0], "0.0.0.0") || !strcmp(tok[0], "127.0.0.1") ||
					    !strcmp(tok[0], "::") || !strcmp(tok[0], "::1"))
					? tok[1] : tok[0];
		if (b->n == cap) {
			cap = cap ? 2 * cap : 256;
			char **v = realloc(b->v, cap * sizeof *v);
			if (!v)
				break;
			b->v = v;
		}
		char *s = strdup(e);
		if (!s)
			break;
		for (char *p = s; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		b->v[b->n++] = s;
	}
	fclose(f);
	if (b)
		qsort(b->v, b->n, sizeof *b->v, cmp_str);
	return b;
}

void blocklist_free(struct blocklist *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n; i++)
		free(b->v[i]);
	free(b->v);
	free(b);
}

size_t blocklist_count(const struct blocklist *b)
{
	return b ? b->n : 0;
}

/* an address exactly, a name or any of its parent domains */
int blocklist_match(const struct blocklist *b, const char *s)
{
	char buf[256];
	if (!b || !s)
		return 0;
	snprintf(buf, sizeof buf, "%s", s);
	for (char *p = buf; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	for (const char *q = buf; q && *q;) {
		const char *key = q;
		if (bsearch(&key, b->v, b->n, sizeof *b->v, cmp_str))
			return 1;
		q = strchr(q, '.');
		if (q)
			q++;
	}
	return 0;
}

/* ---- baseline: an earlier JSON report ------------------------------------ */

struct baseline {
	char **v; /* "device|destination", sorted */
	size_t n;
	struct base_dev {
		char id[ADDR_STRLEN];
		double up_per_s; /* bytes sent per second of the earlier capture */
	} *devs;
	size_t n_devs;
};

/* Every destination the device opened (by its domain, else its address)
 * and its upload rate over the report's time (whole seconds, as the
 * capture's first and last packet are written). */
struct baseline *baseline_from_report(const struct report *r)
{
	struct baseline *b = calloc(1, sizeof *b);
	size_t n = 0;
	if (!b)
		return NULL;
	for (size_t k = 0; k < r->n_devices; k++)
		n += r->devices[k].n_dests;
	b->devs = calloc(r->n_devices + 1, sizeof *b->devs);
	b->v = calloc(n + 1, sizeof *b->v);
	if (!b->devs || !b->v) {
		baseline_free(b);
		return NULL;
	}
	double span = r->last_us / 1000000 > r->first_us / 1000000 && r->first_us
			      ? (double)(r->last_us / 1000000 - r->first_us / 1000000) : 0;
	for (size_t k = 0; k < r->n_devices; k++) {
		const struct rep_device *d = &r->devices[k];
		struct base_dev *bd = &b->devs[b->n_devs++];
		snprintf(bd->id, sizeof bd->id, "%s", d->id);
		bd->up_per_s = (double)d->bytes_out / (span > 1 ? span : 1);
		for (size_t j = 0; j < d->n_dests; j++) {
			const struct rep_dest *x = &d->dests[j];
			char addr[ADDR_STRLEN];
			const char *dest = x->domain ? x->domain : addr_fmt(&x->addr, addr);
			size_t len = strlen(d->id) + strlen(dest) + 2;
			char *s = malloc(len);
			if (!s) {
				baseline_free(b);
				return NULL;
			}
			snprintf(s, len, "%s|%s", d->id, dest);
			b->v[b->n++] = s;
		}
	}
	qsort(b->v, b->n, sizeof *b->v, cmp_str);
	return b;
}

/* The one reader of reports checks the file (report_load.h); values it
 * leaves out are left out of the baseline too. */
struct baseline *baseline_load(const char *path, char *err, size_t errlen)
{
	struct report *r = report_load(path, NULL, err, errlen);
	if (!r)
		return NULL;
	struct baseline *b = baseline_from_report(r);
	report_free(r);
	if (!b)
		snprintf(err, errlen, "%s: out of memory", path);
	return b;
}

void baseline_free(struct baseline *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n; i++)
		free(b->v[i]);
	free(b->v);
	free(b->devs);
	free(b);
}

double baseline_upload_rate(const struct baseline *b, const char *device)
{
	for (size_t i = 0; b && i < b->n_devs; i++)
		if (!strcmp(b->devs[i].id, device))
			return b->devs[i].up_per_s;
	return -1;
}

int baseline_has(const struct baseline *b, const char *device, const char *dest)
{
	char key[512];
	const char *k = key;
	if (!b)
		return 1;
	snprintf(key, sizeof key, "%s|%s", device, dest);
	return bsearch(&k, b->v, b->n, sizeof *b->v, cmp_str) != NULL;
}
