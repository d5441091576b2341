/* countries.c - the jurisdiction view: per destination country, the
 * devices that talk there, bytes each way, the organisations and domains. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/report.h"

/* Add bytes to a top list of (name, bytes); names kept by pointer. */
static void top_add(const char **names, uint64_t *bytes, size_t *n, const char *name, uint64_t b)
{
	if (!name || !*name)
		return;
	for (size_t i = 0; i < *n; i++)
		if (!strcmp(names[i], name)) {
			bytes[i] += b;
			return;
		}
	if (*n < REP_COUNTRY_TOP) {
		names[*n] = name;
		bytes[(*n)++] = b;
		return;
	}
	/* full: replace the smallest when this one is larger */
	size_t min = 0;
	for (size_t i = 1; i < *n; i++)
		if (bytes[i] < bytes[min])
			min = i;
	if (b > bytes[min]) {
		names[min] = name;
		bytes[min] = b;
	}
}

static void top_sort(const char **names, uint64_t *bytes, size_t n)
{
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && bytes[j] > bytes[j - 1]; j--) {
			const char *tn = names[j];
			uint64_t tb = bytes[j];
			names[j] = names[j - 1], bytes[j] = bytes[j - 1];
			names[j - 1] = tn, bytes[j - 1] = tb;
		}
}

/* The name a person gave the device: the label set with `alfoil device
 * --label` (history), else its DHCP or mDNS host name:
 * "chuangmi-camera-ipc019" of "chuangmi-camera-ipc019_miio317265904", a
 * ".local" cut. Names that are only digits (device ids) are skipped. */
static void device_display(struct rep_device *d)
{
	if (d->label && *d->label) {
		char text[ADDR_STRLEN];
		const char *a = d->n_ipv4 ? addr_fmt(&d->ipv4[0], text) : d->n_ipv6 ? addr_fmt(&d->ipv6[0], text) : d->id;
		snprintf(d->display, sizeof d->display, "%s (%s)", d->label, a);
		return;
	}
	static const char *const sources[] = { "dhcp-hostname", "mdns-hostname", "mdns-instance",
					       "dhcpv6-fqdn" };
	char text[ADDR_STRLEN];
	const char *addr = d->n_ipv4 ? addr_fmt(&d->ipv4[0], text) : d->n_ipv6 ? addr_fmt(&d->ipv6[0], text) : NULL;
	const char *name = NULL;
	for (size_t s = 0; s < sizeof sources / sizeof *sources && !name; s++)
		for (size_t i = 0; i < d->n_names && !name; i++)
			if (!strcmp(d->names[i].source, sources[s]) && d->names[i].name[0] &&
			    strspn(d->names[i].name, "0123456789") != strlen(d->names[i].name))
				name = d->names[i].name;
	if (!name) {
		if (addr && strcmp(addr, d->id))
			snprintf(d->display, sizeof d->display, "%s (%s)", addr, d->id);
		else
			snprintf(d->display, sizeof d->display, "%s", d->id);
		return;
	}
	size_t n = strlen(name);
	const char *miio = strstr(name, "_miio");
	if (miio && miio[5] && strspn(miio + 5, "0123456789") == strlen(miio + 5))
		n = (size_t)(miio - name);
	if (n > 6 && !strcmp(name + n - 6, ".local"))
		n -= 6;
	if (n > 60)
		n = 60;
	snprintf(d->display, sizeof d->display, "%.*s (%s)", (int)n, name, addr ? addr : d->id);
}

/* Fold a device's infrastructure (time servers, connectivity checks) into
 * one entry per label: destinations, countries, bytes. */
static void fold_infra(struct rep_device *d)
{
	char seen[REP_INFRA_MAX][32][3];
	d->n_infra = 0;
	for (size_t j = 0; j < d->n_dests; j++) {
		const struct rep_dest *x = &d->dests[j];
		if (!x->internet || !x->folded)
			continue;
		size_t i;
		for (i = 0; i < d->n_infra; i++)
			if (!strcmp(d->infra[i].label, x->infra))
				break;
		if (i == d->n_infra) {
			if (i == REP_INFRA_MAX)
				continue;
			memset(&d->infra[i], 0, sizeof d->infra[i]);
			d->infra[i].label = x->infra;
			d->n_infra++;
		}
		struct rep_infra *fi = &d->infra[i];
		fi->n_dests++;
		fi->bytes_up += x->bytes_up;
		fi->bytes_down += x->bytes_down;
		size_t c;
		for (c = 0; c < fi->n_countries && c < 32; c++)
			if (!strcmp(seen[i][c], x->country))
				break;
		if (c == fi->n_countries && c < 32 && x->country[0]) {
			memcpy(seen[i][c], x->country, 3);
			fi->n_countries++;
		}
	}
}

