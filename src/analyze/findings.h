/* findings.h - what devices do that they should not.
 *
 * Detectors (one file each, listed in one table in findings.c) read the
 * finished report and add findings: a severity, the kind, the device, the
 * subject (together a stable key) and the evidence as typed values
 * (addresses, names, ports, times, counts). No words: output/finding.c
 * renders the title, the evidence and the advice. Thresholds come from a
 * config file (docs/findings.md lists every key and default;
 * share/findings.conf is the same as a file).
 */
#ifndef ALFOIL_ANALYZE_FINDINGS_H
#define ALFOIL_ANALYZE_FINDINGS_H

#include <stddef.h>
#include <stdint.h>

#include "analyze/report.h"
#include "lib/addr.h"

enum severity { SEV_INFO, SEV_LOW, SEV_MEDIUM, SEV_HIGH, SEV_CRITICAL };

const char *severity_name(enum severity s);
int severity_parse(const char *s, enum severity *out); /* 0 ok */

/* Evidence: named, typed values (what, not words). A list holds items,
 * each a set of values of its own. output/finding.c turns them into the
 * title, evidence and advice people read; JSON gives them as they are
 * (docs/findings.md lists each kind's fields). */
enum fv_type {
	FV_NONE,
	FV_ADDR,   /* an IP address: v.addr */
	FV_PORT,   /* v.u */
	FV_PROTO,  /* an IP protocol number (IPPROTO_*): v.u */
	FV_COUNT,  /* v.u */
	FV_BYTES,  /* v.u */
	FV_REAL,   /* a measure (seconds, bytes per second, bits): v.d */
	FV_NAME,   /* a name, a domain, an attribute's value, a country: v.s (owned) */
	FV_DEVICE, /* a device id (MAC, or IP for devices keyed by IP): v.s (owned) */
	FV_TIME,   /* microseconds since the epoch: v.u */
	FV_FLAG,   /* 0 or 1: v.u */
	FV_LIST,   /* v.list */
};

struct fset;
struct flist {
	struct fset *v;  /* items, in the order the detector added them */
	uint32_t n, cap;
	uint32_t total;  /* items the detector offered (more than n when capped) */
};

struct fval {
	const char *name; /* a string literal of the detector */
	uint8_t type;     /* enum fv_type */
	union {
		struct ip_addr addr;
		uint64_t u;
		double d;
		char *s;
		struct flist list;
	} v;
};

#define FIND_FIELDS 8      /* values in a finding's evidence, or in one item */
#define FIND_LIST_MAX 160  /* items one list keeps (the total is counted) */

struct fset {
	struct fval v[FIND_FIELDS];
	uint8_t n;
};

#define FIND_SUBJECT_LEN 160
#define FIND_KEY_LEN 256

struct finding {
	enum severity sev;
	const char *detector;     /* the kind: "lan-scan", "dns-bypass", ... */
	char device[ADDR_STRLEN]; /* the device's id */
	/* what it is about: a remote address, a host and port, the LAN, a
	 * protocol (docs/findings.md: each kind's subject) */
	char subject[FIND_SUBJECT_LEN];
	/* "kind/device/subject": the same situation on another run (or in a
	 * later report of the same run) has the same key */
	char key[FIND_KEY_LEN];
	struct fset ev;           /* the evidence */
	uint64_t first_us, last_us;
};

#define FIND_MAX_LIST 32

struct find_config {
	unsigned scan_hosts;       /* local hosts one device contacts: a scan */
	unsigned scan_ports;       /* ports on one local host: a port scan */
	uint64_t scan_window_us;   /* ... first contacted within this long (also
				    * telnet_hosts); 0: over the whole report */
	unsigned admin_ports[FIND_MAX_LIST];
	size_t n_admin_ports;
	char public_resolvers[FIND_MAX_LIST][ADDR_STRLEN];
	size_t n_public_resolvers;
	char doh_domains[FIND_MAX_LIST][64];
	size_t n_doh_domains;
	unsigned unresolved_min;   /* internet addresses used without a DNS answer */
	char watch_countries[FIND_MAX_LIST][3];
	size_t n_watch_countries;
	uint64_t upload_bytes;     /* to one destination */
	uint64_t infra_bytes;      /* an infrastructure destination (NTP, ...) below
				    * this many bytes up is folded */
	uint64_t abroad_upload_bytes; /* a device of these kinds sending this much
				       * abroad: a finding */
	char abroad_upload_kinds[FIND_MAX_LIST][16];
	size_t n_abroad_upload_kinds;
	unsigned entropy_min_len;  /* DNS label length worth measuring */
	double entropy_bits;       /* bits per character that look random */
	unsigned entropy_names;    /* such names from one device */
	unsigned telnet_hosts;     /* hosts one device tries on 23/2323: Mirai */
	unsigned telnet_tries;     /* connections to one host's Telnet: brute force */
	unsigned garp_storm;       /* gratuitous ARP from one device */
	unsigned beacon_flows;     /* new flows at a steady interval: a beacon */
	double beacon_jitter;      /* coefficient of variation of the intervals at most */
	unsigned upload_factor;    /* upload rate vs the baseline's that is "far larger" */
	enum severity min_severity; /* findings below are not reported */
};

