/* finding.c - the words of every kind of finding (see finding.h).
 *
 * One table: each kind's function reads the evidence values the detector
 * set (docs/findings.md lists them) and writes the title and the evidence;
 * the advice is the table's, or the function's when it depends on the
 * evidence. Lists are cut to a budget the way a line can hold them: an item
 * that does not fit is left out, a shorter one after it may still go in. */
#include "output/finding.h"

#include <inttypes.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/fmt.h"
#include "lib/utf8.h"
#include "output/output.h"

struct kind_words;
typedef void (*words_fn)(const struct fset *e, const struct kind_words *k, struct finding_words *w);

struct kind_words {
	const char *kind;
	words_fn fn;
	const char *title;    /* for the functions that take it from here */
	const char *evidence; /* the format around a list ("Telnet sessions to %s") */
	const char *advice;
};

/* ---- helpers ----------------------------------------------------------- */

/* Words into a title or evidence, cut to its size. */
__attribute__((format(printf, 3, 4))) static void say(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, n, fmt, ap);
	va_end(ap);
}

/* Append "item" to a comma-separated list in buf (left out when full). 1
 * when it went in. */
static int list_add(char *buf, size_t cap, const char *item)
{
	size_t n = strlen(buf);
	if (n + strlen(item) + 3 >= cap)
		return 0;
	snprintf(buf + n, cap - n, "%s%s", n ? ", " : "", item);
	return 1;
}

static const char *proto_name(uint64_t p)
{
	return rep_proto_name((uint8_t)p);
}

/* The text of a scalar value ("?" when absent): addresses in their text
 * form, names as they are, numbers in decimal. */
#define VAL_LEN 64
static const char *val(const struct fset *s, const char *name, char buf[VAL_LEN])
{
	const struct fval *v = fs_get(s, name);
	if (!v)
		return "?";
	switch (v->type) {
	case FV_ADDR: return addr_fmt(&v->v.addr, buf);
	case FV_NAME: case FV_DEVICE: return v->v.s;
	case FV_PROTO: return proto_name(v->v.u);
	case FV_REAL: snprintf(buf, VAL_LEN, "%.0f", v->v.d); return buf;
	case FV_LIST: case FV_NONE: return "?";
	default: snprintf(buf, VAL_LEN, "%" PRIu64, v->v.u); return buf;
	}
}

/* A destination's name, else its address. */
static const char *label(const struct fset *it, char buf[VAL_LEN])
{
	const char *d = fs_s(it, "domain");
	return d ? d : val(it, "address", buf);
}

/* "2026-11-01 08:00:00 to 08:01:12" */
static const char *span(char buf[80], uint64_t first, uint64_t last)
{
	char a[32], b[32];
	fmt_time(a, first, 0);
	fmt_time(b, last, 0);
	snprintf(buf, 80, "%s to %s", a, strlen(b) > 11 ? b + 11 : b);
	return buf;
}

static const char *span_of(char buf[80], const struct fset *s)
{
	return span(buf, fs_u(s, "first"), fs_u(s, "last"));
}

/* How one list item reads. */
typedef const char *(*item_fn)(const struct fset *it, char *buf, size_t n);

/* The first max items of list name (0: all it kept), each cut to item_len
 * bytes, joined within cap bytes into buf; the items that went in. */
static size_t join(char *buf, size_t cap, const struct fset *e, const char *name, size_t max, item_fn fn,
		   size_t item_len)
{
	buf[0] = '\0';
	const struct flist *l = fs_l(e, name);
	size_t shown = 0;
	char item[FINDING_EVIDENCE_LEN];
	if (item_len > sizeof item)
		item_len = sizeof item;
	for (uint32_t i = 0; l && i < l->n && (!max || i < max); i++)
		shown += (size_t)list_add(buf, cap, fn(&l->v[i], item, item_len));
	return shown;
}

static size_t list_total(const struct fset *e, const char *name)
{
	const struct flist *l = fs_l(e, name);
	return l ? l->total : 0;
}

static const char *it_label(const struct fset *it, char *buf, size_t n)
{
	char a[VAL_LEN];
	snprintf(buf, n, "%s", label(it, a));
	return buf;
}

