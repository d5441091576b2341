/* fuzz_capture.c - libFuzzer target for capture files: the input is written
 * to a file and read back through cap_open_file()/cap_next() (libpcap for
 * the header and pcapng, capture.c's own read-ahead reader for classic
 * pcap), every packet decoded. The reader must return packets within the
 * file and their stated lengths, or an error with a message, and stop. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture/capture.h"
#include "decode/decode.h"
#include "decode/pkt.h"

static char path[256];

static unsigned touch(const void *p, size_t n)
{
	const volatile uint8_t *b = p;
	unsigned x = 0;
	for (size_t i = 0; i < n; i++)
		x += b[i];
	return x;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!path[0]) {
		const char *dir = getenv("TMPDIR");
		snprintf(path, sizeof path, "%s/alfoil-fuzz-capture-%d.pcap", dir && *dir ? dir : "/tmp",
			 (int)getpid());
	}
	FILE *f = fopen(path, "wb");
	if (!f)
		abort();
	if (size && fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);
	char err[2048];
	struct cap_source *s = cap_open_file(path, NULL, err, sizeof err);
	if (!s) {
		if (!err[0])
			abort(); /* a failure says why */
		unlink(path);
		return 0;
	}
	struct cap_packet cp;
	struct dec_ctx ctx = { 0 };
	struct pkt p;
	unsigned sum = 0;
	uint64_t n = 0;
	int r;
	while ((r = cap_next(s, &cp)) == CAP_PACKET) {
		if (cp.caplen > 262144 || cp.caplen > size || cp.wirelen < cp.caplen)
			abort();
		sum += touch(cp.data, cp.caplen);
		decode_packet(&ctx, cap_datalink(s), cp.data, cp.caplen, cp.wirelen, &p);
		if (++n > size) /* every record takes at least 16 bytes */
			abort();
	}
	if (r == CAP_ERROR && !cap_error(s)[0])
		abort();
	if (r == CAP_ERROR && cap_next(s, &cp) != CAP_END)
		abort(); /* a file that went bad is not read on */
	cap_close(s);
	unlink(path);
	return (int)(sum & 0);
}
