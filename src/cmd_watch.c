/* cmd_watch.c - `alfoil watch`: the engine with the store as its sink.
 *
 * The order at start: options (cmd_watch_args.c: flags, then the config
 * file); the intel/ data loaded once, here; the rule files; the database
 * opened (migrated) and its history read back (the detectors' baseline,
 * the devices already known); then the engine. Live, once the interfaces
 * were tried, root goes (lib/priv.h) before the first packet is read, and
 * every capability but CAP_NET_RAW with --keep-net-raw (to open an
 * interface made again) and CAP_NET_ADMIN with --enforce: the database
 * and the data were opened as root,
 * everything after is the attacker's bytes.
 *
 * Every --commit-interval seconds of engine time the engine hands a
 * snapshot to its worker thread (engine.h), and there the report is built
 * as inspect builds it (inspect_report()), the detectors run, and the
 * recorder writes what changed (store/record.h). When the engine stops
 * (SIGTERM, SIGINT, the files' end) the last snapshot is committed on
 * this thread, the worker being gone by then.
 *
 * SIGHUP and SIGUSR1 are blocked in every thread (the mask is set before
 * any thread starts, and inherited) and taken with sigtimedwait() by the
 * worker at the start of each snapshot: a reload happens between two
 * commits and never under a report being built, and the report SIGUSR1
 * asks for is that of the next snapshot. The engine's own handler (which
 * stops on SIGHUP) never sees them.
 */
#include <errno.h>
#include <ifaddrs.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/if_packet.h>

#include "analyze/findings.h"
#include "analyze/report.h"
#include "cmd.h"
#include "engine/engine.h"
#include "enforce/live.h"
#include "enforce/names.h"
#include "enforce/polfile.h"
#include "engine/thread.h"
#include "intel/classify.h"
#include "intel/clouds.h"
#include "intel/datasets.h"
#include "lib/cli.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "lib/utf8.h"
#include "lib/priv.h"
#include "output/eve.h"
#include "policy/mud.h"
#include "output/webhook.h"
#include "output/output.h"
#include "store/events.h"
#include "store/history.h"
#include "store/record.h"
#include "store/store.h"
#include "track/snapshot.h"
#include "watch.h"

#define WATCH_MAX_BACKOFF 32 /* intervals between two tries of a failing commit, at most */
#define WATCH_FINAL_TRIES 5  /* the last commit: tries, a second apart */
#define WATCH_BATCH_ROWS 16384 /* -r: rows of the steps before a commit, at most */

struct watch {
	struct watch_opts *o;
	int argc;
	char **argv;
	struct intel_load il;
	struct find_config fc;
	struct blocklist *block;
	struct baseline *base;
	struct mud_set profiles; /* --profiles */
	int have_profiles;
	struct store *store;
	struct recorder *rec;
	struct engine *e;
	char home[3];         /* --home-country, copied: a reload may change it */
	uint64_t flushed_us;  /* engine_clock_us() of the last commit (-r) */
	unsigned step_s;      /* engine seconds between two snapshots */
	/* -r: the files the database read before (resume()), sorted */
	struct store_input *seen;
	size_t n_seen;
	/* a commit that fails: tried again at the next interval, then after
	 * 2, 4, ... WATCH_MAX_BACKOFF intervals */
	unsigned fail_streak;
	unsigned skip_left;
	int want_report;      /* SIGUSR1 */
	uint64_t first_us;    /* engine time of the first snapshot */
	/* --eve: the file each event said is appended to (NULL: none, or it
	 * could not be opened); eve_failed: lines that could not be written */
	FILE *eve;
	uint64_t eve_failed;
	struct webhook *hook; /* --webhook: its thread */
	/* where the worker's time went (ALFOIL_TIMES=1), microseconds */
	struct watch_times {
		uint64_t report, find, step, flush;
	} spent;
	/* libpcap's counters from the engine's thread (on_stats), written by
	 * the worker after its next commit: the packet thread never waits for
	 * the database */
	pthread_mutex_t stats_lock;
	struct watch_stats {
		const char *iface;
		uint64_t time_us, received, dropped, if_dropped;
		int pending;
	} stats[WATCH_MAX_IFACES];
	uint64_t drops_told[WATCH_MAX_IFACES]; /* dropped + if_dropped of the last capture-drops (stats_lock) */
	/* interface-down and capture-drops, from the engine's thread (under
	 * stats_lock) to the worker, which hands them to the recorder */
	struct watch_note {
		char kind[16], subject[64], why[512];
		char device[18], from[16], to[16]; /* policy-changed */
		uint64_t time_us, a, b, c;
	} notes[16];
	size_t n_notes;
	uint64_t notes_lost;
	/* --enforce: the rules' thread, its profiles and policy file (read
	 * once, at start), and its own connection to the database (for the
	 * policies of alfoil device --policy) */
	struct live *live;
	struct mud_set live_profiles;
	struct polfile pf;
	struct store *poll_store;
	struct report *hist; /* the history at start, until the rules are loaded */
};

/* ---- the history read back ---- */

static void history_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void history_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = NULL;
	int n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n >= 0)
		log_warn("history: %s", msg);
	free(msg);
}

/* The history at start: the detectors' baseline (a destination seen on
 * any day before is not new, nor is the upload rate) and the devices the
 * database holds (not new either). A database that cannot be read back
 * is not fatal: watch goes on without a baseline, and says so. */
static void load_history(struct watch *w)
{
	char err[1024];
	struct store_window all = { 0, 0, NULL };
	uint64_t t0 = engine_clock_us();
	struct report *h = store_report(w->store, &all, history_warn, err, sizeof err);
	if (!h) {
		log_warn("%s: the history could not be read back (%s): no baseline, and known devices may be "
			 "logged as new", w->o->db, err);
		return;
	}
	if (h->n_devices && !(w->base = baseline_from_report(h)))
		log_warn("out of memory for the baseline: every destination may be reported as new");
	log_info("%s: %zu devices known from before%s (%.0f ms)", w->o->db, h->n_devices,
		 w->base ? ", their destinations the baseline" : "", (double)(engine_clock_us() - t0) / 1e3);
	if (w->o->enforce)
		w->hist = h; /* the rules' devices (start_enforce()) */
	else
		report_free(h);
}

