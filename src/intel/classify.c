/* classify.c - device kind, brand and chip from evidence (see classify.h). */
#include "intel/classify.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "intel/paths.h"

#define MAX_RULES 20000
#define MAX_VOTES 32

struct rule {
	const char *source, *pattern, *kind, *what, *brand, *chip;
	int weight, line;
};

/* The rules of one source, in the file's order: an item is matched with
 * those alone (the same hits, in the same order, as trying every rule). */
struct group {
	const char *source;
	size_t *rule, n;
};

struct classifier {
	struct rule *rules;
	size_t n;
	struct group *groups;
	size_t n_groups;
	size_t *order; /* the groups' rule indices */
	char *text;
	char path[2400];
};

static const char *const kinds[] = {
	"bulb", "plug", "switch", "sensor", "gateway", "camera", "speaker", "tv", "phone",
	"computer", "printer", "network", "appliance", "wearable",
};

static int known_kind(const char *k)
{
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (!strcmp(k, kinds[i]))
			return 1;
	return 0;
}

static char *slurp(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	fseek(f, 0, SEEK_END);
	long sz = ftell(f);
	fseek(f, 0, SEEK_SET);
	if (sz < 0 || sz > (16 << 20)) {
		snprintf(err, errlen, "%s: not a readable file of at most 16 MiB", path);
		fclose(f);
		return NULL;
	}
	char *b = malloc((size_t)sz + 1);
	size_t r = b ? fread(b, 1, (size_t)sz, f) : 0;
	fclose(f);
	if (!b) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	b[r] = '\0';
	return b;
}

static const char *dash_null(const char *s)
{
	return !strcmp(s, "-") ? NULL : s;
}

/* The rules' groups by source; -1 out of memory. */
static int group_rules(struct classifier *c)
{
	c->order = malloc((c->n ? c->n : 1) * sizeof *c->order);
	c->groups = malloc((c->n ? c->n : 1) * sizeof *c->groups);
	if (!c->order || !c->groups)
		return -1;
	size_t k = 0;
	for (size_t r = 0; r < c->n; r++) {
		size_t g = 0;
		while (g < c->n_groups && strcmp(c->groups[g].source, c->rules[r].source))
			g++;
		if (g < c->n_groups)
			continue; /* placed with the first rule of its source */
		struct group *x = &c->groups[c->n_groups++];
		x->source = c->rules[r].source;
		x->rule = c->order + k;
		x->n = 0;
		for (size_t q = r; q < c->n; q++)
			if (!strcmp(c->rules[q].source, x->source))
				x->rule[x->n++] = q;
		k += x->n;
	}
	return 0;
}

static const struct group *group_of(const struct classifier *c, const char *source)
{
	for (size_t g = 0; g < c->n_groups; g++)
		if (!strcmp(c->groups[g].source, source))
			return &c->groups[g];
	return NULL;
}

struct classifier *classifier_load(const char *path, char *err, size_t errlen)
{
	char dir[2200], full[2400];
	err[0] = '\0';
	if (!path) {
		intel_find_dir("ALFOIL_SHARE_DIR", "share", "signatures.tsv", dir, sizeof dir);
		snprintf(full, sizeof full, "%s/signatures.tsv", dir);
		path = full;
	}
	struct classifier *c = calloc(1, sizeof *c);
	if (!c || !(c->text = slurp(path, err, errlen))) {
		free(c);
		return NULL;
	}
	snprintf(c->path, sizeof c->path, "%s", path);
	size_t cap = 0;
	int lineno = 0;
	for (char *line = c->text, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		size_t l = strlen(line);
		if (l && line[l - 1] == '\r')
			line[--l] = '\0';
		if (!l || line[0] == '#')
			continue;
		char *f[8];
		int nf = 0;
		for (char *p = line; nf < 8; nf++) {
			f[nf] = p;
			p = strchr(p, '\t');
			if (!p) {
				nf++;
				break;
			}
			*p++ = '\0';
		}
		if (nf != 7) {
			snprintf(err, errlen, "%s:%d: want 7 tab-separated fields (source, pattern, kind, what, brand, chip, weight), got %d",
				 path, lineno, nf);
			goto fail;
		}
		char *end;
		long w = strtol(f[6], &end, 10);
		if (*end || w < 1 || w > 100) {
			snprintf(err, errlen, "%s:%d: weight '%s' is not 1..100", path, lineno, f[6]);
			goto fail;
		}
		if (strcmp(f[2], "-") && !known_kind(f[2])) {
			snprintf(err, errlen, "%s:%d: unknown kind '%s'", path, lineno, f[2]);
			goto fail;
		}
		if (c->n == cap) {
			if (cap >= MAX_RULES) {
				snprintf(err, errlen, "%s:%d: more than %d rules", path, lineno, MAX_RULES);
				goto fail;
			}
			cap = cap ? 2 * cap : 256;
			struct rule *r = realloc(c->rules, cap * sizeof *r);
			if (!r) {
				snprintf(err, errlen, "%s: out of memory", path);
				goto fail;
			}
			c->rules = r;
		}
		c->rules[c->n++] = (struct rule){ f[0], f[1], dash_null(f[2]), dash_null(f[3]),
						  dash_null(f[4]), dash_null(f[5]), (int)w, lineno };
	}
	if (group_rules(c) < 0) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto fail;
	}
	return c;
