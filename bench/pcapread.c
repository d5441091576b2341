/* pcapread.c - the floor of the benchmark: read every packet of a capture
 * with libpcap and touch nothing but the header, as fast as the library
 * allows. Nothing that analyses the file can be faster than this.
 *
 *   pcapread FILE   prints "packets N bytes N"
 */
#include <pcap/pcap.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	if (argc != 2) {
		fprintf(stderr, "usage: pcapread FILE\n");
		return 2;
	}
	pcap_t *p = pcap_open_offline(argv[1], err);
	if (!p) {
		fprintf(stderr, "pcapread: %s\n", err);
		return 1;
	}
	struct pcap_pkthdr *h;
	const u_char *data;
	unsigned long long n = 0, bytes = 0, sum = 0;
	int r;
	while ((r = pcap_next_ex(p, &h, &data)) == 1) {
		n++;
		bytes += h->len;
		sum += h->caplen ? data[0] : 0; /* one byte read, as any reader must */
	}
	if (r == -1)
		fprintf(stderr, "pcapread: %s\n", pcap_geterr(p));
	pcap_close(p);
	printf("packets %llu bytes %llu (check %llu)\n", n, bytes, sum & 0xff);
	return r == -1;
}
