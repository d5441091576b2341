/* findings.h - what devices do that they should not.
 *
 * Detectors (one file each, listed in one table in findings.c) read the
 * finished report and add findings: a severity, the device, what happened,
 * the evidence (addresses, names, ports, times, counts) and one line of
 * advice. Thresholds come from a config file (docs/findings.md lists every
 * key and default; share/findings.conf is the same as a file).
 */
#ifndef ALFOIL_ANALYZE_FINDINGS_H
#define ALFOIL_ANALYZE_FINDINGS_H

#include <stddef.h>
#include <stdint.h>

#include "analyze/report.h"

enum severity { SEV_INFO, SEV_LOW, SEV_MEDIUM, SEV_HIGH, SEV_CRITICAL };

const char *severity_name(enum severity s);
int severity_parse(const char *s, enum severity *out); /* 0 ok */

struct finding {
	enum severity sev;
	const char *detector;     /* "lan-scan", "dns-bypass", ... */
	char device[ADDR_STRLEN]; /* the device's id */
	char title[200];
	char evidence[600];
	const char *advice;
	uint64_t first_us, last_us;
};

#define FIND_MAX_LIST 32

struct find_config {
	unsigned scan_hosts;       /* local hosts one device contacts: a scan */
	unsigned scan_ports;       /* ports on one local host: a port scan */
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
struct baseline *baseline_load(const char *path, char *err, size_t errlen);
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

/* Run every detector; the findings are sorted worst first. */
void findings_run(const struct report *r, const struct find_inputs *in, struct findings *out);
void findings_free(struct findings *f);

/* Detector helpers (findings.c). */
struct finding *finding_add(struct findings *f, enum severity sev, const char *detector,
			    const struct rep_device *d, const char *advice);
/* "%s"-style formatting into a finding's title and evidence. */
void finding_title(struct finding *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void finding_evidence(struct finding *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* One detector: reads the report, adds findings. */
struct detector {
	const char *name;
	void (*run)(const struct report *r, const struct find_inputs *in, struct findings *out);
	const char *summary;
};
const struct detector *detectors(size_t *n);

void detect_lateral(const struct report *r, const struct find_inputs *in, struct findings *out);
void detect_dns_bypass(const struct report *r, const struct find_inputs *in, struct findings *out);
void detect_cleartext(const struct report *r, const struct find_inputs *in, struct findings *out);
void detect_exposure(const struct report *r, const struct find_inputs *in, struct findings *out);
void detect_phone_home(const struct report *r, const struct find_inputs *in, struct findings *out);
void detect_known_bad(const struct report *r, const struct find_inputs *in, struct findings *out);
void detect_p2p(const struct report *r, const struct find_inputs *in, struct findings *out);
void detect_relay(const struct report *r, const struct find_inputs *in, struct findings *out);
void detect_profile(const struct report *r, const struct find_inputs *in, struct findings *out);

#endif
