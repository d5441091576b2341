/* dnslist.c - what the DNS back ends share (see dnslist.h). */
#include "enforce/dnslist.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

int dns_blocks_make(const struct inrep *rep, const struct nft_device *devs, size_t nd, struct dns_blocks *out)
{
	size_t total = 0, nn = 0;
	memset(out, 0, sizeof *out);
	for (size_t k = 0; k < nd; k++) {
		const struct inrep_dev *r = inrep_find(rep, devs[k].mac);
		total += r ? r->n_queries : 0;
	}
	out->v = calloc(nd + 1, sizeof *out->v);
	out->names = malloc((total + 1) * sizeof *out->names);
	if (!out->v || !out->names)
		return -1;
	for (size_t k = 0; k < nd; k++) {
		const struct nft_device *d = &devs[k];
		const struct inrep_dev *r = inrep_find(rep, d->mac);
		if (d->policy == POL_ALLOW)
			continue;
		size_t first = nn;
		for (size_t j = 0; r && j < r->n_queries; j++) {
			int allowed = 0;
			if (d->policy == POL_PROFILE && d->profile)
				for (size_t q = 0; q < d->profile->n && !allowed; q++)
					allowed = !strcasecmp(d->profile->rules[q].dnsname, r->queries[j]);
			if (!allowed)
				out->names[nn++] = r->queries[j];
		}
		out->v[out->n++] = (struct dns_block){ d, out->names + first, nn - first };
	}
	return 0;
}

void dns_blocks_free(struct dns_blocks *b)
{
	free(b->v);
	free(b->names);
	memset(b, 0, sizeof *b);
}

void dnslist_mac_id(const char *mac, char id[static 13])
{
	size_t k = 0;
	for (const char *p = mac; *p && k < 12; p++)
		if (*p != ':')
			id[k++] = *p;
	id[k] = '\0';
}

/* a name already written for an earlier device (formats without clients) */
static int seen_before(const struct dns_block *b, size_t i, size_t j)
{
	for (size_t a = 0; a <= i; a++)
		for (size_t c = 0; c < (a == i ? j : b[a].n_names); c++)
			if (!strcasecmp(b[a].names[c], b[i].names[j]))
				return 1;
	return 0;
}

size_t dnslist_everyone(FILE *f, const struct enforce_job *job, const char *who, dnslist_line_fn line)
{
	const struct dns_block *b = job->blocks;
	fprintf(f, "# made by alfoil enforce from MUD profiles and policies\n"
		   "# NOTE: %s cannot answer one client differently from another: every name\n"
		   "# below is blocked for EVERY client of this server (the phone's app that\n"
		   "# controls a device included). Use --unbound for per-device blocks.\n",
		who);
	size_t w = 0;
	for (size_t i = 0; i < job->n_blocks; i++)
		for (size_t j = 0; j < b[i].n_names; j++) {
			if (seen_before(b, i, j))
				continue;
			line(f, b[i].names[j], b[i].dev->mac, policy_name(b[i].dev->policy));
			w++;
		}
	if (w && job->warn)
		job->warn("%s blocks these %zu name%s for every client, not only the devices "
			  "that looked them up (--unbound blocks per device)",
			  who, w, w == 1 ? "" : "s");
	return w;
}
