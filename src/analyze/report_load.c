/* report_load.c - a saved JSON report back into a struct report (see
 * report_load.h). Read in the order json.c writes it; what json.c derives
 * (relays_for, the capture's received/dropped sums, devices_abroad) is
 * derived again, not read. */
#include "analyze/report_load.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "intel/classify.h"
#include "intel/datasets.h"
#include "lib/fmt.h"
#include "lib/hostname.h"
#include "lib/utf8.h"

#define TEXT_MAX 4096    /* a text field longer than this is not ours */
#define BLOCK_MIN (64u << 10)

struct ld {
	struct report *r;
	const char *file;
	report_warn_fn warn;
	char where[64];   /* "devices[3]" */
	char who[ADDR_STRLEN + 4]; /* " (aa:bb:cc:dd:ee:ff)" once the device's id is known */
	size_t said;      /* warnings of this device (or of the top level) */
	int oom;
};

/* ---- memory the report owns ------------------------------------------ */

static void *own(struct ld *L, size_t n)
{
	struct report *r = L->r;
	n = (n + 15) & ~(size_t)15;
	struct rep_block *b = r->blocks;
	if (!b || b->cap - b->used < n) {
		size_t cap = n > BLOCK_MIN ? n : BLOCK_MIN;
		b = malloc(sizeof(struct rep_block) + 16 + cap);
		if (!b) {
			L->oom = 1;
			return NULL;
		}
		b->cap = cap;
		b->used = 0;
		b->next = r->blocks;
		r->blocks = b;
	}
	/* the data starts 16-aligned after the header */
	char *base = (char *)b + ((sizeof(struct rep_block) + 15) & ~(size_t)15);
	void *p = base + b->used;
	b->used += n;
	memset(p, 0, n);
	return p;
}

static char *own_str(struct ld *L, const char *s, size_t len)
{
	char *p = own(L, len + 1);
	if (p)
		memcpy(p, s, len);
	return p;
}

/* ---- warnings ---------------------------------------------------------- */

/* "FILE: devices[3].ipv4[0] (ID): "x" is WHY, left out" (what: "the
 * device" and the like when more than the value goes: "...; the device
 * left out") */
static void warn_out(struct ld *L, const char *field, const json_t *v, const char *why, const char *what)
{
	L->r->load_skipped++;
	if (!L->warn || ++L->said > REPORT_WARN_PER_DEV)
		return;
	char esc[160];
	const char *s = json_string_value(v);
	const char *shown = s ? hostname_escape(s, esc, sizeof esc)
		: !v ? "(missing)" : json_is_null(v) ? "null" : json_is_integer(v) ? "(a number)"
		: json_is_real(v) ? "(a number)" : json_is_boolean(v) ? "(a boolean)" : json_is_array(v) ? "(an array)"
		: "(an object)";
	L->warn("%s: %s%s%s%s: %s%s%s is %s%s%s left out", L->file, L->where, *field && *L->where ? "." : "", field,
		L->who, s ? "\"" : "", shown, s ? "\"" : "", why, what ? "; " : ",", what ? what : "");
}

static void warn_line(struct ld *L, const char *field, const json_t *v, const char *why)
{
	warn_out(L, field, v, why, NULL);
}

static void warn_done(struct ld *L)
{
	if (L->warn && L->said > REPORT_WARN_PER_DEV)
		L->warn("%s: %s%s: %zu more values left out", L->file, *L->where ? L->where : "report", L->who,
			L->said - REPORT_WARN_PER_DEV);
	L->said = 0;
}

/* ---- values ------------------------------------------------------------- */

/* Text to show: a string of valid UTF-8 with nothing that hides or
 * reorders text, at most TEXT_MAX bytes. NULL when v is absent or null
 * (allowed) or not valid (told). */
static const char *text(struct ld *L, const json_t *v, const char *field)
{
	if (!v || json_is_null(v))
		return NULL;
	const char *s = json_string_value(v);
	size_t len = s ? json_string_length(v) : 0;
	if (!s || len > TEXT_MAX || memchr(s, 0, len) || !utf8_is_clean(s, len, 0)) {
		warn_line(L, field, v, !s ? "not a string" : len > TEXT_MAX ? "too long" : "not text that is safe to show");
		return NULL;
	}
	return own_str(L, s, len);
}

/* A DNS name: a host name (lib/hostname.h), kept as written. */
static const char *dns_name(struct ld *L, const json_t *v, const char *field)
{
	if (!v || json_is_null(v))
		return NULL;
	const char *s = json_string_value(v);
	if (!s || !hostname_ok(s)) {
		warn_line(L, field, v, "not a host name (letters, digits, '-', '.', at most 253)");
		return NULL;
	}
	return own_str(L, s, strlen(s));
}

/* Into a fixed buffer: text that fits n - 1 bytes, else "" (told). */
static void text_into(struct ld *L, const json_t *v, const char *field, char *out, size_t n)
{
	out[0] = '\0';
	if (!v || json_is_null(v))
		return;
	const char *s = json_string_value(v);
	size_t len = s ? json_string_length(v) : 0;
	if (!s || len >= n || memchr(s, 0, len) || !utf8_is_clean(s, len, 0)) {
		warn_line(L, field, v, !s ? "not a string" : len >= n ? "too long" : "not text that is safe to show");
		return;
	}
	memcpy(out, s, len + 1);
}

