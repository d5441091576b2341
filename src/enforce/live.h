/* live.h - the rules kept while alfoil watch runs (watch --enforce).
 *
 * One thread of its own owns a libnftables context and the table inet
 * alfoil (nft.h's live form). It makes the ruleset from the profiles, the
 * policy file, the devices the reports show and the policies a person set
 * (alfoil device --policy, read back every LIVE_POLL_MS), and loads it in
 * one transaction whenever that changes (messages through lib/log.h); the addresses the profiles'
 * names resolve to go into the name sets as the DNS answers come, each
 * with a timeout of its TTL plus the grace, refreshed by each new answer.
 * A ruleset made again carries the elements still alive (their time
 * left), so no answer is lost to a reload. When watch stops, the rules
 * stay loaded (alfoil enforce --remove takes them away).
 *
 * The new-device guard (the policy file's 'new = local-only'): a set of
 * the MACs known; one not in it that sends from the LAN is held from its
 * first packet, before alfoil has seen it, until a policy lets it out.
 */
#ifndef ALFOIL_ENFORCE_LIVE_H
#define ALFOIL_ENFORCE_LIVE_H

#include <stddef.h>
#include <stdint.h>

#include "enforce/polfile.h"
#include "lib/addr.h"
#include "policy/mud.h"

#define LIVE_POLL_MS 2000    /* the person's policies read back this often */
#define LIVE_QUEUE 4096      /* DNS answers waiting for the thread; more are dropped (counted) */
#define LIVE_NAMES 16384     /* name -> address elements alive at once */
#define LIVE_SAMPLES 65536   /* latencies kept for the percentiles */
#define LIVE_KIND_CONFIDENCE 0.75 /* a kind line decides a new device from this confidence of its kind */

struct report;

/* One policy a person set. */
struct live_policy {
	char mac[18];
	enum policy pol;
};

struct live_config {
	const struct mud_set *profiles; /* the caller's, for the whole run */
	const struct polfile *pf;       /* the policy file's lines (the caller's) */
	const char *lan_nets;
	uint32_t grace_s;               /* added to each answer's TTL */
	int bridge;                     /* the bridge table too (nft.h) */
	const char *const *lan_ifaces;  /* the guard's interfaces (watch's -i; nft.h), the caller's */
	size_t n_lan_ifaces;
	/* the MACs known before the guard was turned on (copied) */
	const char (*known)[18];
	size_t n_known;
	/* the person's policies, on the thread: fills *v (malloc'd) and *n;
	 * 0, or -1 (the last ones kept, the error said by the caller). NULL: none. */
	int (*poll)(void *ctx, struct live_policy **v, size_t *n);
	/* a device's policy changed (mac, from, to, why), on the thread */
	void (*changed)(void *ctx, const char *mac, const char *from, const char *to, const char *why);
	void *ctx;
};

struct live_stats {
	uint64_t answers;      /* handed to live_answer() */
	uint64_t dropped;      /* the queue was full */
	uint64_t elements;     /* elements added or refreshed */
	uint64_t loads;        /* rulesets loaded */
	uint64_t failures;     /* nft commands that failed */
	size_t samples;        /* latencies measured */
	double p50_ms, p99_ms, max_ms; /* DNS answer (its capture time) -> element loaded */
};

struct live;

/* Loads the first ruleset (from the history's report hist, or NULL); no
 * thread yet (live_run()). NULL with err when nft cannot load it (no
 * CAP_NET_ADMIN, no nf_tables): nothing was changed then. */
struct live *live_start(const struct live_config *c, const struct report *hist, char *err, size_t errlen);
/* Starts the thread (through sp: engine_spawner), once; until then the
 * answers and devices wait in the queue. Live, after the drop of
 * privileges (which wants one thread). 0, or -1 (logged: the rules stay
 * as loaded). */
struct spawner;
int live_run(struct live *l, const struct spawner *sp);
/* A DNS answer a device was given (name as asked, one address, its TTL,
 * the packet's capture time): queued, never waits. Any thread. */
void live_answer(struct live *l, const char *name, size_t len, const struct ip_addr *a, uint32_t ttl,
		 uint64_t ts_us);
/* The devices of a report (kinds, addresses): the policies made again
 * from them on the thread. Any thread; rep is only read during the call. */
void live_devices(struct live *l, const struct report *rep);
/* Stops the thread; the rules stay loaded. st (or NULL) filled. */
void live_stop(struct live *l, struct live_stats *st);

#endif
