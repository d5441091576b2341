/* html.c - one self-contained HTML page: the headline, the per-country
 * chart (inline SVG), the inventory, and per device its destinations and
 * the evidence for what it is. No scripts, no fonts, no external files;
 * readable on a phone (one column, tables scroll sideways). */
#include <stdlib.h>
#include <string.h>

#include "analyze/findings.h"
#include "intel/classify.h"
#include "intel/datasets.h"
#include "intel/ipdb.h"
#include "lib/fmt.h"
#include "output/finding.h"
#include "output/output.h"

static void esc(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f);
		}
	}
}

static const char css[] =
	"body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;color:#1c2430;background:#f5f6f8}"
	"main{max-width:1100px;margin:0 auto;padding:12px}"
	"h1{font-size:1.4em;margin:.4em 0}h2{font-size:1.15em;margin:1.4em 0 .5em}h3{font-size:1.05em;margin:0}"
	".headline{font-size:1.15em;font-weight:600;background:#fff3cd;border-left:4px solid #e0a800;padding:10px 12px;border-radius:4px}"
	".card{background:#fff;border-radius:6px;box-shadow:0 1px 2px rgba(0,0,0,.08);padding:10px 12px;margin:10px 0}"
	".scroll{overflow-x:auto}table{border-collapse:collapse;width:100%;font-size:.92em}"
	"th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #e5e7eb;vertical-align:top;white-space:nowrap}"
	"td.wrap{white-space:normal}th{background:#f0f2f5}.num{text-align:right}"
	".kind{display:inline-block;padding:1px 7px;border-radius:10px;background:#e3ecff;color:#1f4aa8;font-size:.85em}"
	".abroad{color:#b02a37;font-weight:600}.clear{color:#b02a37}.muted{color:#6b7280;font-size:.88em}"
	"svg text{font:13px system-ui,sans-serif}footer{margin:2em 0 1em;color:#6b7280;font-size:.82em}"
	"details summary{cursor:pointer}.finding{margin:.5em 0}.sev-critical b,.sev-high b{color:#b02a37}"
	".sev-medium b{color:#b35c00}.sev-low b,.sev-info b{color:#4b5563}"
	"details.group{border:1px solid #e5e7eb;border-radius:4px;margin:6px 0;padding:4px 8px}"
	"details.group summary{padding:2px 0}.infra{margin:4px 0}#inventory td{white-space:normal}";

static void chart(FILE *f, const struct report *r)
{
	uint64_t max = 1;
	for (size_t i = 0; i < r->n_countries; i++)
		if (r->countries[i].bytes_up > max)
			max = r->countries[i].bytes_up;
	int rowh = 26, w = 470;
	fprintf(f, "<svg id=\"country-chart\" role=\"img\" aria-label=\"bytes sent per country\" viewBox=\"0 0 %d %zu\" "
		   "width=\"100%%\" style=\"max-width:%dpx\">\n",
		w, r->n_countries * (size_t)rowh + 4, w);
	for (size_t i = 0; i < r->n_countries; i++) {
		const struct rep_country *c = &r->countries[i];
		char up[16];
		int bw = (int)(190.0 * (double)c->bytes_up / (double)max);
		if (bw < 2)
			bw = 2;
		int y = (int)i * rowh + 2;
		fprintf(f, "<g class=\"bar\" data-country=\"%s\"><text x=\"0\" y=\"%d\">%s%s</text>"
			   "<rect x=\"70\" y=\"%d\" width=\"%d\" height=\"18\" rx=\"3\" fill=\"%s\"/>"
			   "<text x=\"%d\" y=\"%d\">%s up, %zu device%s</text></g>\n",
			c->cc, y + 14, c->cc, c->home ? " (home)" : "", y + 2, bw, c->home ? "#7a8aa6" : "#d9534f",
			76 + bw, y + 14, fmt_bytes(up, c->bytes_up), c->n_devices, c->n_devices == 1 ? "" : "s");
	}
	fputs("</svg>\n", f);
}

/* Whose a destination is, for grouping: the cloud's company, else the
 * network's organisation. */
static const char *owner_of(const struct rep_dest *x)
{
	return x->company ? x->company : x->org ? x->org : "unknown network";
}

struct group {
	const char *owner, *service; /* service NULL when the rows differ */
	size_t first, n;
	uint64_t up, down;
	char ccs[64];
};

static int cmp_group(const void *a, const void *b)
{
	const struct group *x = a, *y = b;
	if (x->up != y->up)
		return x->up > y->up ? -1 : 1;
	return x->first < y->first ? -1 : x->first > y->first;
}

