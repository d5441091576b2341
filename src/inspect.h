/* inspect.h - the options of `alfoil inspect` (cmd_inspect_args.c), shared
 * with cmd_inspect.c. */
#ifndef ALFOIL_INSPECT_H
#define ALFOIL_INSPECT_H

#include <stdint.h>
#include <stdio.h>

#include "intel/ipdb.h"
#include "lib/priv.h"
#include "output/output.h"
#include "reasm/reasm.h"
#include "track/tracker.h"

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
	uint64_t count;       /* stop after this many packets, 0 = all */
	int progress;         /* -1 auto, 0 off, 1 on */
	int quiet;
	struct out_opts out;
	struct tracker_config cfg;
	struct reasm_config frag; /* --max-frag-memory */
	/* the inputs: files as given, directories replaced by their captures */
	char **inputs;
	size_t n_inputs;
	char **dir_files;     /* what the directories held (freed by inspect_opts_free) */
	size_t n_dir_files;
};

/* 0 ready; 1 the help was printed (exit 0); -1 an error was printed. */
int inspect_parse_args(int argc, char **argv, struct inspect_opts *o);
void inspect_opts_free(struct inspect_opts *o);
void inspect_help(FILE *f);

#endif