static const char *it_address(const struct fset *it, char *buf, size_t n)
{
	char a[VAL_LEN];
	snprintf(buf, n, "%s", val(it, "address", a));
	return buf;
}

static const char *it_value(const struct fset *it, char *buf, size_t n)
{
	char a[VAL_LEN];
	snprintf(buf, n, "%s", val(it, "value", a));
	return buf;
}

static const char *it_label_port(const struct fset *it, char *buf, size_t n)
{
	char a[VAL_LEN];
	snprintf(buf, n, "%s:%u", label(it, a), (unsigned)fs_u(it, "port"));
	return buf;
}

/* "203.0.113.5 (name)", "?" for no name */
static const char *it_addr_domain(const struct fset *it, char *buf, size_t n)
{
	char a[VAL_LEN];
	const char *d = fs_s(it, "domain");
	snprintf(buf, n, "%s (%s)", val(it, "address", a), d ? d : "?");
	return buf;
}

/* ---- one function per shape of words ------------------------------------ */

/* A fixed title and a list of destination:port in the table's format. */
static void w_dest_ports(const struct fset *e, const struct kind_words *k, struct finding_words *w)
{
	char list[300];
	join(list, sizeof list, e, "destinations", 0, it_label_port, 160);
	say(w->title, sizeof w->title, "%s", k->title);
	say(w->evidence, sizeof w->evidence, k->evidence, list);
}

/* A fixed title and the list of values (attributes the device sent). */
static void w_values(const struct fset *e, const struct kind_words *k, struct finding_words *w)
{
	char list[400];
	join(list, sizeof list, e, "values", 0, it_value, sizeof list);
	say(w->title, sizeof w->title, "%s", k->title);
	say(w->evidence, sizeof w->evidence, "%s", list);
}

static void w_lan_scan(const struct fset *e, const struct kind_words *k, struct finding_words *w)
{
	(void)k;
	char list[300], sp[80];
	uint64_t hosts = fs_u(e, "hosts");
	join(list, sizeof list, e, "addresses", 6, it_address, sizeof list);
	say(w->title, sizeof w->title, "contacted %" PRIu64 " hosts on the LAN (threshold %u)", hosts,
		 (unsigned)fs_u(e, "threshold"));
	say(w->evidence, sizeof w->evidence, "hosts: %s%s; %s", list, hosts > 6 ? ", ..." : "", span_of(sp, e));
}

static void w_port_scan(const struct fset *e, const struct kind_words *k, struct finding_words *w)
{
	(void)k;
	char a[VAL_LEN];
	uint64_t ports = fs_u(e, "ports");
	say(w->title, sizeof w->title, "tried %" PRIu64 " ports on %s (threshold %u)", ports,
		 val(e, "address", a), (unsigned)fs_u(e, "threshold"));
	say(w->evidence, sizeof w->evidence, "%" PRIu64 " distinct TCP/UDP ports to %s", ports, val(e, "address", a));
}

static const char *port_name(unsigned p)
{
	switch (p) {
	case 22: return "SSH";
	case 23: case 2323: return "Telnet";
	case 139: case 445: return "SMB";
	case 3389: return "RDP";
	case 5900: return "VNC";
	case 80: case 8080: return "HTTP";
	case 443: case 8443: return "HTTPS";
	default: return "admin";
	}
}

static const char *it_admin(const struct fset *it, char *buf, size_t n)
{
	char a[VAL_LEN];
	unsigned port = (unsigned)fs_u(it, "port");
	snprintf(buf, n, "%s %s:%u%s", port_name(port), val(it, "address", a), port,
		 fs_u(it, "router") ? " (the router)" : "");
	return buf;
}

static void w_lan_admin(const struct fset *e, const struct kind_words *k, struct finding_words *w)
{
	char list[300];
	join(list, sizeof list, e, "connections", 0, it_admin, 96);
	say(w->title, sizeof w->title, "%s", k->title);
	say(w->evidence, sizeof w->evidence, "%s", list);
}

