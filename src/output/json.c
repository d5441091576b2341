/* json.c - the report as JSON (schema in docs/json-schema.md), built with
 * jansson. Field names are stable within a schema version. */
#include <jansson.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/findings.h"
#include "intel/classify.h"
#include "intel/datasets.h"
#include "lib/fmt.h"
#include "lib/siphash.h"
#include "lib/utf8.h"
#include "output/finding.h"
#include "output/output.h"

/* jansson's setters steal the reference; a NULL value is skipped. */
static void set(json_t *o, const char *k, json_t *v)
{
	if (v)
		json_object_set_new(o, k, v);
}

/* A JSON string of s[0..len), made safe to show (lib/utf8.h): jansson
 * refuses bytes that are not UTF-8 (json_string gives NULL and the field
 * would be lost), and a consumer that shows a decoded "\u202e" is fooled
 * as a terminal would be. Strings from packets are clean already (the
 * string pool); this covers file names, messages and data files, and a
 * name cut to a buffer's size in the middle of a character. */
static json_t *jstrn(const char *s, size_t len)
{
	if (utf8_is_clean(s, len, 0))
		return json_stringn_nocheck(s, len);
	char stack[256], *buf = len <= sizeof stack ? stack : malloc(len);
	if (!buf)
		return NULL;
	json_t *v = json_stringn_nocheck(buf, utf8_clean(buf, s, len, 0));
	if (buf != stack)
		free(buf);
	return v;
}

static json_t *jstr(const char *s)
{
	return jstrn(s, strlen(s));
}

/* A capture file's name is whatever bytes the file system holds: "name"
 * shows it with U+FFFD for each byte that is not UTF-8 and each character
 * that would hide or reorder text, and "name_hex" then holds its bytes
 * (null when the name is shown as it is), so the key is never lost and the
 * file can still be found. */
static void input_name(json_t *o, const char *name)
{
	size_t len = strlen(name);
	if (utf8_is_clean(name, len, 0)) {
		set(o, "name", json_stringn_nocheck(name, len));
		set(o, "name_hex", json_null());
		return;
	}
	char *shown = malloc(3 * len), *hex = malloc(2 * len);
	if (shown && hex) {
		set(o, "name", json_stringn_nocheck(shown, utf8_clean(shown, name, len, UTF8_FFFD)));
		fmt_hex(hex, (const uint8_t *)name, len);
		set(o, "name_hex", json_stringn_nocheck(hex, 2 * len));
	}
	free(shown);
	free(hex);
}

json_t *output_json_text(const char *s)
{
	return s ? jstr(s) : json_null();
}

json_t *output_json_time(uint64_t us)
{
	char b[32];
	return us ? jstr(fmt_time(b, us, 1)) : json_null();
}

/* A running hash of pieces (a piece's length goes in with it: "ab" + "c"
 * is not "a" + "bc"). */
struct hmix {
	uint64_t h;
	const uint8_t *key;
};

static void hput(struct hmix *m, const void *p, size_t n)
{
	uint8_t b[16 + 240];
	uint64_t len = n;
	memcpy(b, &m->h, 8);
	memcpy(b + 8, &len, 8);
	if (n <= sizeof b - 16) {
		memcpy(b + 16, p, n);
		m->h = siphash13(b, 16 + n, m->key);
	} else {
		uint64_t x[3] = { m->h, len, siphash13(p, n, m->key) };
		m->h = siphash13(x, sizeof x, m->key);
	}
}

static void hstr(struct hmix *m, const char *s)
{
	if (s)
		hput(m, s, strlen(s) + 1);
	else
		hput(m, "", 0); /* NULL: not "" (which has its NUL) */
}

static void hnum(struct hmix *m, uint64_t v)
{
	hput(m, &v, sizeof v);
}

void output_json_uncount(json_t *o)
{
	static const char *const counted[] = { "flows", "packets_up", "packets_down", "bytes_up", "bytes_down",
					       "packets_out", "packets_in", "bytes_out", "bytes_in", "first_seen",
					       "last_seen" };
	for (size_t i = 0; o && i < sizeof counted / sizeof *counted; i++)
		json_object_del(o, counted[i]);
}

/* Every field output_json_dest() writes but its counters (flows, packets,
 * bytes) and times (first_seen, last_seen), in its order: a field added there is added here
 * (tests/unit/test_output.c changes each one). */
