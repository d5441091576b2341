/* history-record.c - the store's recorder driven over captures, for
 * tests/t-history.sh: what `alfoil watch -r FILE... --db DB` keeps, made
 * without watch's pipeline.
 *
 *   history-record [--keep-all] DB FILE...
 *
 * One run: the FILEs read as `alfoil inspect FILE...` reads them (one
 * report, inspect_collect()), then one commit of the recorder
 * (store/record.h) at the report's last packet time into DB (made when
 * missing). Two calls over one DB are two runs of watch: the second
 * recorder knows nothing of the first, as after a restart. --keep-all:
 * nothing rolled up or pruned (a capture of several years, such as the
 * bench's, would lose what is older than the retention of its last packet
 * time). Exit 0, or 1 after a message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "inspect.h"
#include "lib/cli.h"
#include "store/record.h"
#include "store/store.h"

int main(int argc, char **argv)
{
	cli_set_prog("history-record");
	struct store_config cfg;
	store_config_default(&cfg);
	if (argc > 1 && !strcmp(argv[1], "--keep-all")) {
		cfg.rollup_after_s = cfg.keep_days_s = cfg.keep_names_s = 100ull * 366 * 86400;
		argv++;
		argc--;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: history-record [--keep-all] DB FILE...\n");
		return 1;
	}
	struct inspect_opts o;
	inspect_opts_init(&o);
	o.quiet = 1;
	o.progress = 0;
	if (inspect_gather_inputs(&o, argv + 2, argc - 2) < 0)
		return 1;
	struct inspect_result res;
	if (inspect_collect(&o, &res) < 0) {
		inspect_opts_free(&o);
		return 1;
	}
	char err[1024];
	int rc = 1;
	struct store *s = store_open(argv[1], 0, &cfg, err, sizeof err);
	struct recorder *rec = s ? recorder_new(s) : NULL;
	if (!rec)
		cli_error("%s", s ? "out of memory" : err);
	else if (recorder_commit(rec, res.rep, &res.findings, res.rep->last_us, err, sizeof err) < 0)
		cli_error("%s", err);
	else
		rc = 0;
	recorder_free(rec);
	store_close(s);
	inspect_result_free(&res);
	inspect_opts_free(&o);
	return rc;
}