static void w_arp_spoof(const struct fset *e, const struct kind_words *k, struct finding_words *w)
{
	(void)k;
	char a[VAL_LEN], x[VAL_LEN], y[VAL_LEN], sx[80], sy[80];
	const struct flist *l = fs_l(e, "claimants");
	static const struct fset none;
	const struct fset *p = l && l->n > 0 ? &l->v[0] : &none, *q = l && l->n > 1 ? &l->v[1] : &none;
	say(w->title, sizeof w->title, "%s is claimed in ARP by %s and by %s", val(e, "address", a),
		 val(p, "device", x), val(q, "device", y));
	say(w->evidence, sizeof w->evidence, "%s claims %" PRIu64 " addresses (active %s), %s claims %" PRIu64 " (active %s)",
		 val(p, "device", x), fs_u(p, "claims"), span_of(sx, p), val(q, "device", y), fs_u(q, "claims"),
		 span_of(sy, q));
}

static void w_arp_sweep(const struct fset *e, const struct kind_words *k, struct finding_words *w)
{
	(void)k;
	char sp[80];
	unsigned n = (unsigned)fs_u(e, "addresses");
	say(w->title, sizeof w->title, "asked ARP for %u addresses (threshold %u)", n, (unsigned)fs_u(e, "threshold"));
	say(w->evidence, sizeof w->evidence, "%u ARP requests for %u distinct addresses, %s",
		 (unsigned)fs_u(e, "requests"), n, span_of(sp, e));
}

static void w_arp_storm(const struct fset *e, const struct kind_words *k, struct finding_words *w)
{
	(void)k;
	char sp[80];
	unsigned n = (unsigned)fs_u(e, "announcements");
	say(w->title, sizeof w->title, "sent %u gratuitous ARP announcements", n);
	say(w->evidence, sizeof w->evidence, "%u gratuitous ARP, %s", n, span_of(sp, e));
}

/* a public resolver by its address, any other with its name */
static const char *it_resolver(const struct fset *it, char *buf, size_t n)
{
	return fs_u(it, "known") ? it_address(it, buf, n) : it_addr_domain(it, buf, n);
}

static void w_dns_public(const struct fset *e, const struct kind_words *k, struct finding_words *w)
{
	char list[300];
	join(list, sizeof list, e, "servers", 0, it_resolver, 160);
	say(w->title, sizeof w->title, "%s", k->title);
	say(w->evidence, sizeof w->evidence, "DNS (port 53) to %s", list);
}

static void w_dns_encrypted(const struct fset *e, const struct kind_words *k, struct finding_words *w)
{
	(void)k;
	char dot[300], doh[300];
	join(dot, sizeof dot, e, "dot", 0, it_addr_domain, 160);
	join(doh, sizeof doh, e, "doh", 0, it_addr_domain, 160);
	say(w->title, sizeof w->title, "uses %s%s%s", dot[0] ? "DNS over TLS" : "", dot[0] && doh[0] ? " and " : "",
		 doh[0] ? "DNS over HTTPS" : "");
	say(w->evidence, sizeof w->evidence, "%s%s%s", dot, dot[0] && doh[0] ? "; " : "", doh);
}

static void w_dns_unresolved(const struct fset *e, const struct kind_words *k, struct finding_words *w)
{
	(void)k;
	char list[300];
	uint64_t n = fs_u(e, "unresolved");
	join(list, sizeof list, e, "addresses", 5, it_address, sizeof list);
	say(w->title, sizeof w->title, "connects to %" PRIu64 " internet addresses it never resolved", n);
	say(w->evidence, sizeof w->evidence, "%s%s (the device does use DNS: %" PRIu64 " names asked)", list,
		 n > 5 ? ", ..." : "", fs_u(e, "names_asked"));
}

static const char *it_old_tls(const struct fset *it, char *buf, size_t n)
{
	char a[VAL_LEN];
	snprintf(buf, n, "%s (TLS 1.%d)", label(it, a), (int)fs_u(it, "tls_version") - 0x0301);
	return buf;
}

static void w_weak_tls(const struct fset *e, const struct kind_words *k, struct finding_words *w)
{
	char list[300];
	join(list, sizeof list, e, "destinations", 0, it_old_tls, 160);
	say(w->title, sizeof w->title, "%s", k->title);
	say(w->evidence, sizeof w->evidence, "%s", list);
}

