/* unbound.c - the unbound back end: a view per held device, chosen by the
 * client's address (access-control-view), with its names always_nxdomain;
 * view-first lets every other name through to the server's own zones and
 * resolution. A device without a known address cannot be told apart: its
 * names are not blocked, which the file and a warning say. */
#include <string.h>

#include "enforce/dnslist.h"

int unbound_write(FILE *f, const struct enforce_job *job, struct enforce_stats *st, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	fputs("# unbound: include: THIS in unbound.conf (server: and view: clauses; the clients\n"
	      "# must also be allowed by access-control). One view per device, by its address.\n"
	      "# made by alfoil enforce from MUD profiles and policies\n",
	      f);
	for (size_t i = 0; i < job->n_blocks; i++) {
		const struct dns_block *b = &job->blocks[i];
		const struct nft_device *d = b->dev;
		if (!b->n_names)
			continue;
		char id[13];
		dnslist_mac_id(d->mac, id);
		if (!d->n_addrs) {
			if (job->warn)
				job->warn("%s: no address known (--report), so unbound cannot tell "
					  "it apart: its %zu name%s are NOT blocked",
					  d->mac, b->n_names, b->n_names == 1 ? "" : "s");
			fprintf(f, "# %s (%s): no address known, not blocked\n", d->mac, policy_name(d->policy));
			continue;
		}
		fprintf(f, "server:\n");
		for (size_t a = 0; a < d->n_addrs; a++)
			fprintf(f, "\taccess-control-view: %s/%d \"alfoil-%s\"\n", d->addrs[a],
				strchr(d->addrs[a], ':') ? 128 : 32, id);
		fprintf(f, "view:\n\tname: \"alfoil-%s\"  # %s (%s)\n\tview-first: yes\n", id, d->mac,
			policy_name(d->policy));
		for (size_t j = 0; j < b->n_names; j++) {
			fprintf(f, "\tlocal-zone: \"%s.\" always_nxdomain\n", b->names[j]);
			st->names++;
		}
	}
	return 0;
}