/* ISO 3166 alpha-2, upper case: out[3], "" when absent or not valid. */
static void country(struct ld *L, const json_t *v, const char *field, char out[static 3])
{
	out[0] = '\0';
	if (!v || json_is_null(v))
		return;
	const char *s = json_string_value(v);
	if (!s || strlen(s) != 2 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z') {
		warn_line(L, field, v, "not a country code (two capital letters)");
		return;
	}
	memcpy(out, s, 3);
}

/* A count 0..max; 0 when absent (told when present and not valid). */
static uint64_t count(struct ld *L, const json_t *v, const char *field, uint64_t max)
{
	if (!v)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 || (uint64_t)json_integer_value(v) > max) {
		warn_line(L, field, v, "not a count");
		return 0;
	}
	return (uint64_t)json_integer_value(v);
}

static int flag(struct ld *L, const json_t *v, const char *field)
{
	if (!v)
		return 0;
	if (!json_is_boolean(v)) {
		warn_line(L, field, v, "not true or false");
		return 0;
	}
	return json_is_true(v);
}

/* "2026-11-01T08:00:00.000123Z" as json.c writes it; 0 for null. */
static uint64_t when(struct ld *L, const json_t *v, const char *field)
{
	if (!v || json_is_null(v))
		return 0;
	const char *s = json_string_value(v);
	struct tm tm;
	unsigned us = 0;
	int y, mo, d, h, mi, sec, used = 0;
	memset(&tm, 0, sizeof tm);
	if (s && strlen(s) == 27 &&
	    sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d.%6u%n", &y, &mo, &d, &h, &mi, &sec, &us, &used) == 7 && used == 26 &&
	    s[26] == 'Z' && y >= 1970 && y <= 9999) {
		tm.tm_year = y - 1900;
		tm.tm_mon = mo - 1;
		tm.tm_mday = d;
		tm.tm_hour = h;
		tm.tm_min = mi;
		tm.tm_sec = sec;
		time_t t = timegm(&tm);
		char back[32];
		uint64_t v_us = (uint64_t)t * 1000000u + us;
		/* only the one text of a time: a 31 November or a 61st second is none */
		if (t >= 0 && !strcmp(fmt_time(back, v_us, 1), s))
			return v_us;
	}
	warn_line(L, field, v, "not a time like 2026-11-01T08:00:00.000000Z");
	return 0;
}

static int address(struct ld *L, const json_t *v, const char *field, struct ip_addr *out, int want_v6)
{
	const char *s = json_string_value(v);
	if (s && strlen(s) < ADDR_STRLEN && addr_parse(out, s) == 0 &&
	    (want_v6 < 0 || (want_v6 == 0) == addr_is_v4(out)))
		return 0;
	warn_line(L, field, v,
		  want_v6 < 0 ? "not an IPv4 or IPv6 address" : want_v6 ? "not an IPv6 address" : "not an IPv4 address");
	return -1;
}

/* A name from a fixed table of names (static strings); NULL, told, else. */
static const char *one_of(struct ld *L, const json_t *v, const char *field, const char *const *names, size_t n,
			  const char *why)
{
	const char *s = json_string_value(v);
	for (size_t i = 0; s && i < n; i++)
		if (names[i] && !strcmp(s, names[i]))
			return names[i];
	warn_line(L, field, v, why);
	return NULL;
}

static const char *attr_kind(struct ld *L, const json_t *v, const char *field)
{
	const char *names[DA__COUNT];
	for (int k = 0; k < DA__COUNT; k++)
		names[k] = dev_attr_name((enum dev_attr_kind)k);
	return one_of(L, v, field, names, DA__COUNT, "not an evidence kind alfoil knows");
}

static char *path(char *buf, size_t n, const char *a, size_t i, const char *b)
{
	snprintf(buf, n, "%s[%zu]%s%s", a, i, b && *b ? "." : "", b ? b : "");
	return buf;
}

/* ---- a destination ------------------------------------------------------ */

