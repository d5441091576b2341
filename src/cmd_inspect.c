/* cmd_inspect.c - `alfoil inspect`: run the engine (engine/engine.h) over
 * captures or an interface, then build the report from the tracker, run
 * the detectors and render (inspect.h: the same for the other commands). */
#include <errno.h>
#include <limits.h>
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
#include "engine/engine.h"
#include "engine/thread.h"
#include "analyze/findings.h"
#include "output/finding.h"
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
#include "reasm/reasm.h"
#include "track/snapshot.h"
#include "track/tracker.h"

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

int inspect_write(const struct inspect_opts *o, FILE *f, const struct inspect_result *res)
{
	int rc = output_find(o->format)->fn(f, res->rep, &o->out);
	if (fflush(f) != 0)
		rc = -1;
	if (rc < 0)
		cli_error("writing %s failed: %s",
			o->out_path ? o->out_path : "standard output", strerror(errno));
	return rc;
}

static int write_report(const struct inspect_opts *o, FILE *f, const struct inspect_result *res)
{
	int rc = inspect_write(o, f, res);
	if (f != stdout && fclose(f) != 0 && rc == 0) {
		cli_error("writing %s failed: %s", o->out_path, strerror(errno));
		rc = -1;
	}
	return rc;
}

static int write_html(const struct inspect_opts *o, FILE *f, const struct report *rep)
{
	int rc = output_find("html")->fn(f, rep, &o->out);
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
 * read (inspect.h). Warnings are kept and printed when the thread is
 * joined, so that they do not cut into the progress line. */
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

static void intel_load_start(struct intel_load *il, const struct inspect_opts *o)
{
	memset(il, 0, sizeof *il);
	il->o = o;
	if (!(il->thread = engine_thread_start("alfoil-intel", intel_load_main, il)))
		intel_load_main(il);
}

/* Wait for the loader (once; later calls do nothing) and print its
 * warnings. */
static void intel_load_join(struct intel_load *il)
{
	if (il->joined)
		return;
	il->joined = 1;
	if (il->thread)
		engine_thread_join(il->thread);
	il->thread = NULL;
	il->n_ds = data_sets_describe(il->oui, il->ip, il->clouds, il->cls, il->infra, il->ds);
	static const int order[] = { 0, 1, 4, 2, 3 };
	for (int k = 0; k < 5; k++) {
		int i = order[k];
		if (il->warn[i][0] && !il->o->quiet)
			cli_warn("%s", il->warn[i]);
	}
}

int intel_load_open(struct intel_load *il, const struct inspect_opts *o)
{
	memset(il, 0, sizeof *il);
	il->o = o;
	intel_load_main(il);
	intel_load_join(il);
	return 0;
}

void intel_load_free(struct intel_load *il)
{
	oui_free(il->oui);
	ipdb_close(il->ip);
	clouds_free(il->clouds);
	classifier_free(il->cls);
	infra_free(il->infra);
	memset(il, 0, sizeof *il);
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

void inspect_opts_init(struct inspect_opts *o)
{
	memset(o, 0, sizeof *o);
	o->format = "text";
	o->progress = -1;
	o->out.max_dests = 20;
	o->out.spawn = &engine_spawner;
	o->fail_on = -1;
	tracker_config_default(&o->cfg);
	reasm_config_default(&o->frag);
}

/* What a report points into, kept until inspect_result_free(). */
struct inspect_run {
	const struct inspect_opts *o;
	struct engine *e;
	struct snapshot *snap;        /* what the report was built from */
	struct intel_load own;        /* unless o->intel */
	const struct intel_load *il;  /* own, or o->intel */
	struct find_config fc;
	struct blocklist *block;
	struct baseline *base;
	struct mud_set profiles;
};

static void run_free(struct inspect_run *run)
{
	if (!run)
		return;
	snapshot_free(run->snap);
	engine_free(run->e);
	if (run->il == &run->own) {
		intel_load_join(&run->own);
		intel_load_free(&run->own);
	}
	blocklist_free(run->block);
	baseline_free(run->base);
	mud_set_free(&run->profiles);
	free(run);
}

/* Live, the interface open (engine.h): the intel/ data is read with the
 * rights of the user who started alfoil, then root goes. */
static int live_opened(void *ctx, const char *iface)
{
	(void)iface;
	struct inspect_run *run = ctx;
	if (run->il == &run->own)
		intel_load_join(&run->own); /* one thread left for the drop */
	return drop_privileges(run->o);
}

static int show_progress(const struct inspect_opts *o)
{
	return o->progress > 0 || (o->progress < 0 && isatty(2) && !o->quiet);
}

struct rep_input *inspect_inputs(const struct engine_result *er)
{
	struct rep_input *inputs = calloc(er->n_inputs ? er->n_inputs : 1, sizeof *inputs);
	for (size_t i = 0; inputs && i < er->n_inputs; i++) {
		const struct engine_input *ei = &er->inputs[i];
		struct rep_input *ri = &inputs[i];
		ri->name = ei->name;
		ri->linktype = ei->linktype;
		ri->packets = ei->packets;
		ri->error = ei->error;
		memcpy(ri->message, ei->message, sizeof ri->message);
		ri->live = ei->live;
		ri->received = ei->received;
		ri->dropped = ei->dropped;
		ri->if_dropped = ei->if_dropped;
	}
	return inputs;
}

struct report *inspect_report(const struct snapshot *snap, const struct intel_load *il, const char *home,
			      const struct inspect_source *src, const struct find_inputs *fin, struct findings *f,
			      struct inspect_times *times)
{
	struct intel_db in = { il->oui, il->ip, il->clouds, home, il->cls, il->infra, fin->cfg->infra_bytes };
	struct report *rep = report_build(snap, &in, src->dec, src->inputs, src->n_inputs, src->first_us,
					  src->last_us, src->undecoded);
	if (!rep)
		return NULL;
	rep->version = ALFOIL_VERSION;
	rep->n_data_sets = il->n_ds;
	rep->data_sets = il->ds;
	if (!il->oui)
		rep->oui_status = "IEEE registry not loaded: makers unknown";
	if (!il->ip || ipdb_missing(il->ip)[0])
		rep->ip_status = il->ip ? ipdb_missing(il->ip) : "IP data not loaded";
	if (times)
		times->report = engine_clock_us();
	findings_run(rep, fin, f);
	findings_sort_words(f);
	rep->findings = f->v;
	rep->n_findings = f->n;
	if (times)
		times->find = engine_clock_us();
	return rep;
}

int inspect_collect(struct inspect_opts *o, struct inspect_result *res)
{
	memset(res, 0, sizeof *res);
	char err[2048];
	struct inspect_run *run = calloc(1, sizeof *run);
	if (!run) {
		cli_error("out of memory");
		return -1;
	}
	run->o = o;
	/* the IEEE registry, IP data, cloud rules and signatures are only
	 * needed for the report: they load on a thread of their own while
	 * the packets are read (live: joined before root is given up, so
	 * that they are read with the rights of the user who started alfoil;
	 * the kernel's capture buffer holds the packets meanwhile) */
	if (o->intel) {
		run->il = o->intel;
	} else {
		intel_load_start(&run->own, o);
		run->il = &run->own;
	}
	/* findings: thresholds, blocklist and baseline are the user's files:
	 * a mistake in them is an error, before any packet is read */
	find_config_default(&run->fc);
	if ((o->find_config && find_config_load(o->find_config, &run->fc, err, sizeof err) < 0) ||
	    (o->blocklist && !(run->block = blocklist_load(o->blocklist, err, sizeof err))) ||
	    (o->baseline && !(run->base = baseline_load(o->baseline, err, sizeof err))) ||
	    (o->profiles && mud_load_dir(o->profiles, &run->profiles, err, sizeof err) < 0)) {
		cli_error("%s", err);
		run_free(run);
		return -1;
	}
	if (o->profiles && !run->profiles.n && !o->quiet)
		cli_warn("%s holds no profiles (aa-bb-cc-dd-ee-ff.json): every device is reported as without one",
			o->profiles);
	struct engine_config ec = {
		.files = (const char *const *)o->inputs, .n_files = o->n_inputs, .iface = o->iface,
		.buffer_mib = o->buffer_mib,
		.filter = o->filter, .count = o->count, .duration = o->duration, .quiet = o->quiet,
		.progress = show_progress(o), .track = o->cfg, .frag = o->frag,
		.live_opened = live_opened, .ctx = run,
	};
	if (!(run->e = engine_new(&ec))) {
		cli_error("out of memory");
		run_free(run);
		return -1;
	}
	int ran = engine_run(run->e);
	const struct engine_result *er = engine_result(run->e);
	res->times.start = er->started_us;
	res->times.read = engine_clock_us();
	if (run->il == &run->own)
		intel_load_join(&run->own);
	res->times.intel = engine_clock_us();
	const struct tracker *t = engine_tracker(run->e);
	limits_warning(o, tracker_stats(t));
	res->bad_input = er->bad_input;
	if (ran < 0) { /* no input could be opened: each was named */
		run_free(run);
		return -1;
	}
	struct rep_input *inputs = inspect_inputs(er);
	/* the last snapshot: the report's strings are its (freed after the
	 * report, in run_free()) */
	run->snap = inputs ? tracker_snapshot(t) : NULL;
	struct inspect_source src = { engine_dec_stats(run->e), inputs, er->n_inputs, er->first_us, er->last_us,
				      er->undecoded };
	struct find_inputs fin = { &run->fc, run->block, run->base, o->profiles ? &run->profiles : NULL };
	struct report *rep = run->snap ? inspect_report(run->snap, run->il, o->home, &src, &fin, &res->findings,
							&res->times)
				       : NULL;
	free(inputs);
	if (!rep) {
		cli_error("out of memory building the report");
		run_free(run);
		return -1;
	}
	res->rep = rep;
	res->run = run;
	return 0;
}

void inspect_result_free(struct inspect_result *res)
{
	report_free(res->rep);
	findings_free(&res->findings);
	run_free(res->run);
	memset(res, 0, sizeof *res);
}

int cmd_inspect(int argc, char **argv)
{
	struct inspect_opts o;
	inspect_opts_init(&o);
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
	struct inspect_result res;
	if (inspect_collect(&o, &res) < 0) {
		discard_outputs(&o, out, html);
		inspect_opts_free(&o);
		return EXIT_USAGE;
	}
	int status = res.bad_input ? EXIT_INPUT : EXIT_OK;
	/* --fail-on wins over "some input was bad" (3): a bad file must not
	 * hide a finding from the script that asked; the bad input is still
	 * named on stderr and in the report (capture.inputs[].error) */
	if (o.fail_on >= 0)
		for (size_t i = 0; i < res.findings.n; i++)
			if ((int)res.findings.v[i].sev >= o.fail_on)
				status = EXIT_FINDINGS;
	if (write_report(&o, out, &res) < 0)
		status = EXIT_USAGE;
	if (html && write_html(&o, html, res.rep) < 0)
		status = EXIT_USAGE;
	/* ALFOIL_TIMES=1: where the time went, on stderr (docs/benchmark.md) */
	if (getenv("ALFOIL_TIMES") && *getenv("ALFOIL_TIMES") == '1') {
		const struct inspect_times *t = &res.times;
		fprintf(stderr, "%s: times (ms): read+track %.1f, wait for intel %.1f, "
				"report %.1f, findings %.1f, write %.1f\n", cli_prog(),
			(double)(t->read - t->start) / 1e3, (double)(t->intel - t->read) / 1e3,
			(double)(t->report - t->intel) / 1e3, (double)(t->find - t->report) / 1e3,
			(double)(engine_clock_us() - t->find) / 1e3);
	}
	inspect_result_free(&res);
	inspect_opts_free(&o);
	return status;
}