static void dest_row(FILE *f, const struct rep_dest *x, int show_service)
{
	char a[16], b[16], addr[ADDR_STRLEN];
	fputs("<tr><td>", f);
	esc(f, x->domain ? x->domain : addr_fmt(&x->addr, addr));
	fprintf(f, "</td><td%s>%s</td>", x->abroad ? " class=\"abroad\"" : "", x->country[0] ? x->country : "?");
	if (show_service) {
		fputs("<td class=\"wrap\">", f);
		esc(f, x->service ? x->service : x->org ? x->org : "");
		fputs("</td>", f);
	}
	fprintf(f, "<td>%s/%u %s</td><td class=\"num\">%s</td><td class=\"num\">%s</td>", rep_proto_name(x->proto),
		x->port, app_proto_name(x->app), fmt_bytes(a, x->bytes_up), fmt_bytes(b, x->bytes_down));
	fprintf(f, "<td%s>%s</td></tr>\n", x->enc == ENC_NO ? " class=\"clear\"" : "", enc_state_name(x->enc));
}

/* A device's internet destinations, one fold per company or network: the
 * summary says who, how many, where and how much; the largest is open,
 * the rest folded (<details>, no script). Infrastructure is one line. */
static void dest_groups(FILE *f, const struct rep_device *d)
{
	char a[16], b[16];
	for (size_t i = 0; i < d->n_infra; i++) {
		const struct rep_infra *x = &d->infra[i];
		fprintf(f, "<p class=\"muted infra\">infrastructure: %s to %zu server%s in %zu countr%s, %s</p>\n",
			x->label, x->n_dests, x->n_dests == 1 ? "" : "s", x->n_countries,
			x->n_countries == 1 ? "y" : "ies", fmt_bytes(a, x->bytes_up + x->bytes_down));
	}
	if (!d->n_listed)
		return;
	struct group *g = calloc(d->n_dests, sizeof *g);
	if (!g)
		return;
	size_t ng = 0;
	for (size_t i = 0; i < d->n_dests; i++) {
		const struct rep_dest *x = &d->dests[i];
		if (!x->internet || x->folded)
			continue;
		const char *own = owner_of(x);
		size_t k;
		for (k = 0; k < ng; k++)
			if (!strcmp(g[k].owner, own))
				break;
		if (k == ng) {
			g[ng].owner = own;
			g[ng].service = x->service;
			g[ng].first = i;
			ng++;
		} else if (g[k].service && (!x->service || strcmp(g[k].service, x->service))) {
			g[k].service = NULL;
		}
		g[k].n++;
		g[k].up += x->bytes_up;
		g[k].down += x->bytes_down;
		if (x->country[0] && !strstr(g[k].ccs, x->country)) {
			size_t l = strlen(g[k].ccs);
			if (l + 4 < sizeof g[k].ccs)
				snprintf(g[k].ccs + l, sizeof g[k].ccs - l, "%s%s", l ? ", " : "", x->country);
		}
	}
	qsort(g, ng, sizeof *g, cmp_group);
	fputs("<div class=\"groups\">\n", f);
	for (size_t k = 0; k < ng; k++) {
		fprintf(f, "<details class=\"group\"%s><summary><b>", k == 0 ? " open" : "");
		esc(f, g[k].owner);
		fputs("</b>", f);
		if (g[k].service) {
			fputs(" · ", f);
			esc(f, g[k].service);
		}
		fprintf(f, " · %zu destination%s · %s · %s up / %s down</summary>\n", g[k].n, g[k].n == 1 ? "" : "s",
			g[k].ccs[0] ? g[k].ccs : "?", fmt_bytes(a, g[k].up), fmt_bytes(b, g[k].down));
		/* the service column only when the rows differ in it */
		fprintf(f, "<div class=\"scroll\"><table class=\"dests\"><tr><th>domain</th><th>country</th>%s"
			   "<th>protocol</th><th class=\"num\">up</th><th class=\"num\">down</th><th>encrypted</th></tr>\n",
			g[k].service ? "" : "<th>service</th>");
		for (size_t i = g[k].first; i < d->n_dests; i++) {
			const struct rep_dest *x = &d->dests[i];
			if (x->internet && !x->folded && !strcmp(owner_of(x), g[k].owner))
				dest_row(f, x, !g[k].service);
		}
		fputs("</table></div></details>\n", f);
	}
	fputs("</div>\n", f);
	free(g);
}

