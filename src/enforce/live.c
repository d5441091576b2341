/* live.c - the rules kept while watch runs (see live.h).
 *
 * Threads: live_answer() and live_devices() only queue, under the mutex;
 * everything else is the live thread's: the nft context, the name table,
 * the devices and the ruleset last loaded. The thread wakes on an answer,
 * on new devices, and every LIVE_POLL_MS for the person's policies and
 * the elements that expired.
 *
 * A ruleset is made in two parts: its shape (devices, policies, sets and
 * rules: nft_write() without the names' elements) and, when the shape
 * differs from the one loaded, the whole of it with the elements alive,
 * loaded in one transaction. An answer changes only elements: "add;
 * delete; add" of each element in one transaction, which makes it anew
 * with the new timeout whether or not the kernel still had it.
 */
#include "enforce/live.h"

#include <ctype.h>
#include <errno.h>
#include <nftables/libnftables.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "enforce/held.h"
#include "enforce/inreport.h"
#include "enforce/nft.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "lib/spawn.h"

struct answer {
	char name[254];
	struct ip_addr a;
	uint32_t ttl;
	uint64_t ts_us;
};

/* a name's address alive in the sets, until expiry (CLOCK_MONOTONIC, ms) */
struct elem {
	char name[254];
	char addr[ADDR_STRLEN];
	uint64_t expiry_ms;
};

/* a name and a set it fills (nft_name_sets()) */
struct name_set {
	char name[254];
	char set[48];
	int v6;
};

#define GUARDED 3 /* held->named[]: held by the guard */

struct live {
	struct live_config c;
	char (*known)[18];
	size_t n_known;
	const struct spawner *sp;
	void *th;                /* the thread, once live_run() started it */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stop;
	int locks;               /* mu and cv made */
	/* queued by other threads */
	struct answer *q;
	size_t q_head, q_n;
	struct inrep *next_rep; /* new devices, or NULL */
	struct live_stats st;   /* answers and dropped under mu; the rest the thread's */
	/* the thread's */
	struct nft_ctx *nft;
	struct inrep *rep;
	struct live_policy *pol;
	size_t n_pol;
	struct elem *el;
	size_t n_el;
	struct name_set *ns;
	size_t n_ns;
	char *shape;             /* the shape loaded */
	int lost;                /* a command failed, or the table went: load it all again */
	struct nft_device *last; /* the devices and policies loaded */
	unsigned char *last_guarded;
	size_t n_last;
	double *lat;             /* ms */
	size_t n_lat;
	uint64_t lat_seen;
};

static uint64_t mono_ms(void)
{
	return clock_mono_us() / 1000u;
}

/* Runs cmd in one transaction; 0, or -1 (logged with what nft said). */
static int run(struct live *l, const char *cmd, const char *what)
{
	if (nft_run_cmd_from_buffer(l->nft, cmd) == 0) {
		nft_ctx_get_error_buffer(l->nft); /* emptied */
		return 0;
	}
	const char *e = nft_ctx_get_error_buffer(l->nft);
	char line[300];
	size_t n = e ? strcspn(e, "\n") : 0;
	snprintf(line, sizeof line, "%.*s", (int)(n < sizeof line - 1 ? n : sizeof line - 1), e ? e : "");
	log_msg(LOGL_ERROR, "enforce: %s failed: %s", what, line[0] ? line : "nft said nothing");
	l->st.failures++;
	return -1;
}

/* Is the device's kind, from the last report, known with confidence? */
static int kind_sure(const struct inrep *rep, const char *mac)
{
	const struct inrep_dev *d = rep ? inrep_find(rep, mac) : NULL;
	return d && d->kind[0] && strcmp(d->kind, "unknown") && d->confidence >= LIVE_KIND_CONFIDENCE;
}

/* The devices and their policies now: the profiles, the policy file and
 * the devices seen (held_assign()), then the person's policies; with the
 * guard, a device none of these decide, first seen since it was on, is
 * left to it (not known, no chain of its own). */
