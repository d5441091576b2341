/* held.c - which device gets which policy (see held.h). */
#include "enforce/held.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Kinds the default policy is not meant for: people's own machines and the
 * network's gear. They get a policy from a MAC or kind line only. */
static int default_skips(const char *kind)
{
	static const char *const not_iot[] = { "phone", "computer", "network" };
	for (size_t i = 0; kind && i < sizeof not_iot / sizeof *not_iot; i++)
		if (!strcasecmp(kind, not_iot[i]))
			return 1;
	return 0;
}

int held_init(struct held *h)
{
	h->nd = 0;
	h->devs = calloc(HELD_MAX_DEVS, sizeof *h->devs);
	h->named = calloc(HELD_MAX_DEVS, sizeof *h->named);
	h->kind_of = calloc(HELD_MAX_DEVS, sizeof *h->kind_of);
	return h->devs && h->named && h->kind_of ? 0 : -1;
}

void held_free(struct held *h)
{
	free(h->devs);
	free(h->named);
	free(h->kind_of);
	memset(h, 0, sizeof *h);
}

/* The device of this MAC, made (allow, no profile) when new and room is
 * left; NULL when not. */
struct nft_device *held_get(struct held *h, const char *mac, int make)
{
	for (size_t k = 0; k < h->nd; k++)
		if (!strcmp(h->devs[k].mac, mac))
			return &h->devs[k];
	if (!make || h->nd == HELD_MAX_DEVS)
		return NULL;
	struct nft_device *d = &h->devs[h->nd++];
	memset(d, 0, sizeof *d);
	memcpy(d->mac, mac, sizeof d->mac);
	d->policy = POL_ALLOW;
	return d;
}

/* The policy of every device: its profile, then the policy file's MAC
 * lines, the report's devices (addresses, kinds: kind lines), kind:unknown
 * and the default. */
void held_assign(struct held *h, const struct mud_set *set, const struct polfile *pf, const struct inrep *in_rep,
		 void (*warn)(const char *fmt, ...))
{
	for (size_t i = 0; i < set->n; i++) {
		struct nft_device *d = held_get(h, set->v[i].mac, 1);
		d->policy = POL_PROFILE;
		d->profile = &set->v[i].p;
	}
	for (size_t i = 0; i < pf->n_macs; i++) {
		struct nft_device *d = held_get(h, pf->macs[i].mac, 1);
		if (!d)
			continue;
		d->policy = pf->macs[i].pol;
		h->named[d - h->devs] = 1;
	}
	/* the report: addresses of devices, kinds */
	for (size_t i = 0; i < in_rep->n_devs; i++) {
		const struct inrep_dev *r = &in_rep->devs[i];
		const char *kind = r->kind[0] ? r->kind : "unknown";
		/* a device without a profile that a kind line or the default
		 * (other than profile) may cover; never the router itself */
		int may = (pf->n_kinds || (pf->def_set && pf->def != POL_PROFILE)) && !r->router;
		struct nft_device *d = held_get(h, r->mac, may);
		if (!d)
			continue;
		size_t k = (size_t)(d - h->devs);
		snprintf(h->kind_of[k], sizeof h->kind_of[k], "%s", kind);
		for (size_t a = 0; a < r->n_addrs && d->n_addrs < NFT_DEV_ADDRS; a++)
			memcpy(d->addrs[d->n_addrs++], r->addrs[a], sizeof d->addrs[0]);
		for (size_t q = 0; !h->named[k] && q < pf->n_kinds; q++)
			if (!strcasecmp(pf->kinds[q].kind, kind)) {
				d->policy = pf->kinds[q].pol;
				h->named[k] = 2;
			}
	}
	/* kind:unknown covers the devices the report does not place (or has not) */
	for (size_t k = 0; k < h->nd; k++)
		for (size_t q = 0; !h->named[k] && !h->kind_of[k][0] && q < pf->n_kinds; q++)
			if (!strcasecmp(pf->kinds[q].kind, "unknown")) {
				h->devs[k].policy = pf->kinds[q].pol;
				h->named[k] = 2;
			}
	/* devices no line names take the default, if it is meant for them */
	for (size_t k = 0; pf->def_set && k < h->nd; k++) {
		struct nft_device *d = &h->devs[k];
		if (h->named[k])
			continue;
		if (!default_skips(h->kind_of[k])) {
			d->policy = pf->def;
		} else if (pf->def != POL_ALLOW && pf->def != POL_PROFILE) {
			d->policy = d->profile ? POL_PROFILE : POL_ALLOW;
			if (warn)
				warn("%s is a %s: the default (%s) is for appliances; it gets %s "
				 "(a MAC or kind line gives it another)",
				 d->mac, h->kind_of[k], policy_name(pf->def), policy_name(d->policy));
		}
	}
}