uint64_t output_json_dest_hash(const struct rep_dest *x, const uint8_t key[16])
{
	struct hmix m = { 0x616c666f696cull, key };
	hput(&m, x->addr.b, sizeof x->addr.b);
	hnum(&m, x->scope);
	hstr(&m, x->domain);
	hnum(&m, x->domain_source);
	hstr(&m, x->dns_name);
	hstr(&m, x->sni);
	hstr(&m, x->http_host);
	hnum(&m, (uint64_t)x->n_other);
	for (int i = 0; i < x->n_other; i++)
		hstr(&m, x->other_names[i]);
	hnum(&m, (uint64_t)!!x->internet);
	if (x->internet) {
		hstr(&m, x->country);
		hnum(&m, (uint64_t)!!x->abroad);
		hnum(&m, x->asn);
		hstr(&m, x->org);
		hnum(&m, x->translated);
		if (x->translated != ADDR_4IN6_NONE)
			hput(&m, x->translated_ipv4.b, sizeof x->translated_ipv4.b);
		hstr(&m, x->company);
		hstr(&m, x->service);
		hstr(&m, x->infra);
		hnum(&m, (uint64_t)!!x->folded);
	}
	hnum(&m, x->proto);
	hnum(&m, x->port);
	hnum(&m, x->app);
	hnum(&m, x->enc);
	hnum(&m, (uint64_t)!!x->inbound);
	hnum(&m, x->tls_version);
	return m.h;
}

json_t *output_json_dest(const struct rep_dest *x)
{
	json_t *o = json_object();
	char addr[ADDR_STRLEN];
	set(o, "address", jstr(addr_fmt(&x->addr, addr)));
	set(o, "scope", jstr(rep_scope_name(x->scope)));
	set(o, "domain", output_json_text(x->domain));
	set(o, "domain_source", jstr(rep_domain_src_name(x->domain_source)));
	json_t *names = json_object();
	if (x->dns_name)
		set(names, "dns", jstr(x->dns_name));
	if (x->sni)
		set(names, "tls_sni", jstr(x->sni));
	if (x->http_host)
		set(names, "http_host", jstr(x->http_host));
	if (x->n_other) {
		json_t *other = json_array();
		for (int i = 0; i < x->n_other; i++)
			json_array_append_new(other, jstr(x->other_names[i]));
		set(names, "other", other);
	}
	set(o, "names", names);
	if (x->internet) {
		set(o, "country", x->country[0] ? jstr(x->country) : json_null());
		set(o, "abroad", json_boolean(x->abroad));
		set(o, "asn", x->asn ? json_integer(x->asn) : json_null());
		set(o, "org", output_json_text(x->org));
		if (x->translated != ADDR_4IN6_NONE) {
			json_t *t = json_object();
			set(t, "kind", jstr(addr_ip4in6_name(x->translated)));
			set(t, "ipv4", jstr(addr_fmt(&x->translated_ipv4, addr)));
			set(o, "translated", t);
		} else {
			set(o, "translated", json_null());
		}
		set(o, "company", output_json_text(x->company));
		set(o, "service", output_json_text(x->service));
		set(o, "infrastructure", output_json_text(x->infra));
		set(o, "folded", json_boolean(x->folded));
	}
	const char *app = app_proto_name(x->app);
	set(o, "proto", jstr(rep_proto_name(x->proto)));
	set(o, "port", json_integer(x->port));
	set(o, "app", *app ? jstr(app) : json_null());
	set(o, "encrypted", jstr(enc_state_name(x->enc)));
	set(o, "direction", jstr(x->inbound ? "inbound" : "outbound"));
	if (x->tls_version) {
		char v[8];
		snprintf(v, sizeof v, "0x%04x", x->tls_version);
		set(o, "tls_version", jstr(v));
	}
	set(o, "flows", json_integer(x->flows));
	set(o, "packets_up", json_integer((json_int_t)x->pkts_up));
	set(o, "packets_down", json_integer((json_int_t)x->pkts_down));
	set(o, "bytes_up", json_integer((json_int_t)x->bytes_up));
	set(o, "bytes_down", json_integer((json_int_t)x->bytes_down));
	set(o, "first_seen", output_json_time(x->first_us));
	set(o, "last_seen", output_json_time(x->last_us));
	return o;
}

