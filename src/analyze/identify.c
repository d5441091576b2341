/* identify.c - what each device is: the evidence the report holds about it,
 * handed to the classifier (intel/classify.h). */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/report.h"
#include "intel/classify.h"

#define MAX_ITEMS 256

struct items {
	struct class_item v[MAX_ITEMS];
	size_t n;
};

/* Add once: the same evidence twice would count twice. */
static void add(struct items *it, const char *source, const char *value)
{
	if (!value || !*value || it->n == MAX_ITEMS)
		return;
	for (size_t i = 0; i < it->n; i++)
		if (!strcmp(it->v[i].source, source) && !strcmp(it->v[i].value, value))
			return;
	it->v[it->n++] = (struct class_item){ source, value };
}

/* A LAN service the device answered on */
static int serves(const struct rep_dest *x)
{
	return !x->internet && x->inbound && x->port && x->pkts_up && /* it answered */
	       (x->proto == IPPROTO_TCP || x->proto == IPPROTO_UDP);
}

void report_serves(struct rep_device *d)
{
	d->n_serves = 0;
	for (size_t j = 0; j < d->n_dests && d->n_serves < REP_SERVES_MAX; j++) {
		const struct rep_dest *x = &d->dests[j];
		if (!serves(x))
			continue;
		size_t ns = d->n_serves++;
		d->serves[ns] = (struct rep_service){ x->proto, x->port };
		snprintf(d->serves_words[ns], sizeof d->serves_words[ns], "%s/%u", rep_proto_name(x->proto), x->port);
	}
}

static void identify(struct rep_device *d, const struct classifier *c)
{
	struct items it = { .n = 0 };
	add(&it, "maker", d->maker);
	if (d->randomized_mac)
		add(&it, "randomized-mac", "yes");
	for (size_t i = 0; i < d->n_attrs; i++) {
		const char *k = d->attrs[i].kind, *v = d->attrs[i].value;
		if (!strcmp(k, "tuya-gwid") || !strcmp(k, "tuya-product-key"))
			add(&it, "tuya", "yes");
		else
			add(&it, k, v);
		if (!d->miio_model[0] && miio_model_from_name(v, d->miio_model, sizeof d->miio_model))
			add(&it, "miio-model", d->miio_model);
	}
	report_serves(d);
	for (size_t j = 0, ns = 0; j < d->n_dests; j++) {
		const struct rep_dest *x = &d->dests[j];
		if (x->internet) {
			add(&it, "cloud", x->company);
			add(&it, "domain", x->domain);
		} else if (ns < d->n_serves && serves(x)) { /* in the order report_serves took them */
			add(&it, "serves", d->serves_words[ns++]);
		}
	}
	struct class_result res;
	classify(c, it.v, it.n, &res);
	d->kind = res.kind;
	d->what = res.what;
	d->brand = res.brand;
	d->chip = res.chip;
	d->confidence = res.confidence;
	d->hits = calloc(res.n_hits ? res.n_hits : 1, sizeof *d->hits);
	if (d->hits) {
		memcpy(d->hits, res.hits, res.n_hits * sizeof *d->hits);
		d->n_hits = res.n_hits;
	}
	/* nothing better: the registered maker is the brand */
	if (!d->brand && d->maker)
		d->brand = d->maker;
}

void report_identify(struct report *r, const struct classifier *c)
{
	for (size_t k = 0; k < r->n_devices; k++) {
		struct rep_device *d = &r->devices[k];
		if (d->gateway) { /* forwards internet traffic: it is the router */
			identify(d, c);
			d->kind = "network";
			d->what = "router (gateway to the internet)";
			d->confidence = 1.0;
			continue;
		}
		identify(d, c);
	}
}