static void device_card(FILE *f, const struct rep_device *d)
{
	char a[16], b[16];
	fprintf(f, "<section class=\"card device\" id=\"dev-");
	esc(f, d->id);
	fputs("\"><h3>", f);
	esc(f, d->display[0] ? d->display : d->id);
	fputs(" <span class=\"kind\">", f);
	esc(f, d->kind ? d->kind : "unknown");
	fputs("</span></h3>\n<p>", f);
	if (d->what) {
		esc(f, d->what);
		fputs(" · ", f);
	}
	fputs("brand <b>", f);
	esc(f, d->brand ? d->brand : "unknown");
	fputs("</b>", f);
	if (d->chip) {
		fputs(" · inside: ", f);
		esc(f, d->chip);
	}
	fprintf(f, " · confidence %.2f<br><span class=\"muted\">", d->confidence);
	esc(f, d->id);
	fputs(" · maker ", f);
	esc(f, d->maker ? d->maker : d->randomized_mac ? "hidden (randomised MAC)" : "unknown");
	fprintf(f, " · %s up / %s down</span></p>\n", fmt_bytes(a, d->bytes_out), fmt_bytes(b, d->bytes_in));
	if (d->n_names) {
		fputs("<p class=\"muted\">names: ", f);
		for (size_t i = 0; i < d->n_names; i++) {
			if (i)
				fputs(", ", f);
			esc(f, d->names[i].name);
		}
		fputs("</p>\n", f);
	}
	if (!d->gateway)
		dest_groups(f, d);
	if (d->n_hits) {
		fputs("<details><summary>evidence</summary><ul>\n", f);
		for (size_t i = 0; i < d->n_hits; i++) {
			const struct class_hit *h = &d->hits[i];
			fputs("<li>", f);
			esc(f, h->source);
			fputs(" = <code>", f);
			esc(f, h->value);
			fputs("</code>", f);
			if (h->kind || h->brand) {
				fputs(" → ", f);
				esc(f, h->kind ? h->kind : "");
				if (h->kind && h->brand)
					fputs(", ", f);
				esc(f, h->brand ? h->brand : "");
			}
			fprintf(f, " <span class=\"muted\">(weight %d)</span></li>\n", h->weight);
		}
		fputs("</ul></details>\n", f);
	}
	fputs("</section>\n", f);
}