static void w_local_protocol(const struct fset *e, const struct kind_words *k, struct finding_words *w)
{
	(void)k;
	int tuya = fs_u(e, "tuya") != 0, miio = fs_u(e, "miio") != 0;
	say(w->title, sizeof w->title, "speaks %s on the LAN", tuya && miio ? "Tuya and miIO" : tuya ? "Tuya" : "Xiaomi miIO");
	say(w->evidence, sizeof w->evidence, "%s%s",
		 tuya ? "broadcasts Tuya discovery (its key is shared by all Tuya devices)" : "",
		 miio ? (tuya ? "; miIO on UDP 54321 (the token is given out to any app that asks during setup)"
			      : "miIO on UDP 54321 (the token is given out to any app that asks during setup)")
		      : "");
}

static const char *it_service(const struct fset *it, char *buf, size_t n)
{
	snprintf(buf, n, "%s/%u", proto_name(fs_u(it, "proto")), (unsigned)fs_u(it, "port"));
	return buf;
}

static void w_services(const struct fset *e, const struct kind_words *k, struct finding_words *w)
{
	(void)k;
	char list[300];
	int telnet = fs_u(e, "telnet") != 0;
	join(list, sizeof list, e, "services", 0, it_service, 96);
	say(w->title, sizeof w->title, "offers %s on the LAN%s", list, telnet ? ", including Telnet" : "");
	say(w->evidence, sizeof w->evidence, "TCP services that answered: %s", list);
	w->advice = telnet ? "A Telnet server on an appliance is the classic way in: disable it or block port 23 to it."
			   : "These are the doors into this device; block the ones you do not use.";
}

static const char *it_inbound(const struct fset *it, char *buf, size_t n)
{
	char a[VAL_LEN];
	snprintf(buf, n, "%s/%u from %s", proto_name(fs_u(it, "proto")), (unsigned)fs_u(it, "port"), val(it, "address", a));
	return buf;
}

static void w_reachable(const struct fset *e, const struct kind_words *k, struct finding_words *w)
{
	char list[300];
	join(list, sizeof list, e, "services", 0, it_inbound, 96);
	say(w->title, sizeof w->title, "%s", k->title);
	say(w->evidence, sizeof w->evidence, "%s", list);
}

static const char *it_watched(const struct fset *it, char *buf, size_t n)
{
	char a[VAL_LEN], up[16];
	snprintf(buf, n, "%s %s (%s up)", val(it, "country", (char[VAL_LEN]){ 0 }), label(it, a),
		 fmt_bytes(up, fs_u(it, "bytes_up")));
	return buf;
}

static void w_watched(const struct fset *e, const struct kind_words *k, struct finding_words *w)
{
	(void)k;
	char list[400], tmp[16];
	join(list, sizeof list, e, "destinations", 0, it_watched, 200);
	say(w->title, sizeof w->title, "sends data to a watched country (%s up)", fmt_bytes(tmp, fs_u(e, "bytes_up")));
	say(w->evidence, sizeof w->evidence, "%s", list);
}

static void w_new_dest(const struct fset *e, const struct kind_words *k, struct finding_words *w)
{
	(void)k;
	char list[400];
	size_t n = list_total(e, "destinations");
	join(list, sizeof list, e, "destinations", 6, it_label, sizeof list);
	say(w->title, sizeof w->title, "%zu destination%s not in the baseline", n, n == 1 ? "" : "s");
	say(w->evidence, sizeof w->evidence, "%s%s", list, n > 6 ? ", ..." : "");
}

static const char *it_big(const struct fset *it, char *buf, size_t n)
{
	char a[VAL_LEN], up[16];
	const char *cc = fs_s(it, "country");
	snprintf(buf, n, "%s to %s (%s)", fmt_bytes(up, fs_u(it, "bytes_up")), label(it, a), cc && cc[0] ? cc : "?");
	return buf;
}

static void w_large_upload(const struct fset *e, const struct kind_words *k, struct finding_words *w)
{
	(void)k;
	char list[400], tmp[16];
	join(list, sizeof list, e, "destinations", 0, it_big, 200);
	say(w->title, sizeof w->title, "uploaded over %s to one destination", fmt_bytes(tmp, fs_u(e, "threshold")));
	say(w->evidence, sizeof w->evidence, "%s", list);
}