static int cmp_country(const void *a, const void *b)
{
	const struct rep_country *x = a, *y = b;
	if (x->bytes_up != y->bytes_up)
		return x->bytes_up > y->bytes_up ? -1 : 1;
	return strcmp(x->cc, y->cc);
}

void report_countries(struct report *r)
{
	size_t cap = 0;
	for (size_t k = 0; k < r->n_devices; k++) {
		struct rep_device *d = &r->devices[k];
		device_display(d);
		if (d->gateway)
			continue; /* forwarded traffic belongs to the devices */
		fold_infra(d);
		for (size_t j = 0; j < d->n_dests; j++) {
			struct rep_dest *x = &d->dests[j];
			if (!x->internet || !x->country[0] || x->folded)
				continue;
			size_t c;
			for (c = 0; c < r->n_countries; c++)
				if (!strcmp(r->countries[c].cc, x->country))
					break;
			if (c == r->n_countries) {
				if (c == cap) {
					size_t nc = cap ? 2 * cap : 16;
					struct rep_country *g = realloc(r->countries, nc * sizeof *g);
					if (!g)
						return;
					r->countries = g;
					cap = nc;
				}
				memset(&r->countries[c], 0, sizeof r->countries[c]);
				memcpy(r->countries[c].cc, x->country, 3);
				r->countries[c].home = !strcmp(x->country, r->home_country);
				r->n_countries++;
			}
			struct rep_country *rc = &r->countries[c];
			rc->n_dests++;
			rc->bytes_up += x->bytes_up;
			rc->bytes_down += x->bytes_down;
			top_add(rc->devices, rc->device_up, &rc->n_device_list, d->id, x->bytes_up);
			top_add(rc->orgs, rc->org_bytes, &rc->n_orgs, x->company ? x->company : x->org,
				x->bytes_up + x->bytes_down);
			top_add(rc->domains, rc->domain_bytes, &rc->n_domains, x->domain, x->bytes_up + x->bytes_down);
		}
	}
	/* devices per country, counted exactly (the top list may be cut) */
	for (size_t c = 0; c < r->n_countries; c++) {
		struct rep_country *rc = &r->countries[c];
		for (size_t k = 0; k < r->n_devices; k++) {
			const struct rep_device *d = &r->devices[k];
			if (d->gateway)
				continue;
			for (size_t j = 0; j < d->n_dests; j++)
				if (d->dests[j].internet && !d->dests[j].folded &&
				    !strcmp(d->dests[j].country, rc->cc)) {
					rc->n_devices++;
					break;
				}
		}
		top_sort(rc->devices, rc->device_up, rc->n_device_list);
		top_sort(rc->orgs, rc->org_bytes, rc->n_orgs);
		top_sort(rc->domains, rc->domain_bytes, rc->n_domains);
	}
	if (r->n_countries > 1)
		qsort(r->countries, r->n_countries, sizeof *r->countries, cmp_country);
}

void report_count(struct report *r)
{
	memset(&r->totals, 0, sizeof r->totals);
	for (size_t k = 0; k < r->n_devices; k++) {
		struct rep_device *d = &r->devices[k];
		int abroad = 0;
		d->n_internet_dests = d->n_folded = d->n_listed = 0;
		for (size_t j = 0; j < d->n_dests; j++) {
			const struct rep_dest *x = &d->dests[j];
			if (!x->internet)
				continue;
			d->n_internet_dests++;
			d->n_folded += x->folded != 0;
			/* the country view's: a known country, not folded */
			abroad |= x->abroad && x->country[0] && !x->folded;
		}
		d->n_listed = d->n_internet_dests - d->n_folded;
		d->n_local_dests = d->n_dests - d->n_internet_dests;
		r->totals.internet_dests += d->n_internet_dests;
		if (d->gateway)
			continue; /* forwarded traffic belongs to the devices */
		r->totals.devices_internet += d->n_internet_dests > 0;
		r->totals.devices_abroad += abroad;
	}
	for (size_t c = 0; c < r->n_countries; c++)
		r->totals.countries_abroad += !r->countries[c].home;
	for (size_t i = 0; i < r->n_inputs; i++)
		if (r->inputs[i].live) {
			r->totals.live = 1;
			r->totals.received += r->inputs[i].received;
			r->totals.dropped += r->inputs[i].dropped + r->inputs[i].if_dropped;
		}
}