/* ---- the rule files, loaded at start and on SIGHUP ---- */

struct rules {
	struct clouds *clouds;
	struct classifier *cls;
	struct find_config fc;
	struct blocklist *block;
	struct mud_set profiles; /* --profiles: what each device may do */
	int have_profiles;
};

/* The rule files of in: all of them, or none (-1 with err). At start
 * (il: the intel data just loaded) the clouds and signatures are il's,
 * and one the user named that could not be read is an error (a missing
 * default only loses what it would show, as in inspect). */
static int rules_load(const struct inspect_opts *in, struct intel_load *il, struct rules *r, char *err,
		      size_t errlen)
{
	memset(r, 0, sizeof *r);
	find_config_default(&r->fc);
	if (il) {
		r->clouds = il->clouds;
		r->cls = il->cls;
		il->clouds = NULL;
		il->cls = NULL;
		if ((in->clouds && !r->clouds) || (in->signatures && !r->cls)) {
			snprintf(err, errlen, "--%s %s: not read (see above)", in->clouds && !r->clouds ? "clouds" :
				 "signatures", in->clouds && !r->clouds ? in->clouds : in->signatures);
			goto fail;
		}
	} else if (!(r->clouds = clouds_load(in->clouds, err, errlen)) ||
		   !(r->cls = classifier_load(in->signatures, err, errlen))) {
		goto fail;
	}
	if ((in->find_config && find_config_load(in->find_config, &r->fc, err, errlen) < 0) ||
	    (in->blocklist && !(r->block = blocklist_load(in->blocklist, err, errlen))) ||
	    (in->profiles && mud_load_dir(in->profiles, &r->profiles, err, errlen) < 0))
		goto fail;
	r->have_profiles = in->profiles != NULL;
	if (in->profiles && !r->profiles.n)
		log_warn("--profiles %s holds no profiles (aa-bb-cc-dd-ee-ff.json): every device is without one",
			 in->profiles);
	return 0;
fail:
	clouds_free(r->clouds);
	classifier_free(r->cls);
	blocklist_free(r->block);
	mud_set_free(&r->profiles);
	return -1;
}

/* Into w: the old ones go. */
static void rules_use(struct watch *w, struct rules *r)
{
	clouds_free(w->il.clouds);
	classifier_free(w->il.cls);
	blocklist_free(w->block);
	mud_set_free(&w->profiles);
	w->il.clouds = r->clouds;
	w->il.cls = r->cls;
	w->fc = r->fc;
	w->block = r->block;
	w->profiles = r->profiles;
	w->have_profiles = r->have_profiles;
	w->il.n_ds = data_sets_describe(w->il.oui, w->il.ip, w->il.clouds, w->il.cls, w->il.infra, w->il.ds);
}

static void set_home(struct watch *w, const char *home)
{
	snprintf(w->home, sizeof w->home, "%s", home ? home : "");
}

#define WATCH_HOOK_GRACE_S 5 /* at the end: what is queued is tried this long more */

static void eve_open(struct watch *w);

/* SIGHUP, on the worker between two commits: the command line and the
 * file again; a mistake anywhere keeps everything as it was. */
static void reload(struct watch *w)
{
	struct watch_opts n;
	char err[1400];
	if (watch_reload_args(w->argc, w->argv, &n, err, sizeof err) < 0) {
		log_error("SIGHUP: %s; the settings stay as they were", err[0] ? err : "bad command line");
		return;
	}
	struct rules r;
	if (rules_load(&n.in, NULL, &r, err, sizeof err) < 0) {
		log_error("SIGHUP: %s; the rules stay as they were", err);
		watch_opts_free(&n);
		return;
	}
	rules_use(w, &r);
	log_set_level(n.log_level);
	eve_open(w);
	set_home(w, n.in.home);
	log_info("SIGHUP: %s and the rule files read again (log-level %s%s%s); other keys take effect at the "
		 "next start", n.conf_read ? n.conf_path : "the command line", log_level_name(n.log_level),
		 w->home[0] ? ", home-country " : "", w->home);
	watch_opts_free(&n);
}

/* What arrived of SIGHUP and SIGUSR1 (blocked in every thread). */
static void take_signals(struct watch *w)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	struct timespec zero = { 0, 0 };
	int sig, hup = 0;
	while ((sig = sigtimedwait(&set, NULL, &zero)) > 0) {
		if (sig == SIGHUP)
			hup = 1;
		else if (sig == SIGUSR1)
			w->want_report = 1;
	}
	if (hup)
		reload(w);
}

/* ---- the engine's messages and drop counters ---- */

static void engine_log(void *ctx, int level, const char *fmt, ...)
{
	(void)ctx;
	va_list ap;
	va_start(ap, fmt);
	char *msg = NULL;
	int n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n >= 0)
		log_msg((enum log_level)(level < LOGL_ERROR ? LOGL_ERROR : level > LOGL_DEBUG ? LOGL_DEBUG : level),
			"%s", msg);
	free(msg);
}

/* The engine's thread, every minute per interface: kept for the worker
 * (the latest counters of each interface; they are sums since the start,
 * so one left unwritten is not lost, only its time is). */
static void on_stats(void *ctx, const char *iface, uint64_t received, uint64_t dropped, uint64_t if_dropped)
{
	struct watch *w = ctx;
	pthread_mutex_lock(&w->stats_lock);
	for (size_t i = 0; i < WATCH_MAX_IFACES; i++) {
		struct watch_stats *st = &w->stats[i];
		if (st->iface && strcmp(st->iface, iface))
			continue;
		*st = (struct watch_stats){ iface, clock_wall_us(), received, dropped, if_dropped, 1 };
		break;
	}
	pthread_mutex_unlock(&w->stats_lock);
}

