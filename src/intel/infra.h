/* infra.h - infrastructure traffic: share/infrastructure.tsv, rules that
 * name time servers and connectivity checks by domain suffix or by the
 * service alone (proto/port). Such traffic is folded in the reports. */
#ifndef ALFOIL_INTEL_INFRA_H
#define ALFOIL_INTEL_INFRA_H

#include <stddef.h>
#include <stdint.h>

struct infra;

/* Load path (NULL: infrastructure.tsv from $ALFOIL_SHARE_DIR, share/ beside
 * the binary or the system directories). NULL with err set when unreadable
 * or when a line is bad (naming file and line). */
struct infra *infra_load(const char *path, char *err, size_t errlen);
void infra_free(struct infra *in);
size_t infra_count(const struct infra *in);
const char *infra_path(const struct infra *in);

/* The label ("NTP", "connectivity check") when the destination is
 * infrastructure: a rule for proto/port, or the longest domain suffix
 * matching name (case-insensitive, trailing dot ignored; name may be
 * NULL). NULL otherwise. */
const char *infra_match(const struct infra *in, const char *proto, uint16_t port, const char *name);

#endif
