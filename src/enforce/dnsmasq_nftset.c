/* dnsmasq_nftset.c - the dnsmasq-nftset back end: nftset= lines that let
 * dnsmasq fill the ruleset's name sets (nft.h, the live form) from the
 * answers it gives, for routers where dnsmasq answers the devices and
 * alfoil watch does not run. One line per name, every set it fills:
 *
 *   nftset=/a.io.mi.com/4#inet#alfoil#d68c63a000002_g0_n4,6#inet#alfoil#d68c63a000002_g0_n6
 *
 * (fw4's form: table inet fw4, the sets named alfoil_*). What dnsmasq adds
 * has no timeout, and an answer from its cache adds nothing: the sets keep
 * what they were given until the rules are loaded again (docs/openwrt.md). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "enforce/backend.h"

struct ns_line {
	char name[254];
	char *sets; /* "4#inet#alfoil#S,6#..." */
	size_t len;
};

struct ns_ctx {
	struct ns_line *v;
	size_t n, cap;
	const char *table, *prefix;
	int oom;
};

static void add(void *vctx, const char *name, const char *set, int v6)
{
	struct ns_ctx *c = vctx;
	size_t k;
	if (c->oom || strlen(name) > 253)
		return;
	for (k = 0; k < c->n && strcasecmp(c->v[k].name, name); k++)
		;
	if (k == c->n) {
		if (c->n == c->cap) {
			size_t cap = c->cap ? c->cap * 2 : 32;
			struct ns_line *v = realloc(c->v, cap * sizeof *v);
			if (!v) {
				c->oom = 1;
				return;
			}
			c->v = v;
			c->cap = cap;
		}
		memset(&c->v[k], 0, sizeof c->v[k]);
		for (size_t i = 0; name[i]; i++)
			c->v[k].name[i] = (char)tolower((unsigned char)name[i]);
		c->n++;
	}
	struct ns_line *l = &c->v[k];
	size_t add_len = strlen(c->table) + strlen(c->prefix) + strlen(set) + 16;
	char *s = realloc(l->sets, l->len + add_len);
	if (!s) {
		c->oom = 1;
		return;
	}
	l->sets = s;
	l->len += (size_t)snprintf(s + l->len, add_len, "%s%c#inet#%s#%s%s", l->len ? "," : "", v6 ? '6' : '4',
				   c->table, c->prefix, set);
}

int dnsmasq_nftset_write(FILE *f, const struct enforce_job *job, struct enforce_stats *st, char *err, size_t errlen)
{
	struct ns_ctx c = { .table = job->format == NFT_FW4 ? "fw4" : "alfoil",
			    .prefix = job->format == NFT_FW4 ? "alfoil_" : "" };
	nft_name_sets(job->devs, job->n_devs, add, &c);
	if (!c.oom) {
		fprintf(f, "# dnsmasq: conf-file=THIS; fills the name sets of the ruleset that\n"
			   "# 'alfoil enforce --dns-sets%s' writes (table inet %s) from dnsmasq's answers.\n"
			   "# dnsmasq's elements have no timeout and its cached answers add none: see\n"
			   "# docs/openwrt.md (alfoil watch --enforce keeps them by TTL instead).\n",
			job->format == NFT_FW4 ? " --nft-format fw4" : "", c.table);
		for (size_t k = 0; k < c.n; k++)
			fprintf(f, "nftset=/%s/%s\n", c.v[k].name, c.v[k].sets);
		st->names = c.n;
	}
	for (size_t k = 0; k < c.n; k++)
		free(c.v[k].sets);
	free(c.v);
	if (c.oom) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}