void find_config_default(struct find_config *c);
/* "key = value" lines, '#' comments; unknown keys and bad values are errors
 * naming the file and line. */
int find_config_load(const char *path, struct find_config *c, char *err, size_t errlen);

/* Extra inputs: a blocklist (hosts-file or one name/address a line) and a
 * baseline (an earlier JSON report: its destinations are not "new"). */
struct blocklist;
struct blocklist *blocklist_load(const char *path, char *err, size_t errlen);
void blocklist_free(struct blocklist *b);
int blocklist_match(const struct blocklist *b, const char *name_or_addr);
size_t blocklist_count(const struct blocklist *b);

struct baseline;
/* An earlier JSON report (report_load(), which checks it; what it leaves
 * out the baseline lacks), or the records of one: what each device
 * talked to, and how fast it sent. NULL with err (baseline_from_report:
 * NULL only when out of memory). */
struct baseline *baseline_load(const char *path, char *err, size_t errlen);
struct baseline *baseline_from_report(const struct report *r);
void baseline_free(struct baseline *b);
int baseline_has(const struct baseline *b, const char *device, const char *dest);
/* Bytes per second the device sent in the baseline, -1 when it was not there. */
double baseline_upload_rate(const struct baseline *b, const char *device);

struct mud_set;
struct find_inputs {
	const struct find_config *cfg;
	const struct blocklist *block;   /* or NULL */
	const struct baseline *baseline; /* or NULL */
	const struct mud_set *profiles;  /* MUD profiles by MAC, or NULL */
};

struct findings {
	struct finding *v;
	size_t n, cap;
};

/* Run every detector; the findings are sorted worst first, then by device
 * and key (output/finding.h: findings_sort_words() for the order people
 * read). */
void findings_run(const struct report *r, const struct find_inputs *in, struct findings *out);
void findings_free(struct findings *f);

/* Detector helpers (findings.c). A new finding about device d (NULL: none)
 * and subject, with the device's first and last times; NULL when out of
 * memory. Values set on a full set, and strings that cannot be copied,
 * are left out. */
struct finding *finding_add(struct findings *f, enum severity sev, const char *kind,
			    const struct rep_device *d, const char *subject);
void fs_addr(struct fset *s, const char *name, const struct ip_addr *a);
/* the text form of an address; left out when it is not one */
void fs_addr_text(struct fset *s, const char *name, const char *text);
void fs_port(struct fset *s, const char *name, unsigned port);
void fs_proto(struct fset *s, const char *name, unsigned proto);
void fs_count(struct fset *s, const char *name, uint64_t n);
void fs_bytes(struct fset *s, const char *name, uint64_t n);
void fs_real(struct fset *s, const char *name, double d);
void fs_name(struct fset *s, const char *name, const char *text); /* NULL: left out */
void fs_device(struct fset *s, const char *name, const char *id);
void fs_time(struct fset *s, const char *name, uint64_t us);
void fs_flag(struct fset *s, const char *name, int on);
/* A new finding with the evidence gathered in ev (taken: ev is empty
 * after, the finding made or not). */
struct finding *finding_take(struct findings *f, enum severity sev, const char *kind,
			     const struct rep_device *d, const char *subject, struct fset *ev);
void fs_free(struct fset *s);
/* A list (created empty the first time), and a new item at its end: NULL
 * when the list holds FIND_LIST_MAX (total still counts it) or no memory. */
struct flist *fs_list(struct fset *s, const char *name);
struct fset *fl_item(struct flist *l);

/* Sliding windows: times[0..n) (sorted here) holds when each thing was
 * first seen; the most of them within window_us of each other (0: all
 * of them), and in *start the earliest time such a window starts. */
size_t find_densest(uint64_t *times, size_t n, uint64_t window_us, uint64_t *start);

/* Readers (outputs, tests): the value named, or NULL / 0 / the default. */
const struct fval *fs_get(const struct fset *s, const char *name);
uint64_t fs_u(const struct fset *s, const char *name);
double fs_d(const struct fset *s, const char *name);
const char *fs_s(const struct fset *s, const char *name); /* NULL when absent */
const struct ip_addr *fs_a(const struct fset *s, const char *name);
const struct flist *fs_l(const struct fset *s, const char *name); /* NULL when absent */
const char *fv_type_name(enum fv_type t); /* "address", "port", ... */

/* One detector: one file (find_*.c) that defines it, and one line in the
 * table of findings.c. It reads the report and adds findings of the kinds
 * it lists (output/finding.c has the words of each). */
struct detector {
	const char *name;
	void (*run)(const struct report *r, const struct find_inputs *in, struct findings *out);
	const char *const *kinds; /* NULL-terminated */
	const char *summary;
};
const struct detector *const *detectors(size_t *n);

#endif
