/* when.h - a time as a person writes it on a command line, for a window
 * of time (alfoil report --since, --until). Knows nothing of alfoil.
 */
#ifndef ALFOIL_LIB_WHEN_H
#define ALFOIL_LIB_WHEN_H

#include <stdint.h>

/* "24h", "7d", "90m", "30s", "2w" (that long before now_us), "2026-11-30"
 * (its start, UTC) or RFC 3339, "2026-11-30T08:00:00Z",
 * "2026-11-30T09:00:00.5+01:00" (a space for the T, and no seconds, are
 * taken too), as microseconds since the epoch. 0 and *us set, or -1 (not
 * one of those, a date that does not exist, before 1970). */
int when_parse(const char *s, uint64_t now_us, uint64_t *us);

#endif