/* 0 when x is filled, -1 when the destination is left out. */
static int dest_of(struct ld *L, const json_t *o, size_t i, struct rep_dest *x)
{
	char f[96];
	memset(x, 0, sizeof *x);
	if (!json_is_object(o)) {
		warn_line(L, path(f, sizeof f, "destinations", i, NULL), o, "not an object");
		return -1;
	}
	const json_t *v;
	int proto;
	if (address(L, json_object_get(o, "address"), path(f, sizeof f, "destinations", i, "address"), &x->addr, -1) < 0)
		return -1;
	v = json_object_get(o, "scope");
	if (rep_scope_parse(json_string_value(v), &x->scope) < 0) {
		warn_line(L, path(f, sizeof f, "destinations", i, "scope"), v, "not one of the report's scopes");
		return -1;
	}
	x->internet = x->scope == REP_SCOPE_INTERNET;
	v = json_object_get(o, "proto");
	if ((proto = rep_proto_parse(json_string_value(v))) < 0) {
		warn_line(L, path(f, sizeof f, "destinations", i, "proto"), v, "not tcp, udp, icmp, icmpv6, sctp or ip");
		return -1;
	}
	x->proto = (uint8_t)proto;
	v = json_object_get(o, "port");
	if (v && (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 65535)) {
		warn_line(L, path(f, sizeof f, "destinations", i, "port"), v, "not a port number 0..65535");
		return -1;
	}
	x->port = v ? (uint16_t)json_integer_value(v) : 0;
	v = json_object_get(o, "direction");
	const char *dir = json_string_value(v);
	if (v && (!dir || (strcmp(dir, "inbound") && strcmp(dir, "outbound")))) {
		warn_line(L, path(f, sizeof f, "destinations", i, "direction"), v, "not inbound or outbound");
		return -1;
	}
	x->inbound = dir && !strcmp(dir, "inbound");
	v = json_object_get(o, "domain");
	if (v && !json_is_null(v) &&
	    !(x->domain = dns_name(L, v, path(f, sizeof f, "destinations", i, "domain"))))
		return -1;
	v = json_object_get(o, "domain_source");
	const char *ds = json_string_value(v);
	x->domain_source = REP_DOMAIN_NONE;
	for (int k = REP_DOMAIN_NONE; ds && k <= REP_DOMAIN_HTTP_HOST; k++)
		if (!strcmp(ds, rep_domain_src_name((enum rep_domain_src)k)))
			x->domain_source = (enum rep_domain_src)k;
	if (v && (!ds || strcmp(ds, rep_domain_src_name(x->domain_source))))
		warn_line(L, path(f, sizeof f, "destinations", i, "domain_source"), v, "not dns, tls-sni, http-host or \"\"");
	const json_t *names = json_object_get(o, "names");
	x->dns_name = dns_name(L, json_object_get(names, "dns"), path(f, sizeof f, "destinations", i, "names.dns"));
	x->sni = dns_name(L, json_object_get(names, "tls_sni"), path(f, sizeof f, "destinations", i, "names.tls_sni"));
	x->http_host = dns_name(L, json_object_get(names, "http_host"),
				path(f, sizeof f, "destinations", i, "names.http_host"));
	size_t j;
	json_array_foreach(json_object_get(names, "other"), j, v) {
		char g[96];
		snprintf(g, sizeof g, "destinations[%zu].names.other[%zu]", i, j);
		if (x->n_other == DEST_MAX_OTHER) {
			warn_line(L, g, v, "beyond " "the 8 other names a destination holds");
			continue;
		}
		const char *n = dns_name(L, v, g);
		if (n)
			x->other_names[x->n_other++] = n;
	}
	if (x->internet) {
		country(L, json_object_get(o, "country"), path(f, sizeof f, "destinations", i, "country"), x->country);
		x->abroad = flag(L, json_object_get(o, "abroad"), path(f, sizeof f, "destinations", i, "abroad"));
		v = json_object_get(o, "asn");
		if (v && !json_is_null(v))
			x->asn = (uint32_t)count(L, v, path(f, sizeof f, "destinations", i, "asn"), UINT32_MAX);
		const char *org = text(L, json_object_get(o, "org"), path(f, sizeof f, "destinations", i, "org"));
		if (org && !(x->org = strdup(org)))
			L->oom = 1;
		const json_t *t = json_object_get(o, "translated");
		if (t && !json_is_null(t)) {
			const char *k = json_string_value(json_object_get(t, "kind"));
			static const enum addr_ip4in6 kinds[] = { ADDR_4IN6_NAT64, ADDR_4IN6_6TO4, ADDR_4IN6_TEREDO };
			for (size_t n = 0; k && n < 3; n++)
				if (!strcmp(k, addr_ip4in6_name(kinds[n])))
					x->translated = kinds[n];
			if (x->translated == ADDR_4IN6_NONE)
				warn_line(L, path(f, sizeof f, "destinations", i, "translated.kind"), json_object_get(t, "kind"),
					  "not nat64, 6to4 or teredo");
			else if (address(L, json_object_get(t, "ipv4"), path(f, sizeof f, "destinations", i, "translated.ipv4"),
					 &x->translated_ipv4, 0) < 0)
				x->translated = ADDR_4IN6_NONE;
		}
		x->company = text(L, json_object_get(o, "company"), path(f, sizeof f, "destinations", i, "company"));
		x->service = text(L, json_object_get(o, "service"), path(f, sizeof f, "destinations", i, "service"));
		x->infra = text(L, json_object_get(o, "infrastructure"),
				path(f, sizeof f, "destinations", i, "infrastructure"));
		x->folded = flag(L, json_object_get(o, "folded"), path(f, sizeof f, "destinations", i, "folded"));
	}
	v = json_object_get(o, "app");
	if (v && !json_is_null(v)) {
		const char *a = json_string_value(v);
		for (int k = 1; a && k < APP__COUNT; k++)
			if (!strcmp(a, app_proto_name((enum app_proto)k)))
				x->app = (enum app_proto)k;
		if (x->app == APP_UNKNOWN)
			warn_line(L, path(f, sizeof f, "destinations", i, "app"), v, "not an application protocol alfoil knows");
	}
	v = json_object_get(o, "encrypted");
	if (v) {
		const char *e = json_string_value(v);
		int k;
		for (k = ENC_UNKNOWN; e && k <= ENC_NO; k++)
			if (!strcmp(e, enc_state_name((enum enc_state)k)))
				break;
		if (e && k <= ENC_NO)
			x->enc = (enum enc_state)k;
		else
			warn_line(L, path(f, sizeof f, "destinations", i, "encrypted"), v, "not yes, likely, no or unknown");
	}
	v = json_object_get(o, "tls_version");
	if (v) {
		const char *t = json_string_value(v);
		unsigned tv = 0;
		int used = 0;
		if (t && strlen(t) == 6 && sscanf(t, "0x%4x%n", &tv, &used) == 1 && used == 6 && tv &&
		    strspn(t + 2, "0123456789abcdef") == 4)
			x->tls_version = (uint16_t)tv;
		else
			warn_line(L, path(f, sizeof f, "destinations", i, "tls_version"), v, "not a TLS version like 0x0303");
	}
	x->flows = (uint32_t)count(L, json_object_get(o, "flows"), path(f, sizeof f, "destinations", i, "flows"),
				   UINT32_MAX);
	x->pkts_up = count(L, json_object_get(o, "packets_up"), path(f, sizeof f, "destinations", i, "packets_up"),
			   INT64_MAX);
	x->pkts_down = count(L, json_object_get(o, "packets_down"),
			     path(f, sizeof f, "destinations", i, "packets_down"), INT64_MAX);
	x->bytes_up = count(L, json_object_get(o, "bytes_up"), path(f, sizeof f, "destinations", i, "bytes_up"),
			    INT64_MAX);
	x->bytes_down = count(L, json_object_get(o, "bytes_down"), path(f, sizeof f, "destinations", i, "bytes_down"),
			      INT64_MAX);
	x->first_us = when(L, json_object_get(o, "first_seen"), path(f, sizeof f, "destinations", i, "first_seen"));
	x->last_us = when(L, json_object_get(o, "last_seen"), path(f, sizeof f, "destinations", i, "last_seen"));
	return 0;
}