/* Every field output_json_device(d, 0) writes but its counters (packets,
 * bytes) and times (first_seen, last_seen), in its order: a field added
 * there is added here (tests/unit/test_output.c changes each one). */
uint64_t output_json_device_hash(const struct rep_device *d, const uint8_t key[16])
{
	struct hmix m = { 0x616c666f6964ull, key };
	hstr(&m, d->id);
	hnum(&m, (uint64_t)!!d->has_mac);
	if (d->has_mac)
		hput(&m, d->mac, sizeof d->mac);
	hstr(&m, d->display);
	hstr(&m, d->label);
	hnum(&m, d->n_infra);
	for (size_t i = 0; i < d->n_infra; i++) {
		hstr(&m, d->infra[i].label);
		hnum(&m, d->infra[i].n_dests);
		hnum(&m, d->infra[i].n_countries);
		hnum(&m, d->infra[i].bytes_up);
		hnum(&m, d->infra[i].bytes_down);
	}
	hstr(&m, d->maker);
	hstr(&m, d->maker_country);
	hstr(&m, d->maker_registry);
	hnum(&m, (uint64_t)!!d->randomized_mac);
	hnum(&m, d->n_ipv4);
	for (size_t i = 0; i < d->n_ipv4; i++)
		hput(&m, d->ipv4[i].b, sizeof d->ipv4[i].b);
	hnum(&m, d->n_ipv6);
	for (size_t i = 0; i < d->n_ipv6; i++)
		hput(&m, d->ipv6[i].b, sizeof d->ipv6[i].b);
	/* the bits of the addresses it has: those are all that is written */
	uint64_t b4 = d->n_ipv4 >= 32 ? d->ipv4_unproven : d->ipv4_unproven & ((1u << d->n_ipv4) - 1);
	uint64_t b6 = d->n_ipv6 >= 32 ? d->ipv6_unproven : d->ipv6_unproven & ((1u << d->n_ipv6) - 1);
	hnum(&m, b4);
	hnum(&m, b6);
	hnum(&m, d->n_names);
	for (size_t i = 0; i < d->n_names; i++) {
		hstr(&m, d->names[i].name);
		hstr(&m, d->names[i].source);
	}
	hnum(&m, (uint64_t)!!d->gateway << 2 | (uint64_t)!!d->dhcp_server << 1 | (uint64_t)!!d->dns_server);
	/* relays_for is made of the attributes */
	hnum(&m, d->n_attrs);
	for (size_t i = 0; i < d->n_attrs; i++) {
		hstr(&m, d->attrs[i].kind);
		hstr(&m, d->attrs[i].value);
	}
	hnum(&m, d->n_queries);
	for (size_t i = 0; i < d->n_queries; i++) {
		hstr(&m, d->queries[i].name);
		hnum(&m, d->queries[i].count);
	}
	hnum(&m, d->n_resolved);
	for (size_t i = 0; i < d->n_resolved; i++) {
		hstr(&m, d->resolved[i].name);
		hput(&m, d->resolved[i].addr.b, sizeof d->resolved[i].addr.b);
	}
	hstr(&m, d->kind);
	hstr(&m, d->what);
	hstr(&m, d->brand);
	hstr(&m, d->chip);
	hput(&m, &d->confidence, sizeof d->confidence);
	hstr(&m, d->miio_model);
	hnum(&m, d->n_hits);
	for (size_t i = 0; i < d->n_hits; i++) {
		const struct class_hit *h = &d->hits[i];
		hstr(&m, h->source);
		hstr(&m, h->value);
		hstr(&m, h->kind);
		hstr(&m, h->brand);
		hstr(&m, h->chip);
		hnum(&m, (uint64_t)(int64_t)h->weight);
		hnum(&m, (uint64_t)(int64_t)h->line);
	}
	return m.h;
}

