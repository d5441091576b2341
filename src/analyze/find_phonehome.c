/* find_phonehome.c - phoning home: destinations in watched countries,
 * destinations new since a baseline, uploads far larger than a device's
 * usual, and DNS names that look like data (tunnelling). */
#include <math.h>

#include "analyze/find_util.h"

/* A destination with what it was sent, as a list item. */
static struct fset *up_item(struct fset *ev, const struct rep_dest *x)
{
	struct fset *it = dest_item(fs_list(ev, "destinations"), x);
	fs_bytes(it, "bytes_up", x->bytes_up);
	fs_name(it, "country", x->country);
	return it;
}

/* A camera, speaker or appliance that sends megabytes abroad: its video or
 * sound may be leaving the country, whatever the user wanted. Folded
 * infrastructure (NTP, connectivity checks) does not count. */
static void upload_abroad(const struct rep_device *d, const struct find_config *c, struct findings *out)
{
	int kind_ok = 0;
	for (size_t i = 0; d->kind && i < c->n_abroad_upload_kinds; i++)
		kind_ok |= !strcmp(d->kind, c->abroad_upload_kinds[i]);
	if (!kind_ok || !c->abroad_upload_bytes)
		return;
	uint64_t up = 0;
	for (size_t i = 0; i < d->n_dests; i++) {
		const struct rep_dest *x = &d->dests[i];
		if (x->internet && x->abroad && !x->folded)
			up += x->bytes_up;
	}
	if (up < c->abroad_upload_bytes)
		return;
	struct finding *f = finding_add(out, SEV_MEDIUM, "upload-abroad", d, "abroad");
	if (!f)
		return;
	fs_name(&f->ev, "brand", d->brand);
	fs_name(&f->ev, "kind", d->kind);
	fs_bytes(&f->ev, "bytes_up", up);
	for (size_t i = 0; i < d->n_dests; i++) { /* largest first */
		const struct rep_dest *x = &d->dests[i];
		if (x->internet && x->abroad && !x->folded && x->bytes_up)
			fs_name(up_item(&f->ev, x), "company", x->company);
	}
}

/* Shannon entropy of the first label, bits per character. */
static double label_entropy(const char *name, size_t *len)
{
	unsigned counts[256] = { 0 };
	size_t n = 0;
	for (const char *p = name; *p && *p != '.'; p++, n++)
		counts[(unsigned char)*p]++;
	*len = n;
	double h = 0;
	for (int i = 0; i < 256 && n; i++)
		if (counts[i]) {
			double q = (double)counts[i] / (double)n;
			h -= q * log2(q);
		}
	return h;
}

static void run(const struct report *r, const struct find_inputs *in, struct findings *out)
{
	const struct find_config *c = in->cfg;
	for (size_t k = 0; k < r->n_devices; k++) {
		const struct rep_device *d = &r->devices[k];
		if (d->gateway)
			continue;
		upload_abroad(d, c, out);
		struct fset watched = { .n = 0 }, fresh = { .n = 0 }, big = { .n = 0 }, beacons = { .n = 0 };
		uint64_t watched_up = 0;
		for (size_t i = 0; i < d->n_dests; i++) {
			const struct rep_dest *x = &d->dests[i];
			if (!x->internet)
				continue;
			char a[ADDR_STRLEN];
			for (size_t w = 0; w < c->n_watch_countries; w++)
				if (!strcmp(x->country, c->watch_countries[w])) {
					up_item(&watched, x);
					watched_up += x->bytes_up;
				}
			if (in->baseline && !x->inbound && !baseline_has(in->baseline, d->id, dest_label(x, a)))
				dest_item(fs_list(&fresh, "destinations"), x);
			if (x->bytes_up >= c->upload_bytes)
				up_item(&big, x);
			/* periodic beacons: new flows to one destination at a steady pace */
			if (!(x->inbound || x->n_gaps + 1 < c->beacon_flows || x->gap_mean < 5 ||
			      x->gap_cv > c->beacon_jitter)) {
				struct fset *it = dest_item(fs_list(&beacons, "destinations"), x);
				fs_port(it, "port", x->port);
				fs_real(it, "interval", x->gap_mean);
				fs_count(it, "connections", x->n_gaps + 1);
			}
		}
		if (watched.n) {
			fs_bytes(&watched, "bytes_up", watched_up);
			finding_take(out, SEV_MEDIUM, "watched-country", d, "internet", &watched);
		}
		if (fresh.n)
			finding_take(out, SEV_LOW, "new-destination", d, "baseline", &fresh);
		if (big.n) {
			fs_bytes(&big, "threshold", c->upload_bytes);
			finding_take(out, SEV_MEDIUM, "large-upload", d, "internet", &big);
		}
		/* far more than usual, against the baseline */
		double was = in->baseline ? baseline_upload_rate(in->baseline, d->id) : -1;
		double span = d->last_us > d->first_us ? (double)(d->last_us - d->first_us) / 1e6 : 1;
		double now = (double)d->bytes_out / (span > 1 ? span : 1);
		struct finding *f;
		if (was > 0 && d->bytes_out >= 1000000 && now >= was * c->upload_factor &&
		    (f = finding_add(out, SEV_MEDIUM, "upload-surge", d, "baseline"))) {
			fs_real(&f->ev, "rate", now);
			fs_bytes(&f->ev, "bytes_out", d->bytes_out);
			fs_real(&f->ev, "seconds", span);
			fs_real(&f->ev, "baseline_rate", was);
		}
		if (beacons.n)
			finding_take(out, SEV_INFO, "beacon", d, "internet", &beacons);
		/* names that carry data: long, random-looking first labels */
		struct fset names = { .n = 0 };
		for (size_t i = 0; i < d->n_queries; i++) {
			size_t len;
			double h = label_entropy(d->queries[i].name, &len);
			if (len >= c->entropy_min_len && h >= c->entropy_bits)
				fs_name(fl_item(fs_list(&names, "names")), "domain", d->queries[i].name);
		}
		const struct flist *l = fs_l(&names, "names");
		if (l && l->total >= c->entropy_names) {
			fs_count(&names, "min_length", c->entropy_min_len);
			fs_real(&names, "min_bits", c->entropy_bits);
			finding_take(out, SEV_MEDIUM, "dns-tunnel", d, "dns", &names);
		} else {
			fs_free(&names);
		}
	}
}

static const char *const kinds[] = { "upload-abroad", "watched-country", "new-destination", "large-upload",
				     "upload-surge", "beacon", "dns-tunnel", NULL };

const struct detector find_phonehome = {
	"phone-home", run, kinds, "watched countries, new destinations, large uploads, DNS tunnelling",
};
