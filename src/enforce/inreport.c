/* inreport.c - what enforce takes from a report's records (see inreport.h). */
#include "enforce/inreport.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/report.h"
#include "enforce/names.h"
#include "lib/addr.h"
#include "lib/hostname.h"

int inrep_name_norm(const char *s, char out[static 254])
{
	if (!s || !hostname_ok(s) || !strchr(s, '.'))
		return -1;
	size_t n = strlen(s);
	if (s[n - 1] == '.')
		n--;
	if (!memchr(s, '.', n))
		return -1;
	for (size_t i = 0; i < n; i++)
		out[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
	out[n] = '\0';
	return 0;
}

static int kind_ok(const char *s)
{
	size_t n = strlen(s);
	if (!n || n > 31)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '-' ||
		      *s == '_'))
			return 0;
	return 1;
}

/* warnings of one device, at most INREP_WARN_PER_DEV */
struct said {
	const char *file, *mac;
	size_t n;
	void (*warn)(const char *fmt, ...);
};

static void bad_text(struct said *s, const char *what, const char *why, const char *txt)
{
	char esc[160];
	s->n++;
	if (s->n > INREP_WARN_PER_DEV || !s->warn)
		return;
	s->warn("%s: %s: %s %s%s%s is %s, left out", s->file, s->mac, what, txt ? "\"" : "",
		txt ? hostname_escape(txt, esc, sizeof esc) : "(not a string)", txt ? "\"" : "", why);
}

static void set_kind(struct inrep_dev *d, const char *kind, struct said *s, size_t *skipped)
{
	if (kind && *kind && !kind_ok(kind)) {
		bad_text(s, "kind", "not letters, digits, '-' or '_'", kind);
		(*skipped)++;
	} else if (kind && *kind && !d->kind[0]) {
		snprintf(d->kind, sizeof d->kind, "%s", kind);
	}
}

/* canon in the one text form: once each, NFT_DEV_ADDRS at most; its index or -1 */
static int keep_addr(struct inrep_dev *d, const char canon[static 46])
{
	for (size_t k = 0; k < d->n_addrs; k++)
		if (!strcmp(d->addrs[k], canon))
			return (int)k;
	if (d->n_addrs == NFT_DEV_ADDRS)
		return -1;
	memcpy(d->addrs[d->n_addrs], canon, 46);
	return (int)d->n_addrs++;
}

static bool addr_global(const char *a)
{
	struct ip_addr ip;
	return addr_parse(&ip, a) == 0 && addr_scope(&ip) == SCOPE_GLOBAL;
}

struct addr_ref {
	const char *a;
	size_t dev;
};

static int cmp_ref(const void *x, const void *y)
{
	const struct addr_ref *p = x, *q = y;
	int c = strcmp(p->a, q->a);
	return c ? c : (p->dev > q->dev) - (p->dev < q->dev);
}

/* Whether a device other than self has a; all sorted by address. */
static bool listed_by_other(const struct addr_ref *all, size_t n, size_t self, const char *a)
{
	size_t lo = 0, hi = n;
	while (lo < hi) { /* the first entry not below a */
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(all[mid].a, a) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < n && !strcmp(all[lo].a, a); lo++)
		if (all[lo].dev != self)
			return true;
	return false;
}

/* A device's address it only sent from is left out of its sets when it
 * is global or another device has it too: else one spoofed frame from
 * 8.8.8.8 or from the NAS's address, and a quarantine of the sender,
 * would cut everyone off from those. */