/* A note for the worker (the caller holds stats_lock). */
static void note_add(struct watch *w, const char *kind, const char *iface, const char *why, uint64_t a, uint64_t b,
		     uint64_t c)
{
	if (w->n_notes == sizeof w->notes / sizeof w->notes[0]) {
		w->notes_lost++;
		return;
	}
	struct watch_note *n = &w->notes[w->n_notes++];
	snprintf(n->kind, sizeof n->kind, "%s", kind);
	snprintf(n->subject, sizeof n->subject, "%s", iface);
	snprintf(n->why, sizeof n->why, "%s", why ? why : "");
	n->device[0] = n->from[0] = n->to[0] = '\0';
	n->time_us = clock_wall_us();
	n->a = a;
	n->b = b;
	n->c = c;
}

/* --enforce: a device's policy changed (the rules' thread) */
static void on_policy(void *ctx, const char *mac, const char *from, const char *to, const char *why)
{
	struct watch *w = ctx;
	pthread_mutex_lock(&w->stats_lock);
	size_t k = w->n_notes;
	note_add(w, "policy-changed", mac, why, 0, 0, 0);
	if (w->n_notes > k) {
		struct watch_note *n = &w->notes[k];
		snprintf(n->device, sizeof n->device, "%s", mac);
		snprintf(n->from, sizeof n->from, "%s", from);
		snprintf(n->to, sizeof n->to, "%s", to);
		snprintf(n->subject, sizeof n->subject, "%s->%s", from, to);
	}
	pthread_mutex_unlock(&w->stats_lock);
}

/* --enforce: the policies alfoil device --policy set, on the rules'
 * thread, through a connection of its own */
static int poll_policies(void *ctx, struct live_policy **v, size_t *n);

static void on_lost(void *ctx, const char *iface, const char *why)
{
	struct watch *w = ctx;
	pthread_mutex_lock(&w->stats_lock);
	note_add(w, "interface-down", iface, why, 0, 0, 0);
	pthread_mutex_unlock(&w->stats_lock);
}

/* The notes waiting, to the recorder (before its step): and first, an
 * interface whose drop counters grew since they were last told. */
static void give_notes(struct watch *w)
{
	struct watch_note v[16];
	pthread_mutex_lock(&w->stats_lock);
	for (size_t i = 0; i < WATCH_MAX_IFACES; i++) {
		const struct watch_stats *st = &w->stats[i];
		uint64_t drops = st->dropped + st->if_dropped;
		if (st->iface && drops > w->drops_told[i]) {
			w->drops_told[i] = drops;
			note_add(w, "capture-drops", st->iface, NULL, st->received, st->dropped, st->if_dropped);
		}
	}
	size_t n = w->n_notes;
	memcpy(v, w->notes, n * sizeof v[0]);
	w->n_notes = 0;
	pthread_mutex_unlock(&w->stats_lock);
	for (size_t i = 0; i < n; i++) {
		json_t *ev = json_object();
		int down = !strcmp(v[i].kind, "interface-down");
		if (v[i].device[0]) { /* policy-changed */
			json_object_set_new(ev, "from", json_string(v[i].from));
			json_object_set_new(ev, "to", json_string(v[i].to));
			json_object_set_new(ev, "why", json_string(v[i].why));
			char *t = ev ? json_dumps(ev, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII) : NULL;
			json_decref(ev);
			int held = strcmp(v[i].to, "allow") != 0;
			if (recorder_note(w->rec, v[i].kind, v[i].device, v[i].subject, held ? "medium" : "low",
					  held ? "alfoil now holds this device to its policy: alfoil device MAC --policy "
						 "allow lets it out"
					       : "this device is no longer held: alfoil device MAC --policy local-only "
						 "(or quarantine) holds it again",
					  t, v[i].time_us) < 0)
				log_warn("%s %s: not recorded (out of memory, or too many waiting)", v[i].kind,
					 v[i].device);
			free(t);
			continue;
		}
		if (down) {
			json_object_set_new(ev, "interface", json_string(v[i].subject));
			json_object_set_new(ev, "why", json_string(v[i].why));
		} else {
			json_object_set_new(ev, "interface", json_string(v[i].subject));
			json_object_set_new(ev, "received", json_integer((json_int_t)v[i].a));
			json_object_set_new(ev, "dropped", json_integer((json_int_t)v[i].b));
			json_object_set_new(ev, "if_dropped", json_integer((json_int_t)v[i].c));
		}
		char *t = ev ? json_dumps(ev, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII) : NULL;
		json_decref(ev);
		if (recorder_note(w->rec, v[i].kind, NULL, v[i].subject, down ? "medium" : "low",
				  down ? "alfoil lost the interface and sees nothing on it until it is back (it tries "
					 "again, with backoff): check the cable, the bridge or the adapter"
				       : "the kernel or the interface dropped packets alfoil did not see: give it a larger "
					 "--buffer-size, or a lighter --filter",
				  t, v[i].time_us) < 0)
			log_warn("%s %s: not recorded (out of memory, or too many waiting)", v[i].kind, v[i].subject);
		free(t);
	}
}

/* After a commit, on the worker (or this thread at the end): the
 * counters that came since into capture_stats. */
static void write_stats(struct watch *w)
{
	struct watch_stats v[WATCH_MAX_IFACES];
	pthread_mutex_lock(&w->stats_lock);
	memcpy(v, w->stats, sizeof v);
	for (size_t i = 0; i < WATCH_MAX_IFACES; i++)
		w->stats[i].pending = 0;
	pthread_mutex_unlock(&w->stats_lock);
	char err[512];
	for (size_t i = 0; i < WATCH_MAX_IFACES; i++) {
		if (!v[i].pending)
			continue;
		if (store_capture_stats(w->store, v[i].time_us, v[i].iface, v[i].received, v[i].dropped,
					v[i].if_dropped, err, sizeof err) < 0) {
			log_warn("capture counters of %s not written: %s", v[i].iface, err);
			pthread_mutex_lock(&w->stats_lock);
			if (!w->stats[i].pending) /* newer ones replace them */
				w->stats[i].pending = 1;
			pthread_mutex_unlock(&w->stats_lock);
		} else if (v[i].dropped || v[i].if_dropped) {
			log_debug("%s: %llu packets received, %llu dropped by the kernel, %llu by the interface",
				  v[i].iface, (unsigned long long)v[i].received, (unsigned long long)v[i].dropped,
				  (unsigned long long)v[i].if_dropped);
		}
	}
}

