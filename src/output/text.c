/* text.c - the readable report: devices, and under each its internet
 * destinations by bytes, then its local peers. */
#include <string.h>

#include "analyze/findings.h"
#include "intel/classify.h"
#include "intel/datasets.h"
#include "lib/fmt.h"
#include "output/finding.h"
#include "output/output.h"

/* The line a person reads first: who sends data abroad, and where. */
static void print_headline(FILE *f, const struct report *r)
{
	char up[16];
	size_t shown = 0;
	if (!r->n_countries)
		return;
	if (r->home_country[0])
		fprintf(f, "%zu device%s send%s data abroad (home %s)", r->totals.devices_abroad,
			r->totals.devices_abroad == 1 ? "" : "s", r->totals.devices_abroad == 1 ? "s" : "", r->home_country);
	else
		fprintf(f, "destinations by country (home country unknown: --home-country sets it)");
	for (size_t i = 0; i < r->n_countries; i++) {
		const struct rep_country *c = &r->countries[i];
		if (c->home)
			continue;
		if (!shown)
			fprintf(f, ": %s (%zu device%s, %s up)", c->cc, c->n_devices, c->n_devices == 1 ? "" : "s",
				fmt_bytes(up, c->bytes_up));
		else
			fprintf(f, ", %s (%zu)", c->cc, c->n_devices);
		shown++;
	}
	fputc('\n', f);
}

/* One line per device, before anything else: what it is, whose clouds and
 * which countries it talks to, how much it sends, its worst finding. */
static void print_inventory(FILE *f, const struct report *r)
{
	int w = 6;
	for (size_t k = 0; k < r->n_devices; k++) {
		int l = (int)strlen(r->devices[k].display);
		if (l > w)
			w = l < 48 ? l : 48;
	}
	fprintf(f, "\ninventory:\n  %-*s  %-10s %-18s %-28s %-12s %9s  %s\n", w, "DEVICE", "KIND", "BRAND", "CLOUDS",
		"COUNTRIES", "UP", "WORST FINDING");
	for (size_t k = 0; k < r->n_devices; k++) {
		const struct rep_device *d = &r->devices[k];
		char up[16];
		struct rep_summary sm;
		report_summary(r, d, &sm);
		const struct finding *worst = sm.worst;
		char wf[240] = "-";
		if (worst) {
			struct finding_words fw;
			finding_words(worst, &fw);
			snprintf(wf, sizeof wf, "%s: %.200s", severity_name(worst->sev), fw.title);
		}
		fprintf(f, "  %-*.*s  %-10s %-18.18s %-28.28s %-12.12s %9s  %s\n", w, w, d->display,
			d->gateway ? "router" : d->kind ? d->kind : "unknown", d->brand ? d->brand : "-",
			sm.clouds[0] ? sm.clouds : "-", sm.countries[0] ? sm.countries : "-", fmt_bytes(up, d->bytes_out), wf);
	}
}

/* Findings first, worst first. */
static void print_findings(FILE *f, const struct report *r)
{
	if (!r->findings)
		return;
	if (!r->n_findings) {
		fprintf(f, "\nno findings\n");
		return;
	}
	fprintf(f, "\nfindings (%zu), worst first:\n", r->n_findings);
	for (size_t i = 0; i < r->n_findings; i++) {
		const struct finding *x = &r->findings[i];
		struct finding_words fw;
		finding_words(x, &fw);
		fprintf(f, "  %-8s %s: %s  [%s]\n", severity_name(x->sev), report_display(r, x->device), fw.title,
			x->detector);
		if (fw.evidence[0])
			fprintf(f, "           why: %s\n", fw.evidence);
		if (fw.advice)
			fprintf(f, "           do:  %s\n", fw.advice);
	}
}

/* The jurisdiction view: per country, devices, bytes, organisations and
 * domains. */