static const char *it_abroad(const struct fset *it, char *buf, size_t n)
{
	char a[VAL_LEN], b[16];
	const char *co = fs_s(it, "company"), *cc = fs_s(it, "country");
	snprintf(buf, n, "%s to %s %s%s%s%s", fmt_bytes(b, fs_u(it, "bytes_up")), cc ? cc : "", label(it, a), co ? " (" : "",
		 co ? co : "", co ? ")" : "");
	return buf;
}

static void w_upload_abroad(const struct fset *e, const struct kind_words *k, struct finding_words *w)
{
	(void)k;
	char list[400], tmp[16];
	const char *brand = fs_s(e, "brand"), *kind = fs_s(e, "kind");
	join(list, sizeof list, e, "destinations", 0, it_abroad, 200);
	say(w->title, sizeof w->title, "%s%s%s uploaded %s abroad", brand ? brand : "", brand ? " " : "",
		 kind ? kind : "", fmt_bytes(tmp, fs_u(e, "bytes_up")));
	say(w->evidence, sizeof w->evidence, "%s", list);
}

static void w_upload_surge(const struct fset *e, const struct kind_words *k, struct finding_words *w)
{
	(void)k;
	char tmp[16];
	double now = fs_d(e, "rate"), was = fs_d(e, "baseline_rate");
	say(w->title, sizeof w->title, "sends %.0f times its usual upload rate", was > 0 ? now / was : 0);
	say(w->evidence, sizeof w->evidence, "%.0f bytes/s now (%s in %.0f s), %.0f bytes/s in the baseline", now,
		 fmt_bytes(tmp, fs_u(e, "bytes_out")), fs_d(e, "seconds"), was);
}

static const char *it_beacon(const struct fset *it, char *buf, size_t n)
{
	char a[VAL_LEN];
	snprintf(buf, n, "%s:%u every %.0f s (%u times)", label(it, a), (unsigned)fs_u(it, "port"), fs_d(it, "interval"),
		 (unsigned)fs_u(it, "connections"));
	return buf;
}

static void w_beacon(const struct fset *e, const struct kind_words *k, struct finding_words *w)
{
	char list[400];
	join(list, sizeof list, e, "destinations", 0, it_beacon, 200);
	say(w->title, sizeof w->title, "%s", k->title);
	say(w->evidence, sizeof w->evidence, "%s", list);
}

static void w_dns_tunnel(const struct fset *e, const struct kind_words *k, struct finding_words *w)
{
	(void)k;
	char list[400];
	join(list, sizeof list, e, "names", 3, it_label, sizeof list);
	say(w->title, sizeof w->title, "asked %zu random-looking DNS names", list_total(e, "names"));
	say(w->evidence, sizeof w->evidence, "first labels of %u+ characters with >= %.1f bits/char, e.g. %s",
		 (unsigned)fs_u(e, "min_length"), fs_d(e, "min_bits"), list);
}

static void w_blocklisted(const struct fset *e, const struct kind_words *k, struct finding_words *w)
{
	char list[400];
	join(list, sizeof list, e, "destinations", 0, it_label, sizeof list);
	say(w->title, sizeof w->title, "%s", k->title);
	say(w->evidence, sizeof w->evidence, "%s", list);
}

static void w_telnet_brute(const struct fset *e, const struct kind_words *k, struct finding_words *w)
{
	(void)k;
	char a[VAL_LEN], sp[80];
	unsigned n = (unsigned)fs_u(e, "connections");
	say(w->title, sizeof w->title, "opened %u Telnet connections to %s", n, val(e, "address", a));
	say(w->evidence, sizeof w->evidence, "%u connections to %s:%u, %s", n, val(e, "address", a),
		 (unsigned)fs_u(e, "port"), span_of(sp, e));
}

static void w_mirai(const struct fset *e, const struct kind_words *k, struct finding_words *w)
{
	(void)k;
	char list[300];
	uint64_t n = fs_u(e, "hosts");
	join(list, sizeof list, e, "addresses", 6, it_address, sizeof list);
	say(w->title, sizeof w->title, "tried Telnet on %" PRIu64 " hosts", n);
	say(w->evidence, sizeof w->evidence, "TCP 23/2323 to %s%s", list, n > 6 ? ", ..." : "");
}

/* "203.0.113.5 (name)", or the address alone */
static const char *it_server(const struct fset *it, char *buf, size_t n)
{
	return fs_s(it, "domain") ? it_addr_domain(it, buf, n) : it_address(it, buf, n);
}

