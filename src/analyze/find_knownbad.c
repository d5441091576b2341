/* find_knownbad.c - known bad: names and addresses on the user's blocklist,
 * and Mirai-style behaviour (Telnet tried on many hosts within
 * scan_window, or many times on one host). */
#include "analyze/find_util.h"

/* A destination named name in the list already? */
static int has_label(const struct flist *l, const char *name)
{
	for (uint32_t i = 0; l && i < l->n; i++) {
		const char *dom = fs_s(&l->v[i], "domain");
		const struct ip_addr *a = fs_a(&l->v[i], "address");
		char t[ADDR_STRLEN];
		if (dom ? !strcmp(dom, name) : a && !strcmp(addr_fmt(a, t), name))
			return 1;
	}
	return 0;
}

static int is_telnet_try(const struct rep_dest *x)
{
	return !x->inbound && is_tcp(x) && (x->port == 23 || x->port == 2323);
}

static void blocklisted(const struct rep_device *d, const struct blocklist *b, struct findings *out)
{
	struct fset ev = { .n = 0 };
	for (size_t i = 0; i < d->n_dests; i++) {
		const struct rep_dest *x = &d->dests[i];
		char addr[ADDR_STRLEN];
		addr_fmt(&x->addr, addr);
		if (blocklist_match(b, addr) || blocklist_match(b, x->domain) || blocklist_match(b, x->sni) ||
		    blocklist_match(b, x->http_host))
			dest_item(fs_list(&ev, "destinations"), x);
	}
	/* names asked: once, when no destination listed has that name */
	for (size_t i = 0; i < d->n_queries; i++)
		if (blocklist_match(b, d->queries[i].name) && !has_label(fs_l(&ev, "destinations"), d->queries[i].name))
			fs_name(fl_item(fs_list(&ev, "destinations")), "domain", d->queries[i].name);
	if (ev.n)
		finding_take(out, SEV_HIGH, "blocklisted", d, "blocklist", &ev);
}

static void telnet(const struct rep_device *d, const struct find_config *c, struct findings *out)
{
	/* many connections to one host's Telnet: password guessing */
	for (size_t i = 0; i < d->n_dests; i++) {
		const struct rep_dest *x = &d->dests[i];
		char sub[ADDR_STRLEN + 8];
		struct finding *f;
		if (is_telnet_try(x) && x->flows >= c->telnet_tries &&
		    (f = finding_add(out, SEV_CRITICAL, "telnet-bruteforce", d, host_port(&x->addr, x->port, sub)))) {
			fs_count(&f->ev, "connections", x->flows);
			fs_addr(&f->ev, "address", &x->addr);
			fs_port(&f->ev, "port", x->port);
			fs_time(&f->ev, "first", x->first_us);
			fs_time(&f->ev, "last", x->last_us);
		}
	}
	/* Telnet tried on many hosts within the window: destinations are
	 * unique per address and port, so one per host (or two, with both 23
	 * and 2323) */
	size_t n = 0;
	for (size_t i = 0; i < d->n_dests; i++)
		n += (size_t)is_telnet_try(&d->dests[i]);
	if (n < c->telnet_hosts)
		return;
	uint64_t *t = malloc(n * sizeof *t), from;
	if (!t)
		return;
	n = 0;
	for (size_t i = 0; i < d->n_dests; i++)
		if (is_telnet_try(&d->dests[i]))
			t[n++] = d->dests[i].first_us;
	size_t hosts = find_densest(t, n, c->scan_window_us, &from);
	free(t);
	uint64_t to = c->scan_window_us ? from + c->scan_window_us : UINT64_MAX;
	struct finding *f;
	if (hosts < c->telnet_hosts || !(f = finding_add(out, SEV_CRITICAL, "mirai-telnet", d, "telnet")))
		return;
	fs_count(&f->ev, "hosts", hosts);
	fs_count(&f->ev, "window_s", c->scan_window_us / 1000000);
	struct flist *l = fs_list(&f->ev, "addresses");
	for (size_t i = 0; i < d->n_dests; i++) {
		const struct rep_dest *x = &d->dests[i];
		if (is_telnet_try(x) && x->first_us >= from && x->first_us <= to)
			fs_addr(fl_item(l), "address", &x->addr);
	}
}

static void run(const struct report *r, const struct find_inputs *in, struct findings *out)
{
	for (size_t k = 0; k < r->n_devices; k++) {
		const struct rep_device *d = &r->devices[k];
		if (d->gateway)
			continue;
		if (in->block)
			blocklisted(d, in->block, out);
		telnet(d, in->cfg, out);
	}
}

static const char *const kinds[] = { "blocklisted", "telnet-bruteforce", "mirai-telnet", NULL };

const struct detector find_knownbad = {
	"known-bad", run, kinds, "blocklisted names and addresses, Mirai-style Telnet scanning",
};
