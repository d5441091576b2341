/* seeds.c - build the fuzz seed corpus from real captures: every frame
 * goes to corpus/packet/ (prefixed with the byte that selects its link type
 * in fuzz_packet.c), and every UDP/TCP payload an application decoder of
 * the registry (decode/apps.def) would read to corpus/<decoder>/ (app_dns:
 * dns), TLS hellos, HTTP heads and NDP messages to tls/, http/, ndp/. At most SEEDS_PER_TARGET files per target,
 * named by content hash so reruns add nothing twice.
 *
 *   build/fuzz/seeds OUTDIR CAPTURE...
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "decode/app.h"
#include "decode/decode.h"
#include "decode/pkt.h"

#define SEEDS_PER_TARGET 400
#define PACKET_SEEDS 4000
#define PACKET_SEEDS_PER_FILE 4

/* "packet", "http", "tls", "ndp", then the registry's decoders */
#define MAX_TARGETS (4 + 2 * APP__COUNT)
static const char *targets[MAX_TARGETS] = { "packet", "http", "tls", "ndp" };
static size_t n_targets = 4;
static unsigned counts[MAX_TARGETS];
static const char *outdir;

static int target_index(const char *name)
{
	for (size_t i = 0; i < n_targets; i++)
		if (strcmp(targets[i], name) == 0)
			return (int)i;
	return -1;
}

static void add_target(const char *decoder)
{
	if (decoder && target_index(decoder + 4) < 0) /* "app_dns": dns */
		targets[n_targets++] = decoder + 4;
}

static void save(const char *target, uint8_t prefix, int has_prefix, const uint8_t *p, size_t n)
{
	int ti = target_index(target);
	if (ti < 0)
		return;
	unsigned cap = ti == 0 ? PACKET_SEEDS : SEEDS_PER_TARGET;
	if (counts[ti] >= cap || n == 0 || n > 65535)
		return;
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	if (has_prefix)
		h = (h ^ prefix) * 1099511628211ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	char path[4096];
	snprintf(path, sizeof path, "%s/%s/%016llx", outdir, target, (unsigned long long)h);
	struct stat st;
	if (stat(path, &st) == 0)
		return;
	FILE *f = fopen(path, "wb");
	if (!f) {
		fprintf(stderr, "seeds: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	if (has_prefix)
		fputc(prefix, f);
	fwrite(p, 1, n, f);
	fclose(f);
	counts[ti]++;
}

/* The decoder the tracker would run (observe.c), as a target name. */
static const char *udp_target(const struct pkt *p)
{
	const struct app_def *a = app_udp(p->sport, p->dport);
	if (!a)
		a = app_udp_recognise(p->payload, p->payload_len);
	return a ? a->udp_name + 4 : NULL;
}

static const char *tcp_target(const struct pkt *p)
{
	const struct app_def *a = app_tcp(p->sport, p->dport);
	if (!a)
		a = app_tcp_recognise(p->payload, p->payload_len);
	return a ? a->tcp_name + 4 : NULL;
}

/* fuzz_packet.c's link-type table, by DLT */
static int dlt_prefix(int dlt)
{
	static const int dlts[] = { 1, 113, 276, 12, 0, 108, 228, 229, 101 };
	for (int i = 0; i < 9; i++)
		if (dlts[i] == dlt)
			return i;
	return -1;
}

int main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE], dir[4096];
	if (argc < 3) {
		fprintf(stderr, "usage: seeds OUTDIR CAPTURE...\n");
		return 2;
	}
	outdir = argv[1];
	mkdir(outdir, 0755);
	for (int a = 1; a < APP__COUNT; a++) {
		add_target(app_def((enum app_proto)a)->udp_name);
		add_target(app_def((enum app_proto)a)->tcp_name);
	}
	for (size_t i = 0; i < n_targets; i++) {
		snprintf(dir, sizeof dir, "%s/%s", outdir, targets[i]);
		mkdir(dir, 0755);
	}
	for (int a = 2; a < argc; a++) {
		pcap_t *pc = pcap_open_offline(argv[a], err);
		if (!pc)
			continue; /* not a capture: skipped quietly, many are */
		int dlt = pcap_datalink(pc), pre = dlt_prefix(dlt);
		struct pcap_pkthdr *h;
		const u_char *data;
		struct dec_ctx ctx = { 0 };
		unsigned frames = 0;
		while (pcap_next_ex(pc, &h, &data) == 1) {
			struct pkt p;
			if (pre >= 0 && frames++ < PACKET_SEEDS_PER_FILE)
				save("packet", (uint8_t)pre, 1, data, h->caplen);
			if (decode_packet(&ctx, dlt, data, h->caplen, h->len, &p) != DEC_OK || !p.payload_len)
				continue;
			if (p.l4proto == 17) {
				const char *t = udp_target(&p);
				if (t)
					save(t, 0, 0, p.payload, p.payload_len);
			} else if (p.l4proto == 58 && p.icmp_type >= 133 && p.icmp_type <= 137) {
				/* app_ndp reads the whole ICMPv6 message, header included */
				save("ndp", 0, 0, p.payload - 4, p.payload_len + 4);
			} else if (p.l4proto == 6) {
				if (app_tls_need(p.payload, p.payload_len) > 0)
					save("tls", 0, 0, p.payload, p.payload_len);
				else if (app_http_is_request(p.payload, p.payload_len))
					save("http", 0, 0, p.payload, p.payload_len);
				else if (tcp_target(&p))
					save(tcp_target(&p), 0, 0, p.payload, p.payload_len);
			}
		}
		pcap_close(pc);
	}
	for (size_t i = 0; i < n_targets; i++)
		printf("%-8s %u new seeds\n", targets[i], counts[i]);
	return 0;
}