static void w_p2p(const struct fset *e, const struct kind_words *k, struct finding_words *w)
{
	(void)k;
	char list[400], sp[80];
	size_t n = list_total(e, "servers");
	join(list, sizeof list, e, "servers", 0, it_server, ADDR_STRLEN + 80);
	say(w->title, sizeof w->title, "uses the CS2/PPPP P2P relay (%zu server%s)", n, n == 1 ? "" : "s");
	say(w->evidence, sizeof w->evidence, "udp/32100 to %s; %s", list, span_of(sp, e));
}

static void w_relay(const struct fset *e, const struct kind_words *k, struct finding_words *w)
{
	(void)k;
	char list[400];
	size_t n = list_total(e, "values");
	join(list, sizeof list, e, "values", 0, it_value, sizeof list);
	say(w->title, sizeof w->title, "sends the traffic of %zu other host%s from its own MAC", n, n == 1 ? "" : "s");
	say(w->evidence, sizeof w->evidence, "relays for %s (address MAC)", list);
}

static const char *it_exchange(const struct fset *it, char *buf, size_t n)
{
	char a[VAL_LEN];
	snprintf(buf, n, "%s %s %s/%u", fs_u(it, "inbound") ? "from" : "to", label(it, a), proto_name(fs_u(it, "proto")),
		 (unsigned)fs_u(it, "port"));
	return buf;
}

static void w_profile_deviation(const struct fset *e, const struct kind_words *k, struct finding_words *w)
{
	(void)k;
	char list[560], size[16];
	size_t n = list_total(e, "exchanges");
	size_t shown = join(list, sizeof list, e, "exchanges", 0, it_exchange, 320);
	say(w->title, sizeof w->title, "did %zu thing%s its profile does not allow (%s sent)", n, n == 1 ? "" : "s",
		 fmt_bytes(size, fs_u(e, "bytes_up")));
	say(w->evidence, sizeof w->evidence, "%s%s", list, shown < n ? ", ..." : "");
}

static void w_title(const struct fset *e, const struct kind_words *k, struct finding_words *w)
{
	(void)e;
	say(w->title, sizeof w->title, "%s", k->title);
}

/* ---- the table ------------------------------------------------------------- */

