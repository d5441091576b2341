/* cli.h - command lines from one table per command.
 *
 * A command describes its options once (struct cli_opt); parsing, the
 * --help text and the "did you mean" suggestions for a mistyped option all
 * read that table, so they cannot disagree. Every message goes out with one
 * prefix, the program and command name ("alfoil inspect: "), set once with
 * cli_set_prog(). Knows nothing of alfoil beyond that.
 *
 * Parsing is GNU style: long options as --name VALUE or --name=VALUE (a
 * unique prefix of a name is taken for it), short ones bundled (-aq) or with
 * the value attached (-c10), operands anywhere, "--" ends the options and a
 * lone "-" is an operand (standard input).
 */
#ifndef ALFOIL_LIB_CLI_H
#define ALFOIL_LIB_CLI_H

#include <stddef.h>
#include <stdio.h>

struct cli_opt {
	const char *name; /* long name without "--"; NULL: a heading (help) */
	int letter;       /* short option letter, 0 when none */
	const char *arg;  /* what the value is (FILE, N); NULL: takes none */
	int id;           /* what cli_next() returns for it; > 0 */
	const char *help; /* one line or more ('\n'), with the default */
};

struct cli_cmd {
	const char *name;        /* "alfoil inspect" */
	const char *synopsis;    /* lines, each after "usage: " */
	const char *description; /* paragraphs */
	const struct cli_opt *opts;
	size_t n_opts;
	const char *more;        /* further sections, printed as they are */
	const char *exit_status; /* the "exit status:" section */
	const char *examples;    /* the "examples:" section */
};

enum { CLI_DONE = 0, CLI_BAD = -1 };

struct cli_parser {
	const struct cli_cmd *cmd;
	int argc;
	char **argv;
	int next;          /* argv index to look at */
	int first;         /* where operands are gathered */
	int n_operands;
	const char *bundle; /* the rest of a -abc bundle */
	int no_more;       /* after "--" */
	const char *arg;   /* the value of the option just returned */
	const char *opt;   /* how it was written: "--count" or "-c" */
};

/* Message prefix for cli_error() and cli_warn(), e.g. "alfoil inspect". */
void cli_set_prog(const char *prog);
const char *cli_prog(void);
/* "PROG: message" (cli_warn: "PROG: warning: message") and a newline on
 * stderr; the message is made safe to show first (lib/utf8.h: controls
 * other than newline and tab, bidi overrides, invalid UTF-8 become '?'). */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Parse argv[first..argc-1]. Operands are gathered, in order, into
 * argv[first..first+n_operands-1] (argv is permuted). */
void cli_init(struct cli_parser *p, const struct cli_cmd *cmd, int argc, char **argv, int first);
/* The next option's id (p->arg its value), CLI_DONE at the end, or CLI_BAD
 * after a message (with a suggestion when a name is close) on stderr. */
int cli_next(struct cli_parser *p);
char **cli_operands(const struct cli_parser *p, int *n);

/* The help text: usage, description, options, exit status, examples. */
void cli_help(FILE *f, const struct cli_cmd *cmd);
/* "Try 'alfoil inspect --help'." on stderr. */
void cli_try_help(const struct cli_cmd *cmd);

/* Optimal string alignment distance (Levenshtein with transpositions). */
size_t cli_distance(const char *a, const char *b);
/* The name of names[0..n-1] nearest to word when near enough to be a
 * typing slip, else NULL. */
const char *cli_suggest(const char *word, const char *const *names, size_t n);

#endif
