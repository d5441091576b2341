/* report.h - the neutral record between analysis and outputs.
 *
 * report_build() reads a tracker snapshot and the intel databases and produces
 * plain, sorted records of values: addresses are struct ip_addr, a MAC its
 * bytes, protocols IPPROTO_* numbers, the application, encryption, scope
 * and translation enums (each with its name function below or in
 * track/model.h, lib/addr.h). Analysis compares the values; output/ (text,
 * JSON, HTML) formats them and decides nothing, and prints the headline
 * counts the report holds (struct rep_totals) instead of counting. Names
 * (domains, host names, evidence) are strings, owned by the report (or by
 * the snapshot's string pool and the intel data, which must outlive it).
 */
#ifndef ALFOIL_ANALYZE_REPORT_H
#define ALFOIL_ANALYZE_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "decode/decode.h"
#include "lib/addr.h"
#include "track/snapshot.h"
#include "track/tracker.h"

struct oui_db;
struct ipdb;
struct clouds;
struct classifier;
struct class_hit;
struct infra;
struct finding;
struct data_set;

/* What report_build may consult; any may be NULL. */
struct intel_db {
	const struct oui_db *oui;
	const struct ipdb *ip;         /* country, ASN, organisation */
	const struct clouds *clouds;   /* domain -> company, service */
	const char *home_country;      /* set by the user, or NULL */
	const struct classifier *classifier; /* device kinds */
	const struct infra *infra;     /* time servers, connectivity checks */
	uint64_t infra_bytes;          /* infrastructure destinations below this
					* many bytes up are folded (0: none) */
};

#define REPORT_SCHEMA "alfoil-inspect/1"

struct rep_input {
	const char *name;      /* file path or interface */
	const char *linktype;  /* libpcap's name */
	uint64_t packets;
	int error;             /* the input ended early */
	char message[512];     /* why, naming file and packet */
	int live;
	uint64_t received, dropped, if_dropped; /* live only */
};

struct rep_name {
	const char *name;
	const char *source;    /* an attribute name: "dhcp-hostname", ... */
};

struct rep_attr {
	const char *kind;
	const char *value;
};

/* Where a destination points: the scope of its address (lib/addr.h,
 * same values) and one the report adds, a global address that a device of
 * this network owns (with LAN evidence): a LAN peer, not the internet. */
enum rep_scope {
	REP_SCOPE_UNSPEC = SCOPE_UNSPEC,
	REP_SCOPE_LOOPBACK = SCOPE_LOOPBACK,
	REP_SCOPE_PRIVATE = SCOPE_PRIVATE,
	REP_SCOPE_CGNAT = SCOPE_CGNAT,
	REP_SCOPE_LINKLOCAL = SCOPE_LINKLOCAL,
	REP_SCOPE_ULA = SCOPE_ULA,
	REP_SCOPE_MULTICAST = SCOPE_MULTICAST,
	REP_SCOPE_BROADCAST = SCOPE_BROADCAST,
	REP_SCOPE_RESERVED = SCOPE_RESERVED,
	REP_SCOPE_INTERNET = SCOPE_GLOBAL,
	REP_SCOPE_LAN_GLOBAL,
	REP_SCOPE__COUNT
};
/* "internet", "lan-global", "private", ... (docs/json-schema.md); "?"
 * out of range. rep_scope_parse: 0, or -1 for a name that is none. */
const char *rep_scope_name(enum rep_scope s);
int rep_scope_parse(const char *name, enum rep_scope *out);

/* Where the best name of a destination came from. */
enum rep_domain_src { REP_DOMAIN_NONE, REP_DOMAIN_DNS, REP_DOMAIN_TLS_SNI, REP_DOMAIN_HTTP_HOST };
const char *rep_domain_src_name(enum rep_domain_src s); /* "", "dns", "tls-sni", "http-host" */

/* "tcp", "udp", "icmp", "icmpv6", "sctp"; "ip" for any other IPPROTO_*.
 * rep_proto_parse: the number of one of those names ("ip": 0), -1 else. */
const char *rep_proto_name(uint8_t proto);
int rep_proto_parse(const char *name);