static const struct kind_words table[] = {
	/* lateral */
	{ "lan-scan", w_lan_scan, NULL, NULL,
	  "Find out why this device sweeps the network; if it is not a computer you use for that, isolate it "
	  "(alfoil enforce local-only)." },
	{ "port-scan", w_port_scan, NULL, NULL,
	  "A port scan from this device: treat it as compromised until you know why." },
	{ "lan-admin", w_lan_admin, "opened administration ports of other LAN hosts", NULL,
	  "An appliance has no business on other hosts' admin ports: block it from the LAN except what it needs." },
	{ "arp-spoof", w_arp_spoof, NULL, NULL,
	  "Two machines answer ARP for one address: unless it was handed over, someone is intercepting traffic "
	  "(ARP spoofing)." },
	{ "arp-sweep", w_arp_sweep, NULL, NULL,
	  "An ARP sweep maps the network before an attack: find out why this device does it." },
	{ "arp-storm", w_arp_storm, NULL, NULL,
	  "Announcing its address this often is what ARP spoofing tools do to keep their entries fresh." },
	/* dns-bypass */
	{ "dns-public-resolver", w_dns_public, "resolves names through a DNS server on the internet", NULL,
	  "The device ignores the network's DNS: your filtering does not apply to it. Redirect or block outbound "
	  "port 53 except to the router." },
	{ "dns-encrypted", w_dns_encrypted, NULL, NULL,
	  "Encrypted DNS hides what the device looks up from you; for an appliance, block it and let it fall back "
	  "to the router's DNS." },
	{ "dns-unresolved", w_dns_unresolved, NULL, NULL,
	  "Hard-coded addresses cannot be followed by name: check them in the destination list." },
	/* cleartext */
	{ "cleartext-telnet", w_dest_ports, "logs in with Telnet (cleartext)", "Telnet sessions to %s",
	  "Telnet sends passwords in the clear: turn it off, or block port 23 for this device." },
	{ "cleartext-ftp", w_dest_ports, "uses FTP (cleartext)", "FTP sessions to %s",
	  "FTP sends passwords and files in the clear; use SFTP or HTTPS." },
	{ "cleartext-credentials", w_values, "sends credentials over plain HTTP", NULL,
	  "Anyone on the path can read these credentials: change the password and use HTTPS." },
	{ "cleartext-mqtt", w_dest_ports, "talks MQTT without TLS", "MQTT (port 1883) to %s",
	  "MQTT without TLS exposes the device's messages and credentials; the broker should offer port 8883." },
	{ "cleartext-cloud", w_dest_ports, "talks plain HTTP to its cloud", "HTTP to %s",
	  "What it tells its cloud can be read and changed on the way." },
	{ "weak-tls", w_weak_tls, "offers at most TLS 1.0 or 1.1", NULL,
	  "TLS 1.0 and 1.1 are retired (RFC 8996): the firmware is old; look for an update." },
	{ "weak-tls-offer", w_values, "offers weak TLS cipher suites", NULL,
	  "It offers ciphers broken for years: a server that accepts them exposes its traffic. Update the "
	  "firmware." },
	{ "local-protocol", w_local_protocol, NULL, NULL,
	  "Anyone on the LAN can find and often control it: keep such devices on a network of their own." },
	/* exposure */
	{ "services", w_services, NULL, NULL, NULL },
	{ "upnp-portmap", w_values, "asks the router to open ports (UPnP IGD)", NULL,
	  "The device punches holes in the router: turn UPnP off on the router unless you need it." },
	{ "internet-reachable", w_reachable, "answered connections from the internet", NULL,
	  "It can be reached from the internet: check the router's port forwards and UPnP mappings." },
	/* phone-home */
	{ "upload-abroad", w_upload_abroad, NULL, NULL,
	  "A camera, speaker or appliance uploading this much abroad may be streaming what it sees or hears: "
	  "check it is meant to, or keep it local (a profile, or block its cloud)." },
	{ "watched-country", w_watched, NULL, NULL,
	  "Decide whether this device may send data there; if not, give it a profile that allows only what it "
	  "needs." },
	{ "new-destination", w_new_dest, NULL, NULL,
	  "New since the baseline: a firmware update, a new feature, or something that should not be there." },
	{ "large-upload", w_large_upload, NULL, NULL,
	  "Large uploads from a device you are not using may be a camera or microphone streaming out." },
	{ "upload-surge", w_upload_surge, NULL, NULL,
	  "It sends far more than it used to: a camera or microphone may be streaming out." },
	{ "beacon", w_beacon, "phones home at a steady interval", NULL,
	  "A steady heartbeat to its cloud, whether anyone uses the device or not: it is always reachable from "
	  "there." },
	{ "dns-tunnel", w_dns_tunnel, NULL, NULL,
	  "Many random-looking names: data may be leaving in DNS queries (tunnelling) or the device runs a "
	  "domain-generation algorithm." },
	/* known-bad */
	{ "blocklisted", w_blocklisted, "contacted blocklisted destinations", NULL,
	  "The device contacts names or addresses on your blocklist: block them, and find out what made it." },
	{ "telnet-bruteforce", w_telnet_brute, NULL, NULL,
	  "Password guessing over Telnet is botnet behaviour: take the device off the network and reset it." },
	{ "mirai-telnet", w_mirai, NULL, NULL,
	  "Telnet tried on many hosts is how Mirai-style botnets spread: take the device off the network and "
	  "reset it." },
	/* p2p, relay, profile */
	{ "p2p-relay", w_p2p, NULL, NULL,
	  "CS2/PPPP P2P makes the device reachable from the internet through the vendor's relay, past the "
	  "router's firewall: turn off remote viewing or P2P in its app, or block udp/32100-32102 for it." },
	{ "relay", w_relay, NULL, NULL,
	  "Unless this host is a NAT or a VM bridge you run, it sits between the device and the network (ARP "
	  "spoofing): find it and remove it." },
	{ "profile-deviation", w_profile_deviation, NULL, NULL,
	  "New behaviour: after an update or a new feature, learn the profile again; if not, contain the device "
	  "(alfoil enforce --profiles DIR)." },
	{ "profile-missing", w_title, "has no profile", NULL,
	  "A device without a profile is not checked: learn one (alfoil profile learn --device MAC) once you "
	  "trust what it does." },
};

