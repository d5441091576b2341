/* history-record.c - the store's recorder driven over captures, for
 * tests/t-history.sh: what `alfoil watch -r FILE... --db DB` keeps, made
 * without watch's pipeline.
 *
 *   history-record DB FILE...
 *
 * One run: the FILEs read as `alfoil inspect FILE...` reads them (one
 * report, inspect_collect()), then one commit of the recorder
 * (store/record.h) at the report's last packet time into DB (made when
 * missing). Two calls over one DB are two runs of watch: the second
 * recorder knows nothing of the first, as after a restart. Exit 0, or 1
 * after a message.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "inspect.h"
#include "lib/cli.h"
#include "store/record.h"
#include "store/store.h"

int main(int argc, char **argv)
{
	cli_set_prog("history-record");
	if (argc < 3) {
		fprintf(stderr, "usage: history-record DB FILE...\n");
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
	struct store *s = store_open(argv[1], 0, NULL, err, sizeof err);
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