/* ---- a device ----------------------------------------------------------- */

static void *array_of(struct ld *L, const json_t *a, size_t size)
{
	size_t n = json_array_size(a);
	void *p = calloc(n ? n : 1, size);
	if (!p)
		L->oom = 1;
	return p;
}

static void addresses(struct ld *L, struct rep_device *d, const json_t *list, int v6)
{
	struct ip_addr **v = v6 ? &d->ipv6 : &d->ipv4;
	size_t *n = v6 ? &d->n_ipv6 : &d->n_ipv4;
	size_t i;
	const json_t *a;
	char f[96];
	if (!(*v = array_of(L, list, sizeof **v)))
		return;
	json_array_foreach(list, i, a) {
		struct ip_addr ip;
		path(f, sizeof f, v6 ? "ipv6" : "ipv4", i, NULL);
		if (address(L, a, f, &ip, v6) < 0)
			continue;
		size_t k;
		for (k = 0; k < *n && !addr_eq(&(*v)[k], &ip); k++)
			;
		if (k < *n)
			continue; /* twice: once is enough */
		if (*n == 32) {
			warn_line(L, f, a, "beyond the 32 addresses of a family a device holds");
			continue;
		}
		(*v)[(*n)++] = ip;
	}
}

static void unproven(struct ld *L, struct rep_device *d, const json_t *list)
{
	size_t i;
	const json_t *a;
	char f[96];
	json_array_foreach(list, i, a) {
		struct ip_addr ip;
		if (address(L, a, path(f, sizeof f, "addresses_unproven", i, NULL), &ip, -1) < 0)
			continue;
		int found = 0;
		for (size_t k = 0; k < d->n_ipv4; k++)
			if (addr_eq(&d->ipv4[k], &ip))
				d->ipv4_unproven |= 1u << k, found = 1;
		for (size_t k = 0; k < d->n_ipv6; k++)
			if (addr_eq(&d->ipv6[k], &ip))
				d->ipv6_unproven |= 1u << k, found = 1;
		if (!found)
			warn_line(L, f, a, "not one of the device's ipv4 or ipv6");
	}
}

static void identity(struct ld *L, struct rep_device *d, const json_t *id)
{
	static const char *const kinds[] = { "bulb", "plug", "switch", "sensor", "gateway", "camera", "speaker", "tv",
					     "phone", "computer", "printer", "network", "appliance", "wearable",
					     "unknown" };
	const json_t *v = json_object_get(id, "kind");
	if (v && !json_is_null(v))
		d->kind = one_of(L, v, "identity.kind", kinds, sizeof kinds / sizeof *kinds, "not a kind alfoil knows");
	d->what = text(L, json_object_get(id, "what"), "identity.what");
	d->brand = text(L, json_object_get(id, "brand"), "identity.brand");
	d->chip = text(L, json_object_get(id, "chip"), "identity.chip");
	v = json_object_get(id, "confidence");
	if (v && (!json_is_number(v) || json_number_value(v) < 0 || json_number_value(v) > 1))
		warn_line(L, "identity.confidence", v, "not a number 0..1");
	else if (v)
		d->confidence = json_number_value(v);
	text_into(L, json_object_get(id, "miio_model"), "identity.miio_model", d->miio_model, sizeof d->miio_model);
	const json_t *hits = json_object_get(id, "evidence"), *h;
	size_t i;
	char f[96];
	if (!(d->hits = array_of(L, hits, sizeof *d->hits)))
		return;
	json_array_foreach(hits, i, h) {
		struct class_hit *x = &d->hits[d->n_hits];
		snprintf(f, sizeof f, "identity.evidence[%zu].source", i);
		if (!(x->source = text(L, json_object_get(h, "source"), f)))
			continue;
		snprintf(f, sizeof f, "identity.evidence[%zu].value", i);
		if (!(x->value = text(L, json_object_get(h, "value"), f)))
			continue;
		snprintf(f, sizeof f, "identity.evidence[%zu].kind", i);
		x->kind = text(L, json_object_get(h, "kind"), f);
		snprintf(f, sizeof f, "identity.evidence[%zu].brand", i);
		x->brand = text(L, json_object_get(h, "brand"), f);
		snprintf(f, sizeof f, "identity.evidence[%zu].chip", i);
		x->chip = text(L, json_object_get(h, "chip"), f);
		snprintf(f, sizeof f, "identity.evidence[%zu].weight", i);
		const json_t *w = json_object_get(h, "weight");
		if (w && (!json_is_integer(w) || json_integer_value(w) < -1000000 || json_integer_value(w) > 1000000))
			warn_line(L, f, w, "not a weight");
		else if (w)
			x->weight = (int)json_integer_value(w);
		snprintf(f, sizeof f, "identity.evidence[%zu].rule", i);
		x->line = (int)count(L, json_object_get(h, "rule"), f, INT32_MAX);
		d->n_hits++;
	}
}