struct rep_dest {
	struct ip_addr addr;
	enum rep_scope scope;
	int internet;          /* scope is REP_SCOPE_INTERNET */
	const char *domain;    /* best name: DNS, else TLS SNI, else HTTP Host */
	enum rep_domain_src domain_source;
	const char *dns_name, *sni, *http_host;
	const char *other_names[DEST_MAX_OTHER]; /* more SNI/Host names */
	int n_other;
	char country[3];       /* internet destinations: ISO code, "" unknown */
	uint32_t asn;          /* 0 unknown */
	char *org;             /* the network's organisation, NULL unknown (owned) */
	/* an IPv6 address carrying an IPv4 one (NAT64, 6to4, Teredo): country
	 * and network are those of translated_ipv4; ADDR_4IN6_NONE else */
	enum addr_ip4in6 translated;
	struct ip_addr translated_ipv4;
	const char *company;   /* whose cloud, from the domain; NULL unknown */
	const char *service;
	int abroad;            /* country known and not the home country */
	const char *infra;     /* "NTP", "connectivity check": infrastructure, or NULL */
	int folded;            /* infrastructure below infra_bytes up: out of the
				* country view and of "sends data abroad" */
	uint32_t n_gaps;       /* times between new flows ... */
	double gap_mean, gap_cv; /* ... their mean (s) and coefficient of variation */
	uint8_t proto;         /* IPPROTO_* (rep_proto_name) */
	uint16_t port;
	enum app_proto app;    /* APP_UNKNOWN: none (app_proto_name) */
	enum enc_state enc;    /* enc_state_name */
	int inbound;           /* the remote side opened the connection */
	uint16_t tls_version;
	uint16_t first_lport;  /* the device's port of the flow that made the entry
				* (built reports only: not in the JSON; 0 none) */
	uint32_t flows;
	uint64_t pkts_up, pkts_down, bytes_up, bytes_down;
	uint64_t first_us, last_us;
	/* the tracker's handle of the entry (built reports only; 0 loaded):
	 * another value under the same key means the tracker forgot the
	 * entry and made it again, so its counters began again */
	uint32_t incarnation;
};

struct rep_query {
	const char *name;   /* a name the device asked DNS about */
	uint32_t count;
};

struct rep_resolved {
	const char *name;   /* the name the device asked for */
	struct ip_addr addr; /* an address it learned for it */
	uint32_t ttl;       /* the last answer's TTL, seconds (0: a saved report's, not known) */
};

/* A LAN service a device answered on: tcp/55443 */
struct rep_service {
	uint8_t proto;      /* IPPROTO_TCP or IPPROTO_UDP */
	uint16_t port;
};
#define REP_SERVES_MAX 8

#define REP_INFRA_MAX 4

struct rep_device {
	/* the device's key as text, what findings and the JSON name it by:
	 * its MAC, or its IP for devices keyed by IP (formatted once, here) */
	char id[ADDR_STRLEN];
	int has_mac;
	uint8_t mac[6];
	const char *maker;     /* IEEE registered organisation, or NULL */
	char maker_country[3];
	const char *maker_registry;
	int randomized_mac;    /* locally administered: a private address */
	struct ip_addr *ipv4;
	size_t n_ipv4;
	struct ip_addr *ipv6;
	size_t n_ipv6;
	/* bit i: ipv4[i] / ipv6[i] has no LAN evidence (the device only sent
	 * from it: ARP, NDP, a DHCP lease or an answer delivered to it would
	 * show it is the device's) */
	uint32_t ipv4_unproven, ipv6_unproven;
	struct rep_name *names;
	size_t n_names;
	struct rep_attr *attrs; /* all evidence, names included */
	size_t n_attrs;
	int gateway, dhcp_server, dns_server;
	uint32_t incarnation;  /* as rep_dest.incarnation */
	uint64_t first_us, last_us;
	uint64_t pkts_out, pkts_in, bytes_out, bytes_in;
	struct rep_query *queries;     /* sorted by name */
	size_t n_queries;
	struct rep_resolved *resolved; /* sorted by name, then address */
	size_t n_resolved;
	struct rep_dest *dests; /* sorted by bytes, largest first */
	size_t n_dests;
	size_t n_internet_dests;
	size_t n_local_dests;  /* local and multicast peers: n_dests - n_internet_dests */
	/* what it is (identify.c) */
	const char *kind;      /* "camera", ..., "unknown" */
	const char *what;      /* "air purifier", or NULL */
	const char *brand, *chip;
	double confidence;
	struct class_hit *hits; /* the evidence, heaviest first */
	size_t n_hits;
	char miio_model[64];   /* "zhimi.airpurifier.m2", or "" */
	struct rep_service serves[REP_SERVES_MAX]; /* LAN services it answered on */
	size_t n_serves;
	char serves_words[REP_SERVES_MAX][16]; /* the same as the classifier read them
						* ("tcp/55443"): hits point here */
	uint32_t arp_requests, arp_targets, arp_gratuitous; /* ARP it sent */
	/* the name a person chose (`alfoil device --label`, from the history;
	 * NULL: none): it stands for the host name in display */
	const char *label;
	/* what the reports call it: "chuangmi-camera-ipc019 (192.168.1.103)",
	 * its label or name and address, else "192.168.1.105 (5e:a1:3c:77:09:d4)" */
	char display[128];
	size_t n_folded;       /* internet destinations folded as infrastructure */
	size_t n_listed;       /* internet destinations not folded: those listed */
	/* its folded infrastructure, one entry per label (countries.c) */
	struct rep_infra {
		const char *label;
		size_t n_dests, n_countries;
		uint64_t bytes_up, bytes_down;
	} infra[REP_INFRA_MAX];
	size_t n_infra;
};

#define REP_COUNTRY_TOP 6