static int decide(struct live *l, struct held *h, const char ***known, size_t *n_known)
{
	static const struct inrep none;
	if (held_init(h) < 0)
		return -1;
	held_assign(h, l->c.profiles, l->c.pf, l->rep ? l->rep : &none, NULL);
	unsigned char *by_person = calloc(HELD_MAX_DEVS, 1);
	if (!by_person)
		return -1;
	for (size_t i = 0; i < l->n_pol; i++) {
		struct nft_device *d = held_get(h, l->pol[i].mac, 1);
		if (!d)
			continue;
		d->policy = l->pol[i].pol;
		by_person[d - h->devs] = 1;
		if (d->policy == POL_PROFILE && !d->profile) {
			for (size_t k = 0; k < l->c.profiles->n; k++)
				if (!strcmp(l->c.profiles->v[k].mac, d->mac))
					d->profile = &l->c.profiles->v[k].p;
		}
	}
	int guard = l->c.pf->newp != POL_ALLOW;
	/* with the guard, every device seen has a row: the guard's are told too */
	for (size_t i = 0; guard && l->rep && i < l->rep->n_devs; i++)
		if (!l->rep->devs[i].router)
			held_get(h, l->rep->devs[i].mac, 1);
	*known = NULL;
	*n_known = 0;
	if (guard && !(*known = malloc((h->nd + l->n_known + 1) * sizeof **known))) {
		free(by_person);
		return -1;
	}
	for (size_t k = 0; k < h->nd; k++) {
		struct nft_device *d = &h->devs[k];
		if (d->policy == POL_PROFILE && !d->profile) {
			log_msg(LOGL_WARN, "enforce: %s has the profile policy and no profile: not held", d->mac);
			d->policy = POL_ALLOW;
		}
		if (!guard)
			continue;
		int old = 0;
		for (size_t i = 0; i < l->n_known && !old; i++)
			old = !strcmp(l->known[i], d->mac);
		/* a kind line decides a new device once its kind is known with
		 * confidence; until then (kind:unknown too) the guard holds it */
		int by_kind = h->named[k] == 2 && kind_sure(l->rep, d->mac);
		if (old || by_person[k] || h->named[k] == 1 || by_kind || d->profile)
			(*known)[(*n_known)++] = d->mac;
		else {
			d->policy = POL_ALLOW; /* the guard's: no chain of its own */
			h->named[k] = GUARDED;
		}
	}
	/* the known of before that no device row has */
	for (size_t i = 0; guard && i < l->n_known; i++)
		if (!held_get(h, l->known[i], 0))
			(*known)[(*n_known)++] = l->known[i];
	free(by_person);
	return 0;
}

static void add_ns(void *ctx, const char *name, const char *set, int v6)
{
	struct live *l = ctx;
	struct name_set *v = realloc(l->ns, (l->n_ns + 1) * sizeof *v);
	if (!v)
		return;
	l->ns = v;
	struct name_set *x = &l->ns[l->n_ns++];
	memset(x, 0, sizeof *x);
	for (size_t i = 0; name[i] && i < sizeof x->name - 1; i++)
		x->name[i] = (char)tolower((unsigned char)name[i]);
	snprintf(x->set, sizeof x->set, "%s", set);
	x->v6 = v6;
}

/* The elements alive now, for a ruleset: their time left. */
static struct nft_name *alive(struct live *l, uint64_t now, size_t *n)
{
	struct nft_name *v = calloc(l->n_el + 1, sizeof *v);
	*n = 0;
	for (size_t i = 0; v && i < l->n_el; i++) {
		if (l->el[i].expiry_ms <= now + 1000)
			continue;
		struct nft_name *x = &v[(*n)++];
		snprintf(x->name, sizeof x->name, "%s", l->el[i].name);
		snprintf(x->addr, sizeof x->addr, "%s", l->el[i].addr);
		x->timeout_s = (uint32_t)((l->el[i].expiry_ms - now) / 1000u);
	}
	return v;
}

/* One event per device whose policy is not the one loaded. */
static const char *shown(enum policy p, int guarded, char *buf, size_t len)
{
	if (guarded)
		snprintf(buf, len, "new:%s", policy_name(p));
	else
		snprintf(buf, len, "%s", policy_name(p));
	return buf;
}

