/* cmd_inspect.c - `alfoil inspect`: capture -> decode -> track -> report. */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "analyze/report.h"
#include "capture/capture.h"
#include "cmd.h"
#include "decode/decode.h"
#include "analyze/findings.h"
#include "policy/mud.h"
#include "intel/classify.h"
#include "intel/clouds.h"
#include "intel/datasets.h"
#include "intel/infra.h"
#include "intel/ipdb.h"
#include "intel/oui.h"
#include "lib/fmt.h"
#include "output/output.h"
#include "inspect.h"
#include "lib/cli.h"
#include "lib/priv.h"
#include "lib/utf8.h"
#include "prefetch.h"
#include "reasm/reasm.h"
#include "track/tracker.h"

static volatile sig_atomic_t stop_requested;
static struct cap_source *volatile live_source;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
	if (live_source)
		cap_breakloop(live_source);
}

static uint64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

struct run {
	const struct inspect_opts *o;
	struct tracker *t;
	struct reasm *ra;    /* fragments, between decode and the tracker */
	uint64_t frag_due;   /* until then only fragments need it (reasm.h) */
	struct dec_ctx dec;
	struct rep_input *inputs;
	size_t n_inputs;
	uint64_t first_us, last_us, undecoded, total;
	uint64_t started, last_progress;
	int progress_shown;
	int bad_input;
};

static void progress(struct run *r, struct cap_source *s, long long off, size_t i, size_t n)
{
	uint64_t now = now_us();
	if (now - r->started < 1000000u || now - r->last_progress < 250000u)
		return;
	r->last_progress = now;
	r->progress_shown = 1;
	char a[32];
	double rate = (double)r->total / ((double)(now - r->started) / 1e6);
	long long size = cap_size(s);
	/* the file's name made safe to show (lib/utf8.h): a name in a
	 * directory is whatever whoever wrote the file chose */
	char shown[256];
	size_t nl = strlen(cap_name(s));
	nl = utf8_clean(shown, cap_name(s), nl < sizeof shown ? nl : sizeof shown, 0);
	fprintf(stderr, "\r\033[K[%zu/%zu] %.*s", i + 1, n, (int)nl, shown);
	if (off >= 0 && size > 0)
		fprintf(stderr, " %3.0f%%", 100.0 * (double)off / (double)size);
	fprintf(stderr, "  %s packets  %.0fk pkt/s", fmt_count(a, r->total), rate / 1000);
}

static void track_view(void *tracker, const struct pkt *p, uint64_t ts_us)
{
	tracker_packet(tracker, p, ts_us);
}

/* One packet, read and perhaps decoded before (p NULL: not decodable). */
static inline void take(struct run *r, struct rep_input *in, uint64_t ts_us, const struct pkt *p)
{
	r->total++;
	in->packets++;
	if (!r->first_us || ts_us < r->first_us)
		r->first_us = ts_us;
	if (ts_us > r->last_us)
		r->last_us = ts_us;
	if (!p)
		r->undecoded++;
	else if (p->frag != FRAG_NONE || ts_us >= r->frag_due)
		r->frag_due = reasm_packet(r->ra, p, ts_us);
	else
		tracker_packet(r->t, p, ts_us);
}

static int show_progress(const struct inspect_opts *o)
{
	return o->progress > 0 || (o->progress < 0 && isatty(2) && !o->quiet);
}

/* Note the link type of s in its input, with a warning when it is not
 * decoded; returns whether it is. */
static int note_linktype(const struct inspect_opts *o, struct cap_source *s, struct rep_input *in)
{
	int dlt = cap_datalink(s);
	int decodable = decode_linktype_supported(dlt);
	in->linktype = cap_datalink_name(s);
	if (!decodable && !o->quiet)
		cli_warn("%s: link type %s (%d) is not decoded; its packets are "
				"counted only", cap_name(s), in->linktype, dlt);
	return decodable;
}