static int drop_unproven(struct inrep *r, const char *file, void (*warn)(const char *fmt, ...))
{
	size_t n = 0;
	for (size_t k = 0; k < r->n_devs; k++)
		n += r->devs[k].n_addrs;
	struct addr_ref *all = calloc(n ? n : 1, sizeof *all);
	if (!all)
		return -1;
	n = 0;
	for (size_t k = 0; k < r->n_devs; k++)
		for (size_t i = 0; i < r->devs[k].n_addrs; i++)
			all[n++] = (struct addr_ref){ r->devs[k].addrs[i], k };
	qsort(all, n, sizeof *all, cmp_ref);
	/* decide first, then compact: the sorted refs point into the lists */
	for (size_t k = 0; k < r->n_devs; k++) {
		struct inrep_dev *d = &r->devs[k];
		for (size_t i = 0; i < d->n_addrs; i++) {
			if (!d->unproven[i])
				continue;
			bool global = addr_global(d->addrs[i]);
			if (!global && !listed_by_other(all, n, k, d->addrs[i]))
				continue;
			d->unproven[i] = 2;
			r->skipped++;
			if (warn)
				warn("%s: %s: address %s left out: the device only sent from it (no ARP, NDP, "
				     "DHCP lease or answer shows it is its own), and it is %s",
				     file, d->mac, d->addrs[i], global ? "a global address" : "another device's too");
		}
	}
	free(all);
	for (size_t k = 0; k < r->n_devs; k++) {
		struct inrep_dev *d = &r->devs[k];
		size_t w = 0;
		for (size_t i = 0; i < d->n_addrs; i++) {
			if (d->unproven[i] == 2)
				continue;
			if (w != i)
				memcpy(d->addrs[w], d->addrs[i], sizeof d->addrs[w]);
			d->unproven[w++] = d->unproven[i];
		}
		d->n_addrs = w;
	}
	return 0;
}

/* duplicates are taken out at the end (sorted: a report may hold 65536 names) */
static int add_query(struct inrep_dev *d, const char *name)
{
	if ((d->n_queries & (d->n_queries - 1)) == 0) {
		char **v = realloc(d->queries, (d->n_queries ? d->n_queries * 2 : 1) * sizeof *v);
		if (!v)
			return -1;
		d->queries = v;
	}
	if (!(d->queries[d->n_queries] = strdup(name)))
		return -1;
	d->n_queries++;
	return 0;
}

static int add_answer(struct inrep *r, const char *name, const char *addr)
{
	if ((r->n_answers & (r->n_answers - 1)) == 0) {
		struct inrep_answer *v = realloc(r->answers, (r->n_answers ? r->n_answers * 2 : 1) * sizeof *v);
		if (!v)
			return -1;
		r->answers = v;
	}
	snprintf(r->answers[r->n_answers].name, sizeof r->answers[0].name, "%s", name);
	snprintf(r->answers[r->n_answers].addr, sizeof r->answers[0].addr, "%s", addr);
	r->n_answers++;
	return 0;
}

static struct inrep_dev *dev_of(struct inrep *r, const char *mac, int *oom)
{
	for (size_t k = 0; k < r->n_devs; k++)
		if (!strcmp(r->devs[k].mac, mac))
			return &r->devs[k];
	if (r->n_devs == INREP_MAX_DEVS)
		return NULL;
	if ((r->n_devs & (r->n_devs - 1)) == 0) {
		struct inrep_dev *v = realloc(r->devs, (r->n_devs ? r->n_devs * 2 : 1) * sizeof *v);
		if (!v) {
			*oom = 1;
			return NULL;
		}
		r->devs = v;
	}
	struct inrep_dev *d = &r->devs[r->n_devs++];
	memset(d, 0, sizeof *d);
	memcpy(d->mac, mac, sizeof d->mac);
	return d;
}