static void tell_changes(struct live *l, const struct held *h, int first)
{
	enum policy newp = l->c.pf->newp;
	for (size_t k = 0; k < h->nd; k++) {
		const struct nft_device *d = &h->devs[k];
		int g = h->named[k] == GUARDED, was_g = 0, had = 0;
		enum policy was = POL_ALLOW, now = g ? newp : d->policy;
		for (size_t i = 0; i < l->n_last; i++)
			if (!strcmp(l->last[i].mac, d->mac)) {
				was_g = l->last_guarded[i];
				was = was_g ? newp : l->last[i].policy;
				had = 1;
			}
		if ((was == now && was_g == g) || (first && now == POL_ALLOW) || (!had && now == POL_ALLOW))
			continue;
		char from[32], to[32];
		shown(was, was_g, from, sizeof from);
		shown(now, g, to, sizeof to);
		const char *why = "the policy file";
		for (size_t i = 0; i < l->n_pol; i++)
			if (!strcmp(l->pol[i].mac, d->mac))
				why = "alfoil device --policy";
		if (g)
			why = "a device never seen before: the new-device guard";
		else if (!strcmp(why, "the policy file") && h->named[k] == 2)
			why = "its kind (the policy file's kind line)";
		else if (!strcmp(why, "the policy file") && d->profile && !h->named[k])
			why = "its profile";
		log_msg(LOGL_INFO, "enforce: %s: %s -> %s (%s)", d->mac, had ? from : "none", to, why);
		if (l->c.changed)
			l->c.changed(l->c.ctx, d->mac, had ? from : "none", to, why);
	}
}

/* Makes the ruleset from what is known now, and loads it when its shape
 * changed (or force). 0, or -1 (the last one stays). */
static int rebuild(struct live *l, int force, char *err, size_t errlen)
{
	struct held h = { 0 };
	const char **known = NULL;
	size_t n_known = 0, n_names = 0;
	char *shape = NULL, *text = NULL;
	size_t len = 0;
	int rc = -1;
	struct nft_name *names = NULL;
	if (decide(l, &h, &known, &n_known) < 0) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	struct nft_input in = { .devs = h.devs, .n_devs = h.nd, .lan_nets = l->c.lan_nets, .format = NFT_TABLE,
				.live = 1, .guard = l->c.pf->newp != POL_ALLOW, .new_policy = l->c.pf->newp,
				.known = (const char (*)[18])NULL, .n_known = 0, .bridge = l->c.bridge,
				.controllers = (const char (*)[18])l->c.pf->controllers,
				.n_controllers = l->c.pf->n_controllers, .lan_ifaces = l->c.lan_ifaces,
				.n_lan_ifaces = l->c.n_lan_ifaces };
	/* nft_write takes the MACs as an array of char[18]: copy them so */
	char (*kn)[18] = calloc(n_known + 1, sizeof *kn);
	if (!kn) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n_known; i++)
		memcpy(kn[i], known[i], 18);
	in.known = (const char (*)[18])kn;
	in.n_known = n_known;
	FILE *f = open_memstream(&shape, &len);
	if (!f || nft_write(f, &in, NULL, err, errlen) < 0) {
		if (f)
			fclose(f);
		free(kn);
		goto out;
	}
	fclose(f);
	if (!force && l->shape && !strcmp(l->shape, shape)) {
		free(kn);
		rc = 0;
		goto out;
	}
	uint64_t now = mono_ms();
	names = alive(l, now, &n_names);
	in.names = names;
	in.n_names = n_names;
	if (!(f = open_memstream(&text, &len)) || nft_write(f, &in, NULL, err, errlen) < 0) {
		if (f)
			fclose(f);
		free(kn);
		goto out;
	}
	fclose(f);
	free(kn);
	if (run(l, text, "loading the ruleset") < 0) {
		snprintf(err, errlen, "nft did not load the ruleset (above); the rules loaded before stay");
		goto out;
	}
	l->st.loads++;
	tell_changes(l, &h, l->shape == NULL);
	/* what the answers fill now */
	free(l->ns);
	l->ns = NULL;
	l->n_ns = 0;
	nft_name_sets(h.devs, h.nd, add_ns, l);
	free(l->shape);
	l->shape = shape;
	shape = NULL;
	free(l->last);
	free(l->last_guarded);
	l->last = malloc((h.nd + 1) * sizeof *l->last);
	l->last_guarded = calloc(h.nd + 1, 1);
	l->n_last = 0;
	if (l->last && l->last_guarded) {
		memcpy(l->last, h.devs, h.nd * sizeof *h.devs);
		for (size_t i = 0; i < h.nd; i++)
			l->last_guarded[i] = h.named[i] == GUARDED;
		l->n_last = h.nd;
		for (size_t i = 0; i < h.nd; i++)
			l->last[i].profile = NULL; /* not kept: the policy is what is compared */
	}
	log_msg(LOGL_DEBUG, "enforce: ruleset loaded (%zu devices, %zu known, %zu elements)", h.nd, n_known, n_names);
	rc = 0;
