/* clouds.c - domain suffix -> company and service (see clouds.h). */
#include "intel/clouds.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intel/paths.h"

#define CLOUDS_MAX_RULES 100000
#define CLOUDS_MAX_NAME 255

struct clouds {
	struct cloud *rules; /* sorted by suffix */
	size_t n;
	char *text;          /* the file, fields cut in place */
	char path[2400];
};

static int cmp_rule(const void *a, const void *b)
{
	return strcmp(((const struct cloud *)a)->suffix, ((const struct cloud *)b)->suffix);
}

static char *read_all(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		size_t r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
		if (r == 0)
			break;
		if (n + 1 == cap) {
			if (cap >= (64u << 20)) {
				snprintf(err, errlen, "%s: larger than 64 MiB", path);
				free(buf);
				buf = NULL;
				break;
			}
			char *nb = realloc(buf, cap *= 2);
			if (!nb) {
				free(buf);
				buf = NULL;
			}
			buf = nb;
		}
	}
	fclose(f);
	if (buf)
		buf[n] = '\0';
	else if (!err[0])
		snprintf(err, errlen, "%s: out of memory", path);
	return buf;
}

struct clouds *clouds_load(const char *path, char *err, size_t errlen)
{
	char dir[2200], full[2400];
	err[0] = '\0';
	if (!path) {
		intel_find_dir("ALFOIL_SHARE_DIR", "share", "clouds.tsv", dir, sizeof dir);
		snprintf(full, sizeof full, "%s/clouds.tsv", dir);
		path = full;
	}
	struct clouds *c = calloc(1, sizeof *c);
	if (!c || !(c->text = read_all(path, err, errlen))) {
		free(c);
		return NULL;
	}
	snprintf(c->path, sizeof c->path, "%s", path);
	size_t cap = 0, lineno = 0;
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
		char *f1 = line, *f2 = strchr(f1, '\t'), *f3 = f2 ? strchr(f2 + 1, '\t') : NULL;
		if (!f2 || !f3 || strchr(f3 + 1, '\t')) {
			snprintf(err, errlen, "%s:%zu: want 3 tab-separated fields (suffix, company, service)", path,
				 lineno);
			goto fail;
		}
		*f2++ = '\0';
		*f3++ = '\0';
		for (char *p = f1; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		if (!*f1 || !*f2 || strlen(f1) > CLOUDS_MAX_NAME || f1[0] == '.' || strchr(f1, ' ')) {
			snprintf(err, errlen, "%s:%zu: bad domain suffix '%s'", path, lineno, f1);
			goto fail;
		}
		if (c->n == cap) {
			if (cap >= CLOUDS_MAX_RULES) {
				snprintf(err, errlen, "%s:%zu: more than %d rules", path, lineno, CLOUDS_MAX_RULES);
				goto fail;
			}
			cap = cap ? 2 * cap : 256;
			struct cloud *r = realloc(c->rules, cap * sizeof *r);
			if (!r) {
				snprintf(err, errlen, "%s: out of memory", path);
				goto fail;
			}
			c->rules = r;
		}
		c->rules[c->n++] = (struct cloud){ f1, f2, f3 };
	}
	qsort(c->rules, c->n, sizeof *c->rules, cmp_rule);
	for (size_t i = 1; i < c->n; i++)
		if (!strcmp(c->rules[i].suffix, c->rules[i - 1].suffix)) {
			snprintf(err, errlen, "%s: '%s' is listed twice", path, c->rules[i].suffix);
			goto fail;
		}
	return c;
fail:
	clouds_free(c);
	return NULL;
}

void clouds_free(struct clouds *c)
{
	if (!c)
		return;
	free(c->rules);
	free(c->text);
	free(c);
}

size_t clouds_count(const struct clouds *c)
{
	return c ? c->n : 0;
}

const struct cloud *clouds_match(const struct clouds *c, const char *name)
{
	char buf[CLOUDS_MAX_NAME + 1];
	size_t n = 0;
	if (!c || !name)
		return NULL;
	for (; name[n] && n < CLOUDS_MAX_NAME; n++)
		buf[n] = (char)tolower((unsigned char)name[n]);
	if (name[n])
		return NULL; /* longer than any DNS name */
	while (n && buf[n - 1] == '.')
		n--;
	buf[n] = '\0';
	/* the name, then each suffix after a dot: the first hit is the longest */
	for (const char *s = buf; s && *s;) {
		struct cloud key = { s, NULL, NULL };
		const struct cloud *hit = bsearch(&key, c->rules, c->n, sizeof *c->rules, cmp_rule);
		if (hit)
			return hit;
		s = strchr(s, '.');
		if (s)
			s++;
	}
	return NULL;
}

const char *clouds_path(const struct clouds *c)
{
	return c ? c->path : "";
}
