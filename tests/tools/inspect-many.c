/* inspect-many.c - `alfoil inspect --json` over many captures in one
 * process, the intel data (IEEE registry, IP data, clouds, signatures,
 * infrastructure) loaded once (tests/t-captures.sh: loading it took ~119 ms
 * a file under ASan, reading the packets ~4 ms).
 *
 *   inspect-many OUTDIR FIRST [FILE...]     (no FILE: one a line on stdin)
 *
 * The Nth FILE (counted from FIRST) goes through the same path as
 * `alfoil inspect --json --no-progress -o OUTDIR/N.json FILE`:
 * inspect_parse_args(), inspect_collect() with the preloaded intel data
 * (struct inspect_opts.intel), inspect_write(). What it says on stderr
 * goes to OUTDIR/N.err; once it is done, standard output gets the line
 * "N<TAB>STATUS<TAB>FILE", STATUS being alfoil's exit status (0, 1 nothing
 * could be read, 3 a bad input). A file that takes more than 60 s ends the
 * run with "N<TAB>hang<TAB>FILE" and exit 124; a crash ends it with the
 * sanitizer's report in N.err and no line for N: the caller resumes after
 * it.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "inspect.h"
#include "lib/cli.h"

#define HANG_SECONDS 60

static char hang_line[4200];
static size_t hang_len;

static void on_alarm(int sig)
{
	(void)sig;
	if (write(STDOUT_FILENO, hang_line, hang_len) < 0)
		_exit(125);
	_exit(124);
}

/* One file: the report to OUTDIR/N.json; alfoil's exit status. */
static int one(const char *dir, unsigned long n, const char *file, const struct intel_load *il)
{
	char out[4096];
	snprintf(out, sizeof out, "%s/%lu.json", dir, n);
	char *argv[] = { "inspect", "--json", "--no-progress", "-o", out, (char *)file, NULL };
	struct inspect_opts o;
	inspect_opts_init(&o);
	if (inspect_parse_args(6, argv, &o) != 0) {
		inspect_opts_free(&o);
		return EXIT_USAGE;
	}
	o.intel = il;
	FILE *f = fopen(out, "w");
	if (!f) {
		cli_error("%s: cannot write it", out);
		inspect_opts_free(&o);
		return EXIT_USAGE;
	}
	struct inspect_result res;
	int status = EXIT_USAGE;
	if (inspect_collect(&o, &res) == 0) {
		status = res.bad_input ? EXIT_INPUT : EXIT_OK;
		if (inspect_write(&o, f, &res) < 0)
			status = EXIT_USAGE;
		inspect_result_free(&res);
	}
	if (fclose(f) != 0)
		status = EXIT_USAGE;
	if (status == EXIT_USAGE)
		unlink(out); /* as alfoil: no report, no file */
	inspect_opts_free(&o);
	return status;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: inspect-many OUTDIR FIRST [FILE...]  (no FILE: one a line on stdin)\n");
		return 2;
	}
	const char *dir = argv[1];
	unsigned long n = strtoul(argv[2], NULL, 10);
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGALRM, on_alarm);

	/* the data sets, once: found as `alfoil inspect` finds them (the
	 * defaults of a parse without options) */
	struct inspect_opts base;
	inspect_opts_init(&base);
	char *bargv[] = { "inspect", "--no-progress", "-q", "-", NULL };
	cli_set_prog("alfoil inspect");
	if (inspect_parse_args(4, bargv, &base) != 0)
		return 1;
	struct intel_load il;
	intel_load_open(&il, &base);

	int saved = dup(STDERR_FILENO);
	char *line = NULL;
	size_t cap = 0;
	for (int i = 3;; i++, n++) {
		const char *file;
		if (argc > 3) {
			if (i >= argc)
				break;
			file = argv[i];
		} else {
			ssize_t l = getline(&line, &cap, stdin);
			if (l <= 0)
				break;
			if (line[l - 1] == '\n')
				line[--l] = '\0';
			if (!l)
				continue;
			file = line;
		}
		char err[4096];
		snprintf(err, sizeof err, "%s/%lu.err", dir, n);
		int fd = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0) {
			perror(err);
			return 1;
		}
		fflush(stderr);
		dup2(fd, STDERR_FILENO);
		close(fd);
		int l = snprintf(hang_line, sizeof hang_line, "%lu\thang\t%s\n", n, file);
		hang_len = l > 0 && (size_t)l < sizeof hang_line ? (size_t)l : 0;
		alarm(HANG_SECONDS);
		cli_set_prog("alfoil inspect");
		int status = one(dir, n, file, &il);
		alarm(0);
		fflush(stderr);
		dup2(saved, STDERR_FILENO);
		printf("%lu\t%d\t%s\n", n, status, file);
	}
	free(line);
	close(saved);
	intel_load_free(&il);
	inspect_opts_free(&base);
	return 0;
}