/* A looked-up name: kept in the one form, or told and counted; -1: out of memory */
static int query_of(struct inrep *r, struct inrep_dev *d, const char *name, struct said *s)
{
	char nm[254];
	if (inrep_name_norm(name, nm) < 0) {
		bad_text(s, "looked-up name", "not a host name with a dot", name);
		r->skipped++;
		return 0;
	}
	return add_query(d, nm);
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int answer_cmp(const void *pa, const void *pb)
{
	const struct inrep_answer *a = pa, *b = pb;
	int c = strcmp(a->name, b->name);
	return c ? c : strcmp(a->addr, b->addr);
}

static void uniq(struct inrep *r)
{
	for (size_t k = 0; k < r->n_devs; k++) {
		struct inrep_dev *d = &r->devs[k];
		size_t w = 0;
		if (d->n_queries)
			qsort(d->queries, d->n_queries, sizeof *d->queries, str_cmp);
		for (size_t q = 0; q < d->n_queries; q++) {
			if (w && !strcmp(d->queries[w - 1], d->queries[q]))
				free(d->queries[q]);
			else
				d->queries[w++] = d->queries[q];
		}
		d->n_queries = w;
	}
	size_t w = 0;
	if (r->n_answers)
		qsort(r->answers, r->n_answers, sizeof *r->answers, answer_cmp);
	for (size_t q = 0; q < r->n_answers; q++)
		if (!w || answer_cmp(&r->answers[w - 1], &r->answers[q]))
			r->answers[w++] = r->answers[q];
	r->n_answers = w;
}

int inrep_from_report(const struct report *rep, const char *name, struct inrep *out,
		      void (*warn)(const char *fmt, ...))
{
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < rep->n_devices; i++) {
		const struct rep_device *dv = &rep->devices[i];
		char mac[18], esc[64];
		int rc = dv->has_mac ? enforce_mac_norm(dv->id, mac) : MAC_SYNTAX, oom = 0;
		if (rc != MAC_OK) {
			if (dv->has_mac && warn)
				warn("%s: device %zu: its MAC \"%s\" is %s, skipped", name, i,
				     hostname_escape(dv->id, esc, sizeof esc), enforce_mac_why(rc));
			out->skipped++;
			continue;
		}
		struct inrep_dev *d = dev_of(out, mac, &oom);
		if (!d) {
			if (oom)
				return -1;
			if (!out->skipped_devs++ && warn)
				warn("%s: more than %d devices: the rest are left out", name, INREP_MAX_DEVS);
			out->skipped++;
			continue;
		}
		struct said s = { name, d->mac, 0, warn };
		d->router |= dv->gateway;
		set_kind(d, dv->kind, &s, &out->skipped);
		if (dv->confidence > d->confidence && dv->confidence <= 1.0)
			d->confidence = dv->confidence;
		/* the records' addresses are values: one text form, the family right */
		for (int v6 = 0; v6 <= 1; v6++) {
			const struct ip_addr *a = v6 ? dv->ipv6 : dv->ipv4;
			size_t n = v6 ? dv->n_ipv6 : dv->n_ipv4;
			uint32_t unproven = v6 ? dv->ipv6_unproven : dv->ipv4_unproven;
			for (size_t j = 0; j < n; j++) {
				char canon[46];
				addr_fmt(&a[j], canon);
				int k = keep_addr(d, canon);
				if (k >= 0 && j < 32 && (unproven >> j & 1))
					d->unproven[k] = 1;
			}
		}
		for (size_t j = 0; j < dv->n_queries; j++)
			if (query_of(out, d, dv->queries[j].name, &s) < 0)
				return -1;
		for (size_t j = 0; j < dv->n_resolved; j++) {
			char nm[254], canon[46];
			if (inrep_name_norm(dv->resolved[j].name, nm) < 0) {
				bad_text(&s, "answer name", "not a host name with a dot", dv->resolved[j].name);
				out->skipped++;
				continue;
			}
			if (add_answer(out, nm, addr_fmt(&dv->resolved[j].addr, canon)) < 0)
				return -1;
		}
		if (s.n > INREP_WARN_PER_DEV && warn)
			warn("%s: %s: %zu more values left out", name, d->mac, s.n - INREP_WARN_PER_DEV);
	}
	uniq(out);
	return drop_unproven(out, name, warn);
}

const struct inrep_dev *inrep_find(const struct inrep *r, const char *mac)
{
	for (size_t k = 0; r && k < r->n_devs; k++)
		if (!strcmp(r->devs[k].mac, mac))
			return &r->devs[k];
	return NULL;
}

void inrep_free(struct inrep *r)
{
	for (size_t k = 0; k < r->n_devs; k++) {
		for (size_t q = 0; q < r->devs[k].n_queries; q++)
			free(r->devs[k].queries[q]);
		free(r->devs[k].queries);
	}
	free(r->devs);
	free(r->answers);
	memset(r, 0, sizeof *r);
}
