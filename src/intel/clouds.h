/* clouds.h - whose cloud a domain is: share/clouds.tsv, one rule a line
 * (domain suffix, company, service), the longest matching suffix wins. */
#ifndef ALFOIL_INTEL_CLOUDS_H
#define ALFOIL_INTEL_CLOUDS_H

#include <stddef.h>

struct clouds;

struct cloud {
	const char *suffix, *company, *service;
};

/* Load path (NULL: clouds.tsv from $ALFOIL_SHARE_DIR, share/ beside the
 * binary or the system directories). NULL with err set when unreadable; a
 * bad line is an error naming the file and line. */
struct clouds *clouds_load(const char *path, char *err, size_t errlen);
void clouds_free(struct clouds *c);
size_t clouds_count(const struct clouds *c);
/* The file the rules came from. */
const char *clouds_path(const struct clouds *c);

/* The rule for name (case-insensitive, trailing dot ignored), or NULL. */
const struct cloud *clouds_match(const struct clouds *c, const char *name);

#endif