json_t *output_json_device(const struct rep_device *d, int with_dests)
{
	json_t *o = json_object();
	char mac[MAC_STRLEN], addr[ADDR_STRLEN];
	set(o, "id", jstr(d->id));
	set(o, "mac", d->has_mac ? jstr(mac_fmt(d->mac, mac)) : json_null());
	set(o, "display_name", jstr(d->display));
	if (d->label)
		set(o, "label", jstr(d->label));
	json_t *inf = json_array();
	for (size_t i = 0; i < d->n_infra; i++) {
		json_t *e = json_object();
		set(e, "label", jstr(d->infra[i].label));
		set(e, "destinations", json_integer((json_int_t)d->infra[i].n_dests));
		set(e, "countries", json_integer((json_int_t)d->infra[i].n_countries));
		set(e, "bytes_up", json_integer((json_int_t)d->infra[i].bytes_up));
		set(e, "bytes_down", json_integer((json_int_t)d->infra[i].bytes_down));
		json_array_append_new(inf, e);
	}
	set(o, "infrastructure", inf);
	json_t *mk = json_object();
	set(mk, "name", output_json_text(d->maker));
	set(mk, "country", *d->maker_country ? jstr(d->maker_country) : json_null());
	set(mk, "registry", output_json_text(d->maker_registry));
	set(mk, "randomized_mac", json_boolean(d->randomized_mac));
	set(o, "maker", mk);
	json_t *v4 = json_array(), *v6 = json_array();
	for (size_t i = 0; i < d->n_ipv4; i++)
		json_array_append_new(v4, jstr(addr_fmt(&d->ipv4[i], addr)));
	for (size_t i = 0; i < d->n_ipv6; i++)
		json_array_append_new(v6, jstr(addr_fmt(&d->ipv6[i], addr)));
	set(o, "ipv4", v4);
	set(o, "ipv6", v6);
	json_t *unp = json_array();
	for (size_t i = 0; i < d->n_ipv4; i++)
		if (d->ipv4_unproven >> i & 1)
			json_array_append_new(unp, jstr(addr_fmt(&d->ipv4[i], addr)));
	for (size_t i = 0; i < d->n_ipv6; i++)
		if (d->ipv6_unproven >> i & 1)
			json_array_append_new(unp, jstr(addr_fmt(&d->ipv6[i], addr)));
	set(o, "addresses_unproven", unp);
	json_t *names = json_array();
	for (size_t i = 0; i < d->n_names; i++) {
		json_t *n = json_object();
		set(n, "name", jstr(d->names[i].name));
		set(n, "source", jstr(d->names[i].source));
		json_array_append_new(names, n);
	}
	set(o, "names", names);
	json_t *roles = json_array();
	if (d->gateway)
		json_array_append_new(roles, jstr("gateway"));
	if (d->dhcp_server)
		json_array_append_new(roles, jstr("dhcp-server"));
	if (d->dns_server)
		json_array_append_new(roles, jstr("dns-server"));
	set(o, "roles", roles);
	/* hosts whose traffic this device sends from its own MAC */
	json_t *relay = json_array();
	for (size_t i = 0; i < d->n_attrs; i++) {
		const char *v = d->attrs[i].value, *sp = strchr(v, ' ');
		if (strcmp(d->attrs[i].kind, "relays-for") || !sp)
			continue;
		json_t *e = json_object();
		set(e, "address", jstrn(v, (size_t)(sp - v)));
		set(e, "mac", jstr(sp + 1));
		json_array_append_new(relay, e);
	}
	set(o, "relays_for", relay);
	json_t *ev = json_array();
	for (size_t i = 0; i < d->n_attrs; i++) {
		json_t *e = json_object();
		set(e, "kind", jstr(d->attrs[i].kind));
		set(e, "value", jstr(d->attrs[i].value));
		json_array_append_new(ev, e);
	}
	set(o, "evidence", ev);
	set(o, "first_seen", output_json_time(d->first_us));
	set(o, "last_seen", output_json_time(d->last_us));
	set(o, "packets_out", json_integer((json_int_t)d->pkts_out));
	set(o, "packets_in", json_integer((json_int_t)d->pkts_in));
	set(o, "bytes_out", json_integer((json_int_t)d->bytes_out));
	set(o, "bytes_in", json_integer((json_int_t)d->bytes_in));
	json_t *dns = json_object(), *qs = json_array(), *rs = json_array();
	for (size_t i = 0; i < d->n_queries; i++) {
		json_t *q = json_object();
		set(q, "name", jstr(d->queries[i].name));
		set(q, "count", json_integer(d->queries[i].count));
		json_array_append_new(qs, q);
	}
	for (size_t i = 0; i < d->n_resolved; i++) {
		json_t *q = json_object();
		set(q, "name", jstr(d->resolved[i].name));
		set(q, "address", jstr(addr_fmt(&d->resolved[i].addr, addr)));
		json_array_append_new(rs, q);
	}
	set(dns, "queries", qs);
	set(dns, "answers", rs);
	json_t *id = json_object();
	set(id, "kind", output_json_text(d->kind));
	set(id, "what", output_json_text(d->what));
	set(id, "brand", output_json_text(d->brand));
	set(id, "chip", output_json_text(d->chip));
	set(id, "confidence", json_real(d->confidence));
	set(id, "miio_model", d->miio_model[0] ? jstr(d->miio_model) : json_null());
	json_t *hits = json_array();
	for (size_t i = 0; i < d->n_hits; i++) {
		const struct class_hit *h = &d->hits[i];
		json_t *e = json_object();
		set(e, "source", jstr(h->source));
		set(e, "value", jstr(h->value));
		set(e, "kind", output_json_text(h->kind));
		set(e, "brand", output_json_text(h->brand));
		set(e, "chip", output_json_text(h->chip));
		set(e, "weight", json_integer(h->weight));
		set(e, "rule", json_integer(h->line));
		json_array_append_new(hits, e);
	}
	set(id, "evidence", hits);
	set(o, "identity", id);
	set(o, "dns", dns);
	json_t *ds = json_array();
	for (size_t i = 0; with_dests && i < d->n_dests; i++)
		json_array_append_new(ds, output_json_dest(&d->dests[i]));
	set(o, "destinations", ds);
	return o;
}