/* One destination country: who talks there and how much. */
struct rep_country {
	char cc[3];
	size_t n_devices, n_dests;
	uint64_t bytes_up, bytes_down;
	const char *devices[REP_COUNTRY_TOP]; /* device ids, most bytes up first */
	uint64_t device_up[REP_COUNTRY_TOP];
	size_t n_device_list;
	const char *orgs[REP_COUNTRY_TOP];    /* organisations, by bytes */
	uint64_t org_bytes[REP_COUNTRY_TOP];
	size_t n_orgs;
	const char *domains[REP_COUNTRY_TOP]; /* domains, by bytes */
	uint64_t domain_bytes[REP_COUNTRY_TOP];
	size_t n_domains;
	int home;
};

struct rep_counter {
	const char *name;
	uint64_t value;
};

/* The headline counts, computed once (report_build, report_countries);
 * the outputs print them. */
struct rep_totals {
	size_t devices_internet;  /* devices (the router left out) with an internet destination */
	size_t internet_dests;    /* internet destinations over all devices */
	size_t devices_abroad;    /* devices with a destination abroad (folded left out) */
	size_t countries_abroad;  /* countries of the view that are not the home country */
	int live;                 /* an input is an interface: then ... */
	uint64_t received, dropped; /* ... libpcap's counts summed over the interfaces */
};

/* Memory a report owns besides its arrays (report_load's strings and data
 * sets): a chain of blocks, freed by report_free. */
struct rep_block {
	struct rep_block *next;
	size_t used, cap;
};

struct report {
	const char *schema;
	const char *version;
	struct rep_input *inputs;
	size_t n_inputs;
	uint64_t packets, bytes;
	uint64_t first_us, last_us;
	uint64_t undecoded;        /* packets of link types we do not decode */
	struct rep_counter *counters; /* decoder and tracker counters, non-zero */
	size_t n_counters;
	struct rep_device *devices;
	size_t n_devices;
	struct rep_totals totals;
	const char *oui_status;    /* NULL when the registry loaded */
	const char *ip_status;     /* NULL when country and ASN data loaded */
	struct rep_country *countries; /* by bytes up, largest first */
	size_t n_countries;
	char home_country[3];      /* "" unknown */
	const char *home_source;   /* "user", "own-address" or NULL */
	const struct finding *findings; /* set by the command after findings_run(), worst first */
	size_t n_findings;
	size_t memory_bytes;       /* tracker tables at the end */
	/* devices the table could not keep (its cap): on probation and
	 * evicted to admit a newcomer, or newcomers refused because every
	 * device kept had evidence */
	uint64_t devices_evicted, devices_refused;
	uint32_t max_devices;
	const struct data_set *data_sets; /* set by the command: what the intel came from */
	size_t n_data_sets;
	int history;               /* made from the history (store/history.c): no
				    * capture of its own, so no packet counts */
	struct rep_block *blocks;  /* report_load: what its strings live in */
	size_t load_skipped;       /* report_load: values of the file left out */
};

/* What a device's inventory line says, derived from the report: the
 * companies and the countries of its internet destinations (folded
 * infrastructure left out), each once and comma-separated, and its worst
 * finding (NULL when none; needs r->findings set). */
struct rep_summary {
	char clouds[200];
	char countries[200];
	const struct finding *worst;
};
void report_summary(const struct report *r, const struct rep_device *d, struct rep_summary *out);
/* The sentence that says which devices the report lacks because the
 * device table was full (evicted on probation, refused), into buf;
 * 0 when none. */
int report_dropped(const struct report *r, char *buf, size_t n);
/* The name a person reads for the device with this id: its display name,
 * else the id itself. */
const char *report_display(const struct report *r, const char *id);

/* Inputs are copied; the report's strings are the snapshot's, so it must
 * not outlive s. Returns NULL only when out of memory. */
struct report *report_build(const struct snapshot *t, const struct intel_db *in,
			    const struct dec_stats *dec, const struct rep_input *inputs,
			    size_t n_inputs, uint64_t first_us, uint64_t last_us, uint64_t undecoded);
void report_free(struct report *r);
/* The per-country rollup of a built report (countries.c). */
void report_countries(struct report *r);
/* Kind, brand and chip of every device (identify.c). */
void report_identify(struct report *r, const struct classifier *c);
/* The LAN services a device answered on (serves, n_serves), from its
 * destinations (identify.c). */
void report_serves(struct rep_device *d);
/* The counts of a report whose devices and destinations are filled: per
 * device n_internet_dests, n_local_dests, n_folded, n_listed, and the
 * totals (countries.c; report_build and report_load both end with it). */
void report_count(struct report *r);
/* A report whose destinations' counters were summed again (the history,
 * store/history.c, from rows of several times): each internet
 * destination's abroad (against r->home_country) and folded
 * (infrastructure below infra_bytes up) again, a name one row of an
 * address has shared with the rows without one, destinations and devices
 * sorted as report_build sorts them, then the display names (labels),
 * folded infrastructure, country view and counts made again. */
void report_resum(struct report *r, uint64_t infra_bytes);

#endif