out:
	free(names);
	free(shape);
	free(text);
	free(known);
	held_free(&h);
	return rc;
}

/* "Name." as rules have it: lower case, no final dot */
static void norm(char *s)
{
	size_t n = strlen(s);
	if (n && s[n - 1] == '.')
		s[--n] = '\0';
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void sample(struct live *l, double ms)
{
	l->lat_seen++;
	if (l->n_lat < LIVE_SAMPLES)
		l->lat[l->n_lat++] = ms;
	else /* reservoir: each answer as likely to be kept */
		l->lat[(size_t)(((uint64_t)rand() << 16 ^ (uint64_t)rand()) % l->lat_seen) % LIVE_SAMPLES] = ms;
}

/* The answers taken from the queue: their elements, one transaction. */
static void apply_answers(struct live *l, struct answer *v, size_t n)
{
	char *cmd = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&cmd, &len);
	if (!f)
		return;
	uint64_t now = mono_ms();
	size_t changed = 0;
	unsigned char *counted = calloc(n + 1, 1);
	for (size_t i = 0; i < n; i++) {
		char addr[ADDR_STRLEN];
		norm(v[i].name);
		addr_fmt(&v[i].a, addr);
		int v6 = !addr_is_v4(&v[i].a);
		uint64_t ttl = v[i].ttl > 7 * 86400u ? 7 * 86400u : v[i].ttl;
		uint64_t expiry = now + (ttl + l->c.grace_s) * 1000u;
		int wanted = 0;
		for (size_t k = 0; k < l->n_ns && !wanted; k++)
			wanted = l->ns[k].v6 == v6 && !strcmp(l->ns[k].name, v[i].name);
		if (!wanted)
			continue;
		size_t e;
		for (e = 0; e < l->n_el && (strcmp(l->el[e].name, v[i].name) || strcmp(l->el[e].addr, addr)); e++)
			;
		if (e < l->n_el && expiry <= l->el[e].expiry_ms + 1000)
			continue; /* as long as it has, near enough */
		if (e == l->n_el) {
			if (l->n_el == LIVE_NAMES) {
				log_msg(LOGL_WARN, "enforce: %d elements alive: %s %s not added", LIVE_NAMES, v[i].name, addr);
				continue;
			}
			struct elem *x = &l->el[l->n_el++];
			snprintf(x->name, sizeof x->name, "%s", v[i].name);
			snprintf(x->addr, sizeof x->addr, "%s", addr);
		}
		l->el[e].expiry_ms = expiry;
		unsigned secs = (unsigned)(expiry - now) / 1000u;
		for (size_t k = 0; k < l->n_ns; k++) {
			if (l->ns[k].v6 != v6 || strcmp(l->ns[k].name, v[i].name))
				continue;
			fprintf(f,
				"add element inet alfoil %s { %s timeout %us }\n"
				"delete element inet alfoil %s { %s }\n"
				"add element inet alfoil %s { %s timeout %us }\n",
				l->ns[k].set, addr, secs, l->ns[k].set, addr, l->ns[k].set, addr, secs);
			l->st.elements++;
		}
		counted[i] = 1;
		changed++;
	}
	fclose(f);
	if (changed && run(l, cmd, "adding DNS answers' addresses") < 0) {
		l->lost = 1; /* the table changed under us (removed, flushed): loaded again, elements and all */
	} else if (changed) {
		uint64_t done = clock_wall_us();
		for (size_t i = 0; i < n; i++)
			if (counted[i] && v[i].ts_us && done >= v[i].ts_us)
				sample(l, (double)(done - v[i].ts_us) / 1e3);
		log_msg(LOGL_DEBUG, "enforce: %zu answers' addresses in their sets", changed);
	}
	free(counted);
	free(cmd);
}