fail:
	classifier_free(c);
	return NULL;
}

void classifier_free(struct classifier *c)
{
	if (!c)
		return;
	free(c->rules);
	free(c->groups);
	free(c->order);
	free(c->text);
	free(c);
}

size_t classifier_rules(const struct classifier *c)
{
	return c ? c->n : 0;
}

struct vote {
	const char *name;
	const char *what; /* kinds: the heaviest rule's description */
	int weight, what_weight;
};

static void add_vote(struct vote *v, size_t *n, const char *name, int w, const char *what)
{
	if (!name)
		return;
	for (size_t i = 0; i < *n; i++)
		if (!strcasecmp(v[i].name, name)) {
			v[i].weight += w;
			if (what && w > v[i].what_weight)
				v[i].what = what, v[i].what_weight = w;
			return;
		}
	if (*n < MAX_VOTES)
		v[(*n)++] = (struct vote){ name, what, w, what ? w : 0 };
}

static const struct vote *best(const struct vote *v, size_t n, int *total)
{
	const struct vote *b = NULL;
	*total = 0;
	for (size_t i = 0; i < n; i++) {
		*total += v[i].weight;
		if (!b || v[i].weight > b->weight)
			b = &v[i];
	}
	return b;
}

static int cmp_hit(const void *a, const void *b)
{
	return ((const struct class_hit *)b)->weight - ((const struct class_hit *)a)->weight;
}

void classify(const struct classifier *c, const struct class_item *items, size_t n, struct class_result *out)
{
	struct vote kv[MAX_VOTES], bv[MAX_VOTES], cv[MAX_VOTES];
	size_t nk = 0, nb = 0, nc = 0;
	struct class_hit all[256];
	size_t nall = 0;
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < n && c; i++) {
		if (!items[i].value || !*items[i].value)
			continue;
		const struct group *g = group_of(c, items[i].source);
		for (size_t k = 0; g && k < g->n; k++) {
			const struct rule *ru = &c->rules[g->rule[k]];
			if (fnmatch(ru->pattern, items[i].value, FNM_CASEFOLD) != 0)
				continue;
			add_vote(kv, &nk, ru->kind, ru->weight, ru->what);
			add_vote(bv, &nb, ru->brand, ru->weight, NULL);
			add_vote(cv, &nc, ru->chip, ru->weight, NULL);
			if (nall < sizeof all / sizeof all[0])
				all[nall++] = (struct class_hit){ items[i].source, items[i].value, ru->kind, ru->what,
								  ru->brand, ru->chip, ru->weight, ru->line };
		}
	}
	int tk, tb, tc;
	const struct vote *k = best(kv, nk, &tk), *b = best(bv, nb, &tb), *ch = best(cv, nc, &tc);
	out->kind = k ? k->name : "unknown";
	out->what = k ? k->what : NULL;
	out->brand = b ? b->name : NULL;
	out->chip = ch && (!out->brand || strcasecmp(ch->name, out->brand)) ? ch->name : NULL;
	if (k) {
		double strength = k->weight >= 100 ? 1.0 : k->weight / 100.0;
		out->confidence = strength * ((double)k->weight / tk);
		out->confidence = (int)(out->confidence * 100 + 0.5) / 100.0;
	}
	qsort(all, nall, sizeof all[0], cmp_hit);
	out->n_hits = nall < CLASS_MAX_EVIDENCE ? nall : CLASS_MAX_EVIDENCE;
	memcpy(out->hits, all, out->n_hits * sizeof all[0]);
}

int miio_model_from_name(const char *name, char *out, size_t n)
{
	/* brand-type-version_miio<digits>, with '-' (or '.') between parts */
	const char *m = strstr(name, "_miio");
	if (!m || m == name || !isdigit((unsigned char)m[5]))
		return 0;
	size_t len = (size_t)(m - name), dashes = 0;
	if (len + 1 > n || len > 63)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char ch = name[i];
		if (ch == '-' || ch == '.') {
			dashes++;
			out[i] = '.';
		} else if (isalnum((unsigned char)ch)) {
			out[i] = (char)tolower((unsigned char)ch);
		} else {
			return 0;
		}
	}
	out[len] = '\0';
	return dashes == 2;
}

const char *classifier_path(const struct classifier *c)
{
	return c ? c->path : "";
}