/* Live, once told to stop (a signal, --duration): what the kernel holds
 * already is read too. A partly filled block of the capture ring is handed
 * over within one read timeout (100 ms), so reading goes on until a wait
 * for packets comes back empty DRAIN_MIN_US after the stop, and for
 * DRAIN_MAX_US at most (a flood never lets it go quiet). */
#define DRAIN_MIN_US 250000u
#define DRAIN_MAX_US 1000000u

/* Read one source to its end; returns 0, or -1 when it ended in error. */
static int pump(struct run *r, struct cap_source *s, struct rep_input *in, size_t i, size_t n)
{
	const struct inspect_opts *o = r->o;
	int dlt = cap_datalink(s);
	int decodable = note_linktype(o, s, in);
	struct cap_packet cp;
	struct pkt p;
	uint64_t deadline = o->duration > 0 ? now_us() + (uint64_t)(o->duration * 1e6) : 0;
	uint64_t drain_from = 0; /* live, told to stop: since when */
	int show = show_progress(o);
	for (;;) {
		if (o->count && r->total >= o->count)
			break;
		if (!drain_from && (stop_requested || (deadline && now_us() >= deadline))) {
			if (!in->live)
				break;
			drain_from = now_us();
		}
		if (drain_from && now_us() >= drain_from + DRAIN_MAX_US)
			break;
		int rc = cap_next(s, &cp);
		if (rc == CAP_TIMEOUT && drain_from && now_us() >= drain_from + DRAIN_MIN_US)
			break;
		if (rc == CAP_TIMEOUT || (rc == CAP_END && in->live && stop_requested))
			continue; /* live, CAP_END is a signal's breakloop: drain */
		if (rc == CAP_END)
			break;
		if (rc == CAP_ERROR) {
			in->error = 1;
			snprintf(in->message, sizeof in->message, "%s", cap_error(s));
			return -1;
		}
		if (decodable)
			decode_packet(&r->dec, dlt, cp.data, cp.caplen, cp.wirelen, &p);
		take(r, in, cp.ts_us, decodable ? &p : NULL);
		if (show && (r->total & 0xffff) == 0)
			progress(r, s, cap_offset(s), i, n);
	}
	return 0;
}

/* A file, read and decoded a batch ahead on a second thread (prefetch.h);
 * the same as pump() otherwise. Returns 0, -1 when it ended in error, or 1
 * when no thread could be had (pump() then reads it). */
static int pump_file(struct run *r, struct cap_source *s, struct rep_input *in, size_t i, size_t n)
{
	const struct inspect_opts *o = r->o;
	int decodable = decode_linktype_supported(cap_datalink(s));
	struct prefetch *pf = NULL;
	if (!(o->count && r->total >= o->count) &&
	    !(pf = prefetch_start(s, decodable, o->count ? o->count - r->total : 0, &stop_requested)))
		return 1;
	note_linktype(o, s, in); /* as pump() does, even with nothing left to read */
	if (!pf)
		return 0;
	int show = show_progress(o);
	const struct pf_packet *k;
	while (!stop_requested && (k = prefetch_next(pf))) {
		take(r, in, k->ts_us, decodable ? &k->p : NULL);
		if (show && (r->total & 0xffff) == 0)
			progress(r, s, prefetch_offset(pf), i, n);
	}
	if (prefetch_finish(pf, &r->dec.stats, in->message, sizeof in->message) == CAP_ERROR) {
		in->error = 1;
		return -1;
	}
	return 0;
}

/* The outputs are opened before reading, so a bad path fails at once and
 * not after a long capture, and before a live capture gives up root (the
 * user it becomes may not write there). */
static FILE *open_output(const struct inspect_opts *o)
{
	if (!o->out_path || !strcmp(o->out_path, "-"))
		return stdout;
	FILE *f = fopen(o->out_path, "w");
	if (!f)
		cli_error("%s: %s", o->out_path, strerror(errno));
	return f;
}