static void dns_of(struct ld *L, struct rep_device *d, const json_t *dns)
{
	const json_t *qs = json_object_get(dns, "queries"), *as = json_object_get(dns, "answers"), *q;
	size_t i;
	char f[96];
	if (!(d->queries = array_of(L, qs, sizeof *d->queries)) || !(d->resolved = array_of(L, as, sizeof *d->resolved)))
		return;
	json_array_foreach(qs, i, q) {
		struct rep_query *x = &d->queries[d->n_queries];
		if (!(x->name = dns_name(L, json_object_get(q, "name"), path(f, sizeof f, "dns.queries", i, "name"))))
			continue;
		x->count = (uint32_t)count(L, json_object_get(q, "count"), path(f, sizeof f, "dns.queries", i, "count"),
					   UINT32_MAX);
		d->n_queries++;
	}
	json_array_foreach(as, i, q) {
		struct rep_resolved *x = &d->resolved[d->n_resolved];
		if (!(x->name = dns_name(L, json_object_get(q, "name"), path(f, sizeof f, "dns.answers", i, "name"))) ||
		    address(L, json_object_get(q, "address"), path(f, sizeof f, "dns.answers", i, "address"), &x->addr, -1) < 0)
			continue;
		d->n_resolved++;
	}
}

static void attrs_of(struct ld *L, struct rep_device *d, const json_t *dv)
{
	const json_t *ns = json_object_get(dv, "names"), *ev = json_object_get(dv, "evidence"), *e;
	size_t i;
	char f[96];
	if (!(d->names = array_of(L, ns, sizeof *d->names)) || !(d->attrs = array_of(L, ev, sizeof *d->attrs)))
		return;
	json_array_foreach(ns, i, e) {
		struct rep_name *x = &d->names[d->n_names];
		const char *src = attr_kind(L, json_object_get(e, "source"), path(f, sizeof f, "names", i, "source"));
		if (!src || !(x->name = text(L, json_object_get(e, "name"), path(f, sizeof f, "names", i, "name"))))
			continue;
		x->source = src;
		d->n_names++;
	}
	json_array_foreach(ev, i, e) {
		struct rep_attr *x = &d->attrs[d->n_attrs];
		const char *k = attr_kind(L, json_object_get(e, "kind"), path(f, sizeof f, "evidence", i, "kind"));
		if (!k || !(x->value = text(L, json_object_get(e, "value"), path(f, sizeof f, "evidence", i, "value"))))
			continue;
		x->kind = k;
		d->n_attrs++;
	}
}

static void infra_of(struct ld *L, struct rep_device *d, const json_t *list)
{
	size_t i;
	const json_t *e;
	char f[96];
	json_array_foreach(list, i, e) {
		if (d->n_infra == REP_INFRA_MAX) {
			warn_line(L, path(f, sizeof f, "infrastructure", i, NULL), e, "beyond the 4 kinds a device holds");
			continue;
		}
		struct rep_infra *x = &d->infra[d->n_infra];
		memset(x, 0, sizeof *x);
		if (!(x->label = text(L, json_object_get(e, "label"), path(f, sizeof f, "infrastructure", i, "label"))))
			continue;
		x->n_dests = count(L, json_object_get(e, "destinations"), path(f, sizeof f, "infrastructure", i, "destinations"),
				   INT64_MAX);
		x->n_countries = count(L, json_object_get(e, "countries"), path(f, sizeof f, "infrastructure", i, "countries"),
				       INT64_MAX);
		x->bytes_up = count(L, json_object_get(e, "bytes_up"), path(f, sizeof f, "infrastructure", i, "bytes_up"),
				    INT64_MAX);
		x->bytes_down = count(L, json_object_get(e, "bytes_down"),
				      path(f, sizeof f, "infrastructure", i, "bytes_down"), INT64_MAX);
		d->n_infra++;
	}
}

/* The device's key: its MAC, normalised, or without one its address. -1:
 * the device is left out. */
static int key_of(struct ld *L, struct rep_device *d, const json_t *dv)
{
	const json_t *mv = json_object_get(dv, "mac");
	if (mv && !json_is_null(mv)) {
		const char *s = json_string_value(mv);
		if (!s || strlen(s) >= MAC_STRLEN || mac_parse(d->mac, s) < 0) {
			warn_out(L, "mac", mv, "not a MAC address like aa:bb:cc:dd:ee:ff", "the device");
			return -1;
		}
		if (mac_is_group(d->mac) || mac_is_zero(d->mac)) {
			warn_out(L, "mac", mv, mac_is_zero(d->mac) ? "all zero, not a device" : "a group address, not one device",
				 "the device");
			return -1;
		}
		d->has_mac = 1;
		mac_fmt(d->mac, d->id);
		return 0;
	}
	/* keyed by address (a capture without a link layer) */
	const json_t *iv = json_object_get(dv, "id");
	struct ip_addr ip;
	const char *s = json_string_value(iv);
	if (!s || strlen(s) >= ADDR_STRLEN || addr_parse(&ip, s) < 0) {
		warn_out(L, "id", iv, "neither a MAC (there is none) nor an address", "the device");
		return -1;
	}
	addr_fmt(&ip, d->id);
	return 0;
}

