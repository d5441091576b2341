/* fuzz_report.c - libFuzzer target for the --report loaders: an inspect
 * --json report as anyone could write it, read by alfoil enforce
 * (analyze/report_load.c, the one loader, then enforce/inreport.c) and by
 * profile learn (mud_learn, policy/mud_learn.c);
 * then what each makes of it: the DNS blocklists of every back end and the
 * MUD file. Whatever the report says, a name in a DNS config or a MUD file
 * is a host name and a MAC is one unicast station in one form. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/report_load.h"
#include "policy/mud.h"
#include "enforce/backend.h"
#include "enforce/inreport.h"
#include "enforce/names.h"
#include "lib/hostname.h"

static void quiet(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void quiet(const char *fmt, ...)
{
	(void)fmt;
}

static void check_loaded(const struct inrep *r)
{
	for (size_t i = 0; i < r->n_devs; i++) {
		const struct inrep_dev *d = &r->devs[i];
		char norm[18];
		if (enforce_mac_norm(d->mac, norm) != MAC_OK || strcmp(norm, d->mac) || d->n_addrs > NFT_DEV_ADDRS)
			abort();
		for (size_t a = 0; a < d->n_addrs; a++)
			if (strchr(d->addrs[a], '/') || !mud_prefix_ok(d->addrs[a]))
				abort();
		for (size_t q = 0; q < d->n_queries; q++)
			if (!hostname_ok(d->queries[q]) || (q && strcmp(d->queries[q - 1], d->queries[q]) >= 0))
				abort();
	}
	for (size_t i = 0; i < r->n_answers; i++)
		if (!hostname_ok(r->answers[i].name) || strchr(r->answers[i].addr, '/') || !mud_prefix_ok(r->answers[i].addr))
			abort();
}

/* every back end's file from what was loaded, each device held local-only */
static void blocklists(const struct inrep *r)
{
	struct nft_device *devs = calloc(r->n_devs + 1, sizeof *devs);
	struct dns_block *b = calloc(r->n_devs + 1, sizeof *b);
	if (!devs || !b)
		goto out;
	for (size_t i = 0; i < r->n_devs; i++) {
		memcpy(devs[i].mac, r->devs[i].mac, sizeof devs[i].mac);
		devs[i].policy = POL_LOCAL_ONLY;
		memcpy(devs[i].addrs, r->devs[i].addrs, sizeof devs[i].addrs);
		devs[i].n_addrs = r->devs[i].n_addrs;
		b[i] = (struct dns_block){ &devs[i], (const char *const *)r->devs[i].queries, r->devs[i].n_queries };
	}
	struct enforce_job job = { .devs = devs, .n_devs = r->n_devs, .blocks = b, .n_blocks = r->n_devs,
				   .lan_nets = "192.168.0.0/16", .format = NFT_TABLE, .warn = quiet };
	for (size_t k = 0; k < enforce_n_backends; k++) {
		if (!(enforce_backends[k].needs & ENF_QUERIES))
			continue;
		char *text = NULL, err[128];
		size_t len = 0;
		struct enforce_stats st;
		FILE *f = open_memstream(&text, &len);
		if (!f)
			continue;
		(void)enforce_write(&enforce_backends[k], f, &job, &st, err, sizeof err);
		fclose(f);
		/* the only quotes are the format's own, around checked values */
		for (char *line = text; line && *line;) {
			char *nl = strchr(line, '\n');
			if (!strncmp(line, "address=/", 9) && strncmp(strchr(line + 9, '/') ? strchr(line + 9, '/') : "", "/0.0.0.0", 8))
				abort();
			line = nl ? nl + 1 : NULL;
		}
		free(text);
	}
out:
	free(devs);
	free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	struct report *rep = report_load_buf((const char *)data, size, "fuzz.json", quiet, err, sizeof err);
	if (!rep)
		return 0;
	struct inrep r;
	if (inrep_from_report(rep, "fuzz.json", &r, quiet) == 0) {
		check_loaded(&r);
		blocklists(&r);
	}
	inrep_free(&r);
	for (size_t i = 0; i < rep->n_devices; i++) {
		struct mud_profile p;
		if (mud_learn(&rep->devices[i], &p, quiet, err, sizeof err) < 0)
			continue;
		for (size_t k = 0; k < p.n; k++)
			if ((p.rules[k].dnsname[0] && !hostname_ok(p.rules[k].dnsname)) ||
			    (p.rules[k].network[0] && !mud_prefix_ok(p.rules[k].network)))
				abort();
		json_t *doc = mud_to_json(&p, "https://example.invalid/x.json", "2026-01-01T00:00:00Z");
		struct mud_profile back;
		/* what learn writes, read back strictly, is taken whole */
		if (mud_from_json(doc, &back, err, sizeof err) < 0)
			abort();
		mud_profile_free(&back);
		json_decref(doc);
		mud_profile_free(&p);
	}
	report_free(rep);
	return 0;
}