static void print_countries(FILE *f, const struct report *r)
{
	char up[16], down[16];
	if (!r->n_countries) {
		fprintf(f, "\nno internet destination with a known country%s\n",
			r->ip_status ? " (no IP data)" : "");
		return;
	}
	fprintf(f, "\nby country%s%s%s:\n", r->home_country[0] ? " (home " : "", r->home_country,
		r->home_country[0] ? ")" : "");
	for (size_t i = 0; i < r->n_countries; i++) {
		const struct rep_country *c = &r->countries[i];
		fprintf(f, "  %s%s  %zu device%s, %zu destination%s, %s up / %s down\n", c->cc,
			c->home ? " (home)" : "", c->n_devices, c->n_devices == 1 ? "" : "s", c->n_dests,
			c->n_dests == 1 ? "" : "s", fmt_bytes(up, c->bytes_up), fmt_bytes(down, c->bytes_down));
		fprintf(f, "      devices:");
		for (size_t k = 0; k < c->n_device_list; k++)
			fprintf(f, "%s %s", k ? "," : "", report_display(r, c->devices[k]));
		if (c->n_devices > c->n_device_list)
			fprintf(f, " (+%zu)", c->n_devices - c->n_device_list);
		fputc('\n', f);
		if (c->n_orgs) {
			fprintf(f, "      who:");
			for (size_t k = 0; k < c->n_orgs; k++)
				fprintf(f, "%s %s", k ? "," : "", c->orgs[k]);
			fputc('\n', f);
		}
		if (c->n_domains) {
			fprintf(f, "      domains:");
			for (size_t k = 0; k < c->n_domains; k++)
				fprintf(f, "%s %s", k ? "," : "", c->domains[k]);
			fputc('\n', f);
		}
	}
}

/* How much of "YYYY-MM-DD HH:MM:SS" to leave off the end of a range: the
 * date when both ends are on the same day (UTC), nothing otherwise. */
static size_t range_skip(uint64_t first_us, uint64_t last_us)
{
	return first_us / 86400000000ull == last_us / 86400000000ull ? 11 : 0;
}

static void print_header(FILE *f, const struct report *r)
{
	char a[32], b[32], c[32], d[16];
	if (r->history)
		fprintf(f, "alfoil report: from the history");
	else
		fprintf(f, "alfoil inspect: %s packets, %s", fmt_count(a, r->packets), fmt_bytes(d, r->bytes));
	if (r->first_us && r->last_us >= r->first_us)
		/* the date on both ends when they are different days */
		fprintf(f, ", %s to %s UTC (%s)", fmt_time(b, r->first_us, 0),
			fmt_time(c, r->last_us, 0) + range_skip(r->first_us, r->last_us),
			fmt_duration(a, r->last_us - r->first_us));
	fputc('\n', f);
	for (size_t i = 0; i < r->n_inputs; i++) {
		const struct rep_input *in = &r->inputs[i];
		fprintf(f, "  %s %s (%s, %s packets)", in->live ? "interface" : "file", in->name,
			in->linktype ? in->linktype : "?", fmt_count(a, in->packets));
		if (in->live)
			fprintf(f, ", %llu dropped", (unsigned long long)(in->dropped + in->if_dropped));
		fputc('\n', f);
		if (in->error)
			fprintf(f, "  ! %s\n", in->message);
	}
	/* the data the facts come from, and of when */
	for (size_t i = 0; i < r->n_data_sets; i++) {
		const struct data_set *s = &r->data_sets[i];
		fprintf(f, "%s%s %s", i ? ", " : "  data: ", s->name,
			!s->loaded ? "missing" : s->date[0] ? s->date : "undated");
		/* the registry's own version ("oui-data 2.1.9"), its date cut */
		size_t vl = strlen(s->version), dl = strlen(s->date);
		if (!strcmp(s->name, "oui") && s->loaded && vl > dl + 1 && dl &&
		    !strcmp(s->version + vl - dl, s->date))
			fprintf(f, " (%.*s)", (int)(vl - dl - 1), s->version);
	}
	if (r->n_data_sets)
		fputc('\n', f);
	if (r->oui_status)
		fprintf(f, "  ! %s\n", r->oui_status);
	if (r->ip_status)
		fprintf(f, "  ! %s\n", r->ip_status);
	const struct rep_totals *t = &r->totals;
	fprintf(f, "\n%zu device%s; %zu talk%s to the internet (%zu destination%s)\n", r->n_devices,
		r->n_devices == 1 ? "" : "s", t->devices_internet, t->devices_internet == 1 ? "s" : "",
		t->internet_dests, t->internet_dests == 1 ? "" : "s");
	char dropped[400];
	if (report_dropped(r, dropped, sizeof dropped))
		fprintf(f, "  ! %s\n", dropped);
	print_headline(f, r);
}

