/* cmd_history.c - the commands that read the history `alfoil watch`
 * keeps (store/history.h): `alfoil report` (the report of a window of
 * time, as inspect prints it), `alfoil devices` (the inventory) and
 * `alfoil device` (a label and notes a person gives a device; those two
 * are cmd_devices.c). */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "analyze/findings.h"
#include "analyze/report.h"
#include "analyze/report_load.h"
#include "cmd.h"
#include "cmd_history.h"
#include "engine/thread.h"
#include "lib/addr.h"
#include "lib/cli.h"
#include "lib/samefile.h"
#include "lib/when.h"
#include "output/finding.h"
#include "output/output.h"
#include "policy/mud.h"
#include "store/history.h"
#include "store/store.h"

/* A device id as the store keeps it (rep_device.id): a MAC in its one
 * form, or an address (a device of a capture without a link layer). */
int history_device_id(const char *opt, const char *s, char out[static ADDR_STRLEN])
{
	uint8_t mac[6];
	struct ip_addr a;
	if (strlen(s) < ADDR_STRLEN && mac_parse(mac, s) == 0) {
		mac_fmt(mac, out);
		return 0;
	}
	if (strlen(s) < ADDR_STRLEN && addr_parse(&a, s) == 0) {
		addr_fmt(&a, out);
		return 0;
	}
	cli_error("%s'%s' is not a MAC address (aa:bb:cc:dd:ee:ff) or an IP address", opt, s);
	return -1;
}

/* The database must be there: a typing slip must not pass as an empty
 * history, nor make a database of nothing to put a label in. */
struct store *history_open_db(const char *path, int flags)
{
	char err[1024];
	struct stat sb;
	if (stat(path, &sb) < 0) {
		cli_error("--db %s: %s (alfoil watch --db makes it)", path, strerror(errno));
		return NULL;
	}
	struct store *s = store_open(path, flags, NULL, err, sizeof err);
	if (!s)
		cli_error("%s", err);
	return s;
}

/* ---- alfoil report ------------------------------------------------------- */

enum { R_DB = 256, R_SINCE, R_UNTIL, R_DEVICE, R_JSON, R_FORMAT, R_HTML, R_TOP, R_BYCOUNTRY, R_HOME, R_CONFIG,
       R_BLOCKLIST, R_BASELINE, R_PROFILES, R_FAILON, R_NEW };

static const struct cli_opt report_opts[] = {
	{ NULL, 0, NULL, 0, "history" },
	{ "db", 0, "PATH", R_DB, "the database alfoil watch writes (default:\n" DEFAULT_DB ")" },
	{ "since", 0, "TIME", R_SINCE, "from TIME: 24h, 7d, 2w, 90m (that long ago),\n"
				       "2026-11-30 (its start, UTC) or RFC 3339\n"
				       "(2026-11-30T08:00:00Z; default: the beginning)" },
	{ "until", 0, "TIME", R_UNTIL, "up to TIME, not included, the same forms (default:\nnow: everything)" },
	{ "device", 0, "MAC", R_DEVICE, "that device only (its MAC, or its address for a\n"
					"device without one)" },
	{ NULL, 0, NULL, 0, "output" },
	{ "json", 0, NULL, R_JSON, "JSON instead of text (inspect's schema:\ndocs/json-schema.md)" },
	{ "format", 0, "FMT", R_FORMAT, "text, json or html (default: text)" },
	{ "html", 0, "FILE", R_HTML, "also write the report as one HTML page to FILE" },
	{ "output", 'o', "FILE", 'o', "write the report to FILE (default: standard output;\n"
					   "the database is never overwritten: refused)" },
	{ "all", 'a', NULL, 'a', "list local peers and every destination in text" },
	{ "top", 0, "N", R_TOP, "internet destinations shown per device in text\n(default: 20; 0: all)" },
	{ "by-country", 0, NULL, R_BYCOUNTRY, "text: only the per-country view (who talks where)" },
	{ "home-country", 0, "CC", R_HOME, "the household's country (default: the one watch\nfound)" },
	{ "quiet", 'q', NULL, 'q', "no warnings on stderr" },
	{ NULL, 0, NULL, 0, "findings" },
	{ "config", 0, "FILE", R_CONFIG, "detector thresholds (docs/findings.md; default:\nthose of share/findings.conf)" },
	{ "blocklist", 0, "FILE", R_BLOCKLIST, "names/addresses to flag (hosts file or one a line;\ndefault: none)" },
	{ "baseline", 0, "FILE", R_BASELINE, "an earlier --json report: flag destinations new\nsince (default: none)" },
	{ "new", 0, NULL, R_NEW, "with --since: the history before the window is the\n"
				 "baseline: flag what the devices did not do before\n"
				 "(new destinations, an upload far above their rate)" },
	{ "profiles", 0, "DIR", R_PROFILES, "MUD profiles (alfoil profile learn): flag what a\n"
					    "device does that its profile does not allow" },
	{ "fail-on", 0, "SEV", R_FAILON, "exit 4 when a finding is at least SEV (info, low,\n"
					  "medium, high, critical; default: never)" },
	{ NULL, 0, NULL, 0, "other" },
	{ "help", 'h', NULL, 'h', "this text" },
};

