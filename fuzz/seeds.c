/* seeds.c - build the fuzz seed corpus from real captures: every frame
 * goes to corpus/packet/ (prefixed with the byte that selects its link type
 * in fuzz_packet.c), and every UDP/TCP payload on an application decoder's
 * port to corpus/<decoder>/. At most SEEDS_PER_TARGET files per target,
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

static const char *targets[] = { "packet", "dns", "mdns", "dhcp", "dhcp6", "ssdp", "ntp",
				 "miio", "tuya", "http", "tls", "dns_tcp", "ndp", "pppp" };
static unsigned counts[sizeof targets / sizeof targets[0]];
static const char *outdir;

static int target_index(const char *name)
{
	for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++)
		if (strcmp(targets[i], name) == 0)
			return (int)i;
	return -1;
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

static const char *udp_target(uint16_t sp, uint16_t dp)
{
	app_decode_fn fn = app_for_udp(sp, dp);
	if (fn == app_dns) return "dns";
	if (fn == app_mdns) return "mdns";
	if (fn == app_dhcp) return "dhcp";
	if (fn == app_dhcp6) return "dhcp6";
	if (fn == app_ssdp) return "ssdp";
	if (fn == app_ntp) return "ntp";
	if (fn == app_miio) return "miio";
	if (fn == app_tuya) return "tuya";
	if (fn == app_pppp) return "pppp";
	return NULL;
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
	for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++) {
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
				const char *t = udp_target(p.sport, p.dport);
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
				else if (p.sport == 53 || p.dport == 53)
					save("dns_tcp", 0, 0, p.payload, p.payload_len);
			}
		}
		pcap_close(pc);
	}
	for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++)
		printf("%-8s %u new seeds\n", targets[i], counts[i]);
	return 0;
}
