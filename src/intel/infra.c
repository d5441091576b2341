/* infra.c - time servers and connectivity checks (see infra.h). */
#include "intel/infra.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "intel/paths.h"

#define INFRA_MAX_RULES 10000

struct infra_rule {
	char rule[256];   /* a domain suffix, or "udp/123" */
	char label[64];
	int is_port;
};

struct infra {
	struct infra_rule *rules;
	size_t n;
	char path[2400];
};

static int parse_port_rule(const char *s)
{
	if (strncmp(s, "tcp/", 4) && strncmp(s, "udp/", 4))
		return 0;
	char *end;
	long p = strtol(s + 4, &end, 10);
	return *end == '\0' && p > 0 && p < 65536;
}

struct infra *infra_load(const char *path, char *err, size_t errlen)
{
	char dir[2200], full[2400], line[1024];
	err[0] = '\0';
	if (!path) {
		intel_find_dir("ALFOIL_SHARE_DIR", "share", "infrastructure.tsv", dir, sizeof dir);
		snprintf(full, sizeof full, "%s/infrastructure.tsv", dir);
		path = full;
	}
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	struct infra *in = calloc(1, sizeof *in);
	size_t cap = 0, lineno = 0;
	while (in && fgets(line, sizeof line, f)) {
		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		char *rule = line, *cls = strchr(rule, '\t'), *label = cls ? strchr(cls + 1, '\t') : NULL;
		if (!label || strchr(label + 1, '\t') || !label[1] || cls == rule || label == cls + 1) {
			snprintf(err, errlen, "%s:%zu: want 3 tab-separated fields (rule, class, label)", path,
				 lineno);
			goto fail;
		}
		*cls = *label = '\0';
		label++;
		if (strlen(rule) >= sizeof in->rules->rule || strlen(label) >= sizeof in->rules->label) {
			snprintf(err, errlen, "%s:%zu: rule or label too long", path, lineno);
			goto fail;
		}
		if (in->n == cap) {
			if (cap >= INFRA_MAX_RULES) {
				snprintf(err, errlen, "%s: more than %d rules", path, INFRA_MAX_RULES);
				goto fail;
			}
			size_t nc = cap ? 2 * cap : 64;
			struct infra_rule *nr = realloc(in->rules, nc * sizeof *nr);
			if (!nr) {
				snprintf(err, errlen, "%s: out of memory", path);
				goto fail;
			}
			in->rules = nr;
			cap = nc;
		}
		struct infra_rule *r = &in->rules[in->n++];
		memcpy(r->rule, rule, strlen(rule) + 1);   /* lengths checked above */
		memcpy(r->label, label, strlen(label) + 1);
		r->is_port = parse_port_rule(rule);
		if (!r->is_port && strchr(rule, '/')) {
			snprintf(err, errlen, "%s:%zu: '%s' is neither a domain nor tcp/PORT or udp/PORT", path,
				 lineno, rule);
			goto fail;
		}
	}
	fclose(f);
	if (!in)
		snprintf(err, errlen, "%s: out of memory", path);
	else
		snprintf(in->path, sizeof in->path, "%s", path);
	return in;
fail:
	fclose(f);
	infra_free(in);
	return NULL;
}

void infra_free(struct infra *in)
{
	if (!in)
		return;
	free(in->rules);
	free(in);
}

size_t infra_count(const struct infra *in)
{
	return in ? in->n : 0;
}

const char *infra_path(const struct infra *in)
{
	return in ? in->path : "";
}

const char *infra_match(const struct infra *in, const char *proto, uint16_t port, const char *name)
{
	if (!in)
		return NULL;
	char svc[16];
	snprintf(svc, sizeof svc, "%s/%u", proto ? proto : "", port);
	size_t nl = name ? strlen(name) : 0;
	if (nl && name[nl - 1] == '.')
		nl--;
	const struct infra_rule *best = NULL;
	size_t best_len = 0;
	for (size_t i = 0; i < in->n; i++) {
		const struct infra_rule *r = &in->rules[i];
		if (r->is_port) {
			if (!strcmp(r->rule, svc))
				return r->label;
			continue;
		}
		size_t rl = strlen(r->rule);
		if (!nl || rl > nl || rl <= best_len)
			continue;
		if (strncasecmp(name + nl - rl, r->rule, rl))
			continue;
		if (rl == nl || name[nl - rl - 1] == '.') {
			best = r;
			best_len = rl;
		}
	}
	return best ? best->label : NULL;
}