json_t *output_json_finding(const struct finding *x)
{
	json_t *o = json_object();
	set(o, "severity", jstr(severity_name(x->sev)));
	set(o, "detector", jstr(x->detector));
	set(o, "device", jstr(x->device));
	struct finding_words fw;
	finding_words(x, &fw);
	set(o, "title", jstr(fw.title));
	set(o, "evidence", jstr(fw.evidence));
	set(o, "advice", output_json_text(fw.advice));
	set(o, "first_seen", output_json_time(x->first_us));
	set(o, "last_seen", output_json_time(x->last_us));
	set(o, "key", jstr(x->key));
	set(o, "evidence_fields", finding_fields_json(&x->ev));
	return o;
}

#define DUMP_FLAGS (JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII | JSON_ENCODE_ANY)

/* s copied into memory of its own (free() it), every line after the first
 * indented by n more spaces (n <= 8). Values are dumped to a string first:
 * jansson hands a callback one token at a time, and a stdio call per token
 * was a fifth of a large report's time. */
static char *indent_dup(const char *s, int n)
{
	static const char spaces[] = "        ";
	size_t len = strlen(s), lines = 0;
	for (const char *p = s; (p = memchr(p, '\n', len - (size_t)(p - s))); p++)
		lines++;
	char *out = malloc(len + lines * (size_t)n + 1), *o = out;
	if (!out)
		return NULL;
	const char *p = s, *end = s + len;
	for (;;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			break;
		memcpy(o, p, (size_t)(nl - p) + 1);
		o += nl - p + 1;
		memcpy(o, spaces, (size_t)n);
		o += n;
		p = nl + 1;
	}
	memcpy(o, p, (size_t)(end - p) + 1);
	return out;
}

static int dump_indented(FILE *f, json_t *v, int n)
{
	char *s = json_dumps(v, DUMP_FLAGS);
	char *text = s ? indent_dup(s, n) : NULL;
	free(s);
	if (!text)
		return -1;
	fputs(text, f);
	free(text);
	return 0;
}

/* Devices are turned into text a batch at a time, by this thread and one
 * more (every other device each), then written in order: building and
 * dumping jansson's objects is most of what writing a large report costs,
 * and the devices are independent. A batch bounds the text held at once. */
#define JSON_BATCH 64

struct json_batch {
	const struct report *r;
	size_t from, n;
	char *text[JSON_BATCH];
};

/* jansson allocates every object, key and string one by one and frees
 * them one by one when the tree goes; for a device's tree, built, dumped
 * and dropped at once, that was a third of the report's time. While a
 * thread has its arena on, jansson's allocations come from it and its
 * frees do nothing (the tree is all jansson allocates and frees then); the arena is emptied after each device and its
 * chunks kept for the next. Everything else jansson allocates (the
 * header's objects, MUD files, baselines) goes to malloc as before. */
