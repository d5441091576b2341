/* polfile.c - the policy file (see polfile.h). */
#include "enforce/polfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "enforce/names.h"

static int blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* the next word of line[*at..n): letters, digits and :-_ only; its length */
static size_t word(const char *line, size_t n, size_t *at, const char **w)
{
	while (*at < n && blank(line[*at]))
		(*at)++;
	*w = line + *at;
	size_t k = 0;
	while (*at < n && !blank(line[*at]) && line[*at] != '=')
		(*at)++, k++;
	return k;
}

static int kind_ok(const char *s, size_t n)
{
	if (!n || n > 31)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

static int add_mac(struct polfile *p, const char *mac, enum policy pol)
{
	for (size_t k = 0; k < p->n_macs; k++)
		if (!strcmp(p->macs[k].mac, mac)) {
			p->macs[k].pol = pol;
			return 0;
		}
	if (p->n_macs == POLFILE_MAX_MACS)
		return 1;
	if ((p->n_macs & (p->n_macs - 1)) == 0) { /* 0, 1, 2, 4 ...: grow */
		struct polfile_mac *v = realloc(p->macs, (p->n_macs ? p->n_macs * 2 : 1) * sizeof *v);
		if (!v)
			return -1;
		p->macs = v;
	}
	memcpy(p->macs[p->n_macs].mac, mac, 18);
	p->macs[p->n_macs++].pol = pol;
	return 0;
}

/* One line without its newline: 0 good (or blank), 1 bad (said), -1 out of memory. */
static int one_line(const char *name, int lineno, const char *line, size_t n, struct polfile *p,
		    void (*err)(const char *fmt, ...))
{
	const char *h = memchr(line, '#', n);
	if (h)
		n = (size_t)(h - line);
	if (memchr(line, '\0', n)) {
		err("%s:%d: a NUL byte", name, lineno);
		return 1;
	}
	size_t at = 0;
	const char *key, *val;
	size_t kl = word(line, n, &at, &key);
	while (at < n && blank(line[at]))
		at++;
	if (!kl && at == n)
		return 0; /* blank or only a comment */
	if (!kl || at == n || line[at] != '=') {
		err("%s:%d: want 'MAC = policy', 'kind:KIND = policy', 'default = policy' or 'new = policy'", name, lineno);
		return 1;
	}
	at++;
	size_t vl = word(line, n, &at, &val);
	while (at < n && blank(line[at]))
		at++;
	char v[32];
	enum policy pol;
	if (kl == 10 && !strncasecmp(key, "controller", 10)) {
		char mac[18], raw[32];
		snprintf(raw, sizeof raw, "%.*s", (int)(vl < sizeof raw ? vl : sizeof raw - 1), val);
		int rc = vl && vl < sizeof raw && at == n ? enforce_mac_norm(raw, mac) : MAC_SYNTAX;
		if (rc != MAC_OK) {
			err("%s:%d: 'controller = MAC': '%.*s' is %s", name, lineno, (int)(vl > 40 ? 40 : vl), val,
			    enforce_mac_why(rc));
			return 1;
		}
		for (size_t i = 0; i < p->n_controllers; i++)
			if (!strcmp(p->controllers[i], mac))
				return 0;
		if (p->n_controllers == POLFILE_MAX_KINDS) {
			err("%s:%d: more than %d controller lines", name, lineno, POLFILE_MAX_KINDS);
			return 1;
		}
		char (*c)[18] = realloc(p->controllers, (p->n_controllers + 1) * sizeof *c);
		if (!c)
			return -1;
		p->controllers = c;
		memcpy(p->controllers[p->n_controllers++], mac, 18);
		return 0;
	}
	if (!vl || at != n) {
		err("%s:%d: want one policy after '=' (allow, profile, local-only or quarantine)", name, lineno);
		return 1;
	}
	snprintf(v, sizeof v, "%.*s", (int)(vl < sizeof v ? vl : sizeof v - 1), val);
	if (vl >= sizeof v || policy_parse(v, &pol) < 0) {
		err("%s:%d: '%.*s' is not allow, profile, local-only or quarantine", name, lineno,
		    (int)(vl > 40 ? 40 : vl), val);
		return 1;
	}
	if (kl == 7 && !strncasecmp(key, "default", 7)) {
		p->def = pol;
		p->def_set = 1;
		return 0;
	}
	if (kl == 3 && !strncasecmp(key, "new", 3)) {
		if (pol != POL_ALLOW && pol != POL_LOCAL_ONLY && pol != POL_QUARANTINE) {
			err("%s:%d: 'new' (devices never seen before) takes local-only, quarantine or allow (off)",
			    name, lineno);
			return 1;
		}
		p->newp = pol;
		return 0;
	}
	if (kl > 5 && !strncasecmp(key, "kind:", 5)) {
		if (!kind_ok(key + 5, kl - 5)) {
			err("%s:%d: a kind is letters, digits, '-' or '_' (at most 31)", name, lineno);
			return 1;
		}
		if (p->n_kinds == POLFILE_MAX_KINDS) {
			err("%s:%d: more than %d kind lines", name, lineno, POLFILE_MAX_KINDS);
			return 1;
		}
		snprintf(p->kinds[p->n_kinds].kind, sizeof p->kinds[0].kind, "%.*s", (int)(kl - 5), key + 5);
		p->kinds[p->n_kinds++].pol = pol;
		return 0;
	}
	char raw[24], mac[18];
	int rc = kl < sizeof raw ? (snprintf(raw, sizeof raw, "%.*s", (int)kl, key), enforce_mac_norm(raw, mac))
				 : MAC_SYNTAX;
	if (rc != MAC_OK) {
		err("%s:%d: '%.*s' is %s", name, lineno, (int)(kl > 40 ? 40 : kl), key, enforce_mac_why(rc));
		return 1;
	}
	rc = add_mac(p, mac, pol);
	if (rc > 0)
		err("%s:%d: more than %d MAC lines", name, lineno, POLFILE_MAX_MACS);
	return rc;
}

int polfile_parse(const char *name, const char *text, size_t len, struct polfile *out,
		  void (*err)(const char *fmt, ...))
{
	memset(out, 0, sizeof *out);
	out->def = POL_PROFILE;
	int bad = 0, lineno = 0;
	for (size_t at = 0; at < len;) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - (text + at)) : len - at;
		lineno++;
		int rc;
		if (n >= POLFILE_MAX_LINE) {
			err("%s:%d: line longer than %d bytes", name, lineno, POLFILE_MAX_LINE - 1);
			rc = 1;
		} else {
			rc = one_line(name, lineno, text + at, n, out, err);
		}
		if (rc < 0)
			return -1;
		bad += rc;
		at += n + (nl != NULL);
	}
	return bad;
}