/* ---- one snapshot: report, findings, commit ---- */

/* SIGUSR1: the report as inspect --json writes it, to a file beside the
 * final one and renamed over it, so that a reader never sees half. */
static void write_report(struct watch *w, const struct report *rep)
{
	const char *path = w->o->report_file;
	char tmp[4300];
	snprintf(tmp, sizeof tmp, "%s.%d.tmp", path, (int)getpid());
	FILE *f = fopen(tmp, "w");
	if (!f) {
		log_error("SIGUSR1: %s: %s", tmp, strerror(errno));
		return;
	}
	int rc = output_find("json")->fn(f, rep, &w->o->in.out);
	if (fclose(f) != 0 || rc < 0) {
		log_error("SIGUSR1: writing %s failed: %s", tmp, strerror(errno));
		remove(tmp);
		return;
	}
	if (rename(tmp, path) < 0) {
		log_error("SIGUSR1: %s: %s", path, strerror(errno));
		remove(tmp);
		return;
	}
	log_info("report of %zu devices written to %s", rep->n_devices, path);
}

/* After a commit: the devices the database did not hold before, one info
 * line each (the recorder knows them). */
/* --eve FILE, opened (again: SIGHUP, after logrotate moved it) for
 * appending; the old stream stays when it cannot be. */
static void eve_open(struct watch *w)
{
	if (!w->o->eve)
		return;
	FILE *f = fopen(w->o->eve, "a");
	if (!f) {
		log_error("--eve %s: %s; %s", w->o->eve, strerror(errno),
			  w->eve ? "still writing the file open before" : "no EVE lines until it can be opened (SIGHUP)");
		return;
	}
	if (w->eve)
		fclose(w->eve);
	w->eve = f;
}

static int sev_rank(const char *s)
{
	enum severity v;
	return s && severity_parse(s, &v) == 0 ? (int)v : SEV_INFO;
}

/* The events the last commit said, to the sinks: the log, --eve, --syslog
 * (what a packet put in them made safe for a log line first). */
static void tell_events(struct watch *w, const struct report *rep)
{
	size_t n;
	const struct recorder_said *x = recorder_said(w->rec, &n);
	for (size_t i = 0; i < n; i++) {
		const struct recorder_said *e = &x[i];
		/* the device as the report names it: its label, its name */
		const char *label = NULL, *name = NULL;
		for (size_t k = 0; e->device && k < rep->n_devices && !name; k++)
			if (!strcmp(rep->devices[k].id, e->device)) {
				label = rep->devices[k].label;
				name = rep->devices[k].display;
			}
		char subj[256] = "";
		if (e->subject)
			subj[utf8_clean(subj, e->subject, strnlen(e->subject, 255 / 3), 0)] = '\0';
		if (strcmp(e->kind, "new-device")) /* said as "new device" already */
			log_info("event: %s %s%s%s (%s)", e->kind, e->device ? e->device : "-", subj[0] ? " " : "", subj,
				 e->severity ? e->severity : "info");
		if (w->eve && sev_rank(e->severity) >= (int)w->o->eve_sev) {
			struct eve_event v = { .id = e->id, .time_us = e->time_us, .kind = e->kind, .device = e->device,
					       .label = label, .subject = e->subject, .severity = e->severity,
					       .advice = e->advice, .evidence = e->record, .has_flow = e->has_flow,
					       .src = e->src, .dst = e->dst, .sport = e->sport, .dport = e->dport,
					       .proto = e->proto };
			if (output_eve(w->eve, &v) < 0 && w->eve_failed++ % 100 == 0)
				log_warn("--eve %s: writing failed (%llu lines so far): %s", w->o->eve,
					 (unsigned long long)w->eve_failed, strerror(errno));
		}
		if (w->hook && sev_rank(e->severity) >= (int)w->o->webhook_sev) {
			struct eve_event v = { .id = e->id, .time_us = e->time_us, .kind = e->kind, .device = e->device,
					       .label = label, .name = name, .subject = e->subject,
					       .severity = e->severity, .advice = e->advice, .evidence = e->record };
			json_t *j = output_json_event(&v);
			char *t = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII) : NULL;
			json_decref(j);
			if (t)
				webhook_push(w->hook, t);
			free(t);
		}
		if (w->o->syslog && sev_rank(e->severity) >= (int)w->o->syslog_sev) {
			static const int prio[] = { LOG_INFO, LOG_NOTICE, LOG_WARNING, LOG_ERR, LOG_CRIT };
			char lab[200] = "", adv[600] = "";
			if (label)
				lab[utf8_clean(lab, label, strnlen(label, 199 / 3), 0)] = '\0';
			if (e->advice)
				adv[utf8_clean(adv, e->advice, strnlen(e->advice, 599 / 3), 0)] = '\0';
			syslog(prio[sev_rank(e->severity)], "%s severity=%s device=%s%s%s%s subject=%s id=%lld: %s", e->kind,
			       e->severity ? e->severity : "info", e->device ? e->device : "-", lab[0] ? " label=\"" : "",
			       lab, lab[0] ? "\"" : "", subj[0] ? subj : "-", (long long)e->id, adv);
		}
	}
}

static void log_new_devices(struct watch *w)
{
	size_t n;
	const struct recorder_fresh *x = recorder_fresh(w->rec, &n);
	for (size_t i = 0; i < n; i++)
		log_info("new device %s (%s)", x[i].id, x[i].maker[0] ? x[i].maker : "maker unknown");
}

