/* inspect.h - `alfoil inspect` as a library for the commands: its options
 * (cmd_inspect_args.c), and a run of the engine over captures to a report
 * and its findings (cmd_inspect.c), which `profile` and `enforce` use too.
 *
 *   struct inspect_opts o;
 *   inspect_opts_init(&o);
 *   o.inputs = files; o.n_inputs = n; o.quiet = 1;   (or inspect_parse_args)
 *   struct inspect_result res;
 *   if (inspect_collect(&o, &res) == 0) { ... res.rep, res.findings ...;
 *           inspect_result_free(&res); }
 */
#ifndef ALFOIL_INSPECT_H
#define ALFOIL_INSPECT_H

#include <stdint.h>
#include <stdio.h>

#include "analyze/findings.h"
#include "analyze/report.h"
#include "intel/datasets.h"
#include "intel/ipdb.h"
#include "lib/priv.h"
#include "output/output.h"
#include "reasm/reasm.h"
#include "track/tracker.h"

struct intel_load;
struct snapshot;

struct inspect_opts {
	const char *iface;
	const char *filter;
	const char *format;
	const char *out_path;
	const char *ieee_dir;
	struct ipdb_paths ip;  /* --data-dir, --country-db, --asn-db */
	const char *clouds;    /* --clouds FILE */
	const char *signatures; /* --signatures FILE */
	const char *html_path;  /* --html FILE: the HTML page too */
	const char *find_config; /* --config FILE: detector thresholds */
	const char *blocklist;   /* --blocklist FILE */
	const char *baseline;    /* --baseline FILE: an earlier JSON report */
	const char *profiles;    /* --profiles DIR: MUD files by MAC */
	int fail_on;             /* --fail-on SEVERITY: exit 4 at or above; -1 never */
	const char *home;      /* --home-country CC */
	const char *user;      /* --user NAME: live, the user after the drop */
	struct priv_user priv; /* live: that user (or nobody), looked up */
	int priv_ok;           /* priv holds a user */
	double duration;      /* live: seconds, 0 = until interrupted */
	uint32_t buffer_mib;  /* live: --buffer-size, the capture buffer in MiB (0: 32) */
	uint64_t count;       /* stop after this many packets, 0 = all */
	int progress;         /* -1 auto, 0 off, 1 on */
	int quiet;
	struct out_opts out;
	struct tracker_config cfg;
	struct reasm_config frag; /* --max-frag-memory */
	/* the inputs: files as given, directories replaced by their captures;
	 * a caller may set them itself (they are not freed then) */
	char **inputs;
	size_t n_inputs;
	char **own_inputs;    /* inspect_parse_args()'s array of them */
	char **dir_files;     /* what the directories held (freed by inspect_opts_free) */
	size_t n_dir_files;
	/* the intel/ data loaded already (intel_load_open()): used as it is,
	 * neither loaded again nor freed; NULL: loaded on a thread of its own
	 * while the packets are read */
	const struct intel_load *intel;
};

/* The defaults of every option, no input. */
void inspect_opts_init(struct inspect_opts *o);
/* 0 ready; 1 the help was printed (exit 0); -1 an error was printed. */
int inspect_parse_args(int argc, char **argv, struct inspect_opts *o);
void inspect_opts_free(struct inspect_opts *o);
/* The inputs from operands as inspect takes them (a directory becomes its
 * captures, "-" standard input): o->inputs, freed by inspect_opts_free.
 * 0, or -1 after a message. */
int inspect_gather_inputs(struct inspect_opts *o, char **ops, int n_ops);
void inspect_help(FILE *f);
/* s is a two-letter country code (--home-country: inspect, watch, report) */
int inspect_country_ok(const char *s);

/* What the report needs from files (IEEE registry, IP data, cloud rules,
 * infrastructure, signatures) and what they are. */
struct intel_load {
	const struct inspect_opts *o;
	struct engine_thread *thread;
	struct oui_db *oui;
	struct ipdb *ip;
	struct clouds *clouds;
	struct classifier *cls;
	struct infra *infra;
	char warn[5][2200];
	int joined;
	struct data_set ds[DATA_SETS];
	size_t n_ds;
};

/* Load it all now, on this thread (the paths are o's; the warnings are
 * printed unless o->quiet). 0 (what is missing is warned about, not an
 * error). */
int intel_load_open(struct intel_load *il, const struct inspect_opts *o);
void intel_load_free(struct intel_load *il);

/* Where the time went (ALFOIL_TIMES=1), monotonic microseconds. */
struct inspect_times {
	uint64_t start, read, intel, report, find;
};

/* What the report says of where its packets came from (the engine's
 * result; zeros and NULLs when not known, e.g. on a snapshot worker). */
struct inspect_source {
	const struct dec_stats *dec;
	const struct rep_input *inputs;
	size_t n_inputs;
	uint64_t first_us, last_us, undecoded;
};

struct engine_result;
/* The engine's inputs as the report's (calloc'd, free() it; the names
 * point into er); NULL when out of memory. */
struct rep_input *inspect_inputs(const struct engine_result *er);

/* The report of a snapshot as inspect makes it: report_build() with il's
 * data (home: --home-country or NULL), the data sets and what is missing
 * named, then the detectors (fin), their findings sorted into f and
 * rep->findings. The report points into snap, il and f: free it first.
 * times: its report and find stamps, or NULL. NULL when out of memory. */
struct report *inspect_report(const struct snapshot *snap, const struct intel_load *il, const char *home,
			      const struct inspect_source *src, const struct find_inputs *fin, struct findings *f,
			      struct inspect_times *times);

struct inspect_run; /* what the report points into */

struct inspect_result {
	struct report *rep;         /* findings in rep->findings too */
	struct findings findings;
	int bad_input;              /* an input ended early or was not read (exit 3) */
	struct inspect_times times;
	struct inspect_run *run;
};

/* Run the engine over o's inputs (or its interface: live, root is given
 * up once it is open), load the intel data, build the report and run the
 * detectors. 0 ok; -1 nothing to report: an error was printed (a rule
 * file, memory), or no input could be opened (each named). res is to be
 * freed only after 0. */
int inspect_collect(struct inspect_opts *o, struct inspect_result *res);
void inspect_result_free(struct inspect_result *res);

/* Render res in o->format (as `alfoil inspect` does) to f, and flush it;
 * -1 after an error naming o->out_path (or standard output). f stays
 * open. */
int inspect_write(const struct inspect_opts *o, FILE *f, const struct inspect_result *res);

#endif
