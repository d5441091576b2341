/* dnsmasq.c - the dnsmasq back end: a conf-file of address=/NAME/0.0.0.0
 * lines. dnsmasq answers every client alike, so the list blocks each name
 * for every client (the file and a warning say so). */
#include "enforce/dnslist.h"

static void line(FILE *f, const char *name, const char *mac, const char *policy)
{
	fprintf(f, "address=/%s/0.0.0.0  # %s (%s)\n", name, mac, policy);
}

int dnsmasq_write(FILE *f, const struct enforce_job *job, struct enforce_stats *st, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	fputs("# dnsmasq: conf-file=THIS (names answered 0.0.0.0)\n", f);
	st->names = dnslist_everyone(f, job, "dnsmasq", line);
	return 0;
}