static int html_render(FILE *f, const struct report *r, const struct out_opts *o)
{
	char a[32], b[32], up[16];
	(void)o;
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
		   "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n"
		   "<title>alfoil: devices and where their data goes</title>\n<style>%s</style></head>\n<body><main>\n",
		css);
	fprintf(f, "<h1>Devices on this network and where their data goes</h1>\n<p class=\"muted\">");
	if (r->history)
		fputs("From the history, ", f);
	else
		fprintf(f, "%s packets, ", fmt_count(a, r->packets));
	fprintf(f, "%s to %s UTC</p>\n", fmt_time(b, r->first_us, 0), fmt_time((char[32]){ 0 }, r->last_us, 0));
	fprintf(f, "<p class=\"headline\" id=\"headline\">%zu device%s. ", r->n_devices, r->n_devices == 1 ? "" : "s");
	if (r->home_country[0]) {
		fprintf(f, "%zu send%s data abroad (home %s)", r->totals.devices_abroad,
			r->totals.devices_abroad == 1 ? "s" : "", r->home_country);
		size_t shown = 0;
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
		fputs(".", f);
	} else {
		fputs("Home country unknown.", f);
	}
	fputs("</p>\n", f);
	char dropped[400];
	if (report_dropped(r, dropped, sizeof dropped)) /* our own words: nothing to escape */
		fprintf(f, "<p id=\"devices-dropped\">%s.</p>\n", dropped);
	if (r->n_data_sets) {
		fputs("<p class=\"muted\" id=\"data-sets\">data: ", f);
		for (size_t i = 0; i < r->n_data_sets; i++) {
			const struct data_set *s = &r->data_sets[i];
			fprintf(f, "%s%s ", i ? ", " : "", s->name);
			esc(f, !s->loaded ? "missing" : s->date[0] ? s->date : "undated");
			/* the registry's own version ("oui-data 2.1.9"), its date cut */
			size_t vl = strlen(s->version), dl = strlen(s->date);
			if (!strcmp(s->name, "oui") && s->loaded && dl && vl > dl + 1 &&
			    !strcmp(s->version + vl - dl, s->date)) {
				char v[160];
				snprintf(v, sizeof v, "%.*s", (int)(vl - dl - 1), s->version);
				fputs(" (", f);
				esc(f, v);
				fputs(")", f);
			}
		}
		fputs("</p>\n", f);
	}
	if (r->oui_status || r->ip_status) {
		fputs("<p class=\"muted\">", f);
		esc(f, r->oui_status ? r->oui_status : r->ip_status);
		fputs("</p>\n", f);
	}
	if (r->n_findings) {
		fprintf(f, "<h2>Findings (%zu), worst first</h2>\n<div class=\"card\" id=\"findings\">\n", r->n_findings);
		for (size_t i = 0; i < r->n_findings; i++) {
			const struct finding *x = &r->findings[i];
			fprintf(f, "<p class=\"finding sev-%s\"><b>%s</b> ", severity_name(x->sev), severity_name(x->sev));
			esc(f, report_display(r, x->device));
			fputs(": ", f);
			struct finding_words fw;
			finding_words(x, &fw);
			esc(f, fw.title);
			fputs("<br><span class=\"muted\">", f);
			esc(f, fw.evidence);
			fputs("</span><br>", f);
			esc(f, fw.advice ? fw.advice : "");
			fputs("</p>\n", f);
		}
		fputs("</div>\n", f);
	}
	if (r->n_countries) {
		fputs("<h2>Data sent per country</h2>\n<div class=\"card\">\n", f);
		chart(f, r);
		fputs("<div class=\"scroll\"><table id=\"countries\"><tr><th>country</th><th class=\"num\">devices</th>"
		      "<th class=\"num\">up</th><th class=\"num\">down</th><th>who</th></tr>\n", f);
		for (size_t i = 0; i < r->n_countries; i++) {
			const struct rep_country *c = &r->countries[i];
			fprintf(f, "<tr><td>%s%s</td><td class=\"num\">%zu</td><td class=\"num\">%s</td><td class=\"num\">%s</td>"
				   "<td class=\"wrap\">",
				c->cc, c->home ? " (home)" : "", c->n_devices, fmt_bytes(up, c->bytes_up),
				fmt_bytes((char[16]){ 0 }, c->bytes_down));
			for (size_t k = 0; k < c->n_orgs; k++) {
				if (k)
					fputs(", ", f);
				esc(f, c->orgs[k]);
			}
			fputs("</td></tr>\n", f);
		}
		fputs("</table></div></div>\n", f);
	}
	fputs("<h2>Inventory</h2>\n<div class=\"card scroll\"><table id=\"inventory\"><tr><th>device</th><th>kind</th>"
	      "<th>brand</th><th>clouds</th><th>countries</th><th class=\"num\">up</th><th>worst finding</th>"
	      "</tr>\n", f);
	for (size_t i = 0; i < r->n_devices; i++) {
		const struct rep_device *d = &r->devices[i];
		fputs("<tr><td><a href=\"#dev-", f);
		esc(f, d->id);
		fputs("\">", f);
		esc(f, d->display[0] ? d->display : d->id);
		fputs("</a></td><td>", f);
		esc(f, d->kind ? d->kind : "unknown");
		if (d->what) {
			fputs(" <span class=\"muted\">(", f);
			esc(f, d->what);
			fputs(")</span>", f);
		}
		fputs("</td><td>", f);
		esc(f, d->brand ? d->brand : "");
		struct rep_summary sm;
		report_summary(r, d, &sm);
		fputs("</td><td class=\"wrap\">", f);
		esc(f, sm.clouds);
		fputs("</td><td>", f);
		esc(f, sm.countries);
		fprintf(f, "</td><td class=\"num\">%s</td><td class=\"wrap\">", fmt_bytes(up, d->bytes_out));
		if (sm.worst) {
			fprintf(f, "<span class=\"sev-%s\"><b>%s</b></span> ", severity_name(sm.worst->sev),
				severity_name(sm.worst->sev));
			struct finding_words fw;
			finding_words(sm.worst, &fw);
			esc(f, fw.title);
		}
		fputs("</td></tr>\n", f);
	}
	fputs("</table></div>\n<h2>Devices</h2>\n", f);
	for (size_t i = 0; i < r->n_devices; i++)
		device_card(f, &r->devices[i]);
	fputs("<footer>Made by alfoil ", f);
	esc(f, r->version ? r->version : "");
	fputs(" from local data only. ", f);
	esc(f, ipdb_attribution);
	fputs(" <a href=\"https://db-ip.com\">IP Geolocation by DB-IP</a>. Maker data: IEEE Registration Authority."
	      "</footer>\n</main></body></html>\n", f);
	return ferror(f) ? -1 : 0;
}

/* Through output_safe_render(): nothing a packet or a file name holds can
 * move, hide or recolour what the browser shows. */
int output_html(FILE *f, const struct report *r, const struct out_opts *o)
{
	return output_safe_render(f, html_render, r, o);
}