static const struct kind_words *find_kind(const char *kind)
{
	for (size_t i = 0; kind && i < sizeof table / sizeof table[0]; i++)
		if (!strcmp(table[i].kind, kind))
			return &table[i];
	return NULL;
}

int finding_kind_known(const char *kind)
{
	return find_kind(kind) != NULL;
}

void finding_words(const struct finding *f, struct finding_words *w)
{
	const struct kind_words *k = find_kind(f->detector);
	w->title[0] = w->evidence[0] = '\0';
	w->advice = NULL;
	if (!k) {
		say(w->title, sizeof w->title, "%s", f->detector ? f->detector : "?");
		return;
	}
	w->advice = k->advice;
	k->fn(&f->ev, k, w);
}

/* ---- the order people read --------------------------------------------------- */

struct titled {
	const struct finding *f;
	char title[FINDING_TITLE_LEN];
};

static int cmp_titled(const void *a, const void *b)
{
	const struct titled *x = a, *y = b;
	if (x->f->sev != y->f->sev)
		return (int)y->f->sev - (int)x->f->sev;
	int c = strcmp(x->f->device, y->f->device);
	if (!c)
		c = strcmp(x->title, y->title);
	return c ? c : strcmp(x->f->key, y->f->key);
}

int findings_sort_words(struct findings *fs)
{
	if (fs->n < 2)
		return 0;
	struct titled *t = malloc(fs->n * sizeof *t);
	struct finding *v = malloc(fs->n * sizeof *v);
	if (!t || !v) {
		free(t);
		free(v);
		return -1;
	}
	for (size_t i = 0; i < fs->n; i++) {
		struct finding_words w;
		finding_words(&fs->v[i], &w);
		t[i].f = &fs->v[i];
		memcpy(t[i].title, w.title, sizeof w.title);
	}
	qsort(t, fs->n, sizeof *t, cmp_titled);
	for (size_t i = 0; i < fs->n; i++)
		v[i] = *t[i].f;
	memcpy(fs->v, v, fs->n * sizeof *v);
	free(t);
	free(v);
	return 0;
}

/* ---- JSON ------------------------------------------------------------------ */

static json_t *jsafe(const char *s)
{
	size_t len = strlen(s);
	if (utf8_is_clean(s, len, 0))
		return json_stringn_nocheck(s, len);
	char *buf = malloc(len ? len : 1);
	json_t *v = buf ? json_stringn_nocheck(buf, utf8_clean(buf, s, len, 0)) : NULL;
	free(buf);
	return v;
}

static json_t *value_json(const struct fval *v)
{
	char b[ADDR_STRLEN > 32 ? ADDR_STRLEN : 32];
	switch (v->type) {
	case FV_ADDR: return json_string(addr_fmt(&v->v.addr, b));
	case FV_PROTO: return json_string(proto_name(v->v.u));
	case FV_PORT: case FV_COUNT: case FV_BYTES: return json_integer((json_int_t)v->v.u);
	case FV_REAL: return json_real(v->v.d);
	case FV_NAME: case FV_DEVICE: return jsafe(v->v.s);
	case FV_TIME: return output_json_time(v->v.u);
	case FV_FLAG: return json_boolean(v->v.u);
	case FV_LIST: {
		json_t *a = json_array();
		for (uint32_t i = 0; a && i < v->v.list.n; i++) {
			json_t *o = finding_fields_json(&v->v.list.v[i]);
			if (o)
				json_array_append_new(a, o);
		}
		return a;
	}
	default: return json_null();
	}
}

json_t *finding_fields_json(const struct fset *s)
{
	json_t *o = json_object();
	for (size_t i = 0; o && i < s->n; i++) {
		const struct fval *v = &s->v[i];
		json_t *x = value_json(v);
		if (x)
			json_object_set_new(o, v->name, x);
		if (v->type == FV_LIST && v->v.list.total > v->v.list.n) {
			char k[96];
			snprintf(k, sizeof k, "%s_total", v->name);
			json_object_set_new(o, k, json_integer(v->v.list.total));
		}
	}
	return o;
}