static void print_dest(FILE *f, const struct rep_dest *x)
{
	char up[16], down[16], svc[40], addr[ADDR_STRLEN];
	const char *app = app_proto_name(x->app);
	snprintf(svc, sizeof svc, "%s/%u%s%s", rep_proto_name(x->proto), x->port, *app ? " " : "", app);
	char more[24] = "";
	if (x->n_other)
		snprintf(more, sizeof more, " (+%d name%s)", x->n_other, x->n_other == 1 ? "" : "s");
	char owner[160] = "";
	if (x->company || x->org)
		snprintf(owner, sizeof owner, "  [%s%s%s]", x->company ? x->company : x->org,
			 x->company && x->service ? ": " : "", x->company && x->service ? x->service : "");
	fprintf(f, "    %9s %9s  %-18s %-39s %-2s  %s%s%s%s%s\n", fmt_bytes(up, x->bytes_up),
		fmt_bytes(down, x->bytes_down), svc, addr_fmt(&x->addr, addr), x->internet && x->country[0] ? x->country : "",
		x->domain ? x->domain : "-", more, owner, x->inbound ? "  (inbound)" : "",
		x->enc == ENC_NO && x->internet ? "  [cleartext]" : "");
}

static void print_device(FILE *f, const struct report *r, const struct rep_device *d,
			 const struct out_opts *o)
{
	char a[32], b[32], u[16], v[16];
	(void)r;
	fprintf(f, "\n%s", d->display);
	if (strstr(d->display, d->id) == NULL)
		fprintf(f, "  %s", d->id);
	if (d->maker)
		fprintf(f, "  %s%s%s%s", d->maker, *d->maker_country ? " (" : "", d->maker_country,
			*d->maker_country ? ")" : "");
	else if (d->randomized_mac)
		fprintf(f, "  randomised MAC (maker hidden)");
	else if (d->has_mac)
		fprintf(f, "  maker unknown");
	if (d->gateway)
		fprintf(f, "  [router]");
	fputc('\n', f);
	if (d->kind) {
		fprintf(f, "  is: %s", d->kind);
		if (d->what)
			fprintf(f, " (%s)", d->what);
		if (d->brand)
			fprintf(f, ", brand %s", d->brand);
		if (d->chip)
			fprintf(f, ", inside: %s", d->chip);
		fprintf(f, ", confidence %.2f", d->confidence);
		for (size_t i = 0; i < d->n_hits && i < 4; i++)
			fprintf(f, "%s%s=%s", i ? "; " : "  because ", d->hits[i].source, d->hits[i].value);
		if (d->n_hits > 4)
			fprintf(f, "; +%zu", d->n_hits - 4);
		fputc('\n', f);
	}
	if (d->n_names) {
		fprintf(f, "  names:");
		for (size_t i = 0; i < d->n_names; i++)
			fprintf(f, "%s %s (%s)", i ? "," : "", d->names[i].name, d->names[i].source);
		fputc('\n', f);
	}
	if (d->n_ipv4 > 1 || d->n_ipv6) {
		char addr[ADDR_STRLEN];
		fprintf(f, "  addresses:");
		for (size_t i = 0; i < d->n_ipv4; i++)
			fprintf(f, " %s", addr_fmt(&d->ipv4[i], addr));
		for (size_t i = 0; i < d->n_ipv6; i++)
			fprintf(f, " %s", addr_fmt(&d->ipv6[i], addr));
		fputc('\n', f);
	}
	fprintf(f, "  seen %s to %s, %s pkts out / %s in, %s up / %s down\n",
		fmt_time(a, d->first_us, 0), fmt_time(b, d->last_us, 0) + range_skip(d->first_us, d->last_us),
		fmt_count((char[32]){ 0 }, d->pkts_out), fmt_count((char[32]){ 0 }, d->pkts_in),
		fmt_bytes(u, d->bytes_out), fmt_bytes(v, d->bytes_in));
	size_t shown = 0;
	for (size_t i = 0; i < d->n_attrs; i++) {
		if (!strcmp(d->attrs[i].kind, "dhcp-vendor-class") ||
		    !strcmp(d->attrs[i].kind, "ssdp-server") ||
		    !strcmp(d->attrs[i].kind, "mdns-service") ||
		    !strcmp(d->attrs[i].kind, "http-user-agent") ||
		    !strcmp(d->attrs[i].kind, "tuya-product-key")) {
			fprintf(f, "%s%s=%s", shown ? ", " : "  evidence: ", d->attrs[i].kind,
				d->attrs[i].value);
			shown++;
		}
	}
	if (shown)
		fputc('\n', f);
	for (size_t i = 0; i < d->n_attrs; i++)
		if (!strcmp(d->attrs[i].kind, "relays-for"))
			fprintf(f, "  relays traffic of %s (NAT, a bridge or a host in the middle)\n",
				d->attrs[i].value);
	if (d->gateway)
		return; /* the router's forwarded traffic belongs to the devices */
	for (size_t i = 0; i < d->n_infra; i++) {
		const struct rep_infra *x = &d->infra[i];
		fprintf(f, "  infrastructure: %s to %zu server%s in %zu countr%s, %s\n", x->label, x->n_dests,
			x->n_dests == 1 ? "" : "s", x->n_countries, x->n_countries == 1 ? "y" : "ies",
			fmt_bytes(u, x->bytes_up + x->bytes_down));
	}
	size_t n_shown = d->n_listed;
	if (n_shown) {
		fprintf(f, "  internet destinations (%zu):\n", n_shown);
		fprintf(f, "    %9s %9s  %-18s %-39s %-2s  %s\n", "UP", "DOWN", "SERVICE", "ADDRESS", "CC",
			"DOMAIN  [WHOSE]");
		size_t n = 0;
		for (size_t i = 0; i < d->n_dests; i++) {
			if (!d->dests[i].internet || d->dests[i].folded)
				continue;
			if (o->max_dests && n == (size_t)o->max_dests) {
				fprintf(f, "    ... %zu more (--all or --json shows them)\n", n_shown - n);
				break;
			}
			print_dest(f, &d->dests[i]);
			n++;
		}
	}
	size_t local = d->n_local_dests;
	if (!local)
		return;
	if (!o->show_local) {
		fprintf(f, "  local and multicast peers: %zu (--all lists them)\n", local);
		return;
	}
	fprintf(f, "  local and multicast peers (%zu):\n", local);
	for (size_t i = 0; i < d->n_dests; i++)
		if (!d->dests[i].internet)
			print_dest(f, &d->dests[i]);
}

static int text_render(FILE *f, const struct report *r, const struct out_opts *o)
{
	print_header(f, r);
	print_inventory(f, r);
	print_findings(f, r);
	print_countries(f, r);
	if (o->by_country)
		return ferror(f) ? -1 : 0;
	for (size_t i = 0; i < r->n_devices; i++)
		print_device(f, r, &r->devices[i], o);
	if (r->n_counters) {
		fprintf(f, "\ncounters:");
		for (size_t i = 0; i < r->n_counters; i++)
			fprintf(f, "%s %s=%llu", i ? "," : "", r->counters[i].name,
				(unsigned long long)r->counters[i].value);
		fputc('\n', f);
	}
	return ferror(f) ? -1 : 0;
}

/* Through output_safe_render(): nothing a packet or a file name holds can
 * move, hide or recolour what the terminal shows. */
int output_text(FILE *f, const struct report *r, const struct out_opts *o)
{
	return output_safe_render(f, text_render, r, o);
}