#define ARENA_CHUNK (256u << 10)
#define ARENA_KEEP (4u << 20)

struct arena_chunk {
	struct arena_chunk *next;
	size_t used, cap;
	max_align_t data[];
};

static _Thread_local struct arena_chunk *arena;     /* chunks of this thread */
static _Thread_local int arena_on;

static void *arena_malloc(size_t n)
{
	if (!arena_on)
		return malloc(n);
	n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
	struct arena_chunk *c = arena;
	for (; c && c->cap - c->used < n; c = c->next)
		;
	if (!c) {
		size_t cap = n > ARENA_CHUNK ? n : ARENA_CHUNK;
		c = malloc(sizeof *c + cap);
		if (!c)
			return NULL;
		c->used = 0;
		c->cap = cap;
		c->next = arena;
		arena = c;
	}
	void *p = (char *)c->data + c->used;
	c->used += n;
	return p;
}

/* While a device's tree is made and dropped, everything jansson frees is
 * of that tree, so from the arena: nothing to do. */
static void arena_free(void *p)
{
	if (!arena_on)
		free(p);
}

static void arena_drop(void)
{
	while (arena) {
		struct arena_chunk *n = arena->next;
		free(arena);
		arena = n;
	}
}

/* One device's JSON text, indented to its place in the report, in memory
 * of its own (free() it). */
static char *device_text(const struct rep_device *d)
{
	arena_on = 1;
	json_t *j = output_json_device(d, 1);
	char *s = j ? json_dumps(j, DUMP_FLAGS) : NULL;
	char *out = s ? indent_dup(s, 4) : NULL;
	json_decref(j);
	arena_on = 0;
	/* keep up to ARENA_KEEP for the next device; a huge one's goes */
	size_t held = 0;
	for (struct arena_chunk *c = arena; c; c = c->next) {
		c->used = 0;
		held += c->cap;
	}
	if (held > ARENA_KEEP)
		arena_drop();
	return out;
}

static void *batch_odd(void *arg)
{
	struct json_batch *b = arg;
	for (size_t i = 1; i < b->n; i += 2)
		b->text[i] = device_text(&b->r->devices[b->from + i]);
	arena_drop();
	return NULL;
}

