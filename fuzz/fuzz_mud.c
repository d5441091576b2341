/* fuzz_mud.c - libFuzzer target for MUD files written by others: JSON in,
 * read and validated (policy/mud.c), then what the rest of alfoil does with
 * an accepted profile: checks against it, the nftables ruleset and the MUD
 * file written back. A profile that passes validation must never make
 * nft_write emit a name or prefix outside the set syntax. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/mud.h"
#include "enforce/nft.h"
#include "lib/hostname.h"

static void quiet(const char *fmt, ...)
{
	(void)fmt;
}

/* the lenient read (enforce's): whatever it keeps is as clean as the
 * strict read's, and it keeps at least what the strict read accepts */
static void lenient(const json_t *doc, int strict_ok, size_t strict_n)
{
	struct mud_profile p;
	char err[512];
	if (mud_from_json_skip(doc, &p, quiet, err, sizeof err) < 0) {
		if (strict_ok)
			abort();
		return;
	}
	if (strict_ok && (p.n != strict_n || p.n_skipped))
		abort();
	for (size_t k = 0; k < p.n; k++)
		if ((p.rules[k].dnsname[0] && !hostname_ok(p.rules[k].dnsname)) ||
		    (p.rules[k].network[0] && !mud_prefix_ok(p.rules[k].network)))
			abort();
	mud_profile_free(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t je;
	json_t *doc = json_loadb((const char *)data, size, JSON_DECODE_ANY, &je);
	if (!doc)
		return 0;
	struct mud_profile p;
	char err[512];
	int strict_ok = mud_from_json(doc, &p, err, sizeof err) == 0;
	lenient(doc, strict_ok, strict_ok ? p.n : 0);
	if (strict_ok) {
		static const char *const addrs[] = { "192.0.2.1", "2001:db8::1", "10.0.0.1", "junk" };
		for (int i = 0; i < 4; i++)
			(void)mud_allows(&p, i & 1, i & 2, "cloud.example", addrs[i], (uint8_t)(i ? 6 : 17), (uint16_t)(443 + i));
		struct nft_device dev = { .mac = "02:00:00:00:00:01", .policy = POL_PROFILE, .profile = &p };
		struct nft_name nm = { "cloud.example", "192.0.2.7", 30 };
		static const char known[1][18] = { "02:00:00:00:00:09" };
		/* the size's low bits pick the form: fw4, live names, the bridge table, the guard */
		struct nft_input in = { .devs = &dev, .n_devs = 1, .names = &nm, .n_names = 1,
					.lan_nets = "192.168.0.0/16, fd00::/8", .format = (enum nft_format)(size & 1),
					.live = (size & 2) != 0, .bridge = (size & 5) == 4, .guard = (size & 8) != 0,
					.new_policy = POL_LOCAL_ONLY, .known = known, .n_known = 1,
					.controllers = known, .n_controllers = (size & 16) != 0 };
		char *text = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&text, &len);
		if (f) {
			(void)nft_write(f, &in, NULL, err, sizeof err);
			fclose(f);
			/* no quote, semicolon or brace can come from the file's strings */
			for (size_t k = 0; k < p.n; k++)
				if (strpbrk(p.rules[k].dnsname, "\"';{}\n ") || strpbrk(p.rules[k].network, "\"';{}\n "))
					abort();
			free(text);
		}
		json_t *back = mud_to_json(&p, "https://example.invalid/x.json", "2026-01-01T00:00:00Z");
		char *s = json_dumps(back, 0);
		free(s);
		json_decref(back);
		mud_profile_free(&p);
	}
	json_decref(doc);
	return 0;
}