static int failed(struct watch *w, const char *err, int last)
{
	w->fail_streak++;
	unsigned wait = 1u << (w->fail_streak - 1 < 5 ? w->fail_streak - 1 : 5);
	if (wait > WATCH_MAX_BACKOFF)
		wait = WATCH_MAX_BACKOFF;
	w->skip_left = wait - 1;
	if (last)
		log_warn("commit failed (%u in a row): %s; trying again in 1 s", w->fail_streak, err);
	else
		log_warn("commit failed (%u in a row): %s; trying again in %u s%s", w->fail_streak, err,
			 wait * w->step_s, w->o->read_mode ? " of packet time" : "");
	return -1;
}

/* A step of the recorder; then, live, the commit with it, and with -r
 * (steps an hour of packet time apart) a commit when --commit-interval
 * seconds of the wall clock went by since the last one, or last (final). */
static int commit(struct watch *w, const struct report *rep, const struct findings *f, uint64_t now_us, int last)
{
	char err[1024];
	uint64_t t0 = engine_clock_us();
	give_notes(w);
	int rc = recorder_step(w->rec, rep, f, now_us, err, sizeof err);
	uint64_t t1 = engine_clock_us();
	w->spent.step += t1 - t0;
	if (rc < 0)
		return failed(w, err, last);
	/* -r: a commit when the interval has gone by, or when the open
	 * transaction holds WATCH_BATCH_ROWS rows: the writes then go on
	 * here, beside the packets, rather than all in the last commit */
	if (w->o->read_mode && !w->o->stream && !last &&
	    t0 - w->flushed_us < (uint64_t)w->o->commit_interval * 1000000u &&
	    recorder_pending_rows(w->rec) < WATCH_BATCH_ROWS) {
		w->skip_left = 0;
		return 0;
	}
	rc = recorder_flush(w->rec, err, sizeof err);
	w->flushed_us = engine_clock_us();
	w->spent.flush += w->flushed_us - t1;
	if (rc < 0)
		return failed(w, err, last);
	if (w->fail_streak)
		log_info("commit done again after %u that failed", w->fail_streak);
	w->fail_streak = 0;
	w->skip_left = 0;
	const struct recorder_stats *st = recorder_stats(w->rec);
	log_debug("commit %llu (step %llu): %zu devices, %llu rows in all, %.1f ms", (unsigned long long)st->commits,
		  (unsigned long long)st->steps, rep->n_devices, (unsigned long long)st->rows,
		  (double)(w->flushed_us - t0) / 1e3);
	log_new_devices(w);
	tell_events(w, rep);
	write_stats(w);
	return 0;
}

/* The files' positions of this snapshot to the recorder, written with
 * its step. */
static int give_marks(struct watch *w, const struct engine_mark *m, size_t n)
{
	struct recorder_mark one[16], *v = n <= 16 ? one : malloc(n * sizeof *v);
	if (!v)
		return -1;
	for (size_t i = 0; i < n; i++)
		v[i] = (struct recorder_mark){ m[i].name, m[i].fingerprint, m[i].packets };
	int rc = recorder_marks(w->rec, v, n);
	if (v != one)
		free(v);
	return rc;
}

/* One snapshot (freed here); src: what the engine read (the last one),
 * NULL on the worker, where the engine's counts may not be read. */
static int process(struct watch *w, struct snapshot *snap, const struct inspect_source *src,
		   const struct engine_mark *marks, size_t n_marks)
{
	take_signals(w);
	int last = src != NULL;
	uint64_t now = snap_now_us(snap);
	if (!w->first_us)
		w->first_us = now;
	int due = !w->skip_left || src;
	if (!due && !w->want_report) {
		w->skip_left--;
		snapshot_free(snap);
		return 0;
	}
	struct rep_input none[WATCH_MAX_IFACES];
	struct inspect_source at = { NULL, none, 0, w->first_us, now, 0 };
	if (!src) { /* the inputs named, without their counts */
		memset(none, 0, sizeof none);
		for (size_t i = 0; i < w->o->n_ifaces; i++)
			none[at.n_inputs++] = (struct rep_input){ .name = w->o->ifaces[i], .live = 1 };
		src = &at;
	}
	struct find_inputs fin = { &w->fc, w->block, w->base, w->have_profiles ? &w->profiles : NULL };
	struct findings f = { 0 };
	struct inspect_times times = { .start = engine_clock_us() };
	struct report *rep = inspect_report(snap, &w->il, w->home[0] ? w->home : NULL, src, &fin, &f, &times);
	if (rep) {
		w->spent.report += times.report - times.start;
		w->spent.find += times.find - times.report;
		log_debug("report %.1f ms, findings %.1f ms", (double)(times.report - times.start) / 1e3,
			  (double)(times.find - times.report) / 1e3);
	}
	int rc = 0;
	if (rep && w->live)
		live_devices(w->live, rep);
	if (!rep) {
		log_error("out of memory building the report: no commit this time");
		rc = -1;
	} else {
		if (w->want_report) {
			w->want_report = 0;
			write_report(w, rep);
		}
		if (due && give_marks(w, marks, n_marks) < 0) {
			log_error("out of memory for the files' positions: no commit this time");
			rc = -1;
		} else if (due) {
			rc = commit(w, rep, &f, now, last);
		}
		else
			w->skip_left--;
	}
	report_free(rep);
	findings_free(&f);
	snapshot_free(snap);
	return rc;
}

static void on_snapshot(void *ctx, struct snapshot *s, const struct engine_mark *marks, size_t n_marks)
{
	process(ctx, s, NULL, marks, n_marks);
}

static int seen_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = ((const struct store_input *)b)->fingerprint;
	return x < y ? -1 : x > y;
}

/* -r, the engine's thread, at a file's first packet: how many of its
 * packets the database holds (the same file read before, or the start of
 * one that grew since). */
static uint64_t resume(void *ctx, const char *name, uint64_t fingerprint)
{
	const struct watch *w = ctx;
	const struct store_input *x = w->n_seen ? bsearch(&fingerprint, w->seen, w->n_seen, sizeof *w->seen, seen_cmp)
						: NULL;
	(void)name;
	return x ? x->packets : 0;
}

/* ---- privileges ---- */

/* The database's files become the user's, so that it can go on (the WAL
 * and shared-memory files are made again after a checkpoint's reset, and
 * a later start as that user opens them); root made them just now. */
