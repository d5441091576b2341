/* backend.h - the enforcement back ends, one table.
 *
 * A back end turns the devices' policies into one kind of file: an
 * nftables ruleset (nft.c), or a DNS blocklist of the names each held
 * device was seen to look up that its policy does not let it reach
 * (dnsmasq.c, unbound.c, pihole.c, hosts.c). Each is a file of its own
 * with one write function; the table in backend.c names it, says what it
 * writes (its --help line) and what it needs. alfoil enforce offers one
 * option per row (--NAME) and asks nothing else of a back end: adding one
 * is its file, its write function's line below and its row in the table.
 *
 * Back ends print nothing themselves: what a file cannot do (a resolver
 * that blocks for every client, a device without an address) goes to the
 * job's warn callback (cli_warn, so one prefix).
 */
#ifndef ALFOIL_ENFORCE_BACKEND_H
#define ALFOIL_ENFORCE_BACKEND_H

#include <stddef.h>
#include <stdio.h>

#include "enforce/nft.h"

typedef void (*enforce_warn_fn)(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The names one held device looked up that its policy does not allow. */
struct dns_block {
	const struct nft_device *dev; /* its MAC, policy and addresses */
	const char *const *names;     /* host names (checked by the caller) */
	size_t n_names;
};

/* What a back end is handed: every device with its policy, and what the
 * row's needs asked for. */
struct enforce_job {
	const struct nft_device *devs;
	size_t n_devs;
	const struct nft_name *names;   /* ENF_ADDRS: the profiles' domains' addresses */
	size_t n_names;
	const struct dns_block *blocks; /* ENF_QUERIES: per held device */
	size_t n_blocks;
	const char *lan_nets;           /* "192.168.0.0/16, 10.0.0.0/8, ..." */
	enum nft_format format;         /* ENF_RULESET: its own table or fw4 */
	enforce_warn_fn warn;           /* or NULL */
	int live;                       /* names in sets of their own (nft.h) */
	int bridge;                     /* and the bridge table (nft.h) */
	const char (*controllers)[18];
	size_t n_controllers;
};

/* Counts of what was written, for the caller's summary. */
struct enforce_stats {
	struct nft_stats nft; /* ENF_RULESET: sets, rules, names left out */
	size_t names;         /* ENF_QUERIES: names blocked */
};

/* A row's needs. */
enum {
	ENF_RULESET = 1, /* a firewall ruleset: --apply loads it (nft -f), --nft-format
			  * chooses its form */
	ENF_ADDRS = 2,   /* profiles' domain rules need the addresses of their names
			  * (--report's answers, --resolve): without, their clouds are blocked */
	ENF_QUERIES = 4, /* made of the names devices looked up: needs --report */
	ENF_NAMESETS = 8, /* of the live form's name sets (--dns-sets, --nft-format) */
};

struct enforce_backend {
	const char *name;   /* its option, --NAME */
	const char *writes; /* what it writes: its --help line(s) */
	/* Writes the file to f: 0, or -1 with err set (st filled either way) */
	int (*write)(FILE *f, const struct enforce_job *job, struct enforce_stats *st, char *err, size_t errlen);
	unsigned needs;     /* ENF_* */
};

/* The write functions, one file each. */
int nft_backend_write(FILE *f, const struct enforce_job *job, struct enforce_stats *st, char *err, size_t errlen);
int dnsmasq_write(FILE *f, const struct enforce_job *job, struct enforce_stats *st, char *err, size_t errlen);
int unbound_write(FILE *f, const struct enforce_job *job, struct enforce_stats *st, char *err, size_t errlen);
int pihole_write(FILE *f, const struct enforce_job *job, struct enforce_stats *st, char *err, size_t errlen);
int dnsmasq_nftset_write(FILE *f, const struct enforce_job *job, struct enforce_stats *st, char *err, size_t errlen);
int hosts_write(FILE *f, const struct enforce_job *job, struct enforce_stats *st, char *err, size_t errlen);

/* The table, the default (nftables) first. */
extern const struct enforce_backend enforce_backends[];
extern const size_t enforce_n_backends;

/* The row called name, or NULL. */
const struct enforce_backend *enforce_backend_find(const char *name);

/* Runs be's write function and checks the stream: 0, or -1 with err set. */
int enforce_write(const struct enforce_backend *be, FILE *f, const struct enforce_job *job, struct enforce_stats *st,
		  char *err, size_t errlen);

#endif