static const struct cli_cmd report_cmd = {
	"alfoil report",
	"alfoil report [--db PATH] [--since TIME] [--until TIME] [--device MAC] [options]",
	"The report of a window of time from the history alfoil watch keeps: the\n"
	"same report as alfoil inspect prints (the same text, the same JSON schema,\n"
	"the same findings, made by the same detectors from the records; beacon and\n"
	"the ARP findings, whose evidence no record holds, as the findings table\n"
	"kept them), for what the devices did in the window. Destinations are\n"
	"summed from the hours and days the store keeps, so a window is widened to\n"
	"the whole hours it touches (whole days, once rows are rolled up into days:\n"
	"docs/store.md). A device's label (alfoil device --label) names it\n"
	"everywhere.\n\n"
	"The database is opened read-only: a report can be made while watch runs.\n"
	"The capture's packet and byte counts, inputs and counters are not kept\n"
	"by the store: the header says \"from the history\" and the window's time.",
	report_opts, sizeof report_opts / sizeof report_opts[0],
	NULL,
	"  0  ok\n"
	"  1  usage error (a bad option or time, a missing rule file), or the\n"
	"     database could not be read\n"
	"  4  a finding at or above --fail-on",
	"  alfoil report --db /var/lib/alfoil/alfoil.db      everything watch saw\n"
	"  alfoil report --since 24h                         the last day\n"
	"  alfoil report --since 7d --device 78:11:dc:5b:a0:e4 --json\n"
	"  alfoil report --since 2026-11-01 --until 2026-12-01 --html november.html\n"
	"  alfoil report --since 7d --new                   last week: what is new in it",
};

struct report_opts {
	const char *db, *out_path, *html_path, *format, *home;
	const char *find_config, *blocklist, *baseline, *profiles;
	struct store_window w;
	char device[ADDR_STRLEN];
	int fail_on, quiet;
	int new_since;  /* --new: the history before --since as the baseline */
	struct out_opts out;
};

int history_parse_time(const char *opt, const char *s, uint64_t *us)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	uint64_t now = (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
	if (when_parse(s, now, us) == 0)
		return 0;
	cli_error("%s: '%s' is not a time (24h, 7d, 2026-11-30, 2026-11-30T08:00:00Z)", opt, s);
	return -1;
}

static int report_option(struct report_opts *o, int c, const char *arg)
{
	switch (c) {
	case R_DB: o->db = arg; break;
	case R_SINCE: return history_parse_time("--since", arg, &o->w.since_us);
	case R_UNTIL: return history_parse_time("--until", arg, &o->w.until_us);
	case R_DEVICE:
		if (history_device_id("--device: ", arg, o->device) < 0)
			return -1;
		o->w.device = o->device;
		break;
	case R_JSON: o->format = "json"; break;
	case R_FORMAT:
		if (!output_find(arg)) {
			cli_error("--format: unknown format '%s' (text, json, html)", arg);
			return -1;
		}
		o->format = arg;
		break;
	case R_HTML: o->html_path = arg; break;
	case 'o': o->out_path = arg; break;
	case 'a': o->out.show_local = 1; o->out.max_dests = 0; break;
	case R_TOP: {
		char *end;
		errno = 0;
		long v = strtol(arg, &end, 10);
		if (errno || *end || end == arg || v < 0 || v > INT_MAX) {
			cli_error("--top: '%s' is not a number of destinations", arg);
			return -1;
		}
		o->out.max_dests = (int)v;
		break;
	}
	case R_BYCOUNTRY: o->out.by_country = 1; break;
	case R_HOME:
		if (!inspect_country_ok(arg)) {
			cli_error("--home-country: '%s' is not a two-letter country code", arg);
			return -1;
		}
		o->home = arg;
		break;
	case 'q': o->quiet = 1; break;
	case R_CONFIG: o->find_config = arg; break;
	case R_BLOCKLIST: o->blocklist = arg; break;
	case R_BASELINE: o->baseline = arg; break;
	case R_PROFILES: o->profiles = arg; break;
	case R_NEW: o->new_since = 1; break;
	case R_FAILON: {
		enum severity s;
		if (severity_parse(arg, &s) < 0) {
			cli_error("--fail-on: '%s' is not info, low, medium, high or critical", arg);
			return -1;
		}
		o->fail_on = (int)s;
		break;
	}
	default: return -1;
	}
	return 0;
}

