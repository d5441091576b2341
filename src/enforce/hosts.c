/* hosts.c - the hosts-file back end: 0.0.0.0 NAME lines, for any resolver
 * that reads a hosts file or an adlist; for every client alike. */
#include "enforce/dnslist.h"

static void line(FILE *f, const char *name, const char *mac, const char *policy)
{
	fprintf(f, "0.0.0.0 %s  # %s (%s)\n", name, mac, policy);
}

int hosts_write(FILE *f, const struct enforce_job *job, struct enforce_stats *st, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	fputs("# hosts-file blocklist (as a Pi-hole adlist it blocks for every client; --pihole does not)\n", f);
	st->names = dnslist_everyone(f, job, "a hosts file", line);
	return 0;
}