/* Elements past their time: out of the table (the kernel took them out too). */
static void expire(struct live *l, uint64_t now)
{
	size_t k = 0;
	for (size_t i = 0; i < l->n_el; i++)
		if (l->el[i].expiry_ms > now)
			l->el[k++] = l->el[i];
	l->n_el = k;
}

static int same_policies(const struct live_policy *a, size_t na, const struct live_policy *b, size_t nb)
{
	if (na != nb)
		return 0;
	for (size_t i = 0; i < na; i++)
		if (strcmp(a[i].mac, b[i].mac) || a[i].pol != b[i].pol)
			return 0;
	return 1;
}

static void *thread_main(void *arg)
{
	struct live *l = arg;
	struct answer *batch = malloc(LIVE_QUEUE * sizeof *batch);
	uint64_t next_poll = 0;
	char err[512];
	if (!batch) {
		log_msg(LOGL_ERROR, "enforce: out of memory: the rules loaded stay, without updates");
		return NULL;
	}
	for (;;) {
		pthread_mutex_lock(&l->mu);
		if (!l->stop && !l->q_n && !l->next_rep) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += 250 * 1000000L;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&l->cv, &l->mu, &ts);
		}
		int stop = l->stop;
		size_t n = 0;
		for (; l->q_n; l->q_n--, l->q_head = (l->q_head + 1) % LIVE_QUEUE)
			batch[n++] = l->q[l->q_head];
		struct inrep *rep = l->next_rep;
		l->next_rep = NULL;
		pthread_mutex_unlock(&l->mu);
		if (n)
			apply_answers(l, batch, n);
		int again = 0;
		if (rep) {
			if (l->rep) {
				inrep_free(l->rep);
				free(l->rep);
			}
			l->rep = rep;
			again = 1;
		}
		uint64_t now = mono_ms();
		int polled = now >= next_poll;
		if (polled) {
			next_poll = now + LIVE_POLL_MS;
			expire(l, now);
			struct live_policy *v = NULL;
			size_t nv = 0;
			if (l->c.poll && l->c.poll(l->c.ctx, &v, &nv) == 0) {
				if (!same_policies(v, nv, l->pol, l->n_pol)) {
					free(l->pol);
					l->pol = v;
					l->n_pol = nv;
					v = NULL;
					again = 1;
				}
			}
			free(v);
		}
		/* the table still there? (someone's 'nft flush ruleset', a
		 * firewall restart): every poll, a set of a few elements listed */
		if (polled && !again && !l->lost &&
		    nft_run_cmd_from_buffer(l->nft, "list set inet alfoil lan4") != 0) {
			nft_ctx_get_error_buffer(l->nft);
			log_msg(LOGL_WARN, "enforce: table inet alfoil is gone (removed or flushed by someone else): "
					   "loading it again");
			l->lost = 1;
		}
		nft_ctx_get_output_buffer(l->nft);
		if (l->lost) {
			if (rebuild(l, 1, err, sizeof err) < 0) {
				log_msg(LOGL_ERROR, "enforce: %s (tried again in %d s)", err, LIVE_POLL_MS / 1000);
			} else {
				l->lost = 0;
				again = 0;
			}
		}
		if (again && rebuild(l, 0, err, sizeof err) < 0)
			log_msg(LOGL_ERROR, "enforce: %s", err);
		if (stop)
			break;
	}
	free(batch);
	return NULL;
}

/* Everything of l but its thread (joined before, or never started). */
static void live_free(struct live *l)
{
	if (!l)
		return;
	if (l->nft)
		nft_ctx_free(l->nft);
	if (l->rep) {
		inrep_free(l->rep);
		free(l->rep);
	}
	if (l->next_rep) {
		inrep_free(l->next_rep);
		free(l->next_rep);
	}
	if (l->locks) {
		pthread_mutex_destroy(&l->mu);
		pthread_cond_destroy(&l->cv);
	}
	free(l->pol);
	free(l->q);
	free(l->el);
	free(l->lat);
	free(l->known);
	free(l->ns);
	free(l->shape);
	free(l->last);
	free(l->last_guarded);
	free(l);
}