/* An output is never the database nor a file read: opening it truncates. */
static int check_output(const struct report_opts *o, const char *opt, const char *out)
{
	if (!out || !strcmp(out, "-"))
		return 0;
	const char *named[][2] = { { "--db", o->db }, { "--config", o->find_config }, { "--blocklist", o->blocklist },
				   { "--baseline", o->baseline } };
	for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
		if (named[i][1] && same_file(out, named[i][1])) {
			cli_error("%s %s: that is the %s file %s; refusing to write over it", opt, out, named[i][0],
				  named[i][1]);
			return -1;
		}
	return 0;
}

static int report_args(int argc, char **argv, struct report_opts *o)
{
	memset(o, 0, sizeof *o);
	o->db = DEFAULT_DB;
	o->format = "text";
	o->fail_on = -1;
	o->out.max_dests = 20;
	o->out.spawn = &engine_spawner;
	struct cli_parser p;
	cli_init(&p, &report_cmd, argc, argv, 1);
	int c, n_ops;
	while ((c = cli_next(&p)) != CLI_DONE) {
		if (c == CLI_BAD)
			return -1;
		if (c == 'h') {
			cli_help(stdout, &report_cmd);
			return 1;
		}
		if (report_option(o, c, p.arg) < 0)
			return -1;
	}
	char **ops = cli_operands(&p, &n_ops);
	if (n_ops) {
		cli_error("unexpected '%s' (the report is of --db; --since, --until and --device choose)", ops[0]);
		cli_try_help(&report_cmd);
		return -1;
	}
	if (o->new_since && (!o->w.since_us || o->baseline)) {
		cli_error("--new: %s", o->baseline ? "the baseline is --baseline FILE's or the history's, not both"
						    : "new since when? (--since TIME)");
		return -1;
	}
	if (o->w.since_us && o->w.until_us && o->w.until_us <= o->w.since_us) {
		cli_error("--until is not after --since: the window is empty");
		return -1;
	}
	if (check_output(o, "-o", o->out_path) < 0 || check_output(o, "--html", o->html_path) < 0)
		return -1;
	if (o->out_path && o->html_path && strcmp(o->out_path, "-") && same_file(o->out_path, o->html_path)) {
		cli_error("-o %s and --html %s: the same file; give two", o->out_path, o->html_path);
		return -1;
	}
	return 0;
}

/* The detectors' inputs, as inspect reads them: a mistake in the user's
 * files is an error. */
struct find_run {
	struct find_config fc;
	struct blocklist *block;
	struct baseline *base;
	struct mud_set profiles;
};

/* A rule file the user named must be there, named with its option when
 * it is not (as inspect says it): a typing slip is not "no rules". */
static int readable(const char *opt, const char *path)
{
	struct stat sb;
	if (!path)
		return 0;
	if (stat(path, &sb) < 0 || access(path, R_OK) < 0) {
		cli_error("%s %s: %s", opt, path, strerror(errno));
		return -1;
	}
	if (S_ISDIR(sb.st_mode) != !strcmp(opt, "--profiles")) {
		cli_error("%s %s: %s", opt, path, strerror(S_ISDIR(sb.st_mode) ? EISDIR : ENOTDIR));
		return -1;
	}
	return 0;
}

static int find_inputs(const struct report_opts *o, struct find_run *fr)
{
	char err[2048];
	memset(fr, 0, sizeof *fr);
	find_config_default(&fr->fc);
	if (readable("--config", o->find_config) < 0 || readable("--blocklist", o->blocklist) < 0 ||
	    readable("--baseline", o->baseline) < 0 || readable("--profiles", o->profiles) < 0)
		return -1;
	if ((o->find_config && find_config_load(o->find_config, &fr->fc, err, sizeof err) < 0) ||
	    (o->blocklist && !(fr->block = blocklist_load(o->blocklist, err, sizeof err))) ||
	    (o->baseline && !(fr->base = baseline_load(o->baseline, err, sizeof err))) ||
	    (o->profiles && mud_load_dir(o->profiles, &fr->profiles, err, sizeof err) < 0)) {
		cli_error("%s", err);
		return -1;
	}
	if (o->profiles && !fr->profiles.n && !o->quiet)
		cli_warn("%s holds no profiles (aa-bb-cc-dd-ee-ff.json): every device is reported as without one",
			 o->profiles);
	return 0;
}

static void find_run_free(struct find_run *fr)
{
	blocklist_free(fr->block);
	baseline_free(fr->base);
	mud_set_free(&fr->profiles);
}

