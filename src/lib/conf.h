/* conf.h - a command's options from a file: `key = value` lines.
 *
 * Every key is the long name of an option in the command's lib/cli.h
 * table, so the file, the flags and --help cannot disagree, and a
 * mistyped key gets the same "did you mean" as a mistyped flag. The
 * command applies the entries through the same function as its flags;
 * a flag given on the command line beats the file (the caller skips the
 * file's entries of an option the command line set, all of them for a
 * repeatable one such as `interface`).
 *
 *   # a comment (a '#' at the start of a line, or after a blank)
 *   interface = eth0
 *   interface = eth1          # repeatable keys: one line each
 *   filter = "not port 22"    # quotes keep blanks and '#'
 *   enforce = yes             # an option without a value: yes/no
 *
 * Errors name FILE:LINE and the key. Knows nothing of alfoil.
 */
#ifndef ALFOIL_LIB_CONF_H
#define ALFOIL_LIB_CONF_H

#include <stddef.h>

#include "lib/cli.h"

struct conf_entry {
	const struct cli_opt *opt; /* the option the key names */
	const char *value;         /* its value; for an option without one, "yes" or "no" */
	int on;                    /* an option without a value: 1 yes, 0 no */
	unsigned line;
};

struct conf {
	char path[512];
	struct conf_entry *v;
	size_t n;
	char *text; /* the file, cut into the values */
};

enum {
	CONF_ABSENT = 1, /* the file is not there and need not be */
};

/* Read path against cmd's options; keys in `refuse` (NULL-terminated
 * long names, e.g. "help", "config") are not allowed in a file. 0, or
 * CONF_ABSENT when the file does not exist and !must_exist (c is then
 * empty), or -1 with err ("FILE:LINE: ..." for what the file says).
 * The file is at most 1 MiB. */
int conf_load(const char *path, const struct cli_cmd *cmd, const char *const *refuse, int must_exist,
	      struct conf *c, char *err, size_t errlen);
void conf_free(struct conf *c);

/* "FILE:LINE: KEY" for a message about an entry, into buf. */
const char *conf_where(const struct conf *c, const struct conf_entry *e, char *buf, size_t len);

#endif