static void give_db(const struct watch *w, uid_t uid, gid_t gid)
{
	static const char *const tails[] = { "", "-wal", "-shm" };
	for (size_t i = 0; i < 3; i++) {
		char p[4200];
		snprintf(p, sizeof p, "%s%s", w->o->db, tails[i]);
		struct stat st;
		if (lstat(p, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == 0 && chown(p, uid, gid) < 0)
			log_warn("%s: chown to uid %u: %s", p, (unsigned)uid, strerror(errno));
	}
	/* the EVE file too: SIGHUP opens it again as the user */
	struct stat st;
	if (w->o->eve && lstat(w->o->eve, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == 0 &&
	    chown(w->o->eve, uid, gid) < 0)
		log_warn("--eve %s: chown to uid %u: %s", w->o->eve, (unsigned)uid, strerror(errno));
}

/* Live, the interface open (engine.h); one thread. 0, or -1: nothing is
 * read. */
static int live_opened(void *ctx, const char *iface)
{
	struct watch *w = ctx;
	const struct inspect_opts *in = &w->o->in;
	char err[512];
	struct priv_user none = { .uid = (uid_t)-1, .gid = (gid_t)-1 };
	const struct priv_user *u = in->priv_ok ? &in->priv : &none;
	if (getuid() == 0 && in->priv_ok && !u->keep_root)
		give_db(w, u->uid, u->gid);
	/* --keep-net-raw: an interface deleted and made again is a new
	 * socket, which persist opens after the drop (the process reads
	 * packets anyway, and sends none); --enforce: live nftables */
	uint64_t keep = (w->o->keep_net_raw ? 1ull << CAP_NET_RAW : 0) | (w->o->enforce ? 1ull << CAP_NET_ADMIN : 0);
	int r = priv_drop_keep(u, keep, err, sizeof err);
	if (r < 0) {
		log_error("%s: dropping privileges failed: %s; not reading packets as root", iface, err);
		return -1;
	}
	live_run(w->live, &engine_spawner); /* one thread until the drop */
	if (r == PRIV_KEPT)
		log_warn("--user %s: staying root, with every capability, while parsing packets from %s", u->name,
			 iface);
	else
		log_info("%s open; running as %s (uid %u), capabilities: %s", iface,
			 r == PRIV_DROPPED ? u->name : "the same user", (unsigned)getuid(),
			 !keep ? "none" : keep == 1ull << CAP_NET_RAW ? "CAP_NET_RAW only"
			 : keep == 1ull << CAP_NET_ADMIN ? "CAP_NET_ADMIN only" : "CAP_NET_RAW and CAP_NET_ADMIN");
	return 0;
}

/* ---- --enforce ---- */

static void on_answer(void *ctx, const char *name, size_t len, const struct ip_addr *a, uint32_t ttl, uint64_t ts_us)
{
	struct watch *w = ctx;
	/* the latency is measured live only (with -r the clock is the packets') */
	live_answer(w->live, name, len, a, ttl, w->o->read_mode ? 0 : ts_us);
}

struct pol_list {
	struct live_policy *v;
	size_t n, cap;
};

static int pol_row(void *ctx, const struct store_policy_row *p)
{
	struct pol_list *l = ctx;
	enum policy pol;
	char mac[18];
	/* the rules refuse a MAC not in the one form: a row written by hand that is not one is skipped */
	if (enforce_mac_norm(p->device, mac) != MAC_OK || strcmp(mac, p->device) || policy_parse(p->policy, &pol) < 0)
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct live_policy *v = realloc(l->v, cap * sizeof *v);
		if (!v)
			return 1;
		l->v = v;
		l->cap = cap;
	}
	snprintf(l->v[l->n].mac, sizeof l->v[l->n].mac, "%s", p->device);
	l->v[l->n++].pol = pol;
	return 0;
}

static int poll_policies(void *ctx, struct live_policy **v, size_t *n)
{
	struct watch *w = ctx;
	char err[512];
	static int said;
	if (!w->poll_store && !(w->poll_store = store_open(w->o->db, STORE_READONLY, &w->o->store, err, sizeof err))) {
		if (!said++)
			log_warn("enforce: %s: the policies of alfoil device --policy cannot be read: %s", w->o->db, err);
		return -1;
	}
	struct pol_list l = { 0 };
	if (store_policies(w->poll_store, pol_row, &l, err, sizeof err) < 0) {
		if (!said++)
			log_warn("enforce: %s", err);
		free(l.v);
		return -1;
	}
	said = 0;
	*v = l.v;
	*n = l.n;
	return 0;
}

/* The rules loaded before any packet is read: 0, or -1 after a message
 * (nothing changed then). */
static int start_enforce(struct watch *w)
{
	const struct watch_opts *o = w->o;
	char err[1024];
	if (o->policies && polfile_read(o->policies, &w->pf, cli_error) < 0)
		return -1;
	if (o->in.profiles && mud_load_dir_skip(o->in.profiles, &w->live_profiles, cli_warn, err, sizeof err) < 0) {
		cli_error("%s", err);
		return -1;
	}
	/* the guard: the devices first seen before it was turned on are known */
	uint64_t since = 0;
	int guard = w->pf.newp != POL_ALLOW;
	if (store_guard_since(w->store, guard, clock_wall_us(), &since, err, sizeof err) < 0) {
		cli_error("%s", err);
		return -1;
	}
	size_t nd = w->hist ? w->hist->n_devices : 0, n_known = 0;
	char (*known)[18] = calloc(nd + 1, sizeof *known);
	if (!known) {
		cli_error("out of memory");
		return -1;
	}
	for (size_t i = 0; guard && i < nd; i++) {
		const struct rep_device *d = &w->hist->devices[i];
		if (d->has_mac && d->first_us < since && !mac_is_group(d->mac))
			mac_fmt(d->mac, known[n_known++]);
	}
	/* and this host's own interfaces: never a new device */
	struct ifaddrs *ifs = NULL, *x;
	size_t n_own = 0;
	if (guard && getifaddrs(&ifs) == 0) {
		for (x = ifs; x; x = x->ifa_next)
			n_own += x->ifa_addr && x->ifa_addr->sa_family == AF_PACKET;
		char (*more)[18] = realloc(known, (n_known + n_own + 1) * sizeof *known);
		if (more) {
			known = more;
			for (x = ifs; x; x = x->ifa_next) {
				const struct sockaddr_ll *ll = (const struct sockaddr_ll *)x->ifa_addr;
				if (x->ifa_addr && x->ifa_addr->sa_family == AF_PACKET && ll->sll_halen == 6 &&
				    !mac_is_zero(ll->sll_addr) && !mac_is_group(ll->sll_addr))
					mac_fmt(ll->sll_addr, known[n_known++]);
			}
		}
		freeifaddrs(ifs);
	}
	if (guard && !nd)
		log_warn("enforce: the guard is on and the history holds no device: every device is new to it and "
			 "held (%s) until let out; run watch without 'new =' first, a day or so, to know them",
			 policy_name(w->pf.newp));
	struct live_config c = { .profiles = &w->live_profiles, .pf = &w->pf, .lan_nets = o->lan,
				 .grace_s = o->enforce_grace_s, .bridge = o->bridge,
				 .lan_ifaces = o->read_mode ? NULL : o->ifaces, .n_lan_ifaces = o->read_mode ? 0 : o->n_ifaces,
				 .known = (const char (*)[18])known, .n_known = n_known,
				 .poll = poll_policies, .changed = on_policy, .ctx = w };
	w->live = live_start(&c, w->hist, err, sizeof err);
	free(known);
	report_free(w->hist);
	w->hist = NULL;
	if (!w->live) {
		cli_error("--enforce: %s", err);
		return -1;
	}
	if (guard)
		log_info("enforce: the new-device guard is on (%s) since %llu; %zu devices known from before",
			 policy_name(w->pf.newp), (unsigned long long)(since / 1000000u), n_known);
	log_info("enforce: table inet alfoil loaded (%zu profiles, policies %s, names kept their TTL + %u s)",
		 w->live_profiles.n, o->policies ? o->policies : "none", o->enforce_grace_s);
	return 0;
}

/* ---- the command ---- */

static void hook_log(int level, const char *msg)
{
	if (level == 0)
		log_warn("%s", msg);
	else
		log_info("%s", msg);
}

static void free_watch(struct watch *w)
{
	if (w->hook) {
		struct webhook_stats st;
		webhook_stop(w->hook, WATCH_HOOK_GRACE_S, &st);
		w->hook = NULL;
		log_info("webhook: %llu events sent, %llu dropped, %llu tries failed", (unsigned long long)st.sent,
			 (unsigned long long)st.dropped, (unsigned long long)st.failed_tries);
	}
	if (w->live) {
		struct live_stats ls;
		live_stop(w->live, &ls);
		w->live = NULL;
		log_info("enforce: %llu DNS answers seen (%llu dropped), %llu elements added or refreshed, %llu rulesets "
			 "loaded, %llu nft commands failed; the rules stay loaded (alfoil enforce --remove)",
			 (unsigned long long)ls.answers, (unsigned long long)ls.dropped, (unsigned long long)ls.elements,
			 (unsigned long long)ls.loads, (unsigned long long)ls.failures);
		if (ls.samples)
			log_info("enforce: DNS answer to its set element: median %.2f ms, 99th percentile %.2f ms, "
				 "most %.2f ms (%zu answers)", ls.p50_ms, ls.p99_ms, ls.max_ms, ls.samples);
	}
	store_close(w->poll_store);
	mud_set_free(&w->live_profiles);
	polfile_free(&w->pf);
	report_free(w->hist);
	engine_free(w->e);
	recorder_free(w->rec);
	store_close(w->store);
	intel_load_free(&w->il);
	blocklist_free(w->block);
	mud_set_free(&w->profiles);
	baseline_free(w->base);
	free(w->seen);
	if (w->eve)
		fclose(w->eve);
	if (w->o && w->o->syslog)
		closelog();
}

/* The intel loader's warnings, as log lines (one of them may hold two,
 * the second after "\nalfoil: warning: "). */
static void log_intel(const struct intel_load *il)
{
	static const char second[] = "\nalfoil: warning: ";
	for (int i = 0; i < 5; i++) {
		const char *m = il->warn[i];
		if (!m[0])
			continue;
		const char *cut = strstr(m, second);
		log_warn("%.*s", cut ? (int)(cut - m) : (int)strlen(m), m);
		if (cut)
			log_warn("%s", cut + sizeof second - 1);
	}
}

/* The last snapshot, on this thread once the engine stopped: tried
 * again a few times (a lock held by a reader goes). */
static int final_commit(struct watch *w)
{
	const struct engine_result *er = engine_result(w->e);
	struct rep_input *inputs = inspect_inputs(er);
	struct inspect_source src = { engine_dec_stats(w->e), inputs, er->n_inputs, er->first_us, er->last_us,
				      er->undecoded };
	int rc = -1;
	for (int k = 0; inputs && k < WATCH_FINAL_TRIES && rc < 0; k++) {
		if (k)
			sleep(1);
		struct snapshot *s = tracker_snapshot(engine_tracker(w->e));
		size_t nm;
		struct engine_mark *m = s ? engine_marks(w->e, &nm) : NULL;
		if (!s || (nm && !m)) {
			snapshot_free(s);
			log_error("out of memory for the last snapshot");
			break;
		}
		w->skip_left = 0;
		rc = process(w, s, &src, m, nm);
		free(m);
	}
	free(inputs);
	return rc;
}

static void log_inputs(const struct engine_result *er)
{
	for (size_t i = 0; i < er->n_inputs; i++) {
		const struct engine_input *in = &er->inputs[i];
		if (!in->live) /* live, the engine said it */
			log_debug("%s: %llu packets", in->name, (unsigned long long)in->packets);
	}
}

int cmd_watch(int argc, char **argv)
{
	struct watch_opts o;
	int pa = watch_parse_args(argc, argv, &o);
	if (pa != 0) {
		watch_opts_free(&o);
		return pa > 0 ? EXIT_OK : EXIT_USAGE;
	}
	struct watch w = { .o = &o, .argc = argc, .argv = argv };
	pthread_mutex_init(&w.stats_lock, NULL);
	set_home(&w, o.in.home);
	char err[2048];
	/* the data once, here, before any thread and as the user who started
	 * alfoil */
	intel_load_open(&w.il, &o.in);
	log_intel(&w.il);
	struct rules r;
	if (rules_load(&o.in, &w.il, &r, err, sizeof err) < 0) {
		cli_error("%s", err);
		free_watch(&w);
		watch_opts_free(&o);
		return EXIT_USAGE;
	}
	rules_use(&w, &r);
	if (!(w.store = store_open(o.db, 0, &o.store, err, sizeof err)) || !(w.rec = recorder_new(w.store))) {
		cli_error("%s", w.store ? "out of memory" : err);
		free_watch(&w);
		watch_opts_free(&o);
		return EXIT_USAGE;
	}
	load_history(&w);
	if (o.enforce && start_enforce(&w) < 0) {
		free_watch(&w);
		watch_opts_free(&o);
		return EXIT_USAGE;
	}
	eve_open(&w);
	if (o.webhook && !(w.hook = webhook_start(o.webhook, o.webhook_fmt, o.webhook_rate, &engine_spawner, hook_log)))
		log_error("--webhook %s: cannot start its thread; events go to the database only", o.webhook);
	if (o.syslog)
		openlog("alfoil", LOG_PID, LOG_DAEMON);
	if (o.read_mode && store_inputs(w.store, &w.seen, &w.n_seen, err, sizeof err) < 0)
		log_warn("%s; every file is read from its start", err);
	/* SIGHUP and SIGUSR1 wait for the worker (see the top) */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	for (size_t i = 0; o.read_mode && i < o.in.n_inputs; i++) {
		struct stat sb;
		const char *p = o.in.inputs[i];
		if (!strcmp(p, "-") || (stat(p, &sb) == 0 && !S_ISREG(sb.st_mode) && !S_ISDIR(sb.st_mode)))
			o.stream = 1;
	}
	w.step_s = watch_step_seconds(&o);
	if (!o.read_mode && w.step_s < o.commit_interval)
		log_info("a commit every %u s, not %u: what is forgotten after %u s idle must be written before", w.step_s,
			 o.commit_interval, w.step_s);
	w.flushed_us = engine_clock_us();
	struct engine_config ec = {
		.files = (const char *const *)o.in.inputs, .n_files = o.in.n_inputs,
		.ifaces = o.ifaces, .n_ifaces = o.n_ifaces, .persist = 1, .buffer_mib = o.buffer_mib,
		.filter = o.in.filter, .quiet = 1, .track = o.in.cfg, .frag = o.in.frag,
		.live_opened = live_opened, .ctx = &w, .log = engine_log, .on_stats = on_stats, .on_lost = on_lost,
		.snap_seconds = w.step_s, .on_snapshot = on_snapshot, .snap_ctx = &w,
		.resume = o.read_mode ? resume : NULL,
	};
	if (w.live) {
		ec.timeout_ms = 5; /* an answer's address in its set before the device's first packet, if it can */
		ec.track.on_answer = on_answer;
		ec.track.answer_ctx = &w;
	}
	if (!(w.e = engine_new(&ec))) {
		cli_error("out of memory");
		free_watch(&w);
		watch_opts_free(&o);
		return EXIT_USAGE;
	}
	if (o.read_mode && o.stream)
		log_info("reading %zu input%s (a stream: as it comes) into %s, a commit every %u s of packet time",
			 o.in.n_inputs, o.in.n_inputs == 1 ? "" : "s", o.db, w.step_s);
	else if (o.read_mode)
		log_info("reading %zu file%s into %s: a step every %u s of packet time, a commit every %u s", o.in.n_inputs,
			 o.in.n_inputs == 1 ? "" : "s", o.db, w.step_s, o.commit_interval);
	else
		log_info("watching %s%s into %s, a commit every %u s", o.ifaces[0], o.n_ifaces > 1 ? " and more" : "",
			 o.db, o.commit_interval);
	if (o.read_mode)
		live_run(w.live, &engine_spawner);
	int ran = engine_run(w.e);
	const struct engine_result *er = engine_result(w.e);
	log_inputs(er);
	int status = EXIT_OK;
	if (ran < 0) {
		status = EXIT_USAGE; /* nothing could be opened (named) */
	} else if (final_commit(&w) < 0) {
		log_error("the last commit failed: what was seen since the commit before is not in %s", o.db);
		status = EXIT_USAGE;
	} else if (er->bad_input) {
		status = EXIT_INPUT;
	}
	const struct recorder_stats *st = recorder_stats(w.rec);
	if (er->skipped)
		log_info("%llu packets skipped: read before (the database has them)", (unsigned long long)er->skipped);
	log_info("stopped: %llu packets, %llu steps, %llu commits (%llu failed), %llu new devices",
		 (unsigned long long)er->total, (unsigned long long)st->steps, (unsigned long long)st->commits,
		 (unsigned long long)st->failed, (unsigned long long)st->new_devices);
	/* ALFOIL_TIMES=1: where the time went, on stderr (docs/benchmark.md) */
	if (getenv("ALFOIL_TIMES") && *getenv("ALFOIL_TIMES") == '1')
		fprintf(stderr,
			"%s: times (ms): in all %.1f, the packets waiting for the store's worker %.1f; "
			"the worker: report %.1f, findings %.1f, store steps %.1f, commits %.1f\n",
			cli_prog(), (double)(engine_clock_us() - er->started_us) / 1e3, (double)er->snap_wait_us / 1e3,
			(double)w.spent.report / 1e3, (double)w.spent.find / 1e3, (double)w.spent.step / 1e3,
			(double)w.spent.flush / 1e3);
	free_watch(&w);
	pthread_mutex_destroy(&w.stats_lock);
	watch_opts_free(&o);
	return status;
}