void polfile_free(struct polfile *p)
{
	free(p->macs);
	free(p->controllers);
	memset(p, 0, sizeof *p);
}

/* (polfile.h) */
int polfile_read(const char *path, struct polfile *pf, void (*err)(const char *fmt, ...))
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t len = 0, cap = 0, n;
	const size_t most = 16u << 20;
	memset(pf, 0, sizeof *pf);
	if (!f) {
		err("%s: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (len == cap) { /* one byte beyond the limit tells a file too large */
			size_t want = cap ? (cap * 2 > most + 1 ? most + 1 : cap * 2) : 65536;
			char *t = want > cap ? realloc(text, want) : NULL;
			if (!t && want > cap) {
				err("out of memory");
				goto bad;
			}
			if (t) {
				text = t;
				cap = want;
			}
		}
		if (len == cap || (n = fread(text + len, 1, cap - len, f)) == 0)
			break;
		len += n;
	}
	if (len > most) {
		err("%s: larger than 16 MiB: not a policy file", path);
		goto bad;
	}
	if (ferror(f)) {
		err("%s: %s", path, strerror(errno));
		goto bad;
	}
	fclose(f);
	int bad = polfile_parse(path, text ? text : "", len, pf, err);
	free(text);
	if (bad < 0)
		err("out of memory");
	return bad ? -1 : 0;
bad:
	fclose(f);
	free(text);
	return -1;
}