static void device_of(struct ld *L, const json_t *dv, struct rep_device *d, size_t idx)
{
	const json_t *v;
	size_t i;
	char f[96];
	(void)idx;
	const json_t *mk = json_object_get(dv, "maker");
	d->maker = text(L, json_object_get(mk, "name"), "maker.name");
	country(L, json_object_get(mk, "country"), "maker.country", d->maker_country);
	static const char *const regs[] = { "MA-L", "MA-M", "MA-S" };
	v = json_object_get(mk, "registry");
	if (v && !json_is_null(v))
		d->maker_registry = one_of(L, v, "maker.registry", regs, 3, "not MA-L, MA-M or MA-S");
	d->randomized_mac = flag(L, json_object_get(mk, "randomized_mac"), "maker.randomized_mac");
	addresses(L, d, json_object_get(dv, "ipv4"), 0);
	addresses(L, d, json_object_get(dv, "ipv6"), 1);
	unproven(L, d, json_object_get(dv, "addresses_unproven"));
	attrs_of(L, d, dv);
	json_array_foreach(json_object_get(dv, "roles"), i, v) {
		const char *s = json_string_value(v);
		if (s && !strcmp(s, "gateway"))
			d->gateway = 1;
		else if (s && !strcmp(s, "dhcp-server"))
			d->dhcp_server = 1;
		else if (s && !strcmp(s, "dns-server"))
			d->dns_server = 1;
		else
			warn_line(L, path(f, sizeof f, "roles", i, NULL), v, "not gateway, dhcp-server or dns-server");
	}
	d->first_us = when(L, json_object_get(dv, "first_seen"), "first_seen");
	d->last_us = when(L, json_object_get(dv, "last_seen"), "last_seen");
	d->pkts_out = count(L, json_object_get(dv, "packets_out"), "packets_out", INT64_MAX);
	d->pkts_in = count(L, json_object_get(dv, "packets_in"), "packets_in", INT64_MAX);
	d->bytes_out = count(L, json_object_get(dv, "bytes_out"), "bytes_out", INT64_MAX);
	d->bytes_in = count(L, json_object_get(dv, "bytes_in"), "bytes_in", INT64_MAX);
	dns_of(L, d, json_object_get(dv, "dns"));
	identity(L, d, json_object_get(dv, "identity"));
	infra_of(L, d, json_object_get(dv, "infrastructure"));
	d->label = text(L, json_object_get(dv, "label"), "label");
	if (d->label && strlen(d->label) > REPORT_LABEL_MAX) {
		warn_line(L, "label", json_object_get(dv, "label"), "longer than " "64 bytes");
		d->label = NULL;
	}
	text_into(L, json_object_get(dv, "display_name"), "display_name", d->display, sizeof d->display);
	if (!d->display[0])
		snprintf(d->display, sizeof d->display, "%s", d->id);
	const json_t *ds = json_object_get(dv, "destinations");
	if (!(d->dests = array_of(L, ds, sizeof *d->dests)))
		return;
	json_array_foreach(ds, i, v)
		if (dest_of(L, v, i, &d->dests[d->n_dests]) == 0)
			d->n_dests++;
	report_serves(d);
}

/* ---- the top level ------------------------------------------------------ */