static void quiet_warn(const char *fmt, ...)
{
	(void)fmt;
}

/* Write the report to path (NULL or "-": standard output) in fmt. */
static int write_to(const char *opt, const char *path, const char *fmt, const struct report *r,
		    const struct out_opts *oo)
{
	int std = !path || !strcmp(path, "-");
	FILE *f = std ? stdout : fopen(path, "w");
	if (!f) {
		cli_error("%s %s: %s", opt, path, strerror(errno));
		return -1;
	}
	int rc = output_find(fmt)->fn(f, r, oo);
	if (fflush(f) != 0)
		rc = -1;
	if (!std && fclose(f) != 0)
		rc = -1;
	if (rc < 0)
		cli_error("writing %s failed: %s", std ? "standard output" : path, strerror(errno));
	return rc;
}

int cmd_report(int argc, char **argv)
{
	cli_set_prog("alfoil report");
	struct report_opts o;
	int pa = report_args(argc, argv, &o);
	if (pa)
		return pa > 0 ? EXIT_OK : EXIT_USAGE;
	struct find_run fr;
	if (find_inputs(&o, &fr) < 0) {
		find_run_free(&fr);
		return EXIT_USAGE;
	}
	struct store *s = history_open_db(o.db, STORE_READONLY);
	if (!s) {
		find_run_free(&fr);
		return EXIT_USAGE;
	}
	char err[2048];
	struct report *r = store_report(s, &o.w, o.quiet ? quiet_warn : cli_warn, err, sizeof err);
	if (r && o.new_since) {
		/* everything before the window (the same device when one is
		 * asked for), as watch makes its baseline of the whole history */
		struct store_window before = { 0, o.w.since_us, o.w.device };
		struct report *b = store_report(s, &before, o.quiet ? quiet_warn : cli_warn, err, sizeof err);
		if (b && !(fr.base = baseline_from_report(b)))
			snprintf(err, sizeof err, "out of memory");
		report_free(b);
		if (!fr.base) {
			report_free(r);
			r = NULL;
		}
	}
	/* what the records cannot make again, the table kept (its
	 * findings are the detectors' of the live run) */
	static const char *const kept_kinds[] = { "beacon", "arp-sweep", "arp-storm", NULL };
	struct findings kept = { 0 };
	struct store_strs names = { 0 };
	char kerr[1024];
	if (r && store_findings(s, &o.w, kept_kinds, &kept, &names, kerr, sizeof kerr) < 0 && !o.quiet)
		cli_warn("%s: the beacon and ARP findings are left out", kerr);
	store_close(s);
	if (!r) {
		cli_error("%s", err);
		findings_free(&kept);
		store_strs_free(&names);
		find_run_free(&fr);
		return EXIT_USAGE;
	}
	if (o.device[0] && !r->n_devices && !o.quiet)
		cli_warn("--device %s: no such device in the window", o.device);
	/* what inspect's options would have made of the same records */
	if (o.home) {
		r->home_country[0] = (char)toupper((unsigned char)o.home[0]);
		r->home_country[1] = (char)toupper((unsigned char)o.home[1]);
		r->home_country[2] = '\0';
		r->home_source = "user";
	}
	report_resum(r, fr.fc.infra_bytes);
	r->version = ALFOIL_VERSION;
	struct findings f = { 0 };
	struct find_inputs fin = { &fr.fc, fr.block, fr.base, o.profiles ? &fr.profiles : NULL };
	findings_run(r, &fin, &f);
	for (size_t i = 0; i < kept.n; i++) {
		struct finding *k = &kept.v[i];
		int dup = (int)k->sev < (int)fr.fc.min_severity;
		for (size_t j = 0; j < f.n && !dup; j++)
			dup = !strcmp(f.v[j].key, k->key);
		struct finding *x = dup ? NULL : finding_add(&f, k->sev, k->detector, NULL, "");
		if (x) {
			*x = *k; /* the evidence moves */
			memset(&k->ev, 0, sizeof k->ev);
		}
	}
	findings_free(&kept);
	findings_sort_words(&f);
	r->findings = f.v;
	r->n_findings = f.n;
	int status = EXIT_OK;
	if (o.fail_on >= 0)
		for (size_t i = 0; i < f.n; i++)
			if ((int)f.v[i].sev >= o.fail_on)
				status = EXIT_FINDINGS;
	if (write_to("-o", o.out_path, o.format, r, &o.out) < 0 ||
	    (o.html_path && write_to("--html", o.html_path, "html", r, &o.out) < 0))
		status = EXIT_USAGE;
	report_free(r);
	findings_free(&f);
	store_strs_free(&names);
	find_run_free(&fr);
	return status;
}
