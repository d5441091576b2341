/* fuzz_report_load.c - libFuzzer target for the one reader of a saved
 * report (analyze/report_load.c): whatever the bytes, what is loaded
 * renders as text, JSON and HTML, its JSON read again loads without a
 * warning and writes the same bytes (nothing left out twice), and every
 * value kept is one of its type: a MAC normalised, names host names. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/report_load.h"
#include "lib/hostname.h"
#include "output/output.h"

static int warnings;

static void count_warning(const char *fmt, ...)
{
	(void)fmt;
	warnings++;
}

static char *render(const struct report *r, const char *fmt, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);
	if (!f)
		return NULL;
	struct out_opts o = { 0 };
	o.show_local = 1;
	if (output_find(fmt)->fn(f, r, &o) < 0)
		abort();
	fclose(f);
	return text;
}

static void check(const struct report *r)
{
	for (size_t k = 0; k < r->n_devices; k++) {
		const struct rep_device *d = &r->devices[k];
		char mac[MAC_STRLEN];
		if (d->has_mac && (strcmp(d->id, mac_fmt(d->mac, mac)) || mac_is_group(d->mac) || mac_is_zero(d->mac)))
			abort();
		for (size_t q = 0; q < d->n_queries; q++)
			if (!hostname_ok(d->queries[q].name))
				abort();
		for (size_t j = 0; j < d->n_dests; j++)
			if ((d->dests[j].domain && !hostname_ok(d->dests[j].domain)) ||
			    (unsigned)d->dests[j].scope >= REP_SCOPE__COUNT || (unsigned)d->dests[j].app >= APP__COUNT)
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	struct report *r = report_load_buf((const char *)data, size, "fuzz.json", NULL, err, sizeof err);
	if (!r)
		return 0;
	check(r);
	size_t len, len2, tl, hl;
	free(render(r, "text", &tl));
	free(render(r, "html", &hl));
	char *json = render(r, "json", &len);
	report_free(r);
	if (!json)
		return 0;
	warnings = 0;
	struct report *again = report_load_buf(json, len, "again.json", count_warning, err, sizeof err);
	if (!again || warnings || again->load_skipped)
		abort();
	char *json2 = render(again, "json", &len2);
	if (!json2 || len2 != len || memcmp(json, json2, len))
		abort();
	free(json2);
	free(json);
	report_free(again);
	return 0;
}