static void capture_of(struct ld *L, const json_t *cap)
{
	struct report *r = L->r;
	const json_t *ins = json_object_get(cap, "inputs"), *o, *v;
	size_t i;
	char f[96];
	if (!(r->inputs = array_of(L, ins, sizeof *r->inputs)))
		return;
	json_array_foreach(ins, i, o) {
		struct rep_input *in = &r->inputs[r->n_inputs];
		/* a name that is not text is in name_hex, byte for byte */
		const json_t *hx = json_object_get(o, "name_hex");
		const char *h = json_string_value(hx);
		if (h) {
			size_t n = strlen(h);
			char *name = n % 2 == 0 && n <= 2 * TEXT_MAX && strspn(h, "0123456789abcdef") == n ? own(L, n / 2 + 1)
													   : NULL;
			for (size_t k = 0; name && k < n / 2; k++) {
				unsigned b;
				sscanf(h + 2 * k, "%2x", &b);
				name[k] = (char)b;
			}
			if (!name || memchr(name, 0, n / 2) || !n) {
				warn_out(L, path(f, sizeof f, "capture.inputs", i, "name_hex"), hx,
					  "not the hex of a file name", "the input");
				continue;
			}
			in->name = name;
		} else if (!(in->name = text(L, json_object_get(o, "name"), path(f, sizeof f, "capture.inputs", i, "name")))) {
			if (!json_object_get(o, "name") || json_is_null(json_object_get(o, "name")))
				warn_out(L, path(f, sizeof f, "capture.inputs", i, "name"), json_object_get(o, "name"),
					  "missing", "the input");
			continue;
		}
		v = json_object_get(o, "type");
		const char *t = json_string_value(v);
		if (v && (!t || (strcmp(t, "file") && strcmp(t, "interface"))))
			warn_line(L, path(f, sizeof f, "capture.inputs", i, "type"), v, "not file or interface");
		in->live = t && !strcmp(t, "interface");
		in->linktype = text(L, json_object_get(o, "linktype"), path(f, sizeof f, "capture.inputs", i, "linktype"));
		in->packets = count(L, json_object_get(o, "packets"), path(f, sizeof f, "capture.inputs", i, "packets"),
				    INT64_MAX);
		v = json_object_get(o, "error");
		if (v && !json_is_null(v)) {
			text_into(L, v, path(f, sizeof f, "capture.inputs", i, "error"), in->message, sizeof in->message);
			in->error = 1;
			if (!in->message[0])
				snprintf(in->message, sizeof in->message, "the input ended early");
		}
		if (in->live) {
			in->received = count(L, json_object_get(o, "received"),
					     path(f, sizeof f, "capture.inputs", i, "received"), INT64_MAX);
			in->dropped = count(L, json_object_get(o, "dropped"), path(f, sizeof f, "capture.inputs", i, "dropped"),
					    INT64_MAX);
		}
		r->n_inputs++;
	}
	r->packets = count(L, json_object_get(cap, "packets"), "capture.packets", INT64_MAX);
	r->bytes = count(L, json_object_get(cap, "bytes"), "capture.bytes", INT64_MAX);
	r->first_us = when(L, json_object_get(cap, "first_seen"), "capture.first_seen");
	r->last_us = when(L, json_object_get(cap, "last_seen"), "capture.last_seen");
	const json_t *ctr = json_object_get(cap, "counters");
	const char *key;
	r->counters = calloc(json_object_size(ctr) + 1, sizeof *r->counters);
	if (!r->counters) {
		L->oom = 1;
		return;
	}
	json_object_foreach((json_t *)ctr, key, v) {
		snprintf(f, sizeof f, "capture.counters.%.24s", key);
		size_t kl = strlen(key);
		if (!kl || kl > 64 || strspn(key, "abcdefghijklmnopqrstuvwxyz0123456789_") != kl) {
			json_t *k = json_string(key);
			warn_line(L, "capture.counters", k, "not a counter name (a-z, 0-9, '_')");
			json_decref(k);
			continue;
		}
		uint64_t n = count(L, v, f, INT64_MAX);
		char *name = own_str(L, key, kl);
		if (!name)
			return;
		r->counters[r->n_counters].name = name;
		r->counters[r->n_counters++].value = n;
	}
	r->memory_bytes = count(L, json_object_get(cap, "memory_bytes"), "capture.memory_bytes", INT64_MAX);
}

static void data_sets_of(struct ld *L, const json_t *list)
{
	size_t i, n = 0;
	const json_t *o;
	char f[96];
	struct data_set *v = own(L, (json_array_size(list) + 1) * sizeof *v);
	if (!v)
		return;
	json_array_foreach(list, i, o) {
		struct data_set *d = &v[n];
		if (!(d->name = text(L, json_object_get(o, "name"), path(f, sizeof f, "data_sets", i, "name"))))
			continue;
		d->loaded = flag(L, json_object_get(o, "loaded"), path(f, sizeof f, "data_sets", i, "loaded"));
		text_into(L, json_object_get(o, "version"), path(f, sizeof f, "data_sets", i, "version"), d->version,
			  sizeof d->version);
		text_into(L, json_object_get(o, "date"), path(f, sizeof f, "data_sets", i, "date"), d->date, sizeof d->date);
		text_into(L, json_object_get(o, "path"), path(f, sizeof f, "data_sets", i, "path"), d->path, sizeof d->path);
		text_into(L, json_object_get(o, "fallback"), path(f, sizeof f, "data_sets", i, "fallback"), d->fallback,
			  sizeof d->fallback);
		n++;
	}
	L->r->data_sets = v;
	L->r->n_data_sets = n;
}

/* Names in a country's lists: kept by pointer, at most REP_COUNTRY_TOP. */
static size_t top_of(struct ld *L, const json_t *list, const char *field, size_t i, const char **out, int dev_ids)
{
	size_t j, n = 0;
	const json_t *v;
	char f[96];
	json_array_foreach(list, j, v) {
		snprintf(f, sizeof f, "countries[%zu].%s[%zu]", i, field, j);
		if (n == REP_COUNTRY_TOP) {
			warn_line(L, f, v, "beyond the 6 a country lists");
			continue;
		}
		const char *s = dev_ids ? NULL : text(L, v, f);
		if (dev_ids) {
			/* a device id: the MAC or address, in its one form */
			const char *t = json_string_value(v);
			uint8_t m[6];
			struct ip_addr a;
			char buf[ADDR_STRLEN];
			if (t && strlen(t) < ADDR_STRLEN && mac_parse(m, t) == 0)
				s = own_str(L, buf, strlen(mac_fmt(m, buf)));
			else if (t && strlen(t) < ADDR_STRLEN && addr_parse(&a, t) == 0)
				s = own_str(L, buf, strlen(addr_fmt(&a, buf)));
			else
				warn_line(L, f, v, "not a device id (a MAC or an address)");
		}
		if (s)
			out[n++] = s;
	}
	return n;
}