int output_json(FILE *f, const struct report *r, const struct out_opts *opts)
{
	/* the helper thread is the wirer's (out_opts.spawn); without one
	 * this thread makes every device's text */
	const struct spawner *sp = opts ? opts->spawn : NULL;
	/* set once, before any thread of ours makes JSON: with no arena on,
	 * these are malloc and free */
	json_set_alloc_funcs(arena_malloc, arena_free);
	json_t *root = json_object();
	set(root, "schema", jstr(r->schema));
	set(root, "version", output_json_text(r->version));
	json_t *cap = json_object();
	json_t *inputs = json_array();
	for (size_t i = 0; i < r->n_inputs; i++) {
		const struct rep_input *in = &r->inputs[i];
		json_t *o = json_object();
		input_name(o, in->name);
		set(o, "type", jstr(in->live ? "interface" : "file"));
		set(o, "linktype", output_json_text(in->linktype));
		set(o, "packets", json_integer((json_int_t)in->packets));
		set(o, "error", in->error ? jstr(in->message) : json_null());
		if (in->live) {
			set(o, "received", json_integer((json_int_t)in->received));
			set(o, "dropped", json_integer((json_int_t)(in->dropped + in->if_dropped)));
		}
		json_array_append_new(inputs, o);
	}
	set(cap, "inputs", inputs);
	set(cap, "packets", json_integer((json_int_t)r->packets));
	set(cap, "bytes", json_integer((json_int_t)r->bytes));
	set(cap, "first_seen", output_json_time(r->first_us));
	set(cap, "last_seen", output_json_time(r->last_us));
	if (r->totals.live) {
		set(cap, "received", json_integer((json_int_t)r->totals.received));
		set(cap, "dropped", json_integer((json_int_t)r->totals.dropped));
	}
	json_t *ctr = json_object();
	for (size_t i = 0; i < r->n_counters; i++)
		set(ctr, r->counters[i].name, json_integer((json_int_t)r->counters[i].value));
	set(cap, "counters", ctr);
	set(cap, "memory_bytes", json_integer((json_int_t)r->memory_bytes));
	set(root, "capture", cap);
	json_t *warn = json_array();
	if (r->oui_status)
		json_array_append_new(warn, jstr(r->oui_status));
	if (r->ip_status)
		json_array_append_new(warn, jstr(r->ip_status));
	set(root, "warnings", warn);
	/* which data the makers, countries, networks, clouds and kinds came
	 * from, and of when: the data ages */
	json_t *dsa = json_array();
	for (size_t i = 0; i < r->n_data_sets; i++) {
		const struct data_set *d = &r->data_sets[i];
		json_t *o = json_object();
		set(o, "name", jstr(d->name));
		set(o, "loaded", json_boolean(d->loaded));
		set(o, "version", d->version[0] ? jstr(d->version) : json_null());
		set(o, "date", d->date[0] ? jstr(d->date) : json_null());
		set(o, "path", d->path[0] ? jstr(d->path) : json_null());
		if (d->fallback[0])
			set(o, "fallback", jstr(d->fallback));
		json_array_append_new(dsa, o);
	}
	set(root, "data_sets", dsa);
	set(root, "home_country", r->home_country[0] ? jstr(r->home_country) : json_null());
	set(root, "home_country_source", output_json_text(r->home_source));
	set(root, "devices_abroad", json_integer((json_int_t)r->totals.devices_abroad));
	json_t *countries = json_array();
	for (size_t i = 0; i < r->n_countries; i++) {
		const struct rep_country *c = &r->countries[i];
		json_t *o = json_object();
		set(o, "country", jstr(c->cc));
		set(o, "home", json_boolean(c->home));
		set(o, "devices", json_integer((json_int_t)c->n_devices));
		set(o, "destinations", json_integer((json_int_t)c->n_dests));
		set(o, "bytes_up", json_integer((json_int_t)c->bytes_up));
		set(o, "bytes_down", json_integer((json_int_t)c->bytes_down));
		json_t *a = json_array();
		for (size_t k = 0; k < c->n_device_list; k++)
			json_array_append_new(a, jstr(c->devices[k]));
		set(o, "top_devices", a);
		a = json_array();
		for (size_t k = 0; k < c->n_orgs; k++)
			json_array_append_new(a, jstr(c->orgs[k]));
		set(o, "organisations", a);
		a = json_array();
		for (size_t k = 0; k < c->n_domains; k++)
			json_array_append_new(a, jstr(c->domains[k]));
		set(o, "domains", a);
		json_array_append_new(countries, o);
	}
	set(root, "countries", countries);
	json_t *fa = json_array();
	for (size_t i = 0; i < r->n_findings; i++) {
		json_array_append_new(fa, output_json_finding(&r->findings[i]));
	}
	set(root, "findings", fa);
	/* Written piece by piece: the header, then one device at a time, so
	 * the JSON tree in memory is never more than one device (a report of
	 * thousands of devices would otherwise need a tree many times its
	 * text). The text is the same as one json_dumpf of the whole. */
	int rc = 0;
	const char *key;
	json_t *val;
	fputs("{", f);
	int first = 1;
	json_object_foreach(root, key, val) {
		fprintf(f, "%s\n  \"%s\": ", first ? "" : ",", key);
		first = 0;
		rc |= dump_indented(f, val, 2);
	}
	json_decref(root);
	fputs(",\n  \"devices\": [", f);
	struct json_batch b = { .r = r };
	for (size_t from = 0; from < r->n_devices; from += JSON_BATCH) {
		b.from = from;
		b.n = r->n_devices - from < JSON_BATCH ? r->n_devices - from : JSON_BATCH;
		void *helper = b.n >= 4 && sp ? sp->start("alfoil-json", batch_odd, &b) : NULL;
		int two = helper != NULL;
		for (size_t i = 0; i < b.n; i += two ? 2 : 1)
			b.text[i] = device_text(&r->devices[from + i]);
		if (two)
			sp->join(helper);
		for (size_t i = 0; i < b.n; i++) {
			fputs(from + i ? ",\n    " : "\n    ", f);
			if (b.text[i])
				fputs(b.text[i], f);
			else
				rc = -1;
			free(b.text[i]);
		}
	}
	arena_drop();
	fputs(r->n_devices ? "\n  ]\n}\n" : "]\n}\n", f);
	return rc < 0 || ferror(f) ? -1 : 0;
}
