/* finding.h - the words of a finding.
 *
 * A finding (analyze/findings.h) is a kind, a device, a subject and typed
 * evidence values. This is the one place that turns them into what people
 * read: a title, the evidence and one line of advice, from one table of
 * kinds (a function each). Text, JSON and HTML all call it, so the three
 * say the same.
 */
#ifndef ALFOIL_OUTPUT_FINDING_H
#define ALFOIL_OUTPUT_FINDING_H

#include <jansson.h>
#include <stddef.h>

#include "analyze/findings.h"

#define FINDING_TITLE_LEN 200
#define FINDING_EVIDENCE_LEN 600

struct finding_words {
	char title[FINDING_TITLE_LEN];       /* "contacted 18 hosts on the LAN (threshold 16)" */
	char evidence[FINDING_EVIDENCE_LEN]; /* "" when the kind has none */
	const char *advice;                  /* static; NULL when none */
};

/* The words of f. A kind the table does not know (a newer alfoil's) has
 * its name as the title and no evidence or advice. */
void finding_words(const struct finding *f, struct finding_words *w);
/* 1 when the table has words for kind. */
int finding_kind_known(const char *kind);

/* The order people read: worst first, then by device, then by title (the
 * key when titles are the same). findings_run() orders by key; the command
 * calls this before handing the findings to the outputs. 0, or -1 when
 * out of memory (the order is left as it was). */
int findings_sort_words(struct findings *f);

/* The evidence values as a JSON object: an address, a protocol, a name
 * and a time as strings (a time ISO 8601 UTC), a port, a count and bytes
 * as integers, a measure as a number, a flag as a boolean, a list as an
 * array of objects (with "NAME_total" when it kept fewer items than there
 * were). Strings made safe to show (lib/utf8.h). NULL when out of memory. */
json_t *finding_fields_json(const struct fset *s);

#endif