static void countries_of(struct ld *L, const json_t *list)
{
	struct report *r = L->r;
	size_t i;
	const json_t *o;
	char f[96];
	if (!(r->countries = array_of(L, list, sizeof *r->countries)))
		return;
	json_array_foreach(list, i, o) {
		struct rep_country *c = &r->countries[r->n_countries];
		memset(c, 0, sizeof *c);
		country(L, json_object_get(o, "country"), path(f, sizeof f, "countries", i, "country"), c->cc);
		if (!c->cc[0]) {
			if (!json_object_get(o, "country"))
				warn_out(L, path(f, sizeof f, "countries", i, "country"), NULL, "missing", "the entry");
			continue;
		}
		c->home = flag(L, json_object_get(o, "home"), path(f, sizeof f, "countries", i, "home"));
		c->n_devices = count(L, json_object_get(o, "devices"), path(f, sizeof f, "countries", i, "devices"), INT64_MAX);
		c->n_dests = count(L, json_object_get(o, "destinations"), path(f, sizeof f, "countries", i, "destinations"),
				   INT64_MAX);
		c->bytes_up = count(L, json_object_get(o, "bytes_up"), path(f, sizeof f, "countries", i, "bytes_up"), INT64_MAX);
		c->bytes_down = count(L, json_object_get(o, "bytes_down"), path(f, sizeof f, "countries", i, "bytes_down"),
				      INT64_MAX);
		c->n_device_list = top_of(L, json_object_get(o, "top_devices"), "top_devices", i, c->devices, 1);
		c->n_orgs = top_of(L, json_object_get(o, "organisations"), "organisations", i, c->orgs, 0);
		c->n_domains = top_of(L, json_object_get(o, "domains"), "domains", i, c->domains, 0);
		r->n_countries++;
	}
}

static struct report *load(json_t *root, const char *name, report_warn_fn warn, char *err, size_t errlen)
{
	const json_t *devs = json_object_get(root, "devices");
	if (!json_is_array(devs)) {
		snprintf(err, errlen, "%s: no \"devices\" array: not an alfoil inspect --json report", name);
		return NULL;
	}
	const char *schema = json_string_value(json_object_get(root, "schema"));
	if (json_object_get(root, "schema") && (!schema || strcmp(schema, REPORT_SCHEMA))) {
		char esc[64];
		snprintf(err, errlen, "%s: schema \"%s\": this alfoil reads %s reports", name,
			 schema ? hostname_escape(schema, esc, sizeof esc) : "(not a string)", REPORT_SCHEMA);
		return NULL;
	}
	struct report *r = calloc(1, sizeof *r);
	if (!r) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	struct ld L = { .r = r, .file = name, .warn = warn };
	r->schema = REPORT_SCHEMA;
	r->version = text(&L, json_object_get(root, "version"), "version");
	capture_of(&L, json_object_get(root, "capture"));
	size_t i;
	const json_t *v;
	json_array_foreach(json_object_get(root, "warnings"), i, v) {
		char f[96];
		const char *s = text(&L, v, path(f, sizeof f, "warnings", i, NULL));
		/* json.c writes the IEEE registry's first, then the IP data's */
		if (s && !r->oui_status)
			r->oui_status = s;
		else if (s && !r->ip_status)
			r->ip_status = s;
	}
	data_sets_of(&L, json_object_get(root, "data_sets"));
	country(&L, json_object_get(root, "home_country"), "home_country", r->home_country);
	static const char *const sources[] = { "user", "own-address" };
	v = json_object_get(root, "home_country_source");
	if (v && !json_is_null(v))
		r->home_source = one_of(&L, v, "home_country_source", sources, 2, "not user or own-address");
	countries_of(&L, json_object_get(root, "countries"));
	warn_done(&L);
	size_t nd = json_array_size(devs);
	if (nd > REPORT_LOAD_MAX_DEVICES) {
		if (warn)
			warn("%s: %zu devices: those beyond %d are left out", name, nd, REPORT_LOAD_MAX_DEVICES);
		r->load_skipped += nd - REPORT_LOAD_MAX_DEVICES;
		nd = REPORT_LOAD_MAX_DEVICES;
	}
	if (!L.oom && !(r->devices = calloc(nd + 1, sizeof *r->devices)))
		L.oom = 1;
	for (i = 0; i < nd && !L.oom; i++) {
		const json_t *dv = json_array_get(devs, i);
		struct rep_device *d = &r->devices[r->n_devices];
		snprintf(L.where, sizeof L.where, "devices[%zu]", i);
		L.who[0] = '\0';
		memset(d, 0, sizeof *d);
		if (!json_is_object(dv)) {
			warn_out(&L, "", dv, "not an object", "the device");
		} else if (key_of(&L, d, dv) == 0) {
			size_t k;
			for (k = 0; k < r->n_devices && strcmp(r->devices[k].id, d->id); k++)
				;
			snprintf(L.who, sizeof L.who, " (%s)", d->id);
			if (k < r->n_devices) {
				warn_out(&L, "id", json_object_get(dv, "id"), "a device listed before", "the second entry");
			} else {
				r->n_devices++;
				device_of(&L, dv, d, i);
			}
		}
		warn_done(&L);
	}
	if (L.oom) {
		report_free(r);
		snprintf(err, errlen, "%s: out of memory", name);
		return NULL;
	}
	report_count(r);
	return r;
}

struct report *report_load_buf(const char *buf, size_t len, const char *name, report_warn_fn warn, char *err,
			       size_t errlen)
{
	json_error_t je;
	json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		snprintf(err, errlen, "%s:%d: not a JSON report: %s", name, je.line, je.text);
		return NULL;
	}
	struct report *r = load(root, name, warn, err, errlen);
	json_decref(root);
	return r;
}

struct report *report_load(const char *path, report_warn_fn warn, char *err, size_t errlen)
{
	json_error_t je;
	json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		if (je.line < 1 && je.position == 0)
			snprintf(err, errlen, "%s: %s", path, je.text);
		else
			snprintf(err, errlen, "%s:%d: not a JSON report: %s", path, je.line, je.text);
		return NULL;
	}
	struct report *r = load(root, path, warn, err, errlen);
	json_decref(root);
	return r;
}