struct live *live_start(const struct live_config *c, const struct report *hist, char *err, size_t errlen)
{
	struct live *l = calloc(1, sizeof *l);
	if (!l || !(l->q = calloc(LIVE_QUEUE, sizeof *l->q)) || !(l->el = calloc(LIVE_NAMES, sizeof *l->el)) ||
	    !(l->lat = calloc(LIVE_SAMPLES, sizeof *l->lat)) ||
	    !(l->known = calloc(c->n_known + 1, sizeof *l->known))) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	l->c = *c;
	memcpy(l->known, c->known, c->n_known * sizeof *l->known);
	l->n_known = c->n_known;
	if (!(l->nft = nft_ctx_new(NFT_CTX_DEFAULT))) {
		snprintf(err, errlen, "libnftables: no context");
		goto fail;
	}
	nft_ctx_buffer_output(l->nft);
	nft_ctx_buffer_error(l->nft);
	if (hist) {
		if (!(l->rep = calloc(1, sizeof *l->rep)) || inrep_from_report(hist, "the history", l->rep, NULL) < 0) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
	}
	if (c->poll && c->poll(c->ctx, &l->pol, &l->n_pol) < 0) {
		l->pol = NULL;
		l->n_pol = 0;
	}
	if (rebuild(l, 1, err, errlen) < 0)
		goto fail;
	pthread_mutex_init(&l->mu, NULL);
	pthread_cond_init(&l->cv, NULL);
	l->locks = 1;
	return l;
fail:
	live_free(l);
	return NULL;
}

int live_run(struct live *l, const struct spawner *sp)
{
	if (!l || l->th)
		return 0;
	if (!sp || !(l->th = sp->start("alfoil-rules", thread_main, l))) {
		log_msg(LOGL_ERROR, "enforce: cannot start the rules' thread: the rules loaded stay, without updates");
		return -1;
	}
	l->sp = sp;
	return 0;
}

void live_answer(struct live *l, const char *name, size_t len, const struct ip_addr *a, uint32_t ttl,
		 uint64_t ts_us)
{
	if (!l || !len || len > 253)
		return;
	pthread_mutex_lock(&l->mu);
	l->st.answers++;
	if (l->q_n == LIVE_QUEUE) {
		l->st.dropped++;
	} else {
		struct answer *x = &l->q[(l->q_head + l->q_n++) % LIVE_QUEUE];
		memcpy(x->name, name, len);
		x->name[len] = '\0';
		x->a = *a;
		x->ttl = ttl;
		x->ts_us = ts_us;
		pthread_cond_signal(&l->cv);
	}
	pthread_mutex_unlock(&l->mu);
}

void live_devices(struct live *l, const struct report *rep)
{
	if (!l || !rep)
		return;
	struct inrep *r = calloc(1, sizeof *r);
	if (!r || inrep_from_report(rep, "the report", r, NULL) < 0) {
		if (r)
			inrep_free(r);
		free(r);
		log_msg(LOGL_WARN, "enforce: out of memory: the devices of this step are not looked at");
		return;
	}
	pthread_mutex_lock(&l->mu);
	if (l->next_rep) {
		inrep_free(l->next_rep);
		free(l->next_rep);
	}
	l->next_rep = r;
	pthread_cond_signal(&l->cv);
	pthread_mutex_unlock(&l->mu);
}

void live_stop(struct live *l, struct live_stats *st)
{
	if (!l)
		return;
	pthread_mutex_lock(&l->mu);
	l->stop = 1;
	pthread_cond_signal(&l->cv);
	pthread_mutex_unlock(&l->mu);
	if (l->th)
		l->sp->join(l->th);
	if (st) {
		*st = l->st;
		st->samples = l->n_lat;
		if (l->n_lat) {
			qsort(l->lat, l->n_lat, sizeof *l->lat, cmp_double);
			st->p50_ms = l->lat[(l->n_lat - 1) / 2];
			st->p99_ms = l->lat[(size_t)((double)(l->n_lat - 1) * 0.99)];
			st->max_ms = l->lat[l->n_lat - 1];
		}
	}
	live_free(l);
}
