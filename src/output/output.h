/* output.h - renderers of the neutral report. One table of formats; each
 * format is one file. Renderers decide nothing: they print what the report
 * says, in the order it says. */
#ifndef ALFOIL_OUTPUT_OUTPUT_H
#define ALFOIL_OUTPUT_OUTPUT_H

#include <jansson.h>
#include <stdio.h>

#include "analyze/report.h"
#include "lib/spawn.h"

struct out_opts {
	int show_local;   /* list local and multicast peers too, not only a count */
	int max_dests;    /* destinations per device in text (0: all) */
	int by_country;   /* text: the per-country view only */
	const struct spawner *spawn; /* JSON: a helper thread makes every other
					device's text; NULL: none */
};

typedef int (*output_fn)(FILE *f, const struct report *r, const struct out_opts *o);

struct output_format {
	const char *name;
	output_fn fn;
	const char *description;
};

int output_text(FILE *f, const struct report *r, const struct out_opts *o);
int output_json(FILE *f, const struct report *r, const struct out_opts *o);
int output_html(FILE *f, const struct report *r, const struct out_opts *o);

/* The JSON objects of one device (its "destinations" empty unless
 * with_dests), one destination and one finding, exactly as output_json
 * writes them (docs/json-schema.md): the store keeps them as records.
 * Jansson's values, the caller's to json_decref(); NULL when out of
 * memory. */
struct finding;
json_t *output_json_device(const struct rep_device *d, int with_dests);
json_t *output_json_dest(const struct rep_dest *x);
/* The hash (siphash13 under key) of everything output_json_dest() says of
 * x but its counters (flows, packets, bytes) and times: the same hash,
 * the same text but for those (the store keeps one record per version). */
uint64_t output_json_dest_hash(const struct rep_dest *x, const uint8_t key[16]);
/* The same of output_json_device(d, 0): all but its counters (packets,
 * bytes) and times. */
uint64_t output_json_device_hash(const struct rep_device *d, const uint8_t key[16]);
/* A destination's or a device's object (NULL: nothing) without what those
 * hashes leave out: its counters and times (the store's rows hold them). */
void output_json_uncount(json_t *o);
json_t *output_json_finding(const struct finding *f);
/* The pieces the other JSON writers of alfoil share: a time as RFC 3339
 * ("2026-11-30T08:00:00.000000Z"; 0, not known: null), and a string made
 * safe to show (lib/utf8.h; NULL: null). */
json_t *output_json_time(uint64_t us);
json_t *output_json_text(const char *s);

/* Run render (the text or HTML renderer) on a stream that writes to dst
 * what is written to it, made safe to show (lib/utf8.h, UTF8_KEEP_LINES:
 * valid UTF-8, no control but newline and tab, nothing that reorders or
 * hides text): render's result, or -1 when out of memory or writing
 * failed. */
/* The stream output_safe_render() writes through: what is written to it
 * reaches dst made safe to show; fclose() it to flush (dst stays open).
 * NULL when out of memory. */
FILE *output_safe_open(FILE *dst);
typedef int (*output_render_fn)(FILE *f, const struct report *r, const struct out_opts *o);
int output_safe_render(FILE *dst, output_render_fn render, const struct report *r, const struct out_opts *o);

/* The format table; NULL when name is unknown. */
const struct output_format *output_find(const char *name);
const struct output_format *output_formats(size_t *n);

#endif
