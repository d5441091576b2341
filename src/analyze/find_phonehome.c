/* find_phonehome.c - phoning home: destinations in watched countries,
 * destinations new since a baseline, uploads far larger than a device's
 * usual, and DNS names that look like data (tunnelling). */
#include <math.h>

#include "analyze/find_util.h"

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
	char list[400] = "";
	for (size_t i = 0; i < d->n_dests; i++) { /* largest first */
		const struct rep_dest *x = &d->dests[i];
		if (!x->internet || !x->abroad || x->folded || !x->bytes_up)
			continue;
		up += x->bytes_up;
		char item[200], b[16], a[ADDR_STRLEN];
		snprintf(item, sizeof item, "%s to %s %s%s%s%s", fmt_bytes(b, x->bytes_up), x->country,
			 dest_label(x, a), x->company ? " (" : "", x->company ? x->company : "", x->company ? ")" : "");
		list_add(list, sizeof list, item);
	}
	if (up < c->abroad_upload_bytes)
		return;
	char tmp[16];
	struct finding *f = finding_add(out, SEV_MEDIUM, "upload-abroad", d,
					"A camera, speaker or appliance uploading this much abroad may be "
					"streaming what it sees or hears: check it is meant to, or keep it "
					"local (a profile, or block its cloud).");
	if (f) {
		finding_title(f, "%s%s%s uploaded %s abroad", d->brand ? d->brand : "", d->brand ? " " : "",
			      d->kind, fmt_bytes(tmp, up));
		finding_evidence(f, "%s", list);
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

void detect_phone_home(const struct report *r, const struct find_inputs *in, struct findings *out)
{
	const struct find_config *c = in->cfg;
	for (size_t k = 0; k < r->n_devices; k++) {
		const struct rep_device *d = &r->devices[k];
		if (d->gateway)
			continue;
		upload_abroad(d, c, out);
		char watched[400] = "", fresh[400] = "", big[400] = "";
		size_t n_fresh = 0;
		uint64_t watched_up = 0;
		for (size_t i = 0; i < d->n_dests; i++) {
			const struct rep_dest *x = &d->dests[i];
			if (!x->internet)
				continue;
			char item[200], up[16], a[ADDR_STRLEN];
			for (size_t w = 0; w < c->n_watch_countries; w++)
				if (!strcmp(x->country, c->watch_countries[w])) {
					snprintf(item, sizeof item, "%s %s (%s up)", x->country, dest_label(x, a),
						 fmt_bytes(up, x->bytes_up));
					list_add(watched, sizeof watched, item);
					watched_up += x->bytes_up;
				}
			if (in->baseline && !x->inbound && !baseline_has(in->baseline, d->id, dest_label(x, a))) {
				if (++n_fresh <= 6)
					list_add(fresh, sizeof fresh, dest_label(x, a));
			}
			if (x->bytes_up >= c->upload_bytes) {
				snprintf(item, sizeof item, "%s to %s (%s)", fmt_bytes(up, x->bytes_up), dest_label(x, a),
					 x->country[0] ? x->country : "?");
				list_add(big, sizeof big, item);
			}
		}
		struct finding *f;
		char tmp[16];
		if (watched[0] && (f = finding_add(out, SEV_MEDIUM, "watched-country", d,
						   "Decide whether this device may send data there; if not, "
						   "give it a profile that allows only what it needs."))) {
			finding_title(f, "sends data to a watched country (%s up)", fmt_bytes(tmp, watched_up));
			finding_evidence(f, "%s", watched);
		}
		if (n_fresh && (f = finding_add(out, SEV_LOW, "new-destination", d,
						"New since the baseline: a firmware update, a new feature, or "
						"something that should not be there."))) {
			finding_title(f, "%zu destination%s not in the baseline", n_fresh, n_fresh == 1 ? "" : "s");
			finding_evidence(f, "%s%s", fresh, n_fresh > 6 ? ", ..." : "");
		}
		if (big[0] && (f = finding_add(out, SEV_MEDIUM, "large-upload", d,
					       "Large uploads from a device you are not using may be a "
					       "camera or microphone streaming out."))) {
			finding_title(f, "uploaded over %s to one destination", fmt_bytes(tmp, c->upload_bytes));
			finding_evidence(f, "%s", big);
		}
		/* far more than usual, against the baseline */
		double was = in->baseline ? baseline_upload_rate(in->baseline, d->id) : -1;
		double span = d->last_us > d->first_us ? (double)(d->last_us - d->first_us) / 1e6 : 1;
		double now = (double)d->bytes_out / (span > 1 ? span : 1);
		if (was > 0 && d->bytes_out >= 1000000 && now >= was * c->upload_factor &&
		    (f = finding_add(out, SEV_MEDIUM, "upload-surge", d,
				     "It sends far more than it used to: a camera or microphone may be "
				     "streaming out."))) {
			finding_title(f, "sends %.0f times its usual upload rate", now / was);
			finding_evidence(f, "%.0f bytes/s now (%s in %.0f s), %.0f bytes/s in the baseline", now,
					 fmt_bytes(tmp, d->bytes_out), span, was);
		}
		/* periodic beacons: new flows to one destination at a steady pace */
		char beacons[400] = "";
		for (size_t i = 0; i < d->n_dests; i++) {
			const struct rep_dest *x = &d->dests[i];
			if (!x->internet || x->inbound || x->n_gaps + 1 < c->beacon_flows || x->gap_mean < 5 ||
			    x->gap_cv > c->beacon_jitter)
				continue;
			char item[200], a[ADDR_STRLEN];
			snprintf(item, sizeof item, "%s:%u every %.0f s (%u times)", dest_label(x, a), x->port, x->gap_mean,
				 x->n_gaps + 1);
			list_add(beacons, sizeof beacons, item);
		}
		if (beacons[0] && (f = finding_add(out, SEV_INFO, "beacon", d,
						   "A steady heartbeat to its cloud, whether anyone uses the "
						   "device or not: it is always reachable from there."))) {
			finding_title(f, "phones home at a steady interval");
			finding_evidence(f, "%s", beacons);
		}
		/* names that carry data: long, random-looking first labels */
		size_t n_rand = 0;
		char names[400] = "";
		for (size_t i = 0; i < d->n_queries; i++) {
			size_t len;
			double h = label_entropy(d->queries[i].name, &len);
			if (len >= c->entropy_min_len && h >= c->entropy_bits) {
				if (++n_rand <= 3)
					list_add(names, sizeof names, d->queries[i].name);
			}
		}
		if (n_rand >= c->entropy_names &&
		    (f = finding_add(out, SEV_MEDIUM, "dns-tunnel", d,
				     "Many random-looking names: data may be leaving in DNS queries "
				     "(tunnelling) or the device runs a domain-generation algorithm."))) {
			finding_title(f, "asked %zu random-looking DNS names", n_rand);
			finding_evidence(f, "first labels of %u+ characters with >= %.1f bits/char, e.g. %s",
					 c->entropy_min_len, c->entropy_bits, names);
		}
	}
}