static int open_html(const struct inspect_opts *o, FILE **html)
{
	*html = NULL;
	if (!o->html_path)
		return 0;
	if (!(*html = fopen(o->html_path, "w"))) {
		cli_error("--html %s: %s", o->html_path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Close f, and remove path when it is the regular file f was: never
 * /dev/null (as root, removing it would take the device away from every
 * process), a FIFO, or what was put at path since. */
static void close_remove(FILE *f, const char *path)
{
	struct stat a, b;
	int regular = fstat(fileno(f), &a) == 0 && S_ISREG(a.st_mode);
	fclose(f);
	if (regular && stat(path, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
		remove(path);
}

/* No report after all: the files opened for it go. */
static void discard_outputs(const struct inspect_opts *o, FILE *out, FILE *html)
{
	if (out && out != stdout)
		close_remove(out, o->out_path);
	if (html)
		close_remove(html, o->html_path);
}

static int write_report(const struct inspect_opts *o, FILE *f, const struct report *rep)
{
	int rc = output_find(o->format)->fn(f, rep, &o->out);
	if (f != stdout) {
		if (fclose(f) != 0)
			rc = -1;
	} else if (fflush(f) != 0) {
		rc = -1;
	}
	if (rc < 0)
		cli_error("writing %s failed: %s",
			o->out_path ? o->out_path : "standard output", strerror(errno));
	return rc;
}

static int write_html(const struct inspect_opts *o, FILE *f, const struct report *rep)
{
	int rc = output_html(f, rep, &o->out);
	if (fclose(f) != 0)
		rc = -1;
	if (rc < 0)
		cli_error("writing %s failed: %s", o->html_path, strerror(errno));
	return rc;
}

/* Say on stderr when a cap was reached: the report is then of what fitted
 * (its counters say the same, in numbers). */
static void limits_warning(const struct inspect_opts *o, const struct tracker_stats *st)
{
	if (o->quiet || !(st->flows_evicted || st->devices_refused || st->devices_evicted || st->dests_refused ||
			  st->names_evicted || st->strings_refused))
		return;
	fprintf(stderr, "%s: warning: limits reached:", cli_prog());
	const char *sep = "";
	if (st->flows_evicted) {
		fprintf(stderr, " %llu flows evicted, oldest first (--max-flows %u)",
			(unsigned long long)st->flows_evicted, o->cfg.max_flows);
		sep = ";";
	}
	if (st->devices_evicted) {
		fprintf(stderr, "%s %llu devices seen only briefly evicted for newcomers (--max-devices %u)", sep,
			(unsigned long long)st->devices_evicted, o->cfg.max_devices);
		sep = ";";
	}
	if (st->devices_refused) {
		fprintf(stderr, "%s %llu sightings of devices beyond --max-devices %u not kept", sep,
			(unsigned long long)st->devices_refused, o->cfg.max_devices);
		sep = ";";
	}
	if (st->dests_refused) {
		fprintf(stderr, "%s %llu destinations beyond --max-dests %u not kept", sep,
			(unsigned long long)st->dests_refused, o->cfg.max_dests);
		sep = ";";
	}
	if (st->names_evicted) {
		fprintf(stderr, "%s %llu DNS names evicted from the name cache (%u)", sep,
			(unsigned long long)st->names_evicted, o->cfg.max_names);
		sep = ";";
	}
	if (st->strings_refused)
		fprintf(stderr, "%s %llu strings not kept (string memory %zu MiB full)", sep,
			(unsigned long long)st->strings_refused, o->cfg.max_string_bytes >> 20);
	fputs("\n", stderr);
}

/* What the report needs from files, loaded on a thread while packets are
 * read. Warnings are kept and printed when the thread is joined, so that
 * they do not cut into the progress line. */
struct intel_load {
	const struct inspect_opts *o;
	pthread_t thread;
	struct oui_db *oui;
	struct ipdb *ip;
	struct clouds *clouds;
	struct classifier *cls;
	struct infra *infra;
	char warn[5][2200];
	int threaded, joined;
	/* what the data sets are (read from their VERSION files and headers
	 * when joined: live, that is before root is given up) */
	struct data_set ds[DATA_SETS];
	size_t n_ds;
};

static void *intel_load_main(void *arg)
{
	struct intel_load *il = arg;
	const struct inspect_opts *o = il->o;
	char err[2048];
	il->oui = oui_load(o->ieee_dir, err, sizeof err);
	if (!il->oui)
		snprintf(il->warn[0], sizeof il->warn[0], "%s; makers will not be shown "
			 "(scripts/setup.sh fetches it; or install Debian's ieee-data, or use --ieee-dir)", err);
	err[0] = '\0';
	il->ip = ipdb_open(&o->ip, err, sizeof err);
	if (err[0])
		snprintf(il->warn[1], sizeof il->warn[1], "%s", err);
	if (il->ip && ipdb_missing(il->ip)[0])
		snprintf(il->warn[4], sizeof il->warn[4], "%s; countries and networks will not be shown",
			 ipdb_missing(il->ip));
	il->clouds = clouds_load(o->clouds, err, sizeof err);
	if (!il->clouds)
		snprintf(il->warn[2], sizeof il->warn[2], "%s; cloud owners will not be shown", err);
	il->infra = infra_load(NULL, err, sizeof err);
	if (!il->infra)
		snprintf(il->warn[2] + strlen(il->warn[2]), sizeof il->warn[2] - strlen(il->warn[2]),
			 "%s%s; time servers and connectivity checks will not be folded",
			 il->warn[2][0] ? "\nalfoil: warning: " : "", err);
	il->cls = classifier_load(o->signatures, err, sizeof err);
	if (!il->cls)
		snprintf(il->warn[3], sizeof il->warn[3], "%s; device kinds will not be shown", err);
	return NULL;
}

static void intel_load_start(struct intel_load *il)
{
	il->threaded = pthread_create(&il->thread, NULL, intel_load_main, il) == 0;
	if (!il->threaded)
		intel_load_main(il);
}

/* Wait for the loader (once; later calls do nothing) and print its
 * warnings. */
static void intel_load_join(struct intel_load *il)
{
	if (il->joined)
		return;
	il->joined = 1;
	if (il->threaded)
		pthread_join(il->thread, NULL);
	il->n_ds = data_sets_describe(il->oui, il->ip, il->clouds, il->cls, il->infra, il->ds);
	static const int order[] = { 0, 1, 4, 2, 3 };
	for (int k = 0; k < 5; k++) {
		int i = order[k];
		if (il->warn[i][0] && !il->o->quiet)
			cli_warn("%s", il->warn[i]);
	}
}

static void intel_load_free(struct intel_load *il)
{
	oui_free(il->oui);
	ipdb_close(il->ip);
	clouds_free(il->clouds);
	classifier_free(il->cls);
	infra_free(il->infra);
}

/* Live: the interface is open and so is every file the report goes to;
 * from here on every byte is the attacker's, so root goes before the
 * first packet is read (lib/priv.h). Only this thread runs (the intel/
 * loader was joined). 0, or -1 after the message: nothing is read. */
static int drop_privileges(const struct inspect_opts *o)
{
	char err[512];
	struct priv_user none = { .uid = (uid_t)-1, .gid = (gid_t)-1 };
	int r = priv_drop(o->priv_ok ? &o->priv : &none, err, sizeof err);
	if (r < 0) {
		cli_error("%s: dropping privileges failed: %s; not reading packets as root", o->iface, err);
		return -1;
	}
	if (r == PRIV_KEPT) /* even with -q: it was asked for, but it is worth a line */
		cli_warn("--user %s: staying root, with every capability, while parsing packets from %s",
			 o->priv.name, o->iface);
	else if (r == PRIV_CAPS_ONLY && o->user && !o->quiet)
		cli_warn("--user %s: not running as root, so the user stays the same (capabilities dropped)",
			 o->user);
	return 0;
}

/* SIGINT, SIGTERM and SIGHUP (a closed terminal, a service manager's
 * reload): stop reading and write the report of what was read. */
static void catch_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

int cmd_inspect(int argc, char **argv)
{
	struct inspect_opts o = { .format = "text", .progress = -1, .out = { 0, 20 }, .fail_on = -1 };
	tracker_config_default(&o.cfg);
	reasm_config_default(&o.frag);
	int pa = inspect_parse_args(argc, argv, &o);
	if (pa != 0) {
		inspect_opts_free(&o);
		return pa > 0 ? EXIT_OK : EXIT_USAGE;
	}

	FILE *out = open_output(&o), *html = NULL;
	if (!out || open_html(&o, &html) < 0) {
		discard_outputs(&o, out, NULL);
		inspect_opts_free(&o);
		return EXIT_USAGE;
	}
	char err[2048];
	/* the IEEE registry, IP data, cloud rules and signatures are only
	 * needed for the report: they load on a thread of their own while
	 * the packets are read (live: joined before root is given up, so
	 * that they are read with the rights of the user who started alfoil;
	 * the kernel's capture buffer holds the packets meanwhile) */
	struct intel_load il = { .o = &o };
	intel_load_start(&il);
	/* findings: thresholds, blocklist and baseline are the user's files:
	 * a mistake in them is an error, before any packet is read */
	struct find_config fc;
	find_config_default(&fc);
	struct blocklist *block = NULL;
	struct baseline *base = NULL;
	struct mud_set profiles = { 0 };
	if ((o.find_config && find_config_load(o.find_config, &fc, err, sizeof err) < 0) ||
	    (o.blocklist && !(block = blocklist_load(o.blocklist, err, sizeof err))) ||
	    (o.baseline && !(base = baseline_load(o.baseline, err, sizeof err))) ||
	    (o.profiles && mud_load_dir(o.profiles, &profiles, err, sizeof err) < 0)) {
		cli_error("%s", err);
		blocklist_free(block);
		baseline_free(base);
		discard_outputs(&o, out, html);
		intel_load_join(&il);
		intel_load_free(&il);
		inspect_opts_free(&o);
		return EXIT_USAGE;
	}
	if (o.profiles && !profiles.n && !o.quiet)
		cli_warn("%s holds no profiles (aa-bb-cc-dd-ee-ff.json): every device is reported as without one",
			o.profiles);
	struct run r = { .o = &o };
	r.t = tracker_new(&o.cfg);
	r.ra = r.t ? reasm_new(&o.frag, &r.dec, track_view, r.t) : NULL;
	r.frag_due = UINT64_MAX;
	size_t n = o.iface ? 1 : o.n_inputs;
	r.inputs = calloc(n, sizeof *r.inputs);
	if (!r.t || !r.ra || !r.inputs) {
		cli_error("out of memory");
		discard_outputs(&o, out, html);
		inspect_opts_free(&o);
		return EXIT_USAGE;
	}
	catch_signals();
	r.started = now_us();

	size_t opened = 0;
	for (size_t i = 0; i < n && !stop_requested; i++) {
		struct rep_input *in = &r.inputs[r.n_inputs++];
		const char *name = o.iface ? o.iface : o.inputs[i];
		in->name = name;
		in->live = o.iface != NULL;
		struct cap_source *s = o.iface ? cap_open_live(name, o.filter, err, sizeof err)
					       : cap_open_file(name, o.filter, err, sizeof err);
		if (!s) {
			in->error = 1;
			snprintf(in->message, sizeof in->message, "%.500s", err);
			cli_error("%s", err);
			r.bad_input = 1;
			continue;
		}
		if (o.iface) {
			intel_load_join(&il); /* one thread left for the drop */
			if (drop_privileges(&o) < 0) {
				cap_close(s);
				r.bad_input = 1;
				continue;
			}
		}
		opened++;
		live_source = o.iface ? s : NULL;
		int pr = o.iface ? 1 : pump_file(&r, s, in, i, n);
		if (pr > 0)
			pr = pump(&r, s, in, i, n);
		if (pr < 0) {
			r.bad_input = 1;
			if (r.progress_shown)
				fputs("\r\033[K", stderr);
			cli_error("%s (reporting what was read before it)", in->message);
		}
		struct cap_stats cs;
		if (cap_get_stats(s, &cs) == 0) {
			in->received = cs.received;
			in->dropped = cs.dropped;
			in->if_dropped = cs.if_dropped;
			if (!o.quiet)
				fprintf(stderr, "%s: capture: %llu packets received, %llu dropped by kernel, "
						"%llu dropped by interface\n", cli_prog(),
					(unsigned long long)cs.received, (unsigned long long)cs.dropped,
					(unsigned long long)cs.if_dropped);
		}
		live_source = NULL;
		cap_close(s);
	}
	if (r.progress_shown)
		fputs("\r\033[K", stderr);
	reasm_finish(r.ra); /* datagrams left incomplete still count */
	/* ALFOIL_TIMES=1: where the time went, on stderr (docs/benchmark.md) */
	int times = getenv("ALFOIL_TIMES") && *getenv("ALFOIL_TIMES") == '1';
	uint64_t t_read = now_us();
	intel_load_join(&il);
	uint64_t t_intel = now_us();
	limits_warning(&o, tracker_stats(r.t));
	struct oui_db *oui = il.oui;
	struct ipdb *ip = il.ip;

	int status = r.bad_input ? EXIT_INPUT : EXIT_OK;
	if (!opened) {
		status = EXIT_USAGE;
		discard_outputs(&o, out, html);
	} else {
		struct intel_db in = { oui, ip, il.clouds, o.home, il.cls, il.infra, fc.infra_bytes };
		struct report *rep = report_build(r.t, &in, &r.dec.stats, r.inputs, r.n_inputs,
						  r.first_us, r.last_us, r.undecoded);
		if (!rep) {
			cli_error("out of memory building the report");
			status = EXIT_USAGE;
			discard_outputs(&o, out, html);
		} else {
			rep->version = ALFOIL_VERSION;
			rep->n_data_sets = il.n_ds;
			rep->data_sets = il.ds;
			if (!oui)
				rep->oui_status = "IEEE registry not loaded: makers unknown";
			if (!ip || ipdb_missing(ip)[0])
				rep->ip_status = ip ? ipdb_missing(ip) : "IP data not loaded";
			uint64_t t_report = now_us();
			struct find_inputs fin = { &fc, block, base, o.profiles ? &profiles : NULL };
			struct findings fs = { 0 };
			findings_run(rep, &fin, &fs);
			rep->findings = fs.v;
			rep->n_findings = fs.n;
			/* --fail-on wins over "some input was bad" (3): a bad
			 * file must not hide a finding from the script that
			 * asked; the bad input is still named on stderr and in
			 * the report (capture.inputs[].error) */
			if (o.fail_on >= 0 && (status == EXIT_OK || status == EXIT_INPUT))
				for (size_t i = 0; i < fs.n; i++)
					if ((int)fs.v[i].sev >= o.fail_on)
						status = EXIT_FINDINGS;
			uint64_t t_find = now_us();
			if (write_report(&o, out, rep) < 0)
				status = EXIT_USAGE;
			if (html && write_html(&o, html, rep) < 0)
				status = EXIT_USAGE;
			uint64_t t_write = now_us();
			if (times)
				fprintf(stderr, "%s: times (ms): read+track %.1f, wait for intel %.1f, "
						"report %.1f, findings %.1f, write %.1f\n", cli_prog(),
					(double)(t_read - r.started) / 1e3, (double)(t_intel - t_read) / 1e3,
					(double)(t_report - t_intel) / 1e3, (double)(t_find - t_report) / 1e3,
					(double)(t_write - t_find) / 1e3);
			report_free(rep);
			findings_free(&fs);
		}
	}
	reasm_free(r.ra);
	tracker_free(r.t);
	intel_load_free(&il);
	blocklist_free(block);
	baseline_free(base);
	mud_set_free(&profiles);
	free(r.inputs);
	inspect_opts_free(&o);
	return status;
}
