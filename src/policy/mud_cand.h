/* mud_cand.h - inside policy/: the candidate rules of a learn (mud.c from
 * a JSON report, mud_learn.c from records), before they are merged. */
#ifndef ALFOIL_POLICY_MUD_CAND_H
#define ALFOIL_POLICY_MUD_CAND_H

#include "policy/mud.h"

#define MUD_MAX_RULES 4096

struct cand {
	struct mud_rule r;
	int service; /* a protocol alfoil recognised, or a port below MUD_EPHEMERAL_MIN */
	size_t at;   /* place in the report (busiest first) */
};

/* Three or more unrecognised high ports towards one peer become one rule
 * for the range; the order of c is kept. */
void mud_fold_ephemeral(struct cand *c, size_t n);

#endif
